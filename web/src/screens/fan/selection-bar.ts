// The selection bar: the seats chosen, their total, the time left on the hold that ends
// first, and the one action that finishes the purchase. It stays on screen (fixed to the
// bottom on a phone), so that after tapping a seat the fan sees what to do without
// scrolling. With a balance short of the total the action is one step, "charge the
// shortfall and pay", for exactly the amount missing; Pay alone is not offered then. Each
// step's Idempotency-Key is kept until its outcome is known, so a press after a lost answer
// repeats the same charge and the same payment, never a second one.

import type { App, Scope } from '../../app';
import type { Reservation } from '../../api/types';
import { chargeIntent, checkoutStep, paymentIntent, suggestedCharge, type CheckoutStep } from '../../domain/checkout';
import { PendingKey } from '../../domain/idempotency';
import { formatWon } from '../../domain/money';
import { formatCountdown, msUntil } from '../../domain/time';
import { lang } from '../../i18n/lang';
import { t } from '../../i18n/messages';
import { h, setText } from '../../ui/dom';
import { isUnavailable, whileBusy } from '../../ui/widgets';
import type { HoldsPanel } from './holds-panel';
import type { WalletPanel } from './wallet-panel';
import { outcomeKnown } from './wallet-panel';

export class SelectionBar {
  readonly node: HTMLElement;
  private readonly summary = h('p', { class: 'selection-summary', 'data-testid': 'selection' });
  private readonly total = h('strong', { 'data-testid': 'total' });
  private readonly timer = h('span', { class: 'countdown', role: 'timer', 'data-testid': 'selection-timer' });
  private readonly shortfall = h('p', { class: 'shortfall', 'data-testid': 'shortfall' });
  private readonly action = h('button', { type: 'button', class: 'primary', 'data-testid': 'pay' });
  private readonly payKey = new PendingKey('pay');
  private step: CheckoutStep = { kind: 'nothing' };
  private chosen: Reservation[] = [];

  constructor(
    private readonly app: App,
    scope: Scope,
    private readonly concertId: string,
    private readonly token: string,
    private readonly holds: HoldsPanel,
    private readonly wallet: WalletPanel,
  ) {
    this.action.addEventListener('click', () => {
      if (isUnavailable(this.action)) return;
      void whileBusy(this.action, t(this.step.kind === 'charge-and-pay' ? 'chargingAndPaying' : 'paying'), () => this.finish());
    });
    this.node = h(
      'section',
      { class: 'selection-bar', 'aria-label': t('selectionLabel'), 'data-testid': 'selection-bar' },
      h('div', { class: 'selection-facts' }, this.summary, h('p', {}, `${t('total')}: `, this.total, ' ', this.timer)),
      this.shortfall,
      this.action,
    );
    this.update();
    scope.every(1000, () => this.tick(), false);
  }

  /** The holds chosen or the balance changed: what to offer now. */
  update(): void {
    this.chosen = this.holds.selected();
    const total = this.chosen.reduce((s, r) => s + r.price, 0);
    this.step = checkoutStep(total, this.wallet.balance);
    this.node.dataset.step = this.step.kind;
    this.node.hidden = this.chosen.length === 0;
    setText(this.summary, t('selectionSeats', { n: this.chosen.length, seats: this.chosen.map((r) => r.seatNumber).join(', ') }));
    setText(this.total, formatWon(total));
    const s = this.step;
    setText(
      this.shortfall,
      s.kind === 'charge-and-pay'
        ? t('shortfallExplained', { balance: formatWon(s.balance), shortfall: formatWon(s.shortfall) })
        : s.kind === 'too-short'
          ? t('shortfallTooMuch', { shortfall: formatWon(s.shortfall) })
          : '',
    );
    this.shortfall.hidden = s.kind !== 'charge-and-pay' && s.kind !== 'too-short';
    if (this.action.getAttribute('aria-busy') !== 'true') {
      setText(
        this.action,
        s.kind === 'charge-and-pay' ? t('chargeAndPay', { shortfall: formatWon(s.shortfall), total: formatWon(s.total) }) : t('pay', { amount: formatWon(total) }),
      );
      const offered = s.kind === 'pay' || s.kind === 'charge-and-pay';
      if (offered) this.action.removeAttribute('aria-disabled');
      else this.action.setAttribute('aria-disabled', 'true');
    }
    this.wallet.suggest(suggestedCharge(s));
    this.tick();
  }

  private tick(): void {
    const first = Math.min(...this.chosen.map((r) => Date.parse(r.expiresAt)));
    setText(this.timer, Number.isFinite(first) ? t('selectionEndsIn', { t: formatCountdown(msUntil(new Date(first).toISOString(), Date.now()), lang()) }) : '');
  }

  private async finish(): Promise<void> {
    const s = this.step;
    const ids = this.chosen.map((r) => r.reservationId);
    if (ids.length === 0 || (s.kind !== 'pay' && s.kind !== 'charge-and-pay')) return;
    if (s.kind === 'charge-and-pay') {
      const balance = await this.wallet.chargeFor(s.shortfall, chargeIntent(s.shortfall, ids));
      this.update();
      if (balance === null || balance < s.total) return;
    }
    try {
      const payment = await this.app.fan.pay(ids, this.token, this.payKey.keyFor(paymentIntent(ids)));
      this.payKey.settle();
      const store = this.app.fanStore();
      this.holds.paid(ids);
      store.keepPayment(payment);
      store.leaveLine(this.concertId); // a payment uses the queue token up
      this.app.go(`/receipt/${payment.paymentId}`);
    } catch (e) {
      if (outcomeKnown(e)) this.payKey.settle();
      this.app.say(() => this.app.explain(e), 'error');
      void this.wallet.load();
    }
  }
}
