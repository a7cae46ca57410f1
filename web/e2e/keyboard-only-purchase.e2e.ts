// A fan buys a seat with the keyboard alone, on a desktop screen: Tab and Enter through the
// sign-in, the list, the line and the dates; the arrow keys on the seat map (ten to a row);
// the selection bar's one step pays. Focus is drawn as a ring at every stop, stays on a
// button while it works, and never on a page title put there by the app.

import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DEMO_CONCERT, DESKTOP, aFreeSeat, launch, openApp, tabTo } from './harness';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const focused = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-seat') ?? document.activeElement?.getAttribute('data-testid') ?? null);
const ring = (page: Page) =>
  page.evaluate(() => {
    const s = getComputedStyle(document.activeElement!);
    return `${s.outlineStyle} ${s.outlineWidth}`;
  });

test('a fan buys a ticket with the keyboard alone', async () => {
  const { page } = await openApp(browser, undefined, DESKTOP);
  await tabTo(page, '[data-testid="sign-in-fan"]');
  expect(await ring(page)).toBe('solid 3px');
  await page.keyboard.press('Enter');
  await page.waitForURL(/#\/$/);

  await tabTo(page, `[data-concert="${DEMO_CONCERT}"] [data-testid="join-line"]:not([disabled])`);
  await page.keyboard.press('Enter');
  await page.waitForURL(new RegExp(`#/concerts/${DEMO_CONCERT}$`), { timeout: 30_000 });
  await page.locator('[data-date]').first().waitFor();
  expect(await page.locator('h1').evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('none');

  await tabTo(page, '[data-date] a');
  await page.keyboard.press('Enter');
  await page.locator('.seat-grid [data-seat]').first().waitFor();

  // The map is one tab stop; arrow keys move between seats (10 to a row here); Enter holds.
  await tabTo(page, '.seat-grid [tabindex="0"]');
  expect(await focused(page)).toBe('1');
  for (const [key, want] of [['ArrowRight', '2'], ['ArrowDown', '12'], ['End', '50'], ['ArrowUp', '40'], ['Home', '1']]) {
    await page.keyboard.press(key);
    expect(await focused(page), key).toBe(want);
  }
  const n = await aFreeSeat(page);
  for (let i = 1; i < n; i++) await page.keyboard.press('ArrowRight');
  expect(await focused(page)).toBe(String(n));
  await page.keyboard.press('Enter');
  await expect.poll(() => page.locator(`.seat-grid [data-seat="${n}"]`).getAttribute('data-state')).toBe('mine');
  expect(await focused(page)).toBe(String(n));

  // The selection bar's action: charge the shortfall and pay. Focus stays on it while it works.
  await tabTo(page, '[data-testid="pay"]');
  expect(await ring(page)).toBe('solid 3px');
  await page.keyboard.press('Enter');
  await page.waitForURL(/#\/receipt\//);
  await page.getByTestId('amount-paid').waitFor();
  expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
});
