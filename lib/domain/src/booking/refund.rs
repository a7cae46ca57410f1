//! Refunds: the owner of a paid seat cancels it and gets back its price less the fee its
//! concert's schedule sets for that instant (`refund_policy`). One transaction makes the
//! seat available again, the reservation CANCELLED, frees the account's share, credits the
//! wallet, records the refund and puts a ReservationCancelled event in the outbox: all or
//! nothing. A reservation is refunded at most once (its refund record is keyed by it); an
//! Idempotency-Key answers a retry with the first outcome.

use std::sync::Arc;

use crate::booking::records::Refund;
use crate::booking::reservation::ReservationState;
use crate::booking::store::PaymentStore;
use crate::booking::store::{RefundPlan, RefundStore, RefundTotals};
use crate::catalog::concert::Concert;
use crate::catalog::store::CatalogStore;
use crate::error::{Error, Result};
use crate::retry::{optimistic, retrying, Round};
use crate::rules::refund_policy::Quote;
use crate::values::clock::Clock;
use crate::values::ids::{ConcertId, IdempotencyKey};
use crate::values::ids::{RefundId, ReservationId, UserId};

pub struct RefundService {
    store: Arc<dyn RefundStore>,
    catalog: Arc<dyn CatalogStore>,
    payments: Arc<dyn PaymentStore>,
    clock: Arc<dyn Clock>,
}

impl RefundService {
    pub fn new(
        store: Arc<dyn RefundStore>,
        catalog: Arc<dyn CatalogStore>,
        payments: Arc<dyn PaymentStore>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self { store, catalog, payments, clock }
    }

    /// Cancel the caller's paid reservation and refund it by its concert's schedule.
    pub async fn refund(&self, caller: UserId, id: ReservationId, key: Option<IdempotencyKey>) -> Result<Refund> {
        optimistic(async |_| {
            let snap = retrying(|| self.store.snapshot(caller, id, key.as_ref())).await?;
            if let Some(prior) = snap.prior {
                return if prior.reservation == id { Ok(Round::Done(prior)) } else { Err(Error::IdempotencyKeyReused) };
            }
            let reservation = snap.reservation.filter(|r| r.user == caller).ok_or(Error::ReservationNotFound)?;
            if let Some(done) = snap.existing {
                // The same request repeated without a key is answered; another key is a second refund.
                return if key.is_none() { Ok(Round::Done(done)) } else { Err(Error::AlreadyRefunded) };
            }
            let ReservationState::Confirmed { payment } = reservation.state else { return Err(Error::NotPaid) };
            let concert = self.concert(&reservation.concert).await?;
            let paid = retrying(|| self.payments.payment(caller, payment)).await?.ok_or(Error::NotPaid)?;
            let now = self.clock.now();
            let Quote::Refund { fee, refund } =
                concert.refund_policy.quote(reservation.price, paid.paid_at, reservation.date.start(), now)
            else {
                return Err(Error::RefundDeadlinePassed);
            };
            let balance_after = snap
                .wallet
                .balance
                .checked_add(refund)
                .ok_or_else(|| Error::Infrastructure("a balance overflows".into()))?;
            let plan = RefundPlan {
                refund: Refund {
                    id: RefundId::random(),
                    user: caller,
                    reservation: id,
                    payment,
                    concert: reservation.concert.clone(),
                    date: reservation.date,
                    seat: reservation.seat,
                    price: reservation.price,
                    fee,
                    amount: refund,
                    balance_after,
                    refunded_at: now,
                },
                reservation,
                wallet: snap.wallet,
                key: key.clone(),
            };
            // Refunded, or the balance moved, meanwhile (lost): the next read says which.
            Ok(Round::from_write(self.store.refund(&plan).await, || {
                tracing::info!(user = %caller, reservation = %id, refunded = refund.get(), fee = fee.get(), "paid seat refunded");
                plan.refund
            }))
        })
        .await
    }

    pub async fn refunds(&self, user: UserId) -> Result<Vec<Refund>> {
        retrying(|| self.store.refunds(user)).await
    }

    pub async fn totals(&self, concert: &ConcertId) -> Result<RefundTotals> {
        retrying(|| self.store.totals(concert)).await
    }

    async fn concert(&self, id: &ConcertId) -> Result<Concert> {
        retrying(|| self.catalog.concert(id)).await?.ok_or(Error::ConcertNotFound)
    }
}

#[cfg(test)]
mod tests;
