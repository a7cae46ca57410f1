import { describe, expect, test } from 'vitest';
import { datesSummary, priceRange, saleEnded, splitEnded } from '../src/domain/discovery';

const NOW = Date.parse('2026-12-10T00:00:00Z');
const past = '2026-12-09T00:00:00Z';
const later = '2026-12-11T00:00:00Z';

describe('the concert list', () => {
  test('a closed sale has ended; a sold-out one only once its window has passed', () => {
    expect(saleEnded({ phase: 'CLOSED', closesAt: later }, NOW)).toBe(true);
    expect(saleEnded({ phase: 'SOLD_OUT', closesAt: later }, NOW)).toBe(false);
    expect(saleEnded({ phase: 'SOLD_OUT', closesAt: past }, NOW)).toBe(true);
    expect(saleEnded({ phase: 'ON_SALE', closesAt: later }, NOW)).toBe(false);
    expect(saleEnded({ phase: 'PAUSED', closesAt: later }, NOW)).toBe(false);
  });

  test('ended sales are folded apart, the order of the rest kept', () => {
    const all = [
      { id: 'a', phase: 'CLOSED' as const, closesAt: past },
      { id: 'b', phase: 'ON_SALE' as const, closesAt: later },
      { id: 'c', phase: 'SCHEDULED' as const, closesAt: later },
    ];
    const { current, ended } = splitEnded(all, NOW);
    expect(current.map((c) => c.id)).toEqual(['b', 'c']);
    expect(ended.map((c) => c.id)).toEqual(['a']);
  });

  test('prices as a range, when the listing gives them', () => {
    expect(priceRange([110_000, 165_000, 220_000])).toBe('₩110,000 – ₩220,000');
    expect(priceRange([99_000])).toBe('₩99,000');
    expect(priceRange([])).toBeNull();
    expect(priceRange(undefined)).toBeNull();
  });

  test('dates in order, the first few and how many more', () => {
    expect(datesSummary(['2026-12-25', '2026-12-24'], 'en')).toEqual({ shown: ['Thu, 24 Dec 2026', 'Fri, 25 Dec 2026'], more: 0 });
    expect(datesSummary(['2026-12-24', '2026-12-25', '2026-12-26', '2026-12-27'], 'ko', 2)?.more).toBe(2);
    expect(datesSummary(undefined, 'ko')).toBeNull();
  });
});
