//! What the line needs of storage, split by who asks: `LineStore` is what everyone reads,
//! `FanStore` what a fan's requests write (joins, check-ins, renewals), `AdmitterStore`
//! what the admitter's tick writes (the seal, levelling, admission, settling, releases).
//! Implementations must make each method one atomic step.

use async_trait::async_trait;

use crate::error::Result;
use crate::line::token::Token;
use crate::rules::arrivals::{Arrivals, HoleRun};
use crate::rules::fair_start::Draw;
use crate::rules::line::{Batch, LineCounters, LineTotals};
use crate::values::clock::Timestamp;
use crate::values::ids::{ConcertId, TokenId, UserId};

/// Most slots released in one transaction: DynamoDB's 100 items, less the line's counters.
pub const MAX_RELEASE_PER_TRANSACTION: usize = 99;

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

/// What a release of slots came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Release {
    Done,
    /// Nothing released: these tokens' slots are no longer as read.
    Stale(Vec<TokenId>),
    /// Nothing released: another admitter moved the line first.
    Raced,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreateOutcome {
    Created,
    /// Another live token already holds this user's place in this line.
    HolderTaken,
}

/// What every side reads of a line.
#[async_trait]
pub trait LineStore: Send + Sync {
    async fn counters(&self, concert: &ConcertId) -> Result<LineCounters>;
    async fn token(&self, id: TokenId) -> Result<Option<Token>>;
    /// The totals noted for minutes `from..=to` (at most 60), oldest first; missing ones are skipped.
    async fn minutes(&self, concert: &ConcertId, from: i64, to: i64) -> Result<Vec<(i64, LineTotals)>>;
}

/// What a fan's requests write: their place, their token, their check-in and renewals.
#[async_trait]
pub trait FanStore: LineStore {
    /// The token the user's holder record points to, if any.
    async fn holder_token(&self, concert: &ConcertId, user: UserId) -> Result<Option<Token>>;
    /// Hand out a pre-queue index (one more on one of the pre-queue's stripes, so that no
    /// one item takes every join), unless that stripe is frozen by the seal.
    async fn next_prequeue_index(&self, concert: &ConcertId) -> Result<Option<u64>>;
    /// Hand out an arrival number: one more on one of the arrival stripes (see
    /// [`crate::arrivals`]), so that no one item takes every join.
    async fn next_arrival(&self, concert: &ConcertId) -> Result<u64>;
    /// Write the token and the user's holder record at once. The holder record must be
    /// absent or point to `replaces`, and a WAITING token replaced must still be WAITING
    /// (not checked in meanwhile).
    async fn create_token(&self, token: &Token, replaces: Option<&Token>) -> Result<CreateOutcome>;
    /// A WAITING token of `batch` checks in: ACTIVE until `batch.active_until`, its slot
    /// until `slot_until`, counted in its shard of the batch's check-ins; only while the
    /// batch is not settled and the user's holder record still names this token (a re-join
    /// that replaced it wins). False otherwise.
    async fn check_in(&self, token: &Token, batch: &Batch, slot_until: Timestamp) -> Result<bool>;
    /// Move an ACTIVE token's slot end to `slot_until`, if the token is still ACTIVE and
    /// its slot has not ended at `now`. False otherwise (the fan lost the slot).
    async fn renew_slot(&self, token: TokenId, now: Timestamp, slot_until: Timestamp) -> Result<bool>;
}

/// What the admitter writes: the tick's lease, the seal, levelling, admission, settling
/// batches, releasing slots and the minute's totals.
#[async_trait]
pub trait AdmitterStore: LineStore {
    /// How far every pre-queue stripe has counted.
    async fn prequeue(&self, concert: &ConcertId) -> Result<Arrivals>;
    /// Freeze every pre-queue stripe (later pre-queue joins are refused): the final counts.
    /// Repeating it gives the same counts.
    async fn freeze_prequeue(&self, concert: &ConcertId) -> Result<Arrivals>;
    /// Note that `prequeued` fans joined the pre-queue, unless a larger number is noted.
    async fn note_prequeued(&self, concert: &ConcertId, prequeued: u64) -> Result<()>;
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
    /// Fix the seed the draw will use, unless one is fixed already: the seed now fixed
    /// (`seed` or the earlier one). Harmless to repeat; racing admitters fix one.
    async fn commit_seed(&self, concert: &ConcertId, seed: [u8; 16]) -> Result<[u8; 16]>;
    /// Slots whose lease ended at or before `now` (at most `limit`).
    async fn ended_slots(&self, concert: &ConcertId, now: Timestamp, limit: usize) -> Result<Vec<SlotLease>>;
    /// Release the slots and lower `active` by their number, all or none: `Stale` names the
    /// leases whose slot is no longer as read (the index they came from lags, so a renewed
    /// or released slot can still be listed), `Raced` says another admitter got there first.
    async fn release_slots(&self, concert: &ConcertId, leases: &[SlotLease]) -> Result<Release>;
    /// Let a batch in: move the serving number, count its slots, note the batch (and its
    /// check-in count, from 0). False if the counters changed since they were read.
    async fn admit(&self, plan: &AdmissionPlan) -> Result<bool>;
    /// How many of the batch have checked in so far, per shard.
    async fn checked_in(&self, concert: &ConcertId, batch: &Batch) -> Result<Vec<u64>>;
    /// Settle a batch whose check-in window has passed: if each shard still counts what was
    /// read, give the others' slots back (`active` lowered by `size - checked in`) and
    /// forget the batch, so that later check-ins fail. False if someone checked in
    /// meanwhile or another admitter settled it first.
    async fn settle(&self, concert: &ConcertId, batch: &Batch, checked_in: &[u64]) -> Result<bool>;
    /// Note the line's running totals in the bucket of `minute` (the admitter does, once a
    /// tick), keeping the larger if several admitters race.
    async fn record_minute(&self, concert: &ConcertId, minute: i64, totals: LineTotals) -> Result<()>;
}
