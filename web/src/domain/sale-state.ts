// What the sale's phase means to a fan who is already in (on the dates and the seat map),
// by the contract (docs/adr/0013): a pause stops new fans from being let in, not those
// already in; a close stops new holds, and holds taken before it stay payable until they
// end; sold out leaves nothing to hold until a seat is given back. Pure.

import type { SalePhase } from '../api/types';

export type AdmittedSaleNote =
  | { kind: 'none' }
  /** Admission paused: the fan in keeps choosing and paying. */
  | { kind: 'paused' }
  /** No new holds; `holdsPayable` when the fan holds seats that can still be paid. */
  | { kind: 'closed'; holdsPayable: boolean }
  | { kind: 'sold-out'; holdsPayable: boolean };

export function admittedSaleNote(phase: SalePhase, holdsSeats: boolean): AdmittedSaleNote {
  switch (phase) {
    case 'PAUSED':
      return { kind: 'paused' };
    case 'CLOSED':
      return { kind: 'closed', holdsPayable: holdsSeats };
    case 'SOLD_OUT':
      return { kind: 'sold-out', holdsPayable: holdsSeats };
    default:
      return { kind: 'none' };
  }
}

/** Whether a new hold can be taken in this phase (a paused sale still serves those let in). */
export function takesHolds(phase: SalePhase): boolean {
  return phase !== 'CLOSED' && phase !== 'SOLD_OUT';
}

/**
 * Whether the turn's countdown still means something: once the sale has ended, the time
 * left is that of the holds, not of the turn.
 */
export function turnCounts(phase: SalePhase): boolean {
  return takesHolds(phase);
}
