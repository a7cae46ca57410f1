// The two live regions that tell the person what happened: polite for news, assertive for
// failures. A notice is kept as a way to write it, so it is written again in the other
// language when the language changes; it belongs to the screen it was said on and is cleared
// when the person moves on, unless it was said for the next screen (`carry`).

import { h } from './dom';

export type Sentence = string | (() => string);
export type NoticeKind = 'info' | 'error';

interface Shown {
  sentence: Sentence;
  kind: NoticeKind;
}

const text = (s: Sentence) => (typeof s === 'function' ? s() : s);

export class Notices {
  readonly node: HTMLElement;
  private readonly polite = h('div', { class: 'notice', role: 'status', 'aria-live': 'polite', 'data-testid': 'notice' });
  private readonly assertive = h('div', { class: 'notice error', role: 'alert', 'data-testid': 'alert' });
  private shown: Shown | null = null;
  private carried: Shown | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly lingerMs = 12_000) {
    this.node = h('div', { class: 'notices' }, this.polite, this.assertive);
  }

  say(sentence: Sentence, kind: NoticeKind = 'info'): void {
    this.shown = { sentence, kind };
    this.paint();
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.clear(), this.lingerMs);
  }

  /** Said now, and shown again on the next screen (a navigation follows at once). */
  carry(sentence: Sentence, kind: NoticeKind = 'info'): void {
    this.say(sentence, kind);
    this.carried = this.shown;
  }

  /** A new screen: what was said on the last one goes, unless it was carried over. */
  navigated(): void {
    const carried = this.carried;
    this.carried = null;
    if (carried && carried === this.shown) return;
    this.clear();
  }

  /** The language changed: the notice shown is written again in it. */
  rewrite(): void {
    this.paint();
  }

  clear(): void {
    this.shown = null;
    this.paint();
  }

  private paint(): void {
    const s = this.shown;
    this.polite.textContent = s?.kind === 'info' ? text(s.sentence) : '';
    this.assertive.textContent = s?.kind === 'error' ? text(s.sentence) : '';
  }
}
