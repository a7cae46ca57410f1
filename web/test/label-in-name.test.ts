// WCAG 2.5.3, label in name: a control whose accessible name (aria-label) differs from the
// words it shows must contain those words, as words of their own and in order, in both
// languages: speech input ("click Cancel hold") goes by what is shown. The check is the one
// axe-core's label-content-name-mismatch makes: lower case, NFKD, parentheticals dropped,
// anything not a letter or a digit a space; the shown words a contiguous run of the name's.

import { describe, expect, test } from 'vitest';
import { LANGS } from '../src/i18n/lang';
import { t, type MessageKey } from '../src/i18n/messages';
import { whileBusy } from '../src/ui/widgets';

function words(text: string): string[] {
  let s = text.normalize('NFKD').toLowerCase();
  for (let before = ''; before !== s; ) [before, s] = [s, s.replace(/\([^()]*\)/g, '')];
  return s.replace(/[^\p{L}\p{N}]+/gu, ' ').trim().split(' ').filter(Boolean);
}

function labelInName(shown: string, name: string): boolean {
  const label = words(shown);
  const all = words(name);
  if (label.length === 0) return true;
  for (let i = 0; i + label.length <= all.length; i++) if (label.every((w, j) => all[i + j] === w)) return true;
  return false;
}

// Every control with an aria-label over words of its own: [its name, the words it shows, the
// values filled in]. A new one belongs here.
const CONTROLS: [MessageKey, MessageKey, Record<string, string | number>][] = [
  ['switchLanguageLabel', 'switchLanguage', {}],
  ['cancelHoldOf', 'cancelHold', { n: 7 }],
  ['refundSeat', 'refund', { n: 7 }],
  ['copyAccountIdLabel', 'copyAccountId', {}],
  ['openTicketOf', 'openTicket', { booking: 'JR3AZ-JVSDA' }],
  ['viewTicketOf', 'viewTicket', { booking: 'JR3AZ-JVSDA' }],
  ['viewReceiptOf', 'viewReceipt', { ref: '8F3A2C1B' }],
  ['chooseSeatsOn', 'chooseSeats', { date: '2026-05-01' }],
  ['joinLineFor', 'joinLine', { title: 'Aurora Live' }],
  ['backToLine', 'backToLine', {}],
  ['opRemoveRow', 'opRemove', { n: 2 }],
];

describe('label in name (WCAG 2.5.3)', () => {
  for (const lang of LANGS) {
    test.each(CONTROLS)(`${lang}: the name %s contains the shown words of %s`, (name, shown, vars) => {
      expect(labelInName(t(shown, vars, lang), t(name, vars, lang)), `${t(name, vars, lang)} / ${t(shown, vars, lang)}`).toBe(true);
    });
  }

  test('the names still say which seat, ticket or payment', () => {
    expect(t('cancelHoldOf', { n: 7 }, 'en')).toBe('Cancel hold on seat 7');
    expect(t('cancelHoldOf', { n: 7 }, 'ko')).toBe('7번 좌석 선점 취소');
    expect(t('refundSeat', { n: 7 }, 'en')).toBe('Refund seat 7');
    expect(t('copyAccountIdLabel', {}, 'en')).toBe('Copy ID of your account');
    expect(t('switchLanguageLabel', {}, 'en')).toBe('한국어 화면으로 보기');
  });

  test('a seat is named after the number it shows', () => {
    for (const lang of LANGS) expect(labelInName('17', t('seatLabel', { n: 17, price: '₩99,000', state: t('seatState_free', {}, lang) }, lang))).toBe(true);
  });

  test('the check is axe’s: a word glued to a particle or a missing word is a mismatch', () => {
    expect(labelInName('한국어', '한국어로 보기')).toBe(false);
    expect(labelInName('Cancel hold', 'Cancel the hold on seat 7')).toBe(false);
    expect(labelInName('Copy ID', 'Copy the account ID')).toBe(false);
    expect(labelInName('View receipt', 'View receipt (8F3A2C1B)')).toBe(true);
  });
});

/** Just what whileBusy touches of a button. */
function fakeButton(text: string, attrs: Record<string, string>) {
  const a = new Map(Object.entries(attrs));
  return {
    textContent: text,
    getAttribute: (k: string) => a.get(k) ?? null,
    setAttribute: (k: string, v: string) => void a.set(k, v),
    removeAttribute: (k: string) => void a.delete(k),
    hasAttribute: (k: string) => a.has(k),
  };
}

describe('a busy button', () => {
  test('is named by its busy words, and gets its name back after', async () => {
    const b = fakeButton('Cancel hold', { 'aria-label': 'Cancel hold on seat 7' });
    let during: (string | null)[] = [];
    await whileBusy(b as unknown as HTMLButtonElement, 'Loading…', async () => {
      during = [b.textContent, b.getAttribute('aria-label'), b.getAttribute('aria-busy')];
    });
    expect(during).toEqual(['Loading…', null, 'true']);
    expect([b.textContent, b.getAttribute('aria-label'), b.getAttribute('aria-busy')]).toEqual(['Cancel hold', 'Cancel hold on seat 7', null]);
  });

  test('one without a name stays without', async () => {
    const b = fakeButton('Pay ₩99,000', {});
    await whileBusy(b as unknown as HTMLButtonElement, 'Paying…', async () => {});
    expect([b.textContent, b.getAttribute('aria-label')]).toEqual(['Pay ₩99,000', null]);
  });
});
