// Countdowns: to an opening, to the end of a hold, to the end of one's turn.

import type { Lang } from '../i18n/lang';

/** Milliseconds from `now` until the RFC 3339 instant `until` (negative once passed). */
export function msUntil(until: string, now: number): number {
  return Date.parse(until) - now;
}

const two = (n: number) => String(n).padStart(2, '0');

/**
 * A running countdown: MM:SS under an hour, H:MM:SS under a day, then days first.
 * Rounded up to the second, so it shows 00:00 only once the moment has come.
 */
export function formatCountdown(ms: number, lang: Lang): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const clock = hours > 0 || days > 0 ? `${hours}:${two(minutes)}:${two(seconds)}` : `${two(minutes)}:${two(seconds)}`;
  if (days === 0) return clock;
  return lang === 'ko' ? `${days}일 ${clock}` : `${days}d ${clock}`;
}

/** A moment as people read it where they are: "12월 24일 (목) 19:00" / "Thu, Dec 24, 19:00". */
export function formatMoment(iso: string, lang: Lang): string {
  return new Date(iso).toLocaleString(lang === 'ko' ? 'ko-KR' : 'en-GB', {
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** A performance date (YYYY-MM-DD, a calendar day with no time zone). */
export function formatDay(date: string, lang: Lang): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString(lang === 'ko' ? 'ko-KR' : 'en-GB', {
    timeZone: 'UTC',
    weekday: 'short',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
  });
}
