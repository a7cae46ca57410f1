//! Every attribute name the tables' items use, once. Conditions and updates name them
//! through these constants (as `#placeholder`s or formatted into the expression), items
//! are written and read with them.

pub const ACTIVE: &str = "active";
pub const ACTIVE_CAP: &str = "activeCap";
pub const ACTIVE_UNTIL: &str = "activeUntil";
pub const ADMIT_PER_TICK: &str = "admitPerTick";
pub const ADMITTED_BY: &str = "admittedBy";
pub const ADMITTED_FANS: &str = "admittedFans";
pub const ADMITTED_THROUGH: &str = "admittedThrough";
pub const AMOUNT: &str = "amount";
pub const AT: &str = "at";
pub const BALANCE: &str = "balance";
pub const BALANCE_AFTER: &str = "balanceAfter";
pub const BODY: &str = "body";
pub const CANCELLED_AT: &str = "cancelledAt";
pub const CHARGED: &str = "charged";
pub const CHECK_IN_UNTIL: &str = "checkInUntil";
pub const CHECKED_IN: &str = "checkedIn";
pub const CLOSES_AT: &str = "closesAt";
pub const COHORT: &str = "cohort";
pub const COHORT_INDEX: &str = "cohortIndex";
pub const COHORT_STRIPES: &str = "cohortStripes";
pub const CONCERT_ID: &str = "concertId";
pub const CREATED_AT: &str = "createdAt";
pub const DATE: &str = "date";
pub const ENTRIES: &str = "entries";
pub const EVENT_ID: &str = "eventId";
pub const EXPIRES_AT: &str = "expiresAt";
pub const FEE: &str = "fee";
pub const FEES: &str = "fees";
pub const HOLD_UNTIL: &str = "holdUntil";
pub const HOLDER: &str = "holder";
pub const HOLES: &str = "holes";
pub const HOLES_TAKEN: &str = "holesTaken";
pub const ISSUED: &str = "issued";
pub const JOINED_BY: &str = "joinedBy";
pub const KIND: &str = "kind";
pub const OPENS_AT: &str = "opensAt";
pub const PAID_AT: &str = "paidAt";
pub const PAUSED: &str = "paused";
pub const PAYMENT_ID: &str = "paymentId";
/// The partition key of every table.
pub const PK: &str = "pk";
pub const PREQUEUE_AT: &str = "prequeueAt";
pub const PREQUEUED: &str = "prequeued";
pub const PRICE: &str = "price";
/// A concert's tier prices, ascending (a list of numbers).
pub const PRICES: &str = "prices";
/// A seat slot's reservation (in an account's `s<i>` map).
pub const R: &str = "r";
pub const REF: &str = "ref";
pub const REFUND_ID: &str = "refundId";
pub const REFUND_POLICY: &str = "refundPolicy";
pub const REFUNDED: &str = "refunded";
pub const REFUNDED_AT: &str = "refundedAt";
pub const REFUNDS: &str = "refunds";
pub const RELEASED_AT: &str = "releasedAt";
pub const RESERVATION_ID: &str = "reservationId";
pub const SEALED: &str = "sealed";
/// A concert's show dates, ascending (a list of YYYY-MM-DD strings).
pub const SHOW_DATES: &str = "showDates";
pub const SEALER: &str = "sealer";
pub const SEALING_UNTIL: &str = "sealingUntil";
pub const SEAT_LIMIT: &str = "seatLimit";
pub const SEAT_NUMBER: &str = "seatNumber";
pub const SEATS: &str = "seats";
pub const SEED: &str = "seed";
/// A sale's proof of work per join, in bits (absent: 0, none).
pub const JOIN_WORK: &str = "joinWorkBits";
/// The draw's seed fixed before the pre-queue closes (hex), its hash published.
pub const COMMITTED_SEED: &str = "committedSeed";
pub const SEQ: &str = "seq";
pub const SETTLED: &str = "settled";
pub const SHARDS: &str = "shards";
/// The sort key (catalog and wallet tables).
pub const SK: &str = "sk";
pub const SLOT: &str = "slot";
pub const SLOT_UNTIL: &str = "slotUntil";
pub const SOLD_OUT: &str = "soldOut";
pub const STATUS: &str = "status";
pub const TAKEN: &str = "taken";
pub const THROUGH: &str = "through";
pub const TICKER: &str = "ticker";
pub const TICKING_UNTIL: &str = "tickingUntil";
pub const TITLE: &str = "title";
pub const TOKEN_ID: &str = "tokenId";
/// A seat slot's end (in an account's `s<i>` map).
pub const UNTIL: &str = "until";
pub const USER_ID: &str = "userId";
pub const VENUE: &str = "venue";
pub const VERSION: &str = "version";
/// When a ticket let its holder in (ms), and at which gate.
pub const CHECKED_IN_AT: &str = "checkedInAt";
pub const GATE: &str = "gate";
/// Who passed a ticket to its holder (while it may be declined back).
pub const TRANSFERRED_FROM: &str = "transferredFrom";
/// How many times a ticket changed hands.
pub const TRANSFERS: &str = "transfers";
/// The reservation ids of the tickets passed to a user (a string set).
pub const TICKETS: &str = "tickets";
/// A concert's picture for its card (an https URL).
pub const IMAGE_URL: &str = "imageUrl";
/// A venue's parts: its sections' count and places, the stage `[x, y, width, height]`.
pub const SECTIONS: &str = "sections";
pub const PLACES: &str = "places";
pub const STAGE: &str = "stage";
/// Which write of a venue's sections is its layout (`SECTION#<write>#...`).
pub const LAYOUT_WRITE: &str = "layoutWrite";
pub const NAME: &str = "name";
/// A venue section: its id, names, price tier, and either its runs of seats (a list of
/// `[row, first, seats, x, y, dx, dy]`, as a JSON string) or its standing capacity and area.
pub const SECTION_ID: &str = "sectionId";
pub const NAME_EN: &str = "en";
pub const NAME_KO: &str = "ko";
pub const TIER: &str = "tier";
pub const RUNS: &str = "runs";
pub const CAPACITY: &str = "capacity";
pub const AREA: &str = "area";
