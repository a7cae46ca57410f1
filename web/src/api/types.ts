// The shapes of docs/openapi.json that the app reads and sends. Money is integer KRW,
// times are RFC 3339 UTC strings, dates YYYY-MM-DD.

export type SalePhase = 'SCHEDULED' | 'PRE_QUEUE' | 'ON_SALE' | 'PAUSED' | 'SOLD_OUT' | 'CLOSED';
export const SALE_PHASES: readonly SalePhase[] = ['SCHEDULED', 'PRE_QUEUE', 'ON_SALE', 'PAUSED', 'SOLD_OUT', 'CLOSED'];

export interface Concert {
  concertId: string;
  title: string;
  venue: string;
  seatLimit: number;
  phase: SalePhase;
  preQueueAt: string;
  opensAt: string;
  closesAt: string;
  refundPolicy: RefundPolicy;
  /**
   * The proof of work a join of this sale costs, in bits (0..24; 0: none): about 2^bits
   * SHA-256 hashes, solved before POST /queue/tokens (domain/join-work.ts). Absent from an older server.
   */
  proofOfWorkBits?: number;
}

/** POST /queue/challenges: a challenge to solve (and send back unchanged) before joining; good for 5 minutes. */
export interface JoinChallenge {
  concertId: string;
  /** Opaque: sent back as it came, with the nonce found. */
  challenge: string;
  /** The zero bits the hash must start with (0: any nonce solves it). */
  bits: number;
  expiresAt: string;
}

/** A concert as GET /concerts lists it: with its dates and prices when the listing gives them. */
export interface ConcertListing extends Concert {
  /** The performance dates (YYYY-MM-DD), when given. */
  dates?: string[];
  /** The distinct tier prices, ascending (KRW), when given. */
  prices?: number[];
  /** The card's picture (an https URL), or null; absent from an older server. */
  imageUrl?: string | null;
}

/** A refund's fee: a percentage of the price (at most capKrw), or a fixed amount. */
export type RefundFee = { percent: number; capKrw?: number | null } | { fixedKrw: number };

/** A concert's refund schedule (docs/openapi.json, RefundPolicy). */
export interface RefundPolicy {
  graceHours: number;
  deadlineHours: number;
  baseFee: RefundFee;
  stretches: { hoursBefore: number; fee: RefundFee }[];
}

export type LineStatus = 'WAITING' | 'ACTIVE' | 'SOLD_OUT' | 'CLOSED';

/** GET /queue/tokens/current (and POST /queue/tokens, which adds the token). */
export interface TokenStatus {
  status: LineStatus;
  position: number | null;
  /** Null while WAITING when the line stands still (no honest estimate), and once the sale has ended. */
  estimatedWaitSeconds: number | null;
  activeUntil?: string;
  phase: SalePhase;
  opensAt: string;
  /** The fan's place number in line, from 1; null before the opening's draw (pre-queue). */
  place: number | null;
  /** How long to wait before the next poll. */
  pollAfterSeconds: number;
  /** ACTIVE only: sent back as X-Admission-Pass (the API client does), checked without a read. */
  admissionPass?: string;
  /** When the pass expires (RFC 3339); ask this route again for a new one. */
  admissionPassExpiresAt?: string;
}

/**
 * GET /concerts/{concertId}/line: the line as anyone sees it, the same for every fan (public,
 * cached a second by the CDN). A waiting fan works out their own position from their place.
 */
export interface PublicLineStatus {
  concertId: string;
  phase: SalePhase;
  opensAt: string;
  /** Every place number up to this one has been let in (or skipped). */
  servingThrough: number;
  joined: number;
  active: number;
  activeCap: number;
  admitPerTick: number;
  tickSeconds: number;
  /** Let in per minute lately while fans waited; null if unknown, 0 while the line stands still. */
  measuredAdmittedPerMinute: number | null;
  admittedPerMinute: number;
  pollAfterSeconds: number;
  /** Places not let in yet that nobody holds: `first`, `first + every`, ... through `last`. */
  emptyPlaces?: EmptyPlaces[];
}

/** A run of places nobody holds (arrival numbers taken when the stripes were levelled). */
export interface EmptyPlaces {
  first: number;
  last: number;
  every: number;
}

export interface TokenIssued extends TokenStatus {
  token: string;
}

export interface ConcertDate {
  date: string;
  availableSeats: number;
  totalSeats: number;
}

export type SeatStatus = 'AVAILABLE' | 'HELD' | 'SOLD';

export interface Seat {
  seatNumber: number;
  status: SeatStatus;
  price: number;
}

export interface Reservation {
  reservationId: string;
  status: 'HELD' | 'CONFIRMED' | 'EXPIRED' | 'CANCELLED';
  concertId: string;
  date: string;
  seatNumber: number;
  price: number;
  expiresAt: string;
}

/**
 * POST /reservations (docs/openapi.json, HoldRequest): exactly one of `seatNumber` (one seat,
 * answered with its Reservation), `seatNumbers` (those seats, all or none) and `bestAvailable`
 * (the best `count` free seats side by side in one row of ten, all or none); the last two are
 * answered with HeldTogether.
 */
export type HoldRequest = { concertId: string; date: string } & (
  | { seatNumber: number }
  | { seatNumbers: number[] }
  | { bestAvailable: { count: number } }
);

/** A hold of several seats together: one reservation per seat, in the order named (best available: left to right). */
export interface HeldTogether {
  reservations: Reservation[];
}

export interface Balance {
  userId: string;
  balance: number;
}

export interface ChargeReceipt extends Balance {
  charged: number;
}

export interface PaidSeat {
  reservationId: string;
  date: string;
  seatNumber: number;
  price: number;
}

export interface Payment {
  paymentId: string;
  userId: string;
  concertId: string;
  reservationIds: string[];
  seats: PaidSeat[];
  amount: number;
  balance: number;
  paidAt: string;
}

/** A paid seat given back (docs/openapi.json, Refund). */
export interface Refund {
  refundId: string;
  userId: string;
  reservationId: string;
  paymentId: string;
  concertId: string;
  date: string;
  seatNumber: number;
  price: number;
  fee: number;
  /** Credited to the wallet: price - fee. */
  refunded: number;
  balance: number;
  refundedAt: string;
}

/** GET /reservations/{reservationId}/refund: what a refund now would keep and give back. */
export interface RefundQuote {
  reservationId: string;
  price: number;
  fee: number;
  /** price - fee. */
  refund: number;
  quotedAt: string;
}

/** GET /users/{userId}/payments: payments and refunds, each newest first. */
export interface PaymentsAndRefunds {
  payments: Payment[];
  refunds: Refund[];
}

/** What moved a balance: a charge (money in), a payment (out), a refund (back in). */
export type StatementKind = 'CHARGE' | 'PAYMENT' | 'REFUND' | 'TICKET_SENT' | 'TICKET_RECEIVED';
export const STATEMENT_KINDS: readonly StatementKind[] = ['CHARGE', 'PAYMENT', 'REFUND', 'TICKET_SENT', 'TICKET_RECEIVED'];

/** One change of a balance, or a ticket passed on or received (docs/openapi.json, StatementEntry). */
export interface StatementEntry {
  /** 1, 2, 3... in the order the balance moved. */
  seq: number;
  kind: StatementKind;
  /** Signed KRW: > 0 for a charge, <= 0 for a payment, >= 0 for a refund, 0 for a ticket. */
  amount: number;
  balanceAfter: number;
  at: string;
  /** The paymentId of a PAYMENT, the refundId of a REFUND, the ticket's reservationId; null for a CHARGE. */
  reference: string | null;
}

/** GET /users/{userId}/statement: one page, newest first; `next` is the older page's cursor. */
export interface Statement {
  userId: string;
  entries: StatementEntry[];
  next: string | null;
}

export interface PriceTier {
  fromSeat: number;
  toSeat: number;
  price: number;
}

export interface AdmissionNumbers {
  admitPerTick?: number | null;
  activeCap?: number | null;
  /** The proof of work a join costs, in bits, 0 to 24 (0: none); left out: unchanged (never null). */
  proofOfWorkBits?: number;
}

export interface ConcertSpec {
  concertId?: string | null;
  title: string;
  venue: string;
  dates: { date: string; seats: number }[];
  priceTiers: PriceTier[];
  seatLimit?: number | null;
  sale: { preQueueAt?: string | null; opensAt: string; closesAt: string };
  admission?: AdmissionNumbers | null;
  /** Left out or null: the standard schedule (on an edit too, so an edit sends the one read). */
  refundPolicy?: RefundPolicy | null;
  /** The card's picture (https); left out, none (on an edit: the picture is removed). */
  imageUrl?: string;
}

export interface DateNumbers {
  date: string;
  totalSeats: number;
  availableSeats: number;
  heldSeats: number;
  soldSeats: number;
  revenue: number;
}

/** GET /operator/concerts/{concertId}: the concert and what its operator watches. */
export interface ConcertNumbers extends Concert {
  version: number;
  /** Read back from the seats: runs of consecutive seat numbers at one price. */
  priceTiers: PriceTier[];
  admission: { paused: boolean; admitPerTick: number; activeCap: number };
  line: { prequeued: number; cohort: number | null; waiting: number; admitted: number; active: number };
  dates: DateNumbers[];
  /** Tickets let in at the doors so far, per gate (absent from an older server). */
  checkIns?: CheckInCounts;
  /** The card's picture as set, or null (absent from an older server). */
  imageUrl?: string | null;
}

/** Tickets let in at the doors: in all, and per gate (each ticket counted once). */
export interface CheckInCounts {
  total: number;
  gates: { gate: string; count: number }[];
}

/** RFC 9457 problem, as every error of the API is. */
export interface ProblemBody {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  code: string;
}

/**
 * What became of a paid seat: VALID (admits its holder once), CHECKED_IN, VOID (refunded),
 * TRANSFERRED (passed on to another account: no longer the caller's).
 */
export type TicketStatus = 'VALID' | 'CHECKED_IN' | 'VOID' | 'TRANSFERRED';

/** A paid seat as its holder sees it (docs/openapi.json, Ticket). */
export interface Ticket {
  /** What a person reads out (XXXXX-XXXXX), shown instead of the reservation's id. */
  bookingNumber: string;
  reservationId: string;
  paymentId: string;
  concertId: string;
  date: string;
  seatNumber: number;
  price: number;
  status: TicketStatus;
  checkedInAt: string | null;
  gate: string | null;
  /** The rotating code's secret (64 hex), only while VALID and only to the holder. */
  secret: string | null;
  /** A code lasts this long (10 s). */
  codeStepSeconds: number;
  /** Who passed this ticket to the caller, while the caller may decline it (absent from an older server). */
  transferredFrom?: string | null;
}

/** POST /tickets/{id}/transfer and .../decline: where the ticket is now. */
export interface MovedTicket {
  bookingNumber: string;
  reservationId: string;
  concertId: string;
  date: string;
  seatNumber: number;
  /** Its holder now. */
  holder: string;
  /** Who passed it to its holder, while they may decline it (null once given back). */
  transferredFrom: string | null;
}

/** GET /users/{userId}/tickets: bought tickets, then the ones received. */
export interface Tickets {
  userId: string;
  tickets: Ticket[];
}

/** POST /gate/check-ins: the ticket let in. */
export interface CheckIn {
  bookingNumber: string;
  reservationId: string;
  concertId: string;
  date: string;
  seatNumber: number;
  checkedInAt: string;
  gate: string;
}

/** A rectangle of a venue's map, in seat widths: x grows to the right, y away from the stage's side. */
export interface MapArea {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * One straight stretch of a row: seats first, first + 1, ... from (x, y), each `step` from the
 * one before. A venue as made has `first` (1) and `step` ([1, 0]) filled in; a layout may omit them.
 */
export interface VenueRun {
  row: string;
  first?: number;
  seats: number;
  x: number;
  y: number;
  step?: [number, number];
}

/** Seated (`rows`) or standing (`standing`), exactly one of the two. */
export interface VenueSection {
  id: string;
  /** `ko` is the English name when absent (filled in on a venue as made). */
  name: { en: string; ko?: string };
  /** The price tier its seats sell at; each concert prices its tiers. */
  tier: string;
  rows?: VenueRun[];
  /** Places numbered 1..capacity (the order of entry) in an area of the map. */
  standing?: MapArea & { capacity: number };
}

/** POST /operator/venues: a venue's layout file (docs/venues.md). */
export interface VenueLayout {
  venueId: string;
  name: string;
  stage: MapArea;
  sections: VenueSection[];
}

/** A venue as made: its layout with every default filled in, and its seats and places in all. */
export interface Venue extends VenueLayout {
  places: number;
}

/** GET /operator/venues: a venue without its layout. */
export interface VenueSummary {
  venueId: string;
  name: string;
  sections: number;
  places: number;
}
