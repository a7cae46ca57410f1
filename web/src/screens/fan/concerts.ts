// The concerts, each with its venue, dates and prices (when the listing gives them), its sale
// phase and a live countdown to its opening, and the way into its line. Ended sales are
// folded away below. Refreshed every few seconds in place (focus stays put) so a phase
// change shows without a reload. A concert with a picture (an https `imageUrl`) shows it
// above its title: decorative (empty alt, the title says what it is), in a fixed 16:9 frame so
// the card keeps its size while it loads, lazily, and a picture that fails leaves the frame out.

import type { App, ScreenFactory } from '../../app';
import type { ConcertListing as Concert } from '../../api/types';
import { concerts, joinable } from '../../fan/concert-info';
import { joinLine } from '../../fan/turn';
import { lang } from '../../i18n/lang';
import { t } from '../../i18n/messages';
import { datesSummary, priceRange, splitEnded } from '../../domain/discovery';
import { cardImage } from '../../domain/image-url';
import { formatCountdown, formatMoment, msUntil } from '../../domain/time';
import { h, fill, setText } from '../../ui/dom';
import { isBusy, loadingText, phaseBadge, whileBusy } from '../../ui/widgets';

export const concertsScreen: ScreenFactory = (app, _params, scope) => {
  const list = h('ul', { class: 'concert-list', 'aria-live': 'off' });
  const endedList = h('ul', { class: 'concert-list ended', 'aria-live': 'off' });
  const endedCount = h('span', {});
  const ended = h('details', { class: 'ended-sales', 'data-testid': 'ended-sales', hidden: true }, h('summary', {}, endedCount), endedList);
  const cards = new Map<string, ConcertCard>();
  const status = h('div', {}, loadingText());

  const refresh = async () => {
    try {
      const all = await concerts(app, 0);
      const { current, ended: over } = splitEnded(all, Date.now());
      fill(status, current.length === 0 ? h('p', {}, t('noConcerts')) : null);
      const place = (c: Concert, into: HTMLElement) => {
        let card = cards.get(c.concertId);
        if (!card) {
          card = new ConcertCard(app, c);
          cards.set(c.concertId, card);
        }
        if (card.node.parentElement !== into) into.append(card.node);
        card.update(c);
      };
      current.forEach((c) => place(c, list));
      over.forEach((c) => place(c, endedList));
      ended.hidden = over.length === 0;
      setText(endedCount, t('endedSales', { n: over.length }));
    } catch (e) {
      fill(status, h('p', { class: 'error' }, app.explain(e)));
    }
  };
  scope.every(5000, refresh);
  // The countdowns run every second; a card whose moment came asks for fresh phases.
  scope.every(1000, () => {
    let due = false;
    for (const card of cards.values()) due = card.tick() || due;
    if (due) void refresh();
  }, false);

  return { title: t('concertsTitle'), node: h('section', {}, h('h1', { tabindex: -1 }, t('concertsTitle')), status, list, ended) };
};

class ConcertCard {
  readonly node: HTMLElement;
  private concert: Concert;
  private readonly badge = h('span', {});
  private readonly clock = h('p', { class: 'countdown', role: 'timer' });
  private readonly window = h('p', { class: 'muted' });
  private readonly details = h('div', { class: 'concert-details' });
  private readonly picture = h('div', { class: 'concert-image', hidden: true });
  private imageUrl: string | null = null;
  private readonly join: HTMLButtonElement;
  private lastPhaseDue = false;

  constructor(
    private readonly app: App,
    concert: Concert,
  ) {
    this.concert = concert;
    this.join = h('button', { type: 'button', class: 'primary', 'data-testid': 'join-line' });
    this.join.addEventListener('click', () => void this.joinLine());
    this.node = h(
      'li',
      { class: 'card concert', 'data-concert': concert.concertId },
      this.picture,
      h('h2', {}, concert.title),
      h('p', { class: 'venue' }, concert.venue),
      this.details,
      h('p', {}, h('span', { class: 'visually-hidden' }, `${t('phaseLabel')}: `), this.badge),
      this.clock,
      this.window,
      h('div', { class: 'actions' }, this.join),
    );
  }

  update(c: Concert): void {
    this.concert = c;
    this.lastPhaseDue = false;
    fill(this.badge, phaseBadge(c.phase));
    this.showImage(cardImage(c.imageUrl));
    const dates = datesSummary(c.dates, lang());
    const prices = priceRange(c.prices);
    fill(
      this.details,
      dates
        ? h('p', { 'data-testid': 'concert-dates' }, `${t('concertDates')}: ${dates.shown.join(', ')}`, dates.more > 0 ? ` ${t('andMore', { n: dates.more })}` : '')
        : null,
      prices ? h('p', { 'data-testid': 'concert-prices' }, `${t('concertPrices')}: ${prices}`) : null,
      h('p', { class: 'muted' }, t('seatLimitNote', { n: c.seatLimit })),
    );
    setText(
      this.window,
      `${t('opensAt', { when: formatMoment(c.opensAt, lang()) })} · ${t('closesAt', { when: formatMoment(c.closesAt, lang()) })}`,
    );
    const place = this.app.fanStore().place(c.concertId);
    // While joining (a proof of work can take seconds) the button keeps its busy words.
    if (!isBusy(this.join)) {
      setText(this.join, place ? t('backToLine') : t('joinLine'));
      this.join.setAttribute('aria-label', place ? t('backToLine') : t('joinLineFor', { title: c.title }));
    }
    this.join.disabled = !place && !joinable(c);
    this.tick();
  }

  /** The card's picture: drawn again only when its URL changes; one that fails to load is left out. */
  private showImage(url: string | null): void {
    if (url === this.imageUrl) return;
    this.imageUrl = url;
    this.picture.hidden = url === null;
    if (url === null) return fill(this.picture);
    const img = h('img', { src: url, alt: '', loading: 'lazy', decoding: 'async', width: 640, height: 360, 'data-testid': 'concert-image' });
    img.addEventListener('error', () => {
      if (this.imageUrl === url) this.picture.hidden = true;
    });
    fill(this.picture, img);
  }

  /** Updates the countdown; true when a moment that changes the phase has just come. */
  tick(): boolean {
    const c = this.concert;
    const now = Date.now();
    const toOpen = msUntil(c.opensAt, now);
    const toLine = msUntil(c.preQueueAt, now);
    if (c.phase === 'SCHEDULED' && toLine > 0) setText(this.clock, t('preQueueOpensIn', { t: formatCountdown(toLine, lang()) }));
    else if (toOpen > 0) setText(this.clock, t('opensIn', { t: formatCountdown(toOpen, lang()) }));
    else setText(this.clock, ''); // open: the sale window below says when it opened
    this.clock.hidden = this.clock.textContent === '';
    const due =
      (c.phase === 'SCHEDULED' && toLine <= 0) || (c.phase === 'PRE_QUEUE' && toOpen <= 0) || (msUntil(c.closesAt, now) <= 0 && c.phase !== 'CLOSED');
    const fresh = due && !this.lastPhaseDue;
    this.lastPhaseDue = due;
    return fresh;
  }

  private async joinLine(): Promise<void> {
    const id = this.concert.concertId;
    if (this.app.fanStore().place(id)) return this.app.go(`/concerts/${id}/line`);
    // Busy, its name is the words it shows (whileBusy sets the label with the title aside).
    try {
      await whileBusy(this.join, t('loading'), () => joinLine(this.app, id));
    } finally {
      this.update(this.concert);
    }
  }
}
