//! The waiting room. A fan takes a token for a concert and waits; the admitter lets
//! tokens in, in arrival order, at a set rate and never above a cap of ACTIVE tokens.
//!
//! Every request costs a constant number of reads and writes, however long the line:
//! a per-concert counter hands out place numbers, and a token's position is its place
//! minus the number the admitter has reached. The admitter lets places in by the *batch*:
//! one write moves the serving number and opens the batch's check-in window, whatever its
//! size (docs/adr/0008). A fan whose place was let in checks in with their first request
//! (their token becomes ACTIVE); the batch's no-shows are settled in one write when the
//! window closes. The cap is a counter of *slots*: a place holds one from admission until
//! its no-show is settled, or, once checked in, until the admitter releases it after the
//! token expired, went idle or was used.

use std::sync::Arc;

use async_trait::async_trait;

use crate::arrivals::{Arrivals, EmptyPlaces, HoleRun};
use crate::catalog::CatalogStore;
use crate::catalog::Concert;
use crate::clock::{Clock, Timestamp};
use crate::error::{Error, Result};
use crate::fair_start::Draw;
use crate::glance::Glances;
use crate::ids::{ConcertId, TokenId, UserId};
use crate::pass::{Pass, PassKey};
use crate::retry::{decide, pause, pause_before_retry, repeating, retrying, Decision, MAX_ATTEMPTS};
use crate::sale::Phase;
use crate::sale::QueuePolicy;

/// How many past minutes the measured pace looks back over.
pub const PACE_MINUTES: i64 = 5;

/// Most slots released in one transaction: DynamoDB's 100 items, less the line's counters.
pub const MAX_RELEASE_PER_TRANSACTION: usize = 99;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenState {
    /// Not checked in: waiting, or let in with a batch and not yet come (the line's
    /// counters say which: `LineCounters::standing`).
    Waiting,
    /// Checked in: ACTIVE until `until` at the latest, and only while it holds its slot,
    /// which lasts until `slot_until`: the idle timeout, renewed by the fan's requests
    /// (never past `until`).
    Active { until: Timestamp, slot_until: Timestamp },
    /// Used up by a payment (or otherwise ended before `until`).
    Expired,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenStatus {
    Waiting,
    Active { until: Timestamp },
    Expired,
}

/// Where a token stands in its line: a pre-queue index (placed by the draw at the
/// opening) or an arrival number after the opening (behind the whole cohort).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Spot {
    /// Joined during the pre-queue: its index (from 0) on the pre-queue's stripes, the
    /// arrival-style number less one; the seal numbers the cohort densely from it.
    Cohort(u64),
    /// Joined after the opening: arrival number (from 1, see [`crate::arrivals`]); its
    /// place is `cohort + number`.
    Arrival(u64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub id: TokenId,
    pub user: UserId,
    pub concert: ConcertId,
    pub spot: Spot,
    pub state: TokenState,
}

impl Token {
    /// The status at `now`: an ACTIVE token is expired from `until` on (inclusive), and
    /// from the end of its slot (a no-show, or idle too long).
    pub fn status_at(&self, now: Timestamp) -> TokenStatus {
        match self.state {
            TokenState::Waiting => TokenStatus::Waiting,
            TokenState::Active { until, slot_until } if now < until && now < slot_until => {
                TokenStatus::Active { until }
            }
            TokenState::Active { .. } | TokenState::Expired => TokenStatus::Expired,
        }
    }

    pub fn is_alive(&self, now: Timestamp) -> bool {
        self.status_at(now) != TokenStatus::Expired
    }

    /// The slot end a request at `now` should renew an ACTIVE token's slot to, if it is
    /// time to: once less than half the idle timeout is left. A busy fan so writes about
    /// once per half timeout, not per request; never past `until`.
    pub fn renewal(&self, now: Timestamp, idle_for: std::time::Duration) -> Option<Timestamp> {
        let TokenState::Active { until, slot_until } = self.state else { return None };
        let wanted = until.min(now.plus(idle_for));
        (slot_until < wanted && slot_until < now.plus(idle_for / 2)).then_some(wanted)
    }
}

/// The per-concert counters of the line. Places in line are numbered from 1: the draw's
/// cohort takes places `1..=cohort`, arrivals after the opening the numbers after it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LineCounters {
    /// Fans who joined during the pre-queue, as the admitter last noted them (the seal
    /// fixes it).
    pub prequeued: u64,
    /// The opening's draw, once sealed; before it, nobody's place is known.
    pub draw: Option<Draw>,
    /// The pre-queue's stripes as the seal froze them: a cohort index's dense index.
    pub cohort_stripes: Arrivals,
    /// Fans who joined: the cohort and every arrival number a join took (holes not
    /// counted), as the admitter last noted them.
    pub issued: u64,
    /// Every place up to here has been let in (the serving number).
    pub admitted_through: u64,
    /// Fans let in: the slots of every batch (the serving number counts holes too).
    pub admitted_fans: u64,
    /// Arrival numbers ever taken by levelling the stripes.
    pub holes_taken: u64,
    /// Slots in use: places of unsettled batches, and checked-in tokens not yet released.
    pub active: u32,
    /// Batches whose no-shows are not settled yet, oldest first.
    pub batches: Vec<Batch>,
    /// Arrival numbers taken by levelling the stripes, not all let in yet.
    pub holes: Vec<HoleRun>,
}

/// Places `from..=through` let in together by one admitter step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Batch {
    pub from: u64,
    pub through: u64,
    /// Each fan of the batch checks in (their first request) before this, or loses the place.
    pub check_in_until: Timestamp,
    /// The active period of every token of the batch.
    pub active_until: Timestamp,
    /// How many counters its check-ins are spread over (a batch of thousands checks in
    /// within seconds: one counter would be one hot item).
    pub shards: u32,
    /// Arrival numbers of the batch that nobody holds (taken by levelling the stripes):
    /// they take no slot.
    pub holes: u64,
}

/// How long an admitter's lease on a concert's tick keeps other admitters out: past it (the
/// admitter died mid-tick), the next tick takes it. Far longer than a tick takes.
const TICK_LEASE: std::time::Duration = std::time::Duration::from_secs(15);

/// A tick's lease while the tick runs: dropped still held (the tick was cancelled), it
/// sends the release from a task of its own, so that the next tick need not wait for the
/// lease to lapse.
struct TickLease {
    store: Arc<dyn QueueStore>,
    concert: ConcertId,
    ticker: String,
    held: bool,
}

impl Drop for TickLease {
    fn drop(&mut self) {
        if !self.held {
            return;
        }
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let (store, concert, ticker) = (self.store.clone(), self.concert.clone(), std::mem::take(&mut self.ticker));
            runtime.spawn(async move { give_back_tick(store.as_ref(), &concert, &ticker).await });
        }
    }
}

/// Give a tick's lease back; should that fail, the lease lapses after TICK_LEASE.
async fn give_back_tick(store: &dyn QueueStore, concert: &ConcertId, ticker: &str) {
    if let Err(e) = repeating(|| store.end_tick(concert, ticker)).await {
        tracing::warn!(concert = %concert, error = %e, "the tick's lease lapses instead");
    }
}

/// How long a sealer's claim keeps others from sealing: past it (the sealer died), the
/// next caller seals.
const SEAL_LEASE: std::time::Duration = std::time::Duration::from_secs(10);

/// Hole runs the line item holds at most (about 20 bytes each) before levelling waits for
/// admission to let some in.
pub const MAX_PENDING_HOLE_RUNS: usize = 1024;

/// At most this many check-ins counters per batch, one per this many places.
pub const MAX_CHECK_IN_SHARDS: u32 = 16;
const PLACES_PER_CHECK_IN_SHARD: u64 = 250;

impl Batch {
    pub fn new(from: u64, through: u64, check_in_until: Timestamp, active_until: Timestamp) -> Self {
        let places = through + 1 - from;
        let shards = u32::try_from(places.div_ceil(PLACES_PER_CHECK_IN_SHARD)).unwrap_or(u32::MAX);
        Self { from, through, check_in_until, active_until, shards: shards.clamp(1, MAX_CHECK_IN_SHARDS), holes: 0 }
    }

    pub fn with_holes(self, holes: u64) -> Self {
        Self { holes, ..self }
    }

    pub fn size(&self) -> u64 {
        self.through + 1 - self.from
    }

    /// The slots the batch takes: one per place held by a fan.
    pub fn slots(&self) -> u64 {
        self.size().saturating_sub(self.holes)
    }

    /// Fans of the batch who did not check in, given how many did.
    pub fn no_shows(&self, checked_in: u64) -> u64 {
        self.slots().saturating_sub(checked_in)
    }

    /// The check-in counter a token adds to.
    pub fn shard_of(&self, token: TokenId) -> u32 {
        u32::try_from(token.as_u128() % u128::from(self.shards.max(1))).unwrap_or(0)
    }

    pub fn holds(&self, place: u64) -> bool {
        (self.from..=self.through).contains(&place)
    }
}

/// Where a WAITING token's place stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Not let in yet (or its place is not known before the opening's draw).
    Waiting,
    /// Let in with this batch, whose check-in is open.
    CheckIn(Batch),
    /// Let in, and the check-in window passed: the place went back to the line.
    Missed,
}

impl LineCounters {
    /// The place number (from 1) of a spot; unknown for the cohort until the draw.
    pub fn place_of(&self, spot: Spot) -> Option<u64> {
        match spot {
            Spot::Arrival(number) => self.draw.map(|d| d.cohort + number),
            Spot::Cohort(index) => {
                let dense = self.cohort_stripes.dense_index(index + 1)?;
                self.draw.and_then(|d| d.place_of(dense)).map(|p| p + 1)
            }
        }
    }

    /// Users ahead of a spot (unknown in the pre-queue): the places between the serving
    /// number and its own, less the empty ones (`empty_places`).
    pub fn position_of(&self, spot: Spot) -> Option<u64> {
        let place = self.place_of(spot)?;
        let empty = self.empty_places();
        Some(positions_ahead(place, self.admitted_through, &empty))
    }

    /// The places nobody holds that are not let in yet: the levelling's hole runs, each a
    /// run of places `STRIPES` apart (a run of ranks on one stripe), after the cohort.
    pub fn empty_places(&self) -> Vec<EmptyPlaces> {
        let Some(draw) = self.draw else { return Vec::new() };
        self.holes.iter().map(|h| h.places(draw.cohort)).collect()
    }

    /// Where a WAITING token at `spot` stands at `now`.
    pub fn standing(&self, spot: Spot, now: Timestamp) -> Standing {
        let Some(place) = self.place_of(spot).filter(|p| *p <= self.admitted_through) else {
            return Standing::Waiting;
        };
        match self.batches.iter().find(|b| b.holds(place)) {
            Some(b) if now < b.check_in_until => Standing::CheckIn(*b),
            _ => Standing::Missed,
        }
    }
}

/// Fans ahead of place `place` once every place through `serving_through` is let in: the
/// places between, less those nobody holds.
pub fn positions_ahead(place: u64, serving_through: u64, empty: &[EmptyPlaces]) -> u64 {
    let between = place.saturating_sub(serving_through).saturating_sub(1);
    between.saturating_sub(empty.iter().map(|e| e.between(serving_through, place)).sum())
}

/// A slot held by a token, to be released once `until` has passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotLease {
    pub token: TokenId,
    pub until: Timestamp,
}

/// One admission step: a batch let in with one write, whatever its size. It holds only
/// if `admitted_through` is still `batch.from - 1` and `active + batch.slots() <= cap`.
/// The hole runs it lets in entirely are forgotten with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdmissionPlan {
    pub concert: ConcertId,
    pub batch: Batch,
    pub cap: u32,
    pub passed: Vec<HoleRun>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreateOutcome {
    Created,
    /// Another live token already holds this user's place in this line.
    HolderTaken,
}

/// Storage of the line. Implementations must make each method one atomic step.
#[async_trait]
pub trait QueueStore: Send + Sync {
    /// The token the user's holder record points to, if any.
    async fn holder_token(&self, concert: &ConcertId, user: UserId) -> Result<Option<Token>>;
    /// Hand out a pre-queue index (one more on one of the pre-queue's stripes, so that no
    /// one item takes every join), unless that stripe is frozen by the seal.
    async fn next_prequeue_index(&self, concert: &ConcertId) -> Result<Option<u64>>;
    /// How far every pre-queue stripe has counted.
    async fn prequeue(&self, concert: &ConcertId) -> Result<Arrivals>;
    /// Freeze every pre-queue stripe (later pre-queue joins are refused): the final counts.
    /// Repeating it gives the same counts.
    async fn freeze_prequeue(&self, concert: &ConcertId) -> Result<Arrivals>;
    /// Note that `prequeued` fans joined the pre-queue, unless a larger number is noted.
    async fn note_prequeued(&self, concert: &ConcertId, prequeued: u64) -> Result<()>;
    /// Hand out an arrival number: one more on one of the arrival stripes (see
    /// [`crate::arrivals`]), so that no one item takes every join.
    async fn next_arrival(&self, concert: &ConcertId) -> Result<u64>;
    /// How far every arrival stripe has counted.
    async fn arrivals(&self, concert: &ConcertId) -> Result<Arrivals>;
    /// Note that `issued` fans have joined, unless a larger number is noted.
    async fn note_issued(&self, concert: &ConcertId, issued: u64) -> Result<()>;
    /// Take `ranks` more ranks on a stripe for nobody (an `ADD`, whatever joins do
    /// meanwhile): the ranks it got.
    async fn fill(&self, concert: &ConcertId, stripe: u32, ranks: u64) -> Result<HoleRun>;
    /// Note hole runs on the line, for the batches that will let them in, and add their
    /// numbers to `holes_taken`; once (a repeat adds nothing).
    async fn note_holes(&self, concert: &ConcertId, runs: &[HoleRun]) -> Result<()>;
    /// Take the concert's tick for `ticker` until `until`, unless another ticker's lease is
    /// unexpired at `now` (the same ticker taking it again succeeds). False otherwise.
    async fn claim_tick(&self, concert: &ConcertId, ticker: &str, now: Timestamp, until: Timestamp) -> Result<bool>;
    /// Give the tick back, if `ticker` still holds it (else nothing).
    async fn end_tick(&self, concert: &ConcertId, ticker: &str) -> Result<()>;
    /// Claim the seal for `sealer` until `until`, if the draw is not sealed and no other
    /// sealer's claim is unexpired at `now` (the same sealer claiming again succeeds).
    /// False otherwise.
    async fn claim_seal(&self, concert: &ConcertId, sealer: &str, now: Timestamp, until: Timestamp) -> Result<bool>;
    /// Seal the opening's draw with the frozen pre-queue (`draw.cohort` = its count), only if
    /// none is sealed; arrivals take the places after `draw.cohort`. False otherwise.
    async fn seal(&self, concert: &ConcertId, draw: &Draw, cohort: &Arrivals) -> Result<bool>;
    async fn counters(&self, concert: &ConcertId) -> Result<LineCounters>;
    /// Write the token and the user's holder record at once. The holder record must be
    /// absent or point to `replaces`, and a WAITING token replaced must still be WAITING
    /// (not checked in meanwhile).
    async fn create_token(&self, token: &Token, replaces: Option<&Token>) -> Result<CreateOutcome>;
    async fn token(&self, id: TokenId) -> Result<Option<Token>>;
    /// Slots whose lease ended at or before `now` (at most `limit`).
    async fn ended_slots(&self, concert: &ConcertId, now: Timestamp, limit: usize) -> Result<Vec<SlotLease>>;
    /// Release the slots and lower `active` by their number. False if another admitter got there first.
    async fn release_slots(&self, concert: &ConcertId, leases: &[SlotLease]) -> Result<bool>;
    /// Let a batch in: move the serving number, count its slots, note the batch (and its
    /// check-in count, from 0). False if the counters changed since they were read.
    async fn admit(&self, plan: &AdmissionPlan) -> Result<bool>;
    /// A WAITING token of `batch` checks in: ACTIVE until `batch.active_until`, its slot
    /// until `slot_until`, counted in its shard of the batch's check-ins; only while the
    /// batch is not settled and the user's holder record still names this token (a re-join
    /// that replaced it wins). False otherwise.
    async fn check_in(&self, token: &Token, batch: &Batch, slot_until: Timestamp) -> Result<bool>;
    /// How many of the batch have checked in so far, per shard.
    async fn checked_in(&self, concert: &ConcertId, batch: &Batch) -> Result<Vec<u64>>;
    /// Settle a batch whose check-in window has passed: if each shard still counts what was
    /// read, give the others' slots back (`active` lowered by `size - checked in`) and
    /// forget the batch, so that later check-ins fail. False if someone checked in
    /// meanwhile or another admitter settled it first.
    async fn settle(&self, concert: &ConcertId, batch: &Batch, checked_in: &[u64]) -> Result<bool>;
    /// Move an ACTIVE token's slot end to `slot_until`, if the token is still ACTIVE and
    /// its slot has not ended at `now`. False otherwise (the fan lost the slot).
    async fn renew_slot(&self, token: TokenId, now: Timestamp, slot_until: Timestamp) -> Result<bool>;
    /// Note the line's running totals in the bucket of `minute` (the admitter does, once a
    /// tick), keeping the larger if several admitters race.
    async fn record_minute(&self, concert: &ConcertId, minute: i64, totals: LineTotals) -> Result<()>;
    /// The totals noted for minutes `from..=to` (at most 60), oldest first; missing ones are skipped.
    async fn minutes(&self, concert: &ConcertId, from: i64, to: i64) -> Result<Vec<(i64, LineTotals)>>;
}

/// The line's running totals at an instant: every fan who ever joined, every place passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LineTotals {
    pub joined: u64,
    pub admitted: u64,
}

impl LineCounters {
    /// Holes among places `from..=through` (arrivals' places follow the cohort's).
    pub fn holes_within(&self, cohort: u64, from: u64, through: u64) -> u64 {
        let (from, through) = (from.saturating_sub(cohort).max(1), through.saturating_sub(cohort));
        self.holes.iter().map(|r| r.count_within(from, through)).sum()
    }

    pub fn totals(&self) -> LineTotals {
        let joined = match self.draw {
            Some(_) => self.issued,
            None => self.prequeued,
        };
        LineTotals { joined, admitted: self.admitted_fans }
    }
}

/// How fast a line moves, for wait estimates: the sale's nominal rate (`per_tick` places
/// every `tick_secs`), and, while the cap of ACTIVE fans is full, what the admitter
/// actually let in per minute over the last minutes while fans were waiting. The measured pace is lower than
/// the nominal one when the cap is full and slots free up only as fans finish; zero means
/// the line has not moved for minutes, and then no estimate is honest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinePace {
    pub per_tick: u64,
    pub tick_secs: u64,
    pub measured_per_minute: Option<u64>,
}

impl LinePace {
    pub fn nominal(policy: &QueuePolicy) -> Self {
        Self {
            per_tick: u64::from(policy.admit_per_tick.max(1)),
            tick_secs: policy.tick_every.as_secs().max(1),
            measured_per_minute: None,
        }
    }

    /// Places let in per minute, as the estimates assume.
    pub fn per_minute(&self) -> u64 {
        let nominal = self.per_tick * 60 / self.tick_secs;
        self.measured_per_minute.map_or(nominal, |m| m.min(nominal))
    }

    /// Seconds until a fan `position` places back is let in: the later of the nominal
    /// rate's and the measured pace's answers; `None` while the line stands still.
    pub fn wait_seconds(&self, position: u64) -> Option<u64> {
        let nominal = (position / self.per_tick + 1) * self.tick_secs;
        match self.measured_per_minute {
            None => Some(nominal),
            Some(0) => None,
            Some(m) => Some(nominal.max(((position + 1) * 60).div_ceil(m))),
        }
    }
}

/// How often a waiting client should ask again, and how long a cache may keep the
/// line's public status.
pub const POLL_SECONDS: u64 = 2;
pub const LINE_STATUS_MAX_AGE_SECONDS: u64 = 1;

/// A concert's line as anyone may see it, the same for every fan: what a waiting fan polls
/// (through a CDN) to work out their own position and wait from their place number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineStatus {
    pub concert: ConcertId,
    pub phase: Phase,
    pub opens_at: Timestamp,
    /// Every place up to this number has been let in (or skipped).
    pub serving_through: u64,
    /// Places handed out so far.
    pub joined: u64,
    pub active: u32,
    pub active_cap: u32,
    pub pace: LinePace,
    /// Places not let in yet that nobody holds, for the fans' own positions.
    pub empty: Vec<EmptyPlaces>,
}

impl LineStatus {
    /// Fans ahead of place `place`.
    pub fn position_of(&self, place: u64) -> u64 {
        positions_ahead(place, self.serving_through, &self.empty)
    }
}

/// What a fan sees of their token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenView {
    pub token: TokenId,
    pub status: TokenStatus,
    /// Fans ahead; `None` in the pre-queue, before the opening's draw.
    pub position: Option<u64>,
    /// The fan's place number in line (from 1); `None` before the opening's draw.
    pub place: Option<u64>,
    /// `None` while the line stands still (the cap is full and nobody has left for minutes).
    pub estimated_wait_seconds: Option<u64>,
    /// The sale's phase and opening, for the fan's screen.
    pub phase: Phase,
    pub opens_at: Timestamp,
    /// The fan's pre-queue index, if they joined then: with the seed published after the
    /// sale, they can recompute their own place (docs/fair-start.md).
    pub prequeue_index: Option<u64>,
    /// For an ACTIVE token: the signed admission pass that read routes check in-process.
    pub pass: Option<SealedPass>,
}

/// An admission pass in its wire form, and until when it is good.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedPass {
    pub value: String,
    pub expires: Timestamp,
}

/// What a fan shows on a protected route: the admission pass they got at check-in
/// (`X-Admission-Pass`, checked in-process, no read) and/or their queue token
/// (`X-Queue-Token`, read from the line). A token alone is the base contract.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Presented<'a> {
    pub token: Option<&'a str>,
    pub pass: Option<&'a str>,
}

impl<'a> From<Option<&'a str>> for Presented<'a> {
    fn from(token: Option<&'a str>) -> Self {
        Self { token, pass: None }
    }
}

impl<'a> From<Option<&'a String>> for Presented<'a> {
    fn from(token: Option<&'a String>) -> Self {
        Self { token: token.map(String::as_str), pass: None }
    }
}

/// The caller's token as a write names it: the write checks it again inside its own
/// transaction, so a pass (not read) and a token (read) serve equally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bearer {
    pub token: TokenId,
    pub user: UserId,
    pub concert: ConcertId,
    pub status: TokenStatus,
}

/// An ACTIVE token, checked for one concert: what protected routes act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admission {
    pub token: TokenId,
    pub user: UserId,
    pub concert: ConcertId,
    /// The token's active period (fixed at admission).
    pub active_until: Timestamp,
}

/// What one admitter tick did for one concert.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TickReport {
    /// Another admitter held the concert's tick: this one did nothing.
    pub busy: bool,
    /// Slots of checked-in tokens that ended.
    pub released: usize,
    /// Places of no-shows given back by settled batches.
    pub no_shows: u64,
    /// The batch let in, if any.
    pub admitted: Option<Batch>,
}

impl TickReport {
    pub fn admitted_count(&self) -> u64 {
        self.admitted.map_or(0, |b| b.slots())
    }
}

pub struct QueueService {
    store: Arc<dyn QueueStore>,
    catalog: Arc<dyn CatalogStore>,
    clock: Arc<dyn Clock>,
    policy: QueuePolicy,
    key: PassKey,
    /// How long a join may answer from a glance (none by default; `glancing_for`).
    glance_for: std::time::Duration,
    glances: Glances<ConcertId, Glance>,
}

/// A sale and its line as this instance read them, for the answer to a join: its phase,
/// its place and position. Kept for a second in production (the line status' CDN max-age)
/// so that 20,000 joins a second do not each read the concert's two hottest items
/// (ADR 0009). Nothing a join decides from it can break an invariant: the number comes from
/// a stripe's `ADD` (a pre-queue stripe refuses once frozen, and the join takes an arrival
/// number instead), the token from its own transaction; a stale glance only makes the
/// answer's position a second old, which the fan's next poll of the line corrects, or lets
/// a join in the second after an operator closed the sale take a place nobody admits.
#[derive(Debug, Clone)]
struct Glance {
    concert: Concert,
    counters: LineCounters,
    /// Kept from an earlier read (so possibly `glance_for` old), not read for this request.
    kept: bool,
}

impl QueueService {
    pub fn new(
        store: Arc<dyn QueueStore>,
        catalog: Arc<dyn CatalogStore>,
        clock: Arc<dyn Clock>,
        policy: QueuePolicy,
        key: PassKey,
    ) -> Self {
        Self { store, catalog, clock, policy, key, glance_for: std::time::Duration::ZERO, glances: Default::default() }
    }

    /// Let joins answer from a glance at the sale and its line up to `glance_for` old.
    #[must_use]
    pub fn glancing_for(mut self, glance_for: std::time::Duration) -> Self {
        self.glance_for = glance_for;
        self
    }

    /// The sale and its line for a join's answer: as this instance last read them, if less
    /// than `glance_for` ago, else read now (at once) and kept. Between the opening and the
    /// seal (a tick at most) a glance without the draw is kept a quarter as long: joins at
    /// the opening peak do not each read the hot items, and learn their place soon after
    /// the draw is sealed.
    async fn glance(&self, concert_id: &ConcertId) -> Result<Glance> {
        let now = self.clock.now();
        let fresh = |g: &Glance, age: std::time::Duration| {
            let awaiting_draw = g.counters.draw.is_none() && g.concert.phase_at(now).is_open();
            age < if awaiting_draw { self.glance_for / 4 } else { self.glance_for }
        };
        let read = async {
            let (concert, counters) =
                tokio::try_join!(self.concert(concert_id), retrying(|| self.store.counters(concert_id)))?;
            Ok::<_, Error>(Glance { concert, counters, kept: false })
        };
        let glancing = |_: &Glance| !self.glance_for.is_zero();
        let (glance, kept) = self.glances.get_or_read(concert_id, now, fresh, glancing, read).await?;
        Ok(Glance { kept, ..glance })
    }

    fn view(
        &self,
        token: &Token,
        counters: Option<&LineCounters>,
        concert: &Concert,
        pace: &LinePace,
        now: Timestamp,
    ) -> TokenView {
        let status = token.status_at(now);
        let phase = concert.phase_at(now);
        let place = counters.and_then(|c| c.place_of(token.spot));
        let (position, estimated_wait_seconds) = match (status, counters) {
            (TokenStatus::Waiting, Some(c)) => match c.position_of(token.spot) {
                Some(p) => (Some(p), pace.wait_seconds(p)),
                // Before the draw: the wait is at least until the opening.
                None => (None, Some(now.until(concert.sale.opens_at).as_secs())),
            },
            _ => (Some(0), Some(0)),
        };
        let prequeue_index = match token.spot {
            Spot::Cohort(i) => Some(i),
            Spot::Arrival(_) => None,
        };
        TokenView {
            token: token.id,
            status,
            position,
            place,
            estimated_wait_seconds,
            phase,
            opens_at: concert.sale.opens_at,
            prequeue_index,
            pass: None,
        }
    }

    /// The line's pace: nominal from the sale's settings; while the cap is full, measured
    /// from the per-minute totals the admitter notes (one bounded read, never one per fan),
    /// because then fans get in only as fast as others finish. Below the cap the admitter
    /// lets in its full rate each tick, and the nominal pace is the true one.
    async fn pace(&self, concert: &Concert, counters: &LineCounters, now: Timestamp) -> Result<LinePace> {
        let policy = concert.control.policy(self.policy);
        let mut pace = LinePace::nominal(&policy);
        if counters.active < policy.active_cap {
            return Ok(pace);
        }
        let this_minute = now.millis().div_euclid(60_000);
        let noted = retrying(|| self.store.minutes(&concert.id, this_minute - PACE_MINUTES, this_minute - 1)).await?;
        // The oldest minute of the latest run of minutes in which fans were waiting.
        let waiting_since = noted.iter().rev().take_while(|(_, t)| t.joined > t.admitted).last();
        if let Some(&(minute, then)) = waiting_since {
            let span = u64::try_from(this_minute - minute).unwrap_or(1).max(1);
            let passed = counters.admitted_fans.saturating_sub(then.admitted);
            // Slow is not stopped: one fan in five minutes is a pace of 1 a minute, not 0.
            pace.measured_per_minute = Some(if passed == 0 { 0 } else { (passed / span).max(1) });
        }
        Ok(pace)
    }

    /// The line's public status: the same for every fan, so a CDN can answer the polls.
    pub async fn line(&self, concert_id: &ConcertId) -> Result<LineStatus> {
        let concert = self.concert(concert_id).await?;
        let counters = retrying(|| self.store.counters(concert_id)).await?;
        let now = self.clock.now();
        let pace = self.pace(&concert, &counters, now).await?;
        Ok(LineStatus {
            concert: concert_id.clone(),
            phase: concert.phase_at(now),
            opens_at: concert.sale.opens_at,
            serving_through: counters.admitted_through,
            joined: counters.totals().joined,
            active: counters.active,
            active_cap: concert.control.policy(self.policy).active_cap,
            pace,
            empty: counters.empty_places(),
        })
    }

    /// The concert, or CONCERT_NOT_FOUND.
    async fn concert(&self, concert: &ConcertId) -> Result<Concert> {
        retrying(|| self.catalog.concert(concert)).await?.ok_or(Error::ConcertNotFound)
    }

    /// Take a place in the concert's line, or get back the live token the user already has.
    /// During the pre-queue the place is an index the opening's draw will place; after the
    /// opening, an arrival number behind the whole cohort. Returns the view and whether the
    /// token is new.
    pub async fn issue(&self, user: UserId, concert_id: &ConcertId) -> Result<(TokenView, bool)> {
        // Independent reads, at once: the sale and its line (a glance: ADR 0009) and the
        // user's earlier token, if any.
        let (Glance { concert, counters: glanced, .. }, mut previous) =
            tokio::try_join!(self.glance(concert_id), retrying(|| self.store.holder_token(concert_id, user)))?;
        let mut attempt = 0;
        let mut mine: Option<Token> = None;
        loop {
            let now = self.clock.now();
            if let Some(live) = previous.as_ref().filter(|t| t.is_alive(now)) {
                // Whether its batch's check-in passed is a decision: read the line itself.
                let counters = retrying(|| self.store.counters(concert_id)).await?;
                // A WAITING token whose batch's check-in passed is over: a new place, at the back.
                if live.state != TokenState::Waiting || counters.standing(live.spot, now) != Standing::Missed {
                    let pace = LinePace::nominal(&concert.control.policy(self.policy));
                    return Ok((self.view(live, Some(&counters), &concert, &pace, now), false));
                }
            }
            let phase = concert.phase_at(now);
            match phase {
                Phase::Scheduled => return Err(Error::SaleNotOpen),
                Phase::SoldOut => return Err(Error::SoldOut),
                Phase::Closed => return Err(Error::SaleClosed),
                Phase::PreQueue | Phase::OnSale | Phase::Paused => {}
            }
            // One number per join: a write refused by a conflict or a throttle applied
            // nothing, so it is sent again with the same token and number. A number whose
            // token is never written (a concurrent join of the same fan won, or we died) is
            // let in with its batch as a no-show: the line never stalls on it, and its slot
            // comes back when the batch's check-in window closes.
            let token = match mine.take() {
                Some(taken) => taken,
                None => {
                    let spot = self.take_spot(&concert, phase).await?;
                    Token { id: TokenId::random(), user, concert: concert_id.clone(), spot, state: TokenState::Waiting }
                }
            };
            match self.store.create_token(&token, previous.as_ref()).await {
                Ok(CreateOutcome::Created) => {
                    tracing::info!(user = %user, concert = %concert_id, spot = ?token.spot, "queue token issued");
                    // A join reads nothing more: its position is from the glance, and the
                    // fan's next poll, of the line, has the pace.
                    let pace = LinePace::nominal(&concert.control.policy(self.policy));
                    return Ok((self.view(&token, Some(&glanced), &concert, &pace, now), true));
                }
                Ok(CreateOutcome::HolderTaken) => {
                    // A concurrent request for the same user won: answer with its token.
                    previous = retrying(|| self.store.holder_token(concert_id, user)).await?;
                }
                Err(e) => match decide(&e, attempt) {
                    Decision::RetryWithin(cap) => {
                        pause(cap).await;
                        // The transaction may have met a concurrent issue for this user.
                        previous = retrying(|| self.store.holder_token(concert_id, user)).await?;
                        mine = Some(token);
                    }
                    Decision::GiveUp => return Err(e),
                },
            }
            attempt += 1;
            if attempt >= MAX_ATTEMPTS {
                return Err(Error::Contention);
            }
        }
    }

    /// A new spot in line: a pre-queue index while the draw is not sealed and the sale has
    /// not opened, else an arrival number (no item takes every join). Never the seal: the
    /// admitter's tick makes it.
    async fn take_spot(&self, concert: &Concert, phase: Phase) -> Result<Spot> {
        if phase == Phase::PreQueue {
            if let Some(index) = retrying(|| self.store.next_prequeue_index(&concert.id)).await? {
                return Ok(Spot::Cohort(index));
            }
        }
        // No seal here: at the opening every join would race to it. The admitter's first
        // tick after the opening seals; until then a fan's place is not known yet.
        Ok(Spot::Arrival(retrying(|| self.store.next_arrival(&concert.id)).await?))
    }

    /// Seal the opening's draw if nobody has, waiting for a sealer already at it. Several
    /// sealers racing seal once.
    pub async fn seal(&self, concert: &ConcertId) -> Result<Draw> {
        for attempt in 0..MAX_ATTEMPTS * 4 {
            if let Some(draw) = self.try_seal(concert).await? {
                return Ok(draw);
            }
            pause_before_retry(attempt).await;
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        Err(Error::Contention)
    }

    /// Seal the opening's draw if nobody has and nobody is at it: the caller claims the
    /// seal (one conditional write, a lease: overlapping admitters seal once), freezes the
    /// pre-queue's stripes (a write each, however many fans) and fixes the cohort and a
    /// secret seed with one conditional write. None while another sealer holds the claim.
    async fn try_seal(&self, concert: &ConcertId) -> Result<Option<Draw>> {
        let counters = retrying(|| self.store.counters(concert)).await?;
        if let Some(draw) = counters.draw {
            return Ok(Some(draw));
        }
        // The claim names this sealer, so it is sent again on any failure: a claim that
        // applied and lost its answer is taken again, not waited out.
        let sealer = uuid::Uuid::new_v4().simple().to_string();
        let now = self.clock.now();
        if !repeating(|| self.store.claim_seal(concert, &sealer, now, now.plus(SEAL_LEASE))).await? {
            return Ok(retrying(|| self.store.counters(concert)).await?.draw);
        }
        let cohort = repeating(|| self.store.freeze_prequeue(concert)).await?;
        let draw = Draw { cohort: cohort.taken(), seed: *uuid::Uuid::new_v4().as_bytes() };
        if retrying(|| self.store.seal(concert, &draw, &cohort)).await? {
            tracing::info!(concert = %concert, cohort = draw.cohort, "opening draw sealed");
            return Ok(Some(draw));
        }
        Ok(retrying(|| self.store.counters(concert)).await?.draw)
    }

    /// The token's status and, while waiting, its position and the sale's phase.
    pub async fn current(&self, caller: UserId, raw_token: Option<&str>) -> Result<TokenView> {
        let now = self.clock.now();
        let token = self.token(caller, raw_token).await?;
        // The sale's phase, for the answer, and the line, for a check-in, from the glance:
        // first for a waiting token (its check-in decides from it), else at once with the
        // slot's renewal.
        let concert_id = token.concert.clone();
        let (concert, (token, read)) = if token.state == TokenState::Waiting {
            let glance = self.glance(&concert_id).await?;
            (glance.concert.clone(), self.show_up(token, Some(glance), now).await?)
        } else {
            let (glance, shown) = tokio::try_join!(self.glance(&concert_id), self.show_up(token, None, now))?;
            (glance.concert, shown)
        };
        match token.status_at(now) {
            TokenStatus::Expired => Err(Error::TokenExpired),
            TokenStatus::Waiting => {
                let counters = match read {
                    Some(c) => c,
                    None => retrying(|| self.store.counters(&token.concert)).await?,
                };
                let pace = self.pace(&concert, &counters, now).await?;
                Ok(self.view(&token, Some(&counters), &concert, &pace, now))
            }
            TokenStatus::Active { until } => {
                let mut view = self.view(&token, None, &concert, &LinePace::nominal(&self.policy), now);
                let slot_until = match token.state {
                    TokenState::Active { slot_until, .. } => slot_until,
                    _ => until,
                };
                let pass = Pass {
                    token: token.id,
                    user: token.user,
                    concert: token.concert.clone(),
                    active_until: until,
                    expires: slot_until.min(until),
                };
                view.pass = Some(SealedPass { value: pass.seal(&self.key), expires: pass.expires });
                Ok(view)
            }
        }
    }

    /// The caller's token named by the `X-Queue-Token` value, whatever its status. A token
    /// is bound to the user it was issued to: anyone else presenting it is refused.
    pub async fn token(&self, caller: UserId, raw_token: Option<&str>) -> Result<Token> {
        let raw = raw_token.filter(|s| !s.trim().is_empty()).ok_or(Error::TokenMissing)?;
        let id = TokenId::parse(raw)?;
        let token = retrying(|| self.store.token(id)).await?.ok_or(Error::TokenInvalid)?;
        if token.user != caller {
            tracing::warn!(caller = %caller, token = %id, "queue token presented by another user");
            return Err(Error::Forbidden);
        }
        Ok(token)
    }

    /// An ACTIVE token, for whichever concert it was issued: proven by an unexpired pass
    /// (no read), else read (and its slot renewed when due).
    pub async fn admitted<'a>(&self, caller: UserId, presented: impl Into<Presented<'a>>) -> Result<Admission> {
        let presented = presented.into();
        let now = self.clock.now();
        if let Some(pass) = self.open_pass(caller, presented, now)? {
            return Ok(Admission {
                token: pass.token,
                user: pass.user,
                concert: pass.concert,
                active_until: pass.active_until,
            });
        }
        let (token, _) = self.show_up(self.token(caller, presented.token).await?, None, now).await?;
        match token.status_at(now) {
            TokenStatus::Expired => Err(Error::TokenExpired),
            TokenStatus::Waiting => Err(Error::TokenNotActive),
            TokenStatus::Active { until } => {
                Ok(Admission { token: token.id, user: token.user, concert: token.concert, active_until: until })
            }
        }
    }

    /// The caller's token for a write, whatever its status (a payment repeated after the
    /// token was used up still learns its outcome): named by an unexpired pass, else read.
    pub async fn bearer<'a>(&self, caller: UserId, presented: impl Into<Presented<'a>>) -> Result<Bearer> {
        let presented = presented.into();
        let now = self.clock.now();
        if let Some(pass) = self.open_pass(caller, presented, now)? {
            let status = TokenStatus::Active { until: pass.active_until };
            return Ok(Bearer { token: pass.token, user: pass.user, concert: pass.concert, status });
        }
        let token = self.token(caller, presented.token).await?;
        Ok(Bearer { status: token.status_at(now), token: token.id, user: token.user, concert: token.concert })
    }

    /// The pass presented, if it is good at `now`. A pass not signed by our key, or
    /// presented by anyone but its user, or beside another token, is refused. An expired
    /// pass is refused alone, and set aside when the token is presented too (its slot may
    /// have been renewed since: the token is read instead).
    fn open_pass(&self, caller: UserId, presented: Presented<'_>, now: Timestamp) -> Result<Option<Pass>> {
        let Some(raw) = presented.pass.filter(|p| !p.trim().is_empty()) else { return Ok(None) };
        let pass = Pass::open(raw, &self.key)?;
        if pass.user != caller {
            tracing::warn!(caller = %caller, token = %pass.token, "admission pass presented by another user");
            return Err(Error::Forbidden);
        }
        let token = presented.token.filter(|t| !t.trim().is_empty());
        if let Some(raw_token) = token {
            if TokenId::parse(raw_token)? != pass.token {
                return Err(Error::TokenInvalid);
            }
        }
        match (now < pass.expires.min(pass.active_until), token) {
            (true, _) => Ok(Some(pass)),
            (false, Some(_)) => Ok(None),
            (false, None) => Err(Error::TokenExpired),
        }
    }

    /// A request of the token's fan, as its status needs: a WAITING token whose place was
    /// let in checks in (its first request: it becomes ACTIVE) while its batch's window is
    /// open, and has missed its turn after (TOKEN_EXPIRED); an ACTIVE token's slot is
    /// renewed when due (`Token::renewal`), and a slot that ended meanwhile (a no-show or an
    /// idle fan) stays ended. Returns the line's counters when it read them.
    ///
    /// The line comes from the glance (given, or taken here). A kept glance that lets the
    /// place in is trusted: a place never changes once the draw is sealed, nor a batch's
    /// places, and the check-in transaction refuses a batch settled since. Any other
    /// answer from a kept glance (waiting, or the window closed) is read again: the place
    /// may have been let in within the glance's second.
    async fn show_up(
        &self,
        token: Token,
        glance: Option<Glance>,
        now: Timestamp,
    ) -> Result<(Token, Option<LineCounters>)> {
        match token.state {
            TokenState::Waiting => {
                let glance = match glance {
                    Some(g) => g,
                    None => self.glance(&token.concert).await?,
                };
                let counters = match glance.counters.standing(token.spot, now) {
                    Standing::CheckIn(batch) => return Ok((self.check_in(token, batch, now).await?, None)),
                    _ if glance.kept => retrying(|| self.store.counters(&token.concert)).await?,
                    _ => glance.counters,
                };
                match counters.standing(token.spot, now) {
                    Standing::Waiting => Ok((token, Some(counters))),
                    Standing::CheckIn(batch) => Ok((self.check_in(token, batch, now).await?, None)),
                    Standing::Missed => {
                        tracing::info!(token = %token.id, "the fan did not check in before the window closed");
                        Err(Error::TokenExpired)
                    }
                }
            }
            TokenState::Active { .. } => Ok((self.renew(token, now).await?, None)),
            TokenState::Expired => Ok((token, None)),
        }
    }

    /// The first request of a fan whose place was let in: ACTIVE for the batch's active
    /// period, the slot for the idle timeout.
    async fn check_in(&self, mut token: Token, batch: Batch, now: Timestamp) -> Result<Token> {
        let slot_until = batch.active_until.min(now.plus(self.policy.idle_for));
        if retrying(|| self.store.check_in(&token, &batch, slot_until)).await? {
            tracing::info!(token = %token.id, "checked in");
            token.state = TokenState::Active { until: batch.active_until, slot_until };
            return Ok(token);
        }
        // A concurrent request of the same fan checked in first, or the batch was settled.
        match retrying(|| self.store.token(token.id)).await? {
            Some(t @ Token { state: TokenState::Active { .. }, .. }) => Ok(t),
            _ => Err(Error::TokenExpired),
        }
    }

    /// An ACTIVE token's sign of life: its slot renewed when due.
    async fn renew(&self, mut token: Token, now: Timestamp) -> Result<Token> {
        let (TokenStatus::Active { .. }, Some(slot_until)) =
            (token.status_at(now), token.renewal(now, self.policy.idle_for))
        else {
            return Ok(token);
        };
        if !retrying(|| self.store.renew_slot(token.id, now, slot_until)).await? {
            tracing::info!(token = %token.id, "slot ended before the fan came back");
            return Err(Error::TokenExpired);
        }
        if let TokenState::Active { until, .. } = token.state {
            token.state = TokenState::Active { until, slot_until };
        }
        Ok(token)
    }

    /// The check every protected route makes: an ACTIVE token for this concert.
    pub async fn authorize<'a>(
        &self,
        caller: UserId,
        presented: impl Into<Presented<'a>>,
        concert: &ConcertId,
    ) -> Result<Admission> {
        let admission = self.admitted(caller, presented).await?;
        if &admission.concert != concert {
            return Err(Error::TokenWrongConcert);
        }
        Ok(admission)
    }

    /// One admitter step for one concert: release ended slots; once the sale has opened,
    /// seal the draw if nobody has, and while it is on sale admit the next waiting tokens
    /// in place order within the sale's rate and cap; notice a sell-out. Safe to run in
    /// several places at once: every write is conditional on the counters it read.
    pub async fn tick(&self, concert_id: &ConcertId) -> Result<TickReport> {
        // One admitter ticks a concert at a time (ADR 0009): an admitter whose batch was
        // worked out between another's levelling and its note would count the fresh holes as
        // fans. Taking and giving back the lease name this tick, so both are sent again on
        // any failure; a lease whose release was lost lapses after TICK_LEASE.
        let ticker = uuid::Uuid::new_v4().simple().to_string();
        let now = self.clock.now();
        if !repeating(|| self.store.claim_tick(concert_id, &ticker, now, now.plus(TICK_LEASE))).await? {
            tracing::info!(concert = %concert_id, "another admitter is ticking this concert");
            return Ok(TickReport { busy: true, ..TickReport::default() });
        }
        // Should this tick be dropped midway (the admitter's step budget ran out), the
        // guard gives the lease back from a task of its own.
        let mut lease = TickLease { store: self.store.clone(), concert: concert_id.clone(), ticker, held: true };
        let report = self.tick_leased(concert_id, now).await;
        lease.held = false;
        give_back_tick(self.store.as_ref(), concert_id, &lease.ticker).await;
        report
    }

    /// The tick, under its lease.
    async fn tick_leased(&self, concert_id: &ConcertId, now: Timestamp) -> Result<TickReport> {
        let mut report = TickReport::default();
        loop {
            let ended = retrying(|| self.store.ended_slots(concert_id, now, MAX_RELEASE_PER_TRANSACTION)).await?;
            if ended.is_empty() || !self.store.release_slots(concert_id, &ended).await? {
                break;
            }
            report.released += ended.len();
        }
        let concert = self.concert(concert_id).await?;
        let phase = concert.phase_at(now);
        if phase.is_open() {
            self.seal(concert_id).await?;
        }
        // The stripes before the line: a levelling by another admitter in between then
        // understates who joined (the next tick corrects it), never overstates it. Before the
        // opening nobody has an arrival number: nothing to read.
        let mut arrivals = match phase {
            Phase::Scheduled | Phase::PreQueue => Arrivals::new(Vec::new()),
            _ => retrying(|| self.store.arrivals(concert_id)).await?,
        };
        let mut counters = retrying(|| self.store.counters(concert_id)).await?;
        if self.settle(concert_id, &counters, now, &mut report).await? {
            counters = retrying(|| self.store.counters(concert_id)).await?;
        }
        // How many joined, from the stripes (a join writes nothing on the line).
        let arrivals = match counters.draw {
            Some(draw) => {
                let joined = draw.cohort + arrivals.taken().saturating_sub(counters.holes_taken);
                if joined > counters.issued {
                    repeating(|| self.store.note_issued(concert_id, joined)).await?;
                    counters.issued = joined;
                }
                if matches!(phase, Phase::OnSale | Phase::Paused) {
                    self.level(concert_id, &mut arrivals, &mut counters).await?;
                }
                Some((draw, arrivals))
            }
            None => {
                let prequeued = retrying(|| self.store.prequeue(concert_id)).await?.taken();
                if prequeued > counters.prequeued {
                    repeating(|| self.store.note_prequeued(concert_id, prequeued)).await?;
                    counters.prequeued = prequeued;
                }
                None
            }
        };
        // The operator's per-minute numbers: one write a tick, never one per fan.
        let minute = now.millis().div_euclid(60_000);
        if let Err(e) = retrying(|| self.store.record_minute(concert_id, minute, counters.totals())).await {
            tracing::warn!(concert = %concert_id, error = %e, "could not note the minute's totals");
        }
        if matches!(phase, Phase::OnSale | Phase::Paused) && self.all_sold(concert_id).await? {
            self.catalog.mark_sold_out(concert_id, concert.refunds).await?;
            tracing::info!(concert = %concert_id, "sold out");
            return Ok(report);
        }
        if !phase.admits() {
            return Ok(report);
        }
        let Some((draw, arrivals)) = arrivals else { return Ok(report) };
        let policy = concert.control.policy(self.policy);
        let room = u64::from(policy.active_cap.saturating_sub(counters.active).min(policy.admit_per_tick));
        let Some((batch, passed)) = next_batch(&counters, draw.cohort, &arrivals, room, &policy, now) else {
            return Ok(report);
        };
        let plan = AdmissionPlan { concert: concert_id.clone(), batch, cap: policy.active_cap, passed };
        // False: another admitter moved first (or our write applied and its answer was lost:
        // the line has the batch all the same, and the report is only the report).
        if self.store.admit(&plan).await? {
            tracing::info!(concert = %concert_id, from = batch.from, through = batch.through, "admitted");
            report.admitted = Some(batch);
        }
        Ok(report)
    }

    /// Settle every batch whose check-in window has closed: its no-shows' slots go back to
    /// the line in one write per batch. Whether any batch was settled.
    async fn settle(
        &self,
        concert: &ConcertId,
        counters: &LineCounters,
        now: Timestamp,
        report: &mut TickReport,
    ) -> Result<bool> {
        let mut settled = false;
        for batch in counters.batches.iter().filter(|b| b.check_in_until <= now) {
            let checked_in = retrying(|| self.store.checked_in(concert, batch)).await?;
            // False: a late check-in or another admitter got there first; the next tick sees.
            if self.store.settle(concert, batch, &checked_in).await? {
                report.no_shows += batch.no_shows(checked_in.iter().sum());
                settled = true;
            }
        }
        Ok(settled)
    }

    /// Level the arrival stripes, so that a fan counting on a lagging stripe is not numbered
    /// ahead of fans who came before: the ranks taken are holes, noted for their batch. (A
    /// levelling whose note is lost leaves holes counted as fans: no-shows of their batch,
    /// whose slots come back when its check-in window closes.)
    async fn level(&self, concert: &ConcertId, arrivals: &mut Arrivals, counters: &mut LineCounters) -> Result<()> {
        let levelling = arrivals.levelling();
        // The runs wait on the line item until let in: while admission is far behind, stop
        // adding them (order is then exact only to the stripes' spread) rather than grow it.
        if levelling.is_empty() || counters.holes.len() + levelling.len() > MAX_PENDING_HOLE_RUNS {
            return Ok(());
        }
        // One stripe after the other: a tick has seconds, the table's other callers need them
        // more. A fill refused (throttled) applied nothing and is sent again; one whose
        // outcome is unknown ends the levelling, and the runs taken so far are still noted.
        let mut runs = Vec::with_capacity(levelling.len());
        let mut failed = None;
        for (stripe, ranks) in levelling {
            match retrying(|| self.store.fill(concert, stripe, ranks)).await {
                Ok(run) => runs.push(run),
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            }
        }
        if !runs.is_empty() {
            retrying(|| self.store.note_holes(concert, &runs)).await?;
        }
        if let Some(e) = failed {
            return Err(e);
        }
        for run in &runs {
            arrivals.raise(run.stripe, run.through);
        }
        counters.holes_taken += runs.iter().map(|r| r.through - r.after).sum::<u64>();
        counters.holes.extend(runs);
        Ok(())
    }

    /// Every seat of every date sold (one bounded query of the concert's seats).
    async fn all_sold(&self, concert: &ConcertId) -> Result<bool> {
        let seats = retrying(|| self.catalog.concert_seats(concert)).await?.unwrap_or_default();
        Ok(!seats.is_empty() && seats.iter().all(|s| s.status_at(self.clock.now()) == crate::catalog::SeatStatus::Sold))
    }
}

/// The next batch, if any: the next places of the dense line, as many as hold `room`
/// fans (holes take no slot), in one write however many. A fan learns they are in from
/// the serving number, and checks in with their first request. With it, the hole runs it
/// lets in entirely.
fn next_batch(
    counters: &LineCounters,
    cohort: u64,
    arrivals: &Arrivals,
    room: u64,
    policy: &QueuePolicy,
    now: Timestamp,
) -> Option<(Batch, Vec<HoleRun>)> {
    let dense = cohort + arrivals.dense_through();
    let from = counters.admitted_through + 1;
    if room == 0 || dense < from {
        return None;
    }
    let holes_through = |through: u64| counters.holes_within(cohort, from, through);
    let mut through = (from - 1 + room).min(dense);
    loop {
        let further = (from - 1 + room + holes_through(through)).min(dense);
        if further == through {
            break;
        }
        through = further;
    }
    let batch =
        Batch::new(from, through, now.plus(policy.check_in_for.min(policy.active_for)), now.plus(policy.active_for))
            .with_holes(holes_through(through));
    let passed = counters.holes.iter().filter(|r| cohort + r.last() <= through).copied().collect();
    Some((batch, passed))
}

#[cfg(test)]
mod tests;
