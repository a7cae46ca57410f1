// The proof of work a sale may ask before a fan joins its line ("a cost for bots", docs
// /openapi.json: POST /queue/challenges, then POST /queue/tokens with `proofOfWork`): find a
// nonce such that SHA-256 of the UTF-8 text `challenge + "." + nonce` (the nonce in decimal)
// starts with `bits` zero bits, counted from the most significant bit of the digest's first
// byte. About 2^bits hashes on average.
//
// The hashing is a small SHA-256 of its own rather than SubtleCrypto: every nonce hashes the
// same long prefix (the challenge is some 170 characters), so the state after the prefix's
// whole 64-byte blocks is worked out once and each nonce costs only the last one or two
// blocks, with no promise per hash. Measured in Chromium this is far faster than awaiting
// crypto.subtle.digest per nonce (web/e2e/results/join-cost.json). Pure and synchronous:
// unit-tested under Node, run in a Web Worker by fan/join-work.worker.ts.

/** The most a sale may ask (docs/openapi.json, Concert.proofOfWorkBits). */
export const MAX_WORK_BITS = 24;

/** What the fan sends back with the join (docs/openapi.json, IssueTokenRequest.proofOfWork). */
export interface ProofOfWork {
  challenge: string;
  nonce: number;
}

/** A solve: the nonce found and how many nonces were hashed to find it (nonce + 1 from 0). */
export interface Solved {
  nonce: number;
  tried: number;
}

/** The text hashed for a nonce: the challenge, a dot, the nonce in decimal. */
export function workInput(challenge: string, nonce: number): string {
  return `${challenge}.${nonce}`;
}

/** How many zero bits the digest starts with (big-endian, byte 0's most significant bit first). */
export function leadingZeroBits(digest: Uint8Array): number {
  let bits = 0;
  for (const byte of digest) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

/** Whether the digest starts with at least `bits` zero bits (0 or less: any digest). */
export function meetsBits(digest: Uint8Array, bits: number): boolean {
  return leadingZeroBits(digest) >= bits;
}

// SHA-256 (FIPS 180-4).
const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const IV = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);

/** One compression: `state` (8 words) updated with the 64-byte block at `bytes[offset..]`; `w` is scratch (64 words). */
function compress(state: Uint32Array, bytes: Uint8Array, offset: number, w: Uint32Array): void {
  for (let i = 0; i < 16; i++) {
    const j = offset + 4 * i;
    w[i] = (bytes[j] << 24) | (bytes[j + 1] << 16) | (bytes[j + 2] << 8) | bytes[j + 3];
  }
  for (let i = 16; i < 64; i++) {
    const a = w[i - 15];
    const b = w[i - 2];
    const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
    const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
    w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
  }
  let a = state[0] | 0;
  let b = state[1] | 0;
  let c = state[2] | 0;
  let d = state[3] | 0;
  let e = state[4] | 0;
  let f = state[5] | 0;
  let g = state[6] | 0;
  let h = state[7] | 0;
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const ch = (e & f) ^ (~e & g);
    const t1 = (h + S1 + ch + K[i] + w[i]) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = (S0 + maj) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] += a;
  state[1] += b;
  state[2] += c;
  state[3] += d;
  state[4] += e;
  state[5] += f;
  state[6] += g;
  state[7] += h;
}

const utf8 = new TextEncoder();

/**
 * SHA-256 of `challenge + "." + nonce` for many nonces: the state after the prefix's whole
 * blocks is kept, so a nonce costs the last one or two blocks.
 */
export class ChallengeHasher {
  private readonly mid = new Uint32Array(8);
  private readonly state = new Uint32Array(8);
  private readonly w = new Uint32Array(64);
  /** The prefix's bytes after its whole blocks, then room for the nonce and the padding. */
  private readonly tail = new Uint8Array(128);
  private readonly rest: number;
  private readonly prefixBytes: number;

  constructor(challenge: string) {
    const prefix = utf8.encode(`${challenge}.`);
    this.prefixBytes = prefix.length;
    this.mid.set(IV);
    const whole = prefix.length - (prefix.length % 64);
    for (let at = 0; at < whole; at += 64) compress(this.mid, prefix, at, this.w);
    this.rest = prefix.length - whole;
    this.tail.set(prefix.subarray(whole));
  }

  /** Hashes the nonce; the digest's words are then read by `leadingZeroBits` and `digest`. */
  private run(nonce: number): void {
    const tail = this.tail;
    const digits = String(nonce);
    let at = this.rest;
    for (let i = 0; i < digits.length; i++) tail[at++] = digits.charCodeAt(i);
    const used = at; // bytes of message in the tail
    const blocks = used + 9 <= 64 ? 1 : 2;
    const end = blocks * 64;
    tail[at++] = 0x80;
    tail.fill(0, at, end - 8);
    // The length in bits, big-endian, in the last 8 bytes (below 2^53: a message under 1 PB).
    const bitLength = (this.prefixBytes + digits.length) * 8;
    const high = Math.floor(bitLength / 0x1_0000_0000);
    const low = bitLength >>> 0;
    tail[end - 8] = high >>> 24;
    tail[end - 7] = (high >>> 16) & 0xff;
    tail[end - 6] = (high >>> 8) & 0xff;
    tail[end - 5] = high & 0xff;
    tail[end - 4] = low >>> 24;
    tail[end - 3] = (low >>> 16) & 0xff;
    tail[end - 2] = (low >>> 8) & 0xff;
    tail[end - 1] = low & 0xff;
    this.state.set(this.mid);
    compress(this.state, tail, 0, this.w);
    if (blocks === 2) compress(this.state, tail, 64, this.w);
  }

  /** How many zero bits SHA-256(challenge + "." + nonce) starts with. */
  leadingZeroBits(nonce: number): number {
    this.run(nonce);
    let bits = 0;
    for (let i = 0; i < 8; i++) {
      const word = this.state[i];
      if (word !== 0) return bits + Math.clz32(word);
      bits += 32;
    }
    return bits;
  }

  /** SHA-256(challenge + "." + nonce), 32 bytes. */
  digest(nonce: number): Uint8Array {
    this.run(nonce);
    const out = new Uint8Array(32);
    for (let i = 0; i < 8; i++) {
      const word = this.state[i];
      out[4 * i] = word >>> 24;
      out[4 * i + 1] = (word >>> 16) & 0xff;
      out[4 * i + 2] = (word >>> 8) & 0xff;
      out[4 * i + 3] = word & 0xff;
    }
    return out;
  }
}

/** SHA-256 of a whole message (this module's own hashing, for checks). */
export function sha256(message: Uint8Array): Uint8Array {
  const state = new Uint32Array(IV);
  const w = new Uint32Array(64);
  const whole = message.length - (message.length % 64);
  for (let at = 0; at < whole; at += 64) compress(state, message, at, w);
  const rest = message.length - whole;
  const blocks = rest + 9 <= 64 ? 1 : 2;
  const tail = new Uint8Array(blocks * 64);
  tail.set(message.subarray(whole));
  tail[rest] = 0x80;
  const view = new DataView(tail.buffer);
  const bitLength = message.length * 8;
  view.setUint32(tail.length - 8, Math.floor(bitLength / 0x1_0000_0000));
  view.setUint32(tail.length - 4, bitLength >>> 0);
  for (let at = 0; at < tail.length; at += 64) compress(state, tail, at, w);
  const out = new Uint8Array(32);
  const outView = new DataView(out.buffer);
  state.forEach((word, i) => outView.setUint32(4 * i, word));
  return out;
}

export interface SolveOptions {
  /** The first nonce tried (default 0); nonces are tried upwards from it. */
  from?: number;
  /** Give up (null) after this many nonces; default: no limit. */
  maxTries?: number;
}

/**
 * The first nonce from `from` upwards whose SHA-256(challenge + "." + nonce) starts with
 * `bits` zero bits, and how many were hashed; null if `maxTries` ran out first. Bits of 0
 * or less are met by the first nonce.
 */
export function solveChallenge(challenge: string, bits: number, options: SolveOptions = {}): Solved | null {
  const from = options.from ?? 0;
  const maxTries = options.maxTries ?? Number.MAX_SAFE_INTEGER;
  if (bits <= 0) return { nonce: from, tried: 1 };
  const hasher = new ChallengeHasher(challenge);
  for (let tried = 1; tried <= maxTries; tried++) {
    const nonce = from + tried - 1;
    if (hasher.leadingZeroBits(nonce) >= bits) return { nonce, tried };
  }
  return null;
}
