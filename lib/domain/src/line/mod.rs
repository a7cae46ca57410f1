//! The waiting room. A fan takes a token for a concert and waits; the admitter lets
//! tokens in, in place order, at a set rate and never above a cap of ACTIVE tokens.
//!
//! Every request costs a constant number of reads and writes, however long the line:
//! striped counters hand out arrival numbers (ADR 0009), and a token's position is its
//! place minus the number the admitter has reached. The admitter lets places in by the
//! *batch*: one write moves the serving number and opens the batch's check-in window,
//! whatever its size (ADR 0008). A fan whose place was let in checks in with their first
//! request (their token becomes ACTIVE); the batch's no-shows are settled in one write
//! when the window closes. The cap is a counter of *slots*: a place holds one from
//! admission until its no-show is settled, or, once checked in, until the admitter
//! releases it after the token expired, went idle or was used.
//!
//! The fan's side is `QueueService` (`join`, `check_in`, `status`); the admitter's is
//! `Admitter` (`admission`, `seal`); the arithmetic is pure, in `crate::rules::line`.

pub mod admission;
pub mod check_in;
pub mod join;

pub mod seal;
pub mod service;
pub mod status;
pub mod store;
pub mod token;

#[cfg(test)]
mod tests;
