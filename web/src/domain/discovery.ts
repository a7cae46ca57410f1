// The concert list as a fan browses it: which sales have ended (folded away below the
// others), and the dates and prices a card shows when the listing gives them. Pure.

import type { Concert } from '../api/types';
import type { Lang } from '../i18n/lang';
import { formatWon } from './money';
import { formatDay } from './time';

/** Over for good: closed, or sold out with its window passed (a sold-out sale may reopen on a refund). */
export function saleEnded(c: Pick<Concert, 'phase' | 'closesAt'>, now: number): boolean {
  return c.phase === 'CLOSED' || (c.phase === 'SOLD_OUT' && Date.parse(c.closesAt) <= now);
}

/** The concerts still to show first (in the listing's order), and the ended ones. */
export function splitEnded<C extends Pick<Concert, 'phase' | 'closesAt'>>(all: C[], now: number): { current: C[]; ended: C[] } {
  return { current: all.filter((c) => !saleEnded(c, now)), ended: all.filter((c) => saleEnded(c, now)) };
}

/** "₩110,000 – ₩220,000", or one price; null when the listing gives none. */
export function priceRange(prices: readonly number[] | undefined): string | null {
  const valid = (prices ?? []).filter((p) => Number.isSafeInteger(p) && p >= 0);
  if (valid.length === 0) return null;
  const lo = Math.min(...valid);
  const hi = Math.max(...valid);
  return lo === hi ? formatWon(lo) : `${formatWon(lo)} – ${formatWon(hi)}`;
}

/** The performance dates in words, in order; the first `max` and how many more. Null when none are given. */
export function datesSummary(dates: readonly string[] | undefined, lang: Lang, max = 3): { shown: string[]; more: number } | null {
  const valid = [...(dates ?? [])].filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d)).sort();
  if (valid.length === 0) return null;
  return { shown: valid.slice(0, max).map((d) => formatDay(d, lang)), more: Math.max(0, valid.length - max) };
}
