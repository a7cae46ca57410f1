import { describe, expect, test } from 'vitest';
import { escapeText, foldLine, icsFor, icsHref, nextDay } from '../src/domain/calendar';

const event = {
  uid: '0b7e4a52-6c1f-4d2a-9a53-1f0e8c9d7b21@concert-tickets',
  date: '2026-03-15',
  summary: 'Aurora Live 2026',
  location: 'Olympic Hall, Seoul',
  description: 'Booking number 7K3QD-M2XWA; seat 12',
  stamp: Date.UTC(2026, 0, 2, 3, 4, 5, 678),
};

describe('the ticket’s calendar file (RFC 5545)', () => {
  test('one all-day event on the show’s date, CRLF line ends', () => {
    expect(icsFor(event)).toBe(
      [
        'BEGIN:VCALENDAR',
        'VERSION:2.0',
        'PRODID:-//Concert Tickets//Tickets//KO',
        'CALSCALE:GREGORIAN',
        'METHOD:PUBLISH',
        'BEGIN:VEVENT',
        'UID:0b7e4a52-6c1f-4d2a-9a53-1f0e8c9d7b21@concert-tickets',
        'DTSTAMP:20260102T030405Z',
        'DTSTART;VALUE=DATE:20260315',
        'DTEND;VALUE=DATE:20260316',
        'SUMMARY:Aurora Live 2026',
        'LOCATION:Olympic Hall\\, Seoul',
        'DESCRIPTION:Booking number 7K3QD-M2XWA\\; seat 12',
        'TRANSP:TRANSPARENT',
        'END:VEVENT',
        'END:VCALENDAR',
        '',
      ].join('\r\n'),
    );
  });

  test('the end is the next day, across a month’s and a year’s end and a leap day', () => {
    expect(nextDay('2026-01-31')).toBe('2026-02-01');
    expect(nextDay('2026-12-31')).toBe('2027-01-01');
    expect(nextDay('2028-02-28')).toBe('2028-02-29');
    expect(icsFor({ ...event, date: '2026-12-31' })).toContain('DTEND;VALUE=DATE:20270101\r\n');
  });

  test('text escapes backslash, semicolon, comma and newlines', () => {
    expect(escapeText('a\\b;c,d\ne\r\nf')).toBe('a\\\\b\\;c\\,d\\ne\\nf');
  });

  test('long lines fold at 75 octets, never inside a Korean character', () => {
    const line = `SUMMARY:${'오로라 라이브 서울 공연 '.repeat(8)}`;
    const folded = foldLine(line);
    const parts = folded.split('\r\n');
    expect(parts.length).toBeGreaterThan(1);
    const encoder = new TextEncoder();
    for (const part of parts) expect(encoder.encode(part).length).toBeLessThanOrEqual(75);
    parts.slice(1).forEach((p) => expect(p.startsWith(' ')).toBe(true));
    // Unfolding gives the line back, every character whole.
    expect(folded.replace(/\r\n /g, '')).toBe(line);
    expect(foldLine('SHORT:line')).toBe('SHORT:line');
  });

  test('a date that is not YYYY-MM-DD is refused', () => {
    expect(() => icsFor({ ...event, date: '15/03/2026' })).toThrow();
  });

  test('the download link carries the whole file', () => {
    const ics = icsFor(event);
    const href = icsHref(ics);
    expect(href.startsWith('data:text/calendar;charset=utf-8,')).toBe(true);
    expect(decodeURIComponent(href.slice(href.indexOf(',') + 1))).toBe(ics);
  });
});
