import { describe, expect, test } from 'vitest';
import { SESSION_KEY, SessionStore, restore } from '../src/auth/session';

const jwt = (claims: object) => `h.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.s`;

/** A Storage in memory, as localStorage behaves. */
class MemoryStorage implements Storage {
  private readonly items = new Map<string, string>();
  get length() {
    return this.items.size;
  }
  clear() {
    this.items.clear();
  }
  getItem(k: string) {
    return this.items.get(k) ?? null;
  }
  key(i: number) {
    return [...this.items.keys()][i] ?? null;
  }
  removeItem(k: string) {
    this.items.delete(k);
  }
  setItem(k: string, v: string) {
    this.items.set(k, v);
  }
}

const NOW = 1_800_000_000_000;
const fan = jwt({ sub: 'fan-1', exp: NOW / 1000 + 3600 });

describe('a session kept across reloads and tabs, never past its expiry', () => {
  test('a reload (or a new tab) restores the sign-in stored by another', () => {
    const storage = new MemoryStorage();
    new SessionStore(storage, () => NOW).signIn(fan);
    expect(storage.getItem(SESSION_KEY)).toBe(fan);
    expect(new SessionStore(storage, () => NOW + 1000).get()).toMatchObject({ userId: 'fan-1', operator: false });
  });

  test('an expired token is not restored, and is removed from storage', () => {
    const storage = new MemoryStorage();
    storage.setItem(SESSION_KEY, fan);
    expect(new SessionStore(storage, () => NOW + 3600_000).get()).toBeNull();
    expect(storage.getItem(SESSION_KEY)).toBeNull();
  });

  test('a session runs out at its exp while the tab is open', () => {
    const storage = new MemoryStorage();
    let now = NOW;
    const store = new SessionStore(storage, () => now);
    store.signIn(fan);
    now = NOW + 3600_000;
    expect(store.get()).toBeNull();
    expect(storage.getItem(SESSION_KEY)).toBeNull();
  });

  test('a token without exp, or unreadable, is never stored nor restored', () => {
    expect(restore('not-a-jwt', NOW)).toBeNull();
    expect(restore(jwt({ sub: 'x' }), NOW)).toBeNull();
    const storage = new MemoryStorage();
    const store = new SessionStore(storage, () => NOW);
    store.signIn(jwt({ sub: 'x' }));
    expect(store.get()?.userId).toBe('x');
    expect(storage.getItem(SESSION_KEY)).toBeNull();
  });

  test('a sign-out in another tab signs this one out; a sign-in there is followed', () => {
    const storage = new MemoryStorage();
    const here = new SessionStore(storage, () => NOW);
    here.signIn(fan);
    expect(here.follow({ key: SESSION_KEY, newValue: null })).toBe(true);
    expect(here.get()).toBeNull();
    const operator = jwt({ sub: 'op-1', role: 'operator', exp: NOW / 1000 + 60 });
    expect(here.follow({ key: SESSION_KEY, newValue: operator })).toBe(true);
    expect(here.get()).toMatchObject({ userId: 'op-1', operator: true });
    // The same user again (a token renewed elsewhere): nothing to re-render.
    expect(here.follow({ key: SESSION_KEY, newValue: operator })).toBe(false);
    // The same user as gate staff now: another role, another header.
    expect(here.follow({ key: SESSION_KEY, newValue: jwt({ sub: 'op-1', role: 'staff', exp: NOW / 1000 + 60 }) })).toBe(true);
    expect(here.get()).toMatchObject({ userId: 'op-1', operator: false, staff: true });
    // Another key (the language), or storage cleared entirely.
    expect(here.follow({ key: 'ticketing.lang', newValue: 'en' })).toBe(false);
    expect(here.follow({ key: null, newValue: null })).toBe(true);
    expect(here.get()).toBeNull();
  });
});
