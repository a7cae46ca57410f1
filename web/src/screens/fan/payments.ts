// The fan's payments, newest first (GET /users/{userId}/payments), and below them the
// wallet statement (GET /users/{userId}/statement), loaded fresh on every visit.

import type { ScreenFactory } from '../../app';
import { concerts } from '../../fan/concert-info';
import { formatWon } from '../../domain/money';
import { paidSeats, paymentState, shortReference } from '../../domain/paid-seats';
import { formatMoment } from '../../domain/time';
import { lang } from '../../i18n/lang';
import { t } from '../../i18n/messages';
import { h, fill } from '../../ui/dom';
import { loadingText } from '../../ui/widgets';
import { paidSeatsTable } from './paid-seats-table';
import { afterRefund } from './receipt';
import { StatementPanel } from './statement-panel';

export const paymentsScreen: ScreenFactory = (app) => {
  const body = h('div', {}, loadingText());
  const statement = new StatementPanel(app, 'statement-title');
  const node = h(
    'section',
    {},
    h('h1', { tabindex: -1 }, t('paymentsTitle')),
    body,
    h('section', { class: 'card', 'aria-labelledby': 'statement-title', 'data-testid': 'statement' }, h('h2', { id: 'statement-title' }, t('statementTitle')), statement.node),
  );
  const userId = app.session()!.userId;
  void statement.load();
  void Promise.all([app.fan.payments(userId), concerts(app).catch(() => [])]).then(
    ([{ payments, refunds }, all]) => {
      const title = (id: string) => all.find((c) => c.concertId === id)?.title ?? id;
      fill(
        body,
        payments.length === 0
          ? h('p', {}, t('noPayments'))
          : h(
              'ul',
              { class: 'payment-list' },
              payments.map((p) => {
                const seats = paidSeats(p, refunds);
                const state = paymentState(seats);
                return h(
                  'li',
                  { class: 'card', 'data-payment': p.paymentId, 'data-state': state },
                  h('h2', {}, title(p.concertId)),
                  h('p', {}, `${formatMoment(p.paidAt, lang())} · ${t('seatsCount', { n: p.seats.length })} · `, h('strong', {}, formatWon(p.amount))),
                  h('p', { class: `payment-state state-${state}` }, t(`paymentState_${state}`), ` · ${t('paymentRef')} ${shortReference(p.paymentId)}`),
                  paidSeatsTable(app, seats, (r) => afterRefund(app, r)),
                  h('a', { class: 'button', href: `#/receipt/${p.paymentId}`, 'aria-label': t('viewReceiptOf', { ref: shortReference(p.paymentId) }) }, t('viewReceipt')),
                );
              }),
            ),
      );
    },
    (e) => fill(body, h('p', { class: 'error' }, app.explain(e))),
  );
  return { title: t('paymentsTitle'), node };
};
