// What to do when a screen that needs the fan's turn hears that the turn is gone.

import type { App } from '../app';
import { ApiProblem } from '../api/client';
import { t } from '../i18n/messages';
import { concertById } from './concert-info';
import { joinPayingWork, solveInWorker, type WorkDone } from './join-cost';

const LOST_TURN = new Set(['TOKEN_EXPIRED', 'TOKEN_INVALID', 'TOKEN_MISSING', 'TOKEN_WRONG_CONCERT', 'FORBIDDEN']);

/** True (and the place forgotten) when the problem means the queue token is no good any more. */
export function turnLost(app: App, concertId: string, e: unknown): boolean {
  if (e instanceof ApiProblem && LOST_TURN.has(e.code)) {
    app.fanStore().leaveLine(concertId);
    return true;
  }
  return false;
}

/**
 * Take a (new) place in the concert's line and go to the waiting screen. A sale that asks a
 * proof of work has it solved first in a Web Worker (fan/join-cost.ts), with a calm word in
 * the polite live region meanwhile; the page stays usable.
 */
export function joinLine(app: App, concertId: string): Promise<void> {
  // A second press while a join (and its solve) is under way waits for that one.
  const running = joining.get(concertId);
  if (running) return running;
  const join = joinOnce(app, concertId).finally(() => joining.delete(concertId));
  joining.set(concertId, join);
  return join;
}

const joining = new Map<string, Promise<void>>();

async function joinOnce(app: App, concertId: string): Promise<void> {
  try {
    const issued = await joinPayingWork(
      {
        join: (proof) => app.fan.joinLine(concertId, proof),
        challenge: () => app.fan.joinChallenge(concertId),
        solve: async (challenge, bits) => {
          const started = performance.now();
          const done = await solveInWorker(challenge, bits);
          return noteWork(done, performance.now() - started);
        },
        checking: (bits) => {
          if (bits !== null) app.say(() => t('joinChecking'));
        },
      },
      await askedBits(app, concertId),
    );
    app.fanStore().setPlace(concertId, {
      token: issued.token,
      place: issued.place ?? null,
      startPosition: issued.position,
      activeUntil: issued.activeUntil ?? null,
    });
    app.go(`/concerts/${concertId}/line`);
  } catch (e) {
    app.say(app.explain(e), 'error');
  }
}

/** The proof of work the concert's sale asks, as the (recent) concert list says; 0 when unknown. */
async function askedBits(app: App, concertId: string): Promise<number> {
  try {
    return (await concertById(app, concertId))?.proofOfWorkBits ?? 0;
  } catch {
    return 0; // the join itself says (428) if the sale asks one
  }
}

/**
 * The last solve, on the page's root element as `data-join-work` (JSON: bits, nonce, nonces
 * tried, ms in the worker, hashes per second, and wallMs with the worker's start), for the
 * browser tests and anyone measuring what a join costs on their device.
 */
function noteWork(done: WorkDone, wallMs: number): WorkDone {
  const round = (ms: number) => Math.round(ms * 10) / 10;
  const hashesPerSecond = done.ms > 0 ? Math.round((done.tried / done.ms) * 1000) : null;
  const note = { bits: done.bits, nonce: done.nonce, tried: done.tried, ms: round(done.ms), hashesPerSecond, wallMs: round(wallMs) };
  document.documentElement.dataset.joinWork = JSON.stringify(note);
  return done;
}
