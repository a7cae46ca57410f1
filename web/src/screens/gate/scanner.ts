// The gate's scanner, for gate staff on a phone: the gate's name is chosen once (kept on the
// device, gate/gate-store.ts), then each ticket's QR code is read by the camera, or typed
// (or sent by a handheld keyboard scanner) into the field below it, and POST /gate/check-ins
// answers. The answer fills one big region: green "입장 확인" with the seat and the booking
// number, red "입장 불가" with the reason, amber "확인 보류" when no answer came (the scan is
// kept and sent with its time once the service is reachable again, its answer listed below:
// gate/pending-scans.ts), or "확인하지 못함" for an answer not about the ticket. The region
// is a live one, so a screen reader says each answer.

import { Scope, type App, type ScreenFactory } from '../../app';
import { ApiProblem } from '../../api/client';
import { GATE_PATTERN, RepeatGuard, SEND_LATER, clockTime, gateName, parseGate, scanVerdict, waitsForNextTry, type ScanOutcome } from '../../domain/gate';
import { savedGate, saveGate } from '../../gate/gate-store';
import { PendingScans, type PendingScan } from '../../gate/pending-scans';
import { lang } from '../../i18n/lang';
import { t } from '../../i18n/messages';
import { h, fill, setText } from '../../ui/dom';
import { whileBusy } from '../../ui/widgets';
import { startCamera } from './camera';

export const gateScreen: ScreenFactory = (app, _params, scope) => {
  const body = h('div', {});
  const node = h('section', { class: 'gate-screen' }, h('h1', { tabindex: -1 }, t('gateTitle')), body);
  // The scanning view's timers and camera, stopped when the gate is changed or the screen left.
  let view: Scope | null = null;
  scope.onDispose(() => view?.dispose());
  const show = (gate: string | null) => {
    view?.dispose();
    view = new Scope();
    fill(body, gate === null ? chooseGate(started) : scanner(app, gate, view, () => show(null)));
  };
  // Once the gate is named, the field for the first code has the focus (a keyboard scanner types there).
  const started = (gate: string) => {
    show(gate);
    body.querySelector<HTMLInputElement>('#scan-code')?.focus();
  };
  show(savedGate());
  return { title: t('gateTitle'), node };
};

/** The form that names this device's gate. */
function chooseGate(done: (gate: string) => void): HTMLElement {
  const input = h('input', {
    id: 'gate-name',
    name: 'gate',
    required: true,
    maxlength: 32,
    pattern: GATE_PATTERN,
    autocomplete: 'off',
    value: savedGate() ?? '',
    'aria-describedby': 'gate-name-error',
  });
  const error = h('p', { id: 'gate-name-error', class: 'error' });
  const form = h(
    'form',
    { class: 'card narrow gate-choose', novalidate: true, 'data-testid': 'gate-form' },
    h('p', {}, t('gateChoose')),
    h('div', { class: 'field' }, h('label', { for: 'gate-name' }, t('gateNameLabel')), input, error),
    h('button', { type: 'submit', class: 'primary', 'data-testid': 'gate-save' }, t('gateSave')),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const gate = parseGate(input.value);
    if (gate === null) {
      input.setAttribute('aria-invalid', 'true');
      setText(error, t('gateInvalid'));
      input.focus();
      return;
    }
    saveGate(gate);
    done(gate);
  });
  queueMicrotask(() => input.focus());
  return form;
}

const ICONS = { admitted: '✓', refused: '✕', pending: '…', failed: '!' } as const;

/** What a check-in call came back with. */
async function send(app: App, code: string, gate: string, scannedAt?: string): Promise<ScanOutcome> {
  try {
    return { kind: 'admitted', checkIn: await app.gate.checkIn(code, gate, scannedAt) };
  } catch (e) {
    return e instanceof ApiProblem ? { kind: 'refused', code: e.code, detail: e.detail } : { kind: 'refused', code: 'UNEXPECTED', detail: '' };
  }
}

const keptForLater = (o: ScanOutcome) => o.kind === 'refused' && SEND_LATER.has(o.code);

/** The scanning view at `gate`. */
function scanner(app: App, gate: string, scope: Scope, changeGate: () => void): HTMLElement {
  const result = h('div', { class: 'scan-result', 'aria-live': 'assertive', 'aria-atomic': 'true', 'data-testid': 'scan-result', 'data-verdict': 'waiting' }, h('p', { class: 'verdict-lines' }, t('scanWaiting')));
  const count = h('p', { class: 'muted', 'data-testid': 'admitted-count' }, t('gateAdmittedCount', { n: 0 }));
  let admitted = 0;
  let answers = 0;
  let busy = false;

  const code = h('input', {
    id: 'scan-code',
    name: 'code',
    required: true,
    autocomplete: 'off',
    autocapitalize: 'off',
    spellcheck: 'false',
    enterkeyhint: 'go',
    'aria-describedby': 'scan-code-help',
    'data-testid': 'scan-code',
  });
  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'scan-submit' }, t('manualSubmit'));
  const manual = h(
    'form',
    { class: 'card manual-entry', 'aria-labelledby': 'manual-title' },
    h('h2', { id: 'manual-title' }, t('manualTitle')),
    h('div', { class: 'field' }, h('label', { for: 'scan-code' }, t('manualLabel')), h('div', { class: 'inline' }, code, submit)),
    h('p', { id: 'scan-code-help', class: 'muted' }, t('manualHelp')),
  );

  /** Send one reading; `typed` ones are cleared and the field made ready for the next. */
  const check = async (text: string, typed: boolean) => {
    if (busy || text.trim() === '') return;
    busy = true;
    result.setAttribute('aria-busy', 'true');
    const scan: PendingScan = { code: text.trim(), gate, scannedAt: new Date().toISOString() };
    const outcome = await send(app, scan.code, gate);
    busy = false;
    result.removeAttribute('aria-busy');
    if (keptForLater(outcome)) {
      pending.add(scan);
      showPending();
    }
    if (!scope.alive) return;
    const verdict = scanVerdict(outcome, lang());
    if (verdict.kind === 'admitted') setText(count, t('gateAdmittedCount', { n: ++admitted }));
    result.setAttribute('data-verdict', verdict.kind);
    result.setAttribute('data-answers', String(++answers));
    fill(
      result,
      h('p', { class: 'verdict-headline', 'data-testid': 'verdict' }, h('span', { class: 'verdict-icon', 'aria-hidden': 'true' }, ICONS[verdict.kind]), verdict.headline),
      verdict.lines.map((line) => h('p', { class: 'verdict-lines' }, line)),
      h('p', { class: 'verdict-when' }, t('scanAt', { time: clockTime(Date.now(), lang(), undefined, true) })),
    );
    if (typed) {
      code.value = '';
      code.focus();
    }
  };
  // Scans kept while the service could not be reached: sent with their time, oldest first,
  // every few seconds and as soon as the browser says it is online; each answer is listed.
  const pending = new PendingScans();
  const pendingCount = h('p', { class: 'pending-count', 'data-testid': 'pending-count', hidden: true });
  const laterList = h('ul', { class: 'later-list', 'aria-live': 'polite', 'data-testid': 'later-list' });
  const later = h('section', { class: 'card later', 'aria-labelledby': 'later-title', hidden: true }, h('h2', { id: 'later-title' }, t('laterTitle')), laterList);
  const showPending = () => {
    const n = pending.list().length;
    pendingCount.hidden = n === 0;
    setText(pendingCount, t('pendingCount', { n }));
  };
  let flushing = false;
  const flush = async () => {
    if (flushing) return;
    flushing = true;
    try {
      for (const scan of pending.list()) {
        const outcome = await send(app, scan.code, scan.gate, scan.scannedAt);
        if (waitsForNextTry(outcome)) break; // still unreachable (or signed out): the rest wait too
        pending.remove(scan);
        if (!scope.alive) return;
        const verdict = scanVerdict(outcome, lang());
        if (verdict.kind === 'admitted') setText(count, t('gateAdmittedCount', { n: ++admitted }));
        later.hidden = false;
        laterList.prepend(
          h(
            'li',
            { 'data-verdict': verdict.kind },
            t('laterLine', { time: clockTime(scan.scannedAt, lang(), undefined, true), gate: gateName(scan.gate, lang()), verdict: verdict.headline, detail: verdict.lines.join(' ') }),
          ),
        );
      }
    } finally {
      flushing = false;
      if (scope.alive) showPending();
    }
  };
  scope.every(5000, flush);
  const online = () => void flush();
  addEventListener('online', online);
  scope.onDispose(() => removeEventListener('online', online));

  manual.addEventListener('submit', (e) => {
    e.preventDefault();
    void whileBusy(submit, t('checking'), () => check(code.value, true));
  });

  return h(
    'div',
    { class: 'scanner' },
    h(
      'div',
      { class: 'gate-bar' },
      h('p', { 'data-testid': 'gate-current' }, h('strong', {}, t('gateCurrent', { gate: gateName(gate, lang()) }))),
      h('button', { type: 'button', class: 'link', onclick: changeGate, 'data-testid': 'gate-change' }, t('gateChange')),
    ),
    result,
    count,
    pendingCount,
    cameraPanel(scope, (text) => void check(text, false), () => code.focus()),
    manual,
    later,
  );
}

/** The camera's button and view; `unavailable` moves focus to the typed entry. */
function cameraPanel(scope: Scope, onRead: (text: string) => void, unavailable: () => void): HTMLElement {
  const video = h('video', { class: 'camera', muted: true, playsinline: true, 'aria-label': t('cameraLabel'), hidden: true, 'data-testid': 'camera' });
  const help = h('p', { class: 'muted', hidden: true }, t('cameraHelp'));
  const problem = h('p', { class: 'error', role: 'alert' });
  const toggle = h('button', { type: 'button', class: 'primary', 'data-testid': 'camera-toggle' }, t('cameraStart'));
  const guard = new RepeatGuard();
  let stop: (() => void) | null = null;
  const off = () => {
    stop?.();
    stop = null;
    video.hidden = help.hidden = true;
    setText(toggle, t('cameraStart'));
  };
  scope.onDispose(off);
  toggle.addEventListener('click', () => {
    if (stop) return off();
    void whileBusy(toggle, t('loading'), async () => {
      setText(problem, '');
      video.hidden = false;
      try {
        const stopper = await startCamera(video, (text) => {
          if (guard.fresh(text, Date.now())) onRead(text);
        });
        if (!scope.alive) return stopper();
        stop = stopper;
        help.hidden = false;
      } catch {
        video.hidden = true;
        setText(problem, t('cameraUnavailable'));
        unavailable();
      }
    }).then(() => {
      if (stop) setText(toggle, t('cameraStop'));
    });
  });
  return h('div', { class: 'camera-panel' }, h('div', { class: 'actions' }, toggle), problem, video, help);
}
