//! Payment: one transaction that debits the wallet, sells the seat, confirms the
//! reservation, records the payment (with its PaymentCompleted event in the outbox and,
//! if given, the Idempotency-Key) and expires the queue token. All of it or none of it.
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
use crate::queue::{QueueService, TokenStatus};
use crate::reservation::{Reservation, ReservationState, ReservationStatus};
use crate::retry::{decide, pause, pause_before_retry, retrying, Decision, MAX_ATTEMPTS};

/// A completed payment; also the body of its PaymentCompleted event (event id = payment id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub id: PaymentId,
    pub user: UserId,
    pub reservation: ReservationId,
    pub concert: ConcertId,
    pub date: ConcertDate,
    pub seat: SeatNumber,
    pub amount: Won,
    pub balance_after: Won,
    pub paid_at: Timestamp,
}

/// What the payment transaction is conditioned on, read in one round trip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentSnapshot {
    pub reservation: Option<Reservation>,
    pub balance: Won,
    /// The payment an Idempotency-Key already produced.
    pub prior: Option<Payment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentPlan {
    pub payment: Payment,
    pub token: TokenId,
    pub expected_balance: Won,
    /// The seat must still carry this reservation's hold, unexpired at `now`.
    pub now: Timestamp,
    pub key: Option<IdempotencyKey>,
}

/// Which condition of the payment transaction failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayConflict {
    /// The balance is not the one read.
    Wallet,
    /// The seat no longer carries this reservation's unexpired hold.
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
        reservation: ReservationId,
        key: Option<&IdempotencyKey>,
    ) -> Result<PaymentSnapshot>;
    /// The payment transaction. `Err` inside `Ok` lists the failed conditions.
    async fn pay(&self, plan: &PaymentPlan) -> Result<std::result::Result<(), Vec<PayConflict>>>;
    /// The user's payments, newest first.
    async fn payments(&self, user: UserId) -> Result<Vec<Payment>>;
    /// One of the user's payments.
    async fn payment(&self, user: UserId, id: PaymentId) -> Result<Option<Payment>>;
    /// PaymentCompleted events written but not yet handed to the queue.
    async fn undelivered(&self, limit: usize) -> Result<Vec<Payment>>;
    async fn mark_delivered(&self, event: &Payment) -> Result<()>;
}

/// Hands PaymentCompleted events to whoever listens (an SQS queue).
#[async_trait]
pub trait EventPublisher: Send + Sync {
    async fn publish(&self, event: &Payment) -> Result<()>;
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

    /// Pay a held seat with the token holder's balance.
    pub async fn pay(
        &self,
        raw_token: Option<&str>,
        reservation_id: ReservationId,
        key: Option<IdempotencyKey>,
    ) -> Result<Payment> {
        let token = self.queue.token(raw_token).await?;
        let mut attempt = 0;
        loop {
            if attempt >= MAX_ATTEMPTS {
                return Err(Error::Contention);
            }
            attempt += 1;
            let snap = retrying(|| self.store.snapshot(token.user, reservation_id, key.as_ref())).await?;
            if let Some(prior) = snap.prior {
                // The key's first outcome, whatever has happened since (the token is used up by now).
                return if prior.reservation == reservation_id { Ok(prior) } else { Err(Error::IdempotencyKeyReused) };
            }
            let reservation = snap.reservation.filter(|r| r.user == token.user).ok_or(Error::ReservationNotFound)?;
            let now = self.clock.now();
            match reservation.status_at(now) {
                ReservationStatus::Confirmed => return self.already_paid(&reservation, key.as_ref()).await,
                ReservationStatus::Expired => return Err(Error::HoldExpired),
                ReservationStatus::Held => {}
            }
            if reservation.concert != token.concert {
                return Err(Error::TokenWrongConcert);
            }
            match token.status_at(now) {
                TokenStatus::Active { .. } => {}
                TokenStatus::Waiting => return Err(Error::TokenNotActive),
                TokenStatus::Expired => return Err(Error::TokenExpired),
            }
            let balance_after = debit(snap.balance, reservation.price)?;
            let plan = PaymentPlan {
                payment: Payment {
                    id: PaymentId::random(),
                    user: token.user,
                    reservation: reservation.id,
                    concert: reservation.concert.clone(),
                    date: reservation.date,
                    seat: reservation.seat,
                    amount: reservation.price,
                    balance_after,
                    paid_at: now,
                },
                token: token.id,
                expected_balance: snap.balance,
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
                    tracing::info!(user = %token.user, reservation = %reservation.id, payment = %plan.payment.id, amount = plan.payment.amount.get(), "paid");
                    self.deliver(&plan.payment).await;
                    return Ok(plan.payment);
                }
                Err(conflicts) => match after_conflict(&conflicts) {
                    AfterConflict::Fail(e) => {
                        tracing::info!(user = %token.user, reservation = %reservation.id, ?conflicts, "payment refused");
                        return Err(e);
                    }
                    AfterConflict::ReadAgain => pause_before_retry(attempt - 1).await,
                },
            }
        }
    }

    /// A paid reservation asked to be paid again. Without a key this is the same request
    /// repeated (only its owner can pay it, and only once): answer with its payment. With a
    /// key other than the one that paid it, it is a different payment: ALREADY_PAID.
    async fn already_paid(&self, reservation: &Reservation, key: Option<&IdempotencyKey>) -> Result<Payment> {
        if let (None, ReservationState::Confirmed { payment }) = (key, reservation.state) {
            if let Some(p) = retrying(|| self.store.payment(reservation.user, payment)).await? {
                return Ok(p);
            }
        }
        Err(Error::AlreadyPaid)
    }

    pub async fn payments(&self, user: UserId) -> Result<Vec<Payment>> {
        retrying(|| self.store.payments(user)).await
    }

    /// Publish one event now; if the queue is down it stays in the outbox for `relay`.
    async fn deliver(&self, event: &Payment) {
        let result = match self.events.publish(event).await {
            Ok(()) => self.store.mark_delivered(event).await,
            Err(e) => Err(e),
        };
        if let Err(e) = result {
            tracing::warn!(payment = %event.id, error = %e, "PaymentCompleted left in the outbox for the relay");
        }
    }

    /// Publish what the outbox still holds. Returns how many were delivered.
    pub async fn relay(&self) -> Result<usize> {
        let mut delivered = 0;
        for event in self.store.undelivered(100).await? {
            self.events.publish(&event).await?;
            self.store.mark_delivered(&event).await?;
            delivered += 1;
        }
        Ok(delivered)
    }
}

#[cfg(test)]
mod tests;
