// (a) A fan on a phone (390 x 844) signs in, waits, is admitted and taps a seat: the
// selection bar puts Pay in view without scrolling, and from an empty wallet its one step
// charges exactly the shortfall and pays. The receipt (a short reference, no UUID), the
// payment in their list and the wallet statement follow; then the app in English, its
// screens checked by axe again (a receipt, the tickets, a seat held and let go).

import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { formatWon } from '../src/domain/money';
import { t } from '../src/i18n/messages';
import { DEMO_CONCERT, aFreeSeat, inViewport, joinAndGetAdmitted, launch, openApp, openFirstDate, priceOf, seat, shot, signIn } from './harness';
import { expectAccessible } from './axe';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

test('a fan buys a ticket on a phone: tap a seat, Pay in view, charge the shortfall and pay in one step', async () => {
  const { page } = await openApp(browser);
  await page.getByRole('heading', { level: 1, name: t('signInTitle', {}, 'ko') }).waitFor();
  // The heading is focused for screen readers, with no ring drawn around it.
  expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
  expect(await page.locator('h1').evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('none');
  await shot(page, '01-sign-in');
  await expectAccessible(page, '01-sign-in');
  await signIn(page, 'fan');
  expect(await page.locator('header .who').textContent()).toContain('팬으로 로그인됨');

  const card = page.locator(`[data-concert="${DEMO_CONCERT}"]`);
  await expect.poll(() => card.locator('[data-phase]').getAttribute('data-phase')).toBe('ON_SALE');
  expect(await card.locator('.venue').textContent()).not.toBe('');
  await shot(page, '02-concerts');
  await expectAccessible(page, '02-concerts');

  await joinAndGetAdmitted(page, DEMO_CONCERT);
  await expect.poll(() => page.locator('.turn').textContent()).toMatch(/남음/);
  await shot(page, '04-dates');
  await expectAccessible(page, '04-dates');

  await openFirstDate(page);
  expect(await page.locator('.stage').isVisible()).toBe(true);
  const n = await aFreeSeat(page);
  const price = await priceOf(page, n);
  // Every seat is a 44 px touch target.
  const box = (await seat(page, n).boundingBox())!;
  expect(Math.min(box.width, box.height)).toBeGreaterThanOrEqual(44);
  await seat(page, n).click();
  await expect.poll(() => seat(page, n).getAttribute('data-state')).toBe('mine');
  expect(await seat(page, n).getAttribute('aria-label')).toBe(`좌석 번호 ${n}, ${formatWon(price)}, 내가 선점함`);
  await expect.poll(() => page.locator(`.hold[data-seat="${n}"]`).getAttribute('data-state')).toBe('held');

  // The selection bar: the seat, the total, the time left, and the one action, in view.
  const pay = page.getByTestId('pay');
  await expect.poll(() => inViewport(pay)).toBe(true);
  expect(await page.getByTestId('total').textContent()).toBe(formatWon(price));
  await expect.poll(() => page.getByTestId('selection-timer').textContent()).toMatch(/0[45]:\d\d 안에 결제/);
  // An empty wallet: the shortfall said in words, and Pay alone not offered.
  await expect.poll(() => page.getByTestId('balance').textContent()).toBe(formatWon(0));
  expect(await page.getByTestId('shortfall').textContent()).toBe(t('shortfallExplained', { balance: formatWon(0), shortfall: formatWon(price) }, 'ko'));
  expect(await pay.textContent()).toBe(t('chargeAndPay', { shortfall: formatWon(price), total: formatWon(price) }, 'ko'));
  await shot(page, '05-seat-map-held');
  await expectAccessible(page, '05-seat-map-held');

  await pay.click();
  await page.waitForURL(/#\/receipt\//);
  const receipt = page.getByTestId('receipt');
  await expect.poll(() => receipt.getByTestId('amount-paid').textContent()).toBe(formatWon(price));
  expect(await receipt.getByTestId('receipt-state').getAttribute('data-state')).toBe('paid');
  expect(await receipt.getByTestId('payment-ref').textContent()).toMatch(/^[0-9A-F]{8}$/);
  expect(await receipt.textContent()).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
  // The charge's notice stayed on the seat map.
  expect(await page.getByTestId('notice').textContent()).toBe('');
  await shot(page, '06-receipt');
  await expectAccessible(page, '06-receipt');

  await page.getByRole('link', { name: t('navPayments', {}, 'ko') }).first().click();
  await page.locator('[data-payment]').first().waitFor();
  expect(await page.locator('[data-payment]').count()).toBe(1);
  expect(await page.locator('[data-payment]').first().textContent()).toContain(formatWon(price));
  // The wallet statement: the payment (newest first) and the charge of exactly the shortfall.
  const statement = page.getByTestId('statement');
  await statement.locator('tr[data-kind="PAYMENT"]').waitFor();
  expect(await statement.locator('tbody tr').first().getAttribute('data-kind')).toBe('PAYMENT');
  expect((await statement.locator('tr[data-kind="PAYMENT"] td').allTextContents()).slice(1)).toEqual(['결제', formatWon(-price), formatWon(0)]);
  expect((await statement.locator('tr[data-kind="CHARGE"] td').allTextContents()).slice(1)).toEqual(['충전', `+${formatWon(price)}`, formatWon(price)]);
  await shot(page, '07-my-payments');
  await expectAccessible(page, '07-my-payments');

  // English on request, remembered across a reload, and so is the sign-in.
  await page.getByTestId('switch-language').click();
  await page.getByRole('heading', { level: 1, name: 'My payments' }).waitFor();
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'My payments' }).waitFor();
  expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');

  // The main screens pass axe in English too: each control's name holds the words it shows
  // (WCAG 2.5.3), the language switch's own ("한국어") included.
  expect(await page.getByTestId('switch-language').getAttribute('aria-label')).toBe(t('switchLanguageLabel', {}, 'en'));
  await expectAccessible(page, '07-my-payments in English');
  await page.getByRole('link', { name: /^View receipt/ }).first().click();
  await page.waitForURL(/#\/receipt\//);
  await expect.poll(() => receipt.getByTestId('amount-paid').textContent()).toBe(formatWon(price));
  expect(await receipt.getByRole('button', { name: `Refund seat ${n}`, exact: true }).textContent()).toBe('Refund');
  await expectAccessible(page, '06-receipt in English');
  await receipt.getByTestId('view-tickets').click();
  await page.getByRole('heading', { level: 1, name: t('ticketsTitle', {}, 'en') }).waitFor();
  await page.getByTestId('open-ticket').first().waitFor();
  await expectAccessible(page, 'my tickets in English');
  // Back in line for one more seat: the seat map with a hold, then the hold cancelled.
  await page.getByRole('link', { name: t('navConcerts', {}, 'en'), exact: true }).first().click();
  await card.locator('[data-phase]').waitFor();
  await expectAccessible(page, '02-concerts in English');
  await joinAndGetAdmitted(page, DEMO_CONCERT);
  await expectAccessible(page, '04-dates in English');
  await openFirstDate(page);
  const more = await aFreeSeat(page);
  await seat(page, more).click();
  await expect.poll(() => page.locator(`.hold[data-seat="${more}"]`).getAttribute('data-state')).toBe('held');
  const cancel = page.getByRole('button', { name: t('cancelHoldOf', { n: more }, 'en'), exact: true });
  expect(await cancel.textContent()).toBe(t('cancelHold', {}, 'en'));
  await expectAccessible(page, '05-seat-map-held in English');
  await cancel.click();
  await expect.poll(() => page.locator(`.hold[data-seat="${more}"]`).count()).toBe(0);
  await expect.poll(() => seat(page, more).getAttribute('data-state')).toBe('free');
  await page.getByRole('link', { name: t('navPayments', {}, 'en') }).first().click();
  await page.getByRole('heading', { level: 1, name: 'My payments' }).waitFor();

  // A new tab of the same browser is signed in too.
  const tab = await page.context().newPage();
  await tab.goto(page.url());
  await tab.getByRole('heading', { level: 1, name: 'My payments' }).waitFor();
  // Signing out in one tab signs the other out.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await tab.waitForURL(/#\/sign-in$/);
});
