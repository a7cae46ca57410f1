// The operator's concert form as plain values (what its inputs hold: text, times in the
// browser's time zone) and the ways in and out of it: a new concert's defaults, an existing
// concert's settings read from GET /operator/concerts/{id} (its picture too), and the ConcertSpec that both
// POST /operator/concerts (create) and PUT /operator/concerts/{id} (edit) take.

import type { ConcertNumbers, ConcertSpec, RefundPolicy } from '../api/types';
import { admissionBody } from './admission';
import { parseWon } from './money';
import { STANDARD_REFUND_POLICY, refundFormValues, refundPolicyOf, samePolicy, type RefundFormValues } from './refund-policy';

export interface ConcertFormValues {
  concertId: string;
  title: string;
  venue: string;
  /** Rows of [date (YYYY-MM-DD), seats]. */
  dates: string[][];
  /** Rows of [fromSeat, toSeat, price (KRW as typed)]. */
  tiers: string[][];
  seatLimit: string;
  /** `datetime-local` values, in the browser's time zone, to the second. */
  preQueueAt: string;
  opensAt: string;
  closesAt: string;
  admitPerTick: string;
  activeCap: string;
  /** The proof of work a join costs, in bits (0..24, 0: none); empty: the default (none) or, on an edit, unchanged. */
  proofOfWorkBits?: string;
  /**
   * The instants an edit read (to the millisecond): sent back exactly while their input still
   * shows the same second, so an untouched opening never counts as moved (409 SALE_STARTED).
   */
  readTimes?: { preQueueAt: string; opensAt: string; closesAt: string };
  /** The schedule read (an edit): sent back as read while the form's schedule says the same. */
  refundPolicy?: RefundPolicy;
  /** The refund schedule as the form writes it; absent: the one read is kept as it is. */
  refund?: RefundFormValues;
  /** The card's picture (https), or empty for none. */
  imageUrl?: string;
}

/** `datetime-local` value for an instant, in the browser's time zone, to the second. */
export function localInputValue(at: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${p(at.getMonth() + 1)}-${p(at.getDate())}T${p(at.getHours())}:${p(at.getMinutes())}:${p(at.getSeconds())}`;
}

const DAY = 86_400_000;
export const STANDARD_TIERS = [
  { fromSeat: 1, toSeat: 10, price: 220_000 },
  { fromSeat: 11, toSeat: 30, price: 165_000 },
  { fromSeat: 31, toSeat: 50, price: 110_000 },
];

/** A new concert: one date a month ahead, the standard tiers, the line in a minute. */
export function newConcertValues(now: number, idSuffix: string): ConcertFormValues {
  return {
    concertId: `concert-${idSuffix}`,
    title: '',
    venue: '',
    dates: [[new Date(now + 30 * DAY).toISOString().slice(0, 10), '50']],
    tiers: STANDARD_TIERS.map((x) => [String(x.fromSeat), String(x.toSeat), String(x.price)]),
    seatLimit: '4',
    preQueueAt: localInputValue(new Date(now + 60_000)),
    opensAt: localInputValue(new Date(now + 5 * 60_000)),
    closesAt: localInputValue(new Date(now + 7 * DAY)),
    admitPerTick: '',
    activeCap: '',
    proofOfWorkBits: '',
    refund: refundFormValues(STANDARD_REFUND_POLICY),
    imageUrl: '',
  };
}

/**
 * An existing concert's settings as the form shows them: each date with its total seats, the
 * price tiers read back from the seats, the times, the seat limit and the admission numbers in
 * effect (sent back, since a PUT without them would reset them), the refund schedule kept.
 */
export function formValuesOf(n: ConcertNumbers): ConcertFormValues {
  const local = (at: string) => localInputValue(new Date(at));
  return {
    concertId: n.concertId,
    title: n.title,
    venue: n.venue,
    dates: n.dates.map((d) => [d.date, String(d.totalSeats)]),
    tiers: n.priceTiers.map((x) => [String(x.fromSeat), String(x.toSeat), String(x.price)]),
    seatLimit: String(n.seatLimit),
    preQueueAt: local(n.preQueueAt),
    opensAt: local(n.opensAt),
    closesAt: local(n.closesAt),
    admitPerTick: String(n.admission.admitPerTick),
    activeCap: String(n.admission.activeCap),
    proofOfWorkBits: n.proofOfWorkBits === undefined ? '' : String(n.proofOfWorkBits),
    readTimes: { preQueueAt: n.preQueueAt, opensAt: n.opensAt, closesAt: n.closesAt },
    refundPolicy: n.refundPolicy,
    refund: refundFormValues(n.refundPolicy),
    // Read back so that an edit keeps the picture (an edit without it removes it).
    imageUrl: n.imageUrl ?? '',
  };
}

/** The instant a `datetime-local` value names (null when empty), or the one read if unchanged. */
function instant(value: string, read?: string): string | null {
  if (value.trim() === '') return null;
  const at = new Date(value);
  const second = (ms: number) => Math.floor(ms / 1000);
  if (read !== undefined && second(at.getTime()) === second(Date.parse(read))) return read;
  return Number.isNaN(at.getTime()) ? '' : at.toISOString();
}

/** The ConcertSpec the form's values describe (the body of a create or an edit). */
export function specOf(v: ConcertFormValues): ConcertSpec {
  const num = (text: string) => (text.trim() === '' ? null : Number(text));
  const spec: ConcertSpec = {
    concertId: v.concertId.trim(),
    title: v.title.trim(),
    venue: v.venue.trim(),
    dates: v.dates.map(([date, seats]) => ({ date: date.trim(), seats: Number(seats) })),
    priceTiers: v.tiers.map(([from, to, price]) => ({ fromSeat: Number(from), toSeat: Number(to), price: parseWon(price) ?? -1 })),
    seatLimit: num(v.seatLimit),
    sale: {
      preQueueAt: instant(v.preQueueAt, v.readTimes?.preQueueAt),
      opensAt: instant(v.opensAt, v.readTimes?.opensAt) ?? '',
      closesAt: instant(v.closesAt, v.readTimes?.closesAt) ?? '',
    },
    admission: admissionBody(num(v.admitPerTick), num(v.activeCap), v.proofOfWorkBits ?? ''),
  };
  // Left out when empty: no picture (on an edit, the picture removed).
  const imageUrl = v.imageUrl?.trim() ?? '';
  if (imageUrl !== '') spec.imageUrl = imageUrl;
  // The schedule: the one read while the form says the same; the standard one is left out
  // on a new concert (it is the default); an invalid one is sent as typed for the API to refuse.
  const written = v.refund ? refundPolicyOf(v.refund) : null;
  if (v.refund && written === null) spec.refundPolicy = INVALID_POLICY;
  else if (written && v.refundPolicy && samePolicy(written, v.refundPolicy)) spec.refundPolicy = v.refundPolicy;
  else if (written && (v.refundPolicy || !samePolicy(written, STANDARD_REFUND_POLICY))) spec.refundPolicy = written;
  else if (v.refundPolicy) spec.refundPolicy = v.refundPolicy;
  return spec;
}

/** Never sent in practice: the form checks each refund field before sending (FEE_PATTERN). */
const INVALID_POLICY: RefundPolicy = { graceHours: -1, deadlineHours: -1, baseFee: { fixedKrw: -1 }, stretches: [] };
