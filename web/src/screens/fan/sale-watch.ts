// The sale's phase as it changes, on the screens of a fan who is in (dates, seat map): read
// from the public concert list (GET /concerts, every few seconds) and said in words with
// what it means for their holds (domain/sale-state.ts). Once the sale has ended, the turn's
// countdown is hidden: what counts then is each hold's own time.

import type { App, Scope } from '../../app';
import type { SalePhase } from '../../api/types';
import { admittedSaleNote, takesHolds, turnCounts } from '../../domain/sale-state';
import { concerts } from '../../fan/concert-info';
import { t, type MessageKey } from '../../i18n/messages';
import { h, setText } from '../../ui/dom';

export const SALE_WATCH_MS = 3000;

export class SaleWatch {
  readonly node = h('p', { class: 'sale-note', role: 'status', 'data-testid': 'sale-state', hidden: true });
  private phase: SalePhase | null = null;

  constructor(
    private readonly app: App,
    scope: Scope,
    private readonly concertId: string,
    private readonly holdsSeats: () => boolean,
    private readonly turn: HTMLElement | null = null,
  ) {
    scope.every(SALE_WATCH_MS, () => this.poll());
  }

  /** Whether a new hold may be asked for (false once the sale has closed or sold out). */
  takesHolds(): boolean {
    return this.phase === null || takesHolds(this.phase);
  }

  private async poll(): Promise<void> {
    try {
      const c = (await concerts(this.app, SALE_WATCH_MS - 500)).find((x) => x.concertId === this.concertId);
      if (c) this.show(c.phase);
    } catch {
      // The list is public and cached; a missed read is tried again at the next tick.
    }
  }

  private show(phase: SalePhase): void {
    this.phase = phase;
    const note = admittedSaleNote(phase, this.holdsSeats());
    const key: MessageKey | null =
      note.kind === 'paused'
        ? 'salePausedAdmitted'
        : note.kind === 'closed'
          ? note.holdsPayable
            ? 'saleClosedHolds'
            : 'saleClosedNoHolds'
          : note.kind === 'sold-out'
            ? note.holdsPayable
              ? 'saleSoldOutHolds'
              : 'saleSoldOut'
            : null;
    this.node.hidden = key === null;
    this.node.dataset.phase = phase;
    this.node.dataset.kind = note.kind;
    setText(this.node, key ? t(key) : '');
    if (this.turn) this.turn.hidden = !turnCounts(phase);
  }
}
