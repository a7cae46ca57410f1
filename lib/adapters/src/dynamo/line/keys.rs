//! The queue table's vocabulary: every key and attribute the line's items use, and the
//! items read back as the domain's types.

use std::time::Duration;

use aws_sdk_dynamodb::types::AttributeValue;

use crate::dynamo::{get_n, get_s, opt_n, Item};
use domain::error::{Error, Result};
use domain::line::token::{Token, TokenState};
use domain::rules::arrivals::{Arrivals, HoleRun};
use domain::rules::fair_start::Draw;
use domain::rules::line::{Batch, LineCounters, Spot};
use domain::values::clock::{Clock, SystemClock, Timestamp};
use domain::values::ids::{ConcertId, TokenId, UserId};

pub(crate) fn token_pk(id: TokenId) -> String {
    format!("TOKEN#{id}")
}

/// How long queue records are kept before TTL may remove them: far longer than any line.
pub(super) const KEEP: Duration = Duration::from_secs(7 * 24 * 3600);

pub(super) fn token_id_of_pk(pk: &str) -> Result<TokenId> {
    TokenId::parse(pk.strip_prefix("TOKEN#").unwrap_or(pk))
}

pub(super) fn line_pk(c: &ConcertId) -> String {
    format!("LINE#{c}")
}

/// One of the concert's pre-queue stripes: `PREQUEUE#<concert>#<stripe>`, its count in
/// `taken`, `sealed` once the seal froze it.
pub(super) fn prequeue_pk(c: &ConcertId, stripe: u32) -> String {
    format!("PREQUEUE#{c}#{stripe}")
}

/// One of the concert's arrival stripes: `ARRIVALS#<concert>#<stripe>`, its count in `taken`.
pub(super) fn arrivals_pk(c: &ConcertId, stripe: u32) -> String {
    format!("ARRIVALS#{c}#{stripe}")
}

/// One shard of a batch's check-in count: `BATCH#<concert>#<first place>#<shard>`. Created
/// by the first check-in that counts in it (or by the settlement); kept until settled.
pub(super) fn batch_pk(c: &ConcertId, from: u64, shard: u32) -> String {
    format!("BATCH#{c}#{from}#{shard}")
}

/// The line item's attribute noting a hole run not let in yet: `hole_<stripe>_<after>`,
/// its value the run's last rank.
pub(super) fn hole_attr(run: &HoleRun) -> String {
    format!("hole_{}_{}", run.stripe, run.after)
}

/// The line item's attribute naming an unsettled batch, by its first place.
pub(super) fn batch_attr(from: u64) -> String {
    format!("batch_{from}")
}

/// The line's totals noted in one minute (`<minute since the epoch>`), for the operator.
pub(super) fn minute_pk(c: &ConcertId, minute: i64) -> String {
    format!("MINUTE#{c}#{minute}")
}

pub(super) fn holder_pk(c: &ConcertId, u: UserId) -> String {
    format!("HOLDER#{c}#{u}")
}

pub(super) fn cleanup_at() -> String {
    SystemClock.now().plus(KEEP).epoch_seconds_ceil().to_string()
}

/// A token's spot as stored: the attribute name and its number.
pub(super) fn spot_attr(spot: Spot) -> (&'static str, u64) {
    match spot {
        Spot::Cohort(index) => ("cohortIndex", index),
        Spot::Arrival(seq) => ("seq", seq),
    }
}

pub(super) fn counters_of(item: Option<&Item>) -> Result<LineCounters> {
    let Some(item) = item else { return Ok(LineCounters::default()) };
    let draw = match opt_n::<u64>(item, "cohort")? {
        None => None,
        Some(cohort) => {
            let seed = Draw::parse_seed_hex(get_s(item, "seed")?)
                .ok_or_else(|| Error::Infrastructure("a sealed line has an unreadable seed".into()))?;
            Some(Draw { cohort, seed })
        }
    };
    let mut batches = Vec::new();
    for (name, value) in item {
        let (Some(from), AttributeValue::M(b)) = (name.strip_prefix("batch_"), value) else { continue };
        let from = from.parse().map_err(|_| Error::Infrastructure(format!("a line has a bad batch name {name}")))?;
        batches.push(Batch {
            from,
            through: get_n(b, "through")?,
            check_in_until: Timestamp::from_millis(get_n(b, "checkInUntil")?),
            active_until: Timestamp::from_millis(get_n(b, "activeUntil")?),
            shards: opt_n(b, "shards")?.unwrap_or(1),
            holes: opt_n(b, "holes")?.unwrap_or(0),
        });
    }
    batches.sort_by_key(|b| b.from);
    let mut holes = Vec::new();
    for (name, value) in item {
        let Some(run) = name.strip_prefix("hole_") else { continue };
        let bad = || Error::Infrastructure(format!("a line has a bad hole run {name}"));
        let (stripe, after) = run.split_once('_').ok_or_else(bad)?;
        let through = match value {
            AttributeValue::N(v) => v.parse().map_err(|_| bad())?,
            _ => return Err(bad()),
        };
        holes.push(HoleRun {
            stripe: stripe.parse().map_err(|_| bad())?,
            after: after.parse().map_err(|_| bad())?,
            through,
        });
    }
    let cohort_stripes = match item.get("cohortStripes") {
        Some(AttributeValue::L(counts)) => Arrivals::new(
            counts
                .iter()
                .map(|c| match c {
                    AttributeValue::N(v) => v.parse().map_err(|_| Error::Infrastructure("a bad cohort stripe".into())),
                    _ => Err(Error::Infrastructure("a bad cohort stripe".into())),
                })
                .collect::<Result<_>>()?,
        ),
        _ => Arrivals::default(),
    };
    Ok(LineCounters {
        prequeued: opt_n(item, "prequeued")?.unwrap_or(0),
        draw,
        cohort_stripes,
        issued: opt_n(item, "issued")?.unwrap_or(0),
        admitted_through: opt_n(item, "admittedThrough")?.unwrap_or(0),
        active: opt_n(item, "active")?.unwrap_or(0),
        admitted_fans: opt_n(item, "admittedFans")?.unwrap_or(0),
        holes_taken: opt_n(item, "holesTaken")?.unwrap_or(0),
        batches,
        holes,
    })
}

pub(super) fn token_of(item: &Item) -> Result<Token> {
    let id = TokenId::parse(get_s(item, "tokenId")?)?;
    let state = match get_s(item, "status")? {
        "WAITING" => TokenState::Waiting,
        "ACTIVE" => TokenState::Active {
            until: Timestamp::from_millis(get_n(item, "activeUntil")?),
            // Released (or used up): no slot, so no longer ACTIVE.
            slot_until: Timestamp::from_millis(opt_n(item, "slotUntil")?.unwrap_or(0)),
        },
        _ => TokenState::Expired,
    };
    let spot = match opt_n(item, "cohortIndex")? {
        Some(index) => Spot::Cohort(index),
        None => Spot::Arrival(get_n(item, "seq")?),
    };
    Ok(Token {
        id,
        user: UserId::parse(get_s(item, "userId")?)?,
        concert: ConcertId::parse(get_s(item, "concertId")?)?,
        spot,
        state,
    })
}
