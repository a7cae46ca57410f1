import { describe, expect, test } from 'vitest';
import { addSample, admittedPerMinute, sampleOf, series, type SaleSample } from '../src/domain/sale-samples';
import type { ConcertNumbers } from '../src/api/types';

const s = (at: number, admitted: number, waiting = 0, sold = 0): SaleSample => ({ at, admitted, waiting, active: 0, sold, revenue: 0 });

describe('the operator’s samples', () => {
  test('admitted per minute is the change between successive samples', () => {
    const points = admittedPerMinute([s(0, 0), s(2_000, 50), s(4_000, 100), s(6_000, 100)]);
    expect(points).toEqual([
      { at: 2_000, value: 1500 },
      { at: 4_000, value: 1500 },
      { at: 6_000, value: 0 },
    ]);
  });

  test('samples too close together are merged; a counter that went down counts as none', () => {
    expect(admittedPerMinute([s(0, 0), s(500, 10), s(60_000, 60)])).toEqual([{ at: 60_000, value: 60 }]);
    expect(admittedPerMinute([s(0, 100), s(60_000, 0)])).toEqual([{ at: 60_000, value: 0 }]);
    expect(admittedPerMinute([s(0, 0)])).toEqual([]);
  });

  test('samples stay in time order and bounded', () => {
    let all: SaleSample[] = [];
    for (let i = 5; i > 0; i--) all = addSample(all, s(i * 1000, i), 3);
    expect(all.map((x) => x.at)).toEqual([3000, 4000, 5000]);
    expect(series([s(1, 0, 7), s(2, 0, 3)], 'waiting')).toEqual([
      { at: 1, value: 7 },
      { at: 2, value: 3 },
    ]);
  });

  test('a sample sums the dates’ sold seats and revenue', () => {
    const n = {
      line: { prequeued: 0, cohort: null, waiting: 4, admitted: 9, active: 2 },
      dates: [
        { date: 'a', totalSeats: 50, availableSeats: 40, heldSeats: 5, soldSeats: 5, revenue: 500 },
        { date: 'b', totalSeats: 50, availableSeats: 47, heldSeats: 0, soldSeats: 3, revenue: 300 },
      ],
    } as unknown as ConcertNumbers;
    expect(sampleOf(n, 42)).toEqual({ at: 42, waiting: 4, admitted: 9, active: 2, sold: 8, revenue: 800 });
  });
});
