//! Identifiers and small values parsed at the edge. Each has one fallible constructor;
//! past the handler nothing re-checks them.

use std::fmt;

use time::macros::format_description;
use time::Date;
use uuid::Uuid;

use crate::error::Error;
use crate::values::clock::Timestamp;

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Uuid);

        impl $name {
            /// A fresh random (v4) id.
            pub fn random() -> Self {
                Self(Uuid::new_v4())
            }

            pub fn parse(raw: &str) -> Result<Self, Error> {
                Uuid::try_parse(raw.trim())
                    .map(Self)
                    .map_err(|_| Error::InvalidInput(format!("{} must be a UUID", $what)))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }
    };
}

uuid_id!(
    /// A fan, as the identity layer in front of this service names them.
    UserId, "userId"
);
uuid_id!(
    /// A seat hold (reservation).
    ReservationId, "reservationId"
);
uuid_id!(
    /// A completed payment; also the id of its PaymentCompleted event.
    PaymentId, "paymentId"
);
uuid_id!(
    /// A refund of a paid seat; also the id of its ReservationCancelled event.
    RefundId, "refundId"
);

/// A queue token: a random v4 UUID, so 122 random bits. The value itself is the secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenId(Uuid);

impl TokenId {
    pub fn random() -> Self {
        Self(Uuid::new_v4())
    }

    /// Anything that is not a v4 UUID cannot be a token this service issued.
    pub fn parse(raw: &str) -> Result<Self, Error> {
        match Uuid::try_parse(raw.trim()) {
            Ok(u) if u.get_version_num() == 4 => Ok(Self(u)),
            _ => Err(Error::TokenInvalid),
        }
    }

    /// The token's 128 bits, to spread tokens evenly (e.g. over check-in counters).
    pub fn as_u128(self) -> u128 {
        self.0.as_u128()
    }
}

impl UserId {
    /// The user behind a subject of an issuer whose subjects are not UUIDs: a name-based
    /// (v5) UUID, so the same person always maps to the same user.
    pub fn from_subject(issuer: &str, subject: &str) -> Self {
        Self(Uuid::new_v5(&Uuid::NAMESPACE_URL, format!("{issuer}#{subject}").as_bytes()))
    }
}

impl fmt::Display for TokenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

macro_rules! slug_id {
    ($(#[$doc:meta])* $name:ident, $what:literal, $max:literal, $allowed:expr, $chars:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            pub fn parse(raw: &str) -> Result<Self, Error> {
                let allowed: fn(u8) -> bool = $allowed;
                if (1..=$max).contains(&raw.len()) && raw.bytes().all(allowed) {
                    Ok(Self(raw.to_owned()))
                } else {
                    Err(Error::InvalidInput(format!("{} must be 1-{} characters of {}", $what, $max, $chars)))
                }
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

fn slug_byte(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'
}

slug_id!(
    /// A concert in the catalog: a slug of lowercase letters, digits and dashes.
    ConcertId, "concertId", 64, slug_byte, "a-z, 0-9 and '-'"
);
slug_id!(
    /// A venue an operator laid out once and sells many concerts in.
    VenueId, "venueId", 64, slug_byte, "a-z, 0-9 and '-'"
);
slug_id!(
    /// A section of a venue, as its signs name it: `A`, `FLOOR-1`, `101`.
    SectionId, "a section's id", 16, |b| b.is_ascii_alphanumeric() || b == b'-', "A-Z, a-z, 0-9 and '-'"
);

/// The day of a performance, `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConcertDate(Date);

impl ConcertDate {
    pub fn parse(raw: &str) -> Result<Self, Error> {
        let fmt = format_description!("[year]-[month]-[day]");
        if raw.len() != 10 {
            return Err(Error::InvalidInput("date must be YYYY-MM-DD".into()));
        }
        Date::parse(raw, &fmt)
            .map(Self)
            .map_err(|_| Error::InvalidInput("date must be a real calendar day, YYYY-MM-DD".into()))
    }

    /// The first instant of this day, UTC: when its show counts as starting.
    pub fn start(self) -> Timestamp {
        Timestamp::from_millis(self.0.midnight().assume_utc().unix_timestamp().saturating_mul(1000))
    }

    /// The first instant after this day, UTC.
    pub fn end(self) -> Timestamp {
        let next = self.0.next_day().unwrap_or(Date::MAX);
        Timestamp::from_millis(next.midnight().assume_utc().unix_timestamp().saturating_mul(1000))
    }

    /// The day `days` days after the UTC day of `t`.
    pub fn days_after(t: Timestamp, days: u16) -> Option<Self> {
        let today = time::OffsetDateTime::from_unix_timestamp(t.millis().div_euclid(1000)).ok()?.date();
        today.checked_add(time::Duration::days(i64::from(days))).map(Self)
    }
}

impl fmt::Display for ConcertDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.0.year(), u8::from(self.0.month()), self.0.day())
    }
}

/// A seat of a date: 1..=50.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SeatNumber(u8);

impl SeatNumber {
    pub const MAX: u8 = 50;

    pub fn new(n: i64) -> Result<Self, Error> {
        match u8::try_from(n) {
            Ok(v) if (1..=Self::MAX).contains(&v) => Ok(Self(v)),
            _ => Err(Error::SeatNotFound),
        }
    }

    pub fn all() -> impl Iterator<Item = SeatNumber> {
        (1..=Self::MAX).map(SeatNumber)
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

/// The client's name for one logical operation (`Idempotency-Key`): 1..=128 visible ASCII chars.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub fn parse(raw: &str) -> Result<Self, Error> {
        let ok = (1..=128).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_graphic());
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(Error::InvalidIdempotencyKey)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests;
