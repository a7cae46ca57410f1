//! The line's stores in memory.

use async_trait::async_trait;

use crate::error::Result;
use crate::line::store::{AdmissionPlan, CreateOutcome, Release, SlotLease};
use crate::line::token::{Token, TokenState};
use crate::rules::arrivals;
use crate::rules::arrivals::{Arrivals, HoleRun};
use crate::rules::fair_start::Draw;
use crate::rules::line::{Batch, LineCounters, LineTotals};
use crate::values::clock::Timestamp;
use crate::values::ids::UserId;
use crate::values::ids::{ConcertId, TokenId};

use crate::line::store::{AdmitterStore, FanStore, LineStore};

use super::{count_one, stripes_of, Memory};

#[async_trait]
impl LineStore for Memory {
    async fn counters(&self, concert: &ConcertId) -> Result<LineCounters> {
        self.step("counters", |s| Ok(s.lines.get(concert).map(|l| l.counters.clone()).unwrap_or_default()))
    }

    async fn token(&self, id: TokenId) -> Result<Option<Token>> {
        self.step("token", |s| Ok(s.tokens.get(&id).cloned()))
    }

    async fn minutes(&self, concert: &ConcertId, from: i64, to: i64) -> Result<Vec<(i64, LineTotals)>> {
        let s = self.lock()?;
        Ok(s.lines.get(concert).map_or_else(Vec::new, |l| l.minutes.range(from..=to).map(|(m, t)| (*m, *t)).collect()))
    }
}

#[async_trait]
impl FanStore for Memory {
    async fn holder_token(&self, concert: &ConcertId, user: UserId) -> Result<Option<Token>> {
        let s = self.lock()?;
        let id = s.lines.get(concert).and_then(|l| l.holders.get(&user)).copied();
        Ok(id.and_then(|id| s.tokens.get(&id).cloned()))
    }

    async fn next_prequeue_index(&self, concert: &ConcertId) -> Result<Option<u64>> {
        self.step("next_prequeue_index", |s| {
            let line = s.lines.entry(concert.clone()).or_default();
            if line.prequeue_frozen {
                return Ok(None);
            }
            let (stripe, rank) = count_one(&mut line.next_stripes, &mut line.prequeue);
            Ok(Some(arrivals::number(stripe, rank) - 1))
        })
    }

    async fn next_arrival(&self, concert: &ConcertId) -> Result<u64> {
        self.step("next_arrival", |s| {
            let line = s.lines.entry(concert.clone()).or_default();
            let (stripe, rank) = count_one(&mut line.next_stripes, &mut line.arrivals);
            Ok(arrivals::number(stripe, rank))
        })
    }

    async fn create_token(&self, token: &Token, replaces: Option<&Token>) -> Result<CreateOutcome> {
        self.step("create_token", |s| Self::create_token_in(s, token, replaces))
    }

    async fn check_in(&self, token: &Token, batch: &Batch, slot_until: Timestamp) -> Result<bool> {
        let (token, user, shard) = (token.id, token.user, batch.shard_of(token.id) as usize);
        self.step("check_in", |s| {
            let Some(t) = s.tokens.get_mut(&token).filter(|t| t.state == TokenState::Waiting) else {
                return Ok(false);
            };
            let Some(line) = s.lines.get_mut(&t.concert) else { return Ok(false) };
            if line.holders.get(&user) != Some(&token) {
                return Ok(false);
            }
            match line.check_ins.get_mut(&batch.from) {
                Some((counts, false)) if shard < counts.len() => counts[shard] += 1,
                _ => return Ok(false),
            }
            t.state = TokenState::Active { until: batch.active_until, slot_until };
            s.slots.insert(token, slot_until);
            Ok(true)
        })
    }

    async fn renew_slot(&self, token: TokenId, now: Timestamp, slot_until: Timestamp) -> Result<bool> {
        self.step("renew_slot", |s| {
            let holds = s.slots.get(&token).is_some_and(|end| *end > now);
            match s.tokens.get_mut(&token) {
                Some(t) if holds => match t.state {
                    TokenState::Active { until, .. } => {
                        t.state = TokenState::Active { until, slot_until };
                        s.slots.insert(token, slot_until);
                        Ok(true)
                    }
                    _ => Ok(false),
                },
                _ => Ok(false),
            }
        })
    }
}

#[async_trait]
impl AdmitterStore for Memory {
    async fn prequeue(&self, concert: &ConcertId) -> Result<Arrivals> {
        Ok(stripes_of(self.lock()?.lines.get(concert).map(|l| &l.prequeue)))
    }

    async fn freeze_prequeue(&self, concert: &ConcertId) -> Result<Arrivals> {
        self.step("freeze_prequeue", |s| {
            s.lines.entry(concert.clone()).or_default().prequeue_frozen = true;
            Ok(())
        })?;
        self.prequeue(concert).await
    }

    async fn note_prequeued(&self, concert: &ConcertId, prequeued: u64) -> Result<()> {
        self.step("note_prequeued", |s| {
            let line = s.lines.entry(concert.clone()).or_default();
            line.counters.prequeued = line.counters.prequeued.max(prequeued);
            Ok(())
        })
    }

    async fn arrivals(&self, concert: &ConcertId) -> Result<Arrivals> {
        Ok(stripes_of(self.lock()?.lines.get(concert).map(|l| &l.arrivals)))
    }

    async fn fill(&self, concert: &ConcertId, stripe: u32, ranks: u64) -> Result<HoleRun> {
        self.step("fill", |s| {
            let taken = s.lines.entry(concert.clone()).or_default().arrivals.entry(stripe).or_default();
            *taken += ranks;
            Ok(HoleRun { stripe, after: *taken - ranks, through: *taken })
        })
    }

    async fn note_holes(&self, concert: &ConcertId, runs: &[HoleRun]) -> Result<()> {
        self.step("note_holes", |s| {
            let counters = &mut s.lines.entry(concert.clone()).or_default().counters;
            // As the condition on the first run: a repeat adds nothing.
            if runs.first().is_some_and(|r| counters.holes.contains(r)) {
                return Ok(());
            }
            counters.holes.extend_from_slice(runs);
            counters.holes_taken += runs.iter().map(|r| r.through - r.after).sum::<u64>();
            Ok(())
        })
    }

    async fn note_issued(&self, concert: &ConcertId, issued: u64) -> Result<()> {
        self.step("note_issued", |s| {
            let line = s.lines.entry(concert.clone()).or_default();
            line.counters.issued = line.counters.issued.max(issued);
            Ok(())
        })
    }

    async fn claim_tick(&self, concert: &ConcertId, ticker: &str, now: Timestamp, until: Timestamp) -> Result<bool> {
        self.step("claim_tick", |s| {
            let line = s.lines.entry(concert.clone()).or_default();
            if line.ticking.as_ref().is_some_and(|(other, lease)| other != ticker && *lease > now) {
                return Ok(false);
            }
            line.ticking = Some((ticker.to_owned(), until));
            Ok(true)
        })
    }

    async fn end_tick(&self, concert: &ConcertId, ticker: &str) -> Result<()> {
        self.step("end_tick", |s| {
            let line = s.lines.entry(concert.clone()).or_default();
            if line.ticking.as_ref().is_some_and(|(holder, _)| holder == ticker) {
                line.ticking = None;
            }
            Ok(())
        })
    }

    async fn claim_seal(&self, concert: &ConcertId, sealer: &str, now: Timestamp, until: Timestamp) -> Result<bool> {
        self.step("claim_seal", |s| {
            let line = s.lines.entry(concert.clone()).or_default();
            let other_claim = line.sealing.as_ref().is_some_and(|(other, lease)| other != sealer && *lease > now);
            if line.counters.draw.is_some() || other_claim {
                return Ok(false);
            }
            line.sealing = Some((sealer.to_owned(), until));
            Ok(true)
        })
    }

    async fn seal(&self, concert: &ConcertId, draw: &Draw, cohort: &Arrivals) -> Result<bool> {
        self.step("seal", |s| {
            let line = s.lines.entry(concert.clone()).or_default();
            if line.counters.draw.is_some() {
                return Ok(false);
            }
            line.counters.draw = Some(*draw);
            line.counters.cohort_stripes = cohort.clone();
            line.counters.prequeued = draw.cohort;
            line.counters.issued = draw.cohort;
            Ok(true)
        })
    }

    async fn commit_seed(&self, concert: &ConcertId, seed: [u8; 16]) -> Result<[u8; 16]> {
        self.step("commit_seed", |s| {
            let line = s.lines.entry(concert.clone()).or_default();
            Ok(*line.counters.committed_seed.get_or_insert(seed))
        })
    }

    async fn record_minute(&self, concert: &ConcertId, minute: i64, totals: LineTotals) -> Result<()> {
        let mut s = self.lock()?;
        let slot = s.lines.entry(concert.clone()).or_default().minutes.entry(minute).or_default();
        if slot.joined <= totals.joined {
            *slot = totals;
        }
        Ok(())
    }

    async fn ended_slots(&self, concert: &ConcertId, now: Timestamp, limit: usize) -> Result<Vec<SlotLease>> {
        let s = self.lock()?;
        Ok(s.slots
            .iter()
            .filter(|(id, until)| **until <= now && s.tokens.get(id).is_some_and(|t| &t.concert == concert))
            .map(|(id, until)| SlotLease { token: *id, until: *until })
            .take(limit)
            .collect())
    }

    async fn release_slots(&self, concert: &ConcertId, leases: &[SlotLease]) -> Result<Release> {
        self.step("release_slots", |s| {
            let k = u32::try_from(leases.len()).unwrap_or(u32::MAX);
            let active = s.lines.get(concert).map_or(0, |l| l.counters.active);
            // As DynamoDB's conditions: every slot as read, and `active >= k`.
            let stale: Vec<TokenId> =
                leases.iter().filter(|l| s.slots.get(&l.token) != Some(&l.until)).map(|l| l.token).collect();
            if !stale.is_empty() {
                return Ok(Release::Stale(stale));
            }
            if active < k {
                return Ok(Release::Raced);
            }
            for l in leases {
                s.slots.remove(&l.token);
            }
            let line = s.lines.entry(concert.clone()).or_default();
            line.counters.active -= k;
            Ok(Release::Done)
        })
    }

    async fn admit(&self, plan: &AdmissionPlan) -> Result<bool> {
        self.step("admit", |s| {
            let line = s.lines.entry(plan.concert.clone()).or_default();
            let b = plan.batch;
            let k = u32::try_from(b.slots()).unwrap_or(u32::MAX);
            if line.counters.admitted_through + 1 != b.from || line.counters.active.saturating_add(k) > plan.cap {
                return Ok(false);
            }
            line.counters.holes.retain(|r| !plan.passed.contains(r));
            line.counters.admitted_through = b.through;
            line.counters.admitted_fans += b.slots();
            line.counters.active += k;
            line.counters.batches.push(b);
            line.check_ins.insert(b.from, (vec![0; b.shards as usize], false));
            Ok(true)
        })
    }

    async fn checked_in(&self, concert: &ConcertId, batch: &Batch) -> Result<Vec<u64>> {
        let s = self.lock()?;
        let counts = s.lines.get(concert).and_then(|l| l.check_ins.get(&batch.from)).map(|(c, _)| c.clone());
        Ok(counts.unwrap_or_else(|| vec![0; batch.shards as usize]))
    }

    async fn settle(&self, concert: &ConcertId, batch: &Batch, checked_in: &[u64]) -> Result<bool> {
        self.step("settle", |s| {
            let Some(line) = s.lines.get_mut(concert) else { return Ok(false) };
            let no_shows = u32::try_from(batch.no_shows(checked_in.iter().sum())).unwrap_or(u32::MAX);
            // As DynamoDB's conditions: the counts as read, not settled, and `active >= no-shows`.
            if line.counters.active < no_shows {
                return Ok(false);
            }
            match line.check_ins.get_mut(&batch.from) {
                Some((counts, settled @ false)) if counts == checked_in => *settled = true,
                _ => return Ok(false),
            }
            line.counters.active -= no_shows;
            line.counters.batches.retain(|b| b.from != batch.from);
            Ok(true)
        })
    }
}
