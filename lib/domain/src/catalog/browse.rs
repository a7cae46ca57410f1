//! Browsing: the concerts, a concert's dates with their availability, a date's seats with
//! their status at this instant, from a glance at the concert's seats where allowed.

use std::sync::Arc;

use crate::catalog::concert::{availability, Concert, DateAvailability, Seat, SeatStatus};
use crate::catalog::store::CatalogStore;
use crate::error::{Error, Result};
use crate::glance::Glances;
use crate::retry::retrying;
use crate::values::clock::{Clock, Timestamp};
use crate::values::ids::{ConcertDate, ConcertId};

/// A concert's seats (none: no such concert) and the instant they were read.
type SeatsRead = (Timestamp, Option<Arc<Vec<Seat>>>);

pub struct CatalogService {
    store: Arc<dyn CatalogStore>,
    clock: Arc<dyn Clock>,
    /// How long browsing may answer from this instance's last reading of a concert's seats
    /// (none by default; `glancing_for`).
    glance_for: std::time::Duration,
    seats: Glances<ConcertId, SeatsRead>,
}

/// What browsing answers and the instant of the seats it shows (`asOf`): statuses are
/// worked out at the request's instant, from seats read at `as_of`, up to the glance's age
/// earlier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen<T> {
    pub value: T,
    pub as_of: Timestamp,
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

    /// Every seat of the concert, from the glance or read (and kept), and when they were
    /// read. None: no such concert.
    async fn concert_seats(&self, concert: &ConcertId) -> Result<SeatsRead> {
        let now = self.clock.now();
        let fresh = |_: &SeatsRead, age: std::time::Duration| age < self.glance_for;
        // No such concert is not kept: made-up ids must not grow the instance's memory.
        let glancing = |(_, seats): &(Timestamp, Option<_>)| seats.is_some() && !self.glance_for.is_zero();
        let read = async { Ok::<_, Error>((now, retrying(|| self.store.concert_seats(concert)).await?.map(Arc::new))) };
        Ok(self.seats.get_or_read(concert, now, fresh, glancing, read).await?.0)
    }

    pub async fn concerts(&self) -> Result<Vec<Concert>> {
        retrying(|| self.store.concerts()).await
    }

    pub async fn live_concerts(&self) -> Result<Vec<ConcertId>> {
        retrying(|| self.store.live_concerts(self.clock.now())).await
    }

    pub async fn dates(&self, concert: &ConcertId) -> Result<Seen<Vec<DateAvailability>>> {
        let (as_of, seats) = self.concert_seats(concert).await?;
        let seats = seats.ok_or(Error::ConcertNotFound)?;
        Ok(Seen { value: availability(&seats, self.clock.now()), as_of })
    }

    /// The seats of a date with their status now. Without a glance, only the date's seats
    /// are read; with one, the concert's, kept for both routes.
    pub async fn seats(&self, concert: &ConcertId, date: ConcertDate) -> Result<Seen<Vec<(Seat, SeatStatus)>>> {
        let (as_of, seats): (Timestamp, Vec<Seat>) = if self.glance_for.is_zero() {
            let as_of = self.clock.now();
            (as_of, retrying(|| self.store.date_seats(concert, date)).await?)
        } else {
            let (as_of, all) = self.concert_seats(concert).await?;
            (as_of, all.unwrap_or_default().iter().filter(|s| s.date == date).cloned().collect())
        };
        if seats.is_empty() {
            return Err(Error::ScheduleNotFound);
        }
        let now = self.clock.now();
        let value = seats
            .into_iter()
            .map(|s| {
                let st = s.status_at(now);
                (s, st)
            })
            .collect();
        Ok(Seen { value, as_of })
    }
}
