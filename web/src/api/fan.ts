// The fan's routes (docs/openapi.json), one function each.

import type { ApiClient } from './client';
import type {
  Balance,
  ChargeReceipt,
  ConcertListing,
  ConcertDate,
  HeldTogether,
  HoldRequest,
  JoinChallenge,
  MovedTicket,
  Payment,
  PaymentsAndRefunds,
  PublicLineStatus,
  Refund,
  RefundQuote,
  Reservation,
  Seat,
  Statement,
  Ticket,
  Tickets,
  TokenIssued,
  TokenStatus,
} from './types';
import { heldReservations } from '../domain/together';
import type { ProofOfWork } from '../domain/join-work';

const enc = encodeURIComponent;

export class FanApi {
  constructor(private readonly client: ApiClient) {}

  async concerts(): Promise<ConcertListing[]> {
    const r = await this.client.call<{ concerts: ConcertListing[] }>({ path: '/concerts', signedIn: false });
    return r.concerts;
  }

  /**
   * Take a place in the line (or get back one's live token). A sale that asks a proof of work
   * (proofOfWorkBits > 0) wants `proofOfWork`, a solved challenge (`joinChallenge`), with a new
   * place: else 428 PROOF_OF_WORK_REQUIRED; a wrong or expired one is 403 PROOF_OF_WORK_INVALID.
   */
  joinLine(concertId: string, proofOfWork?: ProofOfWork): Promise<TokenIssued> {
    const body = proofOfWork ? { concertId, proofOfWork: { challenge: proofOfWork.challenge, nonce: proofOfWork.nonce } } : { concertId };
    return this.client.call({ method: 'POST', path: '/queue/tokens', body });
  }

  /** A proof-of-work challenge for this sale (signed in, no queue token): solve it, then join with it. */
  joinChallenge(concertId: string): Promise<JoinChallenge> {
    return this.client.call({ method: 'POST', path: '/queue/challenges', body: { concertId } });
  }

  placeInLine(queueToken: string): Promise<TokenStatus> {
    return this.client.call({ path: '/queue/tokens/current', queueToken });
  }

  /** The line's public status: sent without the sign-in, so a CDN can answer everyone alike. */
  line(concertId: string): Promise<PublicLineStatus> {
    return this.client.call({ path: `/concerts/${enc(concertId)}/line`, signedIn: false });
  }

  async dates(concertId: string, queueToken: string): Promise<ConcertDate[]> {
    const r = await this.client.call<{ dates: ConcertDate[] }>({ path: `/concerts/${enc(concertId)}/dates`, queueToken });
    return r.dates;
  }

  async seats(concertId: string, date: string, queueToken: string): Promise<Seat[]> {
    const path = `/concerts/${enc(concertId)}/dates/${enc(date)}/seats`;
    const r = await this.client.call<{ seats: Seat[] }>({ path, queueToken });
    return r.seats;
  }

  hold(concertId: string, date: string, seatNumber: number, queueToken: string): Promise<Reservation> {
    return this.client.call({ method: 'POST', path: '/reservations', body: { concertId, date, seatNumber }, queueToken });
  }

  /**
   * Hold several seats together, all or none (`bestAvailable` or `seatNumbers`, see
   * domain/together.ts): the reservations held, left to right. Sent with the same headers,
   * and retried on a 503 the same way, as a single hold.
   */
  async holdTogether(request: HoldRequest, queueToken: string): Promise<Reservation[]> {
    const answer = await this.client.call<Reservation | HeldTogether>({ method: 'POST', path: '/reservations', body: request, queueToken });
    return heldReservations(answer);
  }

  cancel(reservationId: string, queueToken: string): Promise<Reservation> {
    return this.client.call({ method: 'DELETE', path: `/reservations/${enc(reservationId)}`, queueToken });
  }

  balance(userId: string): Promise<Balance> {
    return this.client.call({ path: `/users/${enc(userId)}/balance` });
  }

  charge(userId: string, amount: number, idempotencyKey: string): Promise<ChargeReceipt> {
    return this.client.call({ method: 'POST', path: `/users/${enc(userId)}/balance/charges`, body: { amount }, idempotencyKey });
  }

  pay(reservationIds: string[], queueToken: string, idempotencyKey: string): Promise<Payment> {
    return this.client.call({ method: 'POST', path: '/payments', body: { reservationIds }, queueToken, idempotencyKey });
  }

  /** One page of the wallet statement, newest first: no cursor for the newest, a page's `next` for the one after it. */
  statement(userId: string, cursor: string | null = null, limit?: number): Promise<Statement> {
    return this.client.call({ path: statementPath(userId, cursor, limit) });
  }

  /** One's payments and refunds, newest first (an older server may send no refunds). */
  async payments(userId: string): Promise<PaymentsAndRefunds> {
    const r = await this.client.call<Partial<PaymentsAndRefunds>>({ path: `/users/${enc(userId)}/payments` });
    return { payments: r.payments ?? [], refunds: r.refunds ?? [] };
  }

  /** What refunding this paid seat now would keep (the fee) and give back. No queue token. */
  refundQuote(reservationId: string): Promise<RefundQuote> {
    return this.client.call({ path: `/reservations/${enc(reservationId)}/refund` });
  }

  /** One's tickets (every paid seat, with what became of it), newest payment first. No queue token. */
  async tickets(userId: string): Promise<Ticket[]> {
    const r = await this.client.call<Tickets>({ path: `/users/${enc(userId)}/tickets` });
    return r.tickets;
  }

  /**
   * Pass one's ticket to another account at face value (no money moves); one's own code stops
   * working at once. No queue token; sent again after a lost answer, a transfer made answers the same.
   */
  transfer(reservationId: string, toUserId: string): Promise<MovedTicket> {
    return this.client.call({ method: 'POST', path: `/tickets/${enc(reservationId)}/transfer`, body: { toUserId } });
  }

  /** Give a ticket passed to one back to its sender. No body, no queue token. */
  decline(reservationId: string): Promise<MovedTicket> {
    return this.client.call({ method: 'POST', path: `/tickets/${enc(reservationId)}/decline` });
  }

  /** Give the paid seat back for its refund. No queue token; the key makes a retry safe. */
  refund(reservationId: string, idempotencyKey: string): Promise<Refund> {
    return this.client.call({ method: 'POST', path: `/reservations/${enc(reservationId)}/refund`, body: {}, idempotencyKey });
  }
}

/** /users/{userId}/statement with its query: `cursor` is passed on as it came (opaque). */
export function statementPath(userId: string, cursor: string | null = null, limit?: number): string {
  const query = new URLSearchParams();
  if (limit !== undefined) query.set('limit', String(limit));
  if (cursor !== null) query.set('cursor', cursor);
  const q = query.toString();
  return `/users/${enc(userId)}/statement${q ? `?${q}` : ''}`;
}
