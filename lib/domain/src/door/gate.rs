//! A gate's scan: the ticket is read, judged (`rules::door::admits`) and checked in by one
//! conditional write, so twenty scans of one ticket at four gates let it in once, and a
//! refund racing a scan ends in exactly one of them (each is conditioned on the other's
//! absence).

use std::sync::Arc;

use crate::booking::reservation::{CheckIn, Gate, Reservation};
use crate::booking::store::HoldStore;
use crate::door::store::DoorStore;
use crate::error::{Error, Result};
use crate::retry::{optimistic, retrying, Round};
use crate::rules::door::{admits, scan_instant};
use crate::rules::ticket_code::{Presented, Scan};
use crate::values::clock::{Clock, Timestamp};
use crate::values::signing_key::SigningKey;

pub struct GateService {
    holds: Arc<dyn HoldStore>,
    door: Arc<dyn DoorStore>,
    key: SigningKey,
    clock: Arc<dyn Clock>,
}

/// A ticket let in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admitted {
    pub ticket: Reservation,
    pub check_in: CheckIn,
}

impl GateService {
    pub fn new(holds: Arc<dyn HoldStore>, door: Arc<dyn DoorStore>, key: SigningKey, clock: Arc<dyn Clock>) -> Self {
        Self { holds, door, key, clock }
    }

    /// Let the ticket `raw` (a QR code's text, or its booking number and code typed by
    /// hand) in at `gate`, or say why not. `scanned_at`:
    /// the instant an offline scanner recorded the scan (`rules::door::scan_instant`); the
    /// first admission of a ticket wins, a later one from another gate answers
    /// ALREADY_CHECKED_IN with the first's gate and time.
    pub async fn scan(&self, raw: &str, gate: Gate, scanned_at: Option<Timestamp>) -> Result<Admitted> {
        let scan = match Presented::parse(raw)? {
            Presented::Scanned(scan) => scan,
            Presented::Typed { booking, code } => {
                let ticket = retrying(|| self.door.booking(&booking)).await?.ok_or(Error::TicketNotFound)?;
                Scan { ticket, code }
            }
        };
        let at = scan_instant(scanned_at, self.clock.now())?;
        optimistic(async |_| {
            let ticket = retrying(|| self.holds.reservation(scan.ticket)).await?.ok_or(Error::TicketNotFound)?;
            let check_in = admits(&ticket, &scan, &self.key, at, gate.clone())?;
            // Checked in, refunded or transferred meanwhile (lost): the next read says which.
            Ok(Round::from_write(self.door.check_in(&ticket, &check_in).await, || {
                tracing::info!(ticket = %ticket.id, gate = check_in.gate.as_str(), "ticket checked in");
                Admitted { ticket: ticket.clone(), check_in: check_in.clone() }
            }))
        })
        .await
    }
}

#[cfg(test)]
mod tests;
