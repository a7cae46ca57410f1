//! A fan's tickets: every seat their payments bought, with what became of it, and for a
//! ticket still good, the secret its codes come from (only its holder is given it).

use std::sync::Arc;

use crate::booking::reservation::{Reservation, ReservationState};
use crate::booking::store::{HoldStore, PaymentStore};
use crate::error::Result;
use crate::retry::retrying;
use crate::rules::ticket_code::{booking_number, TicketSecret, CODE_STEP_MS};
use crate::values::ids::{PaymentId, UserId};
use crate::values::signing_key::SigningKey;

pub struct TicketService {
    payments: Arc<dyn PaymentStore>,
    holds: Arc<dyn HoldStore>,
    key: SigningKey,
}

/// One paid seat as its holder sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    pub reservation: Reservation,
    pub payment: PaymentId,
    /// Present while the ticket can still let its holder in.
    pub secret: Option<TicketSecret>,
}

impl Ticket {
    pub fn status(&self) -> &'static str {
        match (&self.reservation.state, &self.reservation.checked_in) {
            (_, Some(_)) => "CHECKED_IN",
            (ReservationState::Confirmed { .. }, None) => "VALID",
            _ => "VOID",
        }
    }

    pub fn to_json(&self) -> serde_json::Value {
        let r = &self.reservation;
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
            "secret": self.secret.as_ref().map(TicketSecret::to_hex),
            "codeStepSeconds": CODE_STEP_MS / 1000,
        })
    }
}

impl TicketService {
    pub fn new(payments: Arc<dyn PaymentStore>, holds: Arc<dyn HoldStore>, key: SigningKey) -> Self {
        Self { payments, holds, key }
    }

    /// `holder`'s tickets, newest payment first, in each payment's order.
    pub async fn tickets(&self, holder: UserId) -> Result<Vec<Ticket>> {
        let payments = retrying(|| self.payments.payments(holder)).await?;
        let mut out = Vec::new();
        for payment in &payments {
            for id in payment.reservations() {
                let Some(reservation) = retrying(|| self.holds.reservation(id)).await? else { continue };
                let good = matches!(reservation.state, ReservationState::Confirmed { .. })
                    && reservation.checked_in.is_none()
                    && reservation.user == holder;
                let secret = good.then(|| TicketSecret::derive(&self.key, reservation.id, holder));
                out.push(Ticket { reservation, payment: payment.id, secret });
            }
        }
        Ok(out)
    }
}
