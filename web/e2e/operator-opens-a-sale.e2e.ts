// (d) An operator creates a concert whose sale opens a few seconds later and watches it
// open; a fan who joined in the pre-queue waits for the draw and is let in; a pause holds
// the next fan in line until the operator resumes (the live view checked by axe in English
// too); closed, its title is edited.

import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { t } from '../src/i18n/messages';
import { DESKTOP, consoleErrors, launch, openApp, shot, signIn } from './harness';
import { expectAccessible } from './axe';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const phaseOf = (page: Page) => page.getByTestId('op-phase').locator('[data-phase]').getAttribute('data-phase');

test('an operator creates a concert, its sale opens on time, and pause holds the line', async () => {
  const { page: op } = await openApp(browser, undefined, DESKTOP);
  await signIn(op, 'operator');
  await op.locator('[data-concert]').first().waitFor();
  await shot(op, '10-operator-concerts');
  await expectAccessible(op, '10-operator-concerts');

  await op.getByTestId('new-concert').click();
  const concertId = `e2e-${Date.now().toString(36)}`;
  await op.getByLabel(t('opConcertId', {}, 'ko')).fill(concertId);
  await op.getByLabel(t('opTitleField', {}, 'ko')).fill('브라우저 테스트 콘서트');
  await op.getByLabel(t('opVenue', {}, 'ko')).fill('Test Hall, Seoul');
  // The line opens now; the sale 20 seconds later (datetime-local, in the page's time zone).
  const [now, opens] = await op.evaluate(() => {
    const local = (d: Date) => {
      const p = (n: number) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
    };
    return [local(new Date()), local(new Date(Date.now() + 20_000))];
  });
  await op.getByLabel(t('opPreQueueAt', {}, 'ko')).fill(now);
  await op.getByLabel(t('opOpensAt', {}, 'ko')).fill(opens);
  await shot(op, '11-operator-new-concert');
  await expectAccessible(op, '11-operator-new-concert');
  // The concert-id pattern compiles (browsers use the `v` flag): no console error, and it checks.
  expect(consoleErrors(op).filter((e) => /pattern/i.test(e))).toEqual([]);
  expect(await op.getByLabel(t('opConcertId', {}, 'ko')).evaluate((el) => (el as HTMLInputElement).checkValidity())).toBe(true);
  await op.getByTestId('create-concert').click();
  await op.waitForURL(new RegExp(`#/operator/concerts/${concertId}$`));
  await expect.poll(() => phaseOf(op)).toBe('PRE_QUEUE');
  await expect.poll(() => op.getByTestId('op-opens-in').textContent()).toMatch(/^오픈까지 00:[0-2]\d$/);

  // A fan joins in the pre-queue: no place until the draw, a countdown to the opening.
  const { page: fan } = await openApp(browser);
  await signIn(fan, 'fan');
  const card = fan.locator(`[data-concert="${concertId}"]`);
  await expect.poll(() => card.locator('[data-phase]').getAttribute('data-phase')).toBe('PRE_QUEUE');
  expect(await card.locator('[role="timer"]').textContent()).toMatch(/^오픈까지 00:([01]\d|20)$/);
  await card.getByTestId('join-line').click();
  await fan.waitForURL(new RegExp(`#/concerts/${concertId}/line$`));
  await expect.poll(() => fan.getByTestId('line-status').textContent()).toBe(t('lineDrawing', {}, 'ko'));
  expect(await fan.getByTestId('line-detail').textContent()).toMatch(/^오픈까지 00:([01]\d|20)$/);
  await shot(fan, '03-line-before-the-draw');
  await expectAccessible(fan, '03-line-before-the-draw');

  // The opening: the phase changes on the operator's screen and the fan is let in.
  await expect.poll(() => phaseOf(op), { timeout: 40_000, interval: 1000 }).toBe('ON_SALE');
  await fan.waitForURL(new RegExp(`#/concerts/${concertId}$`), { timeout: 30_000 });

  // Paused: a new fan waits with a place, and is let in once the operator resumes.
  await op.getByTestId('op-opPause').click();
  await expect.poll(() => phaseOf(op)).toBe('PAUSED');
  const { page: late } = await openApp(browser);
  await signIn(late, 'fan');
  await late.locator(`[data-concert="${concertId}"] [data-testid="join-line"]`).click();
  await late.waitForURL(new RegExp(`#/concerts/${concertId}/line$`));
  // Waiting with a place. (Until the admitter's next tick levels the arrival stripes, its
  // position counts the numbers a lagging stripe has not reached as people ahead: ADR 0009.)
  await expect
    .poll(() => late.getByTestId('line-status').textContent(), { timeout: 10_000 })
    .toMatch(new RegExp(`^(${t('lineFirstPaused', {}, 'ko')}|내 앞에 [0-9]+명)$`));
  // The line's status is cached for a second (CloudFront; the local edge cache) and the
  // screen refreshes every 2 s: the pause shows within a few polls on a busy machine.
  await expect
    .poll(() => late.locator('.line').textContent(), { timeout: 10_000 })
    .toContain(t('linePaused', {}, 'ko'));
  await shot(late, '03-line-waiting-paused');
  await expectAccessible(late, '03-line-waiting-paused');
  await late.waitForTimeout(3000);
  expect(late.url()).toMatch(/\/line$/); // still waiting while paused
  await expect.poll(() => op.getByTestId('op-waiting').textContent(), { timeout: 15_000 }).toBe('1');
  await shot(op, '12-operator-live');
  await expectAccessible(op, '12-operator-live');
  // The live view in English passes axe too; then back to Korean.
  const liveHeading = () => op.locator('section.live h1').textContent();
  await op.getByTestId('switch-language').click();
  await expect.poll(liveHeading).toMatch(new RegExp(` · ${t('opLive', {}, 'en')}$`));
  await expect.poll(() => op.getByTestId('op-waiting').textContent(), { timeout: 15_000 }).toBe('1');
  expect(await op.getByTestId('op-opResume').textContent()).toBe(t('opResume', {}, 'en'));
  await expectAccessible(op, '12-operator-live in English');
  await op.getByTestId('switch-language').click();
  await expect.poll(liveHeading).toMatch(new RegExp(` · ${t('opLive', {}, 'ko')}$`));

  await op.getByTestId('op-opResume').click();
  await expect.poll(() => phaseOf(op)).toBe('ON_SALE');
  await late.waitForURL(new RegExp(`#/concerts/${concertId}$`), { timeout: 20_000 });
  await expect.poll(() => op.getByTestId('op-waiting').textContent(), { timeout: 15_000 }).toBe('0');

  // Closed while a fan waits: their screen stops polling and says the sale is over.
  await op.getByTestId('op-opPause').click();
  await expect.poll(() => phaseOf(op)).toBe('PAUSED');
  const { page: last } = await openApp(browser);
  await signIn(last, 'fan');
  await last.locator(`[data-concert="${concertId}"] [data-testid="join-line"]`).click();
  await expect
    .poll(() => last.getByTestId('line-status').textContent(), { timeout: 10_000 })
    .toMatch(new RegExp(`^(${t('lineFirstPaused', {}, 'ko')}|내 앞에 [0-9]+명)$`));
  op.once('dialog', (d) => void d.accept());
  await op.getByTestId('op-opClose').click();
  await expect.poll(() => phaseOf(op)).toBe('CLOSED');
  expect(await op.locator('#admitPerTick').isDisabled()).toBe(true);
  await expect.poll(() => last.getByTestId('line-status').textContent(), { timeout: 10_000 }).toBe(t('lineClosed', {}, 'ko'));
  expect(await last.getByTestId('line-progress').isHidden()).toBe(true);
  expect(await last.locator('[data-concert]').count()).toBe(0); // still on the line screen

  // Edited after the close: the layout and the opening are locked, the title is not; the new
  // title is on the live view and on the concerts list.
  await op.getByTestId('edit-concert').click();
  await op.waitForURL(new RegExp(`#/operator/concerts/${concertId}/edit$`));
  const title = op.getByLabel(t('opTitleField', {}, 'ko'), { exact: true });
  await expect.poll(() => title.inputValue()).toBe('브라우저 테스트 콘서트');
  expect(await op.getByLabel(t('opOpensAt', {}, 'ko'), { exact: true }).isDisabled()).toBe(true);
  await shot(op, '13-operator-edit');
  await expectAccessible(op, '13-operator-edit');
  await title.fill('브라우저 테스트 콘서트 (수정)');
  await op.getByTestId('save-concert').click();
  await op.waitForURL(new RegExp(`#/operator/concerts/${concertId}$`));
  await expect.poll(() => op.locator('section.live h1').textContent()).toContain('브라우저 테스트 콘서트 (수정)');
  expect(await phaseOf(op)).toBe('CLOSED');
  await op.evaluate(() => (location.hash = '#/operator'));
  await expect.poll(() => op.locator(`[data-concert="${concertId}"] h2`).textContent()).toBe('브라우저 테스트 콘서트 (수정)');
});
