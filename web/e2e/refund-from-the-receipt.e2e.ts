// A fan gives a paid seat back from the receipt: the dialog shows the fee and what comes
// back (by the concert's schedule, asked of GET /reservations/{id}/refund) before anything
// happens; confirmed, the seat shows refunded on the receipt and in the payments list, and
// the wallet statement has the refund.

import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { formatWon } from '../src/domain/money';
import { t } from '../src/i18n/messages';
import { DEMO_CONCERT, holdAndPay, joinAndGetAdmitted, launch, openApp, openFirstDate, shot, signIn } from './harness';
import { expectAccessible } from './axe';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

test('a fan refunds a seat from the receipt, the fee shown before confirming', async () => {
  const { page } = await openApp(browser);
  await signIn(page, 'fan');
  await joinAndGetAdmitted(page, DEMO_CONCERT);
  await openFirstDate(page);
  const { n, price } = await holdAndPay(page);

  const row = page.locator(`tr[data-seat="${n}"]`);
  expect(await row.getAttribute('data-state')).toBe('paid');
  await row.getByTestId('refund').click();
  const dialog = page.getByTestId('refund-dialog');
  await dialog.getByTestId('refund-amount').waitFor();
  // Just paid: within the schedule's free period, so no fee; the whole price comes back.
  const fee = await dialog.getByTestId('refund-fee').textContent();
  expect(fee).toBe(t('refundFeeFree', {}, 'ko'));
  expect(await dialog.getByTestId('refund-amount').textContent()).toBe(formatWon(price));
  expect(await dialog.getByTestId('confirm-refund').textContent()).toBe(t('refundConfirm', { amount: formatWon(price) }, 'ko'));
  await shot(page, '14-refund-quote');
  await expectAccessible(page, '14-refund-quote');

  await dialog.getByTestId('confirm-refund').click();
  await expect.poll(() => page.locator(`tr[data-seat="${n}"]`).getAttribute('data-state'), { timeout: 10_000 }).toBe('refunded');
  expect(await page.getByTestId('receipt-state').getAttribute('data-state')).toBe('refunded');
  expect(await page.getByTestId('notice').textContent()).toContain(formatWon(price));
  await shot(page, '15-refunded');
  await expectAccessible(page, '15-refunded');

  await page.getByRole('link', { name: t('navPayments', {}, 'ko') }).first().click();
  const card = page.locator('[data-payment]').first();
  await card.waitFor();
  expect(await card.getAttribute('data-state')).toBe('refunded');
  expect(await card.locator(`tr[data-seat="${n}"]`).getAttribute('data-state')).toBe('refunded');
  await page.getByTestId('statement').locator('tr[data-kind="REFUND"]').waitFor();
  expect((await page.getByTestId('statement').locator('tr[data-kind="REFUND"] td').allTextContents()).slice(1, 3)).toEqual(['환불', `+${formatWon(price)}`]);
});
