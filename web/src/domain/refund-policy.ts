// A concert's refund schedule (docs/openapi.json, RefundPolicy) as the operator's form writes
// it: whole hours as numbers, and each fee as one short text, "10%", "10% ≤ ₩20,000" (a
// percentage with a cap) or "₩5,000" (a fixed fee). Pure: text in, the policy out (or null
// where the text says nothing valid), and back.

import type { RefundFee, RefundPolicy } from '../api/types';
import { formatWon, parseWon } from './money';

export interface RefundFormValues {
  graceHours: string;
  deadlineHours: string;
  baseFee: string;
  /** Rows of [hoursBefore, fee]. */
  stretches: string[][];
}

/** The schedule a concert gets when none is given (the contract's standard one). */
export const STANDARD_REFUND_POLICY: RefundPolicy = {
  graceHours: 24,
  deadlineHours: 24,
  baseFee: { percent: 0, capKrw: null },
  stretches: [
    { hoursBefore: 240, fee: { percent: 10, capKrw: null } },
    { hoursBefore: 168, fee: { percent: 20, capKrw: null } },
    { hoursBefore: 72, fee: { percent: 30, capKrw: null } },
  ],
};

/**
 * What a fee input accepts (its `pattern`, which the browser compiles with the `v` flag: no
 * unescaped `-` or `(` inside a class).
 */
export const FEE_PATTERN = '\\s*(?:\\d{1,3}\\s*%(?:\\s*≤\\s*₩?[\\d,]+)?|₩?[\\d,]+)\\s*';

export function formatFee(fee: RefundFee): string {
  if ('fixedKrw' in fee) return formatWon(fee.fixedKrw);
  return fee.capKrw === null || fee.capKrw === undefined ? `${fee.percent}%` : `${fee.percent}% ≤ ${formatWon(fee.capKrw)}`;
}

export function parseFee(text: string): RefundFee | null {
  const percent = /^\s*(\d{1,3})\s*%(?:\s*≤\s*(₩?[\d,]+))?\s*$/.exec(text);
  if (percent) {
    const p = Number(percent[1]);
    if (p > 100) return null;
    if (percent[2] === undefined) return { percent: p, capKrw: null };
    const cap = parseWon(percent[2]);
    return cap === null ? null : { percent: p, capKrw: cap };
  }
  const fixed = parseWon(text);
  return fixed === null ? null : { fixedKrw: fixed };
}

export function refundFormValues(p: RefundPolicy): RefundFormValues {
  return {
    graceHours: String(p.graceHours),
    deadlineHours: String(p.deadlineHours),
    baseFee: formatFee(p.baseFee),
    stretches: p.stretches.map((s) => [String(s.hoursBefore), formatFee(s.fee)]),
  };
}

const hours = (text: string): number | null => (/^\s*\d{1,4}\s*$/.test(text) ? Number(text) : null);

/** The policy the form's values describe, or null when a value is not valid. */
export function refundPolicyOf(v: RefundFormValues): RefundPolicy | null {
  const graceHours = hours(v.graceHours);
  const deadlineHours = hours(v.deadlineHours);
  const baseFee = parseFee(v.baseFee);
  if (graceHours === null || deadlineHours === null || baseFee === null) return null;
  const stretches: RefundPolicy['stretches'] = [];
  for (const [before, fee] of v.stretches) {
    if ((before ?? '').trim() === '' && (fee ?? '').trim() === '') continue; // an empty row
    const hoursBefore = hours(before ?? '');
    const parsed = parseFee(fee ?? '');
    if (hoursBefore === null || parsed === null) return null;
    stretches.push({ hoursBefore, fee: parsed });
  }
  return { graceHours, deadlineHours, baseFee, stretches };
}

/** Whether two schedules say the same (a fee's missing cap is no cap). */
export function samePolicy(a: RefundPolicy, b: RefundPolicy): boolean {
  const fee = (f: RefundFee) => ('fixedKrw' in f ? `f${f.fixedKrw}` : `p${f.percent}c${f.capKrw ?? ''}`);
  const key = (p: RefundPolicy) => [p.graceHours, p.deadlineHours, fee(p.baseFee), ...p.stretches.map((s) => `${s.hoursBefore}:${fee(s.fee)}`)].join('|');
  return key(a) === key(b);
}

/** One period of a schedule as a fan reads it for a show: from (null: since paying) until (null: on), and its fee (null: no refund). */
export interface RefundPeriod {
  from: string | null;
  until: string | null;
  fee: RefundFee | null;
}

/** The instant `hours` before a show on `date` (which starts at 00:00 UTC of its date). */
export function hoursBeforeShow(date: string, hours: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d) - hours * 3_600_000).toISOString();
}

/**
 * The schedule in force for a show on `date`, as periods in time order: the base fee until
 * the first stretch begins, each stretch until the next (the nearest one applies), and from
 * the deadline on no refund. Stretches that begin inside the deadline never apply and are
 * left out, and so are periods over by `now` (epoch ms), when given. (The grace period after
 * paying is the schedule's `graceHours`, said apart.)
 */
export function refundPeriods(policy: RefundPolicy, date: string, now?: number): RefundPeriod[] {
  const stretches = policy.stretches.filter((s) => s.hoursBefore > policy.deadlineHours).sort((a, b) => b.hoursBefore - a.hoursBefore);
  const starts = [...stretches.map((s) => hoursBeforeShow(date, s.hoursBefore)), hoursBeforeShow(date, policy.deadlineHours)];
  const periods: RefundPeriod[] = [{ from: null, until: starts[0], fee: policy.baseFee }];
  stretches.forEach((s, i) => periods.push({ from: starts[i], until: starts[i + 1], fee: s.fee }));
  periods.push({ from: starts[starts.length - 1], until: null, fee: null });
  return now === undefined ? periods : periods.filter((p) => p.until === null || Date.parse(p.until) > now);
}

/** Whether a fee is nothing at all: 0%, or ₩0. */
export function freeFee(fee: RefundFee): boolean {
  return 'fixedKrw' in fee ? fee.fixedKrw === 0 : fee.percent === 0;
}
