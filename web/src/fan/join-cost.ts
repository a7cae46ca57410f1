// Joining a line that asks a proof of work (docs/openapi.json: POST /queue/challenges, then
// POST /queue/tokens with `proofOfWork`). When the concert says it asks one (proofOfWorkBits
// > 0), or when a join without one is answered 428 PROOF_OF_WORK_REQUIRED (the concert read
// was older than the operator's change), a challenge is taken and solved in a Web Worker
// (join-work.worker.ts), so the page stays responsive, and the join carries the proof. A
// proof refused (403 PROOF_OF_WORK_INVALID: expired, or the sale asks more bits now) is
// solved again once with a new challenge. A fan already in line is answered with their token
// and never pays.

import { ApiProblem } from '../api/client';
import type { JoinChallenge, TokenIssued } from '../api/types';
import { solveChallenge, type ProofOfWork, type Solved } from '../domain/join-work';

/** What the worker is sent. */
export interface WorkOrder {
  challenge: string;
  bits: number;
}

/** What the worker answers: the solve, its bits and how long it took (ms, in the worker). */
export interface WorkDone extends Solved {
  bits: number;
  ms: number;
}

export interface JoinSteps {
  /** POST /queue/tokens, with the proof when there is one. */
  join(proof?: ProofOfWork): Promise<TokenIssued>;
  /** POST /queue/challenges. */
  challenge(): Promise<JoinChallenge>;
  /** Find the nonce (in a worker, in the app). */
  solve(challenge: string, bits: number): Promise<WorkDone>;
  /** Told when solving starts (with the bits) and when it ends (null), to say so on screen. */
  checking?(bits: number | null): void;
}

const REQUIRED = 'PROOF_OF_WORK_REQUIRED';
const INVALID = 'PROOF_OF_WORK_INVALID';

/**
 * Join, paying the sale's proof of work when it asks one: solved first when `askedBits` > 0,
 * else only after a 428; a refused proof is replaced once. Any other failure is thrown as it came.
 */
export async function joinPayingWork(steps: JoinSteps, askedBits: number): Promise<TokenIssued> {
  const prove = async (): Promise<ProofOfWork> => {
    const c = await steps.challenge();
    if (c.bits > 0) steps.checking?.(c.bits);
    try {
      const solved = await steps.solve(c.challenge, c.bits);
      return { challenge: c.challenge, nonce: solved.nonce };
    } finally {
      if (c.bits > 0) steps.checking?.(null);
    }
  };
  let proof = askedBits > 0 ? await prove() : undefined;
  let resolves = 1;
  for (;;) {
    try {
      return await steps.join(proof);
    } catch (e) {
      const code = e instanceof ApiProblem ? e.code : '';
      if (code === REQUIRED && proof === undefined) {
        proof = await prove();
      } else if ((code === REQUIRED || code === INVALID) && resolves > 0) {
        resolves--;
        proof = await prove();
      } else {
        throw e;
      }
    }
  }
}

/** Nonces hashed between two yields to the page when no worker can be started. */
const SLICE = 20_000;

/**
 * Solve in a Web Worker; where none can be started (or it fails to load), on the page's own
 * thread in slices that let the page paint and answer in between.
 */
export function solveInWorker(challenge: string, bits: number): Promise<WorkDone> {
  let worker: Worker;
  try {
    worker = new Worker(new URL('./join-work.worker.ts', import.meta.url), { type: 'module' });
  } catch {
    return solveInSlices(challenge, bits);
  }
  return new Promise<WorkDone>((resolve) => {
    worker.onmessage = (e: MessageEvent<WorkDone>) => {
      worker.terminate();
      resolve(e.data);
    };
    worker.onerror = (e) => {
      e.preventDefault();
      worker.terminate();
      resolve(solveInSlices(challenge, bits));
    };
    worker.postMessage({ challenge, bits } satisfies WorkOrder);
  });
}

/** The same solve on this thread, `SLICE` nonces at a time with a pause between. */
export async function solveInSlices(challenge: string, bits: number, slice = SLICE): Promise<WorkDone> {
  const started = performance.now();
  for (let from = 0; ; from += slice) {
    const solved = solveChallenge(challenge, bits, { from, maxTries: slice });
    if (solved) return { nonce: solved.nonce, tried: from + solved.tried, bits, ms: performance.now() - started };
    await new Promise((r) => setTimeout(r, 0));
  }
}
