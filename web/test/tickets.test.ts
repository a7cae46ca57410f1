import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import type { Ticket } from '../src/api/types';
import { icsFor } from '../src/domain/calendar';
import { calendarFileName, orderTickets, ticketByBookingNumber, ticketEvent } from '../src/domain/tickets';
import { STANDARD_REFUND_POLICY, hoursBeforeShow, refundPeriods } from '../src/domain/refund-policy';
import { ticketStatusName } from '../src/i18n/messages';

// The contract's list of a ticket's statuses: one added without words here fails.
const openapi = JSON.parse(readFileSync(fileURLToPath(new URL('../../docs/openapi.json', import.meta.url)), 'utf8'));
const STATUSES: Ticket['status'][] = openapi.components.schemas.Ticket.properties.status.enum;

const ticket = (over: Partial<Ticket>): Ticket => ({
  bookingNumber: 'AAAAA-AAAAA',
  reservationId: '0b7e4a52-6c1f-4d2a-9a53-1f0e8c9d7b21',
  paymentId: '9c1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6',
  concertId: 'aurora-live-2026',
  date: '2026-03-15',
  seatNumber: 1,
  price: 99_000,
  status: 'VALID',
  checkedInAt: null,
  gate: null,
  secret: 'fc5876ba67b94e308f07b095e953645b07c0dbf6a3d2217da4e0d0d8bd626041',
  codeStepSeconds: 10,
  ...over,
});

describe('my tickets', () => {
  test('the ones still to use first, soonest show and lowest seat first; then used or refunded, latest show first', () => {
    const list = [
      ticket({ bookingNumber: 'V0315-00002', seatNumber: 2 }),
      ticket({ bookingNumber: 'C0301-00001', status: 'CHECKED_IN', date: '2026-03-01', secret: null }),
      ticket({ bookingNumber: 'V0310-00009', date: '2026-03-10', seatNumber: 9 }),
      ticket({ bookingNumber: 'X0320-00001', status: 'VOID', date: '2026-03-20', secret: null }),
      ticket({ bookingNumber: 'V0315-00001', seatNumber: 1 }),
    ];
    expect(orderTickets(list).map((x) => x.bookingNumber)).toEqual(['V0310-00009', 'V0315-00001', 'V0315-00002', 'X0320-00001', 'C0301-00001']);
    expect(list[0].bookingNumber).toBe('V0315-00002'); // not sorted in place
  });

  test.each(STATUSES)('the status %s has words in Korean and in English', (status) => {
    expect(ticketStatusName(status, 'ko')).toMatch(/[가-힣]/);
    expect(ticketStatusName(status, 'en')).toMatch(/^[A-Z][a-z ]+$/);
  });

  test('a ticket passed on is listed with the used ones', () => {
    const list = [ticket({ bookingNumber: 'T0315-00001', status: 'TRANSFERRED', secret: null }), ticket({ bookingNumber: 'V0315-00002', seatNumber: 2 })];
    expect(orderTickets(list).map((x) => x.status)).toEqual(['VALID', 'TRANSFERRED']);
  });

  test('a ticket is found by its booking number, however it was typed', () => {
    const list = [ticket({ bookingNumber: '7K3QD-M2XWA' })];
    expect(ticketByBookingNumber(list, ' 7k3qd-m2xwa ')?.bookingNumber).toBe('7K3QD-M2XWA');
    expect(ticketByBookingNumber(list, 'ZZZZZ-ZZZZZ')).toBeUndefined();
  });

  test('a ticket as a calendar event: the concert on the show’s day, the booking number and seat in its description', () => {
    const x = ticket({ bookingNumber: '7K3QD-M2XWA', seatNumber: 12 });
    const event = ticketEvent(x, { title: '오로라 라이브 2026', venue: '올림픽홀, 서울' }, 'ko', Date.UTC(2026, 0, 1));
    expect(event).toEqual({
      uid: '0b7e4a52-6c1f-4d2a-9a53-1f0e8c9d7b21@concert-tickets',
      date: '2026-03-15',
      summary: '오로라 라이브 2026',
      location: '올림픽홀, 서울',
      description: '예매번호 7K3QD-M2XWA · 12번 좌석',
      stamp: Date.UTC(2026, 0, 1),
    });
    const ics = icsFor(event);
    expect(ics).toContain('DTSTART;VALUE=DATE:20260315\r\n');
    expect(ics).toContain('LOCATION:올림픽홀\\, 서울\r\n');
    expect(ticketEvent(x, undefined, 'en', 0)).toMatchObject({ summary: 'aurora-live-2026', location: '', description: 'Booking number 7K3QD-M2XWA · seat 12' });
    expect(calendarFileName(x)).toBe('ticket-7K3QD-M2XWA.ics');
  });
});

describe('the refund terms in force for a show', () => {
  test('the standard schedule on a date: free, then 10%, 20%, 30%, and nothing in the last day (a show starts at 00:00 UTC)', () => {
    const at = (iso: string) => new Date(iso).toISOString();
    expect(hoursBeforeShow('2026-03-15', 24)).toBe(at('2026-03-14T00:00:00Z'));
    expect(refundPeriods(STANDARD_REFUND_POLICY, '2026-03-15')).toEqual([
      { from: null, until: at('2026-03-05T00:00:00Z'), fee: { percent: 0, capKrw: null } },
      { from: at('2026-03-05T00:00:00Z'), until: at('2026-03-08T00:00:00Z'), fee: { percent: 10, capKrw: null } },
      { from: at('2026-03-08T00:00:00Z'), until: at('2026-03-12T00:00:00Z'), fee: { percent: 20, capKrw: null } },
      { from: at('2026-03-12T00:00:00Z'), until: at('2026-03-14T00:00:00Z'), fee: { percent: 30, capKrw: null } },
      { from: at('2026-03-14T00:00:00Z'), until: null, fee: null },
    ]);
  });

  test('as seen at an instant: the periods already over are left out, the one in force first', () => {
    const periods = (iso: string) => refundPeriods(STANDARD_REFUND_POLICY, '2026-03-15', Date.parse(iso)).map((p) => p.fee);
    expect(periods('2026-03-01T00:00:00Z')).toHaveLength(5);
    expect(periods('2026-03-08T00:00:00Z')).toEqual([{ percent: 20, capKrw: null }, { percent: 30, capKrw: null }, null]);
    expect(periods('2026-03-14T00:00:00Z')).toEqual([null]);
    expect(periods('2026-03-20T00:00:00Z')).toEqual([null]);
  });

  test('stretches in any order are put in time order; one inside the deadline never applies and is left out', () => {
    const policy = {
      graceHours: 0,
      deadlineHours: 48,
      baseFee: { fixedKrw: 1000 },
      stretches: [
        { hoursBefore: 24, fee: { percent: 50 } },
        { hoursBefore: 96, fee: { percent: 20, capKrw: 10_000 } },
      ],
    };
    expect(refundPeriods(policy, '2026-03-15').map((p) => [p.from?.slice(0, 10) ?? null, p.until?.slice(0, 10) ?? null, p.fee])).toEqual([
      [null, '2026-03-11', { fixedKrw: 1000 }],
      ['2026-03-11', '2026-03-13', { percent: 20, capKrw: 10_000 }],
      ['2026-03-13', null, null],
    ]);
  });
});
