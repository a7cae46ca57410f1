// The wallet beside the seat map: the balance, a charge, and the statement (folded away,
// loaded whenever it is opened and again after a charge). A charge's Idempotency-Key is
// kept until its outcome is known, so pressing Charge again after a lost answer cannot
// charge twice.

import type { App } from '../../app';
import { ApiProblem } from '../../api/client';
import { PendingKey } from '../../domain/idempotency';
import { formatWon, parseWon } from '../../domain/money';
import { t } from '../../i18n/messages';
import { h, setText } from '../../ui/dom';
import { whileBusy } from '../../ui/widgets';
import { StatementPanel } from './statement-panel';

/** Whether a failed request's outcome is known to be "nothing happened" (a new key next time). */
export function outcomeKnown(e: unknown): boolean {
  return e instanceof ApiProblem && e.status >= 400 && e.status < 500;
}

export class WalletPanel {
  readonly node: HTMLElement;
  balance: number | null = null;
  private readonly shown = h('strong', { 'data-testid': 'balance' }, '–');
  private readonly shortfall = h('p', { class: 'muted', 'data-testid': 'shortfall' });
  private readonly amount: HTMLInputElement;
  private readonly key = new PendingKey('charge');
  private readonly statement: StatementPanel;
  private needed = 0;

  constructor(
    private readonly app: App,
    private readonly onBalance: () => void = () => {},
  ) {
    const id = 'charge-amount';
    this.amount = h('input', { id, name: 'amount', inputmode: 'numeric', autocomplete: 'off', value: '500000', required: true });
    const button = h('button', { type: 'submit', 'data-testid': 'charge' }, t('charge'));
    const form = h(
      'form',
      { class: 'charge-form' },
      h('label', { for: id }, t('chargeAmount')),
      h('div', { class: 'inline' }, this.amount, button),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void whileBusy(button, t('charging'), () => this.charge());
    });
    this.statement = new StatementPanel(app, 'wallet-statement-title');
    const statement = h(
      'details',
      { class: 'statement-details', 'data-testid': 'statement' },
      h('summary', { id: 'wallet-statement-title' }, t('statementTitle')),
      this.statement.node,
    );
    statement.addEventListener('toggle', () => {
      if (statement.open) void this.statement.load();
    });
    this.node = h('section', { class: 'wallet', 'aria-labelledby': 'wallet-title' },
      h('h2', { id: 'wallet-title' }, t('wallet')),
      h('p', {}, `${t('balance')}: `, this.shown),
      this.shortfall,
      form,
      statement,
    );
  }

  async load(): Promise<void> {
    const userId = this.app.session()?.userId;
    if (!userId) return;
    try {
      this.set((await this.app.fan.balance(userId)).balance);
    } catch (e) {
      this.app.say(this.app.explain(e), 'error');
    }
  }

  /** What the selected holds cost: shows how much is missing. */
  need(total: number): void {
    this.needed = total;
    this.paint();
  }

  private set(balance: number): void {
    this.balance = balance;
    this.paint();
    this.onBalance();
  }

  private paint(): void {
    setText(this.shown, this.balance === null ? '–' : formatWon(this.balance));
    const short = this.balance === null ? 0 : this.needed - this.balance;
    setText(this.shortfall, short > 0 ? t('shortBy', { amount: formatWon(short) }) : '');
  }

  private async charge(): Promise<void> {
    const amount = parseWon(this.amount.value);
    const userId = this.app.session()?.userId;
    if (amount === null || !userId) return this.app.say(t('amountInvalid'), 'error');
    try {
      const receipt = await this.app.fan.charge(userId, amount, this.key.keyFor(String(amount)));
      this.key.settle();
      this.set(receipt.balance);
      void this.statement.refresh();
      this.app.say(t('charged', { amount: formatWon(receipt.charged), balance: formatWon(receipt.balance) }));
    } catch (e) {
      if (outcomeKnown(e)) this.key.settle();
      this.app.say(this.app.explain(e), 'error');
    }
  }
}
