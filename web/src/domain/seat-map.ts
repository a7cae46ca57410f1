// The seat map of one date: each seat's state for this fan (free, held by someone, sold,
// or mine) and its price tier's colour. Pure: the seats as the API lists them, the fan's
// own holds and the clock go in; cells come out.

import type { Reservation, Seat } from '../api/types';

export type SeatState = 'free' | 'held' | 'sold' | 'mine';

export interface PriceTierView {
  price: number;
  colour: string;
  /** 0 for the dearest tier. */
  rank: number;
}

export interface SeatCell {
  seatNumber: number;
  price: number;
  state: SeatState;
  tier: PriceTierView;
}

/**
 * Tier colours, dearest first: distinct hues, each dark enough for the seat number in white
 * on it (at least 4.5:1, WCAG AA), and none the yellow of "mine" or the greys of held/sold.
 */
export const TIER_COLOURS = ['#6a3d9a', '#1d6fa5', '#2a7d24', '#a34f1f', '#c4161c', '#00707a', '#7a5c12', '#666666'];

/** The date's price tiers, dearest first, each with its colour. */
export function priceTiers(seats: Seat[]): PriceTierView[] {
  const prices = [...new Set(seats.map((s) => s.price))].sort((a, b) => b - a);
  return prices.map((price, rank) => ({ price, rank, colour: TIER_COLOURS[rank % TIER_COLOURS.length] }));
}

/** A hold still counts while its deadline is ahead. */
export function isLive(hold: Reservation, now: number): boolean {
  return hold.status === 'HELD' && Date.parse(hold.expiresAt) > now;
}

/** What the service just answered about a seat, trusted over the map until `until` (ms). */
export interface Heard {
  state: 'free' | 'held';
  until: number;
}

/**
 * The cells of `date`'s map; `myHolds` may be the fan's holds of any date. `heard` gives, for
 * seats of this date the service just answered about (refused as taken, or a hold of mine
 * cancelled), what to show where the map still says otherwise: the map may be up to a second
 * old (ADR 0010), the answer is not. A sold seat and a live hold of mine are shown as such.
 */
export function seatMap(
  seats: Seat[],
  date: string,
  myHolds: Reservation[],
  now: number,
  heard: ReadonlyMap<number, Heard> = new Map(),
): SeatCell[] {
  const tiers = new Map(priceTiers(seats).map((t) => [t.price, t]));
  const mine = new Set(myHolds.filter((h) => h.date === date && isLive(h, now)).map((h) => h.seatNumber));
  return [...seats]
    .sort((a, b) => a.seatNumber - b.seatNumber)
    .map((s) => {
      let state = stateOf(s, mine.has(s.seatNumber));
      const answer = heard.get(s.seatNumber);
      if ((state === 'free' || state === 'held') && answer && answer.until > now) state = answer.state;
      return { seatNumber: s.seatNumber, price: s.price, state, tier: tiers.get(s.price)! };
    });
}

function stateOf(seat: Seat, heldByMe: boolean): SeatState {
  if (seat.status === 'SOLD') return 'sold';
  // A live hold of mine is mine even where the map still says AVAILABLE: the map may be up
  // to a second old (ADR 0010), the hold's answer is not. (An expired hold is not live.)
  if (heldByMe) return 'mine';
  return seat.status === 'HELD' ? 'held' : 'free';
}

/** Seats left to take on the map. */
export function freeCount(cells: SeatCell[]): number {
  return cells.filter((c) => c.state === 'free').length;
}
