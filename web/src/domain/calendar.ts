// A ticket as a calendar file (RFC 5545 iCalendar): one all-day event on the show's date, so
// a fan can put it in any calendar app. Pure: the event in, the file's text out. Lines end in
// CRLF and are folded at 75 octets (never inside a UTF-8 character, which Korean titles
// would otherwise break); text values escape backslash, semicolon, comma and newlines.

export interface CalendarEvent {
  /** Globally unique and stable, so importing the file again updates the event. */
  uid: string;
  /** The show's date, YYYY-MM-DD: the event takes that whole day. */
  date: string;
  summary: string;
  location: string;
  description: string;
  /** When the file is made (DTSTAMP), epoch ms. */
  stamp: number;
}

const PRODID = '-//Concert Tickets//Tickets//KO';

/** A TEXT value escaped (RFC 5545 3.3.11). */
export function escapeText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r\n|\r|\n/g, '\\n');
}

/** A content line folded to at most 75 octets per line (RFC 5545 3.1), continuation lines starting with a space. */
export function foldLine(line: string): string {
  const encoder = new TextEncoder();
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const size = encoder.encode(ch).length;
    // The first line holds 75 octets; each continuation 74 after its leading space.
    const limit = out.length === 0 ? 75 : 74;
    if (octets + size > limit) {
      out.push(current);
      current = '';
      octets = 0;
    }
    current += ch;
    octets += size;
  }
  out.push(current);
  return out.join('\r\n ');
}

/** YYYY-MM-DD as a DATE value: YYYYMMDD. */
function dateValue(date: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`not a date: ${date}`);
  return date.replace(/-/g, '');
}

/** The day after `date` (YYYY-MM-DD): an all-day event's exclusive end. */
export function nextDay(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/** An instant as a UTC DATE-TIME value: 20260315T090000Z. */
function utcStamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** The .ics file's text for one all-day event. */
export function icsFor(event: CalendarEvent): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    `PRODID:${PRODID}`,
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'BEGIN:VEVENT',
    `UID:${event.uid}`,
    `DTSTAMP:${utcStamp(event.stamp)}`,
    `DTSTART;VALUE=DATE:${dateValue(event.date)}`,
    `DTEND;VALUE=DATE:${dateValue(nextDay(event.date))}`,
    `SUMMARY:${escapeText(event.summary)}`,
    `LOCATION:${escapeText(event.location)}`,
    `DESCRIPTION:${escapeText(event.description)}`,
    'TRANSP:TRANSPARENT',
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(foldLine).join('\r\n') + '\r\n';
}

/** A link target that downloads the file (a data: URL, nothing to revoke). */
export function icsHref(ics: string): string {
  return `data:text/calendar;charset=utf-8,${encodeURIComponent(ics)}`;
}
