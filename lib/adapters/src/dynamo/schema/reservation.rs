//! The reservation table (`pk`): a reservation by its id, and an account's seat slots at
//! `ACCOUNT#<concert>#<user>` (attributes `s0`..`s9`, each {`r`: reservation, `until`: ms}),
//! the tickets passed to a user at `RECEIVED#<user>` (a string set `tickets`), and a
//! concert's check-ins per gate at `CHECKINS#<concert>` (`gate#<name>`: a count), and a
//! booking number's ticket at `BOOKING#<number>`.

use std::time::Duration;

use domain::values::ids::{ConcertId, UserId};

/// A reservation's stored status.
pub mod status {
    pub const HELD: &str = "HELD";
    pub const CONFIRMED: &str = "CONFIRMED";
    pub const EXPIRED: &str = "EXPIRED";
    pub const CANCELLED: &str = "CANCELLED";
}

/// Unpaid reservations are kept this long after their hold ends, then TTL may remove them.
pub const KEEP_UNPAID: Duration = Duration::from_secs(30 * 24 * 3600);

pub fn account_pk(c: &ConcertId, u: UserId) -> String {
    format!("ACCOUNT#{c}#{u}")
}

/// The item listing the tickets passed to a user (attribute `tickets`, a string set).
pub fn received_pk(u: UserId) -> String {
    format!("RECEIVED#{u}")
}

/// The item naming the ticket of a booking number (`reservationId`), for typed codes.
pub fn booking_pk(number: &str) -> String {
    format!("BOOKING#{number}")
}

/// The item counting a concert's check-ins, one number attribute per gate.
pub fn check_ins_pk(c: &ConcertId) -> String {
    format!("CHECKINS#{c}")
}

/// Gate counts are the check-ins item's attributes named `gate#<name>`.
pub const GATE_PREFIX: &str = "gate#";

pub fn gate_attr(gate: &str) -> String {
    format!("{GATE_PREFIX}{gate}")
}

/// The account item's attribute of slot `i`.
pub fn slot_attr(i: u8) -> String {
    format!("s{i}")
}
