import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { PROBLEM_MESSAGES, problemMessage } from '../src/i18n/problems';
import { MESSAGES } from '../src/i18n/messages';
import { CLIENT_CODES } from '../src/api/client';

// The contract's own list: a code added to the API without a sentence here fails this test.
const openapi = JSON.parse(readFileSync(fileURLToPath(new URL('../../docs/openapi.json', import.meta.url)), 'utf8'));
const API_CODES: string[] = openapi.components.schemas.Problem.properties.code.enum;

describe('problem codes', () => {
  test('the contract lists the codes', () => {
    expect(API_CODES.length).toBeGreaterThan(20);
    expect(API_CODES).toContain('SEAT_UNAVAILABLE');
  });

  test.each(API_CODES)('%s has a sentence in Korean and in English', (code) => {
    const m = PROBLEM_MESSAGES[code];
    expect(m, `no message for ${code}`).toBeDefined();
    expect(m.ko.trim().length).toBeGreaterThan(5);
    expect(m.en.trim().length).toBeGreaterThan(5);
    expect(m.ko).toMatch(/[가-힣]/); // Korean, not an untranslated copy
    expect(m.en).not.toMatch(/[가-힣]/);
    expect(m.ko).not.toBe(m.en);
  });

  test.each([...CLIENT_CODES])('the app’s own %s has a sentence in Korean and in English', (code) => {
    const m = PROBLEM_MESSAGES[code];
    expect(m, `no message for ${code}`).toBeDefined();
    expect(m.ko).toMatch(/[가-힣]/);
    expect(m.en.trim().length).toBeGreaterThan(5);
    expect(m.en).not.toMatch(/[가-힣]/);
  });

  test('the table has no codes the API and the app do not have', () => {
    const known = new Set<string>([...API_CODES, ...CLIENT_CODES]);
    expect(Object.keys(PROBLEM_MESSAGES).filter((c) => !known.has(c))).toEqual([]);
  });

  test('a code nobody knows gets the general sentence, not nothing', () => {
    expect(problemMessage('SOMETHING_NEW', 'ko')).toBe(PROBLEM_MESSAGES.UNEXPECTED.ko);
    expect(problemMessage('SEAT_UNAVAILABLE', 'en')).toBe('Someone else has just taken this seat. Please choose another one.');
  });

  test('every sentence of the screens exists in both languages', () => {
    for (const [key, m] of Object.entries(MESSAGES)) {
      expect(m.ko.trim(), key).not.toBe('');
      expect(m.en.trim(), key).not.toBe('');
      const holes = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((x) => x[1]).sort();
      expect(holes(m.ko), `${key}: the same placeholders`).toEqual(holes(m.en));
    }
  });
});
