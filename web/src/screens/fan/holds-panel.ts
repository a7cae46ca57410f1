// The fan's holds on this concert: each with a countdown to its end and a cancel button,
// and a choice of which to pay (the selection bar, selection-bar.ts, pays them). A hold that
// runs out says so on screen and leaves the payment.

import type { App, Scope } from '../../app';
import type { Reservation } from '../../api/types';
import { formatWon } from '../../domain/money';
import { isLive } from '../../domain/seat-map';
import { formatDay } from '../../domain/time';
import { lang } from '../../i18n/lang';
import { t } from '../../i18n/messages';
import { h, fill } from '../../ui/dom';
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

  constructor(
    private readonly app: App,
    private readonly scope: Scope,
    private readonly concertId: string,
    private readonly token: string,
    private readonly hooks: {
      changed: () => void;
      /** The holds chosen for the payment changed (one added, dropped, ticked or run out). */
      selectionChanged: () => void;
      /** A hold the fan cancelled (its seat is free now, whatever a map says). */
      cancelled: (hold: Reservation) => void;
    },
  ) {
    this.node = h(
      'section',
      { class: 'holds-panel', 'aria-labelledby': 'holds-title' },
      h('h2', { id: 'holds-title' }, t('myHolds')),
      this.empty,
      h('fieldset', {}, h('legend', { class: 'visually-hidden' }, t('payFor')), this.list),
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
    this.app.say(() => t('holdExpiredSay', { n: row.hold.seatNumber }), 'error');
    this.refreshTotal();
    this.hooks.changed();
  }

  private async cancel(row: Row): Promise<void> {
    try {
      await this.app.fan.cancel(row.hold.reservationId, this.token);
      this.app.say(() => t('cancelled', { n: row.hold.seatNumber }));
      this.remove([row.hold.reservationId]);
      this.hooks.cancelled(row.hold);
    } catch (e) {
      this.app.say(() => this.app.explain(e), 'error');
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

  /** The live holds ticked for the payment. */
  selected(): Reservation[] {
    return [...this.rows.values()].filter((r) => !r.expired && r.include.checked).map((r) => r.hold);
  }

  /** Paid: the holds leave the list and the store. */
  paid(ids: string[]): void {
    this.remove(ids);
  }

  private refreshTotal(): void {
    this.empty.hidden = [...this.rows.values()].some((r) => !r.expired);
    this.hooks.selectionChanged();
  }
}
