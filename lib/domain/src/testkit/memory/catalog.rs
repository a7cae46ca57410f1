//! The catalog's store in memory.

use async_trait::async_trait;

use crate::catalog::concert::{Concert, Seat, SeatState};
use crate::catalog::store::{CatalogStore, VenueStore, VenueSummary};
use crate::catalog::venue::Venue;
use crate::error::Result;
use crate::values::clock::Timestamp;
use crate::values::ids::{ConcertDate, ConcertId, SeatNumber, VenueId};

use super::Memory;

#[async_trait]
impl CatalogStore for Memory {
    async fn concerts(&self) -> Result<Vec<Concert>> {
        let mut all: Vec<Concert> = self.lock()?.concerts.values().map(|(c, _)| c.clone()).collect();
        all.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(all)
    }

    async fn concert(&self, concert: &ConcertId) -> Result<Option<Concert>> {
        self.step("concert", |s| Ok(s.concerts.get(concert).map(|(c, _)| c.clone())))
    }

    async fn concert_seats(&self, concert: &ConcertId) -> Result<Option<Vec<Seat>>> {
        self.step("concert_seats", |s| Ok(s.concerts.get(concert).map(|(_, seats)| seats.clone())))
    }

    async fn date_seats(&self, concert: &ConcertId, date: ConcertDate) -> Result<Vec<Seat>> {
        self.step("date_seats", |s| {
            let seats = s.concerts.get(concert).map(|(_, seats)| seats.as_slice()).unwrap_or_default();
            Ok(seats.iter().filter(|x| x.date == date).cloned().collect())
        })
    }

    async fn seat(&self, concert: &ConcertId, date: ConcertDate, seat: SeatNumber) -> Result<Option<Seat>> {
        self.step("seat", |s| {
            let seats = s.concerts.get(concert).map(|(_, seats)| seats.as_slice()).unwrap_or_default();
            Ok(seats.iter().find(|x| x.date == date && x.number == seat).cloned())
        })
    }

    async fn live_concerts(&self, now: Timestamp) -> Result<Vec<ConcertId>> {
        let mut live: Vec<ConcertId> = self
            .lock()?
            .concerts
            .iter()
            .filter(|(_, (c, _))| now < c.sale.closes_at)
            .map(|(id, _)| id.clone())
            .collect();
        live.sort();
        Ok(live)
    }

    async fn add_concert(&self, concert: &Concert, seats: &[Seat]) -> Result<bool> {
        self.step("add_concert", |s| {
            if s.concerts.contains_key(&concert.id) {
                return Ok(false);
            }
            s.concerts.insert(concert.id.clone(), (concert.clone(), seats.to_vec()));
            Ok(true)
        })
    }

    async fn update_concert(&self, before: &Concert, after: &Concert) -> Result<bool> {
        self.step("update_concert", |s| match s.concerts.get_mut(&before.id) {
            Some((stored, _)) if stored.version == before.version => {
                // What the admitter and the refunds own stays theirs.
                let (sold_out, refunds) = (stored.sold_out, stored.refunds);
                *stored = Concert { sold_out, refunds, ..after.clone() };
                Ok(true)
            }
            _ => Ok(false),
        })
    }

    async fn replace_seats(&self, concert: &Concert, put: &[Seat], remove: &[Seat]) -> Result<bool> {
        let mut s = self.lock()?;
        let Some((stored, seats)) = s.concerts.get_mut(&concert.id) else { return Ok(false) };
        let touched = |x: &Seat| put.iter().chain(remove).any(|y| y.date == x.date && y.number == x.number);
        if stored.version != concert.version || seats.iter().any(|x| touched(x) && x.state != SeatState::Available) {
            return Ok(false);
        }
        seats.retain(|x| !touched(x));
        seats.extend(put.iter().cloned());
        seats.sort_by_key(|x| (x.date, x.number));
        Ok(true)
    }

    async fn mark_sold_out(&self, concert: &ConcertId, refunds_seen: u64) -> Result<()> {
        if let Some((c, _)) = self.lock()?.concerts.get_mut(concert).filter(|(c, _)| c.refunds == refunds_seen) {
            c.sold_out = true;
        }
        Ok(())
    }
}

#[async_trait]
impl VenueStore for Memory {
    async fn add_venue(&self, venue: &Venue) -> Result<bool> {
        self.step("add_venue", |s| {
            if s.venues.contains_key(&venue.id) {
                return Ok(false);
            }
            s.venues.insert(venue.id.clone(), venue.clone());
            Ok(true)
        })
    }

    async fn venue(&self, id: &VenueId) -> Result<Option<Venue>> {
        self.step("venue", |s| Ok(s.venues.get(id).cloned()))
    }

    async fn venues(&self) -> Result<Vec<VenueSummary>> {
        self.step("venues", |s| {
            Ok(s.venues
                .values()
                .map(|v| VenueSummary {
                    id: v.id.clone(),
                    name: v.name.clone(),
                    sections: v.sections.len() as u32,
                    places: v.places(),
                })
                .collect())
        })
    }
}
