// (c) A fan on a phone (390 x 844) asks for the best 2 seats side by side instead of tapping
// them: a labelled count and one button; both seats are held at once, in one row of ten,
// said in the live region, and join the selection bar, which stays on screen; the count
// offered shrinks by the seats held (the seat limit); one step pays for both.

import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { formatWon } from '../src/domain/money';
import { t } from '../src/i18n/messages';
import { DEMO_CONCERT, PHONE, inViewport, joinAndGetAdmitted, launch, openApp, openFirstDate, priceOf, seat, shot, signIn } from './harness';
import { expectAccessible } from './axe';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

test('a fan on a phone holds the best 2 seats side by side and pays for both', async () => {
  const { page } = await openApp(browser);
  await signIn(page, 'fan');
  await joinAndGetAdmitted(page, DEMO_CONCERT);
  await openFirstDate(page);

  // The count is a native select found by its visible label: 1 up to the seat limit (4), 2 chosen.
  const count = page.getByLabel(t('bestAvailableCount', {}, 'ko'));
  await expect.poll(() => count.locator('option').allTextContents()).toEqual(['1', '2', '3', '4']);
  expect(await count.inputValue()).toBe('2');
  const find = page.getByRole('button', { name: t('findTogether', {}, 'ko') });
  for (const target of [count, find]) expect((await target.boundingBox())!.height).toBeGreaterThanOrEqual(44);
  await count.selectOption('2');
  await find.click();

  // Both held at once, side by side in one row of ten, mine on the map and in the holds.
  const holds = page.locator('.hold[data-state="held"]');
  await expect.poll(() => holds.count()).toBe(2);
  const held = await holds.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seat'))));
  expect(held[1]).toBe(held[0] + 1);
  expect(Math.ceil(held[0] / 10)).toBe(Math.ceil(held[1] / 10));
  for (const n of held) await expect.poll(() => seat(page, n).getAttribute('data-state')).toBe('mine');
  // Said in the polite live region.
  await expect
    .poll(() => page.getByTestId('notice').textContent())
    .toMatch(new RegExp(`^${held[0]}, ${held[1]}번 좌석을 나란히 선점했습니다\\. 0[45]:\\d\\d 안에 결제해 주세요\\.$`));
  // The seat limit (4) less the 2 held: at most 2 more.
  await expect.poll(() => count.locator('option').allTextContents()).toEqual(['1', '2']);

  // The selection bar: both seats, their total and the time left, on screen at 390 px wide,
  // wherever the page is scrolled; nothing is wider than the screen.
  const total = (await priceOf(page, held[0])) + (await priceOf(page, held[1]));
  const bar = page.getByTestId('selection-bar');
  const pay = page.getByTestId('pay');
  await expect.poll(() => inViewport(pay)).toBe(true);
  expect(await page.getByTestId('selection').textContent()).toBe(t('selectionSeats', { n: 2, seats: held.join(', ') }, 'ko'));
  expect(await page.getByTestId('total').textContent()).toBe(formatWon(total));
  await expect.poll(() => page.getByTestId('selection-timer').textContent()).toMatch(/0[45]:\d\d 안에 결제/);
  expect(await pay.textContent()).toBe(t('chargeAndPay', { shortfall: formatWon(total), total: formatWon(total) }, 'ko'));
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
  for (const where of ['top', 'bottom'] as const) {
    await page.evaluate((to) => window.scrollTo(0, to === 'top' ? 0 : document.body.scrollHeight), where);
    expect(await inViewport(bar), `scrolled to the ${where}`).toBe(true);
  }
  // The form itself can be scrolled clear of the bar (the page leaves room under it).
  await page.getByTestId('best-available').scrollIntoViewIfNeeded();
  const form = (await page.getByTestId('best-available').boundingBox())!;
  expect(form.y + form.height).toBeLessThanOrEqual((await bar.boundingBox())!.y);
  await shot(page, '29-best-available-phone');
  await expectAccessible(page, '29-best-available-phone');

  // One step charges the shortfall and pays for both seats.
  await pay.click();
  await page.waitForURL(/#\/receipt\//);
  const receipt = page.getByTestId('receipt');
  await expect.poll(() => receipt.getByTestId('amount-paid').textContent()).toBe(formatWon(total));
  expect(await receipt.locator('[data-seat]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seat'))))).toEqual(held);
});
