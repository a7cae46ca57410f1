// "Best available" on the seat map: how many seats side by side (a labelled <select> of the
// counts the fan may still hold, domain/together.ts) and one button that asks the service to
// find and hold them, all or none. What it answered is said by the seat screen (seats.ts)
// through the app's live regions, as a single hold's answer is. At the account's limit the
// form gives way to a sentence saying so.

import { t } from '../../i18n/messages';
import { h, fill, setText } from '../../ui/dom';
import { isUnavailable, whileBusy } from '../../ui/widgets';
import { chosenCount } from '../../domain/together';

export class BestAvailable {
  readonly node: HTMLElement;
  private readonly count = h('select', { id: 'together-count', name: 'count', 'data-testid': 'together-count' });
  private readonly button = h('button', { type: 'submit', class: 'primary', 'data-testid': 'find-together' }, t('findTogether'));
  private readonly controls: HTMLElement;
  private readonly full = h('p', { class: 'muted', 'data-testid': 'together-full', hidden: true });
  private offered = '';

  constructor(find: (count: number) => Promise<void>) {
    this.controls = h(
      'div',
      { class: 'inline-form' },
      h('div', { class: 'field' }, h('label', { for: 'together-count' }, t('bestAvailableCount')), this.count),
      this.button,
    );
    const form = h(
      'form',
      { class: 'best-available', 'aria-labelledby': 'together-title', 'aria-describedby': 'together-help', 'data-testid': 'best-available' },
      h('h3', { id: 'together-title' }, t('bestAvailable')),
      h('p', { class: 'muted', id: 'together-help' }, t('bestAvailableHelp')),
      this.controls,
      this.full,
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const n = Number(this.count.value);
      if (isUnavailable(this.button) || !Number.isInteger(n) || n < 1) return;
      void whileBusy(this.button, t('findingTogether'), () => find(n));
    });
    this.node = form;
  }

  /** Offer these counts (1 upward); none: the account is at its `limit`, said in words. */
  offer(choices: number[], limit: number): void {
    const key = choices.join();
    if (key !== this.offered || this.count.options.length !== choices.length) {
      const before = this.count.value ? Number(this.count.value) : null;
      const chosen = chosenCount(choices, before);
      this.offered = key;
      fill(this.count, choices.map((n) => h('option', { value: n }, String(n))));
      if (chosen !== null) this.count.value = String(chosen);
    }
    const none = choices.length === 0;
    this.controls.hidden = none;
    this.full.hidden = !none;
    setText(this.full, none ? t('bestAvailableFull', { n: limit }) : '');
  }
}
