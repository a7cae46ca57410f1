// The signed-in user: the JWT (kept in sessionStorage: gone with the tab, never in
// localStorage), who it names (`sub`) and whether they are an operator. The claims are read
// only to know who is signed in; the API is what verifies the token.

export interface Session {
  token: string;
  userId: string;
  operator: boolean;
  /** Epoch milliseconds. */
  expiresAt: number;
}

const STORAGE_KEY = 'ticketing.session';

export function claimsOf(jwt: string): Record<string, unknown> {
  const payload = jwt.split('.')[1];
  if (!payload) throw new Error('not a JWT');
  const base64 = payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
}

/** A session from a JWT: operators carry the Cognito group `operators` (or role=operator). */
export function sessionOf(jwt: string): Session {
  const claims = claimsOf(jwt);
  if (typeof claims.sub !== 'string') throw new Error('the token names no user');
  const groups = Array.isArray(claims['cognito:groups']) ? claims['cognito:groups'] : [];
  return {
    token: jwt,
    userId: claims.sub,
    operator: groups.includes('operators') || claims.role === 'operator',
    expiresAt: typeof claims.exp === 'number' ? claims.exp * 1000 : Number.MAX_SAFE_INTEGER,
  };
}

export class SessionStore {
  private current: Session | null = null;

  constructor(private readonly storage: Storage | undefined = globalThis.sessionStorage) {
    const saved = storage?.getItem(STORAGE_KEY);
    if (saved) {
      try {
        const s = sessionOf(saved);
        if (s.expiresAt > Date.now()) this.current = s;
      } catch {
        storage?.removeItem(STORAGE_KEY);
      }
    }
  }

  get(): Session | null {
    if (this.current && this.current.expiresAt <= Date.now()) this.clear();
    return this.current;
  }

  signIn(jwt: string): Session {
    this.current = sessionOf(jwt);
    this.storage?.setItem(STORAGE_KEY, jwt);
    return this.current;
  }

  clear(): void {
    this.current = null;
    this.storage?.removeItem(STORAGE_KEY);
  }
}
