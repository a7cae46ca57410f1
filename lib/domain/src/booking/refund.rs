//! Refunds: the owner of a paid seat cancels it and gets back its price less the fee its
//! concert's schedule sets for that instant (`refund_policy`). One transaction makes the
//! seat available again, the reservation CANCELLED, frees the account's share, credits the
//! wallet, records the refund and puts a ReservationCancelled event in the outbox: all or
//! nothing. A reservation is refunded at most once (its refund record is keyed by it); an
//! Idempotency-Key answers a retry with the first outcome.

use std::sync::Arc;

use crate::booking::records::{Refund, RefundQuote};
use crate::booking::reservation::Reservation;
use crate::booking::reservation::ReservationState;
use crate::booking::store::PaymentStore;
use crate::booking::store::{RefundPlan, RefundStore, RefundTotals};
use crate::catalog::concert::Concert;
use crate::catalog::store::CatalogStore;
use crate::error::{Error, Result};
use crate::retry::{optimistic, retrying, Round};
use crate::rules::refund_policy::Quote;
use crate::rules::refund_policy::RefundPolicy;
use crate::values::clock::Clock;
use crate::values::clock::Timestamp;
use crate::values::ids::PaymentId;
use crate::values::ids::{ConcertId, IdempotencyKey};
use crate::values::ids::{RefundId, ReservationId, UserId};
use crate::values::money::WalletLimits;
use crate::wallet::statement::Wallet;

pub struct RefundService {
    store: Arc<dyn RefundStore>,
    catalog: Arc<dyn CatalogStore>,
    payments: Arc<dyn PaymentStore>,
    clock: Arc<dyn Clock>,
    limits: WalletLimits,
}

impl RefundService {
    pub fn new(
        store: Arc<dyn RefundStore>,
        catalog: Arc<dyn CatalogStore>,
        payments: Arc<dyn PaymentStore>,
        clock: Arc<dyn Clock>,
        limits: WalletLimits,
    ) -> Self {
        Self { store, catalog, payments, clock, limits }
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
            let plan = self.plan(reservation, snap.wallet, key.clone()).await?;
            let (fee, refund) = (plan.refund.fee, plan.refund.amount);
            // Refunded, or the balance moved, meanwhile (lost): the next read says which.
            Ok(Round::from_write(self.store.refund(&plan).await, || {
                tracing::info!(user = %caller, reservation = %id, refunded = refund.get(), fee = fee.get(), "paid seat refunded");
                plan.refund
            }))
        })
        .await
    }

    /// What refunding the caller's paid reservation would give back now, checked as the
    /// refund itself checks it (the same plan, not written): for showing the fee before
    /// the fan confirms. The refund quotes again when it is made.
    pub async fn quote(&self, caller: UserId, id: ReservationId) -> Result<RefundQuote> {
        let snap = retrying(|| self.store.snapshot(caller, id, None)).await?;
        let reservation = snap.reservation.filter(|r| r.user == caller).ok_or(Error::ReservationNotFound)?;
        if snap.existing.is_some() {
            return Err(Error::AlreadyRefunded);
        }
        let plan = self.plan(reservation, snap.wallet, None).await?;
        let r = plan.refund;
        Ok(RefundQuote {
            reservation: r.reservation,
            price: r.price,
            fee: r.fee,
            refund: r.amount,
            quoted_at: r.refunded_at,
        })
    }

    /// The refund of a reservation as read, with its concert's schedule and its payment.
    async fn plan(&self, reservation: Reservation, wallet: Wallet, key: Option<IdempotencyKey>) -> Result<RefundPlan> {
        let ReservationState::Confirmed { payment } = reservation.state else { return Err(Error::NotPaid) };
        let concert = self.concert(&reservation.concert).await?;
        // A ticket passed on has no payment of its holder's: nobody is refunded for it.
        let unpaid = if reservation.transferred_from.is_some() { Error::TransferredTicket } else { Error::NotPaid };
        let paid = retrying(|| self.payments.payment(reservation.user, payment)).await?.ok_or(unpaid)?;
        plan_refund(
            reservation,
            payment,
            paid.paid_at,
            &concert.refund_policy,
            (wallet, &self.limits),
            self.clock.now(),
            key,
        )
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

/// The refund of a paid reservation as read, or why not: the concert's schedule quotes the
/// fee at `now` (nothing once its deadline has passed), and the wallet takes the rest back
/// if it is within its limit (`WalletLimits::refund`).
/// Pure; the transaction is conditioned on exactly what it assumed.
pub fn plan_refund(
    reservation: Reservation,
    payment: PaymentId,
    paid_at: Timestamp,
    policy: &RefundPolicy,
    (wallet, limits): (Wallet, &WalletLimits),
    now: Timestamp,
    key: Option<IdempotencyKey>,
) -> Result<RefundPlan> {
    if let Some(done) = &reservation.checked_in {
        // The ticket has let its holder in: there is nothing left to give back.
        return Err(Error::AlreadyCheckedIn { at: done.at.to_rfc3339(), gate: done.gate.as_str().to_owned() });
    }
    let Quote::Refund { fee, refund } = policy.quote(reservation.price, paid_at, reservation.date.start(), now) else {
        return Err(Error::RefundDeadlinePassed);
    };
    let balance_after = limits.refund(wallet.balance, refund)?;
    Ok(RefundPlan {
        refund: Refund {
            id: RefundId::random(),
            user: reservation.user,
            reservation: reservation.id,
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
        wallet,
        key,
    })
}

#[cfg(test)]
mod tests;
