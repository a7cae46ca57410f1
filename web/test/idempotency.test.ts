import { describe, expect, test } from 'vitest';
import { PendingKey, newKey } from '../src/domain/idempotency';

describe('idempotency keys', () => {
  test('the same request gets the same key until its outcome is known', () => {
    const keys = new PendingKey('charge');
    const first = keys.keyFor('500000');
    expect(keys.keyFor('500000')).toBe(first); // pressed again after a lost answer
    expect(keys.keyFor('100000')).not.toBe(first); // a different request: a new key
    const second = keys.keyFor('100000');
    keys.settle();
    expect(keys.keyFor('100000')).not.toBe(second); // known outcome: the next one is new
  });

  test('keys are 1 to 128 visible ASCII characters, as the API requires', () => {
    const k = newKey('pay');
    expect(k).toMatch(/^[!-~]{1,128}$/);
    expect(k.startsWith('pay-')).toBe(true);
    expect(newKey('pay')).not.toBe(k);
  });
});
