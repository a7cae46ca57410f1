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
use crate::reservation::{Reservation, ReservationStatus};
use crate::retry::{pause_before_retry, MAX_ATTEMPTS};

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
    async fn snapshot(&self, user: UserId, reservation: ReservationId, key: Option<&IdempotencyKey>)
        -> Result<PaymentSnapshot>;
    /// The payment transaction. `Err` inside `Ok` lists the failed conditions.
    async fn pay(&self, plan: &PaymentPlan) -> Result<std::result::Result<(), Vec<PayConflict>>>;
    /// The user's payments, newest first.
    async fn payments(&self, user: UserId) -> Result<Vec<Payment>>;
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
    pub async fn pay(&self, raw_token: Option<&str>, reservation_id: ReservationId, key: Option<IdempotencyKey>) -> Result<Payment> {
        let token = self.queue.token(raw_token).await?;
        for attempt in 0..MAX_ATTEMPTS {
            let snap = self.store.snapshot(token.user, reservation_id, key.as_ref()).await?;
            if let Some(prior) = snap.prior {
                // The key's first outcome, whatever has happened since (the token is used up by now).
                return if prior.reservation == reservation_id { Ok(prior) } else { Err(Error::IdempotencyKeyReused) };
            }
            let reservation = snap
                .reservation
                .filter(|r| r.user == token.user)
                .ok_or(Error::ReservationNotFound)?;
            let now = self.clock.now();
            match reservation.status_at(now) {
                ReservationStatus::Confirmed => return Err(Error::AlreadyPaid),
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
            match self.store.pay(&plan).await? {
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
                    AfterConflict::ReadAgain => pause_before_retry(attempt).await,
                },
            }
        }
        Err(Error::Contention)
    }

    pub async fn payments(&self, user: UserId) -> Result<Vec<Payment>> {
        self.store.payments(user).await
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
mod tests {
    use super::*;

    #[test]
    fn cancellation_reasons_map_to_the_contract() {
        use PayConflict::*;
        assert_eq!(after_conflict(&[Seat]), AfterConflict::Fail(Error::HoldExpired));
        assert_eq!(after_conflict(&[Token]), AfterConflict::Fail(Error::TokenExpired));
        assert_eq!(after_conflict(&[Seat, Token]), AfterConflict::Fail(Error::HoldExpired));
        // Wallet moved: read the balance again (402 or retry is decided there).
        assert_eq!(after_conflict(&[Wallet]), AfterConflict::ReadAgain);
        // Paid meanwhile (by this key or another): the next read answers replay or 409.
        assert_eq!(after_conflict(&[Key, Reservation, Seat, Token, Wallet]), AfterConflict::ReadAgain);
        assert_eq!(after_conflict(&[Reservation, Seat]), AfterConflict::ReadAgain);
    }
}

#[cfg(test)]
mod service_tests {
    use std::time::Duration;

    use super::*;
    use crate::catalog::{CatalogStore, SeatState};
    use crate::memory::Memory;
    use crate::queue::QueueStore;
    use crate::reservation::{HoldStore, ReservationState};
    use crate::testkit::{won, world, HOLD};

    async fn everything(mem: &Memory, r: &Reservation, token: TokenId) -> (Won, SeatState, ReservationState, TokenStatus, usize) {
        let seat = mem.seat(&r.concert, r.date, r.seat).await.unwrap().unwrap().state;
        let res = mem.reservation(r.id).await.unwrap().unwrap().state;
        let tok = QueueStore::token(mem, token).await.unwrap().unwrap();
        let balance = crate::wallet::WalletStore::balance(mem, r.user).await.unwrap();
        (balance, seat, res, tok.status_at(Timestamp::from_millis(1_800_000_000_001)), mem.payments(r.user).await.unwrap().len())
    }

    #[tokio::test]
    async fn payment_debits_sells_confirms_records_uses_the_token_and_publishes() {
        let w = world().await;
        let (fan, raw) = w.fan().await;
        let r = w.holds.hold(&fan, w.date, SeatNumber::new(20).unwrap()).await.unwrap();
        w.mem.set_balance(fan.user, won(200_000)).unwrap();
        let p = w.payments.pay(Some(&raw), r.id, None).await.unwrap();
        assert_eq!((p.amount, p.balance_after), (won(165_000), won(35_000)));
        let (balance, seat, res, tok, n) = everything(&w.mem, &r, fan.token).await;
        assert_eq!(balance, won(35_000));
        assert!(matches!(seat, SeatState::Sold { .. }));
        assert_eq!(res, ReservationState::Confirmed { payment: p.id });
        assert_eq!(tok, TokenStatus::Expired);
        assert_eq!(n, 1);
        assert_eq!(w.mem.published.lock().unwrap().len(), 1);
        assert_eq!(w.mem.outbox_len().unwrap(), 0);
        // The token's slot goes back to the line at the next tick.
        assert_eq!(w.queue.tick(&w.concert).await.unwrap().released, 1);
    }

    #[tokio::test]
    async fn refused_payments_change_nothing_and_say_why() {
        let w = world().await;
        let (fan, raw) = w.fan().await;
        let r = w.holds.hold(&fan, w.date, SeatNumber::new(40).unwrap()).await.unwrap();
        w.mem.set_balance(fan.user, won(109_999)).unwrap();
        let before = everything(&w.mem, &r, fan.token).await;
        assert_eq!(w.payments.pay(Some(&raw), r.id, None).await, Err(Error::InsufficientBalance));
        assert_eq!(everything(&w.mem, &r, fan.token).await, before);

        let (other, other_raw) = w.fan().await;
        assert_eq!(w.payments.pay(Some(&other_raw), r.id, None).await, Err(Error::ReservationNotFound));
        assert_eq!(w.payments.pay(Some(&raw), ReservationId::random(), None).await, Err(Error::ReservationNotFound));
        assert_eq!(w.payments.pay(None, r.id, None).await, Err(Error::TokenMissing));
        assert!(w.queue.authorize(Some(&other_raw), &other.concert).await.is_ok(), "a refusal uses up no token");

        w.mem.set_balance(fan.user, won(1_000_000)).unwrap();
        w.clock.advance(HOLD);
        assert_eq!(w.payments.pay(Some(&raw), r.id, None).await, Err(Error::HoldExpired));
        assert_eq!(everything(&w.mem, &r, fan.token).await.0, won(1_000_000));
    }

    #[tokio::test]
    async fn a_paid_reservation_is_already_paid_and_a_key_replays_its_payment() {
        let w = world().await;
        let (fan, raw) = w.fan().await;
        let r = w.holds.hold(&fan, w.date, SeatNumber::new(1).unwrap()).await.unwrap();
        w.mem.set_balance(fan.user, won(1_000_000)).unwrap();
        let key = IdempotencyKey::parse("pay-1").unwrap();
        let first = w.payments.pay(Some(&raw), r.id, Some(key.clone())).await.unwrap();
        w.clock.advance(Duration::from_secs(60));
        assert_eq!(w.payments.pay(Some(&raw), r.id, Some(key.clone())).await, Ok(first.clone()), "replay, token used up or not");
        assert_eq!(w.payments.pay(Some(&raw), r.id, Some(IdempotencyKey::parse("pay-2").unwrap())).await, Err(Error::AlreadyPaid));
        assert_eq!(w.payments.pay(Some(&raw), r.id, None).await, Err(Error::AlreadyPaid));
        let other = w.holds.hold(&w.fan().await.0, w.date, SeatNumber::new(2).unwrap()).await.unwrap();
        assert_eq!(w.payments.pay(Some(&raw), other.id, Some(key)).await, Err(Error::IdempotencyKeyReused));
        assert_eq!(w.payments.payments(fan.user).await.unwrap(), vec![first]);
    }

    #[tokio::test]
    async fn an_event_that_could_not_be_sent_waits_in_the_outbox_for_the_relay() {
        let w = world().await;
        let (fan, raw) = w.fan().await;
        let r = w.holds.hold(&fan, w.date, SeatNumber::new(9).unwrap()).await.unwrap();
        w.mem.set_balance(fan.user, won(1_000_000)).unwrap();
        w.mem.events_down.store(true, std::sync::atomic::Ordering::SeqCst);
        let p = w.payments.pay(Some(&raw), r.id, None).await.unwrap();
        assert_eq!(w.mem.outbox_len().unwrap(), 1);
        assert!(w.payments.relay().await.is_err(), "still down");
        w.mem.events_down.store(false, std::sync::atomic::Ordering::SeqCst);
        assert_eq!(w.payments.relay().await.unwrap(), 1);
        assert_eq!(w.mem.outbox_len().unwrap(), 0);
        assert_eq!(w.mem.published.lock().unwrap().iter().map(|e| e.id).collect::<Vec<_>>(), vec![p.id]);
    }
}
