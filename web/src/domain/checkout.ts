// What the checkout offers for the holds chosen and the wallet's balance: nothing to pay yet;
// pay at once (the balance covers the total); or, when it does not, one step that charges
// exactly the shortfall and then pays. Pure: the numbers go in, the step comes out.

/** The most one charge may be (the API's per-charge limit, INVALID_AMOUNT above it). */
export const CHARGE_LIMIT = 10_000_000;

export type CheckoutStep =
  /** No hold chosen. */
  | { kind: 'nothing' }
  /** The balance is not known yet: nothing is offered until it is. */
  | { kind: 'unknown'; total: number }
  | { kind: 'pay'; total: number }
  /** Charge `shortfall` (total - balance, exactly), then pay `total`. */
  | { kind: 'charge-and-pay'; total: number; shortfall: number; balance: number }
  /** Short by more than one charge may be: charge in parts first (the wallet form). */
  | { kind: 'too-short'; total: number; shortfall: number; balance: number };

export function checkoutStep(total: number, balance: number | null, chargeLimit = CHARGE_LIMIT): CheckoutStep {
  if (total <= 0) return { kind: 'nothing' };
  if (balance === null) return { kind: 'unknown', total };
  const shortfall = total - balance;
  if (shortfall <= 0) return { kind: 'pay', total };
  if (shortfall > chargeLimit) return { kind: 'too-short', total, shortfall, balance };
  return { kind: 'charge-and-pay', total, shortfall, balance };
}

/** The amount the wallet's own charge form suggests: the shortfall when short, else nothing. */
export function suggestedCharge(step: CheckoutStep): number | null {
  return step.kind === 'charge-and-pay' ? step.shortfall : null;
}

/**
 * What an Idempotency-Key is made for, so that a retry of the same step reuses it: the
 * charge of `amount` toward paying exactly these holds, and the payment of these holds.
 */
export function chargeIntent(amount: number, reservationIds: readonly string[]): string {
  return `charge:${amount}:for:${[...reservationIds].sort().join(',')}`;
}

export function paymentIntent(reservationIds: readonly string[]): string {
  return [...reservationIds].sort().join(',');
}
