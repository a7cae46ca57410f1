// What every screen is given: the configuration, the signed-in user, the API, navigation,
// messages for the person, and a scope whose timers stop when the screen goes away.

import type { ApiClient } from './api/client';
import type { FanApi } from './api/fan';
import type { GateApi } from './api/gate';
import type { OperatorApi } from './api/operator';
import type { Session } from './auth/session';
import type { AppConfig } from './config';
import type { FanStore } from './fan/fan-store';
import type { NoticeKind, Sentence } from './ui/notices';

export interface App {
  config: AppConfig;
  client: ApiClient;
  fan: FanApi;
  operator: OperatorApi;
  gate: GateApi;
  session(): Session | null;
  /** The fan's remembered state; only for a signed-in user. */
  fanStore(): FanStore;
  signIn(jwt: string): void;
  signOut(): void;
  go(route: string): void;
  /**
   * Tell the person something: polite for news, assertive for failures. Give a function to
   * have it written again if the language changes. Cleared when the person moves on.
   */
  say(message: Sentence, kind?: NoticeKind): void;
  /** As `say`, for a navigation that follows at once: shown on the next screen too. */
  carry(message: Sentence, kind?: NoticeKind): void;
  /** The sentence for a failure (a problem code, or anything thrown). */
  explain(e: unknown): string;
}

export interface Screen {
  title: string;
  node: HTMLElement;
}

/** Timers and clean-ups that belong to one screen, stopped when it is left. */
export class Scope {
  private readonly cleanups: (() => void)[] = [];
  alive = true;

  every(ms: number, fn: () => void | Promise<void>, now = true): void {
    let busy = false;
    const tick = async () => {
      if (busy || !this.alive) return;
      busy = true;
      try {
        await fn();
      } finally {
        busy = false;
      }
    };
    const id = setInterval(tick, ms);
    this.cleanups.push(() => clearInterval(id));
    if (now) void tick();
  }

  /**
   * Run `fn` now, then again after the delay (ms) it returns each time, one run at a time,
   * until it returns null or the screen is left. `fn` handles its own failures.
   */
  repeat(fn: () => Promise<number | null>): void {
    let id: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      if (!this.alive) return;
      const next = await fn();
      if (this.alive && next !== null) id = setTimeout(() => void run(), next);
    };
    this.cleanups.push(() => clearTimeout(id));
    void run();
  }

  onDispose(fn: () => void): void {
    this.cleanups.push(fn);
  }

  dispose(): void {
    this.alive = false;
    this.cleanups.splice(0).forEach((f) => f());
  }
}

export type ScreenFactory = (app: App, params: Record<string, string>, scope: Scope) => Screen;
