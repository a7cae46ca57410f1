// (b) Two fans (two browser contexts, each its own profile) press the same free seat at the
// same moment: one holds it, the other is told in plain words and sees the seat as taken.

import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { problemMessage } from '../src/i18n/problems';
import { DEMO_CONCERT, joinAndGetAdmitted, launch, openApp, openFirstDate, seat, shot, signIn } from './harness';
import { expectAccessible } from './axe';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

async function admittedFanOnSeatMap(): Promise<Page> {
  const { page } = await openApp(browser);
  await signIn(page, 'fan');
  await joinAndGetAdmitted(page, DEMO_CONCERT);
  await openFirstDate(page);
  return page;
}

test('two fans race for one seat: the loser sees why and the seat as taken', async () => {
  const [anna, ben] = await Promise.all([admittedFanOnSeatMap(), admittedFanOnSeatMap()]);
  // A seat both maps show free.
  const freeOn = (p: Page) =>
    p.locator('.seat-grid [data-state="free"]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seat'))));
  const [a, b] = await Promise.all([freeOn(anna), freeOn(ben)]);
  const both = a.filter((n) => b.includes(n));
  expect(both.length).toBeGreaterThan(0);
  const n = both[Math.floor(Math.random() * both.length)];

  await Promise.all([seat(anna, n).click(), seat(ben, n).click()]);

  const settled = (p: Page) =>
    expect.poll(() => seat(p, n).getAttribute('data-state'), { timeout: 10_000 }).toMatch(/^(mine|held)$/);
  await Promise.all([settled(anna), settled(ben)]);
  const annaWon = (await seat(anna, n).getAttribute('data-state')) === 'mine';
  const [won, lost] = annaWon ? [anna, ben] : [ben, anna];
  expect(await seat(won, n).getAttribute('data-state')).toBe('mine');
  expect(await seat(lost, n).getAttribute('data-state')).toBe('held');

  await expect.poll(() => lost.getByTestId('alert').textContent()).toBe(problemMessage('SEAT_UNAVAILABLE', 'ko'));
  expect(await seat(lost, n).getAttribute('aria-disabled')).toBe('true');
  expect(await lost.locator(`.hold[data-seat="${n}"]`).count()).toBe(0);
  expect(await won.locator(`.hold[data-seat="${n}"]`).count()).toBe(1);
  await shot(lost, '08-race-lost');
  await expectAccessible(lost, '08-race-lost');
});
