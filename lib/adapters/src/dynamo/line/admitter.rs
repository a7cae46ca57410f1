//! What the admitter's tick writes on the line.

use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue, TransactWriteItem, Update};

use crate::dynamo::{applied, batch_get, condition_failed, get_n, get_s, infra, key, n, opt_n, s, sdk, transact};
use domain::error::{Error, Result};
use domain::line::store::{AdmissionPlan, AdmitterStore, Release, SlotLease};
use domain::rules::arrivals::{Arrivals, HoleRun, STRIPES};
use domain::rules::fair_start::Draw;
use domain::rules::line::{Batch, LineTotals};
use domain::values::clock::Timestamp;
use domain::values::ids::ConcertId;

use super::DynamoQueue;
use crate::dynamo::schema::attr::*;
use crate::dynamo::schema::queue::*;

#[async_trait]
impl AdmitterStore for DynamoQueue {
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
                    .update_expression(format!("SET {SEALED} = :yes"))
                    .expression_attribute_values(":yes", AttributeValue::Bool(true))
                    .return_values(ReturnValue::AllNew)
                    .send()
                    .await
                    .map_err(sdk)?;
                opt_n(&out.attributes().cloned().unwrap_or_default(), TAKEN).map(|t| t.unwrap_or(0))
            },
        ))
        .await?;
        Ok(Arrivals::new(frozen))
    }

    async fn note_prequeued(&self, concert: &ConcertId, prequeued: u64) -> Result<()> {
        self.note_at_least(concert, PREQUEUED, prequeued).await
    }

    async fn arrivals(&self, concert: &ConcertId) -> Result<Arrivals> {
        self.stripes(|i| arrivals_pk(concert, i)).await
    }

    async fn note_issued(&self, concert: &ConcertId, issued: u64) -> Result<()> {
        self.note_at_least(concert, ISSUED, issued).await
    }

    async fn claim_tick(&self, concert: &ConcertId, ticker: &str, now: Timestamp, until: Timestamp) -> Result<bool> {
        let out = self
            .t
            .client
            .update_item()
            .table_name(self.table())
            .set_key(Some(key(line_pk(concert))))
            .update_expression(format!("SET {TICKER} = :me, {TICKING_UNTIL} = :until"))
            .condition_expression(format!(
                "attribute_not_exists({TICKER}) OR {TICKER} = :me OR {TICKING_UNTIL} <= :now"
            ))
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
            .update_expression(format!("REMOVE {TICKER}, {TICKING_UNTIL}"))
            .condition_expression(format!("{TICKER} = :me"))
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
            .update_expression(format!("SET {SEALER} = :me, {SEALING_UNTIL} = :until"))
            .condition_expression(
                format!("attribute_not_exists({COHORT}) AND (attribute_not_exists({SEALER}) OR {SEALER} = :me OR {SEALING_UNTIL} <= :now)"),
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
            .update_expression(format!(
                "SET {COHORT} = :n, {SEED} = :seed, {ISSUED} = :n, {PREQUEUED} = :n, {COHORT_STRIPES} = :stripes"
            ))
            .condition_expression(format!("attribute_not_exists({COHORT})"))
            .expression_attribute_values(":n", n(draw.cohort))
            .expression_attribute_values(":seed", s(draw.seed_hex()))
            .expression_attribute_values(":stripes", AttributeValue::L(stripes))
            .send()
            .await;
        applied(out)
    }

    async fn commit_seed(&self, concert: &ConcertId, seed: [u8; 16]) -> Result<[u8; 16]> {
        let out = self
            .t
            .client
            .update_item()
            .table_name(self.table())
            .set_key(Some(key(line_pk(concert))))
            .update_expression(format!("SET {COMMITTED_SEED} = if_not_exists({COMMITTED_SEED}, :seed)"))
            .expression_attribute_values(":seed", s(domain::values::hex::encode(&seed)))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await
            .map_err(sdk)?;
        let stored = out.attributes().and_then(|a| a.get(COMMITTED_SEED)).and_then(|v| v.as_s().ok());
        stored
            .and_then(|hex| Draw::parse_seed_hex(hex))
            .ok_or_else(|| Error::Infrastructure("a committed seed that does not read".into()))
    }

    async fn record_minute(&self, concert: &ConcertId, minute: i64, totals: LineTotals) -> Result<()> {
        let out = self
            .t
            .client
            .update_item()
            .table_name(self.table())
            .set_key(Some(key(minute_pk(concert, minute))))
            .update_expression(format!("SET {JOINED_BY} = :j, {ADMITTED_BY} = :a, {EXPIRES_AT} = :ttl"))
            .condition_expression(format!("attribute_not_exists({JOINED_BY}) OR {JOINED_BY} <= :j"))
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

    async fn ended_slots(&self, concert: &ConcertId, now: Timestamp, limit: usize) -> Result<Vec<SlotLease>> {
        // The index is eventually consistent: a slot seen late is released a tick late,
        // which only ever keeps the count of active users on the safe side.
        let out = self
            .t
            .client
            .query()
            .table_name(self.table())
            .index_name(BY_SLOT)
            .key_condition_expression(format!("{CONCERT_ID} = :c AND {SLOT_UNTIL} <= :now"))
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
                    token: token_id_of_pk(get_s(item, PK)?)?,
                    until: Timestamp::from_millis(get_n(item, SLOT_UNTIL)?),
                })
            })
            .collect()
    }

    async fn release_slots(&self, concert: &ConcertId, leases: &[SlotLease]) -> Result<Release> {
        let mut items = Vec::with_capacity(leases.len() + 1);
        for lease in leases {
            let update = Update::builder()
                .table_name(self.table())
                .set_key(Some(key(token_pk(lease.token))))
                .update_expression(format!("REMOVE {SLOT_UNTIL}"))
                .condition_expression(format!("{SLOT_UNTIL} = :until"))
                .expression_attribute_values(":until", n(lease.until.millis()))
                .build()
                .map_err(infra)?;
            items.push(TransactWriteItem::builder().update(update).build());
        }
        let counter = Update::builder()
            .table_name(self.table())
            .set_key(Some(key(line_pk(concert))))
            .update_expression(format!("SET {ACTIVE} = {ACTIVE} - :k"))
            .condition_expression(format!("{ACTIVE} >= :k"))
            .expression_attribute_values(":k", n(leases.len()))
            .build()
            .map_err(infra)?;
        items.push(TransactWriteItem::builder().update(counter).build());
        match transact(&self.t.client, items).await {
            Ok(Ok(())) => Ok(Release::Done),
            // The counter (the last item) failed, or nothing said which: another admitter.
            Ok(Err(failed)) if failed.is_empty() || failed.contains(&leases.len()) => Ok(Release::Raced),
            Ok(Err(failed)) => {
                Ok(Release::Stale(failed.iter().filter_map(|i| leases.get(*i)).map(|l| l.token).collect()))
            }
            Err(Error::Contention) => Ok(Release::Raced),
            Err(e) => Err(e),
        }
    }

    async fn admit(&self, plan: &AdmissionPlan) -> Result<bool> {
        let b = plan.batch;
        let Some(cap_before) = u64::from(plan.cap).checked_sub(b.slots()) else { return Ok(false) };
        let old = b.from - 1;
        let mut names = HashMap::from([("#b".to_owned(), batch_attr(b.from))]);
        let mut update = format!(
            "SET {ADMITTED_THROUGH} = :through, #b = :batch, \
             {ACTIVE} = if_not_exists({ACTIVE}, :zero) + :k, \
             {ADMITTED_FANS} = if_not_exists({ADMITTED_FANS}, :zero) + :k"
        );
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
                format!(
                    "(attribute_not_exists({ADMITTED_THROUGH}) OR {ADMITTED_THROUGH} = :old) \
                     AND (attribute_not_exists({ACTIVE}) OR {ACTIVE} <= :capBefore)"
                )
            } else {
                format!("{ADMITTED_THROUGH} = :old AND (attribute_not_exists({ACTIVE}) OR {ACTIVE} <= :capBefore)")
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
                    (THROUGH.to_owned(), n(b.through)),
                    (CHECK_IN_UNTIL.to_owned(), n(b.check_in_until.millis())),
                    (ACTIVE_UNTIL.to_owned(), n(b.active_until.millis())),
                    (SHARDS.to_owned(), n(b.shards)),
                    (HOLES.to_owned(), n(b.holes)),
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
        let mut update = format!("ADD {HOLES_TAKEN} :taken SET ");
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

    async fn checked_in(&self, concert: &ConcertId, batch: &Batch) -> Result<Vec<u64>> {
        let keys = (0..batch.shards).map(|i| key(batch_pk(concert, batch.from, i))).collect();
        let items = batch_get(&self.t.client, self.table(), keys).await?;
        (0..batch.shards)
            .map(|i| {
                let pk = batch_pk(concert, batch.from, i);
                match items.iter().find(|item| get_s(item, PK).is_ok_and(|p| p == pk)) {
                    Some(item) => Ok(opt_n(item, CHECKED_IN)?.unwrap_or(0)),
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
            let counted =
                if *count == 0 { format!("attribute_not_exists({CHECKED_IN})") } else { format!("{CHECKED_IN} = :c") };
            let mut update = Update::builder()
                .table_name(self.table())
                .set_key(Some(key(batch_pk(concert, batch.from, shard))))
                .update_expression(format!("SET {SETTLED} = :yes, {EXPIRES_AT} = :ttl"))
                .condition_expression(format!("attribute_not_exists({SETTLED}) AND {counted}"))
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
            .update_expression(format!("SET {ACTIVE} = {ACTIVE} - :k REMOVE #b"))
            .condition_expression(format!("attribute_exists(#b) AND {ACTIVE} >= :k"))
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
}
