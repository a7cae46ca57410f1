// Admitted: the concert's dates with the seats each has left, the way to each date's map.

import type { ScreenFactory } from '../../app';
import { concertById } from '../../fan/concert-info';
import { turnLost } from '../../fan/turn';
import { formatDay } from '../../domain/time';
import { lang } from '../../i18n/lang';
import { problemMessage } from '../../i18n/problems';
import { t } from '../../i18n/messages';
import { h, fill, setText } from '../../ui/dom';
import { loadingText } from '../../ui/widgets';
import { SaleWatch } from './sale-watch';
import { noTurn, turnBar } from './turn-bar';

export const datesScreen: ScreenFactory = (app, { concertId }, scope) => {
  const place = app.fanStore().place(concertId);
  const heading = h('h1', { tabindex: -1 }, t('datesTitle'));
  const body = h('div', {}, loadingText());
  const turn = place ? turnBar(app, scope, concertId) : null;
  const sale = place ? new SaleWatch(app, scope, concertId, () => app.fanStore().holds(concertId).length > 0, turn) : null;
  const node = h('section', {}, heading, turn, sale?.node, body);
  void concertById(app, concertId).then((c) => c && setText(heading, `${c.title}: ${t('datesTitle')}`));
  if (!place) {
    fill(body, noTurn(app, concertId, problemMessage('TOKEN_MISSING', lang())));
    return { title: t('datesTitle'), node };
  }

  const list = h('ul', { class: 'date-list' });
  const left = new Map<string, HTMLElement>();
  scope.every(5000, async () => {
    try {
      const dates = await app.fan.dates(concertId, place.token);
      if (left.size === 0) fill(body, list);
      for (const d of dates) {
        let count = left.get(d.date);
        if (!count) {
          count = h('p', { 'data-testid': 'seats-left' });
          left.set(d.date, count);
          const day = formatDay(d.date, lang());
          list.append(
            h(
              'li',
              { class: 'card date', 'data-date': d.date },
              h('h2', {}, day),
              count,
              h('a', { class: 'button primary', href: `#/concerts/${concertId}/dates/${d.date}`, 'aria-label': t('chooseSeatsOn', { date: day }) }, t('chooseSeats')),
            ),
          );
        }
        setText(count, t('seatsLeft', { n: d.availableSeats, total: d.totalSeats }));
      }
    } catch (e) {
      if (turnLost(app, concertId, e)) {
        scope.dispose();
        fill(body, noTurn(app, concertId, app.explain(e)));
      } else app.say(() => app.explain(e), 'error');
    }
  });
  return { title: t('datesTitle'), node };
};
