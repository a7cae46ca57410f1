// The wallet beside the seat map: the balance, a charge of any amount (the checkout's own
// step charges exactly the shortfall, `chargeFor`), and the statement (folded away, loaded
// whenever it is opened and again after a charge). A charge's Idempotency-Key is kept until
// its outcome is known, so charging again after a lost answer cannot charge twice.

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
  private readonly amount: HTMLInputElement;
  private readonly key = new PendingKey('charge');
  private readonly statement: StatementPanel;

  constructor(
    private readonly app: App,
    private readonly onBalance: () => void = () => {},
  ) {
    const id = 'charge-amount';
    this.amount = h('input', { id, name: 'amount', inputmode: 'numeric', autocomplete: 'off', value: '50,000', required: true });
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
      this.app.say(() => this.app.explain(e), 'error');
    }
  }

  /** The amount the charge form suggests: the checkout's shortfall, when there is one. */
  suggest(amount: number | null): void {
    if (amount !== null && document.activeElement !== this.amount) this.amount.value = formatWon(amount).replace('₩', '');
  }

  /**
   * Charge `amount` as a step of the checkout (`intent` names the step, so that a retry of it
   * reuses the key): the new balance, or null when it failed (and the person was told).
   */
  async chargeFor(amount: number, intent: string): Promise<number | null> {
    return this.send(amount, intent);
  }

  private set(balance: number): void {
    this.balance = balance;
    this.paint();
    this.onBalance();
  }

  private paint(): void {
    setText(this.shown, this.balance === null ? '–' : formatWon(this.balance));
  }

  private async charge(): Promise<void> {
    const amount = parseWon(this.amount.value);
    if (amount === null || amount <= 0) return this.app.say(() => t('amountInvalid'), 'error');
    await this.send(amount, `form:${amount}`);
  }

  private async send(amount: number, intent: string): Promise<number | null> {
    const userId = this.app.session()?.userId;
    if (!userId) return null;
    try {
      const receipt = await this.app.fan.charge(userId, amount, this.key.keyFor(intent));
      this.key.settle();
      this.set(receipt.balance);
      void this.statement.refresh();
      this.app.say(() => t('charged', { amount: formatWon(receipt.charged), balance: formatWon(receipt.balance) }));
      return receipt.balance;
    } catch (e) {
      if (outcomeKnown(e)) this.key.settle();
      this.app.say(() => this.app.explain(e), 'error');
      return null;
    }
  }
}
