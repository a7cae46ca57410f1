import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { statementPath } from '../src/api/fan';
import type { Statement, StatementEntry } from '../src/api/types';
import { STATEMENT_KINDS } from '../src/api/types';
import { addPage, firstPage, formatSignedWon, statementRow } from '../src/domain/statement';
import { formatMoment } from '../src/domain/time';
import { entryKindName } from '../src/i18n/messages';

const AT = '2026-12-24T10:00:00Z';
const entry = (seq: number, kind: StatementEntry['kind'], amount: number, balanceAfter: number, reference: string | null = null): StatementEntry => ({
  seq,
  kind,
  amount,
  balanceAfter,
  at: AT,
  reference,
});
const page = (entries: StatementEntry[], next: string | null): Statement => ({ userId: 'u', entries, next });

describe('the wallet statement', () => {
  test('each kind has words in Korean and in English', () => {
    expect(STATEMENT_KINDS.map((k) => entryKindName(k, 'ko'))).toEqual(['충전', '결제', '환불', '티켓 보냄', '티켓 받음']);
    expect(STATEMENT_KINDS.map((k) => entryKindName(k, 'en'))).toEqual(['Charge', 'Payment', 'Refund', 'Ticket passed on', 'Ticket received']);
  });

  test('the contract’s kinds are the app’s', () => {
    const openapi = JSON.parse(readFileSync(fileURLToPath(new URL('../../docs/openapi.json', import.meta.url)), 'utf8'));
    expect(openapi.components.schemas.StatementEntry.properties.kind.enum).toEqual([...STATEMENT_KINDS]);
  });

  test('amounts show their sign: money in with +, money out with -, nothing moved without one', () => {
    expect(formatSignedWon(500_000)).toBe('+₩500,000');
    expect(formatSignedWon(-165_000)).toBe('-₩165,000');
    expect(formatSignedWon(0)).toBe('₩0');
  });

  test('a payment is a row: when, the kind as words, the signed amount and the balance after', () => {
    const payment = entry(3, 'PAYMENT', -165_000, 35_000, 'p-1');
    expect(statementRow(payment, 'ko')).toEqual({
      seq: 3,
      kind: 'PAYMENT',
      kindLabel: '결제',
      at: AT,
      when: formatMoment(AT, 'ko'),
      direction: 'out',
      amount: '-₩165,000',
      balanceAfter: '₩35,000',
      ticket: false,
    });
    const en = statementRow(payment, 'en');
    expect(en.kindLabel).toBe('Payment');
    expect(en.when).toBe(formatMoment(AT, 'en'));
    expect(en.amount).toBe('-₩165,000'); // money reads the same in both languages
  });

  test('charges and refunds are money in; a zero amount is neither in nor out', () => {
    expect(statementRow(entry(1, 'CHARGE', 200_000, 200_000), 'ko')).toMatchObject({ kindLabel: '충전', direction: 'in', amount: '+₩200,000', balanceAfter: '₩200,000' });
    expect(statementRow(entry(4, 'REFUND', 148_500, 183_500, 'r-1'), 'en')).toMatchObject({ kindLabel: 'Refund', direction: 'in', amount: '+₩148,500', balanceAfter: '₩183,500' });
    expect(statementRow(entry(5, 'REFUND', 0, 183_500, 'r-2'), 'ko')).toMatchObject({ direction: 'none', amount: '₩0' });
  });

  test('a ticket passed on or received moves no money and leads to the tickets', () => {
    expect(statementRow(entry(6, 'TICKET_SENT', 0, 183_500, 'rid'), 'en')).toMatchObject({ kindLabel: 'Ticket passed on', direction: 'none', amount: '₩0', balanceAfter: '₩183,500', ticket: true });
    expect(statementRow(entry(1, 'TICKET_RECEIVED', 0, 0, 'rid'), 'ko')).toMatchObject({ kindLabel: '티켓 받음', direction: 'none', ticket: true });
    expect(statementRow(entry(7, 'REFUND', 0, 183_500, 'r-2'), 'ko').ticket).toBe(false);
  });

  test('older pages go below, newest first, with the new page’s cursor', () => {
    let shown = firstPage(page([entry(5, 'REFUND', 1, 6), entry(4, 'PAYMENT', -2, 5)], '4'));
    expect(shown.next).toBe('4');
    shown = addPage(shown, page([entry(3, 'PAYMENT', -3, 7), entry(2, 'CHARGE', 5, 10)], '2'));
    expect(shown.entries.map((e) => e.seq)).toEqual([5, 4, 3, 2]);
    expect(shown.next).toBe('2');
    shown = addPage(shown, page([entry(1, 'CHARGE', 5, 5)], null));
    expect(shown.entries.map((e) => e.seq)).toEqual([5, 4, 3, 2, 1]);
    expect(shown.next).toBeNull();
  });

  test('an entry that comes twice is shown once; the first page starts afresh', () => {
    const shown = addPage(firstPage(page([entry(3, 'PAYMENT', -3, 7), entry(2, 'CHARGE', 5, 10)], '2')), page([entry(2, 'CHARGE', 5, 10), entry(1, 'CHARGE', 5, 5)], null));
    expect(shown.entries.map((e) => e.seq)).toEqual([3, 2, 1]);
    expect(firstPage(page([], null))).toEqual({ entries: [], next: null });
  });

  test('the route: the newest page has no cursor; a cursor is passed on as it came', () => {
    expect(statementPath('u-1')).toBe('/users/u-1/statement');
    expect(statementPath('u-1', '3')).toBe('/users/u-1/statement?cursor=3');
    expect(statementPath('u 1', 'a+b/c=', 50)).toBe('/users/u%201/statement?limit=50&cursor=a%2Bb%2Fc%3D');
  });
});
