//! The reservation table (`pk`): a reservation by its id, and an account's seat slots at
//! `ACCOUNT#<concert>#<user>` (attributes `s0`..`s9`, each {`r`: reservation, `until`: ms}),
//! and the tickets passed to a user at `RECEIVED#<user>` (a string set `tickets`).

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

/// The account item's attribute of slot `i`.
pub fn slot_attr(i: u8) -> String {
    format!("s{i}")
}
