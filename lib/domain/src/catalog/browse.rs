//! Browsing: the concerts, a concert's dates with their availability, a date's seats with
//! their status at this instant, from a glance at the concert's seats where allowed.

use std::sync::Arc;

use crate::catalog::concert::{availability, Concert, DateAvailability, Seat, SeatStatus};
use crate::catalog::store::CatalogStore;
use crate::error::{Error, Result};
use crate::glance::Glances;
use crate::retry::retrying;
use crate::values::clock::Clock;
use crate::values::ids::{ConcertDate, ConcertId};

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
