//! The door's store in memory: a check-in is one step on the reservation, as its
//! conditional write is on DynamoDB.

use async_trait::async_trait;

use crate::booking::reservation::{CheckIn, Reservation, ReservationState};
use crate::door::store::DoorStore;
use crate::error::Result;

use super::Memory;

#[async_trait]
impl DoorStore for Memory {
    async fn check_in(&self, ticket: &Reservation, check_in: &CheckIn) -> Result<bool> {
        self.step("check_in", |s| {
            let Some(stored) = s.reservations.get_mut(&ticket.id) else { return Ok(false) };
            let admits = matches!(stored.state, ReservationState::Confirmed { .. })
                && stored.user == ticket.user
                && stored.checked_in.is_none();
            if admits {
                stored.checked_in = Some(check_in.clone());
            }
            Ok(admits)
        })
    }
}
