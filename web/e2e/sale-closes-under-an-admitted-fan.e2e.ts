// An admitted fan holding a seat sees the operator close the sale as it happens (docs/adr/
// 0013): the seat map says no new seat can be held but the one held can still be paid, the
// turn's countdown goes away, a free seat can no longer be taken, and the hold is paid.
// The operator acts through the API with the local stack's dev token.

import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { t } from '../src/i18n/messages';
import { aFreeSeat, devToken, joinAndGetAdmitted, launch, openApp, openFirstDate, operatorCall, seat, shot, signIn } from './harness';
import { expectAccessible } from './axe';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

test('an admitted fan sees the sale close, and still pays for the seat they hold', async () => {
  const operator = await devToken(true);
  const concertId = `e2e-close-${Date.now().toString(36)}`;
  const day = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  await operatorCall(operator, 'POST', '/operator/concerts', {
    concertId,
    title: '종료 테스트 콘서트',
    venue: 'Test Hall, Seoul',
    dates: [{ date: day, seats: 20 }],
    priceTiers: [{ fromSeat: 1, toSeat: 20, price: 99_000 }],
    sale: { opensAt: new Date(Date.now() + 3000).toISOString(), closesAt: new Date(Date.now() + 86_400_000).toISOString() },
  });

  const { page } = await openApp(browser);
  await signIn(page, 'fan');
  const card = page.locator(`[data-concert="${concertId}"]`);
  await expect.poll(() => card.locator('[data-phase]').getAttribute('data-phase'), { timeout: 30_000, interval: 1000 }).toBe('ON_SALE');
  await joinAndGetAdmitted(page, concertId);
  await openFirstDate(page);
  const n = await aFreeSeat(page);
  await seat(page, n).click();
  await page.locator(`.hold[data-seat="${n}"][data-state="held"]`).waitFor();
  expect(await page.getByTestId('sale-state').isHidden()).toBe(true);

  await operatorCall(operator, 'POST', `/operator/concerts/${concertId}/close`);
  const note = page.getByTestId('sale-state');
  await expect.poll(() => note.getAttribute('data-kind'), { timeout: 15_000 }).toBe('closed');
  expect(await note.textContent()).toBe(t('saleClosedHolds', {}, 'ko'));
  expect(await page.locator('.turn').isHidden()).toBe(true);
  await shot(page, '16-sale-closed-while-holding');
  await expectAccessible(page, '16-sale-closed-while-holding');

  // No new hold; the one taken before the close is paid.
  const other = await aFreeSeat(page);
  await seat(page, other).click();
  await expect.poll(() => page.getByTestId('alert').textContent()).toBe(t('saleNoNewHolds', {}, 'ko'));
  expect(await seat(page, other).getAttribute('data-state')).toBe('free');
  await page.getByTestId('pay').click();
  await page.waitForURL(/#\/receipt\//);
  await page.getByTestId('amount-paid').waitFor();
});
