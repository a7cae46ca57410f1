// Small pieces several screens share: a phase badge, a live countdown, a button that shows
// it is busy, a definition list.

import type { Scope } from '../app';
import type { SalePhase } from '../api/types';
import { lang } from '../i18n/lang';
import { phaseName, t } from '../i18n/messages';
import { formatCountdown, msUntil } from '../domain/time';
import { h, setText } from './dom';

export function phaseBadge(phase: SalePhase): HTMLElement {
  return h('span', { class: `phase phase-${phase.toLowerCase()}`, 'data-phase': phase }, phaseName(phase));
}

/**
 * Text that counts down to `until` every second. `render` turns the remaining time into the
 * sentence; `onZero` runs once when the moment comes. role="timer": screen readers do not
 * announce every tick, but read it on request.
 */
export function countdown(
  scope: Scope,
  until: string,
  render: (remaining: string, ms: number) => string,
  onZero?: () => void,
): HTMLElement {
  const el = h('span', { role: 'timer', class: 'countdown' });
  let fired = false;
  const tick = () => {
    const ms = msUntil(until, Date.now());
    setText(el, render(formatCountdown(ms, lang()), ms));
    if (ms <= 0 && !fired) {
      fired = true;
      onZero?.();
    }
  };
  tick();
  scope.every(1000, tick, false);
  return el;
}

/**
 * Runs `action` with the button marked busy (aria-busy, aria-disabled) and showing
 * `busyLabel`; restores it after. The button is not `disabled`, so focus stays on it (a
 * disabled button drops focus to the page); a press while busy is ignored. While busy its
 * name is the words it shows: an aria-label ("Cancel hold on seat 7") would not contain
 * them (WCAG 2.5.3, label in name), so it is set aside and put back with the words.
 */
export async function whileBusy(button: HTMLButtonElement, busyLabel: string, action: () => Promise<void>): Promise<void> {
  if (isBusy(button)) return;
  const label = button.textContent ?? '';
  const name = button.getAttribute('aria-label');
  const wasDisabled = button.getAttribute('aria-disabled');
  button.setAttribute('aria-busy', 'true');
  button.setAttribute('aria-disabled', 'true');
  button.removeAttribute('aria-label');
  button.textContent = busyLabel;
  try {
    await action();
  } finally {
    button.removeAttribute('aria-busy');
    if (button.getAttribute('aria-disabled') === 'true') {
      if (wasDisabled === null) button.removeAttribute('aria-disabled');
      else button.setAttribute('aria-disabled', wasDisabled);
    }
    if (button.textContent === busyLabel) {
      button.textContent = label;
      if (name !== null && !button.hasAttribute('aria-label')) button.setAttribute('aria-label', name);
    }
  }
}

export function isBusy(button: HTMLElement): boolean {
  return button.getAttribute('aria-busy') === 'true';
}

/** Whether a button is unavailable (`disabled`, or aria-disabled so that it keeps focus). */
export function isUnavailable(button: HTMLButtonElement): boolean {
  return button.disabled || button.getAttribute('aria-disabled') === 'true';
}

export function facts(rows: [string, string | Node][]): HTMLElement {
  return h('dl', { class: 'facts' }, ...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

export function loadingText(): HTMLElement {
  return h('p', { class: 'muted', role: 'status' }, t('loading'));
}
