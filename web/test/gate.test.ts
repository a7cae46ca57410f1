import { describe, expect, test } from 'vitest';
import type { CheckIn } from '../src/api/types';
import { GATE_PATTERN, RepeatGuard, SEND_LATER, TICKET_REFUSALS, gateName, gatesInOrder, waitsForNextTry, parseAlreadyCheckedIn, parseGate, scanVerdict } from '../src/domain/gate';
import { GATE_KEY, saveGate, savedGate } from '../src/gate/gate-store';
import { PENDING_KEY, PendingScans } from '../src/gate/pending-scans';

const TICKET = '0b7e4a52-6c1f-4d2a-9a53-1f0e8c9d7b21';
const checkIn: CheckIn = {
  bookingNumber: '7K3QD-M2XWA',
  reservationId: TICKET,
  concertId: 'aurora-live-2026',
  date: '2026-03-15',
  seatNumber: 12,
  checkedInAt: '2026-03-15T10:02:00Z',
  gate: '3',
};
const SEOUL = 'Asia/Seoul';

describe('what the staff member reads after a scan', () => {
  test('admitted: the seat with its date, and the booking number', () => {
    expect(scanVerdict({ kind: 'admitted', checkIn }, 'ko', SEOUL)).toEqual({
      kind: 'admitted',
      headline: '입장 확인',
      lines: ['12번 좌석 · 2026년 3월 15일 (일)', '예매번호 7K3QD-M2XWA'],
    });
    expect(scanVerdict({ kind: 'admitted', checkIn }, 'en', SEOUL)).toEqual({
      kind: 'admitted',
      headline: 'Admitted',
      lines: ['Seat 12 · Sun, 15 Mar 2026', 'Booking number 7K3QD-M2XWA'],
    });
  });

  test('already checked in: when (the scanner’s time of day) and at which gate, from the detail', () => {
    const refusal = { kind: 'refused', code: 'ALREADY_CHECKED_IN', detail: 'already checked in at 2026-03-15T10:02:41.123+00:00 at gate 3' } as const;
    expect(scanVerdict(refusal, 'ko', SEOUL)).toEqual({ kind: 'refused', headline: '입장 불가', lines: ['이미 19:02에 3번 게이트에서 입장'] });
    expect(scanVerdict(refusal, 'en', SEOUL).lines).toEqual(['Already checked in at 19:02 at gate 3']);
    const named = { ...refusal, detail: 'already checked in at 2026-03-15T10:02:41Z at gate East-2' };
    expect(scanVerdict(named, 'ko', SEOUL).lines).toEqual(['이미 19:02에 East-2 게이트에서 입장']);
    // A detail worded otherwise: the code's own sentence, never nothing.
    expect(scanVerdict({ ...refusal, detail: '' }, 'ko').lines).toEqual(['이미 입장 처리된 티켓입니다. 입장한 티켓은 환불할 수 없습니다.']);
  });

  test('the ticket’s other refusals, each in words', () => {
    const refused = (code: string, detail = '') => scanVerdict({ kind: 'refused', code, detail }, 'ko');
    expect(refused('TICKET_VOID')).toEqual({ kind: 'refused', headline: '입장 불가', lines: ['환불된 티켓입니다. 이 티켓으로는 입장할 수 없습니다.'] });
    expect(refused('TICKET_WRONG_DATE', 'this ticket is for 2026-03-16, not today').lines).toEqual(['2026년 3월 16일 (월) 공연 티켓입니다. 오늘은 입장할 수 없습니다.']);
    expect(refused('TICKET_CODE_INVALID').lines[0]).toMatch(/캡처한 화면/);
    expect(refused('TICKET_NOT_FOUND').kind).toBe('refused');
    expect(scanVerdict({ kind: 'refused', code: 'TICKET_CODE_INVALID', detail: '' }, 'en').lines[0]).toMatch(/screenshot/);
  });

  test('no answer (network down, service busy) is no refusal: the verdict is pending, the scan kept to send later', () => {
    for (const code of ['NETWORK', 'TIMEOUT', 'UNAVAILABLE', 'SERVICE_UNAVAILABLE', 'THROTTLED', 'CONTENTION', 'INTERNAL']) {
      expect(SEND_LATER.has(code), code).toBe(true);
      expect(scanVerdict({ kind: 'refused', code, detail: '' }, 'ko')).toEqual({
        kind: 'pending',
        headline: '확인 보류',
        lines: ['서비스에 연결되지 않아 확인하지 못했습니다. 스캔을 이 기기에 저장했고, 연결되면 스캔한 시각으로 보내 결과를 아래에 알려 드립니다.'],
      });
    }
    expect(scanVerdict({ kind: 'refused', code: 'NETWORK', detail: '' }, 'en').headline).toBe('Pending');
    for (const code of TICKET_REFUSALS) expect(SEND_LATER.has(code)).toBe(false);
  });

  test('an answer not about the ticket (not staff, a bad request) is said, and the scan is not kept', () => {
    expect(scanVerdict({ kind: 'refused', code: 'FORBIDDEN', detail: '' }, 'en')).toEqual({
      kind: 'failed',
      headline: 'Not checked',
      lines: ['Only gate staff accounts can check tickets in.', 'This scan was not taken: sort that out, then scan again.'],
    });
    expect(scanVerdict({ kind: 'refused', code: 'INVALID_REQUEST', detail: '' }, 'ko').kind).toBe('failed');
    expect(SEND_LATER.has('FORBIDDEN')).toBe(false);
  });

  test('a gate’s name: 3번 게이트 for a number, the name itself otherwise', () => {
    expect(gateName('3', 'ko')).toBe('3번 게이트');
    expect(gateName('동문', 'ko')).toBe('동문 게이트');
    expect(gateName('3', 'en')).toBe('gate 3');
    expect(parseAlreadyCheckedIn('already checked in at 2026-03-15T10:02:41+00:00 at gate North 2')).toEqual({ at: '2026-03-15T10:02:41+00:00', gate: 'North 2' });
    expect(parseAlreadyCheckedIn('something else')).toBeNull();
  });
});

describe('the gate’s name', () => {
  test('the operator’s count per gate lists gates as people number them', () => {
    const counts = [{ gate: '10', count: 1 }, { gate: 'East', count: 4 }, { gate: '2', count: 3 }, { gate: 'east 2', count: 1 }];
    expect(gatesInOrder(counts).map((g) => g.gate)).toEqual(['2', '10', 'East', 'east 2']);
    expect(counts[0].gate).toBe('10'); // not sorted in place
  });

  test('1-32 letters (Korean too), digits, spaces or -, as the API takes it', () => {
    expect(parseGate(' 3 ')).toBe('3');
    expect(parseGate('East-2')).toBe('East-2');
    expect(parseGate('동문 1')).toBe('동문 1');
    for (const bad of ['', '   ', 'a'.repeat(33), 'gate/3', 'gate_3', '3!']) expect(parseGate(bad), bad).toBeNull();
    expect(parseGate('가'.repeat(32))).toBe('가'.repeat(32));
  });

  test('the input’s pattern compiles with the v flag and agrees with the parser', () => {
    const re = new RegExp(`^(?:${GATE_PATTERN})$`, 'v');
    for (const name of ['3', 'East-2', '동문 1', 'gate/3', 'gate_3', '']) expect(re.test(name), name).toBe(parseGate(name) === name && name !== '');
  });

  test('remembered on the device; anything unusable stored is no gate', () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    expect(savedGate(storage)).toBeNull();
    saveGate('3', storage);
    expect(store.get(GATE_KEY)).toBe('3');
    expect(savedGate(storage)).toBe('3');
    store.set(GATE_KEY, 'no/slashes');
    expect(savedGate(storage)).toBeNull();
  });
});

describe('the camera’s readings', () => {
  test('one ticket held in view makes one scan; shown again after a pause, it is sent again', () => {
    const guard = new RepeatGuard(4000);
    const code = (digits: string) => `TK1.${TICKET}.${digits}`;
    expect(guard.fresh(code('11111111'), 0)).toBe(true);
    expect(guard.fresh(code('11111111'), 150)).toBe(false);
    // The code turns over while the phone is still held up: the same ticket, not sent.
    for (let at = 300; at <= 12_000; at += 150) expect(guard.fresh(code(at < 10_000 ? '11111111' : '22222222'), at)).toBe(false);
    // Another ticket meanwhile is sent at once.
    expect(guard.fresh(`TK1.${TICKET.replace('0b7e', '1c8f')}.33333333`, 12_100)).toBe(true);
    // Out of view for longer than the quiet time: sent again (the gate answers "already in").
    expect(guard.fresh(code('22222222'), 17_000)).toBe(true);
    // Something that is no ticket code is kept apart by its text.
    expect(guard.fresh('https://example.com', 17_100)).toBe(true);
    expect(guard.fresh('https://example.com', 17_200)).toBe(false);
  });
});

describe('scans kept while the service cannot be reached', () => {
  const memory = () => {
    const store = new Map<string, string>();
    return { store, storage: { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) } };
  };
  const NOW = Date.parse('2026-03-15T10:00:00Z');
  const scan = (minutesAgo: number, digits = '11111111', gate = '3') => ({
    code: `TK1.${TICKET}.${digits}`,
    gate,
    scannedAt: new Date(NOW - minutesAgo * 60_000).toISOString(),
  });

  test('kept on the device with their gate and time, oldest first, until each has its answer', () => {
    const { store, storage } = memory();
    const queue = new PendingScans(storage, () => NOW);
    expect(queue.list()).toEqual([]);
    queue.add(scan(1, '22222222'));
    queue.add(scan(5, '11111111', 'East-2'));
    expect(queue.list().map((s) => s.code.slice(-8))).toEqual(['11111111', '22222222']);
    expect(JSON.parse(store.get(PENDING_KEY)!)).toHaveLength(2);
    // Another tab of the scanner (or a reload) sees them too.
    expect(new PendingScans(storage, () => NOW).list()).toHaveLength(2);
    queue.remove(scan(5, '11111111', 'East-2'));
    expect(queue.list()).toEqual([scan(1, '22222222')]);
  });

  test('a kept scan stays while there is no answer or no scan can be taken; any other answer is its last', () => {
    const refused = (code: string) => ({ kind: 'refused', code, detail: '' }) as const;
    for (const code of [...SEND_LATER, 'AUTH_INVALID', 'AUTH_MISSING', 'FORBIDDEN']) expect(waitsForNextTry(refused(code)), code).toBe(true);
    expect(waitsForNextTry({ kind: 'admitted', checkIn })).toBe(false);
    for (const code of [...TICKET_REFUSALS, 'INVALID_REQUEST', 'UNEXPECTED']) expect(waitsForNextTry(refused(code)), code).toBe(false);
  });

  test('a scan older than the service judges (12 h) is dropped; what is stored unreadable is no scan', () => {
    const { store, storage } = memory();
    const queue = new PendingScans(storage, () => NOW);
    queue.add(scan(12 * 60 + 1));
    queue.add(scan(12 * 60 - 1));
    expect(queue.list()).toEqual([scan(12 * 60 - 1)]);
    store.set(PENDING_KEY, 'not json');
    expect(queue.list()).toEqual([]);
    store.set(PENDING_KEY, JSON.stringify([{ code: 1 }, scan(2)]));
    expect(queue.list()).toEqual([scan(2)]);
  });
});
