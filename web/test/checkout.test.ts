import { describe, expect, test } from 'vitest';
import { chargeIntent, checkoutStep, paymentIntent, suggestedCharge } from '../src/domain/checkout';
import { PendingKey } from '../src/domain/idempotency';

describe('the checkout: pay, or charge exactly the shortfall and pay in one step', () => {
  test('nothing is offered without a hold, nor before the balance is known', () => {
    expect(checkoutStep(0, 100)).toEqual({ kind: 'nothing' });
    expect(checkoutStep(165_000, null)).toEqual({ kind: 'unknown', total: 165_000 });
  });

  test('a balance that covers the total pays at once (exactly covering it too)', () => {
    expect(checkoutStep(165_000, 500_000)).toEqual({ kind: 'pay', total: 165_000 });
    expect(checkoutStep(165_000, 165_000)).toEqual({ kind: 'pay', total: 165_000 });
  });

  test('a balance short of the total charges exactly what is missing', () => {
    expect(checkoutStep(715_000, 0)).toEqual({ kind: 'charge-and-pay', total: 715_000, shortfall: 715_000, balance: 0 });
    expect(checkoutStep(385_000, 110_000)).toEqual({ kind: 'charge-and-pay', total: 385_000, shortfall: 275_000, balance: 110_000 });
    expect(checkoutStep(165_000, 164_999)).toMatchObject({ kind: 'charge-and-pay', shortfall: 1 });
    expect(suggestedCharge(checkoutStep(385_000, 110_000))).toBe(275_000);
    expect(suggestedCharge(checkoutStep(385_000, 500_000))).toBeNull();
  });

  test('a shortfall above one charge’s limit is not offered as one step', () => {
    expect(checkoutStep(12_000_000, 1_000_000, 10_000_000)).toEqual({ kind: 'too-short', total: 12_000_000, shortfall: 11_000_000, balance: 1_000_000 });
    expect(checkoutStep(11_000_000, 1_000_000, 10_000_000).kind).toBe('charge-and-pay');
  });

  test('a retry of the same step reuses its keys; another selection gets new ones', () => {
    const charge = new PendingKey('charge');
    const pay = new PendingKey('pay');
    const first = [charge.keyFor(chargeIntent(275_000, ['b', 'a'])), pay.keyFor(paymentIntent(['b', 'a']))];
    // No answer came (a dropped connection): the same press again sends the same keys.
    expect([charge.keyFor(chargeIntent(275_000, ['a', 'b'])), pay.keyFor(paymentIntent(['a', 'b']))]).toEqual(first);
    // Another seat chosen: another charge, another payment.
    expect(charge.keyFor(chargeIntent(385_000, ['a', 'b', 'c']))).not.toBe(first[0]);
    expect(pay.keyFor(paymentIntent(['a', 'b', 'c']))).not.toBe(first[1]);
  });
});
