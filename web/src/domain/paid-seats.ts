// A payment's seats as the fan sees them after paying: each paid, or refunded (with what
// the refund kept and gave back), the payment as a whole paid, partly or fully refunded,
// and the short reference a person reads instead of the payment's UUID. Pure.

import type { PaidSeat, Payment, Refund, RefundQuote } from '../api/types';
import { formatWon } from './money';

export interface PaidSeatView {
  seat: PaidSeat;
  /** The seat's refund, once given back. */
  refund: Refund | null;
}

export type PaymentState = 'paid' | 'partly-refunded' | 'refunded';

/** Each seat of `payment` with its refund, if any (refunds of other payments are ignored). */
export function paidSeats(payment: Payment, refunds: readonly Refund[]): PaidSeatView[] {
  const byReservation = new Map(refunds.filter((r) => r.paymentId === payment.paymentId).map((r) => [r.reservationId, r]));
  return payment.seats.map((seat) => ({ seat, refund: byReservation.get(seat.reservationId) ?? null }));
}

export function paymentState(seats: readonly PaidSeatView[]): PaymentState {
  const refunded = seats.filter((s) => s.refund !== null).length;
  if (refunded === 0) return 'paid';
  return refunded === seats.length ? 'refunded' : 'partly-refunded';
}

/** What was given back across the payment's refunded seats. */
export function refundedTotal(seats: readonly PaidSeatView[]): number {
  return seats.reduce((sum, s) => sum + (s.refund?.refunded ?? 0), 0);
}

/** The first 8 characters of an id, upper case: "3F2A9C1B" (the full id stays available). */
export function shortReference(id: string): string {
  return id.replace(/-/g, '').slice(0, 8).toUpperCase();
}

/** A quote as shown before confirming: the price, the fee (and its share), what comes back. */
export interface QuoteView {
  price: string;
  fee: string;
  refund: string;
  /** The fee as a whole percent of the price, e.g. 10; 0 for a free refund. */
  feePercent: number;
  free: boolean;
}

export function quoteView(q: Pick<RefundQuote, 'price' | 'fee' | 'refund'>): QuoteView {
  return {
    price: formatWon(q.price),
    fee: formatWon(q.fee),
    refund: formatWon(q.refund),
    feePercent: q.price > 0 ? Math.round((q.fee * 100) / q.price) : 0,
    free: q.fee === 0,
  };
}
