//! Every outcome a caller can act on, as one enum. `http::problem` is the only place that
//! turns these into status codes.

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Error {
    #[error("{0}")]
    InvalidInput(String),
    #[error("the request body is larger than {0} bytes")]
    BodyTooLarge(usize),
    #[error("no route for this method and path")]
    RouteNotFound,

    #[error("sign in: the Authorization header must carry a Bearer token")]
    AuthMissing,
    #[error("the sign-in token is not valid (signature, issuer, audience or lifetime)")]
    AuthInvalid,
    #[error("this belongs to another user or needs another role")]
    Forbidden,

    #[error("the X-Queue-Token header is missing")]
    TokenMissing,
    #[error("the queue token is not one this service issued")]
    TokenInvalid,
    #[error("the queue token has expired; take a new one")]
    TokenExpired,
    #[error("the queue token is still waiting to be admitted")]
    TokenNotActive,
    #[error("the queue token was issued for another concert")]
    TokenWrongConcert,
    #[error("this sale asks a proof of work to join: get a challenge (GET /queue/challenge), solve it at {bits} bits, and send it with the join")]
    WorkRequired { bits: u8 },
    #[error("the proof of work is not valid: not this service's challenge, for another fan or sale, expired, easier than the sale asks, or not solved")]
    WorkInvalid,

    #[error("no such concert")]
    ConcertNotFound,
    #[error("the sale has not opened yet: see the concert's preQueueAt and opensAt")]
    SaleNotOpen,
    #[error("the sale is closed")]
    SaleClosed,
    #[error("every seat is sold")]
    SoldOut,
    #[error("a concert with this id exists")]
    ConcertExists,
    #[error("the pre-queue has started: the seats, prices and opening can no longer change")]
    SaleStarted,
    #[error("a seat this edit changes is held or sold")]
    SeatInUse,
    #[error("the concert was changed meanwhile; read it again")]
    EditConflict,
    #[error("the draw is published once the sale is over")]
    DrawNotPublished,
    #[error("no such venue")]
    VenueNotFound,
    #[error("a venue with this id exists with another layout: a venue's layout is fixed once made, so give a new layout a new venueId")]
    VenueExists,
    #[error("the concert has no performance on that date")]
    ScheduleNotFound,
    #[error("no such seat")]
    SeatNotFound,
    #[error("the seat is held by someone else or sold")]
    SeatUnavailable,
    #[error("this account already holds or owns the most seats this concert allows ({limit})")]
    SeatLimitReached { limit: u8 },
    #[error("no {count} free seats side by side: ask for fewer, or pick seats one by one")]
    NoSeatsTogether { count: u8 },
    #[error("no such reservation")]
    ReservationNotFound,

    #[error("{0}")]
    InvalidAmount(String),
    #[error("the balance would exceed the wallet limit of {limit} KRW")]
    BalanceLimit { limit: i64 },
    #[error("the balance is lower than the price")]
    InsufficientBalance,
    #[error("the hold on this seat has expired")]
    HoldExpired,
    #[error("this reservation is already paid")]
    AlreadyPaid,
    #[error("only a paid reservation can be refunded; an unpaid hold is cancelled instead")]
    NotPaid,
    #[error("this reservation was already refunded")]
    AlreadyRefunded,
    #[error("the refund deadline has passed: the seat is no longer refundable")]
    RefundDeadlinePassed,
    #[error("no such ticket: only a paid seat is a ticket")]
    TicketNotFound,
    #[error("this ticket was refunded or given up: it admits nobody")]
    TicketVoid,
    #[error("this ticket is for {date}, not today")]
    TicketWrongDate { date: String },
    #[error("the code is not this ticket's current code: a copy, or the phone's clock is off")]
    TicketCodeInvalid,
    #[error("already checked in at {at} at gate {gate}")]
    AlreadyCheckedIn { at: String, gate: String },
    #[error("transfers of this ticket closed {hours} hours before its date")]
    TransferClosed { hours: u64 },
    #[error("the receiver already holds or owns the most seats this concert allows ({limit})")]
    ReceiverSeatLimitReached { limit: u8 },
    #[error("this ticket was not passed to its holder: there is nobody to give it back to")]
    NotTransferred,
    #[error("a ticket received from another fan is not refunded: give it back (decline) or pass it on")]
    TransferredTicket,
    #[error("this Idempotency-Key was used for a different request")]
    IdempotencyKeyReused,

    #[error("Idempotency-Key must be 1-128 visible ASCII characters")]
    InvalidIdempotencyKey,

    /// Lost a race with concurrent writers more often than a request may retry. Nothing
    /// of this request was applied.
    #[error("too many concurrent updates; retry")]
    Contention,
    /// The database refused the request for load (throttled). Nothing was applied.
    #[error("the service is busy; retry shortly")]
    Throttled,
    /// The database did not answer in time or failed. A read can simply be retried; a
    /// write may or may not have been applied, which is why every write a client retries
    /// is keyed or conditional.
    #[error("the service did not answer in time; retry shortly")]
    Unavailable,
    /// A keyless charge whose write may or may not have been applied: only the client can
    /// decide (read the balance), and an Idempotency-Key would have made the retry safe.
    #[error("the charge may or may not have been applied: read the balance before charging again, and send an Idempotency-Key so that a retry is safe")]
    ChargeOutcomeUnknown,
    /// A dependency failed. The text is for the log, never for the client.
    #[error("infrastructure failure: {0}")]
    Infrastructure(String),
}

impl Error {
    pub fn infrastructure(e: impl std::fmt::Debug) -> Self {
        Self::Infrastructure(format!("{e:?}"))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
