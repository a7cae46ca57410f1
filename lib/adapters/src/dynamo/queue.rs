//! The waiting room in the queue table. Keys (single `pk`):
//! `LINE#<concert>` counters (with one `batch_<from>` map per unsettled batch),
//! `ARRIVALS#<concert>#<stripe>` one arrival stripe's count (`taken`),
//! `PREQUEUE#<concert>#<stripe>` one pre-queue stripe's count (`taken`, `sealed` once frozen),
//! `BATCH#<concert>#<from>#<shard>` a batch's check-ins, `HOLDER#<concert>#<user>` the user's live
//! token, `TOKEN#<id>` tokens, `MINUTE#<concert>#<minute>` the operator's totals. GSI
//! `BySlot` (concertId, slotUntil) is sparse: only checked-in tokens holding a slot are in it.

use std::time::Duration;

use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, ConditionCheck, Put, ReturnValue, TransactWriteItem, Update};

use super::{applied, batch_get, condition_failed, get_n, get_s, infra, key, n, opt_n, s, sdk, transact, Item, Tables};
use domain::arrivals::{self, Arrivals, HoleRun, STRIPES};
use domain::clock::{Clock, SystemClock, Timestamp};
use domain::error::{Error, Result};
use domain::fair_start::Draw;
use domain::ids::{ConcertId, TokenId, UserId};
use domain::queue::{
    AdmissionPlan, Batch, CreateOutcome, LineCounters, LineTotals, QueueStore, SlotLease, Spot, Token, TokenState,
};

/// How long queue records are kept before TTL may remove them: far longer than any line.
const KEEP: Duration = Duration::from_secs(7 * 24 * 3600);

pub struct DynamoQueue {
    t: Tables,
}

impl DynamoQueue {
    pub fn new(t: Tables) -> Self {
        Self { t }
    }

    /// Every stripe's count of a family (`pk` of stripe `i`): one consistent BatchGetItem.
    async fn stripes(&self, pk: impl Fn(u32) -> String) -> Result<Arrivals> {
        Ok(Arrivals::new(self.stripe_items(pk).await?.into_iter().map(|(count, _)| count).collect()))
    }

    /// Every stripe's count and whether it is sealed, stripe by stripe.
    async fn stripe_items(&self, pk: impl Fn(u32) -> String) -> Result<Vec<(u64, bool)>> {
        let keys: Vec<Item> = (0..STRIPES).map(|i| key(pk(i))).collect();
        let wanted: HashMap<String, usize> = (0..STRIPES).map(|i| (pk(i), i as usize)).collect();
        let items = batch_get(&self.t.client, self.table(), keys).await?;
        let mut stripes = vec![(0, false); STRIPES as usize];
        for item in &items {
            let pk = get_s(item, "pk")?;
            let Some(stripe) = wanted.get(pk) else {
                return Err(Error::Infrastructure(format!("a stripe with an unexpected key {pk}")));
            };
            stripes[*stripe] = (opt_n(item, "taken")?.unwrap_or(0), item.contains_key("sealed"));
        }
        Ok(stripes)
    }

    /// `ADD taken :ranks` on a stripe (if `condition` holds): the stripe's new count, or
    /// None when the condition refused it. The ranks `new - ranks + 1 ..= new` are the caller's.
    async fn add_taken(&self, pk: String, ranks: u64, condition: Option<&str>) -> Result<Option<u64>> {
        let out = self
            .t
            .client
            .update_item()
            .table_name(self.table())
            .set_key(Some(key(pk)))
            .update_expression("ADD taken :ranks")
            .set_condition_expression(condition.map(str::to_owned))
            .expression_attribute_values(":ranks", n(ranks))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await;
        match out {
            Ok(o) => Ok(Some(get_n(&o.attributes().cloned().unwrap_or_default(), "taken")?)),
            Err(e) if condition_failed(&e) => Ok(None),
            Err(e) => Err(sdk(e)),
        }
    }

    /// `SET <attribute> = :n` on the line, unless it already notes as many.
    async fn note_at_least(&self, concert: &ConcertId, attribute: &str, value: u64) -> Result<()> {
        let out = self
            .t
            .client
            .update_item()
            .table_name(self.table())
            .set_key(Some(key(line_pk(concert))))
            .update_expression("SET #a = :n")
            .condition_expression("attribute_not_exists(#a) OR #a < :n")
            .expression_attribute_names("#a", attribute)
            .expression_attribute_values(":n", n(value))
            .send()
            .await;
        // Refused: a larger number is noted already.
        applied(out).map(|_| ())
    }

    fn table(&self) -> &str {
        &self.t.names.queue_table
    }
}

pub(crate) fn token_pk(id: TokenId) -> String {
    format!("TOKEN#{id}")
}

fn token_id_of_pk(pk: &str) -> Result<TokenId> {
    TokenId::parse(pk.strip_prefix("TOKEN#").unwrap_or(pk))
}

fn line_pk(c: &ConcertId) -> String {
    format!("LINE#{c}")
}

/// One of the concert's pre-queue stripes: `PREQUEUE#<concert>#<stripe>`, its count in
/// `taken`, `sealed` once the seal froze it.
fn prequeue_pk(c: &ConcertId, stripe: u32) -> String {
    format!("PREQUEUE#{c}#{stripe}")
}

/// One of the concert's arrival stripes: `ARRIVALS#<concert>#<stripe>`, its count in `taken`.
fn arrivals_pk(c: &ConcertId, stripe: u32) -> String {
    format!("ARRIVALS#{c}#{stripe}")
}

/// One shard of a batch's check-in count: `BATCH#<concert>#<first place>#<shard>`. Created
/// by the first check-in that counts in it (or by the settlement); kept until settled.
fn batch_pk(c: &ConcertId, from: u64, shard: u32) -> String {
    format!("BATCH#{c}#{from}#{shard}")
}

/// The line item's attribute noting a hole run not let in yet: `hole_<stripe>_<after>`,
/// its value the run's last rank.
fn hole_attr(run: &HoleRun) -> String {
    format!("hole_{}_{}", run.stripe, run.after)
}

/// The line item's attribute naming an unsettled batch, by its first place.
fn batch_attr(from: u64) -> String {
    format!("batch_{from}")
}

/// The line's totals noted in one minute (`<minute since the epoch>`), for the operator.
fn minute_pk(c: &ConcertId, minute: i64) -> String {
    format!("MINUTE#{c}#{minute}")
}

fn holder_pk(c: &ConcertId, u: UserId) -> String {
    format!("HOLDER#{c}#{u}")
}

fn cleanup_at() -> String {
    SystemClock.now().plus(KEEP).epoch_seconds_ceil().to_string()
}

/// A token's spot as stored: the attribute name and its number.
fn spot_attr(spot: Spot) -> (&'static str, u64) {
    match spot {
        Spot::Cohort(index) => ("cohortIndex", index),
        Spot::Arrival(seq) => ("seq", seq),
    }
}

fn counters_of(item: Option<&Item>) -> Result<LineCounters> {
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

fn token_of(item: &Item) -> Result<Token> {
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

#[async_trait]
impl QueueStore for DynamoQueue {
    async fn holder_token(&self, concert: &ConcertId, user: UserId) -> Result<Option<Token>> {
        let holder = self
            .t
            .client
            .get_item()
            .table_name(self.table())
            .set_key(Some(key(holder_pk(concert, user))))
            .consistent_read(true)
            .send()
            .await
            .map_err(sdk)?;
        let Some(item) = holder.item() else { return Ok(None) };
        self.token(TokenId::parse(get_s(item, "tokenId")?)?).await
    }

    async fn next_prequeue_index(&self, concert: &ConcertId) -> Result<Option<u64>> {
        let stripe = arrivals::any_stripe();
        let taken = self.add_taken(prequeue_pk(concert, stripe), 1, Some("attribute_not_exists(sealed)")).await?;
        Ok(taken.map(|rank| arrivals::number(stripe, rank) - 1))
    }

    async fn prequeue(&self, concert: &ConcertId) -> Result<Arrivals> {
        self.stripes(|i| prequeue_pk(concert, i)).await
    }

    async fn freeze_prequeue(&self, concert: &ConcertId) -> Result<Arrivals> {
        // Read first: every caller racing to seal at the opening after the first one finds
        // the stripes frozen, final, and writes nothing.
        let read = self.stripe_items(|i| prequeue_pk(concert, i)).await?;
        let frozen = futures::future::try_join_all(read.into_iter().zip(0..STRIPES).map(
            |((count, sealed), stripe)| async move {
                if sealed {
                    return Ok(count);
                }
                let out = self
                    .t
                    .client
                    .update_item()
                    .table_name(self.table())
                    .set_key(Some(key(prequeue_pk(concert, stripe))))
                    .update_expression("SET sealed = :yes")
                    .expression_attribute_values(":yes", AttributeValue::Bool(true))
                    .return_values(ReturnValue::AllNew)
                    .send()
                    .await
                    .map_err(sdk)?;
                opt_n(&out.attributes().cloned().unwrap_or_default(), "taken").map(|t| t.unwrap_or(0))
            },
        ))
        .await?;
        Ok(Arrivals::new(frozen))
    }

    async fn note_prequeued(&self, concert: &ConcertId, prequeued: u64) -> Result<()> {
        self.note_at_least(concert, "prequeued", prequeued).await
    }

    async fn next_arrival(&self, concert: &ConcertId) -> Result<u64> {
        let stripe = arrivals::any_stripe();
        let rank = self.add_taken(arrivals_pk(concert, stripe), 1, None).await?;
        rank.map(|rank| arrivals::number(stripe, rank))
            .ok_or_else(|| Error::Infrastructure("an unconditional ADD refused".into()))
    }

    async fn arrivals(&self, concert: &ConcertId) -> Result<Arrivals> {
        self.stripes(|i| arrivals_pk(concert, i)).await
    }

    async fn note_issued(&self, concert: &ConcertId, issued: u64) -> Result<()> {
        self.note_at_least(concert, "issued", issued).await
    }

    async fn claim_tick(&self, concert: &ConcertId, ticker: &str, now: Timestamp, until: Timestamp) -> Result<bool> {
        let out = self
            .t
            .client
            .update_item()
            .table_name(self.table())
            .set_key(Some(key(line_pk(concert))))
            .update_expression("SET ticker = :me, tickingUntil = :until")
            .condition_expression("attribute_not_exists(ticker) OR ticker = :me OR tickingUntil <= :now")
            .expression_attribute_values(":me", s(ticker))
            .expression_attribute_values(":until", n(until.millis()))
            .expression_attribute_values(":now", n(now.millis()))
            .send()
            .await;
        applied(out)
    }

    async fn end_tick(&self, concert: &ConcertId, ticker: &str) -> Result<()> {
        let out = self
            .t
            .client
            .update_item()
            .table_name(self.table())
            .set_key(Some(key(line_pk(concert))))
            .update_expression("REMOVE ticker, tickingUntil")
            .condition_expression("ticker = :me")
            .expression_attribute_values(":me", s(ticker))
            .send()
            .await;
        // Refused: the lease lapsed and another admitter holds it now, or this release
        // applied already (its answer lost).
        applied(out).map(|_| ())
    }

    async fn claim_seal(&self, concert: &ConcertId, sealer: &str, now: Timestamp, until: Timestamp) -> Result<bool> {
        let out = self
            .t
            .client
            .update_item()
            .table_name(self.table())
            .set_key(Some(key(line_pk(concert))))
            .update_expression("SET sealer = :me, sealingUntil = :until")
            .condition_expression(
                "attribute_not_exists(cohort) AND (attribute_not_exists(sealer) OR sealer = :me OR sealingUntil <= :now)",
            )
            .expression_attribute_values(":me", s(sealer))
            .expression_attribute_values(":until", n(until.millis()))
            .expression_attribute_values(":now", n(now.millis()))
            .send()
            .await;
        applied(out)
    }

    async fn seal(&self, concert: &ConcertId, draw: &Draw, cohort: &Arrivals) -> Result<bool> {
        let stripes = cohort.counts().iter().map(|c| n(*c)).collect();
        let out = self
            .t
            .client
            .update_item()
            .table_name(self.table())
            .set_key(Some(key(line_pk(concert))))
            .update_expression("SET cohort = :n, seed = :seed, issued = :n, prequeued = :n, cohortStripes = :stripes")
            .condition_expression("attribute_not_exists(cohort)")
            .expression_attribute_values(":n", n(draw.cohort))
            .expression_attribute_values(":seed", s(draw.seed_hex()))
            .expression_attribute_values(":stripes", AttributeValue::L(stripes))
            .send()
            .await;
        applied(out)
    }

    async fn counters(&self, concert: &ConcertId) -> Result<LineCounters> {
        let out = self
            .t
            .client
            .get_item()
            .table_name(self.table())
            .set_key(Some(key(line_pk(concert))))
            .consistent_read(true)
            .send()
            .await
            .map_err(sdk)?;
        counters_of(out.item())
    }

    async fn create_token(&self, token: &Token, replaces: Option<&Token>) -> Result<CreateOutcome> {
        let ttl = cleanup_at();
        let token_item = Put::builder()
            .table_name(self.table())
            .item("pk", s(token_pk(token.id)))
            .item("tokenId", s(token.id.to_string()))
            .item("userId", s(token.user.to_string()))
            .item("concertId", s(token.concert.as_str()))
            .item(spot_attr(token.spot).0, n(spot_attr(token.spot).1))
            .item("status", s("WAITING"))
            .item("expiresAt", n(&ttl))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .map_err(infra)?;
        let holder = Put::builder()
            .table_name(self.table())
            .item("pk", s(holder_pk(&token.concert, token.user)))
            .item("tokenId", s(token.id.to_string()))
            .item("expiresAt", n(&ttl));
        let holder = match replaces {
            None => holder.condition_expression("attribute_not_exists(pk)"),
            Some(old) => {
                holder.condition_expression("tokenId = :old").expression_attribute_values(":old", s(old.id.to_string()))
            }
        }
        .build()
        .map_err(infra)?;
        let mut items = vec![
            TransactWriteItem::builder().put(token_item).build(),
            TransactWriteItem::builder().put(holder).build(),
        ];
        // A WAITING token replaced because it missed its check-in must not have checked in meanwhile.
        if let Some(old) = replaces.filter(|old| old.state == TokenState::Waiting) {
            let still_waiting = ConditionCheck::builder()
                .table_name(self.table())
                .set_key(Some(key(token_pk(old.id))))
                .condition_expression("#status = :waiting")
                .expression_attribute_names("#status", "status")
                .expression_attribute_values(":waiting", s("WAITING"))
                .build()
                .map_err(infra)?;
            items.push(TransactWriteItem::builder().condition_check(still_waiting).build());
        }
        Ok(match transact(&self.t.client, items).await {
            Ok(Ok(())) => CreateOutcome::Created,
            Ok(Err(_)) => CreateOutcome::HolderTaken,
            Err(e) => return Err(e),
        })
    }

    async fn token(&self, id: TokenId) -> Result<Option<Token>> {
        let out = self
            .t
            .client
            .get_item()
            .table_name(self.table())
            .set_key(Some(key(token_pk(id))))
            .consistent_read(true)
            .send()
            .await
            .map_err(sdk)?;
        out.item().map(token_of).transpose()
    }

    async fn record_minute(&self, concert: &ConcertId, minute: i64, totals: LineTotals) -> Result<()> {
        let out = self
            .t
            .client
            .update_item()
            .table_name(self.table())
            .set_key(Some(key(minute_pk(concert, minute))))
            .update_expression("SET joinedBy = :j, admittedBy = :a, expiresAt = :ttl")
            .condition_expression("attribute_not_exists(joinedBy) OR joinedBy <= :j")
            .expression_attribute_values(":j", n(totals.joined))
            .expression_attribute_values(":a", n(totals.admitted))
            .expression_attribute_values(":ttl", n(cleanup_at()))
            .send()
            .await;
        match out {
            Ok(_) => Ok(()),
            Err(e) if condition_failed(&e) => Ok(()),
            Err(e) => Err(sdk(e)),
        }
    }

    async fn minutes(&self, concert: &ConcertId, from: i64, to: i64) -> Result<Vec<(i64, LineTotals)>> {
        let wanted: Vec<i64> = (from..=to).take(60).collect();
        let keys = wanted.iter().map(|m| key(minute_pk(concert, *m))).collect();
        let items = batch_get(&self.t.client, self.table(), keys).await?;
        let mut out = Vec::new();
        for m in wanted {
            if let Some(item) = items.iter().find(|i| get_s(i, "pk").is_ok_and(|pk| pk == minute_pk(concert, m))) {
                out.push((m, LineTotals { joined: get_n(item, "joinedBy")?, admitted: get_n(item, "admittedBy")? }));
            }
        }
        Ok(out)
    }

    async fn ended_slots(&self, concert: &ConcertId, now: Timestamp, limit: usize) -> Result<Vec<SlotLease>> {
        // The index is eventually consistent: a slot seen late is released a tick late,
        // which only ever keeps the count of active users on the safe side.
        let out = self
            .t
            .client
            .query()
            .table_name(self.table())
            .index_name("BySlot")
            .key_condition_expression("concertId = :c AND slotUntil <= :now")
            .expression_attribute_values(":c", s(concert.as_str()))
            .expression_attribute_values(":now", n(now.millis()))
            .limit(i32::try_from(limit).unwrap_or(i32::MAX))
            .send()
            .await
            .map_err(sdk)?;
        out.items()
            .iter()
            .map(|item| {
                Ok(SlotLease {
                    token: token_id_of_pk(get_s(item, "pk")?)?,
                    until: Timestamp::from_millis(get_n(item, "slotUntil")?),
                })
            })
            .collect()
    }

    async fn release_slots(&self, concert: &ConcertId, leases: &[SlotLease]) -> Result<bool> {
        let mut items = Vec::with_capacity(leases.len() + 1);
        for lease in leases {
            let update = Update::builder()
                .table_name(self.table())
                .set_key(Some(key(token_pk(lease.token))))
                .update_expression("REMOVE slotUntil")
                .condition_expression("slotUntil = :until")
                .expression_attribute_values(":until", n(lease.until.millis()))
                .build()
                .map_err(infra)?;
            items.push(TransactWriteItem::builder().update(update).build());
        }
        let counter = Update::builder()
            .table_name(self.table())
            .set_key(Some(key(line_pk(concert))))
            .update_expression("SET active = active - :k")
            .condition_expression("active >= :k")
            .expression_attribute_values(":k", n(leases.len()))
            .build()
            .map_err(infra)?;
        items.push(TransactWriteItem::builder().update(counter).build());
        match transact(&self.t.client, items).await {
            Ok(outcome) => Ok(outcome.is_ok()),
            Err(Error::Contention) => Ok(false),
            Err(e) => Err(e),
        }
    }

    async fn admit(&self, plan: &AdmissionPlan) -> Result<bool> {
        let b = plan.batch;
        let Some(cap_before) = u64::from(plan.cap).checked_sub(b.slots()) else { return Ok(false) };
        let old = b.from - 1;
        let mut names = HashMap::from([("#b".to_owned(), batch_attr(b.from))]);
        let mut update = "SET admittedThrough = :through, #b = :batch, \
                          active = if_not_exists(active, :zero) + :k, \
                          admittedFans = if_not_exists(admittedFans, :zero) + :k"
            .to_owned();
        // The hole runs let in entirely are forgotten with it.
        for (i, run) in plan.passed.iter().enumerate() {
            update.push_str(if i == 0 { " REMOVE " } else { ", " });
            update.push_str(&format!("#h{i}"));
            names.insert(format!("#h{i}"), hole_attr(run));
        }
        let out = self
            .t
            .client
            .update_item()
            .table_name(self.table())
            .set_key(Some(key(line_pk(&plan.concert))))
            .update_expression(update)
            .condition_expression(if old == 0 {
                "(attribute_not_exists(admittedThrough) OR admittedThrough = :old) \
                 AND (attribute_not_exists(active) OR active <= :capBefore)"
            } else {
                "admittedThrough = :old AND (attribute_not_exists(active) OR active <= :capBefore)"
            })
            .set_expression_attribute_names(Some(names))
            .expression_attribute_values(":through", n(b.through))
            .expression_attribute_values(":old", n(old))
            .expression_attribute_values(":k", n(b.slots()))
            .expression_attribute_values(":zero", n(0))
            .expression_attribute_values(":capBefore", n(cap_before))
            .expression_attribute_values(
                ":batch",
                AttributeValue::M(HashMap::from([
                    ("through".to_owned(), n(b.through)),
                    ("checkInUntil".to_owned(), n(b.check_in_until.millis())),
                    ("activeUntil".to_owned(), n(b.active_until.millis())),
                    ("shards".to_owned(), n(b.shards)),
                    ("holes".to_owned(), n(b.holes)),
                ])),
            )
            .send()
            .await;
        match applied(out) {
            Err(Error::Contention) => Ok(false),
            other => other,
        }
    }

    async fn fill(&self, concert: &ConcertId, stripe: u32, ranks: u64) -> Result<HoleRun> {
        let taken = self.add_taken(arrivals_pk(concert, stripe), ranks, None).await?;
        let taken = taken.ok_or_else(|| Error::Infrastructure("an unconditional ADD refused".into()))?;
        Ok(HoleRun { stripe, after: taken.saturating_sub(ranks), through: taken })
    }

    async fn note_holes(&self, concert: &ConcertId, runs: &[HoleRun]) -> Result<()> {
        if runs.is_empty() {
            return Ok(());
        }
        let mut update = String::from("ADD holesTaken :taken SET ");
        let mut names = HashMap::new();
        let taken: u64 = runs.iter().map(|r| r.through - r.after).sum();
        let mut values = HashMap::from([(":taken".to_owned(), n(taken))]);
        for (i, run) in runs.iter().enumerate() {
            if i > 0 {
                update.push_str(", ");
            }
            update.push_str(&format!("#h{i} = :h{i}"));
            names.insert(format!("#h{i}"), hole_attr(run));
            values.insert(format!(":h{i}"), n(run.through));
        }
        // Each run's name is unique (its stripe and first rank): a repeat of a note that
        // applied (its answer lost) finds its first run there and adds nothing twice.
        let out = self
            .t
            .client
            .update_item()
            .table_name(self.table())
            .set_key(Some(key(line_pk(concert))))
            .update_expression(update)
            .condition_expression("attribute_not_exists(#h0)")
            .set_expression_attribute_names(Some(names))
            .set_expression_attribute_values(Some(values))
            .send()
            .await;
        applied(out).map(|_| ())
    }

    async fn check_in(&self, token: &Token, batch: &Batch, slot_until: Timestamp) -> Result<bool> {
        let ttl = batch.active_until.plus(KEEP).epoch_seconds_ceil();
        let token_item = Update::builder()
            .table_name(self.table())
            .set_key(Some(key(token_pk(token.id))))
            .update_expression("SET #status = :active, activeUntil = :until, slotUntil = :slot, expiresAt = :ttl")
            .condition_expression("#status = :waiting")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":active", s("ACTIVE"))
            .expression_attribute_values(":waiting", s("WAITING"))
            .expression_attribute_values(":until", n(batch.active_until.millis()))
            .expression_attribute_values(":slot", n(slot_until.millis()))
            .expression_attribute_values(":ttl", n(ttl))
            .build()
            .map_err(infra)?;
        let count = Update::builder()
            .table_name(self.table())
            .set_key(Some(key(batch_pk(&token.concert, batch.from, batch.shard_of(token.id)))))
            .update_expression("ADD checkedIn :one")
            .condition_expression("attribute_not_exists(settled)")
            .expression_attribute_values(":one", n(1))
            .build()
            .map_err(infra)?;
        // The user's current token: a re-join that replaced this one wins.
        let holder = ConditionCheck::builder()
            .table_name(self.table())
            .set_key(Some(key(holder_pk(&token.concert, token.user))))
            .condition_expression("tokenId = :me")
            .expression_attribute_values(":me", s(token.id.to_string()))
            .build()
            .map_err(infra)?;
        let items = vec![
            TransactWriteItem::builder().update(token_item).build(),
            TransactWriteItem::builder().update(count).build(),
            TransactWriteItem::builder().condition_check(holder).build(),
        ];
        Ok(transact(&self.t.client, items).await?.is_ok())
    }

    async fn checked_in(&self, concert: &ConcertId, batch: &Batch) -> Result<Vec<u64>> {
        let keys = (0..batch.shards).map(|i| key(batch_pk(concert, batch.from, i))).collect();
        let items = batch_get(&self.t.client, self.table(), keys).await?;
        (0..batch.shards)
            .map(|i| {
                let pk = batch_pk(concert, batch.from, i);
                match items.iter().find(|item| get_s(item, "pk").is_ok_and(|p| p == pk)) {
                    Some(item) => Ok(opt_n(item, "checkedIn")?.unwrap_or(0)),
                    None => Ok(0),
                }
            })
            .collect()
    }

    async fn settle(&self, concert: &ConcertId, batch: &Batch, checked_in: &[u64]) -> Result<bool> {
        let no_shows = batch.no_shows(checked_in.iter().sum());
        let mut items = Vec::with_capacity(checked_in.len() + 1);
        for (shard, count) in (0..batch.shards).zip(checked_in) {
            // Each shard exactly as read (absent: nobody counted there), and settled from now on.
            let counted = if *count == 0 { "attribute_not_exists(checkedIn)" } else { "checkedIn = :c" };
            let mut update = Update::builder()
                .table_name(self.table())
                .set_key(Some(key(batch_pk(concert, batch.from, shard))))
                .update_expression("SET settled = :yes, expiresAt = :ttl")
                .condition_expression(format!("attribute_not_exists(settled) AND {counted}"))
                .expression_attribute_values(":yes", AttributeValue::Bool(true))
                .expression_attribute_values(":ttl", n(cleanup_at()));
            if *count > 0 {
                update = update.expression_attribute_values(":c", n(*count));
            }
            items.push(TransactWriteItem::builder().update(update.build().map_err(infra)?).build());
        }
        let counter = Update::builder()
            .table_name(self.table())
            .set_key(Some(key(line_pk(concert))))
            .update_expression("SET active = active - :k REMOVE #b")
            .condition_expression("attribute_exists(#b) AND active >= :k")
            .expression_attribute_names("#b", batch_attr(batch.from))
            .expression_attribute_values(":k", n(no_shows))
            .build()
            .map_err(infra)?;
        items.push(TransactWriteItem::builder().update(counter).build());
        match transact(&self.t.client, items).await {
            Ok(outcome) => Ok(outcome.is_ok()),
            Err(Error::Contention) => Ok(false),
            Err(e) => Err(e),
        }
    }

    async fn renew_slot(&self, token: TokenId, now: Timestamp, slot_until: Timestamp) -> Result<bool> {
        let out = self
            .t
            .client
            .update_item()
            .table_name(self.table())
            .set_key(Some(key(token_pk(token))))
            .update_expression("SET slotUntil = :slot")
            // Still ACTIVE and still holding its slot: a released slot (no slotUntil) or one
            // already over stays lost, whatever the fan sends.
            .condition_expression("#status = :active AND slotUntil > :now")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":active", s("ACTIVE"))
            .expression_attribute_values(":now", n(now.millis()))
            .expression_attribute_values(":slot", n(slot_until.millis()))
            .send()
            .await;
        applied(out)
    }
}
