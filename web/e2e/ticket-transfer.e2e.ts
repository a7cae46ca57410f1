// Passing a ticket on at face value, and giving it back. Fan B reads their account id off their
// own My tickets screen; fan A, in another browser, buys a seat and transfers the ticket to
// that id (a mistyped id is caught before anything is sent; the dialog says no money moves and
// that A's code stops at once). A's ticket then shows transferred, with no QR code; B's list
// has it, valid, from A, and B's ticket has a QR code. B gives it back: B's side shows it
// transferred, and A's ticket, read again by itself, is valid with a code again. The concert's
// card has a picture that cannot load (this machine's network is closed): the card keeps its
// layout. The operator's form refuses a picture that is not https. On a 390 px phone (the
// operator on a desktop), axe on each new screen and dialog.

import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { shortAccountId } from '../src/domain/transfer';
import { t } from '../src/i18n/messages';
import { DESKTOP, devToken, holdAndPay, joinAndGetAdmitted, launch, openApp, openFirstDate, operatorCall, shot, signIn } from './harness';
import { expectAccessible } from './axe';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DAY = 86_400_000;

/** Nothing sticks out sideways on the phone. */
const fitsThePhone = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= innerWidth);

/** The fan's own account id, as their My tickets screen shows it. */
async function accountIdOf(page: Page): Promise<string> {
  await page.evaluate(() => (location.hash = '#/tickets'));
  const id = page.getByTestId('account-id');
  await id.waitFor();
  return (await id.textContent())!.trim();
}

/** The ticket's status on its screen, or null while it is (re)drawn. */
const ticketStatus = (page: Page) => page.getByTestId('ticket').getAttribute('data-status', { timeout: 1000 }).catch(() => null);

test('a fan passes a ticket on at face value, and the receiver gives it back', async () => {
  const operator = await devToken(true);
  const concertId = `e2e-transfer-${Date.now().toString(36)}`;
  // A show a month ahead: transfers close only hours before it.
  const date = new Date(Date.now() + 30 * DAY).toISOString().slice(0, 10);
  await operatorCall(operator, 'POST', '/operator/concerts', {
    concertId,
    title: '양도 테스트 콘서트',
    venue: 'Transfer Hall, Busan',
    dates: [{ date, seats: 20 }],
    priceTiers: [{ fromSeat: 1, toSeat: 20, price: 77_000 }],
    sale: { opensAt: new Date(Date.now() + 3000).toISOString(), closesAt: new Date(Date.now() + DAY).toISOString() },
    imageUrl: 'https://images.example.invalid/transfer-hall.jpg',
  });

  // Fan B finds the id to give fan A.
  const { page: b } = await openApp(browser);
  await signIn(b, 'fan');
  const bId = await accountIdOf(b);
  expect(bId).toMatch(UUID);
  expect(await b.getByTestId('account-id-card').getByRole('heading', { level: 2 }).textContent()).toBe(t('accountIdTitle', {}, 'ko'));
  expect(await b.getByTestId('copy-account-id').getAttribute('aria-label')).toBe(t('copyAccountIdLabel', {}, 'ko'));
  expect(await fitsThePhone(b)).toBe(true);
  await shot(b, '24-my-account-id');
  await expectAccessible(b, '24-my-account-id');

  // Fan A: the concert's card with its picture, which fails to load and leaves the layout whole.
  const { page: a } = await openApp(browser);
  await signIn(a, 'fan');
  const card = a.locator(`[data-concert="${concertId}"]`);
  const img = card.getByTestId('concert-image');
  await img.waitFor({ state: 'attached' });
  expect(await img.getAttribute('alt')).toBe('');
  expect(await img.getAttribute('loading')).toBe('lazy');
  expect(await img.getAttribute('src')).toBe('https://images.example.invalid/transfer-hall.jpg');
  await card.scrollIntoViewIfNeeded();
  await expect.poll(() => card.locator('.concert-image').isHidden(), { timeout: 15_000, interval: 250 }).toBe(true);
  expect(await card.getByRole('heading', { level: 2 }).isVisible()).toBe(true);
  expect(await fitsThePhone(a)).toBe(true);
  await expectAccessible(a, '02-concerts with a picture');

  // A buys a seat and finds their own id too (to see it named on B's side).
  await expect.poll(() => card.locator('[data-phase]').getAttribute('data-phase'), { timeout: 30_000, interval: 1000 }).toBe('ON_SALE');
  await joinAndGetAdmitted(a, concertId);
  await openFirstDate(a);
  const { n } = await holdAndPay(a);
  await a.getByTestId('view-tickets').click();
  await a.waitForURL(/#\/tickets$/);
  const aId = (await a.getByTestId('account-id').textContent())!.trim();
  expect(aId).toMatch(UUID);
  expect(aId).not.toBe(bId);
  const aCard = a.locator('li.ticket').first();
  await aCard.waitFor();
  const booking = (await aCard.getByTestId('booking-number').textContent())!;
  await aCard.getByTestId('open-ticket').click();
  await a.waitForURL(new RegExp(`#/tickets/${booking}$`));
  await a.getByTestId('ticket-qr').locator('svg').waitFor();

  // The transfer dialog: what happens, then a mistyped id caught in the browser.
  await a.getByTestId('transfer-ticket').click();
  const dialog = a.getByTestId('transfer-dialog');
  await dialog.waitFor();
  expect(await a.getByTestId('transfer-face-value').textContent()).toBe(t('transferFaceValue', {}, 'ko'));
  expect(await a.getByTestId('transfer-code-stops').textContent()).toBe(t('transferCodeStops', {}, 'ko'));
  const to = dialog.getByLabel(t('transferReceiverLabel', {}, 'ko'));
  expect(await to.evaluate((el) => el === document.activeElement)).toBe(true);
  await to.fill(bId.slice(0, -1));
  await a.getByTestId('confirm-transfer').click();
  await expect.poll(() => a.getByTestId('transfer-to-error').textContent()).toBe(t('receiver_invalid', {}, 'ko'));
  expect(await to.getAttribute('aria-invalid')).toBe('true');
  await expectAccessible(a, 'transfer dialog with a mistyped id');
  await to.fill(aId);
  await to.press('Enter');
  await expect.poll(() => a.getByTestId('transfer-to-error').textContent()).toBe(t('receiver_self', {}, 'ko'));
  await to.fill(` ${bId.toUpperCase()} `);
  expect(await a.getByTestId('transfer-to-error').isHidden()).toBe(true);
  expect(await fitsThePhone(a)).toBe(true);
  await shot(a, '25-transfer-dialog');
  await expectAccessible(a, '25-transfer-dialog');
  await a.getByTestId('confirm-transfer').click();

  // A's ticket: transferred, no code any more, and the dialog gone with focus back on the page.
  await expect.poll(() => ticketStatus(a), { timeout: 15_000, interval: 250 }).toBe('TRANSFERRED');
  expect(await dialog.count()).toBe(0);
  expect(await a.getByTestId('ticket-qr').count()).toBe(0);
  expect(await a.getByTestId('transfer-ticket').count()).toBe(0);
  expect(await a.getByTestId('ticket-fate').textContent()).toBe(t('ticketTransferred', {}, 'ko'));
  expect(await a.getByTestId('notice').textContent()).toBe(t('transferDone', { n, to: shortAccountId(bId) }, 'ko'));
  await shot(a, '26-ticket-transferred');
  await expectAccessible(a, '26-ticket-transferred');

  // B's list has it, valid, from A (shortened id); B's ticket has a QR code.
  await b.reload();
  const bCard = b.locator(`li.ticket[data-ticket="${booking}"]`);
  await expect.poll(() => bCard.getAttribute('data-status', { timeout: 1000 }).catch(() => null), { timeout: 15_000, interval: 500 }).toBe('VALID');
  expect(await bCard.textContent()).toContain(t('ticketReceived', { from: shortAccountId(aId) }, 'ko'));
  await bCard.getByTestId('open-ticket').click();
  await b.waitForURL(new RegExp(`#/tickets/${booking}$`));
  await expect.poll(() => b.getByTestId('ticket-code').textContent({ timeout: 1000 }).catch(() => null), { timeout: 10_000 }).toMatch(/^\d{8}$/);
  expect(await b.getByTestId('ticket-qr').locator('svg').count()).toBe(1);
  expect(await b.getByTestId('ticket-fate').textContent()).toBe(t('ticketReceived', { from: shortAccountId(aId) }, 'ko'));
  expect(await b.getByTestId('ticket').textContent()).not.toContain(aId);
  // Refunded to nobody: no refund terms, a sentence saying what the receiver can do instead.
  expect(await b.getByTestId('received-not-refunded').textContent()).toBe(t('receivedNotRefunded', {}, 'ko'));
  expect(await fitsThePhone(b)).toBe(true);
  await shot(b, '27-ticket-received');
  await expectAccessible(b, '27-ticket-received');

  // B gives it back, after a confirmation that says to whom and what happens.
  await b.getByTestId('give-back-ticket').click();
  const back = b.getByTestId('give-back-dialog');
  await back.waitFor();
  expect(await back.textContent()).toContain(t('giveBackWhat', { from: shortAccountId(aId) }, 'ko'));
  expect(await b.getByTestId('confirm-give-back').evaluate((el) => el === document.activeElement)).toBe(true);
  await shot(b, '28-give-back-dialog');
  await expectAccessible(b, '28-give-back-dialog');
  await b.getByTestId('confirm-give-back').click();
  await expect.poll(() => ticketStatus(b), { timeout: 15_000, interval: 250 }).toBe('TRANSFERRED');
  expect(await b.getByTestId('ticket-qr').count()).toBe(0);
  expect(await b.getByTestId('notice').textContent()).toBe(t('givenBack', { n }, 'ko'));
  await expectAccessible(b, 'ticket given back');

  // A's ticket, read again by itself, is valid with a code again.
  await expect.poll(() => ticketStatus(a), { timeout: 40_000, interval: 500 }).toBe('VALID');
  await expect.poll(() => a.getByTestId('ticket-code').textContent({ timeout: 1000 }).catch(() => null), { timeout: 10_000 }).toMatch(/^\d{8}$/);
  expect(await a.getByTestId('transfer-ticket').count()).toBe(1);
  expect(await a.getByTestId('give-back-ticket').count()).toBe(0);
});

test('the operator’s form takes a picture URL only if it is https', async () => {
  const { page: op } = await openApp(browser, undefined, DESKTOP);
  await signIn(op, 'operator');
  await op.evaluate(() => (location.hash = '#/operator/new'));
  const field = op.getByLabel(t('opImageUrl', {}, 'ko'));
  await field.fill('http://cdn.example.com/poster.jpg');
  await field.press('Tab');
  await expect.poll(() => op.getByTestId('image-url-error').textContent()).toBe(t('opImageUrlHttps', {}, 'ko'));
  expect(await field.getAttribute('aria-invalid')).toBe('true');
  await expectAccessible(op, '11-operator-new-concert with a wrong picture URL');
  await field.fill('https://cdn.example.com/poster.jpg');
  await field.press('Tab');
  await expect.poll(() => op.getByTestId('image-url-error').isHidden()).toBe(true);
  expect(await field.getAttribute('aria-invalid')).toBe('false');
});
