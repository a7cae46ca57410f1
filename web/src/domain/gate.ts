// The gate's side of a scan, pure: the gate's name as the API takes it, what a scan's answer
// means in words for the staff member holding the scanner (admitted with the seat and the
// booking number, or refused with the reason, "already checked in at 19:02 at gate 3" read
// from the problem's detail), and which camera readings are worth sending.

import type { CheckIn, CheckInCounts } from '../api/types';
import type { Lang } from '../i18n/lang';
import { t } from '../i18n/messages';
import { problemMessage } from '../i18n/problems';
import { formatDay } from './time';
import { ticketOfCode } from './ticket-code';

/**
 * A gate name input's `pattern` (the browser compiles it with the `v` flag: `-` escaped in a
 * class): 1-32 letters, digits, spaces or '-', as the API accepts.
 */
export const GATE_PATTERN = '[\\p{L}\\p{N} \\-]{1,32}';

/** The gate's name as the API takes it (trimmed), or null if it would be refused. */
export function parseGate(text: string): string | null {
  const name = text.trim();
  return [...name].length >= 1 && [...name].length <= 32 && /^[\p{L}\p{N} -]+$/u.test(name) ? name : null;
}

/** What a scan came back with: the ticket let in, or the API's refusal (its code and detail). */
export type ScanOutcome = { kind: 'admitted'; checkIn: CheckIn } | { kind: 'refused'; code: string; detail: string };

/**
 * The scan's answer as the staff member reads it: admitted, refused (the ticket's own
 * answer: let nobody in on it), pending (no answer came, as when the network drops: the scan
 * is kept and sent once it is back, gate/pending-scans.ts), or failed (an answer that is not
 * about the ticket, such as an account that is not gate staff).
 */
export interface ScanVerdict {
  kind: 'admitted' | 'refused' | 'pending' | 'failed';
  /** 입장 확인 / Admitted, 입장 불가 / Not admitted, 확인 보류 / Pending, or 확인하지 못함 / Not checked. */
  headline: string;
  /** Admitted: the seat (and date), then the booking number. Otherwise the reason. */
  lines: string[];
}

/**
 * The failures after which the scan is kept and sent again later: no answer (NETWORK,
 * TIMEOUT: it may even have been done, and sending it again is the same conditional write),
 * or a service too busy or down to judge it. Nothing about the ticket was said.
 */
export const SEND_LATER: ReadonlySet<string> = new Set(['NETWORK', 'TIMEOUT', 'UNAVAILABLE', 'SERVICE_UNAVAILABLE', 'THROTTLED', 'CONTENTION', 'INTERNAL']);

/** The codes that are the ticket's own answer (the contract's refusals of POST /gate/check-ins). */
export const TICKET_REFUSALS: ReadonlySet<string> = new Set(['ALREADY_CHECKED_IN', 'TICKET_VOID', 'TICKET_WRONG_DATE', 'TICKET_CODE_INVALID', 'TICKET_NOT_FOUND']);

/**
 * Whether a kept scan, sent again, stays kept (and the ones after it wait too): no answer
 * still, or no scan can be taken now (a sign-in that expired meanwhile, an account that is
 * not staff). Any other answer is its last (admitted, the ticket's refusal, a request the
 * service will never take, such as one older than it judges): it leaves the queue, listed.
 */
export function waitsForNextTry(outcome: ScanOutcome): boolean {
  return outcome.kind === 'refused' && (SEND_LATER.has(outcome.code) || ['AUTH_MISSING', 'AUTH_INVALID', 'FORBIDDEN'].includes(outcome.code));
}

/** "3번 게이트" for a gate named by a number, "동문 게이트" otherwise; "gate 3" in English. */
export function gateName(gate: string, lang: Lang): string {
  return t(/^\d+$/.test(gate) ? 'gateNumbered' : 'gateNamed', { gate }, lang);
}

/** An instant as the time of day where the scanner is: "19:02" (with `seconds`, "19:02:07"). */
export function clockTime(iso: string | number, lang: Lang, timeZone?: string, seconds = false): string {
  return new Date(iso).toLocaleTimeString(lang === 'ko' ? 'ko-KR' : 'en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    second: seconds ? '2-digit' : undefined,
    hourCycle: 'h23',
    timeZone,
  });
}

/** ALREADY_CHECKED_IN's detail: "already checked in at <RFC 3339> at gate <name>". */
export function parseAlreadyCheckedIn(detail: string): { at: string; gate: string } | null {
  const m = /at (\d{4}-\d{2}-\d{2}T[^ ]+) at gate (.+)$/.exec(detail.trim());
  return m && !Number.isNaN(Date.parse(m[1])) ? { at: m[1], gate: m[2] } : null;
}

/** TICKET_WRONG_DATE's detail: "this ticket is for <YYYY-MM-DD>, not today". */
export function parseWrongDate(detail: string): string | null {
  return /(\d{4}-\d{2}-\d{2})/.exec(detail)?.[1] ?? null;
}

/** The words for a scan's outcome. `timeZone` only for tests: the scanner's own by default. */
export function scanVerdict(outcome: ScanOutcome, lang: Lang, timeZone?: string): ScanVerdict {
  if (outcome.kind === 'admitted') {
    const c = outcome.checkIn;
    return {
      kind: 'admitted',
      headline: t('scanAdmitted', {}, lang),
      lines: [t('scanSeat', { n: c.seatNumber, date: formatDay(c.date, lang) }, lang), t('scanBooking', { booking: c.bookingNumber }, lang)],
    };
  }
  if (SEND_LATER.has(outcome.code)) return { kind: 'pending', headline: t('scanPending', {}, lang), lines: [t('scanPendingWhy', {}, lang)] };
  const reason = refusalReason(outcome.code, outcome.detail, lang, timeZone);
  if (TICKET_REFUSALS.has(outcome.code)) return { kind: 'refused', headline: t('scanRefused', {}, lang), lines: [reason] };
  return { kind: 'failed', headline: t('scanFailed', {}, lang), lines: [reason, t('scanTryAgain', {}, lang)] };
}

function refusalReason(code: string, detail: string, lang: Lang, timeZone?: string): string {
  switch (code) {
    case 'ALREADY_CHECKED_IN': {
      const done = parseAlreadyCheckedIn(detail);
      return done ? t('scanAlreadyIn', { time: clockTime(done.at, lang, timeZone), gate: gateName(done.gate, lang) }, lang) : problemMessage(code, lang);
    }
    case 'TICKET_WRONG_DATE': {
      const date = parseWrongDate(detail);
      return date ? t('scanWrongDate', { date: formatDay(date, lang) }, lang) : problemMessage(code, lang);
    }
    case 'FORBIDDEN':
      return t('scanNotStaff', {}, lang);
    default:
      return problemMessage(code, lang);
  }
}

/**
 * A camera reads the same QR code many times a second, and the phone stays in view after the
 * answer: a reading is sent only if its ticket was not seen in the last `quietMs` (each
 * sighting restarts that), so one ticket held up makes one scan. A code typed or sent by a
 * handheld scanner is always sent: a person asked for it.
 */
export class RepeatGuard {
  private readonly seen = new Map<string, number>();

  constructor(private readonly quietMs = 4000) {}

  /** Whether to send the reading `text` seen at `now` (epoch ms). */
  fresh(text: string, now: number): boolean {
    const key = ticketOfCode(text) ?? text.trim();
    const last = this.seen.get(key);
    this.seen.set(key, now);
    for (const [k, at] of this.seen) if (now - at > this.quietMs) this.seen.delete(k);
    return last === undefined || now - last > this.quietMs;
  }
}

/** The gates in the order people number them: "2" before "10", then names alphabetically. */
export function gatesInOrder(counts: CheckInCounts['gates']): CheckInCounts['gates'] {
  return [...counts].sort((a, b) => a.gate.localeCompare(b.gate, undefined, { numeric: true, sensitivity: 'base' }));
}
