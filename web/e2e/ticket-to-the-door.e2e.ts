// From payment to the door: a fan buys a seat of a show on today's date (UTC: the doors take
// a ticket only on its day, give or take 12 hours), opens the ticket and sees its code turn
// over with the step; a member of the gate staff, in another browser, names the gate once,
// enters the QR code's text by hand and reads "admitted", enters it again and reads "already
// checked in" with the time and the gate, then shows the camera (a canvas standing in for
// it) the QR code as drawn on the fan's phone and reads the same. The fan's ticket then says
// checked in, and the operator's live view counts it once at gate 3. With the network down
// a scan is kept and answered once it is back. On a 390 px phone (the operator on a desktop),
// axe on each new screen.

import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { formatWon } from '../src/domain/money';
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

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;
const BOOKING = /^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/;

/** Today's UTC date, or tomorrow's in the last 10 minutes of the UTC day (the doors open 12 h before a day). */
function showDate(now = Date.now()): string {
  const day = new Date(now).toISOString().slice(0, 10);
  const endOfDay = Date.parse(`${day}T00:00:00Z`) + 86_400_000;
  return endOfDay - now < 600_000 ? new Date(endOfDay).toISOString().slice(0, 10) : day;
}

/** Nothing sticks out sideways on the phone. */
const fitsThePhone = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= innerWidth);

test('a fan’s ticket code turns over, and the gate admits it once', async () => {
  const operator = await devToken(true);
  const concertId = `e2e-door-${Date.now().toString(36)}`;
  const date = showDate();
  await operatorCall(operator, 'POST', '/operator/concerts', {
    concertId,
    title: '입장 테스트 콘서트',
    venue: 'Gate Hall, Seoul',
    dates: [{ date, seats: 20 }],
    priceTiers: [{ fromSeat: 1, toSeat: 20, price: 55_000 }],
    sale: { opensAt: new Date(Date.now() + 3000).toISOString(), closesAt: new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString() },
  });

  // The fan buys a seat.
  const { page: fan } = await openApp(browser);
  await signIn(fan, 'fan');
  const card = fan.locator(`[data-concert="${concertId}"]`);
  await expect.poll(() => card.locator('[data-phase]').getAttribute('data-phase'), { timeout: 30_000, interval: 1000 }).toBe('ON_SALE');
  await joinAndGetAdmitted(fan, concertId);
  await openFirstDate(fan);
  const { n, price } = await holdAndPay(fan);

  // From the receipt to my tickets: the booking number, never the UUID.
  await fan.getByTestId('view-tickets').click();
  await fan.waitForURL(/#\/tickets$/);
  const ticketCard = fan.locator('li.ticket').first();
  await ticketCard.waitFor();
  expect(await ticketCard.getAttribute('data-status')).toBe('VALID');
  const booking = (await ticketCard.getByTestId('booking-number').textContent())!;
  expect(booking).toMatch(BOOKING);
  const cardText = (await ticketCard.textContent())!;
  expect(cardText).toContain('입장 테스트 콘서트');
  expect(cardText).toContain('Gate Hall, Seoul');
  expect(cardText).toContain(t('ticketSeat', { n }, 'ko'));
  expect(cardText).toContain(formatWon(price));
  expect(cardText).toContain(t('ticketStatus_VALID', {}, 'ko'));
  // No reservation or payment id on screen; the one UUID shown is the fan's own account id, for receiving tickets.
  expect(await fan.locator('main').evaluate((el) => el.textContent!.replace(el.querySelector('[data-testid="account-id"]')?.textContent ?? '', ''))).not.toMatch(UUID);
  expect(await fitsThePhone(fan)).toBe(true);
  await shot(fan, '17-my-tickets');
  await expectAccessible(fan, '17-my-tickets');

  // The ticket: a QR code of TK1.<reservation>.<8 digits>, the digits as text, a countdown.
  await ticketCard.getByTestId('open-ticket').click();
  await fan.waitForURL(new RegExp(`#/tickets/${booking}$`));
  const digits = fan.getByTestId('ticket-code');
  await expect.poll(() => digits.textContent()).toMatch(/^\d{8}$/);
  const qr = fan.getByTestId('ticket-qr').locator('svg');
  const payload = () => qr.getAttribute('data-payload');
  const first = (await digits.textContent())!;
  expect(await payload()).toMatch(new RegExp(`^TK1\\.${UUID.source}\\.${first}$`));
  expect(await qr.getAttribute('aria-label')).toBe(t('ticketQrLabel', { booking }, 'ko'));
  expect(await fan.getByTestId('code-timer').textContent()).toMatch(/^([1-9]|10)초 후 새 코드$/);
  expect(await fan.locator('.screenshot-note').textContent()).toBe(t('ticketScreenshotNote', {}, 'ko'));
  // The calendar file: an all-day event on the show's date; and the refund terms in force.
  const ics = decodeURIComponent((await fan.getByTestId('add-to-calendar').getAttribute('href'))!.replace(/^data:text\/calendar;charset=utf-8,/, ''));
  expect(ics).toContain(`DTSTART;VALUE=DATE:${date.replace(/-/g, '')}\r\n`);
  expect(ics).toContain('SUMMARY:입장 테스트 콘서트\r\n');
  expect(await fan.getByTestId('add-to-calendar').getAttribute('download')).toBe(`ticket-${booking}.ics`);
  expect(await fan.getByTestId('refund-terms').locator('tbody tr').last().textContent()).toContain(t('refundTermsNone', {}, 'ko'));
  expect(await fitsThePhone(fan)).toBe(true);
  await shot(fan, '18-ticket-qr');
  await expectAccessible(fan, '18-ticket-qr');
  // The code turns over at the next step (10 s), and the QR code with it.
  await expect.poll(() => digits.textContent(), { timeout: 25_000, interval: 500 }).not.toBe(first);
  expect(await payload()).toMatch(new RegExp(`\\.${(await digits.textContent())!}$`));
  expect(await payload()).not.toContain(first);

  // The gate staff, in another browser: a camera that shows whatever the test holds up to it.
  const { context: gateContext, page: gate } = await openApp(browser);
  await gateContext.addInitScript(() => {
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 480;
    const ctx = canvas.getContext('2d')!;
    let held: HTMLImageElement | null = null;
    setInterval(() => {
      ctx.fillStyle = held ? '#fff' : '#777';
      ctx.fillRect(0, 0, 480, 480);
      if (held) ctx.drawImage(held, 40, 40, 400, 400);
    }, 50);
    (window as unknown as { holdUp: (svg: string) => Promise<void> }).holdUp = async (svg) => {
      const img = new Image();
      img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
      await img.decode();
      held = img;
    };
    navigator.mediaDevices.getUserMedia = async () => canvas.captureStream(10);
  });
  await gate.reload();
  await gate.getByRole('heading', { level: 1, name: t('signInTitle', {}, 'ko') }).waitFor();
  await signIn(gate, 'staff');
  expect(await gate.locator('header .who').textContent()).toContain(t('signedInAsStaff', {}, 'ko'));
  // The gate is named once.
  await gate.getByTestId('gate-form').waitFor();
  await shot(gate, '19-gate-choose');
  await expectAccessible(gate, '19-gate-choose');
  await gate.getByLabel(t('gateNameLabel', {}, 'ko')).fill('3');
  await gate.keyboard.press('Enter');
  await expect.poll(() => gate.getByTestId('gate-current').textContent()).toBe(t('gateCurrent', { gate: '3번 게이트' }, 'ko'));
  expect(await gate.evaluate(() => localStorage.getItem('ticketing.gate'))).toBe('3');
  // The field for the first code has the focus: a keyboard scanner types straight into it.
  expect(await gate.evaluate(() => document.activeElement?.id)).toBe('scan-code');

  // The QR code as drawn on the fan's phone now, kept for the camera below (a copy goes stale,
  // but a ticket already in is refused as such before its code is looked at).
  const shown = (await payload())!;
  const reservationId = shown.split('.')[1];
  const drawn = await qr.evaluate((el) => {
    const copy = el.cloneNode(true) as SVGElement;
    copy.setAttribute('width', '400');
    copy.setAttribute('height', '400');
    return new XMLSerializer().serializeToString(copy);
  });

  // Entered by hand (as a keyboard scanner types it): admitted, with the seat and the booking number.
  const result = gate.getByTestId('scan-result');
  const code = gate.getByLabel(t('manualLabel', {}, 'ko'));
  await code.fill(shown);
  await code.press('Enter');
  await expect.poll(() => result.getAttribute('data-verdict'), { timeout: 10_000 }).toBe('admitted');
  expect(await result.getAttribute('aria-live')).toBe('assertive');
  expect(await result.getByTestId('verdict').textContent()).toContain(t('scanAdmitted', {}, 'ko'));
  expect(await result.textContent()).toContain(`${n}번 좌석`);
  expect(await result.textContent()).toContain(t('scanBooking', { booking }, 'ko'));
  expect(await gate.getByTestId('admitted-count').textContent()).toBe(t('gateAdmittedCount', { n: 1 }, 'ko'));
  // The field is empty and focused again, ready for the next ticket.
  expect(await code.inputValue()).toBe('');
  expect(await code.evaluate((el) => el === document.activeElement)).toBe(true);
  expect(await fitsThePhone(gate)).toBe(true);
  await shot(gate, '20-gate-admitted');
  await expectAccessible(gate, '20-gate-admitted');

  // Again, typed by hand as staff read it off the fan's screen (the booking number and the
  // 8 digits under the QR code): refused, already in, when and at which gate.
  const now = await fan.evaluate(() => document.querySelector('[data-testid="ticket-qr"] svg')?.getAttribute('data-payload') ?? null);
  await code.fill(`${booking} ${(now ?? shown).split('.')[2]}`);
  await code.press('Enter');
  await expect.poll(() => result.getAttribute('data-verdict'), { timeout: 10_000 }).toBe('refused');
  expect(await result.getByTestId('verdict').textContent()).toContain(t('scanRefused', {}, 'ko'));
  expect(await result.locator('.verdict-lines').first().textContent()).toMatch(/^이미 \d\d:\d\d에 3번 게이트에서 입장$/);
  await shot(gate, '21-gate-already-checked-in');
  await expectAccessible(gate, '21-gate-already-checked-in');

  // The camera: the QR code held up to it is read, sent once, and refused the same way.
  await gate.getByTestId('camera-toggle').click();
  await expect.poll(() => gate.getByTestId('camera-toggle').textContent(), { timeout: 10_000 }).toBe(t('cameraStop', {}, 'ko'));
  await gate.evaluate((svg) => (window as unknown as { holdUp: (svg: string) => Promise<void> }).holdUp(svg), drawn);
  await expect.poll(() => result.getAttribute('data-answers'), { timeout: 10_000 }).toBe('3');
  expect(await result.getAttribute('data-verdict')).toBe('refused');
  expect(await result.locator('.verdict-lines').first().textContent()).toMatch(/^이미 \d\d:\d\d에 3번 게이트에서 입장$/);
  await expectAccessible(gate, 'gate with the camera on');
  await gate.getByTestId('camera-toggle').click();
  expect(await gate.getByTestId('camera').isHidden()).toBe(true);

  // In English, the refusal says the same.
  await gate.getByTestId('switch-language').click();
  await gate.getByRole('heading', { level: 1, name: 'Gate check-in' }).waitFor();
  await gate.getByLabel(t('manualLabel', {}, 'en')).fill(`TK1.${reservationId}.00000000`);
  await gate.keyboard.press('Enter');
  await expect.poll(() => result.locator('.verdict-lines').first().textContent(), { timeout: 10_000 }).toMatch(/^Already checked in at \d\d:\d\d at gate 3$/);

  // The fan's ticket, read again, now says checked in (no code any more).
  await expect.poll(() => fan.getByTestId('ticket').getAttribute('data-status'), { timeout: 25_000, interval: 1000 }).toBe('CHECKED_IN');
  expect(await fan.getByTestId('ticket-fate').textContent()).toMatch(/3번 게이트에서 입장했습니다\.$/);
  expect(await fan.getByTestId('ticket-qr').count()).toBe(0);
  await shot(fan, '22-ticket-checked-in');
  await expectAccessible(fan, '22-ticket-checked-in');

  // The operator's live view counts the ticket once, at gate 3.
  const { page: op } = await openApp(browser, undefined, DESKTOP);
  await signIn(op, 'operator');
  await op.evaluate((id) => (location.hash = `#/operator/concerts/${id}`), concertId);
  await expect.poll(() => op.getByTestId('op-checked-in').textContent({ timeout: 1000 }).catch(() => null), { timeout: 10_000 }).toBe('1');
  expect(await op.locator('[data-testid="op-doors"] tr[data-gate="3"] td').allTextContents()).toEqual(['3번 게이트', '1']);
  await expectAccessible(op, '12-operator-live with the doors');

  // The network drops: the scan is kept, its verdict pending; back online, it is sent with
  // the time it was made and its answer is listed.
  await gate.getByTestId('switch-language').click();
  await gate.getByRole('heading', { level: 1, name: t('gateTitle', {}, 'ko') }).waitFor();
  await gateContext.setOffline(true);
  const field = gate.getByLabel(t('manualLabel', {}, 'ko'));
  await field.fill(`TK1.${reservationId}.00000000`);
  await field.press('Enter');
  await expect.poll(() => result.getAttribute('data-verdict'), { timeout: 10_000 }).toBe('pending');
  expect(await result.getByTestId('verdict').textContent()).toContain(t('scanPending', {}, 'ko'));
  expect(await gate.getByTestId('pending-count').textContent()).toBe(t('pendingCount', { n: 1 }, 'ko'));
  await shot(gate, '23-gate-offline-pending');
  await expectAccessible(gate, '23-gate-offline-pending');
  await gateContext.setOffline(false);
  const later = gate.getByTestId('later-list').locator('li').first();
  await expect.poll(() => later.getAttribute('data-verdict', { timeout: 500 }).catch(() => null), { timeout: 15_000, interval: 500 }).toBe('refused');
  expect(await later.textContent()).toMatch(/\(3번 게이트\): 입장 불가\. 이미 \d\d:\d\d에 3번 게이트에서 입장$/);
  expect(await gate.getByTestId('pending-count').isHidden()).toBe(true);
  expect(await gate.evaluate(() => localStorage.getItem('ticketing.gate.pending'))).toBe('[]');
});
