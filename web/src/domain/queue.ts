// The waiting room as the fan sees it: what to ask (the line's public status while the
// fan's place is known and not yet reached, else their token), what to show for an answer,
// the position and wait worked out from the fan's place, how far along the line they are,
// and the estimated wait in words. Pure: the clock is passed in.

import type { Lang } from '../i18n/lang';
import type { EmptyPlaces, PublicLineStatus, TokenStatus } from '../api/types';

export type LineView =
  | { kind: 'drawing'; opensAt: string; paused: boolean }
  /** `waitSeconds` null: the line stands still, no honest estimate. */
  | { kind: 'waiting'; position: number; waitSeconds: number | null; paused: boolean }
  /** The line has reached the fan's place: ask the token whether they are in. */
  | { kind: 'passed' }
  | { kind: 'admitted'; activeUntil: string | null }
  | { kind: 'ended'; reason: 'SOLD_OUT' | 'CLOSED' };

/** The seconds between polls when an answer does not say (the API's pollAfterSeconds). */
export const DEFAULT_POLL_SECONDS = 2;

/** The delay before the next poll, from an answer's pollAfterSeconds (1 to 30 s; 2 s if absent). */
export function pollDelayMs(pollAfterSeconds: number | null | undefined): number {
  const s = typeof pollAfterSeconds === 'number' && Number.isFinite(pollAfterSeconds) ? pollAfterSeconds : DEFAULT_POLL_SECONDS;
  return Math.min(Math.max(s, 1), 30) * 1000;
}

/**
 * Which route the waiting screen asks next: the line's public status while the fan has a
 * place that the line has not reached yet; their token before the draw (no place yet) and
 * once the place has been passed (to confirm ACTIVE, again until it says so).
 */
export function pollSource(place: number | null | undefined, passed: boolean): 'line' | 'token' {
  return typeof place === 'number' && !passed ? 'line' : 'token';
}

/** How many places of `run` lie strictly between `after` and `before`. */
export function emptyBetween(run: EmptyPlaces, after: number, before: number): number {
  const every = Math.max(1, run.every);
  const lo = Math.max(run.first, after + 1);
  const hi = Math.min(run.last, before - 1);
  if (hi < lo) return 0;
  const kLo = Math.ceil((lo - run.first) / every);
  const kHi = Math.floor((hi - run.first) / every);
  return Math.max(0, kHi - kLo + 1);
}

/**
 * Fans ahead of place `place` when every place through `servingThrough` has been let in:
 * the places between, less those nobody holds. The API's own arithmetic.
 */
export function positionAt(place: number, servingThrough: number, empty: readonly EmptyPlaces[] = []): number {
  const between = Math.max(0, place - servingThrough - 1);
  const nobody = empty.reduce((n, run) => n + emptyBetween(run, servingThrough, place), 0);
  return Math.max(0, between - nobody);
}

/** How fast the line moves, as the line's status says. */
export type LinePace = Pick<PublicLineStatus, 'admitPerTick' | 'tickSeconds' | 'measuredAdmittedPerMinute'>;

/**
 * Seconds until a fan `position` places back is let in: the later of the nominal rate's
 * answer (`admitPerTick` every `tickSeconds`) and the measured pace's; null while the line
 * stands still (measured 0 per minute), when no estimate is honest. The API's own arithmetic.
 */
export function waitSecondsAt(position: number, pace: LinePace): number | null {
  const perTick = Math.max(1, pace.admitPerTick);
  const tick = Math.max(1, pace.tickSeconds);
  const nominal = (Math.floor(position / perTick) + 1) * tick;
  const measured = pace.measuredAdmittedPerMinute;
  if (measured === null || measured === undefined) return nominal;
  if (measured <= 0) return null;
  return Math.max(nominal, Math.ceil(((position + 1) * 60) / measured));
}

/** What the waiting screen shows for the line's status, for the fan at place `place`. */
export function lineStatusView(l: PublicLineStatus, place: number): LineView {
  if (l.servingThrough >= place) return { kind: 'passed' };
  if (l.phase === 'SOLD_OUT' || l.phase === 'CLOSED') return { kind: 'ended', reason: l.phase };
  const position = positionAt(place, l.servingThrough, l.emptyPlaces ?? []);
  return { kind: 'waiting', position, waitSeconds: waitSecondsAt(position, l), paused: l.phase === 'PAUSED' };
}

/** What the waiting screen shows for one poll's answer. */
export function lineView(s: TokenStatus): LineView {
  const paused = s.phase === 'PAUSED';
  switch (s.status) {
    case 'ACTIVE':
      return { kind: 'admitted', activeUntil: s.activeUntil ?? null };
    case 'SOLD_OUT':
    case 'CLOSED':
      return { kind: 'ended', reason: s.status };
    case 'WAITING':
      // No place yet: the pre-queue's order is drawn at the opening.
      if (s.position === null) return { kind: 'drawing', opensAt: s.opensAt, paused };
      return { kind: 'waiting', position: s.position, waitSeconds: s.estimatedWaitSeconds, paused };
  }
}

/** Polling stops once admitted or once the sale has ended. */
export function keepsPolling(view: LineView): boolean {
  return view.kind === 'drawing' || view.kind === 'waiting' || view.kind === 'passed';
}

/**
 * How far along the line the fan is, 0 to 1: the share of the people who were ahead of
 * them at the start (the largest position seen) who have gone in since, counting the fan
 * themselves as the last step. Admitted is 1.
 */
export function lineProgress(position: number, startPosition: number): number {
  const start = Math.max(startPosition, position);
  return (start - position) / (start + 1);
}

/** The estimate at the time of the poll, run down by the time since (never below 0). */
export function waitLeft(waitSeconds: number, polledAt: number, now: number): number {
  return Math.max(0, waitSeconds - Math.floor((now - polledAt) / 1000));
}

/**
 * The wait line of a waiting fan: the estimate run down since the poll; `stalled` when the
 * line stands still (no estimate); nothing while the operator has paused admission (the
 * note says so) or before there is a place.
 */
export function waitShown(view: LineView, polledAt: number, now: number): { kind: 'eta'; seconds: number } | { kind: 'stalled' } | null {
  if (view.kind !== 'waiting' || view.paused) return null;
  if (view.waitSeconds === null) return { kind: 'stalled' };
  return { kind: 'eta', seconds: waitLeft(view.waitSeconds, polledAt, now) };
}

/** "1분 미만" / "약 3분" / "약 1시간 5분"; "under a minute" / "about 3 min" / "about 1 h 5 min". */
export function formatWait(seconds: number, lang: Lang): string {
  if (seconds < 60) return lang === 'ko' ? '1분 미만' : 'under a minute';
  const minutes = Math.round(seconds / 60);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (lang === 'ko') return h > 0 ? `약 ${h}시간${m ? ` ${m}분` : ''}` : `약 ${m}분`;
  return h > 0 ? `about ${h} h${m ? ` ${m} min` : ''}` : `about ${m} min`;
}

/**
 * The waiting fan's headline: how many are ahead, or that they are next. While admission is
 * paused nobody is next to go in: first in line is said as that, never as "next".
 */
export function waitingHeadline(position: number, paused: boolean): { key: 'lineAhead' | 'lineNext' | 'lineFirstPaused'; n: number } {
  if (position > 0) return { key: 'lineAhead', n: position };
  return { key: paused ? 'lineFirstPaused' : 'lineNext', n: 0 };
}
