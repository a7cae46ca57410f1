// What to do when a screen that needs the fan's turn hears that the turn is gone.

import type { App } from '../app';
import { ApiProblem } from '../api/client';

const LOST_TURN = new Set(['TOKEN_EXPIRED', 'TOKEN_INVALID', 'TOKEN_MISSING', 'TOKEN_WRONG_CONCERT', 'FORBIDDEN']);

/** True (and the place forgotten) when the problem means the queue token is no good any more. */
export function turnLost(app: App, concertId: string, e: unknown): boolean {
  if (e instanceof ApiProblem && LOST_TURN.has(e.code)) {
    app.fanStore().leaveLine(concertId);
    return true;
  }
  return false;
}

/** Take a (new) place in the concert's line and go to the waiting screen. */
export async function joinLine(app: App, concertId: string): Promise<void> {
  try {
    const issued = await app.fan.joinLine(concertId);
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
