// A payment's seats as a table: the date, the seat, the price, and whether it is paid or
// refunded (with what came back); a paid seat has its refund button, which opens the
// dialog that shows the fee first (refund-dialog.ts).

import type { App } from '../../app';
import type { Refund } from '../../api/types';
import type { PaidSeatView } from '../../domain/paid-seats';
import { formatWon } from '../../domain/money';
import { formatDay } from '../../domain/time';
import { lang } from '../../i18n/lang';
import { t } from '../../i18n/messages';
import { h } from '../../ui/dom';
import { openRefundDialog } from './refund-dialog';

/** `refunded` runs after a refund made here; without it the table offers no refund. */
export function paidSeatsTable(app: App, seats: PaidSeatView[], refunded?: (r: Refund) => void): HTMLElement {
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: 'seats-paid' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, t('date')),
          h('th', { scope: 'col' }, t('seat')),
          h('th', { scope: 'col', class: 'num' }, t('price')),
          h('th', { scope: 'col' }, t('seatStatus')),
          refunded ? h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, t('seatAction'))) : null,
        ),
      ),
      h(
        'tbody',
        {},
        seats.map(({ seat, refund }) => {
          const button = h('button', { type: 'button', class: 'link', 'data-testid': 'refund', 'aria-label': t('refundSeat', { n: seat.seatNumber }) }, t('refund'));
          button.addEventListener('click', () => openRefundDialog(app, seat, button, (r) => refunded?.(r)));
          return h(
            'tr',
            { 'data-seat': seat.seatNumber, 'data-state': refund ? 'refunded' : 'paid' },
            h('td', {}, formatDay(seat.date, lang())),
            h('td', {}, String(seat.seatNumber)),
            h('td', { class: 'num' }, formatWon(seat.price)),
            h(
              'td',
              { 'data-testid': 'seat-status' },
              refund ? t('seatRefunded', { amount: formatWon(refund.refunded), fee: formatWon(refund.fee) }) : t('seatPaid'),
            ),
            refunded ? h('td', {}, refund ? null : button) : null,
          );
        }),
      ),
    ),
  );
}
