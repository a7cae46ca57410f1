// The operator's live charts: successive samples of a sale's numbers, and the rates derived
// from them (the API gives totals; admitted per minute is the change between two samples).

import type { ConcertNumbers } from '../api/types';

export interface SaleSample {
  /** Epoch milliseconds when the numbers were read. */
  at: number;
  waiting: number;
  admitted: number;
  active: number;
  sold: number;
  revenue: number;
}

export interface Point {
  at: number;
  value: number;
}

export function sampleOf(n: ConcertNumbers, at: number): SaleSample {
  return {
    at,
    waiting: n.line.waiting,
    admitted: n.line.admitted,
    active: n.line.active,
    sold: n.dates.reduce((sum, d) => sum + d.soldSeats, 0),
    revenue: n.dates.reduce((sum, d) => sum + d.revenue, 0),
  };
}

/** Keeps the latest `max` samples, in time order. */
export function addSample(samples: SaleSample[], s: SaleSample, max = 900): SaleSample[] {
  const next = [...samples, s].sort((a, b) => a.at - b.at);
  return next.length > max ? next.slice(next.length - max) : next;
}

export function series(samples: SaleSample[], field: 'waiting' | 'active' | 'sold' | 'revenue'): Point[] {
  return samples.map((s) => ({ at: s.at, value: s[field] }));
}

/**
 * Admitted per minute between each pair of successive samples, at the later one. Samples
 * less than a second apart are skipped (too noisy); a counter that went down (a restarted
 * stack) counts as 0.
 */
export function admittedPerMinute(samples: SaleSample[]): Point[] {
  const out: Point[] = [];
  let prev: SaleSample | undefined;
  for (const s of samples) {
    if (prev && s.at - prev.at >= 1000) {
      const perMinute = (Math.max(0, s.admitted - prev.admitted) * 60_000) / (s.at - prev.at);
      out.push({ at: s.at, value: Math.round(perMinute) });
    }
    if (!prev || s.at - prev.at >= 1000) prev = s;
  }
  return out;
}
