// One ticket, to show at the door. While it is VALID: its QR code, drawn again every step
// (10 s) from the code derived here from the ticket's secret and the clock (domain/
// ticket-code.ts), with the 8 digits as text, a countdown to the next code and a note that a
// screenshot stops working. Checked in: when and at which gate; refunded: so. Then the
// booking number, concert, venue, date, seat and price, an .ics file for one's calendar and
// the refund terms in force. The ticket is read again now and then, so a check-in at the
// gate shows here by itself.

import { Scope, type ScreenFactory } from '../../app';
import type { ConcertListing, Ticket } from '../../api/types';
import { concertById } from '../../fan/concert-info';
import { icsFor, icsHref } from '../../domain/calendar';
import { formatWon } from '../../domain/money';
import { TicketCoder, msToNextStep, qrPayload, stepAt } from '../../domain/ticket-code';
import { calendarFileName, ticketByBookingNumber, ticketEvent } from '../../domain/tickets';
import { formatDay } from '../../domain/time';
import { lang } from '../../i18n/lang';
import { t } from '../../i18n/messages';
import { h, fill, setText } from '../../ui/dom';
import { qrSvg } from '../../ui/qr';
import { facts, loadingText } from '../../ui/widgets';
import { refundTermsSection } from './refund-terms';
import { ticketBadge, ticketFate } from './tickets';

/** How often an open ticket is read again (to see a check-in or a refund made elsewhere). */
const RECHECK_MS = 15_000;

export const ticketScreen: ScreenFactory = (app, { bookingNumber }, scope) => {
  const body = h('div', {}, loadingText());
  const node = h('section', { class: 'ticket-screen' }, h('h1', { tabindex: -1 }, t('ticketTitle')), body);
  let shown: Ticket['status'] | null = null;
  // The code's timer, dropped when the ticket is drawn again or the screen is left.
  let view: Scope | null = null;
  scope.onDispose(() => view?.dispose());

  const load = async () => {
    try {
      const found = ticketByBookingNumber(await app.fan.tickets(app.session()!.userId), bookingNumber);
      if (!found) return fill(body, h('p', { class: 'error' }, t('ticketNotFound')));
      if (found.status === shown) return;
      shown = found.status;
      const concert = await concertById(app, found.concertId).catch(() => undefined);
      view?.dispose();
      view = new Scope();
      fill(body, ...ticketView(found, concert, view));
    } catch (e) {
      if (shown === null) fill(body, h('p', { class: 'error' }, app.explain(e)));
    }
  };
  scope.every(RECHECK_MS, load);
  return { title: t('ticketTitle'), node };
};

function ticketView(x: Ticket, concert: ConcertListing | undefined, scope: Scope): HTMLElement[] {
  const fate = ticketFate(x);
  const ics = icsFor(ticketEvent(x, concert, lang(), Date.now()));
  return [
    h('div', { class: 'card ticket-pass', 'data-testid': 'ticket', 'data-status': x.status },
      h('h2', {}, concert?.title ?? x.concertId),
      concert ? h('p', { class: 'venue' }, concert.venue) : null,
      x.status === 'VALID' && x.secret ? rotatingCode(x, x.secret, scope) : null,
      fate ? h('p', { class: `ticket-fate big status-${x.status.toLowerCase()}`, 'data-testid': 'ticket-fate' }, fate) : null,
      facts([
        [t('bookingNumber'), h('strong', { class: 'booking', 'data-testid': 'booking-number' }, x.bookingNumber)],
        [t('date'), formatDay(x.date, lang())],
        [t('seat'), t('ticketSeat', { n: x.seatNumber })],
        [t('price'), formatWon(x.price)],
        [t('seatStatus'), ticketBadge(x)],
      ]),
      h(
        'div',
        { class: 'actions' },
        h('a', { class: 'button', href: icsHref(ics), download: calendarFileName(x), 'data-testid': 'add-to-calendar' }, t('addToCalendar')),
        h('a', { class: 'button', href: '#/tickets' }, t('toTickets')),
      ),
    ),
    x.status === 'VALID' ? refundTermsSection(concert?.refundPolicy, x.date) : null,
  ].filter((e): e is HTMLElement => e !== null);
}

/** The QR code and its 8 digits, drawn again at each step, and the seconds to the next code. */
function rotatingCode(x: Ticket, secret: string, scope: Scope): HTMLElement {
  const qr = h('div', { class: 'qr-frame', 'data-testid': 'ticket-qr' });
  const digits = h('strong', { class: 'ticket-code', 'data-testid': 'ticket-code' });
  const timer = h('p', { class: 'code-timer', role: 'timer', 'data-testid': 'code-timer' });
  const node = h(
    'figure',
    { class: 'rotating-code' },
    qr,
    h('figcaption', {}, h('span', { class: 'muted' }, `${t('ticketCode')} `), digits, timer, h('span', { class: 'screenshot-note' }, t('ticketScreenshotNote'))),
  );
  let coder: TicketCoder;
  try {
    coder = new TicketCoder(secret);
  } catch {
    return h('p', { class: 'error' }, t('ticketCodeFailed'));
  }
  let drawn = -1;
  const tick = async () => {
    const now = Date.now();
    const step = stepAt(now, x.codeStepSeconds);
    setText(timer, t('ticketNextCode', { s: Math.ceil(msToNextStep(now, x.codeStepSeconds) / 1000) }));
    if (step === drawn) return;
    try {
      const code = await coder.codeAt(step);
      const payload = qrPayload(x.reservationId, code);
      drawn = step;
      const image = qrSvg(payload, t('ticketQrLabel', { booking: x.bookingNumber }));
      image.setAttribute('data-payload', payload);
      image.setAttribute('data-step', String(step));
      fill(qr, image);
      setText(digits, code);
    } catch {
      fill(qr, h('p', { class: 'error' }, t('ticketCodeFailed')));
    }
  };
  // Twice a second: a new step shows within half a second of its start.
  scope.every(500, tick);
  return node;
}
