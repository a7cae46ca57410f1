//! The live numbers of a sale, as the operator's console shows them.

use crate::booking::store::RefundTotals;
use crate::catalog::concert::Concert;
use crate::catalog::spec::PriceTier;
use crate::rules::line::LineTotals;
use crate::rules::sale::Phase;
use crate::rules::sale::QueuePolicy;
use crate::values::clock::Timestamp;
use crate::values::ids::ConcertDate;
use crate::values::money::Won;

/// Seats of one date as the operator watches them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateNumbers {
    pub date: ConcertDate,
    pub total: u32,
    pub available: u32,
    pub held: u32,
    pub sold: u32,
    pub revenue: Won,
}

/// The live numbers of a sale, each read in O(1) (the line's counters, one bounded query
/// of the concert's own seats): never a scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaleNumbers {
    pub concert: Concert,
    pub phase: Phase,
    /// Fans who joined during the pre-queue (the opening's cohort once sealed).
    pub prequeued: u64,
    pub cohort: Option<u64>,
    /// Places handed out that the admitter has not reached yet.
    pub waiting: u64,
    /// Places the admitter has passed (admitted, or skipped as void).
    pub admitted: u64,
    pub active: u32,
    pub policy: QueuePolicy,
    pub dates: Vec<DateNumbers>,
    /// Fans who joined and places the admitter passed, in each of the last minutes noted.
    pub per_minute: Vec<MinuteNumbers>,
    pub refunds: RefundTotals,
    /// What the sale has earned: the seats sold now plus the fees kept on refunds.
    pub net_revenue: Won,
    /// The price tiers the seats carry (so that an edit can start from them).
    pub tiers: Vec<PriceTier>,
    /// Tickets let in at the doors, per gate (name, count), by name.
    pub check_ins: Vec<(String, u64)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MinuteNumbers {
    /// The minute's start.
    pub minute: Timestamp,
    pub joined: u64,
    pub admitted: u64,
}

/// Per-minute numbers from the running totals noted at the end of each minute.
pub fn per_minute(totals: &[(i64, LineTotals)]) -> Vec<MinuteNumbers> {
    totals
        .windows(2)
        .map(|w| MinuteNumbers {
            minute: Timestamp::from_millis(w[1].0.saturating_mul(60_000)),
            joined: w[1].1.joined.saturating_sub(w[0].1.joined),
            admitted: w[1].1.admitted.saturating_sub(w[0].1.admitted),
        })
        .collect()
}
