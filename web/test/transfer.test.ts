import { describe, expect, test } from 'vitest';
import { parseReceiver, shortAccountId, type ReceiverProblem } from '../src/domain/transfer';
import { MESSAGES } from '../src/i18n/messages';

const ME = '6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f';
const FRIEND = '0b7e4a52-6c1f-4d2a-9a53-1f0e8c9d7b21';

describe('the receiver of a transfer, as typed', () => {
  test('an account id is taken as pasted, with spaces around or inside and in upper case', () => {
    expect(parseReceiver(FRIEND, ME)).toEqual({ ok: true, userId: FRIEND });
    expect(parseReceiver(`  ${FRIEND}\n`, ME)).toEqual({ ok: true, userId: FRIEND });
    expect(parseReceiver(FRIEND.toUpperCase(), ME)).toEqual({ ok: true, userId: FRIEND });
    expect(parseReceiver('0b7e4a52-6c1f-4d2a- 9a53-1f0e8c9d7b21', ME)).toEqual({ ok: true, userId: FRIEND });
  });

  test('nothing typed is asked for, not sent', () => {
    expect(parseReceiver('', ME)).toEqual({ ok: false, problem: 'empty' });
    expect(parseReceiver('   ', ME)).toEqual({ ok: false, problem: 'empty' });
  });

  test('anything that is not a whole account id is refused before it is sent', () => {
    for (const typed of [
      FRIEND.slice(0, -1), // one digit short
      `${FRIEND}0`, // one too many
      FRIEND.replace(/-/g, ''), // no dashes
      FRIEND.replace('b', 'g'), // not hex
      shortAccountId(FRIEND), // the shortened form shown on a received ticket
      'friend@example.com', // a sign-in name, not the account id
      `{${FRIEND}}`,
    ]) {
      expect(parseReceiver(typed, ME), typed).toEqual({ ok: false, problem: 'invalid' });
    }
  });

  test('one’s own account id is refused (the API answers 400 to a transfer to oneself)', () => {
    expect(parseReceiver(ME, ME)).toEqual({ ok: false, problem: 'self' });
    expect(parseReceiver(ME.toUpperCase(), ME)).toEqual({ ok: false, problem: 'self' });
  });

  test('every refusal has words in both languages', () => {
    const problems: ReceiverProblem[] = ['empty', 'invalid', 'self'];
    for (const p of problems) {
      const m = MESSAGES[`receiver_${p}`];
      expect(m.ko).toMatch(/[가-힣]/);
      expect(m.en).toMatch(/[a-z]/);
    }
  });
});

describe('an account id on screen', () => {
  test('shortened to its first 8 and last 4 digits, never the whole id', () => {
    expect(shortAccountId(FRIEND)).toBe('0b7e4a52…7b21');
    expect(shortAccountId('abc')).toBe('abc');
  });
});

describe('the transfer dialog’s wording', () => {
  test('says, in both languages, that it is at face value, that no money moves and that one’s own code stops at once', () => {
    expect(MESSAGES.transferFaceValue.ko).toContain('정가');
    expect(MESSAGES.transferFaceValue.ko).toContain('돈이 오가지 않습니다');
    expect(MESSAGES.transferFaceValue.en).toContain('face value');
    expect(MESSAGES.transferFaceValue.en).toContain('no money moves');
    expect(MESSAGES.transferCodeStops.ko).toContain('즉시');
    expect(MESSAGES.transferCodeStops.ko).toContain('QR 코드');
    expect(MESSAGES.transferCodeStops.en).toContain('stops working the moment you confirm');
  });
});
