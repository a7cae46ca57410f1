import { describe, expect, test } from 'vitest';
import type { Reservation, Ticket } from '../src/api/types';
import {
  DEFAULT_SEAT_LIMIT,
  MAX_TOGETHER,
  bestAvailableRequest,
  chosenCount,
  heldReservations,
  namedSeatsRequest,
  ownedSeats,
  seatList,
  togetherChoices,
} from '../src/domain/together';
import { t } from '../src/i18n/messages';
import { problemMessage } from '../src/i18n/problems';

const hold = (seatNumber: number, s: Partial<Reservation> = {}): Reservation => ({
  reservationId: `r-${seatNumber}`,
  status: 'HELD',
  concertId: 'c',
  date: '2026-12-24',
  seatNumber,
  price: 110_000,
  expiresAt: '2026-12-24T00:05:00Z',
  ...s,
});

describe('best available: how many seats side by side may be asked for', () => {
  test('up to the concert’s seat limit, less the live holds and the seats owned', () => {
    expect(togetherChoices(4, 0, 0)).toEqual([1, 2, 3, 4]);
    expect(togetherChoices(6, 1, 2)).toEqual([1, 2, 3]);
    expect(togetherChoices(4, 3)).toEqual([1]);
  });

  test('the default limit (4) when the concert’s is not known, and the owned seats left out when not known', () => {
    expect(DEFAULT_SEAT_LIMIT).toBe(4);
    expect(togetherChoices(null, 0)).toEqual([1, 2, 3, 4]);
    expect(togetherChoices(undefined, 1, null)).toEqual([1, 2, 3]);
  });

  test('never more than a row of ten, and none at the limit (or past it)', () => {
    expect(togetherChoices(12, 0, 0)).toHaveLength(MAX_TOGETHER);
    expect(togetherChoices(4, 2, 2)).toEqual([]);
    expect(togetherChoices(4, 3, 2)).toEqual([]);
  });

  test('the count shown chosen: the fan’s choice while still offered, else 2, or 1 when only 1 is left', () => {
    expect(chosenCount([1, 2, 3, 4], null)).toBe(2);
    expect(chosenCount([1, 2, 3, 4], 4)).toBe(4);
    expect(chosenCount([1, 2], 4)).toBe(2);
    expect(chosenCount([1], null)).toBe(1);
    expect(chosenCount([], 2)).toBeNull();
  });

  test('the seats owned: paid or received, used or not, of this concert only', () => {
    const ticket = (concertId: string, status: Ticket['status']) => ({ concertId, status });
    const tickets = [ticket('c', 'VALID'), ticket('c', 'CHECKED_IN'), ticket('c', 'VOID'), ticket('c', 'TRANSFERRED'), ticket('other', 'VALID')];
    expect(ownedSeats(tickets, 'c')).toBe(2);
    expect(ownedSeats([], 'c')).toBe(0);
  });
});

describe('holding seats together: the request and its answer', () => {
  test('best available names the count, and no seat', () => {
    expect(bestAvailableRequest('c', '2026-12-24', 2)).toEqual({ concertId: 'c', date: '2026-12-24', bestAvailable: { count: 2 } });
    expect(bestAvailableRequest('c', '2026-12-24', 10)).toMatchObject({ bestAvailable: { count: 10 } });
  });

  test('a count outside 1-10 (or not whole) is never sent', () => {
    for (const count of [0, 11, 2.5, Number.NaN]) expect(() => bestAvailableRequest('c', '2026-12-24', count)).toThrow(RangeError);
  });

  test('named seats: each once, in the order named; 1 to 10 of them', () => {
    expect(namedSeatsRequest('c', '2026-12-24', [15, 14, 15])).toEqual({ concertId: 'c', date: '2026-12-24', seatNumbers: [15, 14] });
    expect(() => namedSeatsRequest('c', '2026-12-24', [])).toThrow(RangeError);
    expect(() => namedSeatsRequest('c', '2026-12-24', Array.from({ length: 11 }, (_, i) => i + 1))).toThrow(RangeError);
  });

  test('the answer: HeldTogether’s reservations, or the one Reservation of a single seat', () => {
    expect(heldReservations({ reservations: [hold(14), hold(15)] }).map((r) => r.seatNumber)).toEqual([14, 15]);
    expect(heldReservations(hold(7))).toEqual([hold(7)]);
  });
});

describe('saying the seats held together', () => {
  test('in seat order, as a reader says them', () => {
    expect(seatList([15, 14], 'en')).toBe('14 and 15');
    expect(seatList([23, 21, 22], 'en')).toBe('21, 22 and 23');
    expect(seatList([9], 'en')).toBe('9');
    expect(seatList([15, 14], 'ko')).toBe('14, 15');
  });

  test('the sentence, in both languages', () => {
    expect(t('heldTogether', { seats: seatList([14, 15], 'en'), t: '05:00' }, 'en')).toBe('Held seats 14 and 15 together: they are yours for 05:00, pay before then.');
    expect(t('heldTogether', { seats: seatList([14, 15], 'ko'), t: '05:00' }, 'ko')).toBe('14, 15번 좌석을 나란히 선점했습니다. 05:00 안에 결제해 주세요.');
  });

  test('no seats side by side is said in words a fan can act on', () => {
    expect(problemMessage('NO_SEATS_TOGETHER', 'en')).toMatch(/side by side/);
    expect(problemMessage('NO_SEATS_TOGETHER', 'ko')).toMatch(/나란히/);
  });
});
