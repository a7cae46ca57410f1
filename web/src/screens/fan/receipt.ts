// The receipt of one payment: what was paid, for which seats, and the balance after.

import type { App, ScreenFactory } from '../../app';
import type { Payment } from '../../api/types';
import { concertById } from '../../fan/concert-info';
import { formatWon } from '../../domain/money';
import { formatDay, formatMoment } from '../../domain/time';
import { lang } from '../../i18n/lang';
import { t } from '../../i18n/messages';
import { h, fill } from '../../ui/dom';
import { facts, loadingText } from '../../ui/widgets';

export const receiptScreen: ScreenFactory = (app, { paymentId }) => {
  const body = h('div', {}, loadingText());
  const node = h('section', { class: 'card receipt', 'data-testid': 'receipt' }, h('h1', { tabindex: -1 }, t('receiptTitle')), body);
  void find(app, paymentId).then(
    async (p) => fill(body, p ? await receipt(app, p) : h('p', { class: 'error' }, t('receiptNotFound'))),
    (e) => fill(body, h('p', { class: 'error' }, app.explain(e))),
  );
  return { title: t('receiptTitle'), node };
};

async function find(app: App, paymentId: string): Promise<Payment | undefined> {
  const here = app.fanStore().payment(paymentId);
  if (here) return here;
  const userId = app.session()?.userId;
  return userId ? (await app.fan.payments(userId)).find((p) => p.paymentId === paymentId) : undefined;
}

export function seatTable(p: Payment): HTMLElement {
  return h(
    'table',
    { class: 'seats-paid' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('date')), h('th', { scope: 'col' }, t('seat')), h('th', { scope: 'col', class: 'num' }, t('price')))),
    h(
      'tbody',
      {},
      p.seats.map((s) => h('tr', {}, h('td', {}, formatDay(s.date, lang())), h('td', {}, String(s.seatNumber)), h('td', { class: 'num' }, formatWon(s.price)))),
    ),
  );
}

async function receipt(app: App, p: Payment): Promise<HTMLElement[]> {
  const concert = await concertById(app, p.concertId).catch(() => undefined);
  return [
    h('p', { class: 'headline', role: 'status' }, t('receiptThanks')),
    facts([
      [t('concert'), concert ? `${concert.title} (${concert.venue})` : p.concertId],
      [t('paymentId'), h('code', {}, p.paymentId)],
      [t('paidAt'), formatMoment(p.paidAt, lang())],
      [t('amountPaid'), h('strong', { 'data-testid': 'amount-paid' }, formatWon(p.amount))],
      [t('balanceAfter'), formatWon(p.balance)],
    ]),
    seatTable(p),
    h('p', { class: 'muted' }, t('buyMoreNote')),
    h(
      'div',
      { class: 'actions' },
      h('a', { class: 'button primary', href: '#/payments' }, t('navPayments')),
      h('a', { class: 'button', href: '#/' }, t('toConcerts')),
    ),
  ];
}
