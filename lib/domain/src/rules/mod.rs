//! The rules, pure: no I/O, no async, no clock read (the instant is an argument). Each is
//! unit-tested on its own; the services apply them to what they read.

pub mod arrivals;
pub mod best_available;
pub mod door;
pub mod fair_start;
pub mod join_work;
pub mod line;
pub mod pace;
pub mod pass;
pub mod refund_policy;
pub mod sale;
pub mod seat_limit;
pub mod ticket_code;
