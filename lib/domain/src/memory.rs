//! In-memory implementations of every storage trait of the domain, for unit tests. One
//! lock over all state: each method is one atomic step, as each DynamoDB write or
//! transaction is, and `pay` checks every condition before changing anything.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use async_trait::async_trait;

use crate::arrivals::{self, Arrivals, HoleRun, STRIPES};
use crate::catalog::{CatalogStore, Concert, Seat, SeatState};
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::fair_start::Draw;
use crate::ids::{ConcertDate, ConcertId, IdempotencyKey, PaymentId, ReservationId, SeatNumber, TokenId, UserId};
use crate::money::Won;
use crate::payment::{EventPublisher, OutboxEvent, PayConflict, Payment, PaymentPlan, PaymentSnapshot, PaymentStore};
use crate::queue::{
    Admission, AdmissionPlan, Batch, CreateOutcome, LineCounters, LineTotals, QueueStore, SlotLease, Token, TokenState,
};
use crate::refund::{Refund, RefundPlan, RefundSnapshot, RefundStore, RefundTotals};
use crate::reservation::{HoldExpiryScheduler, HoldOutcome, HoldStore, Reservation, ReservationState};
use crate::seat_limit::{AccountSeats, SlotUse};
use crate::wallet::{ChargeRecord, Credit, EntryKind, StatementEntry, Wallet, WalletStore};

#[derive(Default)]
struct Line {
    counters: LineCounters,
    /// Check-ins per batch (by its first place) and shard, and whether the batch was settled.
    check_ins: HashMap<u64, (Vec<u64>, bool)>,
    minutes: std::collections::BTreeMap<i64, LineTotals>,
    holders: HashMap<UserId, TokenId>,
    /// Ranks taken per arrival stripe.
    arrivals: HashMap<u32, u64>,
    /// Ranks taken per pre-queue stripe, and whether the seal froze them.
    prequeue: HashMap<u32, u64>,
    prequeue_frozen: bool,
    /// A sealer's claim, until then.
    sealing: Option<(String, Timestamp)>,
    /// The admitter ticking the line, and its lease's end.
    ticking: Option<(String, Timestamp)>,
    /// The stripes the next arrivals count on (a test's choice); else the least advanced,
    /// so that arrivals are numbered 1, 2, 3... as by one counter.
    next_stripes: std::collections::VecDeque<u32>,
}

#[derive(Default)]
struct State {
    concerts: HashMap<ConcertId, (Concert, Vec<Seat>)>,
    lines: HashMap<ConcertId, Line>,
    tokens: HashMap<TokenId, Token>,
    slots: HashMap<TokenId, Timestamp>,
    reservations: HashMap<ReservationId, Reservation>,
    accounts: HashMap<(ConcertId, UserId), AccountSeats>,
    /// Each wallet's statement, oldest first: the balance is the last entry's.
    ledgers: HashMap<UserId, Vec<StatementEntry>>,
    charge_keys: HashMap<(UserId, String), ChargeRecord>,
    payment_keys: HashMap<(UserId, String), Payment>,
    payments: Vec<Payment>,
    refunds: HashMap<ReservationId, Refund>,
    refund_keys: HashMap<(UserId, String), Refund>,
    refund_totals: HashMap<ConcertId, RefundTotals>,
    outbox: Vec<OutboxEvent>,
}

impl State {
    fn wallet(&self, user: UserId) -> Wallet {
        self.ledgers
            .get(&user)
            .and_then(|l| l.last())
            .map_or(Wallet::default(), |e| Wallet { balance: e.balance_after, entries: e.seq })
    }

    /// The balance write's condition (the wallet is still `expected`), checked.
    fn wallet_is(&self, user: UserId, expected: Wallet) -> bool {
        self.wallet(user) == expected
    }

    fn put_entry(&mut self, user: UserId, entry: &StatementEntry) {
        self.ledgers.entry(user).or_default().push(entry.clone());
    }

    fn seat_mut(&mut self, concert: &ConcertId, date: ConcertDate, number: SeatNumber) -> Option<&mut Seat> {
        self.concerts
            .get_mut(concert)
            .and_then(|(_, seats)| seats.iter_mut().find(|s| s.date == date && s.number == number))
    }
}

/// Everything the service stores, in memory; plus what it sent (release messages, events).
#[derive(Default)]
pub struct Memory {
    state: Mutex<State>,
    /// Release messages scheduled: (reservation, delay).
    pub scheduled: Mutex<Vec<(ReservationId, Duration)>>,
    /// Events published.
    pub published: Mutex<Vec<OutboxEvent>>,
    /// While true, publishing fails as if the queue were down.
    pub events_down: std::sync::atomic::AtomicBool,
    /// Failures to inject, as DynamoDB produces them (see `inject`).
    faults: Mutex<Vec<Fault>>,
}

/// One injected failure of the next call of a store method.
#[derive(Debug, Clone)]
struct Fault {
    op: &'static str,
    error: Error,
    /// Applied, then answered with the error (a 500 or a timeout after the write).
    after_applying: bool,
}

impl Memory {
    fn lock(&self) -> Result<MutexGuard<'_, State>> {
        self.state.lock().map_err(|_| Error::Infrastructure("memory store lock poisoned".into()))
    }

    /// Make the next call of store method `op` fail with `error`: before doing anything,
    /// or (`after_applying`) after doing its work, as a write whose answer was lost.
    pub fn inject(&self, op: &'static str, error: Error, after_applying: bool) {
        if let Ok(mut f) = self.faults.lock() {
            f.push(Fault { op, error, after_applying });
        }
    }

    /// Injected faults not yet met.
    pub fn pending_faults(&self) -> usize {
        self.faults.lock().map_or(0, |f| f.len())
    }

    fn fault(&self, op: &'static str, after_applying: bool) -> Result<()> {
        let mut faults = self.faults.lock().map_err(|_| Error::Infrastructure("poisoned".into()))?;
        match faults.iter().position(|f| f.op == op && f.after_applying == after_applying) {
            Some(i) => Err(faults.remove(i).error),
            None => Ok(()),
        }
    }

    fn create_token_in(s: &mut State, token: &Token, replaces: Option<&Token>) -> Result<CreateOutcome> {
        if let Some(old) = replaces.filter(|old| old.state == TokenState::Waiting) {
            if s.tokens.get(&old.id).is_some_and(|t| t.state != TokenState::Waiting) {
                return Ok(CreateOutcome::HolderTaken);
            }
        }
        let line = s.lines.entry(token.concert.clone()).or_default();
        if line.holders.get(&token.user).copied() != replaces.map(|t| t.id) {
            return Ok(CreateOutcome::HolderTaken);
        }
        line.holders.insert(token.user, token.id);
        s.tokens.insert(token.id, token.clone());
        Ok(CreateOutcome::Created)
    }

    /// Run one store step under the faults injected for `op`.
    fn step<T>(&self, op: &'static str, work: impl FnOnce(&mut State) -> Result<T>) -> Result<T> {
        self.fault(op, false)?;
        let out = work(&mut *self.lock()?)?;
        self.fault(op, true)?;
        Ok(out)
    }

    /// End a token early, as a payment does.
    pub fn use_up(&self, id: TokenId, now: Timestamp) -> Result<()> {
        let mut s = self.lock()?;
        if let Some(t) = s.tokens.get_mut(&id) {
            t.state = TokenState::Expired;
        }
        if let Some(until) = s.slots.get_mut(&id) {
            *until = now;
        }
        Ok(())
    }

    /// Bring a wallet to `balance` with one charge entry (negative if it lowers it).
    pub fn set_balance(&self, user: UserId, balance: Won) -> Result<()> {
        let mut s = self.lock()?;
        let entry = s.wallet(user).entry(EntryKind::Charge, balance, None, Timestamp::from_millis(0));
        s.put_entry(user, &entry);
        Ok(())
    }

    /// Count the next joins of `concert` (pre-queue or arrivals) on these stripes, in this
    /// order (as random choice may, under little load).
    pub fn arrive_on(&self, concert: &ConcertId, stripes: &[u32]) -> Result<()> {
        self.lock()?.lines.entry(concert.clone()).or_default().next_stripes.extend(stripes);
        Ok(())
    }

    pub fn outbox_len(&self) -> Result<usize> {
        Ok(self.lock()?.outbox.len())
    }
}

/// One more on a stripe: a test's choice (`Memory::arrive_on`), else the least advanced,
/// so that numbers come 1, 2, 3... as from one counter. The stripe and its new rank.
fn count_one(next: &mut std::collections::VecDeque<u32>, taken: &mut HashMap<u32, u64>) -> (u32, u64) {
    let stripe = next
        .pop_front()
        .unwrap_or_else(|| (0..STRIPES).min_by_key(|i| (taken.get(i).copied().unwrap_or(0), *i)).unwrap_or(0));
    let rank = taken.entry(stripe).or_default();
    *rank += 1;
    (stripe, *rank)
}

/// Every stripe's count, from a family's ranks taken.
fn stripes_of(taken: Option<&HashMap<u32, u64>>) -> Arrivals {
    Arrivals::new((0..STRIPES).map(|i| taken.and_then(|t| t.get(&i)).copied().unwrap_or(0)).collect())
}

#[async_trait]
impl QueueStore for Memory {
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

    async fn next_arrival(&self, concert: &ConcertId) -> Result<u64> {
        self.step("next_arrival", |s| {
            let line = s.lines.entry(concert.clone()).or_default();
            let (stripe, rank) = count_one(&mut line.next_stripes, &mut line.arrivals);
            Ok(arrivals::number(stripe, rank))
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

    async fn counters(&self, concert: &ConcertId) -> Result<LineCounters> {
        self.step("counters", |s| Ok(s.lines.get(concert).map(|l| l.counters.clone()).unwrap_or_default()))
    }

    async fn create_token(&self, token: &Token, replaces: Option<&Token>) -> Result<CreateOutcome> {
        self.step("create_token", |s| Self::create_token_in(s, token, replaces))
    }

    async fn token(&self, id: TokenId) -> Result<Option<Token>> {
        self.step("token", |s| Ok(s.tokens.get(&id).cloned()))
    }

    async fn record_minute(&self, concert: &ConcertId, minute: i64, totals: LineTotals) -> Result<()> {
        let mut s = self.lock()?;
        let slot = s.lines.entry(concert.clone()).or_default().minutes.entry(minute).or_default();
        if slot.joined <= totals.joined {
            *slot = totals;
        }
        Ok(())
    }

    async fn minutes(&self, concert: &ConcertId, from: i64, to: i64) -> Result<Vec<(i64, LineTotals)>> {
        let s = self.lock()?;
        Ok(s.lines.get(concert).map_or_else(Vec::new, |l| l.minutes.range(from..=to).map(|(m, t)| (*m, *t)).collect()))
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

    async fn release_slots(&self, concert: &ConcertId, leases: &[SlotLease]) -> Result<bool> {
        self.step("release_slots", |s| {
            let k = u32::try_from(leases.len()).unwrap_or(u32::MAX);
            let active = s.lines.get(concert).map_or(0, |l| l.counters.active);
            // As DynamoDB's conditions: every slot as read, and `active >= k`.
            if active < k || !leases.iter().all(|l| s.slots.get(&l.token) == Some(&l.until)) {
                return Ok(false);
            }
            for l in leases {
                s.slots.remove(&l.token);
            }
            let line = s.lines.entry(concert.clone()).or_default();
            line.counters.active -= k;
            Ok(true)
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
impl CatalogStore for Memory {
    async fn concerts(&self) -> Result<Vec<Concert>> {
        let mut all: Vec<Concert> = self.lock()?.concerts.values().map(|(c, _)| c.clone()).collect();
        all.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(all)
    }

    async fn concert(&self, concert: &ConcertId) -> Result<Option<Concert>> {
        self.step("concert", |s| Ok(s.concerts.get(concert).map(|(c, _)| c.clone())))
    }

    async fn concert_seats(&self, concert: &ConcertId) -> Result<Option<Vec<Seat>>> {
        self.step("concert_seats", |s| Ok(s.concerts.get(concert).map(|(_, seats)| seats.clone())))
    }

    async fn date_seats(&self, concert: &ConcertId, date: ConcertDate) -> Result<Vec<Seat>> {
        self.step("date_seats", |s| {
            let seats = s.concerts.get(concert).map(|(_, seats)| seats.as_slice()).unwrap_or_default();
            Ok(seats.iter().filter(|x| x.date == date).cloned().collect())
        })
    }

    async fn seat(&self, concert: &ConcertId, date: ConcertDate, seat: SeatNumber) -> Result<Option<Seat>> {
        self.step("seat", |s| {
            let seats = s.concerts.get(concert).map(|(_, seats)| seats.as_slice()).unwrap_or_default();
            Ok(seats.iter().find(|x| x.date == date && x.number == seat).cloned())
        })
    }

    async fn live_concerts(&self, now: Timestamp) -> Result<Vec<ConcertId>> {
        let mut live: Vec<ConcertId> = self
            .lock()?
            .concerts
            .iter()
            .filter(|(_, (c, _))| now < c.sale.closes_at)
            .map(|(id, _)| id.clone())
            .collect();
        live.sort();
        Ok(live)
    }

    async fn add_concert(&self, concert: &Concert, seats: &[Seat]) -> Result<bool> {
        self.step("add_concert", |s| {
            if s.concerts.contains_key(&concert.id) {
                return Ok(false);
            }
            s.concerts.insert(concert.id.clone(), (concert.clone(), seats.to_vec()));
            Ok(true)
        })
    }

    async fn update_concert(&self, before: &Concert, after: &Concert) -> Result<bool> {
        self.step("update_concert", |s| match s.concerts.get_mut(&before.id) {
            Some((stored, _)) if stored.version == before.version => {
                // What the admitter and the refunds own stays theirs.
                let (sold_out, refunds) = (stored.sold_out, stored.refunds);
                *stored = Concert { sold_out, refunds, ..after.clone() };
                Ok(true)
            }
            _ => Ok(false),
        })
    }

    async fn replace_seats(&self, concert: &Concert, put: &[Seat], remove: &[Seat]) -> Result<bool> {
        let mut s = self.lock()?;
        let Some((stored, seats)) = s.concerts.get_mut(&concert.id) else { return Ok(false) };
        let touched = |x: &Seat| put.iter().chain(remove).any(|y| y.date == x.date && y.number == x.number);
        if stored.version != concert.version || seats.iter().any(|x| touched(x) && x.state != SeatState::Available) {
            return Ok(false);
        }
        seats.retain(|x| !touched(x));
        seats.extend(put.iter().cloned());
        seats.sort_by_key(|x| (x.date, x.number));
        Ok(true)
    }

    async fn mark_sold_out(&self, concert: &ConcertId, refunds_seen: u64) -> Result<()> {
        if let Some((c, _)) = self.lock()?.concerts.get_mut(concert).filter(|(c, _)| c.refunds == refunds_seen) {
            c.sold_out = true;
        }
        Ok(())
    }
}

#[async_trait]
impl HoldStore for Memory {
    async fn hold(&self, r: &Reservation, now: Timestamp, who: &Admission, keep: Timestamp) -> Result<HoldOutcome> {
        self.step("hold", |s| {
            let slot_now = s.slots.get(&who.token).copied();
            let token_ok = s
                .tokens
                .get(&who.token)
                .is_some_and(|t| matches!(t.state, TokenState::Active { until, .. } if until > now))
                && slot_now.is_some_and(|end| end > now);
            let Some(seat) = s.seat_mut(&r.concert, r.date, r.seat) else { return Ok(HoldOutcome::NoSuchSeat) };
            let free = match seat.state {
                SeatState::Available => true,
                SeatState::Held { until, .. } => until <= now,
                SeatState::Sold { .. } => false,
            };
            if !free {
                return Ok(HoldOutcome::SeatTaken);
            }
            let account = s.accounts.entry((r.concert.clone(), r.user)).or_default();
            let slot = usize::from(r.slot);
            if account.slots.len() <= slot {
                account.slots.resize(slot + 1, None);
            }
            if account.slots[slot].is_some_and(|u| !u.is_free_at(now)) {
                return Ok(HoldOutcome::SeatTaken);
            }
            if !token_ok {
                return Ok(HoldOutcome::TokenEnded);
            }
            s.slots.insert(who.token, keep);
            if let Some(TokenState::Active { slot_until, .. }) = s.tokens.get_mut(&who.token).map(|t| &mut t.state) {
                *slot_until = keep;
            }
            let account = s.accounts.entry((r.concert.clone(), r.user)).or_default();
            account.slots[slot] = Some(SlotUse { reservation: r.id, until: r.expires_at });
            if let Some(seat) = s.seat_mut(&r.concert, r.date, r.seat) {
                seat.state = SeatState::Held { by: r.user, reservation: r.id, until: r.expires_at };
            }
            s.reservations.insert(r.id, r.clone());
            Ok(HoldOutcome::Held)
        })
    }

    async fn account(&self, concert: &ConcertId, user: UserId) -> Result<AccountSeats> {
        self.step("account", |s| Ok(s.accounts.get(&(concert.clone(), user)).cloned().unwrap_or_default()))
    }

    async fn cancel(&self, r: &Reservation, now: Timestamp) -> Result<bool> {
        self.step("cancel", |s| {
            let held = s
                .reservations
                .get(&r.id)
                .is_some_and(|x| x.state == ReservationState::Held && x.user == r.user && now < x.expires_at);
            if !held {
                return Ok(false);
            }
            if let Some(x) = s.reservations.get_mut(&r.id) {
                x.state = ReservationState::Cancelled;
            }
            if let Some(seat) = s.seat_mut(&r.concert, r.date, r.seat) {
                if matches!(seat.state, SeatState::Held { reservation, .. } if reservation == r.id) {
                    seat.state = SeatState::Available;
                }
            }
            if let Some(slot) =
                s.accounts.get_mut(&(r.concert.clone(), r.user)).and_then(|a| a.slots.get_mut(usize::from(r.slot)))
            {
                if slot.is_some_and(|u| u.reservation == r.id) {
                    *slot = None;
                }
            }
            Ok(true)
        })
    }

    async fn reservation(&self, id: ReservationId) -> Result<Option<Reservation>> {
        Ok(self.lock()?.reservations.get(&id).cloned())
    }

    async fn release(&self, r: &Reservation, now: Timestamp) -> Result<bool> {
        let mut s = self.lock()?;
        let marked = match s.reservations.get_mut(&r.id) {
            Some(stored) if stored.state == ReservationState::Held && stored.expires_at <= now => {
                stored.state = ReservationState::Expired;
                true
            }
            _ => false,
        };
        if let Some(seat) = s.seat_mut(&r.concert, r.date, r.seat) {
            if matches!(seat.state, SeatState::Held { reservation, until, .. } if reservation == r.id && until <= now) {
                seat.state = SeatState::Available;
            }
        }
        Ok(marked)
    }
}

#[async_trait]
impl HoldExpiryScheduler for Memory {
    async fn schedule(&self, reservation: ReservationId, delay: Duration) -> Result<()> {
        self.scheduled.lock().map_err(|_| Error::Infrastructure("poisoned".into()))?.push((reservation, delay));
        Ok(())
    }
}

#[async_trait]
impl WalletStore for Memory {
    async fn wallet(&self, user: UserId) -> Result<Wallet> {
        Ok(self.lock()?.wallet(user))
    }

    async fn charge_state(&self, user: UserId, key: Option<&IdempotencyKey>) -> Result<(Option<ChargeRecord>, Wallet)> {
        let s = self.lock()?;
        let record = key.and_then(|k| s.charge_keys.get(&(user, k.as_str().to_owned())).copied());
        Ok((record, s.wallet(user)))
    }

    async fn credit(
        &self,
        key: Option<&IdempotencyKey>,
        record: &ChargeRecord,
        expected: Wallet,
        entry: &StatementEntry,
    ) -> Result<Credit> {
        self.step("credit", |s| {
            let user = record.receipt.user;
            if key.is_some_and(|k| s.charge_keys.contains_key(&(user, k.as_str().to_owned()))) {
                return Ok(Credit::KeyTaken);
            }
            if !s.wallet_is(user, expected) {
                return Ok(Credit::WalletMoved);
            }
            s.put_entry(user, entry);
            if let Some(k) = key {
                s.charge_keys.insert((user, k.as_str().to_owned()), *record);
            }
            Ok(Credit::Committed)
        })
    }

    async fn statement(&self, user: UserId, before: Option<u64>, limit: usize) -> Result<Vec<StatementEntry>> {
        let s = self.lock()?;
        Ok(s.ledgers
            .get(&user)
            .map(|l| l.iter().rev().filter(|e| before.is_none_or(|b| e.seq < b)).take(limit).cloned().collect())
            .unwrap_or_default())
    }
}

#[async_trait]
impl PaymentStore for Memory {
    async fn snapshot(
        &self,
        user: UserId,
        reservations: &[ReservationId],
        key: Option<&IdempotencyKey>,
    ) -> Result<PaymentSnapshot> {
        self.fault("snapshot", false)?;
        let s = self.lock()?;
        Ok(PaymentSnapshot {
            reservations: reservations.iter().map(|id| s.reservations.get(id).cloned()).collect(),
            wallet: s.wallet(user),
            prior: key.and_then(|k| s.payment_keys.get(&(user, k.as_str().to_owned())).cloned()),
        })
    }

    async fn pay(&self, plan: &PaymentPlan) -> Result<std::result::Result<(), Vec<PayConflict>>> {
        self.step("pay", |s| Self::pay_in(s, plan))
    }

    async fn payment(&self, user: UserId, id: PaymentId) -> Result<Option<Payment>> {
        Ok(self.lock()?.payments.iter().find(|p| p.user == user && p.id == id).cloned())
    }
    async fn payments(&self, user: UserId) -> Result<Vec<Payment>> {
        let mut list: Vec<Payment> = self.lock()?.payments.iter().filter(|p| p.user == user).cloned().collect();
        list.sort_by_key(|p| std::cmp::Reverse(p.paid_at));
        Ok(list)
    }

    async fn undelivered(&self, limit: usize) -> Result<Vec<OutboxEvent>> {
        Ok(self.lock()?.outbox.iter().take(limit).cloned().collect())
    }

    async fn mark_delivered(&self, event: &OutboxEvent) -> Result<()> {
        self.step("mark_delivered", |s| {
            s.outbox.retain(|p| p.id != event.id);
            Ok(())
        })
    }
}

impl Memory {
    fn pay_in(s: &mut State, plan: &PaymentPlan) -> Result<std::result::Result<(), Vec<PayConflict>>> {
        let p = &plan.payment;
        let mut conflicts = Vec::new();
        if !s.wallet_is(p.user, plan.wallet) {
            conflicts.push(PayConflict::Wallet);
        }
        for r in &plan.reservations {
            let seat_held = s.seat_mut(&r.concert, r.date, r.seat).is_some_and(|seat| {
                matches!(seat.state, SeatState::Held { reservation, until, .. } if reservation == r.id && until > plan.now)
            });
            let slot_kept = s
                .accounts
                .get(&(r.concert.clone(), r.user))
                .and_then(|a| a.slots.get(usize::from(r.slot)).copied().flatten())
                .is_some_and(|u| u.reservation == r.id);
            if !seat_held || !slot_kept {
                conflicts.push(PayConflict::Seat);
            }
            if !s.reservations.get(&r.id).is_some_and(|x| x.state == ReservationState::Held && x.user == p.user) {
                conflicts.push(PayConflict::Reservation);
            }
        }
        let token_active = s
            .tokens
            .get(&plan.token)
            .is_some_and(|t| matches!(t.state, TokenState::Active { until, .. } if until > plan.now))
            && s.slots.get(&plan.token).is_some_and(|slot| *slot > plan.now);
        if !token_active {
            conflicts.push(PayConflict::Token);
        }
        if let Some(k) = &plan.key {
            if s.payment_keys.contains_key(&(p.user, k.as_str().to_owned())) {
                conflicts.push(PayConflict::Key);
            }
        }
        if !conflicts.is_empty() {
            return Ok(Err(conflicts));
        }
        s.put_entry(p.user, &plan.entry());
        for r in &plan.reservations {
            if let Some(seat) = s.seat_mut(&r.concert, r.date, r.seat) {
                seat.state = SeatState::Sold { by: p.user, reservation: r.id };
            }
            if let Some(x) = s.reservations.get_mut(&r.id) {
                x.state = ReservationState::Confirmed { payment: p.id };
            }
            if let Some(slot) = s
                .accounts
                .get_mut(&(r.concert.clone(), r.user))
                .and_then(|a| a.slots.get_mut(usize::from(r.slot)))
                .and_then(Option::as_mut)
            {
                slot.until = SlotUse::FOREVER;
            }
        }
        if let Some(t) = s.tokens.get_mut(&plan.token) {
            t.state = TokenState::Expired;
        }
        s.slots.insert(plan.token, plan.now);
        if let Some(k) = &plan.key {
            s.payment_keys.insert((p.user, k.as_str().to_owned()), p.clone());
        }
        s.payments.push(p.clone());
        s.outbox.push(OutboxEvent::payment_completed(p));
        Ok(Ok(()))
    }
}

#[async_trait]
impl RefundStore for Memory {
    async fn snapshot(
        &self,
        user: UserId,
        reservation: ReservationId,
        key: Option<&IdempotencyKey>,
    ) -> Result<RefundSnapshot> {
        let s = self.lock()?;
        Ok(RefundSnapshot {
            reservation: s.reservations.get(&reservation).cloned(),
            wallet: s.wallet(user),
            existing: s.refunds.get(&reservation).filter(|r| r.user == user).cloned(),
            prior: key.and_then(|k| s.refund_keys.get(&(user, k.as_str().to_owned())).cloned()),
        })
    }

    async fn refund(&self, plan: &RefundPlan) -> Result<bool> {
        self.step("refund", |s| {
            let (r, res) = (&plan.refund, &plan.reservation);
            let confirmed = s
                .reservations
                .get(&r.reservation)
                .is_some_and(|x| x.user == r.user && x.state == ReservationState::Confirmed { payment: r.payment });
            let sold = s.seat_mut(&r.concert, r.date, r.seat).is_some_and(
                |seat| matches!(seat.state, SeatState::Sold { reservation, .. } if reservation == r.reservation),
            );
            let balance_ok = s.wallet_is(r.user, plan.wallet);
            let key_free =
                plan.key.as_ref().is_none_or(|k| !s.refund_keys.contains_key(&(r.user, k.as_str().to_owned())));
            if !confirmed || !sold || !balance_ok || !key_free || s.refunds.contains_key(&r.reservation) {
                return Ok(false);
            }
            if let Some(x) = s.reservations.get_mut(&r.reservation) {
                x.state = ReservationState::Cancelled;
            }
            if let Some(seat) = s.seat_mut(&r.concert, r.date, r.seat) {
                seat.state = SeatState::Available;
            }
            if let Some((c, _)) = s.concerts.get_mut(&r.concert) {
                c.sold_out = false;
                c.refunds += 1;
            }
            if let Some(slot) = s
                .accounts
                .get_mut(&(res.concert.clone(), res.user))
                .and_then(|a| a.slots.get_mut(usize::from(res.slot)))
            {
                *slot = None;
            }
            s.put_entry(r.user, &plan.entry());
            let totals = s.refund_totals.entry(r.concert.clone()).or_default();
            totals.count += 1;
            totals.refunded = totals.refunded.checked_add(r.amount).unwrap_or(totals.refunded);
            totals.fees = totals.fees.checked_add(r.fee).unwrap_or(totals.fees);
            s.refunds.insert(r.reservation, r.clone());
            if let Some(k) = &plan.key {
                s.refund_keys.insert((r.user, k.as_str().to_owned()), r.clone());
            }
            s.outbox.push(r.cancelled_event());
            Ok(true)
        })
    }

    async fn refunds(&self, user: UserId) -> Result<Vec<Refund>> {
        let mut list: Vec<Refund> = self.lock()?.refunds.values().filter(|r| r.user == user).cloned().collect();
        list.sort_by_key(|r| std::cmp::Reverse(r.refunded_at));
        Ok(list)
    }

    async fn totals(&self, concert: &ConcertId) -> Result<RefundTotals> {
        Ok(self.lock()?.refund_totals.get(concert).copied().unwrap_or_default())
    }
}

#[async_trait]
impl EventPublisher for Memory {
    async fn publish(&self, event: &OutboxEvent) -> Result<()> {
        if self.events_down.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(Error::Infrastructure("event queue unavailable".into()));
        }
        self.published.lock().map_err(|_| Error::Infrastructure("poisoned".into()))?.push(event.clone());
        Ok(())
    }
}
