// The Web Worker that solves a sale's proof-of-work challenge off the page's thread (the
// solving itself is domain/join-work.ts): one message in, { challenge, bits }, one out,
// the nonce found, how many nonces were hashed and how long it took.

import { solveChallenge } from '../domain/join-work';
import type { WorkDone, WorkOrder } from './join-cost';

interface WorkerScope {
  onmessage: ((e: MessageEvent<WorkOrder>) => void) | null;
  postMessage(message: WorkDone): void;
}

const scope = self as unknown as WorkerScope;

scope.onmessage = (e) => {
  const { challenge, bits } = e.data;
  const started = performance.now();
  const solved = solveChallenge(challenge, bits)!;
  scope.postMessage({ ...solved, bits, ms: performance.now() - started });
};
