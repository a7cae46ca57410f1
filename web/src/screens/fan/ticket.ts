// One ticket, to show at the door. While it is VALID: its QR code, drawn again every step
// (10 s) from the code derived here from the ticket's secret and the clock (domain/
// ticket-code.ts), with the 8 digits as text, a countdown to the next code and a note that a
// screenshot stops working. Checked in: when and at which gate; refunded: so. Then the
// booking number, concert, venue, date, seat and price, an .ics file for one's calendar and
// the refund terms in force. While VALID it can be passed on at face value (transfer), and
// one passed to the fan can be given back to its sender (screens/fan/transfer-dialog.ts).
// The ticket is read again now and then, so a check-in at the gate (or a ticket given back
// by its receiver) shows here by itself.

import { Scope, type App, type ScreenFactory } from '../../app';
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
import { openGiveBackDialog, openTransferDialog } from './transfer-dialog';
import { shortAccountId } from '../../domain/transfer';

/** How often an open ticket is read again (to see a check-in or a refund made elsewhere). */
const RECHECK_MS = 15_000;

export const ticketScreen: ScreenFactory = (app, { bookingNumber }, scope) => {
  const body = h('div', {}, loadingText());
  const heading = h('h1', { tabindex: -1 }, t('ticketTitle'));
  const node = h('section', { class: 'ticket-screen' }, heading, body);
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
      fill(body, ...ticketView(app, found, concert, view, moved));
    } catch (e) {
      if (shown === null) fill(body, h('p', { class: 'error' }, app.explain(e)));
    }
  };
  // After a transfer or a give-back: say so, and draw the ticket as it is now.
  // The button that opened the dialog is gone with the redraw: focus goes to the heading.
  const moved = (said: () => string) => {
    app.say(said);
    shown = null;
    void load().then(() => heading.focus());
  };
  scope.every(RECHECK_MS, load);
  return { title: t('ticketTitle'), node };
};

function ticketView(app: App, x: Ticket, concert: ConcertListing | undefined, scope: Scope, moved: (said: () => string) => void): HTMLElement[] {
  const fate = ticketFate(x);
  const transfer = h('button', { type: 'button', 'data-testid': 'transfer-ticket' }, t('transferAction'));
  transfer.addEventListener('click', () =>
    openTransferDialog(app, x, transfer, (m) => moved(() => t('transferDone', { n: m.seatNumber, to: shortAccountId(m.holder) }))),
  );
  const giveBack = h('button', { type: 'button', 'data-testid': 'give-back-ticket' }, t('giveBack'));
  giveBack.addEventListener('click', () => openGiveBackDialog(app, x, giveBack, (m) => moved(() => t('givenBack', { n: m.seatNumber }))));
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
        x.status === 'VALID' ? transfer : null,
        x.status === 'VALID' && x.transferredFrom ? giveBack : null,
        h('a', { class: 'button', href: '#/tickets' }, t('toTickets')),
      ),
    ),
    // A ticket passed to the fan is refunded to nobody (TRANSFERRED_TICKET): no terms to show.
    x.status === 'VALID' && x.transferredFrom
      ? h('p', { class: 'muted', 'data-testid': 'received-not-refunded' }, t('receivedNotRefunded'))
      : x.status === 'VALID'
        ? refundTermsSection(concert?.refundPolicy, x.date)
        : null,
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
