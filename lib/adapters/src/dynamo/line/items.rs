//! The line's items read back as the domain's types.

use aws_sdk_dynamodb::types::AttributeValue;

use crate::dynamo::schema::attr::*;
use crate::dynamo::schema::queue::{status, BATCH_PREFIX, HOLE_PREFIX};
use crate::dynamo::{get_n, get_s, opt_n, Item};
use domain::error::{Error, Result};
use domain::line::token::{Token, TokenState};
use domain::rules::arrivals::{Arrivals, HoleRun};
use domain::rules::fair_start::Draw;
use domain::rules::line::{Batch, LineCounters, Spot};
use domain::values::clock::Timestamp;
use domain::values::ids::{ConcertId, TokenId, UserId};

pub(super) fn counters_of(item: Option<&Item>) -> Result<LineCounters> {
    let Some(item) = item else { return Ok(LineCounters::default()) };
    let draw = match opt_n::<u64>(item, COHORT)? {
        None => None,
        Some(cohort) => {
            let seed = Draw::parse_seed_hex(get_s(item, SEED)?)
                .ok_or_else(|| Error::Infrastructure("a sealed line has an unreadable seed".into()))?;
            Some(Draw { cohort, seed })
        }
    };
    let mut batches = Vec::new();
    for (name, value) in item {
        let (Some(from), AttributeValue::M(b)) = (name.strip_prefix(BATCH_PREFIX), value) else { continue };
        let from = from.parse().map_err(|_| Error::Infrastructure(format!("a line has a bad batch name {name}")))?;
        batches.push(Batch {
            from,
            through: get_n(b, THROUGH)?,
            check_in_until: Timestamp::from_millis(get_n(b, CHECK_IN_UNTIL)?),
            active_until: Timestamp::from_millis(get_n(b, ACTIVE_UNTIL)?),
            shards: opt_n(b, SHARDS)?.unwrap_or(1),
            holes: opt_n(b, HOLES)?.unwrap_or(0),
        });
    }
    batches.sort_by_key(|b| b.from);
    let mut holes = Vec::new();
    for (name, value) in item {
        let Some(run) = name.strip_prefix(HOLE_PREFIX) else { continue };
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
    let cohort_stripes = match item.get(COHORT_STRIPES) {
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
    let committed_seed = match item.get(COMMITTED_SEED) {
        Some(AttributeValue::S(hex)) => Some(
            Draw::parse_seed_hex(hex)
                .ok_or_else(|| Error::Infrastructure("a line has an unreadable committed seed".into()))?,
        ),
        _ => None,
    };
    Ok(LineCounters {
        prequeued: opt_n(item, PREQUEUED)?.unwrap_or(0),
        draw,
        committed_seed,
        cohort_stripes,
        issued: opt_n(item, ISSUED)?.unwrap_or(0),
        admitted_through: opt_n(item, ADMITTED_THROUGH)?.unwrap_or(0),
        active: opt_n(item, ACTIVE)?.unwrap_or(0),
        admitted_fans: opt_n(item, ADMITTED_FANS)?.unwrap_or(0),
        holes_taken: opt_n(item, HOLES_TAKEN)?.unwrap_or(0),
        batches,
        holes,
    })
}

pub(super) fn token_of(item: &Item) -> Result<Token> {
    let id = TokenId::parse(get_s(item, TOKEN_ID)?)?;
    let state = match get_s(item, STATUS)? {
        status::WAITING => TokenState::Waiting,
        status::ACTIVE => TokenState::Active {
            until: Timestamp::from_millis(get_n(item, ACTIVE_UNTIL)?),
            // Released (or used up): no slot, so no longer ACTIVE.
            slot_until: Timestamp::from_millis(opt_n(item, SLOT_UNTIL)?.unwrap_or(0)),
        },
        _ => TokenState::Expired,
    };
    let spot = match opt_n(item, COHORT_INDEX)? {
        Some(index) => Spot::Cohort(index),
        None => Spot::Arrival(get_n(item, SEQ)?),
    };
    Ok(Token {
        id,
        user: UserId::parse(get_s(item, USER_ID)?)?,
        concert: ConcertId::parse(get_s(item, CONCERT_ID)?)?,
        spot,
        state,
    })
}
