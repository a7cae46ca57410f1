// The waiting room as the fan sees it: what to show for a polled status, how far along the
// line they are, and the estimated wait in words. Pure: the clock is passed in.

import type { Lang } from '../i18n/lang';
import type { TokenStatus } from '../api/types';

export type LineView =
  | { kind: 'drawing'; opensAt: string; paused: boolean }
  | { kind: 'waiting'; position: number; waitSeconds: number | null; paused: boolean }
  | { kind: 'admitted'; activeUntil: string | null }
  | { kind: 'ended'; reason: 'SOLD_OUT' | 'CLOSED' };

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
  return view.kind === 'drawing' || view.kind === 'waiting';
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

/** "1분 미만" / "약 3분" / "약 1시간 5분"; "under a minute" / "about 3 min" / "about 1 h 5 min". */
export function formatWait(seconds: number, lang: Lang): string {
  if (seconds < 60) return lang === 'ko' ? '1분 미만' : 'under a minute';
  const minutes = Math.round(seconds / 60);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (lang === 'ko') return h > 0 ? `약 ${h}시간${m ? ` ${m}분` : ''}` : `약 ${m}분`;
  return h > 0 ? `about ${h} h${m ? ` ${m} min` : ''}` : `about ${m} min`;
}
