import { describe, expect, test } from 'vitest';
import {
  waitingHeadline,
  emptyBetween,
  formatWait,
  keepsPolling,
  lineProgress,
  lineStatusView,
  lineView,
  pollDelayMs,
  pollSource,
  positionAt,
  waitLeft,
  waitSecondsAt,
  waitShown,
} from '../src/domain/queue';
import { formatCountdown, msUntil } from '../src/domain/time';
import type { PublicLineStatus, TokenStatus } from '../src/api/types';

const OPENS = '2026-12-01T10:00:00Z';
const status = (s: Partial<TokenStatus>): TokenStatus => ({
  status: 'WAITING',
  position: 3,
  estimatedWaitSeconds: 90,
  phase: 'ON_SALE',
  opensAt: OPENS,
  place: 14,
  pollAfterSeconds: 2,
  ...s,
});
/** GET /concerts/{id}/line: 10 places let in every 3 s, no measured pace yet. */
const line = (l: Partial<PublicLineStatus>): PublicLineStatus => ({
  concertId: 'c',
  phase: 'ON_SALE',
  opensAt: OPENS,
  servingThrough: 10,
  joined: 40,
  active: 10,
  activeCap: 100,
  admitPerTick: 10,
  tickSeconds: 3,
  measuredAdmittedPerMinute: null,
  admittedPerMinute: 200,
  pollAfterSeconds: 2,
  ...l,
});
const pace = (admitPerTick: number, tickSeconds: number, measuredAdmittedPerMinute: number | null) => ({
  admitPerTick,
  tickSeconds,
  measuredAdmittedPerMinute,
});

describe('the place in line', () => {
  test('progress is the share of the line passed since the start, the fan counting as the last step', () => {
    expect(lineProgress(10, 10)).toBe(0);
    expect(lineProgress(5, 10)).toBeCloseTo(5 / 11);
    expect(lineProgress(0, 10)).toBeCloseTo(10 / 11);
    expect(lineProgress(0, 0)).toBe(0);
    // A position larger than the recorded start (a late draw) restarts the bar, never goes below 0.
    expect(lineProgress(12, 10)).toBe(0);
  });

  test('the estimate runs down between polls and stops at zero', () => {
    const polled = 1_000_000;
    expect(waitLeft(90, polled, polled)).toBe(90);
    expect(waitLeft(90, polled, polled + 10_500)).toBe(80);
    expect(waitLeft(5, polled, polled + 60_000)).toBe(0);
  });

  test('the wait reads in whole minutes in both languages', () => {
    expect(formatWait(0, 'ko')).toBe('1분 미만');
    expect(formatWait(59, 'en')).toBe('under a minute');
    expect(formatWait(90, 'ko')).toBe('약 2분');
    expect(formatWait(150, 'en')).toBe('about 3 min');
    expect(formatWait(3600, 'ko')).toBe('약 1시간');
    expect(formatWait(3900, 'en')).toBe('about 1 h 5 min');
  });

  test('a poll becomes what the waiting screen shows', () => {
    expect(lineView(status({}))).toEqual({ kind: 'waiting', position: 3, waitSeconds: 90, paused: false });
    expect(lineView(status({ phase: 'PAUSED' }))).toMatchObject({ kind: 'waiting', paused: true });
    // Before the draw there is no place: the opening's countdown instead.
    expect(lineView(status({ position: null, estimatedWaitSeconds: 30, phase: 'PRE_QUEUE' }))).toEqual({
      kind: 'drawing',
      opensAt: OPENS,
      paused: false,
    });
    expect(lineView(status({ status: 'ACTIVE', position: 0, activeUntil: '2026-12-01T10:10:00Z' }))).toEqual({
      kind: 'admitted',
      activeUntil: '2026-12-01T10:10:00Z',
    });
    expect(lineView(status({ status: 'SOLD_OUT', position: null, estimatedWaitSeconds: null }))).toEqual({ kind: 'ended', reason: 'SOLD_OUT' });
    expect(lineView(status({ status: 'CLOSED', position: null, estimatedWaitSeconds: null }))).toEqual({ kind: 'ended', reason: 'CLOSED' });
  });

  test('a null estimate while waiting (the line stands still) stays null', () => {
    expect(lineView(status({ estimatedWaitSeconds: null }))).toEqual({ kind: 'waiting', position: 3, waitSeconds: null, paused: false });
  });

  test('polling stops once admitted or once the sale has ended', () => {
    expect(keepsPolling(lineView(status({})))).toBe(true);
    expect(keepsPolling(lineView(status({ position: null })))).toBe(true);
    expect(keepsPolling(lineView(status({ status: 'ACTIVE' })))).toBe(false);
    expect(keepsPolling(lineView(status({ status: 'SOLD_OUT' })))).toBe(false);
    expect(keepsPolling(lineView(status({ status: 'CLOSED' })))).toBe(false);
    expect(keepsPolling({ kind: 'passed' })).toBe(true);
  });
});

describe('position and wait arithmetic from the line status', () => {
  test('the position is the places between the last one served and the fan', () => {
    expect(positionAt(14, 10)).toBe(3);
    expect(positionAt(11, 10)).toBe(0);
    // Reached or passed: nobody ahead, never below 0.
    expect(positionAt(10, 10)).toBe(0);
    expect(positionAt(5, 10)).toBe(0);
    expect(positionAt(1, 0)).toBe(0);
  });

  test('places nobody holds (the levelled stripes) are not fans ahead', () => {
    const run = { first: 12, last: 76, every: 32 };
    expect(emptyBetween(run, 0, 100)).toBe(3);
    expect(emptyBetween(run, 12, 76)).toBe(1);
    expect(emptyBetween(run, 13, 44)).toBe(0);
    expect(emptyBetween(run, 50, 20)).toBe(0);
    expect(positionAt(14, 10, [run])).toBe(2);
    expect(positionAt(12, 10, [run])).toBe(1);
    expect(positionAt(100, 10, [run])).toBe(86);
    expect(lineStatusView(line({ servingThrough: 10, emptyPlaces: [run] }), 14)).toMatchObject({ kind: 'waiting', position: 2 });
  });

  test('the nominal wait: one tick per admitPerTick places, the fan’s own tick included', () => {
    expect(waitSecondsAt(0, pace(10, 3, null))).toBe(3);
    expect(waitSecondsAt(9, pace(10, 3, null))).toBe(3);
    expect(waitSecondsAt(10, pace(10, 3, null))).toBe(6);
    expect(waitSecondsAt(95, pace(10, 3, null))).toBe(30);
  });

  test('a measured pace slower than the nominal one makes the wait longer, never shorter', () => {
    // 10 per minute: (5 + 1) * 60 / 10 = 36 s, later than the nominal 3 s.
    expect(waitSecondsAt(5, pace(10, 3, 10))).toBe(36);
    // Rounded up: (2 + 1) * 60 / 7 = 25.7 -> 26.
    expect(waitSecondsAt(2, pace(10, 3, 7))).toBe(26);
    // Faster than nominal: the nominal answer stands.
    expect(waitSecondsAt(95, pace(10, 3, 1000))).toBe(30);
  });

  test('a line that stands still (0 measured per minute) has no estimate', () => {
    expect(waitSecondsAt(0, pace(10, 3, 0))).toBeNull();
    expect(waitSecondsAt(500, pace(10, 3, 0))).toBeNull();
  });

  test('the line status becomes what the waiting screen shows for the fan’s place', () => {
    expect(lineStatusView(line({}), 14)).toEqual({ kind: 'waiting', position: 3, waitSeconds: 3, paused: false });
    expect(lineStatusView(line({ measuredAdmittedPerMinute: 20 }), 14)).toEqual({ kind: 'waiting', position: 3, waitSeconds: 12, paused: false });
    expect(lineStatusView(line({ measuredAdmittedPerMinute: 0 }), 14)).toEqual({ kind: 'waiting', position: 3, waitSeconds: null, paused: false });
    expect(lineStatusView(line({ phase: 'PAUSED' }), 11)).toEqual({ kind: 'waiting', position: 0, waitSeconds: 3, paused: true });
    expect(lineStatusView(line({ phase: 'SOLD_OUT' }), 14)).toEqual({ kind: 'ended', reason: 'SOLD_OUT' });
    expect(lineStatusView(line({ phase: 'CLOSED' }), 14)).toEqual({ kind: 'ended', reason: 'CLOSED' });
  });

  test('once the line reaches the fan’s place the token is asked to confirm, whatever the phase', () => {
    expect(lineStatusView(line({ servingThrough: 14 }), 14)).toEqual({ kind: 'passed' });
    expect(lineStatusView(line({ servingThrough: 30 }), 14)).toEqual({ kind: 'passed' });
    expect(lineStatusView(line({ servingThrough: 14, phase: 'SOLD_OUT' }), 14)).toEqual({ kind: 'passed' });
  });

  test('the line is polled while a place is known and not yet reached, else the token', () => {
    expect(pollSource(14, false)).toBe('line');
    // Before the draw (no place yet), or saved by an older app: the token, until it tells the place.
    expect(pollSource(null, false)).toBe('token');
    expect(pollSource(undefined, false)).toBe('token');
    // Passed: the token, again and again until it says ACTIVE.
    expect(pollSource(14, true)).toBe('token');
  });

  test('the next poll comes after the answer’s pollAfterSeconds', () => {
    expect(pollDelayMs(2)).toBe(2000);
    expect(pollDelayMs(5)).toBe(5000);
    expect(pollDelayMs(undefined)).toBe(2000);
    expect(pollDelayMs(null)).toBe(2000);
    expect(pollDelayMs(0)).toBe(1000);
    expect(pollDelayMs(3600)).toBe(30_000);
  });

  test('the wait shown: the estimate run down, a sentence when the line stands still, nothing while paused', () => {
    const polled = 1_000_000;
    expect(waitShown(lineStatusView(line({ measuredAdmittedPerMinute: 20 }), 14), polled, polled + 5_000)).toEqual({ kind: 'eta', seconds: 7 });
    expect(waitShown(lineStatusView(line({ measuredAdmittedPerMinute: 0 }), 14), polled, polled)).toEqual({ kind: 'stalled' });
    // The same from the token's null estimate.
    expect(waitShown(lineView(status({ estimatedWaitSeconds: null })), polled, polled)).toEqual({ kind: 'stalled' });
    expect(waitShown(lineView(status({ estimatedWaitSeconds: null, phase: 'PAUSED' })), polled, polled)).toBeNull();
    expect(waitShown(lineView(status({ position: null, phase: 'PRE_QUEUE' })), polled, polled)).toBeNull();
  });
});

describe('countdowns', () => {
  test('under an hour as MM:SS, rounded up to the second, never negative', () => {
    expect(formatCountdown(0, 'ko')).toBe('00:00');
    expect(formatCountdown(-5_000, 'en')).toBe('00:00');
    expect(formatCountdown(1, 'ko')).toBe('00:01');
    expect(formatCountdown(4_200, 'ko')).toBe('00:05');
    expect(formatCountdown(5 * 60_000, 'en')).toBe('05:00');
    expect(formatCountdown(59 * 60_000 + 59_000, 'en')).toBe('59:59');
  });

  test('hours as H:MM:SS and days first', () => {
    expect(formatCountdown(3_600_000, 'ko')).toBe('1:00:00');
    expect(formatCountdown(3_600_000 + 61_000, 'en')).toBe('1:01:01');
    expect(formatCountdown(2 * 86_400_000 + 3_723_000, 'ko')).toBe('2일 1:02:03');
    expect(formatCountdown(86_400_000, 'en')).toBe('1d 0:00:00');
  });

  test('time until an instant', () => {
    expect(msUntil('2026-12-01T10:00:00Z', Date.parse('2026-12-01T09:59:00Z'))).toBe(60_000);
    expect(msUntil('2026-12-01T10:00:00Z', Date.parse('2026-12-01T10:00:01Z'))).toBe(-1_000);
  });
});

describe('the waiting headline', () => {
  test('while admission is paused, first in line is never said to be next', () => {
    expect(waitingHeadline(0, true)).toEqual({ key: 'lineFirstPaused', n: 0 });
    expect(waitingHeadline(0, false)).toEqual({ key: 'lineNext', n: 0 });
    expect(waitingHeadline(3, true)).toEqual({ key: 'lineAhead', n: 3 });
  });
});
