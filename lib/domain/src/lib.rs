//! The concert reservation service's domain: its rules and the services that apply them
//! through storage traits it owns. Nothing here knows AWS or HTTP (`cargo tree -p domain`
//! lists no `aws-*`, `lambda_*` or `hyper`); the `adapters` crate implements the traits on
//! DynamoDB and SQS, and the `edge` crate wires them for the Lambdas.

pub mod arrivals;
pub mod catalog;
pub mod clock;
pub mod error;
pub mod fair_start;
pub mod glance;
pub mod hex;
pub mod ids;
#[cfg(any(test, feature = "testkit"))]
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
#[cfg(test)]
mod testkit;
pub mod wallet;

pub use error::{Error, Result};
