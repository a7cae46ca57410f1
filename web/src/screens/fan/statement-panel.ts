// The fan's wallet statement: every charge, payment and refund, newest first, as a table
// (when, what, the signed amount, the balance after), with a button for the older entries
// while there are any. The caller gives the heading (its id labels the table) and says when
// to load; `refresh` loads the newest page again once the statement has been shown.

import type { App } from '../../app';
import { addPage, firstPage, statementRow, type StatementPages } from '../../domain/statement';
import { lang } from '../../i18n/lang';
import { t } from '../../i18n/messages';
import { h, fill } from '../../ui/dom';
import { loadingText, whileBusy } from '../../ui/widgets';

export class StatementPanel {
  readonly node: HTMLElement;
  private shown: StatementPages = { entries: [], next: null };
  private loaded = false;
  /** Bumped by every load of the newest page: an older answer that comes late is dropped. */
  private run = 0;
  private readonly status = h('div', {});
  private readonly rows = h('tbody', {});
  private readonly scroller: HTMLElement;
  private readonly more = h('button', { type: 'button', 'data-testid': 'statement-more', hidden: true }, t('statementMore'));

  constructor(
    private readonly app: App,
    labelledBy: string,
  ) {
    const table = h(
      'table',
      { class: 'statement', 'aria-labelledby': labelledBy },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, t('statementWhen')),
          h('th', { scope: 'col' }, t('statementKind')),
          h('th', { scope: 'col', class: 'num' }, t('statementAmount')),
          h('th', { scope: 'col', class: 'num' }, t('statementBalanceAfter')),
        ),
      ),
      this.rows,
    );
    // Scrolls sideways on a narrow phone if it must; a tab stop so the keyboard can scroll it.
    this.scroller = h('div', { class: 'table-scroll', role: 'region', tabindex: 0, 'aria-labelledby': labelledBy, hidden: true }, table);
    this.more.addEventListener('click', () => {
      const focused = document.activeElement === this.more; // before the busy button is disabled
      void whileBusy(this.more, t('loading'), () => this.older(focused));
    });
    this.node = h('div', { class: 'statement-panel' }, this.status, this.scroller, h('div', { class: 'actions' }, this.more));
  }

  /** The newest page, in place of whatever is shown. */
  async load(): Promise<void> {
    const userId = this.app.session()?.userId;
    if (!userId) return;
    const run = ++this.run;
    if (!this.loaded) fill(this.status, loadingText());
    try {
      const page = await this.app.fan.statement(userId);
      if (run !== this.run) return;
      this.loaded = true;
      this.shown = firstPage(page);
      fill(this.status);
      this.paint();
    } catch (e) {
      if (run !== this.run) return;
      const retry = h('button', { type: 'button' }, t('retry'));
      retry.addEventListener('click', () => void whileBusy(retry, t('loading'), () => this.load()));
      fill(this.status, h('p', { class: 'error' }, this.app.explain(e)), h('div', { class: 'actions' }, retry));
    }
  }

  /** After the balance moved (a charge, a payment, a refund): the newest page again, if shown. */
  async refresh(): Promise<void> {
    if (this.loaded) await this.load();
  }

  private async older(focused: boolean): Promise<void> {
    const userId = this.app.session()?.userId;
    const cursor = this.shown.next;
    if (!userId || cursor === null) return;
    const run = this.run;
    try {
      const page = await this.app.fan.statement(userId, cursor);
      if (run !== this.run) return; // the newest page was loaded again meanwhile
      this.shown = addPage(this.shown, page);
      this.paint();
      if (this.shown.next === null) {
        // The button goes away: keep the keyboard's place on the table, and say why.
        if (focused) this.scroller.focus();
        this.app.say(() => t('statementAllShown'));
      }
    } catch (e) {
      this.app.say(() => this.app.explain(e), 'error');
    }
  }

  private paint(): void {
    const { entries, next } = this.shown;
    this.scroller.hidden = entries.length === 0;
    if (entries.length === 0) fill(this.status, h('p', { class: 'muted' }, t('statementEmpty')));
    fill(
      this.rows,
      entries.map((e) => {
        const r = statementRow(e, lang());
        return h(
          'tr',
          { 'data-seq': r.seq, 'data-kind': r.kind },
          h('td', {}, h('time', { datetime: r.at }, r.when)),
          h('td', {}, r.ticket ? h('a', { href: '#/tickets' }, r.kindLabel) : r.kindLabel),
          h('td', { class: 'num amount', 'data-direction': r.direction }, r.amount),
          h('td', { class: 'num' }, r.balanceAfter),
        );
      }),
    );
    this.more.hidden = next === null;
  }
}
