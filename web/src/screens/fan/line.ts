// The waiting room: the fan's place, a progress bar and the estimated wait, polled every
// pollAfterSeconds (2). A fan with a place number polls the line's public status (the same
// answer for everyone, cached by the CDN) and works out their position and wait from it;
// once the line has reached their place, their token confirms they are in (asked again
// until it says so). Before the opening's draw there is no place yet: the token is polled,
// with a countdown to the opening. Admitted: on to the dates. Sold out or closed: polling
// stops and the screen says so.

import type { ScreenFactory } from '../../app';
import type { PlaceInLine } from '../../fan/fan-store';
import { concertById } from '../../fan/concert-info';
import { joinLine, turnLost } from '../../fan/turn';
import {
  formatWait,
  keepsPolling,
  lineProgress,
  lineStatusView,
  lineView,
  pollDelayMs,
  pollSource,
  waitShown,
  waitingHeadline,
  type LineView,
} from '../../domain/queue';
import { formatCountdown, msUntil } from '../../domain/time';
import { lang } from '../../i18n/lang';
import { t } from '../../i18n/messages';
import { h, fill, setText } from '../../ui/dom';
import { phaseBadge } from '../../ui/widgets';

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
  /** The line has reached the fan's place: the token is asked until it says ACTIVE. */
  let passed = false;

  void concertById(app, concertId).then((c) => c && setText(heading, `${t('lineTitle')}: ${c.title}`));

  const show = (v: Extract<LineView, { kind: 'drawing' | 'waiting' }>) => {
    view = v;
    const place = store.place(concertId);
    if (v.kind === 'waiting' && place) {
      const start = Math.max(place.startPosition ?? 0, v.position);
      if (start !== place.startPosition) store.setPlace(concertId, { ...place, startPosition: start });
      const says = waitingHeadline(v.position, v.paused);
      setText(headline, t(says.key, { n: says.n.toLocaleString() }));
      progress.value = Math.round(lineProgress(v.position, start) * 100);
    } else if (v.kind === 'drawing') {
      setText(headline, t('lineDrawing'));
      progress.removeAttribute('value'); // indeterminate until the draw
    }
    note.hidden = !keepsPolling(v);
    if (v.paused) setText(note, t('linePaused'));
    else setText(note, v.kind === 'drawing' ? t('lineDrawingNote') : t('lineKeepOpen'));
    tick();
  };

  const tick = () => {
    if (!view) return;
    if (view.kind === 'drawing') setText(detail, t('lineOpensIn', { t: formatCountdown(msUntil(view.opensAt, Date.now()), lang()) }));
    if (view.kind === 'waiting') {
      // While admission is paused no estimate holds: the note says so instead. A line that
      // stands still has none either: a sentence says why.
      const wait = waitShown(view, polledAt, Date.now());
      setText(detail, wait === null ? '' : wait.kind === 'stalled' ? t('lineStalled') : t('lineEta', { t: formatWait(wait.seconds, lang()) }));
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

  /** Act on one answer: on to the dates, the end of the wait, or the place shown. */
  const settle = (v: LineView, saved: PlaceInLine) => {
    if (v.kind === 'admitted') {
      polling = false;
      store.setPlace(concertId, { ...saved, activeUntil: v.activeUntil });
      app.carry(() => t('lineAdmitted'));
      app.go(`/concerts/${concertId}`);
    } else if (v.kind === 'ended') {
      store.leaveLine(concertId);
      stop(v.reason === 'SOLD_OUT' ? t('lineSoldOut') : t('lineClosed'), false);
    } else if (v.kind !== 'passed') {
      show(v);
    }
  };

  /** One poll; the delay before the next, or null once the wait is over. */
  const poll = async (): Promise<number | null> => {
    const saved = store.place(concertId);
    if (!polling) return null;
    if (!saved) {
      stop(t('lineExpired'), true);
      return null;
    }
    let next = pollDelayMs(null);
    try {
      const place = saved.place ?? null;
      if (pollSource(place, passed) === 'line' && place !== null) {
        const line = await app.fan.line(concertId);
        next = pollDelayMs(line.pollAfterSeconds);
        const v = lineStatusView(line, place);
        if (v.kind !== 'passed') {
          polledAt = Date.now();
          fill(badge, phaseBadge(line.phase));
          settle(v, saved);
          return polling ? next : null;
        }
        // The line has reached this place: confirm with the token right away.
        passed = true;
      }
      const status = await app.fan.placeInLine(saved.token);
      next = pollDelayMs(status.pollAfterSeconds);
      polledAt = Date.now();
      fill(badge, phaseBadge(status.phase));
      // The draw has placed a pre-queued fan: from the next poll on, the line's status.
      const known = status.place ?? null;
      const placed = known !== null && known !== place ? { ...saved, place: known } : saved;
      if (placed !== saved) store.setPlace(concertId, placed);
      settle(lineView(status), placed);
    } catch (e) {
      if (turnLost(app, concertId, e)) stop(app.explain(e), true);
      else app.say(() => app.explain(e), 'error');
    }
    return polling ? next : null;
  };

  scope.repeat(poll);
  scope.every(1000, tick, false);
  return { title: t('lineTitle'), node };
};
