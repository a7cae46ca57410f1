// My tickets (GET /users/{userId}/tickets, joined with GET /concerts for the title and the
// venue): every seat paid for, the ones still to use first, each with its booking number
// (never the reservation's UUID), date, seat, price and status, and the way to its QR code.
// Used, refunded and passed-on tickets are folded below. Under them, the fan's own account
// id with a copy button: what someone passing them a ticket needs (screens/fan/transfer-dialog.ts).

import type { App, ScreenFactory } from '../../app';
import type { ConcertListing, Ticket } from '../../api/types';
import { concerts } from '../../fan/concert-info';
import { formatWon } from '../../domain/money';
import { orderTickets } from '../../domain/tickets';
import { shortAccountId } from '../../domain/transfer';
import { formatDay, formatMoment } from '../../domain/time';
import { gateName } from '../../domain/gate';
import { lang } from '../../i18n/lang';
import { t, ticketStatusName } from '../../i18n/messages';
import { h, fill } from '../../ui/dom';
import { facts, loadingText } from '../../ui/widgets';

export const ticketsScreen: ScreenFactory = (app) => {
  const body = h('div', {}, loadingText());
  const userId = app.session()!.userId;
  void Promise.all([app.fan.tickets(userId), concerts(app).catch(() => [] as ConcertListing[])]).then(
    ([tickets, all]) => {
      const ordered = orderTickets(tickets);
      const valid = ordered.filter((x) => x.status === 'VALID');
      const done = ordered.filter((x) => x.status !== 'VALID');
      const card = (x: Ticket) => ticketCard(x, all.find((c) => c.concertId === x.concertId));
      fill(
        body,
        tickets.length === 0 ? h('p', {}, t('noTickets')) : null,
        valid.length > 0 ? h('ul', { class: 'ticket-list' }, valid.map(card)) : null,
        done.length > 0
          ? h('details', { class: 'ended-sales', 'data-testid': 'used-tickets' }, h('summary', {}, t('ticketsUsed', { n: done.length })), h('ul', { class: 'ticket-list' }, done.map(card)))
          : null,
      );
    },
    (e) => fill(body, h('p', { class: 'error' }, app.explain(e))),
  );
  return { title: t('ticketsTitle'), node: h('section', {}, h('h1', { tabindex: -1 }, t('ticketsTitle')), body, accountIdCard(app, userId)) };
};

/** The fan's account id, to give someone who passes them a ticket, and a button that copies it. */
function accountIdCard(app: App, userId: string): HTMLElement {
  const id = h('code', { class: 'account-id', id: 'account-id', 'data-testid': 'account-id' }, userId);
  const copy = h('button', { type: 'button', 'aria-label': t('copyAccountIdLabel'), 'aria-describedby': 'account-id', 'data-testid': 'copy-account-id' }, t('copyAccountId'));
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(userId);
      app.say(() => t('accountIdCopied'));
    } catch {
      // No clipboard (an insecure origin, a refused permission): the id selected for a manual copy.
      getSelection()?.selectAllChildren(id);
      app.say(() => t('accountIdCopyFailed'), 'error');
    }
  });
  return h(
    'section',
    { class: 'card account-id-card', 'aria-labelledby': 'account-id-title', 'data-testid': 'account-id-card' },
    h('h2', { id: 'account-id-title' }, t('accountIdTitle')),
    h('p', { class: 'muted' }, t('accountIdHelp')),
    h('p', { class: 'account-id-row' }, id, copy),
  );
}

/** A ticket's status as a badge: words, and a class for its colour. */
export function ticketBadge(x: Ticket): HTMLElement {
  return h('span', { class: `ticket-status status-${x.status.toLowerCase()}`, 'data-status': x.status }, ticketStatusName(x.status));
}

/** What became of a used, refunded or passed-on ticket (or where a received one came from), in a sentence. */
export function ticketFate(x: Ticket): string | null {
  if (x.status === 'CHECKED_IN') return t('ticketCheckedIn', { when: formatMoment(x.checkedInAt ?? '', lang()), gate: gateName(x.gate ?? '', lang()) });
  if (x.status === 'VOID') return t('ticketVoid');
  if (x.status === 'TRANSFERRED') return t('ticketTransferred');
  return x.transferredFrom ? t('ticketReceived', { from: shortAccountId(x.transferredFrom) }) : null;
}

function ticketCard(x: Ticket, concert: ConcertListing | undefined): HTMLElement {
  const fate = ticketFate(x);
  return h(
    'li',
    { class: 'card ticket', 'data-ticket': x.bookingNumber, 'data-status': x.status },
    h('h2', {}, concert?.title ?? x.concertId),
    concert ? h('p', { class: 'venue' }, concert.venue) : null,
    facts([
      [t('bookingNumber'), h('span', { class: 'booking', 'data-testid': 'booking-number' }, x.bookingNumber)],
      [t('date'), formatDay(x.date, lang())],
      [t('seat'), t('ticketSeat', { n: x.seatNumber })],
      [t('price'), formatWon(x.price)],
      [t('seatStatus'), ticketBadge(x)],
    ]),
    fate ? h('p', { class: `ticket-fate status-${x.status.toLowerCase()}` }, fate) : null,
    h(
      'a',
      { class: x.status === 'VALID' ? 'button primary' : 'button', href: `#/tickets/${x.bookingNumber}`, 'aria-label': t(x.status === 'VALID' ? 'openTicketOf' : 'viewTicketOf', { booking: x.bookingNumber }), 'data-testid': 'open-ticket' },
      t(x.status === 'VALID' ? 'openTicket' : 'viewTicket'),
    ),
  );
}
