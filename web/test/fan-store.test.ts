import { describe, expect, test } from 'vitest';
import type { Reservation } from '../src/api/types';
import { FanStore } from '../src/fan/fan-store';

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

const hold = (id: string, seatNumber: number): Reservation => ({
  reservationId: id,
  status: 'HELD',
  concertId: 'c',
  date: '2026-12-24',
  seatNumber,
  price: 110_000,
  expiresAt: '2026-12-24T00:05:00Z',
});

describe('what the fan’s browser remembers', () => {
  test('holds kept are read back, here and in another tab of the same fan', () => {
    const storage = new MemoryStorage();
    const here = new FanStore('u1', storage);
    const there = new FanStore('u1', storage);
    here.keepHold(hold('a', 1));
    there.keepHold(hold('b', 2));
    expect(here.holds('c').map((h) => h.reservationId)).toEqual(['a', 'b']);
    here.dropHolds(['a']);
    expect(there.holds('c').map((h) => h.reservationId)).toEqual(['b']);
    expect(new FanStore('u2', storage).holds('c')).toEqual([]);
  });

  test('holds made together join the holds in one write, each once, as single holds do', () => {
    const storage = new MemoryStorage();
    const store = new FanStore('u1', storage);
    store.keepHold(hold('a', 1));
    store.keepHolds([hold('b', 14), hold('c', 15)]);
    expect(store.holds('c').map((h) => [h.reservationId, h.seatNumber])).toEqual([['a', 1], ['b', 14], ['c', 15]]);
    // The same holds again (a retry answered with them): no double.
    store.keepHolds([hold('b', 14), hold('c', 15), hold('c', 15)]);
    expect(new FanStore('u1', storage).holds('c').map((h) => h.reservationId)).toEqual(['a', 'b', 'c']);
    store.keepHolds([]);
    expect(store.holds('c')).toHaveLength(3);
  });

  test('a place in line is kept until left', () => {
    const store = new FanStore('u1', new MemoryStorage());
    store.setPlace('c', { token: 't', place: 3, startPosition: 2, activeUntil: null });
    expect(store.place('c')?.token).toBe('t');
    store.leaveLine('c');
    expect(store.place('c')).toBeUndefined();
  });
});
