// A ticket's rotating code (docs/tickets.md): a new 8-digit code every `codeStepSeconds`
// (10 s), derived in the holder's browser from the ticket's secret and the clock, so a
// screenshot or a forwarded picture stops working within seconds. HOTP-style (RFC 4226's
// dynamic truncation) over HMAC-SHA256: the message is the step number as 8 bytes, big
// endian. The QR code carries `TK1.<reservationId>.<code>`, which the gate sends as it is.

/** The version prefix of a ticket QR code's text. */
export const PAYLOAD_VERSION = 'TK1';
export const CODE_DIGITS = 8;

/** The step `unixMs` falls in: floor(unix_ms / (stepSeconds * 1000)). */
export function stepAt(unixMs: number, stepSeconds: number): number {
  return Math.floor(unixMs / (stepSeconds * 1000));
}

/** Milliseconds from `unixMs` until the next step begins (in (0, stepSeconds * 1000]). */
export function msToNextStep(unixMs: number, stepSeconds: number): number {
  const stepMs = stepSeconds * 1000;
  return (stepAt(unixMs, stepSeconds) + 1) * stepMs - unixMs;
}

/** The secret's 32 bytes from its 64 hex characters; throws on anything else. */
export function secretBytes(hex: string): Uint8Array<ArrayBuffer> {
  if (!/^[0-9a-f]{64}$/i.test(hex)) throw new Error('a ticket secret is 64 hex characters');
  return Uint8Array.from({ length: 32 }, (_, i) => Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16));
}

/** The step as the HMAC's message: 8 bytes, big endian (without BigInt: two 32-bit halves). */
export function stepMessage(step: number): Uint8Array<ArrayBuffer> {
  if (!Number.isSafeInteger(step) || step < 0) throw new RangeError(`not a step: ${step}`);
  const bytes = new Uint8Array(8);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, Math.floor(step / 2 ** 32));
  view.setUint32(4, step >>> 0);
  return bytes;
}

/** RFC 4226's dynamic truncation of a 32-byte MAC to `CODE_DIGITS` digits. */
export function truncate(mac: Uint8Array): string {
  const offset = mac[mac.length - 1] & 0x0f;
  const bits = ((mac[offset] << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) | mac[offset + 3]) & 0x7fffffff;
  return String(bits % 10 ** CODE_DIGITS).padStart(CODE_DIGITS, '0');
}

/** Derives a ticket's codes; the secret's key is imported once (WebCrypto, never extractable). */
export class TicketCoder {
  private readonly key: Promise<CryptoKey>;

  constructor(
    secretHex: string,
    private readonly subtle: SubtleCrypto = globalThis.crypto.subtle,
  ) {
    this.key = subtle.importKey('raw', secretBytes(secretHex), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  }

  /** The code of `step`. */
  async codeAt(step: number): Promise<string> {
    const mac = await this.subtle.sign('HMAC', await this.key, stepMessage(step));
    return truncate(new Uint8Array(mac));
  }
}

/** The QR code's text: `TK1.<reservationId>.<code>`. */
export function qrPayload(reservationId: string, code: string): string {
  return `${PAYLOAD_VERSION}.${reservationId}.${code}`;
}

/** Whether a scanned text has the form of a ticket code (the gate still judges it). */
export function looksLikeTicketCode(text: string): boolean {
  return /^TK1\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.\d{8}$/i.test(text.trim());
}

/** The reservation a ticket code names, or null if the text is not one. */
export function ticketOfCode(text: string): string | null {
  return looksLikeTicketCode(text) ? text.trim().split('.')[1].toLowerCase() : null;
}
