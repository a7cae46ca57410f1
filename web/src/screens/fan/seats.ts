// One date's seat map, refreshed every few seconds, beside the fan's holds and wallet.
// Pressing a free seat holds it; a seat someone else won shows as taken with the reason.
// "Best available" holds several free seats side by side at once (best-available.ts).

import type { ScreenFactory } from '../../app';
import { ApiProblem } from '../../api/client';
import type { Seat } from '../../api/types';
import { concertById } from '../../fan/concert-info';
import { turnLost } from '../../fan/turn';
import { formatWon } from '../../domain/money';
import { freeCount, isLive, priceTiers, seatMap, type Heard, type SeatCell } from '../../domain/seat-map';
import { DEFAULT_SEAT_LIMIT, bestAvailableRequest, ownedSeats, seatList, togetherChoices } from '../../domain/together';
import { formatCountdown, formatDay, msUntil } from '../../domain/time';
import { lang } from '../../i18n/lang';
import { problemMessage } from '../../i18n/problems';
import { t } from '../../i18n/messages';
import { h, fill, setText } from '../../ui/dom';
import { SeatGrid } from '../../ui/seat-grid';
import { BestAvailable } from './best-available';
import { HoldsPanel } from './holds-panel';
import { SaleWatch } from './sale-watch';
import { SelectionBar } from './selection-bar';
import { noTurn, turnBar } from './turn-bar';
import { WalletPanel } from './wallet-panel';

export const SEAT_REFRESH_MS = 3000;

export const seatsScreen: ScreenFactory = (app, { concertId, date }, scope) => {
  const store = app.fanStore();
  const place = store.place(concertId);
  const heading = h('h1', { tabindex: -1 }, formatDay(date, lang()));
  // The concert's seat limit and the seats the fan owns, once known: how many "best available" offers.
  let seatLimit: number | null = null;
  let owned: number | null = null;
  let offerTogether = () => {};
  void concertById(app, concertId).then((c) => {
    if (!c) return;
    setText(heading, `${c.title} · ${formatDay(date, lang())}`);
    seatLimit = c.seatLimit;
    offerTogether();
  });
  if (!place) {
    const node = h('section', {}, heading, noTurn(app, concertId, problemMessage('TOKEN_MISSING', lang())));
    return { title: t('seatMapTitle'), node };
  }

  const grid = new SeatGrid(t('seatMapTitle'), (cell) => void pick(cell));
  const together = new BestAvailable((count) => findTogether(count));
  offerTogether = () => {
    const held = store.holds(concertId).filter((x) => isLive(x, Date.now())).length;
    together.offer(togetherChoices(seatLimit, held, owned), seatLimit ?? DEFAULT_SEAT_LIMIT);
  };
  offerTogether();
  const userId = app.session()?.userId;
  if (userId) {
    void app.fan.tickets(userId).then(
      (tickets) => {
        owned = ownedSeats(tickets, concertId);
        offerTogether();
      },
      () => {}, // not known: the limit less the holds is offered, and the service has the last word
    );
  }
  const legend = h('ul', { class: 'legend', 'aria-label': t('legend') });
  const free = h('p', { class: 'muted', 'data-testid': 'free-count' });
  let bar: SelectionBar | null = null;
  const wallet = new WalletPanel(app, () => bar?.update());
  const holds = new HoldsPanel(app, scope, concertId, place.token, {
    changed: () => void refresh(),
    selectionChanged: () => bar?.update(),
    cancelled: (hold) => {
      if (hold.date === date) heard.set(hold.seatNumber, { state: 'free', until: Date.now() + SEAT_REFRESH_MS });
    },
  });
  bar = new SelectionBar(app, scope, concertId, place.token, holds, wallet);
  const turn = turnBar(app, scope, concertId);
  const sale = new SaleWatch(app, scope, concertId, () => store.holds(concertId).length > 0, turn);
  const mapSection = h(
    'section',
    { class: 'seat-map', 'aria-labelledby': 'map-title' },
    h('h2', { id: 'map-title' }, t('seatMapTitle')),
    h('p', { class: 'muted', id: 'map-help' }, t('seatMapHelp'), h('span', { class: 'keyboard-hint' }, ' ', t('seatMapKeys'))),
    together.node,
    legend,
    h('div', { class: 'stage', 'aria-hidden': 'true' }, t('stage')),
    grid.node,
    free,
  );
  const layout = h('div', { class: 'seat-layout' }, mapSection, h('aside', { class: 'checkout' }, holds.node, bar.node, wallet.node));
  const node = h('section', { class: 'seats-screen' }, heading, turn, sale.node, layout);

  // What the service just answered about seats (a refusal, a cancel), shown over the map
  // for a refresh's time (`seatMap`); and the last map, to show a hold or a refusal at once.
  const heard = new Map<number, Heard>();
  let seats: Seat[] = [];
  let lastLegend = '';
  const paint = () => {
    const cells = seatMap(seats, date, store.holds(concertId), Date.now(), heard);
    grid.update(cells);
    setText(free, t('seatsFree', { n: freeCount(cells) }));
    offerTogether();
  };
  const refresh = async () => {
    try {
      seats = await app.fan.seats(concertId, date, place.token);
      paint();
      const tiers = priceTiers(seats);
      const key = tiers.map((x) => x.price).join();
      if (key !== lastLegend) {
        lastLegend = key;
        fill(
          legend,
          tiers.map((tier) => h('li', {}, h('span', { class: 'swatch', 'data-tier': tier.rank, style: `--tier:${tier.colour}` }), formatWon(tier.price))),
          (['free', 'held', 'sold', 'mine'] as const).map((s) => h('li', {}, h('span', { class: `seat mini`, 'data-state': s, 'aria-hidden': 'true' }), t(`legend_${s}`))),
        );
      }
    } catch (e) {
      if (turnLost(app, concertId, e)) {
        scope.dispose();
        fill(layout, noTurn(app, concertId, app.explain(e)));
      } else app.say(() => app.explain(e), 'error');
    }
  };

  const pick = async (cell: SeatCell) => {
    if (cell.state === 'mine') return holds.focusHold(date, cell.seatNumber);
    if (cell.state !== 'free') return app.say(() => t('seatTaken', { n: cell.seatNumber }), 'error');
    if (!sale.takesHolds()) return app.say(() => t('saleNoNewHolds'), 'error');
    try {
      const hold = await app.fan.hold(concertId, date, cell.seatNumber, place.token);
      store.keepHold(hold);
      holds.sync();
      paint();
      app.say(() => t('heldSeat', { n: hold.seatNumber, t: formatCountdown(msUntil(hold.expiresAt, Date.now()), lang()) }));
    } catch (e) {
      if (e instanceof ApiProblem && e.code === 'SEAT_UNAVAILABLE') {
        heard.set(cell.seatNumber, { state: 'held', until: Date.now() + SEAT_REFRESH_MS });
        paint();
        app.say(() => app.explain(e), 'error');
      }
      else if (turnLost(app, concertId, e)) return void refresh();
      else app.say(() => app.explain(e), 'error');
    }
    await refresh();
  };

  // Best available: `count` free seats side by side, all or none; each hold joins the
  // selection as a single hold does.
  const findTogether = async (count: number) => {
    if (!sale.takesHolds()) return app.say(() => t('saleNoNewHolds'), 'error');
    try {
      const held = await app.fan.holdTogether(bestAvailableRequest(concertId, date, count), place.token);
      store.keepHolds(held);
      holds.sync();
      paint();
      const first = Math.min(...held.map((r) => Date.parse(r.expiresAt)));
      const ends = () => formatCountdown(first - Date.now(), lang());
      if (held.length === 1) app.say(() => t('heldSeat', { n: held[0].seatNumber, t: ends() }));
      else if (held.length > 1) app.say(() => t('heldTogether', { seats: seatList(held.map((r) => r.seatNumber), lang()), t: ends() }));
    } catch (e) {
      if (turnLost(app, concertId, e)) return void refresh();
      app.say(() => app.explain(e), 'error');
    }
    await refresh();
  };

  void wallet.load();
  scope.every(SEAT_REFRESH_MS, refresh);
  return { title: t('seatMapTitle'), node };
};
