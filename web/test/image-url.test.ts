import { describe, expect, test } from 'vitest';
import { cardImage, imageUrlProblem } from '../src/domain/image-url';

// docs/openapi.json, ConcertSpec.imageUrl: an https URL of at most 500 printable ASCII
// characters, with no quotes, angle brackets, backslashes or backticks.
describe('a concert’s picture URL, checked as the API checks it', () => {
  test('an https URL of printable ASCII is taken, query and fragment included', () => {
    for (const url of [
      'https://img.example.com/aurora.jpg',
      'https://img.example.kr/p/1.webp?w=640&h=360#top',
      'https://example.com/a(b)~c_d-e.f,g;h=i@j!k$l%20m*n+o:p[q]r^s{t}u|v',
      `https://example.com/${'a'.repeat(500 - 'https://example.com/'.length)}`,
    ]) {
      expect(imageUrlProblem(url), url).toBeNull();
    }
  });

  test('only https: http, a relative path, another scheme or upper-case HTTPS are refused', () => {
    for (const url of ['http://example.com/a.jpg', '/images/a.jpg', 'javascript:alert(1)', 'data:image/png;base64,AAAA', 'HTTPS://example.com/a.jpg', 'ftp://example.com/a.jpg']) {
      expect(imageUrlProblem(url), url).toBe('not-https');
    }
  });

  test('quotes, angle brackets, a backslash, a backtick, a space or non-ASCII are refused', () => {
    for (const c of ['"', "'", '<', '>', '\\', '`', ' ', '\t', '한', 'é']) {
      expect(imageUrlProblem(`https://example.com/a${c}b.jpg`), JSON.stringify(c)).toBe('invalid');
    }
  });

  test('more than 500 characters is refused', () => {
    expect(imageUrlProblem(`https://example.com/${'a'.repeat(501 - 'https://example.com/'.length)}`)).toBe('too-long');
  });

  test('https:// alone, or with a host that is not one, is refused', () => {
    expect(imageUrlProblem('https://')).toBe('invalid');
    expect(imageUrlProblem('https://exa%mple.com/a.jpg')).toBe('invalid');
  });

  test('a card draws only a URL the API would take, and nothing for none', () => {
    expect(cardImage('https://img.example.com/a.jpg')).toBe('https://img.example.com/a.jpg');
    expect(cardImage(null)).toBeNull();
    expect(cardImage(undefined)).toBeNull();
    expect(cardImage('')).toBeNull();
    expect(cardImage('http://img.example.com/a.jpg')).toBeNull();
    expect(cardImage('https://x.example/"onerror="alert(1)')).toBeNull();
  });
});
