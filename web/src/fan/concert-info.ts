// The public concert list, read once in a while and shared by the screens that show a
// concert's title and sale window.

import type { App } from '../app';
import type { ConcertListing as Concert } from '../api/types';

let cached: { at: number; concerts: Concert[] } | null = null;

export async function concerts(app: App, maxAgeMs = 5000): Promise<Concert[]> {
  if (!cached || Date.now() - cached.at > maxAgeMs) cached = { at: Date.now(), concerts: await app.fan.concerts() };
  return cached.concerts;
}

export async function concertById(app: App, concertId: string): Promise<Concert | undefined> {
  return (await concerts(app)).find((c) => c.concertId === concertId);
}

/** Phases in which a new place in line is given. */
export function joinable(c: Concert): boolean {
  return c.phase === 'PRE_QUEUE' || c.phase === 'ON_SALE' || c.phase === 'PAUSED';
}
