//! Payment: one transaction that debits the wallet, sells the seats, confirms the
//! reservations (one or several of the fan's holds, up to the seat limit), records the
//! payment (with its PaymentCompleted event in the outbox and, if given, the
//! Idempotency-Key) and expires the queue token. All of it or none of it.
//!
//! The debit is conditional on the balance read just before (optimistic), so the
//! recorded balance after the payment is exact; a concurrent change makes the
//! transaction fail and the request reads again.

use std::sync::Arc;

use async_trait::async_trait;

use crate::clock::{Clock, Timestamp};
use crate::error::{Error, Result};
use crate::ids::{ConcertDate, ConcertId, IdempotencyKey, PaymentId, ReservationId, SeatNumber, TokenId, UserId};
use crate::money::{debit, Won};
use crate::queue::{Presented, QueueService, TokenStatus};
use crate::reservation::{Reservation, ReservationState, ReservationStatus};
use crate::retry::{decide, pause, pause_before_retry, repeating, retrying, Decision, MAX_ATTEMPTS};
use crate::wallet::{EntryKind, StatementEntry, Wallet};

/// One seat a payment bought.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaidSeat {
    pub reservation: ReservationId,
    pub date: ConcertDate,
    pub seat: SeatNumber,
    pub price: Won,
}

/// A completed payment; also the body of its PaymentCompleted event (event id = payment id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub id: PaymentId,
    pub user: UserId,
    pub concert: ConcertId,
    /// In the order the fan asked for them; never empty.
    pub seats: Vec<PaidSeat>,
    /// The sum of the seats' prices.
    pub amount: Won,
    pub balance_after: Won,
    pub paid_at: Timestamp,
}

impl Payment {
    /// The payment as clients and event consumers see it (the API's answer and the body
    /// of the PaymentCompleted event share it). `reservationId`, `date` and `seatNumber`
    /// name the first seat, for clients that pay one at a time.
    pub fn to_json(&self) -> serde_json::Value {
        let first = self.seats.first();
        serde_json::json!({
            "paymentId": self.id.to_string(),
            "userId": self.user.to_string(),
            "concertId": self.concert.as_str(),
            "reservationId": first.map(|s| s.reservation.to_string()),
            "date": first.map(|s| s.date.to_string()),
            "seatNumber": first.map(|s| s.seat.get()),
            "reservationIds": self.seats.iter().map(|s| s.reservation.to_string()).collect::<Vec<_>>(),
            "seats": self.seats.iter().map(|s| serde_json::json!({
                "reservationId": s.reservation.to_string(),
                "date": s.date.to_string(),
                "seatNumber": s.seat.get(),
                "price": s.price.get(),
            })).collect::<Vec<_>>(),
            "amount": self.amount.get(),
            "balance": self.balance_after.get(),
            "paidAt": self.paid_at.to_rfc3339(),
        })
    }

    pub fn reservations(&self) -> impl Iterator<Item = ReservationId> + '_ {
        self.seats.iter().map(|s| s.reservation)
    }

    /// True when this payment paid exactly these reservations (in any order).
    pub fn paid_exactly(&self, ids: &[ReservationId]) -> bool {
        let mut mine: Vec<ReservationId> = self.reservations().collect();
        let mut asked = ids.to_vec();
        mine.sort();
        asked.sort();
        mine == asked
    }
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

/// What to do after the transaction was cancelled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AfterConflict {
    /// Read again: the snapshot will show what happened (a replay, a payment, a new balance).
    ReadAgain,
    Fail(Error),
}

/// Cancellation reasons -> the contract's answer. A recorded key or a changed reservation
/// or balance are decided by reading again; a seat or token that moved on are final.
pub fn after_conflict(conflicts: &[PayConflict]) -> AfterConflict {
    let has = |c| conflicts.contains(&c);
    if has(PayConflict::Key) || has(PayConflict::Reservation) {
        AfterConflict::ReadAgain
    } else if has(PayConflict::Seat) {
        AfterConflict::Fail(Error::HoldExpired)
    } else if has(PayConflict::Token) {
        AfterConflict::Fail(Error::TokenExpired)
    } else {
        AfterConflict::ReadAgain
    }
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

/// An event written in the outbox by the very transaction that made it true, then handed
/// to the queue (at least once; `id` makes duplicates harmless to consumers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEvent {
    /// The payment's or the refund's id.
    pub id: String,
    /// `PaymentCompleted`, `ReservationCancelled`.
    pub kind: String,
    pub body: serde_json::Value,
}

impl OutboxEvent {
    pub fn new(id: String, kind: &str, mut body: serde_json::Value) -> Self {
        body["eventType"] = serde_json::json!(kind);
        body["eventId"] = serde_json::json!(id);
        Self { id, kind: kind.to_owned(), body }
    }

    pub fn payment_completed(p: &Payment) -> Self {
        Self::new(p.id.to_string(), "PaymentCompleted", p.to_json())
    }
}

/// Hands outbox events to whoever listens (an SQS queue).
#[async_trait]
pub trait EventPublisher: Send + Sync {
    async fn publish(&self, event: &OutboxEvent) -> Result<()>;
}

pub struct PaymentService {
    queue: Arc<QueueService>,
    store: Arc<dyn PaymentStore>,
    events: Arc<dyn EventPublisher>,
    clock: Arc<dyn Clock>,
}

impl PaymentService {
    pub fn new(
        queue: Arc<QueueService>,
        store: Arc<dyn PaymentStore>,
        events: Arc<dyn EventPublisher>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self { queue, store, events, clock }
    }

    /// Pay one or more of the caller's held seats with their balance, in one step.
    pub async fn pay<'a>(
        &self,
        caller: UserId,
        presented: impl Into<Presented<'a>>,
        ids: &[ReservationId],
        key: Option<IdempotencyKey>,
    ) -> Result<Payment> {
        let bearer = self.queue.bearer(caller, presented).await?;
        check_request(ids)?;
        let mut attempt = 0;
        loop {
            if attempt >= MAX_ATTEMPTS {
                return Err(Error::Contention);
            }
            attempt += 1;
            let snap = retrying(|| self.store.snapshot(bearer.user, ids, key.as_ref())).await?;
            if let Some(prior) = snap.prior {
                // The key's first outcome, whatever has happened since (the token is used up by now).
                return if prior.paid_exactly(ids) { Ok(prior) } else { Err(Error::IdempotencyKeyReused) };
            }
            let reservations: Vec<Reservation> = snap
                .reservations
                .into_iter()
                .map(|r| r.filter(|r| r.user == bearer.user).ok_or(Error::ReservationNotFound))
                .collect::<Result<_>>()?;
            let now = self.clock.now();
            if reservations.iter().any(|r| r.status_at(now) == ReservationStatus::Confirmed) {
                return self.already_paid(&reservations, key.as_ref()).await;
            }
            if reservations.iter().any(|r| r.status_at(now) != ReservationStatus::Held) {
                return Err(Error::HoldExpired);
            }
            if reservations.iter().any(|r| r.concert != bearer.concert) {
                return Err(Error::TokenWrongConcert);
            }
            match bearer.status {
                TokenStatus::Active { until } if now < until => {}
                TokenStatus::Active { .. } => return Err(Error::TokenExpired),
                TokenStatus::Waiting => return Err(Error::TokenNotActive),
                TokenStatus::Expired => return Err(Error::TokenExpired),
            }
            let amount = reservations
                .iter()
                .try_fold(Won::ZERO, |sum, r| sum.checked_add(r.price))
                .ok_or_else(|| Error::Infrastructure("payment total overflows".into()))?;
            let plan = PaymentPlan {
                payment: Payment {
                    id: PaymentId::random(),
                    user: bearer.user,
                    concert: bearer.concert.clone(),
                    seats: reservations
                        .iter()
                        .map(|r| PaidSeat { reservation: r.id, date: r.date, seat: r.seat, price: r.price })
                        .collect(),
                    amount,
                    balance_after: debit(snap.wallet.balance, amount)?,
                    paid_at: now,
                },
                reservations,
                token: bearer.token,
                wallet: snap.wallet,
                now,
                key: key.clone(),
            };
            let outcome = match self.store.pay(&plan).await {
                Ok(outcome) => outcome,
                // Nothing applied (conflict, throttling): read again. An unknown outcome goes
                // back as 503; the client's retry reads what happened.
                Err(e) => match decide(&e, attempt - 1) {
                    Decision::RetryWithin(cap) => {
                        pause(cap).await;
                        continue;
                    }
                    Decision::GiveUp => return Err(e),
                },
            };
            match outcome {
                Ok(()) => {
                    // Its PaymentCompleted event waits in the outbox for the relay (ADR 0010).
                    tracing::info!(user = %bearer.user, payment = %plan.payment.id, seats = plan.payment.seats.len(), amount = plan.payment.amount.get(), "paid");
                    return Ok(plan.payment);
                }
                Err(conflicts) => match after_conflict(&conflicts) {
                    AfterConflict::Fail(e) => {
                        tracing::info!(user = %bearer.user, ?conflicts, "payment refused");
                        return Err(e);
                    }
                    AfterConflict::ReadAgain => pause_before_retry(attempt - 1).await,
                },
            }
        }
    }

    /// Paid reservations asked to be paid again. Without a key, the same request repeated
    /// (only their owner can pay them, and only once) is answered with its payment. With a
    /// key other than the one that paid, or a different set of seats: ALREADY_PAID.
    async fn already_paid(&self, reservations: &[Reservation], key: Option<&IdempotencyKey>) -> Result<Payment> {
        if let (None, Some(first)) = (key, reservations.first()) {
            if let ReservationState::Confirmed { payment } = first.state {
                let ids: Vec<ReservationId> = reservations.iter().map(|r| r.id).collect();
                if let Some(p) = retrying(|| self.store.payment(first.user, payment)).await? {
                    if p.paid_exactly(&ids) {
                        return Ok(p);
                    }
                }
            }
        }
        Err(Error::AlreadyPaid)
    }

    pub async fn payments(&self, user: UserId) -> Result<Vec<Payment>> {
        retrying(|| self.store.payments(user)).await
    }

    /// Publish what the outbox holds (shard by shard, in event-id order), in rounds of
    /// `RELAY_ROUND` while rounds come back full, at most `RELAY_ROUNDS`; the admitter calls
    /// it every tick. The only publisher: payments and refunds write their events in their
    /// own transactions and leave them there, so that the request path ends with the
    /// transaction (ADR 0010). An event is deleted once published; one whose delete fails
    /// is published again by the next pass (consumers dedupe by event id). A pass stops at
    /// the first failure and the next tick goes on.
    pub async fn relay(&self) -> Result<usize> {
        let mut delivered = 0;
        for _ in 0..RELAY_ROUNDS {
            let events = retrying(|| self.store.undelivered(RELAY_ROUND)).await?;
            for event in &events {
                self.events.publish(event).await?;
                repeating(|| self.store.mark_delivered(event)).await?;
                delivered += 1;
            }
            if events.len() < RELAY_ROUND {
                break;
            }
        }
        Ok(delivered)
    }
}

/// Events the relay reads from the outbox at once, and rounds of them in one call: far
/// more than a tick's payments, which the seats bound (50 a date).
const RELAY_ROUND: usize = 100;
const RELAY_ROUNDS: usize = 10;

/// One to `Concert::MAX_SEAT_LIMIT` distinct reservations.
fn check_request(ids: &[ReservationId]) -> Result<()> {
    let max = usize::from(crate::catalog::Concert::MAX_SEAT_LIMIT);
    if ids.is_empty() || ids.len() > max {
        return Err(Error::InvalidInput(format!("pay between 1 and {max} reservations at once")));
    }
    let mut sorted = ids.to_vec();
    sorted.sort();
    sorted.dedup();
    if sorted.len() != ids.len() {
        return Err(Error::InvalidInput("a reservation is listed twice".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
