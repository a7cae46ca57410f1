//! The catalog: concerts, their dates, and the 50 seats of each date.
//! A seat's status is computed from what is stored *and the clock*: a hold whose time has
//! passed is AVAILABLE at that instant, whether or not anything has cleaned it up.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;

use crate::clock::{Clock, Timestamp};
use crate::error::{Error, Result};
use crate::glance::Glances;
use crate::ids::{ConcertDate, ConcertId, ReservationId, SeatNumber, UserId};
use crate::money::Won;
use crate::refund_policy::RefundPolicy;
use crate::retry::retrying;
use crate::sale::{phase_at, Phase, SaleControl, SaleWindow};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Concert {
    pub id: ConcertId,
    pub title: String,
    pub venue: String,
    /// Most seats one account may hold or own for this concert at once.
    pub seat_limit: u8,
    pub sale: SaleWindow,
    pub control: SaleControl,
    /// Every seat of every date is sold (set once by the admitter, which counts them).
    pub sold_out: bool,
    /// Bumped by every operator edit; an edit applies only to the version it read.
    pub version: u64,
    /// Seats refunded so far: each refund bumps it, so that a sell-out counted before a
    /// refund is never written after it.
    pub refunds: u64,
    /// What cancelling a paid seat gives back, and until when.
    pub refund_policy: RefundPolicy,
}

impl Concert {
    pub fn phase_at(&self, now: Timestamp) -> Phase {
        phase_at(&self.sale, &self.control, self.sold_out, now)
    }

    /// A concert on sale from `from` until `until`, without a pre-queue (tests, seeding).
    pub fn on_sale(id: ConcertId, title: &str, venue: &str, from: Timestamp, until: Timestamp) -> Self {
        Self {
            id,
            title: title.to_owned(),
            venue: venue.to_owned(),
            seat_limit: Self::DEFAULT_SEAT_LIMIT,
            sale: SaleWindow { prequeue_at: from, opens_at: from, closes_at: until },
            control: SaleControl::default(),
            sold_out: false,
            version: 0,
            refunds: 0,
            refund_policy: RefundPolicy::standard(),
        }
    }

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
    /// Create a concert with all its seats; false if the id is taken. Its sale is live
    /// (the admitter serves its line) until it closes.
    async fn add_concert(&self, concert: &Concert, seats: &[Seat]) -> Result<bool>;
    /// Replace the concert's settings if it is still at `before.version`; false otherwise.
    async fn update_concert(&self, before: &Concert, after: &Concert) -> Result<bool>;
    /// Write `put` and delete `remove` seats, each only while free and while the concert is
    /// still at `concert.version`; false if any of that no longer holds.
    async fn replace_seats(&self, concert: &Concert, put: &[Seat], remove: &[Seat]) -> Result<bool>;
    /// Mark every seat sold, unless a refund came after the `refunds_seen`-th.
    async fn mark_sold_out(&self, concert: &ConcertId, refunds_seen: u64) -> Result<()>;
    /// Concerts whose sale is live at `now`: what the admitter visits, never every
    /// concert ever created.
    async fn live_concerts(&self, now: Timestamp) -> Result<Vec<ConcertId>>;
}

pub struct CatalogService {
    store: Arc<dyn CatalogStore>,
    clock: Arc<dyn Clock>,
    /// How long browsing may answer from this instance's last reading of a concert's seats
    /// (none by default; `glancing_for`).
    glance_for: std::time::Duration,
    seats: Glances<ConcertId, Option<Arc<Vec<Seat>>>>,
}

impl CatalogService {
    pub fn new(store: Arc<dyn CatalogStore>, clock: Arc<dyn Clock>) -> Self {
        Self { store, clock, glance_for: std::time::Duration::ZERO, seats: Glances::default() }
    }

    /// Let browsing (dates, seats) answer from a glance at the concert's seats up to
    /// `glance_for` old (ADR 0010): a seat held or sold within it may still show free, and
    /// the hold's transaction, not the map, decides. A hold's end is exact, as each status
    /// is worked out from the kept seat at the instant of the request.
    #[must_use]
    pub fn glancing_for(mut self, glance_for: std::time::Duration) -> Self {
        self.glance_for = glance_for;
        self
    }

    /// Every seat of the concert, from the glance or read (and kept). None: no such concert.
    async fn concert_seats(&self, concert: &ConcertId) -> Result<Option<Arc<Vec<Seat>>>> {
        let now = self.clock.now();
        let fresh = |_: &Option<Arc<Vec<Seat>>>, age: std::time::Duration| age < self.glance_for;
        // No such concert is not kept: made-up ids must not grow the instance's memory.
        let glancing = |seats: &Option<_>| seats.is_some() && !self.glance_for.is_zero();
        let read = async { Ok::<_, Error>(retrying(|| self.store.concert_seats(concert)).await?.map(Arc::new)) };
        Ok(self.seats.get_or_read(concert, now, fresh, glancing, read).await?.0)
    }

    pub async fn concerts(&self) -> Result<Vec<Concert>> {
        retrying(|| self.store.concerts()).await
    }

    pub async fn live_concerts(&self) -> Result<Vec<ConcertId>> {
        retrying(|| self.store.live_concerts(self.clock.now())).await
    }

    pub async fn dates(&self, concert: &ConcertId) -> Result<Vec<DateAvailability>> {
        let seats = self.concert_seats(concert).await?.ok_or(Error::ConcertNotFound)?;
        Ok(availability(&seats, self.clock.now()))
    }

    /// The seats of a date with their status now. Without a glance, only the date's seats
    /// are read; with one, the concert's, kept for both routes.
    pub async fn seats(&self, concert: &ConcertId, date: ConcertDate) -> Result<Vec<(Seat, SeatStatus)>> {
        let seats: Vec<Seat> = if self.glance_for.is_zero() {
            retrying(|| self.store.date_seats(concert, date)).await?
        } else {
            let all = self.concert_seats(concert).await?.unwrap_or_default();
            all.iter().filter(|s| s.date == date).cloned().collect()
        };
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

/// The price of a seat in the standard hall (`operator::standard_tiers`).
pub fn tier_price(seat: SeatNumber) -> Won {
    crate::operator::standard_tiers().iter().find(|t| t.from <= seat && seat <= t.to).map_or(Won::ZERO, |t| t.price)
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

/// The last instant a concert with these seats can be on sale: the end of its last date.
pub fn sale_ends(seats: &[Seat]) -> Option<Timestamp> {
    seats.iter().map(|s| s.date).max().map(ConcertDate::end)
}

#[cfg(test)]
mod tests;
