// (a) A fan signs in, waits, is admitted, holds a seat, charges the wallet, pays and sees
// the receipt; then finds the payment in their list and their wallet statement, and the app
// in English.

import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { formatWon } from '../src/domain/money';
import { t } from '../src/i18n/messages';
import { DEMO_CONCERT, aFreeSeat, joinAndGetAdmitted, launch, openApp, openFirstDate, seat, shot, signIn } from './harness';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

test('a fan buys a ticket: sign in, line, seat, charge, pay, receipt', async () => {
  const { page } = await openApp(browser);
  await page.getByRole('heading', { level: 1, name: t('signInTitle', {}, 'ko') }).waitFor();
  await shot(page, '01-sign-in');
  await signIn(page, 'fan');

  const card = page.locator(`[data-concert="${DEMO_CONCERT}"]`);
  await expect.poll(() => card.locator('[data-phase]').getAttribute('data-phase')).toBe('ON_SALE');
  await shot(page, '02-concerts');

  await joinAndGetAdmitted(page, DEMO_CONCERT);
  await expect.poll(() => page.locator('.turn').textContent()).toMatch(/남음/);
  await shot(page, '04-dates');

  const date = await openFirstDate(page);
  const n = await aFreeSeat(page);
  const price = Number(await seat(page, n).evaluate((b) => b.getAttribute('aria-label')!.match(/₩([\d,]+)/)![1].replace(/,/g, '')));
  // The map is one tab stop; arrow keys move between seats (10 to a row); Enter holds.
  const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-seat'));
  await page.locator('.seat-grid [tabindex="0"]').focus();
  expect(await focused()).toBe('1');
  for (const [key, want] of [['ArrowRight', '2'], ['ArrowDown', '12'], ['End', '50'], ['ArrowUp', '40'], ['Home', '1']]) {
    await page.keyboard.press(key);
    expect(await focused(), key).toBe(want);
  }
  await seat(page, n).focus();
  await page.keyboard.press('Enter');
  await expect.poll(() => seat(page, n).getAttribute('data-state')).toBe('mine');
  expect(await seat(page, n).getAttribute('aria-label')).toBe(`${n}번 좌석, ${formatWon(price)}, 내가 선점함`);
  const hold = page.locator(`.hold[data-seat="${n}"]`);
  await expect.poll(() => hold.getAttribute('data-state')).toBe('held');
  await expect.poll(() => hold.locator('[role="timer"]').textContent()).toMatch(/0[45]:\d\d 후 선점 해제/);
  expect(await page.getByTestId('total').textContent()).toBe(formatWon(price));
  await shot(page, '05-seat-map-held');

  // A new fan's wallet is empty: the shortfall shows, the charge fills it.
  expect(await page.getByTestId('balance').textContent()).toBe(formatWon(0));
  expect(await page.getByTestId('shortfall').textContent()).toContain(formatWon(price));
  await page.getByLabel(t('chargeAmount', {}, 'ko')).fill('500,000');
  await page.getByTestId('charge').click();
  await expect.poll(() => page.getByTestId('balance').textContent()).toBe(formatWon(500_000));

  await page.getByTestId('pay').click();
  await page.waitForURL(/#\/receipt\//);
  const receipt = page.getByTestId('receipt');
  await expect.poll(() => receipt.getByTestId('amount-paid').textContent()).toBe(formatWon(price));
  expect(await receipt.textContent()).toContain(formatWon(500_000 - price));
  expect(await receipt.locator('tbody tr').count()).toBe(1);
  await shot(page, '06-receipt');

  await page.getByRole('link', { name: t('navPayments', {}, 'ko') }).first().click();
  await page.locator('[data-payment]').first().waitFor();
  expect(await page.locator('[data-payment]').count()).toBe(1);
  expect(await page.locator('[data-payment]').first().textContent()).toContain(formatWon(price));
  // The wallet statement below: the payment (newest first) and the charge before it.
  const statement = page.getByTestId('statement');
  await statement.locator('tr[data-kind="PAYMENT"]').waitFor();
  expect(await statement.locator('tbody tr').first().getAttribute('data-kind')).toBe('PAYMENT');
  expect((await statement.locator('tr[data-kind="PAYMENT"] td').allTextContents()).slice(1)).toEqual(['결제', formatWon(-price), formatWon(500_000 - price)]);
  expect((await statement.locator('tr[data-kind="CHARGE"] td').allTextContents()).slice(1)).toEqual(['충전', `+${formatWon(500_000)}`, formatWon(500_000)]);
  await shot(page, '07-my-payments');

  // English on request, remembered across a reload; the seat is now sold on the map.
  await page.getByTestId('switch-language').click();
  await page.getByRole('heading', { level: 1, name: 'My payments' }).waitFor();
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'My payments' }).waitFor();
  expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
  expect(date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
});
