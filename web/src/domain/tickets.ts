// One's tickets as the fan reads them: the ones still to use first, soonest show first, then
// the ones used or refunded; a ticket found by its booking number (what the screen's address
// carries, never the reservation's id); and a ticket as a calendar event.

import type { ConcertListing, Ticket } from '../api/types';
import type { Lang } from '../i18n/lang';
import { t } from '../i18n/messages';
import type { CalendarEvent } from './calendar';

/** Still to use (VALID) first, by date then seat; then checked in or refunded, latest show first. */
export function orderTickets(tickets: readonly Ticket[]): Ticket[] {
  const valid = tickets.filter((x) => x.status === 'VALID');
  const done = tickets.filter((x) => x.status !== 'VALID');
  const bySoonest = (a: Ticket, b: Ticket) => a.date.localeCompare(b.date) || a.seatNumber - b.seatNumber;
  return [...valid.sort(bySoonest), ...done.sort((a, b) => bySoonest(b, a))];
}

export function ticketByBookingNumber(tickets: readonly Ticket[], bookingNumber: string): Ticket | undefined {
  const wanted = bookingNumber.trim().toUpperCase();
  return tickets.find((x) => x.bookingNumber === wanted);
}

/** The ticket as an all-day event on its date, named by the concert (its id if unknown). */
export function ticketEvent(ticket: Ticket, concert: Pick<ConcertListing, 'title' | 'venue'> | undefined, lang: Lang, now: number): CalendarEvent {
  return {
    uid: `${ticket.reservationId}@concert-tickets`,
    date: ticket.date,
    summary: concert?.title ?? ticket.concertId,
    location: concert?.venue ?? '',
    description: t('calendarDescription', { booking: ticket.bookingNumber, n: ticket.seatNumber }, lang),
    stamp: now,
  };
}

/** The file name offered for a ticket's calendar file. */
export function calendarFileName(ticket: Ticket): string {
  return `ticket-${ticket.bookingNumber}.ics`;
}
