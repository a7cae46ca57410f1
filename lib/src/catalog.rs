//! The catalog: concerts, their dates, and the 50 seats of each date.
//! A seat's status is computed from what is stored *and the clock*: a hold whose time has
//! passed is AVAILABLE at that instant, whether or not anything has cleaned it up.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;

use crate::clock::{Clock, Timestamp};
use crate::error::{Error, Result};
use crate::ids::{ConcertDate, ConcertId, ReservationId, SeatNumber, UserId};
use crate::money::Won;
use crate::retry::retrying;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Concert {
    pub id: ConcertId,
    pub title: String,
    pub venue: String,
    /// Most seats one account may hold or own for this concert at once.
    pub seat_limit: u8,
}

impl Concert {
    pub const DEFAULT_SEAT_LIMIT: u8 = 4;
    /// The most a concert may allow (a payment of that many seats is one transaction).
    pub const MAX_SEAT_LIMIT: u8 = 10;
}

/// What is stored about a seat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeatState {
    Available,
    Held { by: UserId, reservation: ReservationId, until: Timestamp },
    Sold { by: UserId, reservation: ReservationId },
}

/// What a fan sees of a seat at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeatStatus {
    Available,
    Held,
    Sold,
}

impl SeatStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SeatStatus::Available => "AVAILABLE",
            SeatStatus::Held => "HELD",
            SeatStatus::Sold => "SOLD",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seat {
    pub date: ConcertDate,
    pub number: SeatNumber,
    pub price: Won,
    pub state: SeatState,
}

impl Seat {
    /// A hold is in force while `now < until`; from `until` on the seat is free again.
    pub fn status_at(&self, now: Timestamp) -> SeatStatus {
        match self.state {
            SeatState::Available => SeatStatus::Available,
            SeatState::Held { until, .. } if now < until => SeatStatus::Held,
            SeatState::Held { .. } => SeatStatus::Available,
            SeatState::Sold { .. } => SeatStatus::Sold,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateAvailability {
    pub date: ConcertDate,
    pub available: u32,
    pub total: u32,
}

/// Availability per date, ascending, from all seats of a concert.
pub fn availability(seats: &[Seat], now: Timestamp) -> Vec<DateAvailability> {
    let mut by_date: BTreeMap<ConcertDate, DateAvailability> = BTreeMap::new();
    for seat in seats {
        let entry = by_date.entry(seat.date).or_insert(DateAvailability { date: seat.date, available: 0, total: 0 });
        entry.total += 1;
        if seat.status_at(now) == SeatStatus::Available {
            entry.available += 1;
        }
    }
    by_date.into_values().collect()
}

#[async_trait]
pub trait CatalogStore: Send + Sync {
    async fn concerts(&self) -> Result<Vec<Concert>>;
    async fn concert(&self, concert: &ConcertId) -> Result<Option<Concert>>;
    /// Every seat of every date, in one read; `None` if the concert does not exist.
    async fn concert_seats(&self, concert: &ConcertId) -> Result<Option<Vec<Seat>>>;
    /// The seats of one date, in seat order (empty if there is no such date).
    async fn date_seats(&self, concert: &ConcertId, date: ConcertDate) -> Result<Vec<Seat>>;
    async fn seat(&self, concert: &ConcertId, date: ConcertDate, seat: SeatNumber) -> Result<Option<Seat>>;
    /// Create a concert with all its seats (admin and seeding path; idempotent). Its sale
    /// is live (the admitter serves its line) until the end of its last date.
    async fn add_concert(&self, concert: &Concert, seats: &[Seat]) -> Result<()>;
    /// Concerts whose sale is live at `now`: what the admitter visits, never every
    /// concert ever created.
    async fn live_concerts(&self, now: Timestamp) -> Result<Vec<ConcertId>>;
}

pub struct CatalogService {
    store: Arc<dyn CatalogStore>,
    clock: Arc<dyn Clock>,
}

impl CatalogService {
    pub fn new(store: Arc<dyn CatalogStore>, clock: Arc<dyn Clock>) -> Self {
        Self { store, clock }
    }

    pub async fn concerts(&self) -> Result<Vec<Concert>> {
        retrying(|| self.store.concerts()).await
    }

    pub async fn live_concerts(&self) -> Result<Vec<ConcertId>> {
        retrying(|| self.store.live_concerts(self.clock.now())).await
    }

    pub async fn dates(&self, concert: &ConcertId) -> Result<Vec<DateAvailability>> {
        let seats = self.store.concert_seats(concert).await?.ok_or(Error::ConcertNotFound)?;
        Ok(availability(&seats, self.clock.now()))
    }

    /// The seats of a date with their status now.
    pub async fn seats(&self, concert: &ConcertId, date: ConcertDate) -> Result<Vec<(Seat, SeatStatus)>> {
        let seats = self.store.date_seats(concert, date).await?;
        if seats.is_empty() {
            return Err(Error::ScheduleNotFound);
        }
        let now = self.clock.now();
        Ok(seats
            .into_iter()
            .map(|s| {
                let st = s.status_at(now);
                (s, st)
            })
            .collect())
    }
}

/// Price tiers of the demo hall: VIP rows, then R, then S.
pub fn tier_price(seat: SeatNumber) -> Won {
    let krw = match seat.get() {
        1..=10 => 220_000,
        11..=30 => 165_000,
        _ => 110_000,
    };
    Won::new(krw).unwrap_or(Won::ZERO)
}

/// A concert with `dates`, each with seats 1..=50 priced by tier, all available.
pub fn new_concert_seats(dates: &[ConcertDate]) -> Vec<Seat> {
    dates
        .iter()
        .flat_map(|d| {
            SeatNumber::all().map(move |n| Seat {
                date: *d,
                number: n,
                price: tier_price(n),
                state: SeatState::Available,
            })
        })
        .collect()
}

/// The last instant a concert with these seats is on sale: the end of its last date.
pub fn sale_ends(seats: &[Seat]) -> Option<Timestamp> {
    seats.iter().map(|s| s.date).max().map(ConcertDate::end)
}

/// The concert `make run` seeds: three dates of 50 seats, a month from `today`.
pub fn demo_concert(today: Timestamp) -> (Concert, Vec<Seat>) {
    let concert = Concert {
        id: ConcertId::parse("aurora-live-2026").unwrap_or_else(|_| unreachable!("a valid literal slug")),
        title: "Aurora Live in Seoul".into(),
        venue: "Olympic Hall, Seoul".into(),
        seat_limit: Concert::DEFAULT_SEAT_LIMIT,
    };
    let dates: Vec<ConcertDate> = (30..33).filter_map(|days| ConcertDate::days_after(today, days)).collect();
    (concert, new_concert_seats(&dates))
}

#[cfg(test)]
mod tests;
