//! The catalog: concerts, their dates, and the 50 seats of each date.
//! A seat's status is computed from what is stored *and the clock*: a hold whose time has
//! passed is AVAILABLE at that instant, whether or not anything has cleaned it up.

use std::collections::BTreeMap;

use crate::rules::refund_policy::RefundPolicy;
use crate::rules::sale::{phase_at, Phase, SaleControl, SaleWindow};
use crate::values::clock::Timestamp;
use crate::values::ids::{ConcertDate, ConcertId, SeatNumber};
use crate::values::ids::{ReservationId, UserId};
use crate::values::money::Won;

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
    /// The show dates and the tiers' prices, ascending, as the operator last set them: what
    /// the catalog shows a fan before any seat is read (the seats remain the truth).
    pub summary: Summary,
}

/// What a concert's card shows: its dates and its prices, ascending and distinct, and its
/// picture if the operator gave one.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Summary {
    pub dates: Vec<ConcertDate>,
    pub prices: Vec<Won>,
    pub image: Option<String>,
}

impl Summary {
    /// The summary of a concert with these seats.
    pub fn of(seats: &[Seat]) -> Self {
        let mut dates: Vec<ConcertDate> = seats.iter().map(|s| s.date).collect();
        let mut prices: Vec<Won> = seats.iter().map(|s| s.price).collect();
        dates.sort();
        dates.dedup();
        prices.sort();
        prices.dedup();
        Self { dates, prices, image: None }
    }
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
            summary: Summary::default(),
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

#[cfg(test)]
mod tests;
