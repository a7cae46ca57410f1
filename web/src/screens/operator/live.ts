// Operator: one sale, live. Its phase and window, the controls (pause, resume, close,
// admission numbers and the proof of work a join costs, a link to edit its settings), the line's counters, each date's seats
// and revenue, the tickets let in at the doors per gate, and charts of waiting, admitted per
// minute and seats sold, drawn from the samples taken while watching.

import type { App, ScreenFactory } from '../../app';
import type { CheckInCounts, ConcertNumbers } from '../../api/types';
import { gateName, gatesInOrder } from '../../domain/gate';
import { admissionBody, workText } from '../../domain/admission';
import { MAX_WORK_BITS } from '../../domain/join-work';
import { addSample, admittedPerMinute, sampleOf, series, type SaleSample } from '../../domain/sale-samples';
import { formatWon } from '../../domain/money';
import { formatCountdown, formatDay, formatMoment, msUntil } from '../../domain/time';
import { lang } from '../../i18n/lang';
import { t } from '../../i18n/messages';
import { lineChart } from '../../ui/chart';
import { h, fill, setText } from '../../ui/dom';
import { facts, isUnavailable, loadingText, phaseBadge, whileBusy } from '../../ui/widgets';

export const LIVE_POLL_MS = 2000;

export const liveScreen: ScreenFactory = (app, { concertId }, scope) => {
  const heading = h('h1', { tabindex: -1 }, concertId);
  const phase = h('p', { 'data-testid': 'op-phase' });
  const opening = h('p', { class: 'countdown', role: 'timer', 'data-testid': 'op-opens-in' });
  let opensAt: string | null = null;
  const tickOpening = () => {
    const ms = opensAt === null ? 0 : msUntil(opensAt, Date.now());
    opening.hidden = ms <= 0;
    setText(opening, ms > 0 ? t('opensIn', { t: formatCountdown(ms, lang()) }) : '');
  };
  scope.every(1000, tickOpening, false);
  const windowFacts = h('div', {});
  const line = h('div', {});
  const charts = h('div', { class: 'charts' });
  const byDate = h('div', {});
  const doors = h('div', {});
  const doorsSection = h('section', { 'aria-labelledby': 'op-doors-title', hidden: true, 'data-testid': 'op-doors' }, h('h2', { id: 'op-doors-title' }, t('opDoors')), doors);
  const pause = button('opPause', () => app.operator.pause(concertId), 'opPaused');
  const resume = button('opResume', () => app.operator.resume(concertId), 'opResumed');
  const close = button('opClose', () => app.operator.close(concertId), 'opClosed', t('opConfirmClose'));
  close.classList.add('danger');
  const admission = admissionForm(app, concertId, () => void poll());
  const body = h(
    'div',
    { hidden: true },
    phase,
    opening,
    windowFacts,
    h(
      'div',
      { class: 'actions' },
      pause,
      resume,
      close,
      h('a', { class: 'button', href: `#/operator/concerts/${encodeURIComponent(concertId)}/edit`, 'data-testid': 'edit-concert' }, t('opEdit')),
    ),
    admission.node,
    h('h2', {}, t('opLine')),
    line,
    h('h2', {}, t('chartsTitle')),
    charts,
    h('h2', {}, t('opByDate')),
    byDate,
    doorsSection,
  );
  const loading = loadingText();
  const node = h('section', { class: 'live' }, heading, loading, body);
  let samples: SaleSample[] = [];

  function button(label: Parameters<typeof t>[0], action: () => Promise<unknown>, done: Parameters<typeof t>[0], confirmText?: string) {
    const b = h('button', { type: 'button', 'data-testid': `op-${label}` }, t(label));
    b.addEventListener('click', () => {
      if (isUnavailable(b)) return;
      if (confirmText && !confirm(confirmText)) return;
      void whileBusy(b, t('loading'), async () => {
        try {
          await action();
          app.say(() => t(done));
        } catch (e) {
          app.say(() => app.explain(e), 'error');
        }
        await poll();
      });
    });
    return b;
  }

  const show = (n: ConcertNumbers) => {
    loading.remove();
    body.hidden = false;
    setText(heading, `${n.title} · ${t('opLive')}`);
    fill(
      phase,
      phaseBadge(n.phase),
      ' ',
      n.admission.paused ? `(${t('opPausedNow')}) ` : '',
      n.version > 0 ? h('span', { class: 'muted' }, t('opChanges', { n: n.version })) : null,
    );
    opensAt = n.opensAt;
    tickOpening();
    fill(
      windowFacts,
      facts([
        [t('opVenue'), n.venue],
        [t('opPreQueueAt'), formatMoment(n.preQueueAt, lang())],
        [t('opOpensAt'), formatMoment(n.opensAt, lang())],
        [t('opClosesAt'), formatMoment(n.closesAt, lang())],
        [t('opAdmitPerTick'), String(n.admission.admitPerTick)],
        [t('opActiveCap'), String(n.admission.activeCap)],
        [t('opProofOfWork'), h('span', { 'data-testid': 'op-proof-of-work' }, workText(n.proofOfWorkBits ?? 0))],
      ]),
    );
    const closed = n.phase === 'CLOSED';
    pause.disabled = n.admission.paused || closed;
    resume.disabled = !n.admission.paused || closed;
    close.disabled = closed;
    admission.prefill(n.admission.admitPerTick, n.admission.activeCap, n.proofOfWorkBits ?? 0);
    admission.closed(closed);
    fill(
      line,
      facts([
        [t('opPrequeued'), n.line.prequeued.toLocaleString()],
        [t('opCohort'), n.line.cohort === null ? '–' : n.line.cohort.toLocaleString()],
        [t('opWaiting'), h('span', { 'data-testid': 'op-waiting' }, n.line.waiting.toLocaleString())],
        [t('opAdmitted'), n.line.admitted.toLocaleString()],
        [t('opActive'), n.line.active.toLocaleString()],
      ]),
    );
    fill(
      charts,
      lineChart(t('chartWaiting'), series(samples, 'waiting')),
      lineChart(t('chartAdmittedPerMinute'), admittedPerMinute(samples)),
      lineChart(t('chartSold'), series(samples, 'sold')),
    );
    fill(byDate, dateTable(n));
    doorsSection.hidden = n.checkIns === undefined;
    if (n.checkIns) fill(doors, doorsTable(n.checkIns));
  };

  // A poll the timer started before an action's own poll can answer after it: the older
  // answer must not put the phase from before the action back on screen.
  let started = 0;
  let shown = 0;
  const poll = async () => {
    const run = ++started;
    try {
      const n = await app.operator.numbers(concertId);
      if (run < shown) return;
      shown = run;
      samples = addSample(samples, sampleOf(n, Date.now()));
      show(n);
    } catch (e) {
      app.say(() => app.explain(e), 'error');
    }
  };
  scope.every(LIVE_POLL_MS, poll);
  return { title: t('opLive'), node };
};

function dateTable(n: ConcertNumbers): HTMLElement {
  const sum = (f: (d: ConcertNumbers['dates'][number]) => number) => n.dates.reduce((s, d) => s + f(d), 0);
  const th = (k: Parameters<typeof t>[0], num = true) => h('th', { scope: 'col', class: num ? 'num' : '' }, t(k));
  const row = (label: string, cells: (string | number)[], head = false) =>
    h('tr', {}, h(head ? 'th' : 'td', head ? { scope: 'row' } : {}, label), cells.map((c) => h('td', { class: 'num' }, String(c))));
  return h(
    'table',
    { class: 'numbers' },
    h('thead', {}, h('tr', {}, th('opDate', false), th('opAvailable'), th('opHeld'), th('opSold'), th('opRevenue'))),
    h('tbody', {}, n.dates.map((d) => row(formatDay(d.date, lang()), [`${d.availableSeats} / ${d.totalSeats}`, d.heldSeats, d.soldSeats, formatWon(d.revenue)]))),
    h('tfoot', {}, row(t('opTotal'), [`${sum((d) => d.availableSeats)} / ${sum((d) => d.totalSeats)}`, sum((d) => d.heldSeats), sum((d) => d.soldSeats), formatWon(sum((d) => d.revenue))], true)),
  );
}

function doorsTable(c: CheckInCounts): HTMLElement {
  if (c.total === 0) return h('p', { class: 'muted' }, t('opDoorsNone'));
  return h(
    'table',
    { class: 'numbers' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('opGate')), h('th', { scope: 'col', class: 'num' }, t('opCheckedIn')))),
    h('tbody', {}, gatesInOrder(c.gates).map((g) => h('tr', { 'data-gate': g.gate }, h('td', {}, gateName(g.gate, lang())), h('td', { class: 'num' }, g.count.toLocaleString())))),
    h('tfoot', {}, h('tr', {}, h('th', { scope: 'row' }, t('opTotal')), h('td', { class: 'num', 'data-testid': 'op-checked-in' }, c.total.toLocaleString()))),
  );
}

function admissionForm(app: App, concertId: string, after: () => void) {
  const perTick = h('input', { id: 'admitPerTick', type: 'number', min: 1, max: 10000 });
  const cap = h('input', { id: 'activeCap', type: 'number', min: 1, max: 100000 });
  const work = h('input', { id: 'proofOfWorkBits', type: 'number', min: 0, max: MAX_WORK_BITS, step: 1 });
  const save = h('button', { type: 'submit' }, t('opSetAdmission'));
  const closedNote = h('p', { class: 'muted', id: 'admission-closed', hidden: true }, t('opAdmissionClosed'));
  const fields = h('fieldset', { class: 'inline-form' },
    h('legend', { class: 'visually-hidden' }, t('opAdmission')),
    h('div', { class: 'field' }, h('label', { for: 'admitPerTick' }, t('opAdmitPerTick')), perTick),
    h('div', { class: 'field' }, h('label', { for: 'activeCap' }, t('opActiveCap')), cap),
    h('div', { class: 'field' }, h('label', { for: 'proofOfWorkBits' }, t('opProofOfWorkBits')), work),
    save,
  );
  const node = h('form', {}, fields, closedNote);
  let filled = false;
  node.addEventListener('submit', (e) => {
    e.preventDefault();
    const num = (el: HTMLInputElement) => (el.value.trim() === '' ? null : Number(el.value));
    void whileBusy(save, t('loading'), async () => {
      try {
        await app.operator.setAdmission(concertId, admissionBody(num(perTick), num(cap), work.value));
        app.say(() => t('opAdmissionSaved'));
      } catch (e) {
        app.say(() => app.explain(e), 'error');
      }
      after();
    });
  });
  return {
    node,
    /** A closed sale admits nobody: its admission numbers can no longer be set. */
    closed(isClosed: boolean) {
      fields.disabled = isClosed;
      closedNote.hidden = !isClosed;
      if (isClosed) fields.setAttribute('aria-describedby', 'admission-closed');
    },
    /** The numbers in effect, once (after that the operator's typing is theirs). */
    prefill(admitPerTick: number, activeCap: number, proofOfWorkBits: number) {
      if (filled) return;
      filled = true;
      perTick.value = String(admitPerTick);
      cap.value = String(activeCap);
      work.value = String(proofOfWorkBits);
    },
  };
}
