// Operator: every concert with its phase, the way to its live view, and to a new one.

import type { ScreenFactory } from '../../app';
import { concerts } from '../../fan/concert-info';
import { formatMoment } from '../../domain/time';
import { lang } from '../../i18n/lang';
import { t } from '../../i18n/messages';
import { h, fill } from '../../ui/dom';
import { loadingText, phaseBadge } from '../../ui/widgets';

export const operatorConcertsScreen: ScreenFactory = (app) => {
  const body = h('div', {}, loadingText());
  const node = h(
    'section',
    {},
    h('h1', { tabindex: -1 }, t('opTitle')),
    h(
      'div',
      { class: 'actions' },
      h('a', { class: 'button primary', href: '#/operator/new', 'data-testid': 'new-concert' }, t('opNew')),
      h('a', { class: 'button', href: '#/operator/venues', 'data-testid': 'op-venues' }, t('opVenues')),
    ),
    body,
  );
  void concerts(app, 0).then(
    (all) =>
      fill(
        body,
        h(
          'ul',
          { class: 'concert-list' },
          all.map((c) =>
            h(
              'li',
              { class: 'card', 'data-concert': c.concertId },
              h('h2', {}, c.title),
              h('p', {}, phaseBadge(c.phase), ' ', c.venue),
              h('p', { class: 'muted' }, t('opensAt', { when: formatMoment(c.opensAt, lang()) })),
              h('a', { class: 'button', href: `#/operator/concerts/${c.concertId}` }, t('opWatch')),
            ),
          ),
        ),
      ),
    (e) => fill(body, h('p', { class: 'error' }, app.explain(e))),
  );
  return { title: t('opTitle'), node };
};
