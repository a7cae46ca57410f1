//! What booking needs of storage: holds and cancels, payments and their outbox, refunds;
//! and of messaging: the delayed release of a hold, the outbox's events.

use std::time::Duration;

use async_trait::async_trait;

use crate::booking::records::{OutboxEvent, Payment, Refund};
use crate::booking::reservation::Reservation;
use crate::error::Result;
use crate::line::token::Admission;
use crate::rules::seat_limit::AccountSeats;
use crate::values::clock::Timestamp;
use crate::values::ids::{ConcertId, IdempotencyKey, PaymentId, ReservationId, TokenId, UserId};
use crate::values::money::Won;
use crate::wallet::statement::{EntryKind, StatementEntry, Wallet};

#[async_trait]
pub trait HoldStore: Send + Sync {
    /// In one step, all or nothing: take each reservation's seat if it is available at
    /// `now`, take the account's slot `reservation.slot` of each if it is free at `now`,
    /// record the reservations, and check that `who`'s queue token is still ACTIVE with its
    /// slot at `now`, keeping its slot moved to `keep_slot_until`, so that a fan deciding to
    /// pay is never idle. A used-up or expired token cannot hold.
    async fn hold(
        &self,
        reservations: &[Reservation],
        now: Timestamp,
        who: &Admission,
        keep_slot_until: Timestamp,
    ) -> Result<HoldOutcome>;
    /// The account's seat slots for a concert.
    async fn account(&self, concert: &ConcertId, user: UserId) -> Result<AccountSeats>;
    /// In one step, if the hold is still in force at `now` and unpaid: mark it CANCELLED,
    /// free the seat and the account's slot. False if any of that no longer holds.
    async fn cancel(&self, reservation: &Reservation, now: Timestamp) -> Result<bool>;
    async fn reservation(&self, id: ReservationId) -> Result<Option<Reservation>>;
    /// Mark an unpaid reservation whose time has passed EXPIRED and free its seat if the
    /// seat still carries this hold. Idempotent; false if there was nothing to do.
    async fn release(&self, reservation: &Reservation, now: Timestamp) -> Result<bool>;
}

/// Sends "look at this hold again at `expires_at`" (an SQS message with a delay).
#[async_trait]
pub trait HoldExpiryScheduler: Send + Sync {
    async fn schedule(&self, reservation: ReservationId, delay: Duration) -> Result<()>;
}

#[async_trait]
pub trait PaymentStore: Send + Sync {
    async fn snapshot(
        &self,
        user: UserId,
        reservations: &[ReservationId],
        key: Option<&IdempotencyKey>,
    ) -> Result<PaymentSnapshot>;
    /// The payment transaction. `Err` inside `Ok` lists the failed conditions.
    async fn pay(&self, plan: &PaymentPlan) -> Result<std::result::Result<(), Vec<PayConflict>>>;
    /// The user's payments, newest first.
    async fn payments(&self, user: UserId) -> Result<Vec<Payment>>;
    /// One of the user's payments.
    async fn payment(&self, user: UserId, id: PaymentId) -> Result<Option<Payment>>;
    /// Events written in the outbox (by payments, refunds) not yet handed to the queue.
    async fn undelivered(&self, limit: usize) -> Result<Vec<OutboxEvent>>;
    async fn mark_delivered(&self, event: &OutboxEvent) -> Result<()>;
}

/// Hands outbox events to whoever listens (an SQS queue).
#[async_trait]
pub trait EventPublisher: Send + Sync {
    async fn publish(&self, event: &OutboxEvent) -> Result<()>;
}

#[async_trait]
pub trait RefundStore: Send + Sync {
    async fn snapshot(
        &self,
        user: UserId,
        reservation: ReservationId,
        key: Option<&IdempotencyKey>,
    ) -> Result<RefundSnapshot>;
    /// The refund transaction; false if any of its conditions failed (read again).
    async fn refund(&self, plan: &RefundPlan) -> Result<bool>;
    /// The user's refunds, newest first.
    async fn refunds(&self, user: UserId) -> Result<Vec<Refund>>;
    /// A concert's refunds so far (kept by the refunds themselves).
    async fn totals(&self, concert: &ConcertId) -> Result<RefundTotals>;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HoldOutcome {
    Held,
    /// A seat (held by someone else, or sold) or an account's slot was taken at the
    /// instant of the write: read them again.
    SeatTaken,
    NoSuchSeat,
    /// The queue token is no longer ACTIVE with its slot: used up, expired, or its slot lost.
    TokenEnded,
}

/// What the payment transaction is conditioned on, read in one round trip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentSnapshot {
    /// The requested reservations, in the order asked (`None`: no such reservation).
    pub reservations: Vec<Option<Reservation>>,
    pub wallet: Wallet,
    /// The payment an Idempotency-Key already produced.
    pub prior: Option<Payment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentPlan {
    pub payment: Payment,
    /// The holds being paid, as read (their seats and account slots become the fan's).
    pub reservations: Vec<Reservation>,
    pub token: TokenId,
    /// The wallet as read: the balance write is conditioned on it.
    pub wallet: Wallet,
    /// The seat must still carry this reservation's hold, unexpired at `now`.
    pub now: Timestamp,
    pub key: Option<IdempotencyKey>,
}

impl PaymentPlan {
    /// The wallet statement's entry for this payment, written in its transaction.
    pub fn entry(&self) -> StatementEntry {
        let payment = &self.payment;
        self.wallet.entry(EntryKind::Payment, payment.balance_after, Some(payment.id.to_string()), payment.paid_at)
    }
}

/// Which condition of the payment transaction failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayConflict {
    /// The balance is not the one read.
    Wallet,
    /// A seat no longer carries its reservation's unexpired hold (or its account slot moved).
    Seat,
    /// The reservation is no longer HELD.
    Reservation,
    /// The queue token is no longer ACTIVE.
    Token,
    /// The Idempotency-Key was recorded meanwhile.
    Key,
}

/// What the refund transaction is conditioned on, read in one round trip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundSnapshot {
    pub reservation: Option<Reservation>,
    pub wallet: Wallet,
    /// The reservation's refund, if it was refunded.
    pub existing: Option<Refund>,
    /// The refund an Idempotency-Key already produced.
    pub prior: Option<Refund>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundPlan {
    pub refund: Refund,
    pub reservation: Reservation,
    /// The wallet as read: the balance write is conditioned on it.
    pub wallet: Wallet,
    pub key: Option<IdempotencyKey>,
}

impl RefundPlan {
    /// The wallet statement's entry for this refund, written in its transaction.
    pub fn entry(&self) -> StatementEntry {
        let refund = &self.refund;
        self.wallet.entry(EntryKind::Refund, refund.balance_after, Some(refund.id.to_string()), refund.refunded_at)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RefundTotals {
    pub count: u64,
    pub refunded: Won,
    pub fees: Won,
}
