//! The catalog table (`pk`, `sk`): `CONCERT#<id>`/`META` a concert, `CONCERT#<id>`/
//! `SEAT#<date>#<seat, 2 digits>` its seats, `CATALOG`/`CONCERT#<id>` the listing of every
//! concert, `LIVE`/`<end of sale, ms, 13 digits>#<id>` the index of live sales;
//! `VENUE#<id>`/`META` a venue, `VENUE#<id>`/`SECTION#<write>#<index, 3 digits>` its
//! sections' layouts, `VENUES`/`<id>` the listing of every venue.

use domain::values::clock::Timestamp;
use domain::values::ids::{ConcertDate, ConcertId, SeatNumber, VenueId};

/// A seat's stored status.
pub mod status {
    pub const AVAILABLE: &str = "AVAILABLE";
    pub const HELD: &str = "HELD";
    pub const SOLD: &str = "SOLD";
}

/// The listing of every concert.
pub const CATALOG_PK: &str = "CATALOG";
/// A concert's own item, under its `CONCERT#` key.
pub const META_SK: &str = "META";
/// The index of live sales: what the admitter visits.
pub const LIVE_PK: &str = "LIVE";
/// Every seat's sort key starts so.
pub const SEAT_PREFIX: &str = "SEAT#";

pub fn concert_pk(c: &ConcertId) -> String {
    format!("CONCERT#{c}")
}

pub fn seat_sk(date: ConcertDate, seat: SeatNumber) -> String {
    format!("{SEAT_PREFIX}{date}#{:02}", seat.get())
}

/// The sort keys of one date's seats start so.
pub fn date_seats_prefix(date: ConcertDate) -> String {
    format!("{SEAT_PREFIX}{date}#")
}

pub fn live_sk(ends: Timestamp, c: &ConcertId) -> String {
    format!("{:013}#{c}", ends.millis())
}

/// The listing of every venue.
pub const VENUES_PK: &str = "VENUES";

pub fn venue_pk(v: &VenueId) -> String {
    format!("VENUE#{v}")
}

/// The sort keys of the sections write `write` stored start so.
pub fn sections_prefix(write: &str) -> String {
    format!("SECTION#{write}#")
}

/// Section `index` of the venue's layout as write `write` stored it.
pub fn section_sk(write: &str, index: usize) -> String {
    format!("{}{index:03}", sections_prefix(write))
}
