// The strip on the admitted screens: how long the fan's turn still lasts.

import type { App, Scope } from '../../app';
import { joinLine } from '../../fan/turn';
import { t } from '../../i18n/messages';
import { h } from '../../ui/dom';
import { countdown } from '../../ui/widgets';

export function turnBar(app: App, scope: Scope, concertId: string): HTMLElement {
  const until = app.fanStore().place(concertId)?.activeUntil;
  if (!until) return h('span', {});
  return h('p', { class: 'turn' }, countdown(scope, until, (left) => t('turnEndsIn', { t: left })));
}

/** The screen for a fan who came here without a turn (or whose turn is gone). */
export function noTurn(app: App, concertId: string, sentence: string): HTMLElement {
  return h(
    'div',
    { class: 'actions' },
    h('p', { class: 'error', role: 'alert' }, sentence),
    h('button', { type: 'button', class: 'primary', onclick: () => void joinLine(app, concertId) }, t('joinAgain')),
    h('button', { type: 'button', onclick: () => app.go('/') }, t('toConcerts')),
  );
}
