//! What the catalog needs of storage: concerts and their seats, venues and their layouts.

use async_trait::async_trait;

use crate::catalog::concert::{Concert, Seat};
use crate::catalog::venue::Venue;
use crate::error::Result;
use crate::values::clock::Timestamp;
use crate::values::ids::{ConcertDate, ConcertId, SeatNumber, VenueId};

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

/// A venue in the list of venues: its name and size, without its layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VenueSummary {
    pub id: VenueId,
    pub name: String,
    pub sections: u32,
    pub places: u32,
}

#[async_trait]
pub trait VenueStore: Send + Sync {
    /// Store a venue and its layout; false if the id is taken. A store that failed half
    /// way may be sent again: only its last write makes the venue exist.
    async fn add_venue(&self, venue: &Venue) -> Result<bool>;
    async fn venue(&self, id: &VenueId) -> Result<Option<Venue>>;
    /// Every venue, by id.
    async fn venues(&self) -> Result<Vec<VenueSummary>>;
}
