//! The concert reservation service's domain: its rules and the services that apply them
//! through storage traits it owns. Nothing here knows AWS or HTTP (`cargo tree -p domain`
//! lists no `aws-*`, `lambda_*` or `hyper`); the `adapters` crate implements the traits on
//! DynamoDB and SQS, and the `edge` crate wires them for the Lambdas.
//!
//! - `values`: ids, money, instants: the types every layer speaks.
//! - `rules`: the pure rules (a sale's phase, the draw, the line's arithmetic, seat
//!   limits, refund schedules, the admission pass).
//! - one folder per capability, each with its services and its `store` traits: `line`
//!   (the waiting room), `catalog` (concerts, seats, the operator's side), `booking`
//!   (holds, payments, refunds), `wallet` (balances and statements), `door` (tickets
//!   and the gate).
//! - `retry` (the one retry policy and optimistic-write loop), `glance` (what an instance
//!   keeps of hot items for a second), `error` (every outcome a caller can act on).

pub mod booking;
pub mod catalog;
pub mod door;
pub mod error;
pub mod glance;
pub mod line;
pub mod retry;
pub mod rules;
#[cfg(any(test, feature = "testkit"))]
pub mod testkit;
pub mod values;
pub mod wallet;

pub use error::{Error, Result};
