// What the fan's browser remembers between screens, reloads and tabs (localStorage, per
// user): their place in each concert's line (the queue token, bound by the API to this
// user), their live holds, and the latest payments (for the receipt). Read again before
// each use, so that two tabs of the same fan see each other's holds.

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
  private memory: Saved = { lines: {}, holds: [], payments: [] };

  constructor(
    readonly userId: string,
    private readonly storage: Storage | undefined = globalThis.localStorage,
  ) {
    this.key = `ticketing.fan.${userId}`;
  }

  private get state(): Saved {
    const raw = this.storage?.getItem(this.key);
    if (raw) {
      try {
        const saved = JSON.parse(raw) as Partial<Saved>;
        this.memory = { lines: saved.lines ?? {}, holds: saved.holds ?? [], payments: saved.payments ?? [] };
      } catch {
        // Unreadable: start again from what this tab knows.
      }
    }
    return this.memory;
  }

  place(concertId: string): PlaceInLine | undefined {
    return this.state.lines[concertId];
  }

  setPlace(concertId: string, place: PlaceInLine): void {
    this.change((s) => {
      s.lines[concertId] = place;
    });
  }

  /** The token is used up or expired: the next visit joins the line again. */
  leaveLine(concertId: string): void {
    this.change((s) => {
      delete s.lines[concertId];
    });
  }

  holds(concertId: string): Reservation[] {
    return this.state.holds.filter((h) => h.concertId === concertId);
  }

  keepHold(r: Reservation): void {
    this.keepHolds([r]);
  }

  /** Holds made together (or one): each joins the holds once, in one write, as a single hold does. */
  keepHolds(rs: Reservation[]): void {
    const ids = new Set(rs.map((r) => r.reservationId));
    const fresh = [...new Map(rs.map((r) => [r.reservationId, r])).values()];
    this.change((s) => {
      s.holds = [...s.holds.filter((h) => !ids.has(h.reservationId)), ...fresh];
    });
  }

  dropHolds(ids: string[]): void {
    this.change((s) => {
      s.holds = s.holds.filter((h) => !ids.includes(h.reservationId));
    });
  }

  keepPayment(p: Payment): void {
    this.change((s) => {
      s.payments = [p, ...s.payments.filter((x) => x.paymentId !== p.paymentId)].slice(0, 20);
    });
  }

  payment(paymentId: string): Payment | undefined {
    return this.state.payments.find((p) => p.paymentId === paymentId);
  }

  /** Read what is stored now (another tab may have written), change it, write it back. */
  private change(fn: (s: Saved) => void): void {
    const s = this.state;
    fn(s);
    this.memory = s;
    this.storage?.setItem(this.key, JSON.stringify(s));
  }
}
