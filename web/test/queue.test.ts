import { describe, expect, test } from 'vitest';
import { formatWait, keepsPolling, lineProgress, lineView, waitLeft } from '../src/domain/queue';
import { formatCountdown, msUntil } from '../src/domain/time';
import type { TokenStatus } from '../src/api/types';

const OPENS = '2026-12-01T10:00:00Z';
const status = (s: Partial<TokenStatus>): TokenStatus => ({
  status: 'WAITING',
  position: 3,
  estimatedWaitSeconds: 90,
  phase: 'ON_SALE',
  opensAt: OPENS,
  ...s,
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

  test('polling stops once admitted or once the sale has ended', () => {
    expect(keepsPolling(lineView(status({})))).toBe(true);
    expect(keepsPolling(lineView(status({ position: null })))).toBe(true);
    expect(keepsPolling(lineView(status({ status: 'ACTIVE' })))).toBe(false);
    expect(keepsPolling(lineView(status({ status: 'SOLD_OUT' })))).toBe(false);
    expect(keepsPolling(lineView(status({ status: 'CLOSED' })))).toBe(false);
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
