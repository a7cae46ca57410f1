// The signed-in user: the JWT, who it names (`sub`) and whether they are an operator or gate
// staff. The claims are read only to know who is signed in; the API is what verifies the token.
//
// Where it is kept, and why: in localStorage, so that a reload and a new tab stay signed in,
// but never past the token's own `exp` (an expired token is dropped when read, and the API
// would refuse it anyway). Signing out removes it, and every other open tab hears of it (the
// `storage` event, `follow`) and signs out too; a sign-in in another tab is followed the same
// way. Nothing else about the sign-in is stored. (The hosted UI's PKCE verifier lives in
// sessionStorage, only between the redirect out and back: auth/cognito.ts.)

export interface Session {
  token: string;
  userId: string;
  operator: boolean;
  /** Gate staff, who check tickets in at the doors. */
  staff: boolean;
  /** Epoch milliseconds. */
  expiresAt: number;
}

export const SESSION_KEY = 'ticketing.session';

export function claimsOf(jwt: string): Record<string, unknown> {
  const payload = jwt.split('.')[1];
  if (!payload) throw new Error('not a JWT');
  const base64 = payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
}

/**
 * A session from a JWT: operators carry the Cognito group `operators` (or role=operator),
 * gate staff the group `staff` (or role=staff).
 */
export function sessionOf(jwt: string): Session {
  const claims = claimsOf(jwt);
  if (typeof claims.sub !== 'string') throw new Error('the token names no user');
  const groups = Array.isArray(claims['cognito:groups']) ? claims['cognito:groups'] : [];
  return {
    token: jwt,
    userId: claims.sub,
    operator: groups.includes('operators') || claims.role === 'operator',
    staff: groups.includes('staff') || claims.role === 'staff',
    // A token without `exp` is not kept past this tab's memory (see `restore`).
    expiresAt: typeof claims.exp === 'number' ? claims.exp * 1000 : Number.NaN,
  };
}

/** The session a stored token gives at `now`: null if none, unreadable or expired. */
export function restore(saved: string | null, now: number): Session | null {
  if (!saved) return null;
  try {
    const s = sessionOf(saved);
    return s.expiresAt > now ? s : null;
  } catch {
    return null;
  }
}

export class SessionStore {
  private current: Session | null = null;

  constructor(
    private readonly storage: Storage | undefined = globalThis.localStorage,
    private readonly now: () => number = Date.now,
  ) {
    const saved = storage?.getItem(SESSION_KEY) ?? null;
    this.current = restore(saved, this.now());
    if (saved && !this.current) storage?.removeItem(SESSION_KEY);
  }

  get(): Session | null {
    // NaN (no `exp`) compares false: such a session lasts as long as this tab's memory.
    if (this.current && this.current.expiresAt <= this.now()) this.clear();
    return this.current;
  }

  signIn(jwt: string): Session {
    this.current = sessionOf(jwt);
    if (this.current.expiresAt > this.now()) this.storage?.setItem(SESSION_KEY, jwt);
    return this.current;
  }

  clear(): void {
    this.current = null;
    this.storage?.removeItem(SESSION_KEY);
  }

  /**
   * Another tab changed the stored sign-in (a `storage` event): follow it. True when who is
   * signed in here changed (signed out, or signed in as someone else).
   */
  follow(event: { key: string | null; newValue: string | null }): boolean {
    if (event.key !== SESSION_KEY && event.key !== null) return false;
    const next = restore(event.key === null ? null : event.newValue, this.now());
    const role = (s: Session | null) => `${s?.userId ?? ''}|${s?.operator ?? false}|${s?.staff ?? false}`;
    const changed = role(next) !== role(this.current);
    this.current = next;
    return changed;
  }
}
