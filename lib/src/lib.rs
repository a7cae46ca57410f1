//! The concert reservation service's domain and its adapters.
//!
//! Business modules (`queue`, `catalog`, `reservation`, `wallet`, `payment`) own the rules
//! and the storage traits they need; `dynamo` and `sqs` implement those traits on AWS;
//! `http` is the glue the Lambda handlers share; `wiring` builds it all once per cold start.

pub mod arrivals;
pub mod catalog;
pub mod clock;
pub mod config;
pub mod dynamo;
pub mod error;
pub mod fair_start;
pub mod glance;
pub mod hex;
pub mod http;
pub mod identity;
pub mod ids;
pub mod memory;
pub mod money;
pub mod operator;
pub mod pass;
pub mod payment;
pub mod queue;
pub mod refund;
pub mod refund_policy;
pub mod reservation;
pub mod retry;
pub mod sale;
pub mod seat_limit;
pub mod sqs;
#[cfg(test)]
mod testkit;
pub mod wallet;
pub mod wiring;

pub use error::{Error, Result};
