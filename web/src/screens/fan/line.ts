// The waiting room: the fan's place, a progress bar and the estimated wait, polled every
// 2 seconds. Before the opening's draw there is no place yet: a countdown to the opening.
// Admitted: on to the dates. Sold out or closed: polling stops and the screen says so.

import type { ScreenFactory } from '../../app';
import { concertById } from '../../fan/concert-info';
import { joinLine, turnLost } from '../../fan/turn';
import { formatWait, keepsPolling, lineProgress, lineView, waitLeft, type LineView } from '../../domain/queue';
import { formatCountdown, msUntil } from '../../domain/time';
import { lang } from '../../i18n/lang';
import { t } from '../../i18n/messages';
import { h, fill, setText } from '../../ui/dom';
import { phaseBadge } from '../../ui/widgets';

export const POLL_MS = 2000;

export const lineScreen: ScreenFactory = (app, { concertId }, scope) => {
  const store = app.fanStore();
  const heading = h('h1', { tabindex: -1 }, t('lineTitle'));
  const badge = h('p', {});
  const headline = h('p', { class: 'headline', role: 'status', 'data-testid': 'line-status' });
  const progress = h('progress', { max: 100, value: 0, 'aria-label': t('lineProgress'), 'data-testid': 'line-progress' });
  const detail = h('p', { class: 'countdown', role: 'timer', 'data-testid': 'line-detail' });
  const note = h('p', { class: 'muted' }, t('lineKeepOpen'));
  const actions = h('div', { class: 'actions' });
  const node = h('section', { class: 'card narrow line' }, heading, badge, headline, progress, detail, note, actions);

  let view: LineView | null = null;
  let polledAt = Date.now();
  let polling = true;

  void concertById(app, concertId).then((c) => c && setText(heading, `${t('lineTitle')}: ${c.title}`));

  const show = (v: LineView) => {
    view = v;
    const place = store.place(concertId);
    if (v.kind === 'waiting' && place) {
      const start = Math.max(place.startPosition ?? 0, v.position);
      if (start !== place.startPosition) store.setPlace(concertId, { ...place, startPosition: start });
      setText(headline, v.position === 0 ? t('lineNext') : t('lineAhead', { n: v.position.toLocaleString() }));
      progress.value = Math.round(lineProgress(v.position, start) * 100);
    } else if (v.kind === 'drawing') {
      setText(headline, t('lineDrawing'));
      progress.removeAttribute('value'); // indeterminate until the draw
    }
    note.hidden = !keepsPolling(v);
    if (v.kind !== 'admitted' && v.kind !== 'ended') {
      if (v.paused) setText(note, t('linePaused'));
      else setText(note, v.kind === 'drawing' ? t('lineDrawingNote') : t('lineKeepOpen'));
    }
    tick();
  };

  const tick = () => {
    if (!view) return;
    if (view.kind === 'drawing') setText(detail, t('lineOpensIn', { t: formatCountdown(msUntil(view.opensAt, Date.now()), lang()) }));
    if (view.kind === 'waiting') {
      // While admission is paused no estimate holds: the note says so instead.
      const wait = view.waitSeconds === null || view.paused ? null : waitLeft(view.waitSeconds, polledAt, Date.now());
      setText(detail, wait === null ? '' : t('lineEta', { t: formatWait(wait, lang()) }));
    }
  };

  const stop = (sentence: string, again: boolean) => {
    polling = false;
    setText(headline, sentence);
    setText(detail, '');
    note.hidden = true;
    progress.hidden = true;
    fill(
      actions,
      again
        ? h('button', { type: 'button', class: 'primary', onclick: () => void joinLine(app, concertId) }, t('joinAgain'))
        : null,
      h('button', { type: 'button', onclick: () => app.go('/') }, t('toConcerts')),
    );
  };

  const poll = async () => {
    const place = store.place(concertId);
    if (!polling) return;
    if (!place) return stop(t('lineExpired'), true);
    try {
      const status = await app.fan.placeInLine(place.token);
      polledAt = Date.now();
      fill(badge, phaseBadge(status.phase));
      const v = lineView(status);
      if (v.kind === 'admitted') {
        polling = false;
        store.setPlace(concertId, { ...place, activeUntil: v.activeUntil });
        app.say(t('lineAdmitted'));
        app.go(`/concerts/${concertId}`);
      } else if (v.kind === 'ended') {
        store.leaveLine(concertId);
        stop(v.reason === 'SOLD_OUT' ? t('lineSoldOut') : t('lineClosed'), false);
      } else {
        show(v);
      }
    } catch (e) {
      if (turnLost(app, concertId, e)) stop(app.explain(e), true);
      else app.say(app.explain(e), 'error');
    }
  };

  scope.every(POLL_MS, poll);
  scope.every(1000, tick, false);
  return { title: t('lineTitle'), node };
};
