//! A reservation: one seat of one date, held by a fan until paid, cancelled or expired.
//! Its status is worked out from what is stored and the clock, so a hold ends exactly at
//! its deadline whether or not anything has tidied it up.

use crate::values::clock::Timestamp;
use crate::values::ids::{ConcertDate, ConcertId, PaymentId, ReservationId, SeatNumber, UserId};
use crate::values::money::Won;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReservationState {
    Held,
    Confirmed {
        payment: PaymentId,
    },
    /// Released by the expiry message (a hold past `expires_at` is expired even before that).
    Expired,
    /// Ended by its owner before its time.
    Cancelled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReservationStatus {
    Held,
    Confirmed,
    Expired,
    Cancelled,
}

impl ReservationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReservationStatus::Held => "HELD",
            ReservationStatus::Confirmed => "CONFIRMED",
            ReservationStatus::Expired => "EXPIRED",
            ReservationStatus::Cancelled => "CANCELLED",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reservation {
    pub id: ReservationId,
    pub user: UserId,
    pub concert: ConcertId,
    pub date: ConcertDate,
    pub seat: SeatNumber,
    pub price: Won,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    /// The account's seat slot this reservation occupies (see `seat_limit`).
    pub slot: u8,
    pub state: ReservationState,
    /// When and where its ticket let its holder in (`door`); once only.
    pub checked_in: Option<CheckIn>,
    /// Who passed this ticket to its holder (`door::transfer`), while the holder may still
    /// decline it back.
    pub transferred_from: Option<UserId>,
}

/// A ticket's admission at the door.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckIn {
    pub at: Timestamp,
    pub gate: Gate,
}

/// A gate's name as the staff's scanner gives it: 1-32 letters, digits, spaces or '-'.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gate(String);

impl Gate {
    pub fn parse(raw: &str) -> crate::error::Result<Self> {
        let name = raw.trim();
        let ok = (1..=32).contains(&name.chars().count())
            && name.chars().all(|c| c.is_alphanumeric() || c == ' ' || c == '-');
        if ok {
            Ok(Self(name.to_owned()))
        } else {
            Err(crate::error::Error::InvalidInput("gate must be 1-32 letters, digits, spaces or '-'".into()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Reservation {
    /// HELD until `expires_at` (exclusive), unless paid.
    pub fn status_at(&self, now: Timestamp) -> ReservationStatus {
        match self.state {
            ReservationState::Confirmed { .. } => ReservationStatus::Confirmed,
            ReservationState::Cancelled => ReservationStatus::Cancelled,
            ReservationState::Held if now < self.expires_at => ReservationStatus::Held,
            ReservationState::Held | ReservationState::Expired => ReservationStatus::Expired,
        }
    }
}
