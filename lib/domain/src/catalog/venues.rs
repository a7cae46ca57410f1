//! Venues as operators make and read them. A venue's layout is fixed once made: concerts
//! sell its seats by their labels, so a changed layout is a new venue (a new id), and no
//! sale ever sees its venue change under it.

use std::sync::Arc;

use crate::catalog::store::{VenueStore, VenueSummary};
use crate::catalog::venue::Venue;
use crate::error::{Error, Result};
use crate::retry::retrying;
use crate::values::ids::VenueId;

pub struct VenueService {
    store: Arc<dyn VenueStore>,
}

impl VenueService {
    pub fn new(store: Arc<dyn VenueStore>) -> Self {
        Self { store }
    }

    /// Make a venue (its layout checked when it was parsed). The same layout sent again (a
    /// retry after a timeout, or of a create that failed half way) answers as the first
    /// did; another layout under a taken id is 409 VENUE_EXISTS and changes nothing.
    pub async fn create(&self, venue: &Venue) -> Result<Venue> {
        if retrying(|| self.store.add_venue(venue)).await? {
            tracing::info!(venue = %venue.id, places = venue.places(), sections = venue.sections.len(), "venue created");
            return Ok(venue.clone());
        }
        let existing = self.venue(&venue.id).await?;
        if existing != *venue {
            return Err(Error::VenueExists);
        }
        Ok(existing)
    }

    pub async fn venue(&self, id: &VenueId) -> Result<Venue> {
        retrying(|| self.store.venue(id)).await?.ok_or(Error::VenueNotFound)
    }

    pub async fn venues(&self) -> Result<Vec<VenueSummary>> {
        retrying(|| self.store.venues()).await
    }
}

#[cfg(test)]
mod tests;
