// Passing a ticket on at face value: the receiver is named by their account id (the user id of
// their sign-in, a UUID the fan reads off their own My tickets screen and sends to the
// holder). The id is parsed here before anything is sent, so a typo is caught in the browser
// and never reaches the API; and an id is shortened for the screen (who passed a ticket on).

/** Any RFC 4122-shaped UUID (the API checks the rest): 8-4-4-4-12 hex digits. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Why a typed receiver cannot be sent: nothing typed, not an account id, or one's own. */
export type ReceiverProblem = 'empty' | 'invalid' | 'self';

export type Receiver = { ok: true; userId: string } | { ok: false; problem: ReceiverProblem };

/**
 * The receiver's account id as typed or pasted: spaces around it (and inside, as a copy from
 * a chat may add) and upper case are forgiven; anything else that is not a UUID is refused,
 * as is the holder's own id (the API answers 400 to both).
 */
export function parseReceiver(typed: string, ownUserId: string): Receiver {
  const id = typed.replace(/\s+/g, '').toLowerCase();
  if (id === '') return { ok: false, problem: 'empty' };
  if (!UUID.test(id)) return { ok: false, problem: 'invalid' };
  if (id === ownUserId.toLowerCase()) return { ok: false, problem: 'self' };
  return { ok: true, userId: id };
}

/** An account id as a person compares it at a glance: its first 8 digits and its last 4. */
export function shortAccountId(userId: string): string {
  return userId.length > 12 ? `${userId.slice(0, 8)}…${userId.slice(-4)}` : userId;
}
