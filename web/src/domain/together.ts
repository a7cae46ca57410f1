// Seats held together (POST /reservations with `bestAvailable` or `seatNumbers`): how many
// a fan may ask for, the request, the seats an answer holds and how to say them. Pure: the
// concert's seat limit and what the fan holds and owns go in, numbers and text come out.

import type { HeldTogether, HoldRequest, Reservation, Ticket } from '../api/types';
import type { Lang } from '../i18n/lang';

/** The most seats held together in one request: one row of ten (the API's 1-10). */
export const MAX_TOGETHER = 10;
/** A concert's seat limit when it is not known (the API's default). */
export const DEFAULT_SEAT_LIMIT = 4;

/**
 * The counts a fan may ask for side by side, 1 upward: the concert's seat limit (the
 * default when unknown) less the live holds and the seats owned (when known), at most a
 * row. Empty when the account is at its limit.
 */
export function togetherChoices(seatLimit: number | null | undefined, held: number, owned: number | null = null): number[] {
  const room = (seatLimit ?? DEFAULT_SEAT_LIMIT) - held - (owned ?? 0);
  const most = Math.min(Math.max(Math.floor(room), 0), MAX_TOGETHER);
  return Array.from({ length: most }, (_, i) => i + 1);
}

/** The seats of the concert the fan owns now (paid or received, used or not): each takes a share of the limit. */
export function ownedSeats(tickets: readonly Pick<Ticket, 'concertId' | 'status'>[], concertId: string): number {
  return tickets.filter((x) => x.concertId === concertId && (x.status === 'VALID' || x.status === 'CHECKED_IN')).length;
}

/** The count to show chosen: the one chosen before while it is still offered, else 2 (or 1). */
export function chosenCount(choices: readonly number[], before: number | null): number | null {
  if (before !== null && choices.includes(before)) return before;
  if (choices.length === 0) return null;
  return Math.min(2, choices[choices.length - 1]);
}

/** The body that asks for the best `count` free seats side by side on `date`. */
export function bestAvailableRequest(concertId: string, date: string, count: number): HoldRequest {
  if (!Number.isInteger(count) || count < 1 || count > MAX_TOGETHER) throw new RangeError(`count ${count} is not 1-${MAX_TOGETHER}`);
  return { concertId, date, bestAvailable: { count } };
}

/** The body that holds these named seats of `date`, all or none (each named once, in order). */
export function namedSeatsRequest(concertId: string, date: string, seats: readonly number[]): HoldRequest {
  const seatNumbers = [...new Set(seats)];
  if (seatNumbers.length === 0 || seatNumbers.length > MAX_TOGETHER) throw new RangeError(`${seatNumbers.length} seats is not 1-${MAX_TOGETHER}`);
  return { concertId, date, seatNumbers };
}

/** The reservations an answer of POST /reservations holds: HeldTogether's, or the one Reservation. */
export function heldReservations(answer: Reservation | HeldTogether): Reservation[] {
  return 'reservations' in answer && Array.isArray(answer.reservations) ? answer.reservations : [answer as Reservation];
}

/** Seat numbers as a reader says them, in seat order: "14, 15" in Korean, "14 and 15", "14, 15 and 16" in English. */
export function seatList(numbers: readonly number[], lang: Lang): string {
  const sorted = [...numbers].sort((a, b) => a - b).map(String);
  if (lang === 'ko' || sorted.length < 2) return sorted.join(', ');
  return `${sorted.slice(0, -1).join(', ')} and ${sorted[sorted.length - 1]}`;
}
