// The gate this device scans at, chosen once by the staff member and remembered in
// localStorage (`ticketing.gate`), so a scanner handed over at a shift change keeps its gate.

import { parseGate } from '../domain/gate';

export const GATE_KEY = 'ticketing.gate';

export function savedGate(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): string | null {
  return parseGate(storage?.getItem(GATE_KEY) ?? '');
}

export function saveGate(name: string, storage: Pick<Storage, 'setItem'> | undefined = globalThis.localStorage): void {
  storage?.setItem(GATE_KEY, name);
}
