// The language of the app: Korean first, English on request, remembered across visits.

export type Lang = 'ko' | 'en';
export const LANGS: readonly Lang[] = ['ko', 'en'];

const STORAGE_KEY = 'ticketing.lang';
let current: Lang = 'ko';
const listeners = new Set<(lang: Lang) => void>();

export function lang(): Lang {
  return current;
}

/** Reads the remembered choice; anything else is Korean. */
export function loadLang(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): Lang {
  const saved = storage?.getItem(STORAGE_KEY);
  current = saved === 'en' ? 'en' : 'ko';
  return current;
}

export function setLang(next: Lang, storage: Pick<Storage, 'setItem'> | undefined = globalThis.localStorage): void {
  current = next;
  storage?.setItem(STORAGE_KEY, next);
  listeners.forEach((l) => l(next));
}

export function onLangChange(listener: (lang: Lang) => void): void {
  listeners.add(listener);
}
