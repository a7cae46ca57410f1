import { describe, expect, test } from 'vitest';
import jsQR from 'jsqr';
import {
  TicketCoder,
  looksLikeTicketCode,
  msToNextStep,
  qrPayload,
  secretBytes,
  stepAt,
  stepMessage,
  ticketOfCode,
  truncate,
} from '../src/domain/ticket-code';
import { qrMatrix } from '../src/ui/qr';

// The documented vectors (docs/tickets.md), computed independently of the service.
const SECRET = 'fc5876ba67b94e308f07b095e953645b07c0dbf6a3d2217da4e0d0d8bd626041';
const TICKET = '0b7e4a52-6c1f-4d2a-9a53-1f0e8c9d7b21';

describe('the rotating code', () => {
  test.each([
    [0, '98494366'],
    [1, '42124858'],
    [179_000_000, '86776490'],
  ])('the documented vector: step %i gives %s', async (step, code) => {
    expect(await new TicketCoder(SECRET).codeAt(step)).toBe(code);
  });

  test('the step is floor(unix ms / 10 000): a code lasts 10 s, changing on the boundary', () => {
    expect(stepAt(0, 10)).toBe(0);
    expect(stepAt(9_999, 10)).toBe(0);
    expect(stepAt(10_000, 10)).toBe(1);
    expect(stepAt(1_790_000_000_000, 10)).toBe(179_000_000);
    expect(msToNextStep(1_790_000_000_000, 10)).toBe(10_000);
    expect(msToNextStep(1_790_000_009_999, 10)).toBe(1);
  });

  test('the message is the step as 8 bytes, big endian, past 32 bits too', () => {
    expect([...stepMessage(1)]).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect([...stepMessage(179_000_000)]).toEqual([0, 0, 0, 0, 0x0a, 0xab, 0x52, 0xc0]);
    expect([...stepMessage(2 ** 32 + 2)]).toEqual([0, 0, 0, 1, 0, 0, 0, 2]);
    expect(() => stepMessage(-1)).toThrow();
  });

  test('dynamic truncation: the low nibble of the last byte picks four bytes, top bit cleared, 8 digits zero-padded', () => {
    const mac = new Uint8Array(32);
    mac[31] = 0x02; // offset 2
    mac.set([0x80, 0x00, 0x00, 0x2a], 2);
    expect(truncate(mac)).toBe('00000042');
  });

  test('a secret is 64 hex characters, nothing else', () => {
    expect(secretBytes(SECRET)[0]).toBe(0xfc);
    expect(secretBytes(SECRET)).toHaveLength(32);
    expect(() => secretBytes('abc')).toThrow();
    expect(() => new TicketCoder(`${SECRET.slice(0, 63)}g`)).toThrow();
  });
});

describe('the QR code’s text', () => {
  test('TK1.<reservationId>.<code>', () => {
    expect(qrPayload(TICKET, '98494366')).toBe(`TK1.${TICKET}.98494366`);
    expect(looksLikeTicketCode(` TK1.${TICKET}.98494366\n`)).toBe(true);
    expect(ticketOfCode(`TK1.${TICKET}.98494366`)).toBe(TICKET);
    for (const not of [`TK2.${TICKET}.98494366`, `TK1.${TICKET}.9849436`, `TK1.not-a-uuid.98494366`, 'https://example.com', '']) {
      expect(looksLikeTicketCode(not), not).toBe(false);
      expect(ticketOfCode(not)).toBeNull();
    }
  });

  test('the QR drawn from the payload reads back as the payload (jsQR, as the gate’s camera decodes it)', () => {
    const text = qrPayload(TICKET, '42124858');
    const modules = qrMatrix(text);
    // Paint it as the scanner's canvas would see it: 4 px per module, a 4-module quiet zone.
    const scale = 4;
    const quiet = 4;
    const size = (modules.length + quiet * 2) * scale;
    const rgba = new Uint8ClampedArray(size * size * 4).fill(255);
    modules.forEach((row, r) =>
      row.forEach((dark, c) => {
        if (!dark) return;
        for (let y = 0; y < scale; y++)
          for (let x = 0; x < scale; x++) {
            const i = (((r + quiet) * scale + y) * size + (c + quiet) * scale + x) * 4;
            rgba[i] = rgba[i + 1] = rgba[i + 2] = 0;
          }
      }),
    );
    expect(jsQR(rgba, size, size)?.data).toBe(text);
  });
});
