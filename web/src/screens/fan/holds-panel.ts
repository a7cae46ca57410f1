// The fan's holds on this concert: each with a countdown to its end and a cancel button,
// a choice of which to pay, the total, and Pay. A hold that runs out says so on screen and
// leaves the payment. The payment's Idempotency-Key is kept until its outcome is known.

import type { App, Scope } from '../../app';
import type { Reservation } from '../../api/types';
import { PendingKey } from '../../domain/idempotency';
import { formatWon } from '../../domain/money';
import { isLive } from '../../domain/seat-map';
import { formatDay } from '../../domain/time';
import { lang } from '../../i18n/lang';
import { t } from '../../i18n/messages';
import { h, fill, setText } from '../../ui/dom';
import { countdown, whileBusy } from '../../ui/widgets';
import { outcomeKnown } from './wallet-panel';

interface Row {
  hold: Reservation;
  node: HTMLElement;
  include: HTMLInputElement;
  expired: boolean;
}

export class HoldsPanel {
  readonly node: HTMLElement;
  private readonly rows = new Map<string, Row>();
  private readonly list = h('ul', { class: 'holds', 'data-testid': 'holds' });
  private readonly empty = h('p', { class: 'muted' }, t('noHolds'));
  private readonly total = h('strong', { 'data-testid': 'total' });
  private readonly payButton = h('button', { type: 'button', class: 'primary', 'data-testid': 'pay' });
  private readonly key = new PendingKey('pay');

  constructor(
    private readonly app: App,
    private readonly scope: Scope,
    private readonly concertId: string,
    private readonly token: string,
    private readonly hooks: {
      changed: () => void;
      totalChanged: (total: number) => void;
      /** A hold the fan cancelled (its seat is free now, whatever a map says). */
      cancelled: (hold: Reservation) => void;
    },
  ) {
    this.payButton.addEventListener('click', () => void whileBusy(this.payButton, t('paying'), () => this.pay()));
    this.node = h(
      'section',
      { class: 'holds-panel', 'aria-labelledby': 'holds-title' },
      h('h2', { id: 'holds-title' }, t('myHolds')),
      this.empty,
      h('fieldset', {}, h('legend', { class: 'visually-hidden' }, t('payFor')), this.list),
      h('p', {}, `${t('total')}: `, this.total),
      this.payButton,
    );
    this.sync();
  }

  /** Show the store's live holds (new ones appear, others stay as they are). */
  sync(): void {
    const now = Date.now();
    for (const hold of this.app.fanStore().holds(this.concertId)) {
      if (!this.rows.has(hold.reservationId) && isLive(hold, now)) this.add(hold);
    }
    this.refreshTotal();
  }

  /** Focus the cancel button of the hold on `seatNumber` of `date`. */
  focusHold(date: string, seatNumber: number): void {
    for (const row of this.rows.values()) {
      if (row.hold.date === date && row.hold.seatNumber === seatNumber && !row.expired) row.node.querySelector('button')?.focus();
    }
  }

  private add(hold: Reservation): void {
    const n = hold.seatNumber;
    const id = `include-${hold.reservationId}`;
    const include = h('input', { type: 'checkbox', id, checked: true });
    include.addEventListener('change', () => this.refreshTotal());
    const cancel = h('button', { type: 'button', class: 'link', 'aria-label': t('cancelHoldOf', { n }) }, t('cancelHold'));
    const state = h('span', { class: 'hold-state' });
    const node = h(
      'li',
      { class: 'hold', 'data-seat': n, 'data-state': 'held' },
      include,
      h('label', { for: id }, t('holdLine', { date: formatDay(hold.date, lang()), n, price: formatWon(hold.price) })),
      state,
      cancel,
    );
    const row: Row = { hold, node, include, expired: false };
    fill(state, countdown(this.scope, hold.expiresAt, (left) => t('holdEndsIn', { t: left }), () => this.expire(row)));
    cancel.addEventListener('click', () => void whileBusy(cancel, t('loading'), () => this.cancel(row)));
    this.rows.set(hold.reservationId, row);
    this.list.append(node);
  }

  private expire(row: Row): void {
    if (row.expired) return;
    row.expired = true;
    row.node.dataset.state = 'expired';
    row.include.checked = false;
    row.include.disabled = true;
    row.node.querySelector('button')?.remove();
    fill(row.node.querySelector('.hold-state')!, h('span', { class: 'error' }, t('holdExpired')));
    this.app.fanStore().dropHolds([row.hold.reservationId]);
    this.app.say(t('holdExpiredSay', { n: row.hold.seatNumber }), 'error');
    this.refreshTotal();
    this.hooks.changed();
  }

  private async cancel(row: Row): Promise<void> {
    try {
      await this.app.fan.cancel(row.hold.reservationId, this.token);
      this.app.say(t('cancelled', { n: row.hold.seatNumber }));
      this.remove([row.hold.reservationId]);
      this.hooks.cancelled(row.hold);
    } catch (e) {
      this.app.say(this.app.explain(e), 'error');
      if (outcomeKnown(e)) this.remove([row.hold.reservationId]);
    }
    this.hooks.changed();
  }

  private remove(ids: string[]): void {
    this.app.fanStore().dropHolds(ids);
    for (const id of ids) {
      this.rows.get(id)?.node.remove();
      this.rows.delete(id);
    }
    this.refreshTotal();
  }

  private selected(): Reservation[] {
    return [...this.rows.values()].filter((r) => !r.expired && r.include.checked).map((r) => r.hold);
  }

  private refreshTotal(): void {
    const chosen = this.selected();
    const sum = chosen.reduce((s, r) => s + r.price, 0);
    setText(this.total, formatWon(sum));
    setText(this.payButton, t('pay', { amount: formatWon(sum) }));
    this.payButton.disabled = chosen.length === 0;
    this.empty.hidden = [...this.rows.values()].some((r) => !r.expired);
    this.hooks.totalChanged(sum);
  }

  private async pay(): Promise<void> {
    const ids = this.selected().map((r) => r.reservationId);
    if (ids.length === 0) return;
    try {
      const payment = await this.app.fan.pay(ids, this.token, this.key.keyFor([...ids].sort().join(',')));
      this.key.settle();
      const store = this.app.fanStore();
      store.dropHolds(ids);
      store.keepPayment(payment);
      store.leaveLine(this.concertId); // a payment uses the queue token up
      this.app.go(`/receipt/${payment.paymentId}`);
    } catch (e) {
      if (outcomeKnown(e)) this.key.settle();
      this.app.say(this.app.explain(e), 'error');
    }
  }
}
