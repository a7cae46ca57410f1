//! Seat holds. A hold is one atomic write that takes the seat only if it is available
//! *at this instant* (free, or held by a hold whose time has passed) and records the
//! reservation. Expiry needs no cleanup to be correct; the delayed release message only
//! tidies the records.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use crate::booking::reservation::{Reservation, ReservationState, ReservationStatus};
use crate::booking::store::{HoldExpiryScheduler, HoldOutcome, HoldStore};
use crate::catalog::concert::{Concert, Seat, SeatState, SeatStatus};
use crate::catalog::store::CatalogStore;
use crate::error::{Error, Result};
use crate::glance::Glances;
use crate::line::token::Admission;
use crate::retry::{decide, pause, pause_before_retry, retrying, Decision, MAX_ATTEMPTS};
use crate::rules::seat_limit::AccountSeats;
use crate::values::clock::{Clock, Timestamp};
use crate::values::ids::ReservationId;
use crate::values::ids::{ConcertDate, ConcertId, SeatNumber};
use crate::values::money::Won;

pub struct HoldService {
    catalog: Arc<dyn CatalogStore>,
    store: Arc<dyn HoldStore>,
    expiry: Arc<dyn HoldExpiryScheduler>,
    clock: Arc<dyn Clock>,
    hold_for: Duration,
    /// The queue's idle timeout: a hold is a sign of life, and renews the fan's slot.
    idle_for: Duration,
    /// How long a hold may decide the sale's phase and seat limit from this instance's last
    /// reading of the concert (none by default; `glancing_for`).
    glance_for: Duration,
    sales: Glances<ConcertId, Concert>,
    /// The seat prices of each date, kept for good once the sale has started: from then on
    /// the layout cannot change (`OperatorService::edit`).
    prices: Glances<(ConcertId, ConcertDate), Arc<HashMap<SeatNumber, Won>>>,
}

/// Prices, once kept, are kept whatever their age.
fn for_good<V>(_: &V, _: Duration) -> bool {
    true
}

impl HoldService {
    pub fn new(
        catalog: Arc<dyn CatalogStore>,
        store: Arc<dyn HoldStore>,
        expiry: Arc<dyn HoldExpiryScheduler>,
        clock: Arc<dyn Clock>,
        hold_for: Duration,
        idle_for: Duration,
    ) -> Self {
        Self {
            catalog,
            store,
            expiry,
            clock,
            hold_for,
            idle_for,
            glance_for: Duration::ZERO,
            sales: Glances::default(),
            prices: Glances::default(),
        }
    }

    /// Let holds decide the sale's phase and seat limit from a glance up to `glance_for`
    /// old: an operator's close or new limit reaches holds within it (ADR 0010).
    #[must_use]
    pub fn glancing_for(mut self, glance_for: Duration) -> Self {
        self.glance_for = glance_for;
        self
    }

    /// The sale, and the prices of the date's seats (a seat without one does not exist):
    /// each as this instance kept it, else read (at once).
    async fn sale_and_prices(
        &self,
        concert_id: &ConcertId,
        date: ConcertDate,
        now: Timestamp,
    ) -> Result<(Concert, Arc<HashMap<SeatNumber, Won>>)> {
        // The sale is kept once read, even if the prices' read fails: it was read all the same.
        let fresh = |_: &Concert, age: Duration| age < self.glance_for;
        let key = (concert_id.clone(), date);
        let sale = self.sales.get_or_read(concert_id, now, fresh, |_| !self.glance_for.is_zero(), async {
            retrying(|| self.catalog.concert(concert_id)).await?.ok_or(Error::ConcertNotFound)
        });
        // Kept below, once the sale tells whether the date's layout may still change.
        let prices = self.prices.get_or_read(&key, now, for_good, |_| false, async {
            let seats = retrying(|| self.catalog.date_seats(concert_id, date)).await?;
            Ok::<_, Error>(Arc::new(seats.iter().map(|s| (s.number, s.price)).collect::<HashMap<_, _>>()))
        });
        let ((concert, _), (prices, prices_kept)) = tokio::try_join!(sale, prices)?;
        // A date without seats is not kept: made-up dates must not grow the instance's memory.
        if !prices_kept && !prices.is_empty() && concert.phase_at(now) != crate::rules::sale::Phase::Scheduled {
            self.prices.keep(key, prices.clone(), now, for_good);
        }
        Ok((concert, prices))
    }

    /// Hold a seat for the admitted user. Holding a seat the user already holds answers
    /// with that hold: a fan who lost the answer to their first request and sends it again
    /// learns their reservation instead of "seat taken" by themselves.
    ///
    /// One round trip when this instance has glanced at the sale and kept the date's prices
    /// (ADR 0010): the first attempt reads neither the seat nor the account but assumes the
    /// seat free and the account's first slot free, as for most fans' first hold, and the
    /// transaction checks both. Only when it finds either taken are they read, to say why
    /// or to take the account's next free slot.
    pub async fn hold(&self, who: &Admission, date: ConcertDate, seat_number: SeatNumber) -> Result<Reservation> {
        let (concert, prices) = self.sale_and_prices(&who.concert, date, self.clock.now()).await?;
        if concert.phase_at(self.clock.now()) == crate::rules::sale::Phase::Closed {
            // Closing (early or on time) ends the sale for everyone, admitted fans too.
            return Err(Error::SaleClosed);
        }
        let limit = concert.seat_limit;
        let assumed = prices.get(&seat_number).map(|&price| Seat {
            date,
            number: seat_number,
            price,
            state: SeatState::Available,
        });
        let mut read = Some((assumed, AccountSeats::default()));
        let mut attempt = 0;
        loop {
            // After a lost race, the seat and the account again, at once.
            let (seat, account) = match read.take() {
                Some(first) => first,
                None => tokio::try_join!(
                    retrying(|| self.catalog.seat(&who.concert, date, seat_number)),
                    retrying(|| self.store.account(&who.concert, who.user))
                )?,
            };
            let seat = seat.ok_or(Error::SeatNotFound)?;
            let now = self.clock.now();
            match seat.state {
                SeatState::Held { by, reservation, until } if by == who.user && now < until => {
                    if let Some(mine) = retrying(|| self.store.reservation(reservation)).await? {
                        tracing::info!(user = %who.user, reservation = %reservation, "hold repeated: answered with the live hold");
                        return Ok(mine);
                    }
                }
                _ => {}
            }
            if seat.status_at(now) != SeatStatus::Available {
                tracing::info!(user = %who.user, concert = %who.concert, %date, seat = seat_number.get(), "hold rejected: seat taken");
                return Err(Error::SeatUnavailable);
            }
            let Some(slot) = account.free_slot(limit, now) else {
                tracing::info!(user = %who.user, concert = %who.concert, limit, "hold rejected: seat limit reached");
                return Err(Error::SeatLimitReached { limit });
            };
            let reservation = Reservation {
                id: ReservationId::random(),
                user: who.user,
                concert: who.concert.clone(),
                date,
                seat: seat_number,
                price: seat.price,
                created_at: now,
                expires_at: now.plus(self.hold_for),
                slot,
                state: ReservationState::Held,
            };
            // The slot lasts until the hold ends and, like any request, for the idle timeout.
            let keep = reservation.expires_at.max(now.plus(self.idle_for)).min(who.active_until);
            match self.store.hold(&reservation, now, who, keep).await {
                Ok(HoldOutcome::Held) => {
                    tracing::info!(user = %who.user, reservation = %reservation.id, %date, seat = seat_number.get(), "seat held");
                    // The release message only tidies up: if it is lost, the hold still ends on time.
                    if let Err(e) = self.expiry.schedule(reservation.id, self.hold_for).await {
                        tracing::warn!(reservation = %reservation.id, error = %e, "could not schedule hold release");
                    }
                    return Ok(reservation);
                }
                // Taken since we read it: read the seat again, it says who won.
                Ok(HoldOutcome::SeatTaken) => {}
                Ok(HoldOutcome::NoSuchSeat) => return Err(Error::SeatNotFound),
                // Used up by a payment, past its period or its slot lost: the token (or the
                // pass naming it) no longer admits anyone to write.
                Ok(HoldOutcome::TokenEnded) => return Err(Error::TokenExpired),
                Err(e) => match decide(&e, attempt) {
                    Decision::RetryWithin(cap) => pause(cap).await,
                    Decision::GiveUp => return Err(e),
                },
            }
            attempt += 1;
            if attempt >= MAX_ATTEMPTS {
                return Err(Error::Contention);
            }
        }
    }

    /// The user's own reservation (someone else's reads as not found).
    pub async fn get(&self, who: &Admission, id: ReservationId) -> Result<Reservation> {
        let reservation = retrying(|| self.store.reservation(id))
            .await?
            .filter(|r| r.user == who.user)
            .ok_or(Error::ReservationNotFound)?;
        if reservation.concert != who.concert {
            return Err(Error::TokenWrongConcert);
        }
        Ok(reservation)
    }

    /// End the user's own unpaid hold now: the seat is free at once and no longer counts
    /// toward the account's limit. Cancelling a cancelled hold answers it again.
    pub async fn cancel(&self, who: &Admission, id: ReservationId) -> Result<Reservation> {
        let mut attempt = 0;
        loop {
            let mut reservation = self.get(who, id).await?;
            let now = self.clock.now();
            match reservation.status_at(now) {
                ReservationStatus::Cancelled => return Ok(reservation),
                ReservationStatus::Confirmed => return Err(Error::AlreadyPaid),
                ReservationStatus::Expired => return Err(Error::HoldExpired),
                ReservationStatus::Held => {}
            }
            match self.store.cancel(&reservation, now).await {
                Ok(true) => {
                    tracing::info!(user = %who.user, reservation = %id, "hold cancelled");
                    reservation.state = ReservationState::Cancelled;
                    return Ok(reservation);
                }
                // Paid, expired or cancelled meanwhile: the next read says which.
                Ok(false) => pause_before_retry(attempt).await,
                Err(e) => match decide(&e, attempt) {
                    Decision::RetryWithin(cap) => pause(cap).await,
                    Decision::GiveUp => return Err(e),
                },
            }
            attempt += 1;
            if attempt >= MAX_ATTEMPTS {
                return Err(Error::Contention);
            }
        }
    }

    /// Handle a release message: mark the unpaid hold EXPIRED and free its seat. A message
    /// that came early (holds longer than SQS's 15-minute delay) is sent again for the rest.
    /// Harmless if late, repeated, or about a reservation that was paid.
    pub async fn on_expiry_message(&self, id: ReservationId) -> Result<()> {
        let Some(reservation) = retrying(|| self.store.reservation(id)).await? else {
            return Ok(());
        };
        let now = self.clock.now();
        if reservation.state != ReservationState::Held {
            return Ok(());
        }
        if now < reservation.expires_at {
            return self.expiry.schedule(id, now.until(reservation.expires_at)).await;
        }
        if retrying(|| self.store.release(&reservation, now)).await? {
            tracing::info!(reservation = %id, "unpaid hold released");
        }
        Ok(())
    }

    pub fn clock_now(&self) -> Timestamp {
        self.clock.now()
    }
}

#[cfg(test)]
mod tests;
