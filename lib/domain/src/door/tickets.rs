//! A fan's tickets: every seat their payments bought and every ticket passed to them, with
//! what became of it, and for a ticket still good, the secret its codes come from (only
//! its holder is given it).

use std::sync::Arc;

use crate::booking::reservation::{Reservation, ReservationState};
use crate::booking::store::{HoldStore, PaymentStore};
use crate::door::store::DoorStore;
use crate::error::Result;
use crate::retry::retrying;
use crate::rules::ticket_code::{booking_number, TicketSecret, CODE_STEP_MS};
use crate::values::ids::{PaymentId, UserId};
use crate::values::signing_key::SigningKey;

pub struct TicketService {
    payments: Arc<dyn PaymentStore>,
    holds: Arc<dyn HoldStore>,
    door: Arc<dyn DoorStore>,
    key: SigningKey,
}

/// One ticket as a fan sees it: one they bought or were passed, whoever holds it now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    pub reservation: Reservation,
    pub payment: PaymentId,
    /// Whose list this is.
    pub seen_by: UserId,
    /// Present while the ticket can still let its holder in, and only for its holder.
    pub secret: Option<TicketSecret>,
}

impl Ticket {
    pub fn status(&self) -> &'static str {
        let r = &self.reservation;
        match (&r.state, &r.checked_in) {
            _ if r.user != self.seen_by => "TRANSFERRED",
            (_, Some(_)) => "CHECKED_IN",
            (ReservationState::Confirmed { .. }, None) => "VALID",
            _ => "VOID",
        }
    }

    pub fn to_json(&self) -> serde_json::Value {
        let r = &self.reservation;
        let holder = r.user == self.seen_by;
        serde_json::json!({
            "bookingNumber": booking_number(r.id),
            "reservationId": r.id.to_string(),
            "paymentId": self.payment.to_string(),
            "concertId": r.concert.as_str(),
            "date": r.date.to_string(),
            "seatNumber": r.seat.get(),
            "price": r.price.get(),
            "status": self.status(),
            "checkedInAt": r.checked_in.as_ref().map(|c| c.at.to_rfc3339()),
            "gate": r.checked_in.as_ref().map(|c| c.gate.as_str()),
            "transferredFrom": r.transferred_from.filter(|_| holder).map(|u| u.to_string()),
            "secret": self.secret.as_ref().map(TicketSecret::to_hex),
            "codeStepSeconds": CODE_STEP_MS / 1000,
        })
    }
}

impl TicketService {
    pub fn new(
        payments: Arc<dyn PaymentStore>,
        holds: Arc<dyn HoldStore>,
        door: Arc<dyn DoorStore>,
        key: SigningKey,
    ) -> Self {
        Self { payments, holds, door, key }
    }

    /// The tickets `user` bought (newest payment first, in each payment's order), then those
    /// passed to them (oldest first), each once, as they stand now.
    pub async fn tickets(&self, user: UserId) -> Result<Vec<Ticket>> {
        let payments = retrying(|| self.payments.payments(user)).await?;
        let received = retrying(|| self.door.received(user)).await?;
        let bought = payments.iter().flat_map(|p| p.reservations().map(move |r| (r, Some(p.id))));
        let mut seen = std::collections::HashSet::new();
        let wanted: Vec<_> =
            bought.chain(received.into_iter().map(|r| (r, None))).filter(|(id, _)| seen.insert(*id)).collect();
        // Read at once, not one after the other: the list is polled while a fan waits.
        let read =
            futures::future::try_join_all(wanted.iter().map(|(id, _)| retrying(move || self.holds.reservation(*id))))
                .await?;
        let mut out = Vec::new();
        for ((_, bought_with), reservation) in wanted.into_iter().zip(read) {
            let Some(reservation) = reservation else { continue };
            let paid_with = match reservation.state {
                ReservationState::Confirmed { payment } => Some(payment),
                _ => bought_with,
            };
            let Some(payment) = paid_with else { continue };
            let good = matches!(reservation.state, ReservationState::Confirmed { .. })
                && reservation.checked_in.is_none()
                && reservation.user == user;
            let secret = good.then(|| TicketSecret::derive(&self.key, reservation.id, user));
            out.push(Ticket { reservation, payment, seen_by: user, secret });
        }
        Ok(out)
    }
}
