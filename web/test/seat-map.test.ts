import { describe, expect, test } from 'vitest';
import { TIER_COLOURS, freeCount, isLive, priceTiers, seatMap } from '../src/domain/seat-map';
import type { Reservation, Seat } from '../src/api/types';

const DATE = '2026-12-24';
const NOW = Date.parse('2026-12-01T10:00:00Z');
const price = (n: number) => (n <= 10 ? 220_000 : n <= 30 ? 165_000 : 110_000);
const seats = (overrides: Record<number, Seat['status']> = {}): Seat[] =>
  Array.from({ length: 50 }, (_, i) => ({ seatNumber: i + 1, status: overrides[i + 1] ?? 'AVAILABLE', price: price(i + 1) }));
const hold = (seatNumber: number, expiresAt: string, s: Partial<Reservation> = {}): Reservation => ({
  reservationId: `r-${seatNumber}`,
  status: 'HELD',
  concertId: 'c',
  date: DATE,
  seatNumber,
  price: price(seatNumber),
  expiresAt,
  ...s,
});
const LATER = '2026-12-01T10:05:00Z';
const EARLIER = '2026-12-01T09:59:59Z';

describe('the seat map', () => {
  test('each seat has a state: free, held by someone, sold, or mine', () => {
    const cells = seatMap(seats({ 2: 'HELD', 3: 'SOLD', 4: 'HELD' }), DATE, [hold(4, LATER)], NOW);
    expect(cells.slice(0, 5).map((c) => c.state)).toEqual(['free', 'held', 'sold', 'mine', 'free']);
    expect(freeCount(cells)).toBe(47);
  });

  test('a hold of mine that has run out is no longer mine', () => {
    // The API already shows the seat AVAILABLE; my stale hold must not claim it.
    expect(seatMap(seats(), DATE, [hold(4, EARLIER)], NOW)[3].state).toBe('free');
    // Still HELD on the server for a moment (someone else, or a clock apart): held, not mine.
    expect(seatMap(seats({ 4: 'HELD' }), DATE, [hold(4, EARLIER)], NOW)[3].state).toBe('held');
    expect(isLive(hold(4, LATER), NOW)).toBe(true);
    expect(isLive(hold(4, EARLIER), NOW)).toBe(false);
    expect(isLive(hold(4, LATER, { status: 'CANCELLED' }), NOW)).toBe(false);
  });

  test('a live hold of mine is mine on a map read a moment before it was made', () => {
    expect(seatMap(seats(), DATE, [hold(4, LATER)], NOW)[3].state).toBe('mine');
    expect(freeCount(seatMap(seats(), DATE, [hold(4, LATER)], NOW))).toBe(49);
  });

  test('what the service just answered about a seat is shown over the map until it runs out', () => {
    const refused = new Map([[4, { state: 'held' as const, until: NOW + 3000 }]]);
    expect(seatMap(seats(), DATE, [], NOW, refused)[3].state).toBe('held');
    expect(seatMap(seats(), DATE, [], NOW + 3000, refused)[3].state).toBe('free');
    expect(seatMap(seats({ 4: 'SOLD' }), DATE, [], NOW, refused)[3].state).toBe('sold');
    expect(freeCount(seatMap(seats(), DATE, [], NOW, refused))).toBe(49);
    // A hold of mine just cancelled: free, though the map still shows it HELD.
    const cancelled = new Map([[4, { state: 'free' as const, until: NOW + 3000 }]]);
    expect(seatMap(seats({ 4: 'HELD' }), DATE, [], NOW, cancelled)[3].state).toBe('free');
    expect(seatMap(seats({ 4: 'HELD' }), DATE, [hold(4, LATER)], NOW, cancelled)[3].state).toBe('mine');
  });

  test('mine only on the hold’s own date, and a sold seat is sold whoever bought it', () => {
    expect(seatMap(seats({ 4: 'HELD' }), DATE, [hold(4, LATER, { date: '2026-12-25' })], NOW)[3].state).toBe('held');
    expect(seatMap(seats({ 4: 'SOLD' }), DATE, [hold(4, LATER)], NOW)[3].state).toBe('sold');
  });

  test('price tiers are coloured dearest first, the same colour for the same price', () => {
    const tiers = priceTiers(seats());
    expect(tiers.map((t) => t.price)).toEqual([220_000, 165_000, 110_000]);
    expect(tiers.map((t) => t.colour)).toEqual(TIER_COLOURS.slice(0, 3));
    const cells = seatMap(seats(), DATE, [], NOW);
    expect(cells[0].tier.colour).toBe(TIER_COLOURS[0]);
    expect(cells[10].tier.colour).toBe(TIER_COLOURS[1]);
    expect(cells[49].tier).toEqual({ price: 110_000, rank: 2, colour: TIER_COLOURS[2] });
    expect(new Set(TIER_COLOURS).size).toBe(TIER_COLOURS.length);
  });

  test('cells come in seat order whatever the order of the answer, for dates of fewer seats too', () => {
    const shuffled = [...seats()].slice(0, 12).reverse();
    expect(seatMap(shuffled, DATE, [], NOW).map((c) => c.seatNumber)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  });
});
