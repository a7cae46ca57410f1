// The receipt of one payment: what was paid, for which seats, the balance after, and each
// seat paid or refunded, with a refund per paid seat (the fee shown before confirming), and
// the way to the tickets the seats became.

import type { App, ScreenFactory } from '../../app';
import type { Payment, Refund } from '../../api/types';
import { concertById } from '../../fan/concert-info';
import { formatWon } from '../../domain/money';
import { paidSeats, paymentState, refundedTotal, shortReference } from '../../domain/paid-seats';
import { formatMoment } from '../../domain/time';
import { lang } from '../../i18n/lang';
import { t } from '../../i18n/messages';
import { h, fill } from '../../ui/dom';
import { facts, loadingText } from '../../ui/widgets';
import { paidSeatsTable } from './paid-seats-table';

export const receiptScreen: ScreenFactory = (app, { paymentId }) => {
  const body = h('div', {}, loadingText());
  const node = h('section', { class: 'card receipt', 'data-testid': 'receipt' }, h('h1', { tabindex: -1 }, t('receiptTitle')), body);
  void find(app, paymentId).then(
    async (found) => fill(body, found ? await receipt(app, found.payment, found.refunds) : h('p', { class: 'error' }, t('receiptNotFound'))),
    (e) => fill(body, h('p', { class: 'error' }, app.explain(e))),
  );
  return { title: t('receiptTitle'), node };
};

async function find(app: App, paymentId: string): Promise<{ payment: Payment; refunds: Refund[] } | undefined> {
  const userId = app.session()?.userId;
  const listed = userId ? await app.fan.payments(userId) : { payments: [], refunds: [] };
  // Just paid: the list may not have it yet (a view a moment old); this browser kept it.
  const payment = listed.payments.find((p) => p.paymentId === paymentId) ?? app.fanStore().payment(paymentId);
  return payment ? { payment, refunds: listed.refunds } : undefined;
}

/** After a refund: the screen again, with the news kept on it. */
export function afterRefund(app: App, r: Refund): void {
  app.carry(() => t('refunded', { n: r.seatNumber, amount: formatWon(r.refunded), fee: formatWon(r.fee), balance: formatWon(r.balance) }));
  app.go(location.hash.replace(/^#/, '') || '/');
}

async function receipt(app: App, p: Payment, refunds: Refund[]): Promise<(HTMLElement | null)[]> {
  const userId = app.session()!.userId;
  const [concert, tickets] = await Promise.all([concertById(app, p.concertId).catch(() => undefined), app.fan.tickets(userId).catch(() => [])]);
  // The booking number each seat's ticket is known by (none yet for a payment the list does not have).
  const mine = tickets.filter((x) => x.paymentId === p.paymentId).sort((a, b) => a.seatNumber - b.seatNumber);
  const seats = paidSeats(p, refunds);
  const state = paymentState(seats);
  const back = refundedTotal(seats);
  return [
    h('p', { class: 'headline', 'data-testid': 'receipt-state', 'data-state': state }, t(state === 'paid' ? 'receiptThanks' : state === 'refunded' ? 'receiptRefunded' : 'receiptPartlyRefunded')),
    facts([
      [t('concert'), concert ? `${concert.title} (${concert.venue})` : p.concertId],
      [t('paymentRef'), h('span', { title: p.paymentId, 'data-testid': 'payment-ref' }, shortReference(p.paymentId))],
      [t('paidAt'), formatMoment(p.paidAt, lang())],
      [t('amountPaid'), h('strong', { 'data-testid': 'amount-paid' }, formatWon(p.amount))],
      [t('balanceAfter'), formatWon(p.balance)],
      ...(back > 0 ? ([[t('refundedTotal'), h('span', { 'data-testid': 'refunded-total' }, formatWon(back))]] as [string, HTMLElement][]) : []),
      ...(mine.length > 0
        ? ([
            [
              t('bookingNumber'),
              h('ul', { class: 'booking-list', 'data-testid': 'receipt-bookings' }, mine.map((x) => h('li', {}, h('span', { class: 'booking' }, x.bookingNumber), ` · ${t('ticketSeat', { n: x.seatNumber })}`))),
            ],
          ] as [string, HTMLElement][])
        : []),
    ]),
    paidSeatsTable(app, seats, (r) => afterRefund(app, r)),
    state !== 'refunded' ? h('p', { class: 'tickets-note' }, t('receiptTickets')) : null,
    h('p', { class: 'muted' }, t('refundPolicyNote')),
    h('p', { class: 'muted' }, t('buyMoreNote')),
    h(
      'div',
      { class: 'actions' },
      state !== 'refunded' ? h('a', { class: 'button primary', href: '#/tickets', 'data-testid': 'view-tickets' }, t('viewTickets')) : null,
      h('a', { class: state === 'refunded' ? 'button primary' : 'button', href: '#/payments' }, t('navPayments')),
      h('a', { class: 'button', href: '#/' }, t('toConcerts')),
    ),
  ];
}
