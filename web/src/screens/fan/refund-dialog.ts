// Giving a paid seat back: a dialog that first asks the API what a refund now would keep
// (the fee, by the concert's schedule) and give back, shows both, and refunds only when the
// fan confirms. The refund's Idempotency-Key is kept until its outcome is known, so a
// confirm pressed again after a lost answer cannot refund twice.

import type { App } from '../../app';
import type { PaidSeat, Refund } from '../../api/types';
import { PendingKey } from '../../domain/idempotency';
import { quoteView } from '../../domain/paid-seats';
import { formatDay } from '../../domain/time';
import { lang } from '../../i18n/lang';
import { t } from '../../i18n/messages';
import { fill, h } from '../../ui/dom';
import { facts, loadingText, whileBusy } from '../../ui/widgets';
import { outcomeKnown } from './wallet-panel';

const keys = new PendingKey('refund');

/** Open the dialog for `seat`; `done` runs after a refund. Focus returns to `opener` on close. */
export function openRefundDialog(app: App, seat: PaidSeat, opener: HTMLElement, done: (refund: Refund) => void): void {
  const body = h('div', { 'data-testid': 'refund-quote' }, loadingText());
  const close = h('button', { type: 'button', 'data-testid': 'refund-close' }, t('close'));
  const confirm = h('button', { type: 'button', class: 'primary danger', 'data-testid': 'confirm-refund', hidden: true });
  const dialog = h(
    'dialog',
    { class: 'refund-dialog', 'aria-labelledby': 'refund-title', 'data-testid': 'refund-dialog' },
    h('h2', { id: 'refund-title' }, t('refundTitle', { n: seat.seatNumber, date: formatDay(seat.date, lang()) })),
    body,
    h('div', { class: 'actions' }, confirm, close),
  );
  const finish = () => {
    dialog.close();
    dialog.remove();
    opener.focus();
  };
  close.addEventListener('click', finish);
  dialog.addEventListener('cancel', (e) => {
    e.preventDefault();
    finish();
  });
  document.body.append(dialog);
  dialog.showModal();

  void app.fan.refundQuote(seat.reservationId).then(
    (quote) => {
      const v = quoteView(quote);
      fill(
        body,
        facts([
          [t('refundPrice'), v.price],
          [t('refundFee'), h('span', { 'data-testid': 'refund-fee' }, v.free ? t('refundFeeFree') : t('refundFeeOf', { fee: v.fee, percent: v.feePercent }))],
          [t('refundAmount'), h('strong', { 'data-testid': 'refund-amount' }, v.refund)],
        ]),
        h('p', {}, t('refundWhatHappens')),
      );
      confirm.textContent = t('refundConfirm', { amount: v.refund });
      confirm.hidden = false;
      confirm.focus();
    },
    (e) => fill(body, h('p', { class: 'error', role: 'alert' }, app.explain(e))),
  );

  confirm.addEventListener('click', () =>
    void whileBusy(confirm, t('refunding'), async () => {
      try {
        const refund = await app.fan.refund(seat.reservationId, keys.keyFor(seat.reservationId));
        keys.settle();
        finish();
        done(refund);
      } catch (e) {
        if (outcomeKnown(e)) keys.settle();
        fill(body, h('p', { class: 'error', role: 'alert' }, app.explain(e)));
        confirm.hidden = true;
        close.focus();
      }
    }),
  );
}
