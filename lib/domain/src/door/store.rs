//! What the door needs stored beyond a reservation.

use async_trait::async_trait;

use crate::booking::reservation::{CheckIn, Reservation};
use crate::error::Result;
use crate::rules::door::TransferPlan;
use crate::values::clock::Timestamp;
use crate::values::ids::{ConcertId, ReservationId, UserId};
use crate::wallet::statement::WalletLine;

#[async_trait]
pub trait DoorStore: Send + Sync {
    /// Record `check_in` on `ticket` if it is still paid, still its holder's and not yet
    /// checked in, and count it for its concert's gate, in one step; false if any of that
    /// no longer holds.
    async fn check_in(&self, ticket: &Reservation, check_in: &CheckIn) -> Result<bool>;

    /// A concert's check-ins so far, per gate (name, count), by name.
    async fn check_ins(&self, concert: &ConcertId) -> Result<Vec<(String, u64)>>;

    /// Move a ticket as planned, in one step: the reservation's holder and slot (if it is
    /// still the sender's, paid and unused, in the slot read), the sender's slot freed,
    /// the receiver's slot taken (if free at `now`) for good, and the receiver's list of
    /// received tickets gains it, and both wallets' statements gain their `lines` (each
    /// wallet still as read). False if any of that no longer holds.
    async fn transfer(&self, plan: &TransferPlan, lines: &[WalletLine; 2], now: Timestamp) -> Result<bool>;

    /// The tickets ever passed to `holder` (whoever holds them now), oldest first.
    async fn received(&self, holder: UserId) -> Result<Vec<ReservationId>>;

    /// The ticket a booking number names, for a code typed by hand (written by the
    /// payment that bought it).
    async fn booking(&self, number: &str) -> Result<Option<ReservationId>>;
}
