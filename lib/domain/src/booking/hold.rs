//! Seat holds. A hold is one atomic write that takes its seats (one, or several
//! together) only if each is available *at this instant* (free, or held by a hold whose
//! time has passed) and records their reservations. Expiry needs no cleanup to be correct; the delayed release message only
//! tidies the records.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use crate::booking::reservation::{Reservation, ReservationState, ReservationStatus};
use crate::booking::store::{HoldExpiryScheduler, HoldOutcome, HoldStore};
use crate::catalog::concert::{Concert, Seat, SeatState, SeatStatus};
use crate::catalog::store::CatalogStore;
use crate::catalog::venue::{hall, Spot};
use crate::error::{Error, Result};
use crate::glance::Glances;
use crate::line::token::Admission;
use crate::retry::{optimistic, retrying, Round};
use crate::rules::best_available::best_available;
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

/// How many times "best available" chooses again after losing the seats it chose.
const BEST_AVAILABLE_ROUNDS: usize = 8;

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

    /// Hold a seat for the admitted user: `hold_together` with one seat.
    pub async fn hold(&self, who: &Admission, date: ConcertDate, seat_number: SeatNumber) -> Result<Reservation> {
        let mut held = self.hold_together(who, date, &[seat_number]).await?;
        held.pop().ok_or_else(|| Error::Infrastructure("a hold of one seat held none".into()))
    }

    /// Hold several seats for the admitted user, all or none, each its own reservation on
    /// its own slot of the account's seat limit. Holding seats the user already holds
    /// answers with those holds: a fan who lost the answer to their first request and sends
    /// it again learns their reservations instead of "seat taken" by themselves.
    ///
    /// One round trip when this instance has glanced at the sale and kept the date's prices
    /// (ADR 0010): the first attempt reads neither the seats nor the account but assumes the
    /// seats free and the account's first slots free, as for most fans' first hold, and the
    /// transaction checks all of it. Only when it finds any taken are they read, to say why
    /// or to take the account's next free slots.
    pub async fn hold_together(
        &self,
        who: &Admission,
        date: ConcertDate,
        seat_numbers: &[SeatNumber],
    ) -> Result<Vec<Reservation>> {
        if seat_numbers.is_empty() || (1..seat_numbers.len()).any(|i| seat_numbers[..i].contains(&seat_numbers[i])) {
            return Err(Error::InvalidInput("name one seat or more, each once".into()));
        }
        let (concert, prices) = self.sale_and_prices(&who.concert, date, self.clock.now()).await?;
        if concert.phase_at(self.clock.now()) == crate::rules::sale::Phase::Closed {
            // Closing (early or on time) ends the sale for everyone, admitted fans too.
            return Err(Error::SaleClosed);
        }
        let limit = concert.seat_limit;
        let assumed: Vec<Option<Seat>> = seat_numbers
            .iter()
            .map(|&number| prices.get(&number).map(|&price| Seat { date, number, price, state: SeatState::Available }))
            .collect();
        let assumed = &assumed;
        optimistic(|attempt| async move {
            // The first round assumes; after a lost race, the seats and the account are read
            // again, at once.
            let (seats, account) = match attempt {
                0 => (assumed.clone(), AccountSeats::default()),
                _ => tokio::try_join!(
                    futures::future::try_join_all(
                        seat_numbers.iter().map(|&n| retrying(move || self.catalog.seat(&who.concert, date, n)))
                    ),
                    retrying(|| self.store.account(&who.concert, who.user))
                )?,
            };
            let now = self.clock.now();
            let reservations = match plan_holds(who, date, &seats, &account, limit, now, self.hold_for)? {
                HoldPlan::Take(reservations) => reservations,
                HoldPlan::Mine(ids) => {
                    let mine = futures::future::try_join_all(ids.iter().map(|&id| retrying(move || self.store.reservation(id))))
                        .await?;
                    return match mine.into_iter().collect::<Option<Vec<_>>>() {
                        Some(mine) => {
                            tracing::info!(user = %who.user, seats = mine.len(), "hold repeated: answered with the live holds");
                            Ok(Round::Done(mine))
                        }
                        None => Err(Error::SeatUnavailable),
                    };
                }
            };
            let ends = reservations.iter().map(|r| r.expires_at).max().unwrap_or(now);
            // The slot lasts until the holds end and, like any request, for the idle timeout.
            let keep = ends.max(now.plus(self.idle_for)).min(who.active_until);
            match self.store.hold(&reservations, now, who, keep).await {
                Ok(HoldOutcome::Held) => {
                    for r in &reservations {
                        tracing::info!(user = %who.user, reservation = %r.id, %date, seat = r.seat.get(), "seat held");
                        // The release message only tidies up: if it is lost, the hold still ends on time.
                        if let Err(e) = self.expiry.schedule(r.id, self.hold_for).await {
                            tracing::warn!(reservation = %r.id, error = %e, "could not schedule hold release");
                        }
                    }
                    Ok(Round::Done(reservations))
                }
                // Taken since we read them: read the seats again, they say who won.
                Ok(HoldOutcome::SeatTaken) => Ok(Round::Lost),
                Ok(HoldOutcome::NoSuchSeat) => Err(Error::SeatNotFound),
                // Used up by a payment, past its period or its slot lost: the token (or the
                // pass naming it) no longer admits anyone to write.
                Ok(HoldOutcome::TokenEnded) => Err(Error::TokenExpired),
                Err(e) => Ok(Round::Failed(e)),
            }
        })
        .await
    }

    /// Hold the best `count` seats side by side that are free now (`rules::best_available`
    /// on the date's hall: rows of ten, row 1 nearest the stage), all or none. A choice
    /// that loses a race to another fan is made again from the seats as they are then.
    pub async fn hold_best(&self, who: &Admission, date: ConcertDate, count: u8) -> Result<Vec<Reservation>> {
        if count == 0 {
            return Err(Error::InvalidInput("count must be 1 or more".into()));
        }
        for _ in 0..BEST_AVAILABLE_ROUNDS {
            let seats = retrying(|| self.catalog.date_seats(&who.concert, date)).await?;
            if seats.is_empty() {
                return Err(Error::ScheduleNotFound);
            }
            let now = self.clock.now();
            let free: HashMap<u32, bool> =
                seats.iter().map(|s| (u32::from(s.number.get()), s.status_at(now) == SeatStatus::Available)).collect();
            let (hall, stage) = hall(seats.len() as u32);
            let pick = uuid::Uuid::new_v4().as_u128() as u64;
            let is_free = |spot: &Spot| free.get(&spot.number).copied().unwrap_or(false);
            let chosen = best_available(&[&hall], stage.centre_doubled(), u32::from(count), is_free, pick)
                .ok_or(Error::NoSeatsTogether { count })?;
            let numbers =
                chosen.iter().map(|spot| SeatNumber::new(i64::from(spot.number))).collect::<Result<Vec<_>>>()?;
            match self.hold_together(who, date, &numbers).await {
                // Taken by another fan between the read and the hold: choose again.
                Err(Error::SeatUnavailable) => continue,
                other => return other,
            }
        }
        Err(Error::Contention)
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
        optimistic(async |_| {
            let mut reservation = self.get(who, id).await?;
            let now = self.clock.now();
            match reservation.status_at(now) {
                ReservationStatus::Cancelled => return Ok(Round::Done(reservation)),
                ReservationStatus::Confirmed => return Err(Error::AlreadyPaid),
                ReservationStatus::Expired => return Err(Error::HoldExpired),
                ReservationStatus::Held => {}
            }
            // Paid, expired or cancelled meanwhile (lost): the next read says which.
            Ok(Round::from_write(self.store.cancel(&reservation, now).await, || {
                tracing::info!(user = %who.user, reservation = %id, "hold cancelled");
                reservation.state = ReservationState::Cancelled;
                reservation
            }))
        })
        .await
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

/// What a hold should do, decided from the seats and the account as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HoldPlan {
    /// The fan's own live holds on these seats: answer with them (a repeated request).
    Mine(Vec<ReservationId>),
    /// Take the seats with these reservations, each on a free slot of the account.
    Take(Vec<Reservation>),
}

/// Can this fan hold these seats at `now`? The rule, pure: seats that exist, each
/// available at this instant (free, or its hold's time passed), and as many free slots of
/// the account's seat limit. The write that follows is conditional on exactly what this
/// assumed. Seats that are all the fan's own live holds answer with them.
pub fn plan_holds(
    who: &Admission,
    date: ConcertDate,
    seats: &[Option<Seat>],
    account: &AccountSeats,
    limit: u8,
    now: Timestamp,
    hold_for: Duration,
) -> Result<HoldPlan> {
    let seats: Vec<&Seat> = seats.iter().map(|s| s.as_ref().ok_or(Error::SeatNotFound)).collect::<Result<_>>()?;
    let mine: Vec<ReservationId> = seats
        .iter()
        .filter_map(|seat| match seat.state {
            SeatState::Held { by, reservation, until } if by == who.user && now < until => Some(reservation),
            _ => None,
        })
        .collect();
    if mine.len() == seats.len() {
        return Ok(HoldPlan::Mine(mine));
    }
    if let Some(taken) = seats.iter().find(|s| s.status_at(now) != SeatStatus::Available) {
        tracing::info!(user = %who.user, concert = %who.concert, %date, seat = taken.number.get(), "hold rejected: seat taken");
        return Err(Error::SeatUnavailable);
    }
    let slots: Vec<u8> = account.free_slots(limit, now).take(seats.len()).collect();
    if slots.len() < seats.len() {
        tracing::info!(user = %who.user, concert = %who.concert, limit, "hold rejected: seat limit reached");
        return Err(Error::SeatLimitReached { limit });
    }
    Ok(HoldPlan::Take(
        seats
            .iter()
            .zip(slots)
            .map(|(seat, slot)| Reservation {
                id: ReservationId::random(),
                user: who.user,
                concert: who.concert.clone(),
                date,
                seat: seat.number,
                price: seat.price,
                created_at: now,
                expires_at: now.plus(hold_for),
                slot,
                state: ReservationState::Held,
                checked_in: None,
                transferred_from: None,
            })
            .collect(),
    ))
}

#[cfg(test)]
mod tests;
