// The wallet statement as the fan reads it: each entry as one row (when, what, the signed
// amount, the balance after), and the pages put together newest first.

import type { Statement, StatementEntry, StatementKind } from '../api/types';
import type { Lang } from '../i18n/lang';
import { entryKindName } from '../i18n/messages';
import { formatWon } from './money';
import { formatMoment } from './time';

/** The entries shown so far, newest first, and the cursor of the older page (null: none). */
export interface StatementPages {
  entries: StatementEntry[];
  next: string | null;
}

export interface StatementRow {
  seq: number;
  kind: StatementKind;
  /** 충전 / Charge, 결제 / Payment, 환불 / Refund, 티켓 보냄 / Ticket passed on... */
  kindLabel: string;
  /** A ticket passed on or received (no money moved): the row leads to the tickets. */
  ticket: boolean;
  /** The RFC 3339 instant, for <time datetime>. */
  at: string;
  when: string;
  /** Money in (a charge, a refund), out (a payment), or a zero amount. */
  direction: 'in' | 'out' | 'none';
  /** +₩500,000 in, -₩165,000 out, ₩0. */
  amount: string;
  balanceAfter: string;
}

/** An amount that moved a balance, with its sign: +₩500,000, -₩165,000, ₩0. */
export function formatSignedWon(amount: number): string {
  return amount > 0 ? `+${formatWon(amount)}` : formatWon(amount);
}

export function statementRow(entry: StatementEntry, lang: Lang): StatementRow {
  return {
    seq: entry.seq,
    kind: entry.kind,
    kindLabel: entryKindName(entry.kind, lang),
    ticket: entry.kind === 'TICKET_SENT' || entry.kind === 'TICKET_RECEIVED',
    at: entry.at,
    when: formatMoment(entry.at, lang),
    direction: entry.amount > 0 ? 'in' : entry.amount < 0 ? 'out' : 'none',
    amount: formatSignedWon(entry.amount),
    balanceAfter: formatWon(entry.balanceAfter),
  };
}

/** The first (newest) page: what is shown starts again from it. */
export function firstPage(page: Statement): StatementPages {
  return addPage({ entries: [], next: null }, page);
}

/**
 * An older page added below the ones shown: newest first by seq, an entry that came twice
 * (a page asked for twice) shown once, and the cursor is the new page's.
 */
export function addPage(shown: StatementPages, page: Statement): StatementPages {
  const bySeq = new Map<number, StatementEntry>();
  for (const e of [...shown.entries, ...page.entries]) bySeq.set(e.seq, e);
  return { entries: [...bySeq.values()].sort((a, b) => b.seq - a.seq), next: page.next };
}
