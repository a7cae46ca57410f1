import { describe, expect, test } from 'vitest';
import type { Payment, Refund } from '../src/api/types';
import { paidSeats, paymentState, quoteView, refundedTotal, shortReference } from '../src/domain/paid-seats';

const payment: Payment = {
  paymentId: '3f2a9c1b-0000-4000-8000-000000000001',
  userId: 'u',
  concertId: 'c',
  reservationIds: ['r1', 'r2'],
  seats: [
    { reservationId: 'r1', date: '2026-12-24', seatNumber: 12, price: 165_000 },
    { reservationId: 'r2', date: '2026-12-24', seatNumber: 13, price: 165_000 },
  ],
  amount: 330_000,
  balance: 0,
  paidAt: '2026-12-01T00:00:00Z',
};
const refund = (reservationId: string, paymentId = payment.paymentId): Refund => ({
  refundId: `f-${reservationId}`,
  userId: 'u',
  reservationId,
  paymentId,
  concertId: 'c',
  date: '2026-12-24',
  seatNumber: 12,
  price: 165_000,
  fee: 16_500,
  refunded: 148_500,
  balance: 148_500,
  refundedAt: '2026-12-02T00:00:00Z',
});

describe('a payment’s seats after refunds', () => {
  test('each seat is paid or refunded; the payment paid, partly or fully refunded', () => {
    expect(paymentState(paidSeats(payment, []))).toBe('paid');
    const partly = paidSeats(payment, [refund('r1'), refund('r2', 'another-payment')]);
    expect(partly.map((s) => s.refund?.refundId ?? null)).toEqual(['f-r1', null]);
    expect(paymentState(partly)).toBe('partly-refunded');
    expect(refundedTotal(partly)).toBe(148_500);
    expect(paymentState(paidSeats(payment, [refund('r1'), refund('r2')]))).toBe('refunded');
  });

  test('the fee and the refund shown before confirming', () => {
    expect(quoteView({ price: 165_000, fee: 16_500, refund: 148_500 })).toEqual({
      price: '₩165,000',
      fee: '₩16,500',
      refund: '₩148,500',
      feePercent: 10,
      free: false,
    });
    expect(quoteView({ price: 165_000, fee: 0, refund: 165_000 })).toMatchObject({ fee: '₩0', free: true, feePercent: 0 });
    expect(quoteView({ price: 0, fee: 0, refund: 0 }).feePercent).toBe(0);
  });

  test('a short reference instead of the UUID', () => {
    expect(shortReference(payment.paymentId)).toBe('3F2A9C1B');
  });
});
