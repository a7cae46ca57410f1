import { describe, expect, test } from 'vitest';
import type { RefundPolicy } from '../src/api/types';
import { FEE_PATTERN, STANDARD_REFUND_POLICY, formatFee, parseFee, refundFormValues, refundPolicyOf, samePolicy } from '../src/domain/refund-policy';
import { newConcertValues, specOf } from '../src/domain/concert-spec';

describe('the refund schedule in the operator’s form', () => {
  test('a fee as text: a percentage, with a cap, or a fixed amount', () => {
    expect(parseFee('10%')).toEqual({ percent: 10, capKrw: null });
    expect(parseFee(' 30 % ≤ ₩40,000 ')).toEqual({ percent: 30, capKrw: 40_000 });
    expect(parseFee('₩5,000')).toEqual({ fixedKrw: 5000 });
    expect(parseFee('5000')).toEqual({ fixedKrw: 5000 });
    expect(parseFee('101%')).toBeNull();
    expect(parseFee('ten')).toBeNull();
    for (const fee of [{ percent: 10, capKrw: null }, { percent: 30, capKrw: 40_000 }, { fixedKrw: 5000 }]) expect(parseFee(formatFee(fee))).toEqual(fee);
  });

  test('the fee input’s pattern compiles with the v flag, as browsers compile it, and matches what parses', () => {
    const re = new RegExp(`^(?:${FEE_PATTERN})$`, 'v');
    for (const ok of ['10%', '30% ≤ ₩40,000', '₩5,000', '0']) expect(re.test(ok), ok).toBe(true);
    expect(re.test('ten')).toBe(false);
  });

  test('a schedule round-trips through the form; an empty row is dropped, a bad one refused', () => {
    const policy: RefundPolicy = { graceHours: 12, deadlineHours: 48, baseFee: { fixedKrw: 5000 }, stretches: [{ hoursBefore: 72, fee: { percent: 30, capKrw: 40_000 } }] };
    const v = refundFormValues(policy);
    expect(refundPolicyOf(v)).toEqual(policy);
    expect(refundPolicyOf({ ...v, stretches: [...v.stretches, ['', '']] })).toEqual(policy);
    expect(refundPolicyOf({ ...v, stretches: [['72', 'lots']] })).toBeNull();
    expect(refundPolicyOf({ ...v, graceHours: '-1' })).toBeNull();
    expect(samePolicy(policy, { ...policy, baseFee: { fixedKrw: 5000 } })).toBe(true);
    expect(samePolicy(policy, { ...policy, graceHours: 0 })).toBe(false);
  });

  test('a new concert sends no schedule until the operator changes the standard one', () => {
    const v = { ...newConcertValues(Date.parse('2027-01-01T00:00:00Z'), 'x'), title: 'T', venue: 'V' };
    expect(refundPolicyOf(v.refund!)).toEqual(STANDARD_REFUND_POLICY);
    expect('refundPolicy' in specOf(v)).toBe(false);
    const changed = specOf({ ...v, refund: { ...v.refund!, graceHours: '0' } });
    expect(changed.refundPolicy).toEqual({ ...STANDARD_REFUND_POLICY, graceHours: 0 });
  });
});
