//! What the door needs stored beyond a reservation.

use async_trait::async_trait;

use crate::booking::reservation::{CheckIn, Reservation};
use crate::error::Result;

#[async_trait]
pub trait DoorStore: Send + Sync {
    /// Record `check_in` on `ticket` if it is still paid, still its holder's and not yet
    /// checked in (one conditional write); false if any of that no longer holds.
    async fn check_in(&self, ticket: &Reservation, check_in: &CheckIn) -> Result<bool>;
}
