// A sale's admission settings as the operator sets them (PUT /operator/concerts/{id}/admission,
// and a ConcertSpec's `admission`): the numbers of the line, and the proof of work a join
// costs, in bits (docs/openapi.json, AdmissionNumbers).

import type { AdmissionNumbers } from '../api/types';
import { t } from '../i18n/messages';

/**
 * The body for the numbers as typed: admitPerTick and activeCap null when empty (the
 * defaults); proofOfWorkBits, which may not be null, left out when empty (unchanged).
 */
export function admissionBody(admitPerTick: number | null, activeCap: number | null, proofOfWorkBits: string): AdmissionNumbers {
  const body: AdmissionNumbers = { admitPerTick, activeCap };
  const bits = workBits(proofOfWorkBits);
  if (bits !== undefined) body.proofOfWorkBits = bits;
  return body;
}

/** The proof-of-work bits as typed: undefined when empty, else the number (the API checks 0..24). */
export function workBits(typed: string): number | undefined {
  return typed.trim() === '' ? undefined : Number(typed);
}

/** The proof of work a join costs, in words: off, or its bits and about how many hashes (2^bits). */
export function workText(bits: number): string {
  if (bits <= 0) return t('opProofOfWorkOff');
  return t('opProofOfWorkValue', { n: bits, hashes: (2 ** bits).toLocaleString() });
}
