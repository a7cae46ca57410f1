// (c) A hold runs out on screen: against a stack whose holds last 5 seconds
// (SHORT_HOLD_SERVICE_URL), the countdown reaches zero, the hold says it ended, leaves the
// payment, and the seat is free again on the map.

import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { t } from '../src/i18n/messages';
import { DEMO_CONCERT, aFreeSeat, joinAndGetAdmitted, launch, need, openApp, openFirstDate, seat, shot, signIn } from './harness';
import { expectAccessible } from './axe';

const SHORT_HOLD_URL = need('SHORT_HOLD_SERVICE_URL');
let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

test('a hold runs out on screen and the seat is free again', async () => {
  const { page } = await openApp(browser, SHORT_HOLD_URL);
  await signIn(page, 'fan');
  await joinAndGetAdmitted(page, DEMO_CONCERT);
  await openFirstDate(page);
  const n = await aFreeSeat(page);
  await seat(page, n).click();

  const hold = page.locator(`.hold[data-seat="${n}"]`);
  await expect.poll(() => hold.getAttribute('data-state')).toBe('held');
  await expect.poll(() => hold.locator('[role="timer"]').textContent()).toMatch(/^00:0[0-5] 후 선점 해제$/);
  expect(await page.getByTestId('pay').isDisabled()).toBe(false);

  await expect.poll(() => hold.getAttribute('data-state'), { timeout: 15_000 }).toBe('expired');
  expect(await hold.textContent()).toContain(t('holdExpired', {}, 'ko'));
  expect(await page.getByTestId('alert').textContent()).toBe(t('holdExpiredSay', { n }, 'ko'));
  expect(await page.getByTestId('pay').isDisabled()).toBe(true);
  await expect.poll(() => seat(page, n).getAttribute('data-state'), { timeout: 10_000 }).toBe('free');
  await shot(page, '09-hold-expired');
  await expectAccessible(page, '09-hold-expired');
});
