//! Seat holds. A hold is one atomic write that takes the seat only if it is available
//! *at this instant* (free, or held by a hold whose time has passed) and records the
//! reservation. Expiry needs no cleanup to be correct; the delayed release message only
//! tidies the records.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use crate::catalog::{CatalogStore, SeatStatus};
use crate::clock::{Clock, Timestamp};
use crate::error::{Error, Result};
use crate::ids::{ConcertDate, ConcertId, PaymentId, ReservationId, SeatNumber, UserId};
use crate::money::Won;
use crate::queue::Admission;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReservationState {
    Held,
    Confirmed { payment: PaymentId },
    /// Released by the expiry message (a hold past `expires_at` is expired even before that).
    Expired,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReservationStatus {
    Held,
    Confirmed,
    Expired,
}

impl ReservationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReservationStatus::Held => "HELD",
            ReservationStatus::Confirmed => "CONFIRMED",
            ReservationStatus::Expired => "EXPIRED",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reservation {
    pub id: ReservationId,
    pub user: UserId,
    pub concert: ConcertId,
    pub date: ConcertDate,
    pub seat: SeatNumber,
    pub price: Won,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub state: ReservationState,
}

impl Reservation {
    /// HELD until `expires_at` (exclusive), unless paid.
    pub fn status_at(&self, now: Timestamp) -> ReservationStatus {
        match self.state {
            ReservationState::Confirmed { .. } => ReservationStatus::Confirmed,
            ReservationState::Held if now < self.expires_at => ReservationStatus::Held,
            ReservationState::Held | ReservationState::Expired => ReservationStatus::Expired,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HoldOutcome {
    Held,
    /// Held by someone else (in force) or sold, at the instant of the write.
    SeatTaken,
    NoSuchSeat,
}

#[async_trait]
pub trait HoldStore: Send + Sync {
    /// Take the seat for `reservation` if it is available at `now`, and record the
    /// reservation: both or neither.
    async fn hold(&self, reservation: &Reservation, now: Timestamp) -> Result<HoldOutcome>;
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

pub struct HoldService {
    catalog: Arc<dyn CatalogStore>,
    store: Arc<dyn HoldStore>,
    expiry: Arc<dyn HoldExpiryScheduler>,
    clock: Arc<dyn Clock>,
    hold_for: Duration,
}

impl HoldService {
    pub fn new(
        catalog: Arc<dyn CatalogStore>,
        store: Arc<dyn HoldStore>,
        expiry: Arc<dyn HoldExpiryScheduler>,
        clock: Arc<dyn Clock>,
        hold_for: Duration,
    ) -> Self {
        Self { catalog, store, expiry, clock, hold_for }
    }

    /// Hold a seat for the admitted user.
    pub async fn hold(&self, who: &Admission, date: ConcertDate, seat_number: SeatNumber) -> Result<Reservation> {
        let seat = self
            .catalog
            .seat(&who.concert, date, seat_number)
            .await?
            .ok_or(Error::SeatNotFound)?;
        let now = self.clock.now();
        if seat.status_at(now) != SeatStatus::Available {
            return Err(Error::SeatUnavailable);
        }
        let reservation = Reservation {
            id: ReservationId::random(),
            user: who.user,
            concert: who.concert.clone(),
            date,
            seat: seat_number,
            price: seat.price,
            created_at: now,
            expires_at: now.plus(self.hold_for),
            state: ReservationState::Held,
        };
        match self.store.hold(&reservation, now).await? {
            HoldOutcome::Held => {}
            HoldOutcome::SeatTaken => {
                tracing::info!(user = %who.user, concert = %who.concert, %date, seat = seat_number.get(), "hold rejected: seat taken");
                return Err(Error::SeatUnavailable);
            }
            HoldOutcome::NoSuchSeat => return Err(Error::SeatNotFound),
        }
        tracing::info!(user = %who.user, reservation = %reservation.id, %date, seat = seat_number.get(), "seat held");
        // The release message only tidies up: if it is lost, the hold still ends on time.
        if let Err(e) = self.expiry.schedule(reservation.id, self.hold_for).await {
            tracing::warn!(reservation = %reservation.id, error = %e, "could not schedule hold release");
        }
        Ok(reservation)
    }

    /// The user's own reservation (someone else's reads as not found).
    pub async fn get(&self, who: &Admission, id: ReservationId) -> Result<Reservation> {
        let reservation = self
            .store
            .reservation(id)
            .await?
            .filter(|r| r.user == who.user)
            .ok_or(Error::ReservationNotFound)?;
        if reservation.concert != who.concert {
            return Err(Error::TokenWrongConcert);
        }
        Ok(reservation)
    }

    /// Handle a release message: mark the unpaid hold EXPIRED and free its seat. A message
    /// that came early (holds longer than SQS's 15-minute delay) is sent again for the rest.
    /// Harmless if late, repeated, or about a reservation that was paid.
    pub async fn on_expiry_message(&self, id: ReservationId) -> Result<()> {
        let Some(reservation) = self.store.reservation(id).await? else {
            return Ok(());
        };
        let now = self.clock.now();
        if reservation.state != ReservationState::Held {
            return Ok(());
        }
        if now < reservation.expires_at {
            return self.expiry.schedule(id, now.until(reservation.expires_at)).await;
        }
        if self.store.release(&reservation, now).await? {
            tracing::info!(reservation = %id, "unpaid hold released");
        }
        Ok(())
    }

    pub fn clock_now(&self) -> Timestamp {
        self.clock.now()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reservation(expires_ms: i64, state: ReservationState) -> Reservation {
        Reservation {
            id: ReservationId::random(),
            user: UserId::random(),
            concert: ConcertId::parse("c").unwrap(),
            date: ConcertDate::parse("2026-12-24").unwrap(),
            seat: SeatNumber::new(7).unwrap(),
            price: Won::new(150_000).unwrap(),
            created_at: Timestamp::from_millis(0),
            expires_at: Timestamp::from_millis(expires_ms),
            state,
        }
    }

    #[test]
    fn held_reservation_expires_at_its_deadline_exactly() {
        let r = reservation(1_000, ReservationState::Held);
        assert_eq!(r.status_at(Timestamp::from_millis(999)), ReservationStatus::Held);
        assert_eq!(r.status_at(Timestamp::from_millis(1_000)), ReservationStatus::Expired);
        assert_eq!(r.status_at(Timestamp::from_millis(1_001)), ReservationStatus::Expired);
    }

    #[test]
    fn confirmed_reservation_never_expires() {
        let r = reservation(1_000, ReservationState::Confirmed { payment: PaymentId::random() });
        assert_eq!(r.status_at(Timestamp::from_millis(10_000)), ReservationStatus::Confirmed);
    }

    #[test]
    fn released_reservation_stays_expired() {
        let r = reservation(1_000, ReservationState::Expired);
        assert_eq!(r.status_at(Timestamp::from_millis(0)), ReservationStatus::Expired);
    }
}

#[cfg(test)]
mod service_tests {
    use super::*;
    use crate::catalog::CatalogStore;
    use crate::testkit::{world, HOLD};

    #[tokio::test]
    async fn a_hold_takes_the_seat_records_the_reservation_and_schedules_its_release() {
        let w = world().await;
        let (fan, _) = w.fan().await;
        let seat = SeatNumber::new(7).unwrap();
        let r = w.holds.hold(&fan, w.date, seat).await.unwrap();
        assert_eq!((r.user, r.seat, r.price.get()), (fan.user, seat, 220_000));
        assert_eq!(r.expires_at, w.clock.now().plus(HOLD));
        let stored = w.mem.seat(&w.concert, w.date, seat).await.unwrap().unwrap();
        assert_eq!(stored.status_at(w.clock.now()), SeatStatus::Held);
        assert_eq!(*w.mem.scheduled.lock().unwrap(), vec![(r.id, HOLD)]);
        assert_eq!(w.holds.get(&fan, r.id).await.unwrap(), r);
    }

    #[tokio::test]
    async fn a_held_seat_is_refused_to_others_until_the_hold_ends() {
        let w = world().await;
        let (a, _) = w.fan().await;
        let (b, _) = w.fan().await;
        let seat = SeatNumber::new(3).unwrap();
        w.holds.hold(&a, w.date, seat).await.unwrap();
        assert_eq!(w.holds.hold(&b, w.date, seat).await, Err(Error::SeatUnavailable));
        assert_eq!(w.holds.hold(&a, w.date, seat).await, Err(Error::SeatUnavailable), "not even twice by its holder");
        w.clock.advance(HOLD - Duration::from_millis(1));
        assert_eq!(w.holds.hold(&b, w.date, seat).await, Err(Error::SeatUnavailable));
        w.clock.advance(Duration::from_millis(1));
        assert!(w.holds.hold(&b, w.date, seat).await.is_ok());
    }

    #[tokio::test]
    async fn unknown_seats_and_others_reservations_are_not_found() {
        let w = world().await;
        let (a, _) = w.fan().await;
        let (b, _) = w.fan().await;
        let other_day = ConcertDate::parse("2030-01-01").unwrap();
        assert_eq!(w.holds.hold(&a, other_day, SeatNumber::new(1).unwrap()).await, Err(Error::SeatNotFound));
        let r = w.holds.hold(&a, w.date, SeatNumber::new(1).unwrap()).await.unwrap();
        assert_eq!(w.holds.get(&b, r.id).await, Err(Error::ReservationNotFound));
        assert_eq!(w.holds.get(&a, ReservationId::random()).await, Err(Error::ReservationNotFound));
    }

    #[tokio::test]
    async fn the_release_message_expires_only_unpaid_holds_whose_time_has_come() {
        let w = world().await;
        let (a, _) = w.fan().await;
        let seat = SeatNumber::new(5).unwrap();
        let r = w.holds.hold(&a, w.date, seat).await.unwrap();
        w.clock.advance(Duration::from_secs(100));
        w.holds.on_expiry_message(r.id).await.unwrap();
        assert_eq!(w.mem.reservation(r.id).await.unwrap().unwrap().state, ReservationState::Held, "early: kept");
        assert_eq!(w.mem.scheduled.lock().unwrap().last(), Some(&(r.id, HOLD - Duration::from_secs(100))), "looked at again later");
        w.clock.advance(HOLD);
        w.holds.on_expiry_message(r.id).await.unwrap();
        w.holds.on_expiry_message(r.id).await.unwrap();
        assert_eq!(w.mem.reservation(r.id).await.unwrap().unwrap().state, ReservationState::Expired);
        let stored = w.mem.seat(&w.concert, w.date, seat).await.unwrap().unwrap();
        assert_eq!(stored.state, crate::catalog::SeatState::Available);
        w.holds.on_expiry_message(ReservationId::random()).await.unwrap();
    }
}
