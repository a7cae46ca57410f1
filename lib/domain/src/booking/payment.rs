//! Payment: one transaction that debits the wallet, sells the seats, confirms the
//! reservations (one or several of the fan's holds, up to the seat limit), records the
//! payment (with its PaymentCompleted event in the outbox and, if given, the
//! Idempotency-Key) and expires the queue token. All of it or none of it.
//!
//! The debit is conditional on the balance read just before (optimistic), so the
//! recorded balance after the payment is exact; a concurrent change makes the
//! transaction fail and the request reads again.

use std::sync::Arc;

use crate::booking::records::{PaidSeat, Payment};
use crate::booking::reservation::{Reservation, ReservationState, ReservationStatus};
use crate::booking::store::{EventPublisher, PayConflict, PaymentPlan, PaymentStore};
use crate::error::{Error, Result};
use crate::line::service::QueueService;
use crate::line::token::Bearer;
use crate::line::token::{Presented, TokenStatus};
use crate::retry::{optimistic, repeating, retrying, Round};
use crate::values::clock::Clock;
use crate::values::clock::Timestamp;
use crate::values::ids::IdempotencyKey;
use crate::values::ids::{PaymentId, ReservationId, UserId};
use crate::values::money::{debit, Won};
use crate::wallet::statement::Wallet;

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
        let bearer = &self.queue.bearer(caller, presented).await?;
        check_request(ids)?;
        optimistic(async |_| {
            let snap = retrying(|| self.store.snapshot(bearer.user, ids, key.as_ref())).await?;
            if let Some(prior) = snap.prior {
                // The key's first outcome, whatever has happened since (the token is used up by now).
                return if prior.paid_exactly(ids) { Ok(Round::Done(prior)) } else { Err(Error::IdempotencyKeyReused) };
            }
            let reservations: Vec<Reservation> = snap
                .reservations
                .into_iter()
                .map(|r| r.filter(|r| r.user == bearer.user).ok_or(Error::ReservationNotFound))
                .collect::<Result<_>>()?;
            let now = self.clock.now();
            if reservations.iter().any(|r| r.status_at(now) == ReservationStatus::Confirmed) {
                return self.already_paid(&reservations, key.as_ref()).await.map(Round::Done);
            }
            let plan = plan_payment(bearer, reservations, snap.wallet, now, key.clone())?;
            match self.store.pay(&plan).await {
                // Nothing applied (conflict, throttling): read again. An unknown outcome goes
                // back as 503; the client's retry reads what happened.
                Err(e) => Ok(Round::Failed(e)),
                Ok(Ok(())) => {
                    // Its PaymentCompleted event waits in the outbox for the relay (ADR 0010).
                    tracing::info!(user = %bearer.user, payment = %plan.payment.id, seats = plan.payment.seats.len(), amount = plan.payment.amount.get(), "paid");
                    Ok(Round::Done(plan.payment))
                }
                Ok(Err(conflicts)) => match after_conflict(&conflicts) {
                    AfterConflict::Fail(e) => {
                        tracing::info!(user = %bearer.user, ?conflicts, "payment refused");
                        Err(e)
                    }
                    AfterConflict::ReadAgain => Ok(Round::Lost),
                },
            }
        })
        .await
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
    let max = usize::from(crate::catalog::concert::Concert::MAX_SEAT_LIMIT);
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

/// The payment of the caller's reservations as read, or why not: every one still HELD at
/// `now` and of the concert the caller's token is for, the token ACTIVE, the balance
/// enough for their total. Pure; the transaction is conditioned on exactly what it assumed.
pub fn plan_payment(
    bearer: &Bearer,
    reservations: Vec<Reservation>,
    wallet: Wallet,
    now: Timestamp,
    key: Option<IdempotencyKey>,
) -> Result<PaymentPlan> {
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
    Ok(PaymentPlan {
        payment: Payment {
            id: PaymentId::random(),
            user: bearer.user,
            concert: bearer.concert.clone(),
            seats: reservations
                .iter()
                .map(|r| PaidSeat { reservation: r.id, date: r.date, seat: r.seat, price: r.price })
                .collect(),
            amount,
            balance_after: debit(wallet.balance, amount)?,
            paid_at: now,
        },
        reservations,
        token: bearer.token,
        wallet,
        now,
        key,
    })
}

#[cfg(test)]
mod tests;
