import { createHash, webcrypto } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { ApiClient, ApiProblem } from '../src/api/client';
import { FanApi } from '../src/api/fan';
import { OperatorApi } from '../src/api/operator';
import type { ConcertNumbers, JoinChallenge, TokenIssued } from '../src/api/types';
import { admissionBody, workBits, workText } from '../src/domain/admission';
import { formValuesOf, newConcertValues, specOf } from '../src/domain/concert-spec';
import { ChallengeHasher, leadingZeroBits, meetsBits, sha256, solveChallenge, workInput, type ProofOfWork } from '../src/domain/join-work';
import { joinPayingWork, solveInSlices, type JoinSteps, type WorkDone } from '../src/fan/join-cost';
import { MESSAGES } from '../src/i18n/messages';

const nodeSha = (text: string) => new Uint8Array(createHash('sha256').update(text, 'utf8').digest());
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
/** A challenge the size of the API's (w1.<concert>.<user>.<bits>.<expiry>.<salt>.<HMAC>). */
const REAL_SIZED = `w1.aurora-live-2026.3f1c2a9e-1b2c-4d5e-8f90-123456789abc.12.1767225600000.0123456789abcdef0123456789abcdef.${'ab'.repeat(32)}`;

describe('the proof of work: counting zero bits', () => {
  test('leading zero bits are counted from byte 0, most significant bit first', () => {
    expect(leadingZeroBits(new Uint8Array([0x80, 0]))).toBe(0);
    expect(leadingZeroBits(new Uint8Array([0x7f]))).toBe(1);
    expect(leadingZeroBits(new Uint8Array([0x01, 0xff]))).toBe(7);
    expect(leadingZeroBits(new Uint8Array([0x00, 0x80]))).toBe(8);
    expect(leadingZeroBits(new Uint8Array([0x00, 0x0f, 0xff]))).toBe(12);
    expect(leadingZeroBits(new Uint8Array([0x00, 0x00, 0x01]))).toBe(23);
    expect(leadingZeroBits(new Uint8Array(32))).toBe(256);
    expect(meetsBits(new Uint8Array([0x00, 0x0f]), 12)).toBe(true);
    expect(meetsBits(new Uint8Array([0x00, 0x1f]), 12)).toBe(false);
    expect(meetsBits(new Uint8Array([0xff]), 0)).toBe(true);
  });

  test('the text hashed is the challenge, a dot and the nonce in decimal', () => {
    expect(workInput('w1-example', 45)).toBe('w1-example.45');
    expect(workInput('c', 1_000_000)).toBe('c.1000000');
  });
});

describe('the proof of work: hashing', () => {
  test('its SHA-256 is SHA-256: against node:crypto for every prefix length across the block edges', () => {
    for (let len = 0; len < 140; len++) {
      const challenge = 'x'.repeat(len);
      const hasher = new ChallengeHasher(challenge);
      for (const nonce of [0, 9, 10, 45, 99_999, 4_294_967_296, Number.MAX_SAFE_INTEGER]) {
        const want = hex(nodeSha(workInput(challenge, nonce)));
        expect(hex(hasher.digest(nonce)), `${len}/${nonce}`).toBe(want);
        expect(hex(sha256(new TextEncoder().encode(workInput(challenge, nonce))))).toBe(want);
        expect(hasher.leadingZeroBits(nonce)).toBe(leadingZeroBits(nodeSha(workInput(challenge, nonce))));
      }
    }
  });

  test('a challenge in UTF-8 beyond ASCII, and one the API\'s size, hash as Node and SubtleCrypto do', async () => {
    for (const challenge of ['콘서트-챌린지', REAL_SIZED]) {
      const hasher = new ChallengeHasher(challenge);
      for (const nonce of [0, 1, 12_345]) {
        const subtle = new Uint8Array(await webcrypto.subtle.digest('SHA-256', new TextEncoder().encode(workInput(challenge, nonce))));
        expect(hex(hasher.digest(nonce))).toBe(hex(subtle));
        expect(hex(hasher.digest(nonce))).toBe(hex(nodeSha(workInput(challenge, nonce))));
      }
    }
  });
});

describe('the proof of work: solving', () => {
  test('the check value: "w1-example" at 8 bits is first solved by nonce 45', () => {
    expect(solveChallenge('w1-example', 8)).toEqual({ nonce: 45, tried: 46 });
    expect(leadingZeroBits(nodeSha('w1-example.45'))).toBeGreaterThanOrEqual(8);
    for (let n = 0; n < 45; n++) expect(leadingZeroBits(nodeSha(`w1-example.${n}`))).toBeLessThan(8);
  });

  test('a solve meets the bits by node:crypto, and is the first nonce that does', () => {
    const solved = solveChallenge(REAL_SIZED, 12)!;
    expect(leadingZeroBits(nodeSha(workInput(REAL_SIZED, solved.nonce)))).toBeGreaterThanOrEqual(12);
    expect(solved.tried).toBe(solved.nonce + 1);
    const earlier = solveChallenge(REAL_SIZED, 12, { maxTries: solved.nonce });
    expect(earlier).toBeNull();
  });

  test('bits of 0 take the first nonce; `from` and `maxTries` bound the search', () => {
    expect(solveChallenge('anything', 0)).toEqual({ nonce: 0, tried: 1 });
    expect(solveChallenge('w1-example', 8, { from: 46, maxTries: 10_000 })!.nonce).toBeGreaterThan(45);
    expect(solveChallenge('w1-example', 8, { maxTries: 45 })).toBeNull();
    expect(solveChallenge('w1-example', 8, { from: 40, maxTries: 6 })).toEqual({ nonce: 45, tried: 6 });
  });

  test('solving in slices (no worker) finds the same nonce and counts every nonce tried', async () => {
    const done = await solveInSlices('w1-example', 8, 10);
    expect(done).toMatchObject({ nonce: 45, tried: 46, bits: 8 });
    expect(done.ms).toBeGreaterThanOrEqual(0);
  });
});

const token: TokenIssued = {
  token: 'q1',
  status: 'WAITING',
  position: 3,
  estimatedWaitSeconds: 10,
  phase: 'ON_SALE',
  opensAt: '2026-01-01T00:00:00Z',
  place: 4,
  pollAfterSeconds: 2,
};

/** Join steps that answer from a script and write down what was asked. */
function steps(joins: (TokenIssued | ApiProblem)[], bits = 8) {
  const log: string[] = [];
  const proofs: (ProofOfWork | undefined)[] = [];
  let n = 0;
  const s: JoinSteps = {
    async join(proof) {
      proofs.push(proof);
      log.push(proof ? `join+${proof.challenge}` : 'join');
      const next = joins.shift()!;
      if (next instanceof ApiProblem) throw next;
      return next;
    },
    async challenge(): Promise<JoinChallenge> {
      n++;
      log.push(`challenge${n}`);
      return { concertId: 'c', challenge: n === 1 ? 'w1-example' : `w1-again-${n}`, bits, expiresAt: '2026-01-01T00:05:00Z' };
    },
    async solve(challenge, b): Promise<WorkDone> {
      log.push(`solve ${challenge}@${b}`);
      return { ...solveChallenge(challenge, b)!, bits: b, ms: 1 };
    },
    checking(b) {
      log.push(b === null ? 'checked' : `checking ${b}`);
    },
  };
  return { s, log, proofs };
}

describe('joining a line that asks a proof of work', () => {
  test('a sale that asks one: challenge, solve (said on screen), then join with the proof', async () => {
    const { s, log, proofs } = steps([token]);
    expect(await joinPayingWork(s, 8)).toBe(token);
    expect(log).toEqual(['challenge1', 'checking 8', 'solve w1-example@8', 'checked', 'join+w1-example']);
    expect(proofs[0]).toEqual({ challenge: 'w1-example', nonce: 45 });
  });

  test('a sale that asks none: one join, no challenge', async () => {
    const { s, log } = steps([token]);
    await joinPayingWork(s, 0);
    expect(log).toEqual(['join']);
  });

  test('428 on a join without a proof (the concert read was older): challenge, solve, join again', async () => {
    const { s, log } = steps([new ApiProblem(428, 'PROOF_OF_WORK_REQUIRED'), token]);
    expect(await joinPayingWork(s, 0)).toBe(token);
    expect(log).toEqual(['join', 'challenge1', 'checking 8', 'solve w1-example@8', 'checked', 'join+w1-example']);
  });

  test('403 PROOF_OF_WORK_INVALID (expired): a new challenge is solved once more', async () => {
    const { s, log, proofs } = steps([new ApiProblem(403, 'PROOF_OF_WORK_INVALID'), token]);
    expect(await joinPayingWork(s, 8)).toBe(token);
    expect(log.filter((l) => l.startsWith('join'))).toEqual(['join+w1-example', 'join+w1-again-2']);
    expect(proofs[1]?.challenge).toBe('w1-again-2');
  });

  test('a proof refused twice is given up with its problem; other problems are not retried', async () => {
    const twice = steps([new ApiProblem(403, 'PROOF_OF_WORK_INVALID'), new ApiProblem(403, 'PROOF_OF_WORK_INVALID'), token]);
    await expect(joinPayingWork(twice.s, 8)).rejects.toMatchObject({ code: 'PROOF_OF_WORK_INVALID' });
    expect(twice.log.filter((l) => l.startsWith('challenge'))).toHaveLength(2);
    const closed = steps([new ApiProblem(409, 'SALE_CLOSED')]);
    await expect(joinPayingWork(closed.s, 0)).rejects.toMatchObject({ code: 'SALE_CLOSED' });
    expect(closed.log).toEqual(['join']);
  });

  test('a challenge of 0 bits (the sale stopped asking) is sent without a word on screen', async () => {
    const { s, log } = steps([token], 0);
    await joinPayingWork(s, 12);
    expect(log).toEqual(['challenge1', 'solve w1-example@0', 'join+w1-example']);
  });
});

/** An ApiClient over a fake fetch that writes down each request and answers `answer`. */
function recorder(answer: unknown = {}, status = 200) {
  const sent: { method: string; url: string; body: unknown }[] = [];
  const client = new ApiClient({
    base: '',
    bearer: () => 'jwt',
    fetch: async (url, init) => {
      sent.push({ method: init?.method ?? 'GET', url: String(url), body: init?.body ? JSON.parse(String(init.body)) : undefined });
      return new Response(JSON.stringify(answer), { status });
    },
  });
  return { client, sent };
}

describe('the requests', () => {
  test('a join without a proof sends only the concert; with one, the challenge and nonce as given', async () => {
    const { client, sent } = recorder(token, 201);
    const fan = new FanApi(client);
    await fan.joinLine('aurora');
    await fan.joinLine('aurora', { challenge: 'w1.x', nonce: 45 });
    expect(sent.map((r) => [r.method, r.url])).toEqual([
      ['POST', '/queue/tokens'],
      ['POST', '/queue/tokens'],
    ]);
    expect(sent[0].body).toEqual({ concertId: 'aurora' });
    expect(sent[1].body).toEqual({ concertId: 'aurora', proofOfWork: { challenge: 'w1.x', nonce: 45 } });
  });

  test('a challenge is asked with the concert alone', async () => {
    const { client, sent } = recorder({ concertId: 'aurora', challenge: 'w1.x', bits: 12, expiresAt: '2026-01-01T00:05:00Z' }, 201);
    const c = await new FanApi(client).joinChallenge('aurora');
    expect(c.bits).toBe(12);
    expect(sent).toEqual([{ method: 'POST', url: '/queue/challenges', body: { concertId: 'aurora' } }]);
  });

  test('the operator sets the bits with the admission numbers, or alone; empty leaves them unchanged', async () => {
    const { client, sent } = recorder({});
    const op = new OperatorApi(client);
    await op.setAdmission('aurora', admissionBody(50, null, '12'));
    await op.setAdmission('aurora', admissionBody(null, null, ''));
    await op.setAdmission('aurora', admissionBody(null, null, '0'));
    expect(sent[0]).toEqual({ method: 'PUT', url: '/operator/concerts/aurora/admission', body: { admitPerTick: 50, activeCap: null, proofOfWorkBits: 12 } });
    expect(sent[1].body).toEqual({ admitPerTick: null, activeCap: null });
    expect(sent[2].body).toEqual({ admitPerTick: null, activeCap: null, proofOfWorkBits: 0 });
    expect([workBits(' '), workBits('16')]).toEqual([undefined, 16]);
  });

  test('the concert form sends its bits in the spec\'s admission, and an edit reads them back', () => {
    const fresh = newConcertValues(Date.parse('2027-01-01T00:00:00Z'), 'abc');
    expect(specOf(fresh).admission).toEqual({ admitPerTick: null, activeCap: null });
    expect(specOf({ ...fresh, proofOfWorkBits: '16' }).admission).toEqual({ admitPerTick: null, activeCap: null, proofOfWorkBits: 16 });
    const view = {
      ...{ concertId: 'c', title: 't', venue: 'v', seatLimit: 4, phase: 'SCHEDULED', version: 1, priceTiers: [], dates: [] },
      ...{ preQueueAt: '2027-01-15T01:00:00Z', opensAt: '2027-01-15T02:00:00Z', closesAt: '2027-02-14T10:00:00Z' },
      refundPolicy: { graceHours: 0, deadlineHours: 0, baseFee: { percent: 10 }, stretches: [] },
      admission: { paused: false, admitPerTick: 50, activeCap: 200 },
      line: { prequeued: 0, cohort: null, waiting: 0, admitted: 0, active: 0 },
      proofOfWorkBits: 12,
    } as unknown as ConcertNumbers;
    expect(formValuesOf(view).proofOfWorkBits).toBe('12');
    expect(specOf(formValuesOf(view)).admission).toEqual({ admitPerTick: 50, activeCap: 200, proofOfWorkBits: 12 });
    // An older server without the field: nothing sent, so nothing changes.
    const older = { ...view, proofOfWorkBits: undefined } as unknown as ConcertNumbers;
    expect(specOf(formValuesOf(older)).admission).toEqual({ admitPerTick: 50, activeCap: 200 });
  });

  test('the live view says the cost in both languages', () => {
    expect(workText(0)).toBe(MESSAGES.opProofOfWorkOff.ko);
    expect(workText(12)).toContain('12');
    expect(workText(12)).toContain((4096).toLocaleString());
    for (const key of ['joinChecking', 'opProofOfWorkBits', 'opProofOfWork', 'opProofOfWorkValue', 'opProofOfWorkOff'] as const) {
      expect(MESSAGES[key].ko).not.toBe('');
      expect(MESSAGES[key].en).not.toBe('');
    }
    expect(MESSAGES.joinChecking.en).toBe('Checking your browser before you join the line…');
  });
});
