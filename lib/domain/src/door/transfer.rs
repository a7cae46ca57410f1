//! Passing a ticket to another fan at face value: no money moves through the service, one
//! transaction moves the ticket (the old holder's codes stop, since a ticket's secret is
//! its holder's), the receiver's seat limit counts it, and the receiver may decline it
//! back to its sender. Transfers close `closes_before` its date. Both wallets' statements
//! show the move (no money in it).

use std::sync::Arc;
use std::time::Duration;

use crate::booking::reservation::Reservation;
use crate::booking::store::HoldStore;
use crate::catalog::store::CatalogStore;
use crate::door::store::DoorStore;
use crate::error::{Error, Result};
use crate::retry::{optimistic, retrying, Round};
use crate::rules::door::{plan_return, plan_transfer, TransferPlan};
use crate::rules::seat_limit::AccountSeats;
use crate::values::clock::{Clock, Timestamp};
use crate::values::ids::{ReservationId, UserId};
use crate::wallet::store::WalletStore;

pub struct TransferService {
    holds: Arc<dyn HoldStore>,
    door: Arc<dyn DoorStore>,
    catalog: Arc<dyn CatalogStore>,
    wallets: Arc<dyn WalletStore>,
    clock: Arc<dyn Clock>,
    closes_before: Duration,
}

impl TransferService {
    pub fn new(
        holds: Arc<dyn HoldStore>,
        door: Arc<dyn DoorStore>,
        catalog: Arc<dyn CatalogStore>,
        wallets: Arc<dyn WalletStore>,
        clock: Arc<dyn Clock>,
        closes_before: Duration,
    ) -> Self {
        Self { holds, door, catalog, wallets, clock, closes_before }
    }

    /// `from` passes their ticket to `to`; the ticket as it now stands.
    pub async fn transfer(&self, from: UserId, id: ReservationId, to: UserId) -> Result<Reservation> {
        // Sent again after a lost answer: already with `to`, from `from`.
        let done = |t: &Reservation| t.user == to && t.transferred_from == Some(from);
        self.move_ticket(id, to, done, |ticket, seats, now| {
            plan_transfer(ticket, (from, to), seats, now, self.closes_before)
        })
        .await
    }

    /// `holder` declines a ticket passed to them: it goes back to its sender.
    pub async fn decline(&self, holder: UserId, id: ReservationId) -> Result<Reservation> {
        let ticket = self.ticket(id).await?;
        let sender = ticket.transferred_from.filter(|_| ticket.user == holder).ok_or(Error::NotTransferred)?;
        // Back with its sender meanwhile (this decline's own first round).
        let done = |t: &Reservation| t.user == sender && t.transferred_from.is_none();
        self.move_ticket(id, sender, done, |ticket, seats, now| {
            plan_return(ticket, holder, seats, now, self.closes_before)
        })
        .await
    }

    /// Read the ticket, the concert's seat limit, the receiver's seats and both wallets
    /// (each gains a statement line), plan, move; on a lost condition, read again (what
    /// moved meanwhile decides).
    async fn move_ticket(
        &self,
        id: ReservationId,
        receiver: UserId,
        done: impl Fn(&Reservation) -> bool,
        plan: impl Fn(&Reservation, (&AccountSeats, u8), Timestamp) -> Result<TransferPlan>,
    ) -> Result<Reservation> {
        optimistic(async |_| {
            let ticket = self.ticket(id).await?;
            if done(&ticket) {
                return Ok(Round::Done(ticket));
            }
            let concert = retrying(|| self.catalog.concert(&ticket.concert)).await?.ok_or(Error::TicketNotFound)?;
            let seats = retrying(|| self.holds.account(&ticket.concert, receiver)).await?;
            let now = self.clock.now();
            let planned = plan(&ticket, (&seats, concert.seat_limit), now)?;
            let sender = retrying(|| self.wallets.wallet(ticket.user)).await?;
            let receiver = retrying(|| self.wallets.wallet(planned.to)).await?;
            let lines = planned.statement_lines((sender, receiver), now);
            Ok(Round::from_write(self.door.transfer(&planned, &lines, now).await, || {
                tracing::info!(ticket = %id, to = %planned.to, returning = planned.returning, "ticket passed on");
                Reservation {
                    user: planned.to,
                    slot: planned.slot,
                    transferred_from: (!planned.returning).then_some(ticket.user),
                    ..ticket.clone()
                }
            }))
        })
        .await
    }

    async fn ticket(&self, id: ReservationId) -> Result<Reservation> {
        retrying(|| self.holds.reservation(id)).await?.ok_or(Error::TicketNotFound)
    }
}

#[cfg(test)]
mod tests;
