// What the fan's tab remembers between screens and reloads (sessionStorage, per user):
// their place in each concert's line (the queue token), their live holds, and the
// payments made in this tab (for the receipt).

import type { Payment, Reservation } from '../api/types';

export interface PlaceInLine {
  token: string;
  /** The place number in line (from 1), once known: null before the opening's draw (absent if saved by an older app). */
  place?: number | null;
  /** The largest position seen: where the progress bar starts. */
  startPosition: number | null;
  activeUntil: string | null;
}

interface Saved {
  lines: Record<string, PlaceInLine>;
  holds: Reservation[];
  payments: Payment[];
}

export class FanStore {
  private readonly key: string;
  private state: Saved;

  constructor(
    readonly userId: string,
    private readonly storage: Storage | undefined = globalThis.sessionStorage,
  ) {
    this.key = `ticketing.fan.${userId}`;
    const raw = storage?.getItem(this.key);
    this.state = raw ? (JSON.parse(raw) as Saved) : { lines: {}, holds: [], payments: [] };
  }

  place(concertId: string): PlaceInLine | undefined {
    return this.state.lines[concertId];
  }

  setPlace(concertId: string, place: PlaceInLine): void {
    this.state.lines[concertId] = place;
    this.save();
  }

  /** The token is used up or expired: the next visit joins the line again. */
  leaveLine(concertId: string): void {
    delete this.state.lines[concertId];
    this.save();
  }

  holds(concertId: string): Reservation[] {
    return this.state.holds.filter((h) => h.concertId === concertId);
  }

  keepHold(r: Reservation): void {
    this.state.holds = [...this.state.holds.filter((h) => h.reservationId !== r.reservationId), r];
    this.save();
  }

  dropHolds(ids: string[]): void {
    this.state.holds = this.state.holds.filter((h) => !ids.includes(h.reservationId));
    this.save();
  }

  keepPayment(p: Payment): void {
    this.state.payments = [p, ...this.state.payments.filter((x) => x.paymentId !== p.paymentId)].slice(0, 20);
    this.save();
  }

  payment(paymentId: string): Payment | undefined {
    return this.state.payments.find((p) => p.paymentId === paymentId);
  }

  private save(): void {
    this.storage?.setItem(this.key, JSON.stringify(this.state));
  }
}
