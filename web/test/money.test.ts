import { describe, expect, test } from 'vitest';
import { formatWon, parseWon } from '../src/domain/money';

describe('KRW money', () => {
  test('won are shown with the sign and thousands separators', () => {
    expect(formatWon(150_000)).toBe('₩150,000');
    expect(formatWon(0)).toBe('₩0');
    expect(formatWon(999)).toBe('₩999');
    expect(formatWon(1_000)).toBe('₩1,000');
    expect(formatWon(100_000_000)).toBe('₩100,000,000');
    expect(formatWon(-1_000)).toBe('-₩1,000');
  });

  test('fractions of a won are refused, never rounded', () => {
    expect(() => formatWon(1.5)).toThrow(RangeError);
    expect(() => formatWon(Number.NaN)).toThrow(RangeError);
  });

  test('typed amounts become whole won, or nothing', () => {
    expect(parseWon('150000')).toBe(150_000);
    expect(parseWon(' 150,000 ')).toBe(150_000);
    expect(parseWon('₩150,000')).toBe(150_000);
    expect(parseWon('500000원')).toBe(500_000);
    for (const bad of ['', '12.5', '-100', 'abc', '1e6', '9999999999999999']) expect(parseWon(bad)).toBeNull();
  });
});
