//! A concert's sale: its window (pre-queue start, opening, closing), the operator's live
//! controls, and the phase they give at an instant. The phase is computed from stored
//! instants and the clock, never stored, so it changes at the exact instant with nothing
//! to run: SCHEDULED -> PRE_QUEUE -> ON_SALE -> CLOSED, or SOLD_OUT once every seat is
//! sold; PAUSED while an operator holds admission.

use std::time::Duration;

use crate::values::clock::Timestamp;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Scheduled,
    PreQueue,
    OnSale,
    Paused,
    SoldOut,
    Closed,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Scheduled => "SCHEDULED",
            Phase::PreQueue => "PRE_QUEUE",
            Phase::OnSale => "ON_SALE",
            Phase::Paused => "PAUSED",
            Phase::SoldOut => "SOLD_OUT",
            Phase::Closed => "CLOSED",
        }
    }

    /// Fans may take a place in line.
    pub fn accepts_joins(self) -> bool {
        matches!(self, Phase::PreQueue | Phase::OnSale | Phase::Paused)
    }

    /// The admitter lets fans in.
    pub fn admits(self) -> bool {
        self == Phase::OnSale
    }

    /// The pre-queue's order has been (or may now be) drawn.
    pub fn is_open(self) -> bool {
        matches!(self, Phase::OnSale | Phase::Paused | Phase::SoldOut)
    }
}

/// When the sale happens. `prequeue_at <= opens_at < closes_at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SaleWindow {
    /// Fans may join from here; everyone who joins before `opens_at` is placed by the draw.
    pub prequeue_at: Timestamp,
    pub opens_at: Timestamp,
    pub closes_at: Timestamp,
}

impl SaleWindow {
    pub fn is_ordered(&self) -> bool {
        self.prequeue_at <= self.opens_at && self.opens_at < self.closes_at
    }
}

/// What the operator controls while the sale runs; `None` takes the service's default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SaleControl {
    pub paused: bool,
    pub admit_per_tick: Option<u32>,
    pub active_cap: Option<u32>,
    /// The proof of work a join costs, in bits (`rules::join_work`); 0: none.
    pub join_work: u8,
}

impl SaleControl {
    /// The admission policy of this sale: the operator's numbers over the defaults.
    pub fn policy(&self, defaults: QueuePolicy) -> QueuePolicy {
        QueuePolicy {
            admit_per_tick: self.admit_per_tick.unwrap_or(defaults.admit_per_tick),
            active_cap: self.active_cap.unwrap_or(defaults.active_cap),
            ..defaults
        }
    }
}

/// The phase at `now`.
pub fn phase_at(window: &SaleWindow, control: &SaleControl, sold_out: bool, now: Timestamp) -> Phase {
    if now >= window.closes_at {
        Phase::Closed
    } else if sold_out {
        Phase::SoldOut
    } else if now < window.prequeue_at {
        Phase::Scheduled
    } else if now < window.opens_at {
        Phase::PreQueue
    } else if control.paused {
        Phase::Paused
    } else {
        Phase::OnSale
    }
}

/// The waiting room's knobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueuePolicy {
    /// Most tokens admitted per concert per tick.
    pub admit_per_tick: u32,
    /// Most ACTIVE tokens per concert at once.
    pub active_cap: u32,
    /// How long an admitted token stays ACTIVE.
    pub active_for: Duration,
    /// How long an admitted fan has to show up (their first request after admission)
    /// before their slot goes to the next fan.
    pub check_in_for: Duration,
    /// How long an ACTIVE fan may make no request before their slot goes to the next fan.
    pub idle_for: Duration,
    /// Time between admitter ticks (used for the wait estimate).
    pub tick_every: Duration,
}

#[cfg(test)]
mod tests;
