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
  estimatedWaitSeconds: number | null;
  activeUntil?: string;
  phase: SalePhase;
  opensAt: string;
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

export interface PriceTier {
  fromSeat: number;
  toSeat: number;
  price: number;
}

export interface AdmissionNumbers {
  admitPerTick?: number | null;
  activeCap?: number | null;
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
}

/** RFC 9457 problem, as every error of the API is. */
export interface ProblemBody {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  code: string;
}
