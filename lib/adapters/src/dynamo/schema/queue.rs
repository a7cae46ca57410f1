//! The queue table (`pk`): `LINE#<concert>` the line's counters (with one `batch_<from>` map
//! per unsettled batch and one `hole_<stripe>_<after>` per hole run not let in yet),
//! `ARRIVALS#<concert>#<stripe>` and `PREQUEUE#<concert>#<stripe>` the stripes' counts,
//! `BATCH#<concert>#<from>#<shard>` a batch's check-ins, `HOLDER#<concert>#<user>` the
//! user's live token, `TOKEN#<id>` tokens, `MINUTE#<concert>#<minute>` the operator's
//! totals. The sparse index `BySlot` (concertId, slotUntil) holds checked-in tokens with a
//! slot.

use std::time::Duration;

use super::attr::{COHORT_INDEX, SEQ};
use domain::error::Result;
use domain::rules::arrivals::HoleRun;
use domain::rules::line::Spot;
use domain::values::clock::{Clock, SystemClock};
use domain::values::ids::{ConcertId, TokenId, UserId};

/// A token's stored status.
pub mod status {
    pub const WAITING: &str = "WAITING";
    pub const ACTIVE: &str = "ACTIVE";
    pub const EXPIRED: &str = "EXPIRED";
}

/// The index of tokens holding a slot, by concert and slot end.
pub const BY_SLOT: &str = "BySlot";
pub const TOKEN_PREFIX: &str = "TOKEN#";
/// The line item's attributes of unsettled batches and of hole runs start so.
pub const BATCH_PREFIX: &str = "batch_";
pub const HOLE_PREFIX: &str = "hole_";

pub fn token_pk(id: TokenId) -> String {
    format!("{TOKEN_PREFIX}{id}")
}

/// How long queue records are kept before TTL may remove them: far longer than any line.
pub const KEEP: Duration = Duration::from_secs(7 * 24 * 3600);

pub fn token_id_of_pk(pk: &str) -> Result<TokenId> {
    TokenId::parse(pk.strip_prefix(TOKEN_PREFIX).unwrap_or(pk))
}

pub fn line_pk(c: &ConcertId) -> String {
    format!("LINE#{c}")
}

/// One of the concert's pre-queue stripes: `PREQUEUE#<concert>#<stripe>`, its count in
/// `taken`, `sealed` once the seal froze it.
pub fn prequeue_pk(c: &ConcertId, stripe: u32) -> String {
    format!("PREQUEUE#{c}#{stripe}")
}

/// One of the concert's arrival stripes: `ARRIVALS#<concert>#<stripe>`, its count in `taken`.
pub fn arrivals_pk(c: &ConcertId, stripe: u32) -> String {
    format!("ARRIVALS#{c}#{stripe}")
}

/// One shard of a batch's check-in count: `BATCH#<concert>#<first place>#<shard>`. Created
/// by the first check-in that counts in it (or by the settlement); kept until settled.
pub fn batch_pk(c: &ConcertId, from: u64, shard: u32) -> String {
    format!("BATCH#{c}#{from}#{shard}")
}

/// The line item's attribute noting a hole run not let in yet: `hole_<stripe>_<after>`,
/// its value the run's last rank.
pub fn hole_attr(run: &HoleRun) -> String {
    format!("{HOLE_PREFIX}{}_{}", run.stripe, run.after)
}

/// The line item's attribute naming an unsettled batch, by its first place.
pub fn batch_attr(from: u64) -> String {
    format!("{BATCH_PREFIX}{from}")
}

/// The line's totals noted in one minute (`<minute since the epoch>`), for the operator.
pub fn minute_pk(c: &ConcertId, minute: i64) -> String {
    format!("MINUTE#{c}#{minute}")
}

pub fn holder_pk(c: &ConcertId, u: UserId) -> String {
    format!("HOLDER#{c}#{u}")
}

pub fn cleanup_at() -> String {
    SystemClock.now().plus(KEEP).epoch_seconds_ceil().to_string()
}

/// A token's spot as stored: the attribute name and its number.
pub fn spot_attr(spot: Spot) -> (&'static str, u64) {
    match spot {
        Spot::Cohort(index) => (COHORT_INDEX, index),
        Spot::Arrival(seq) => (SEQ, seq),
    }
}
