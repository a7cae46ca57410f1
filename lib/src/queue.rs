//! The waiting room. A fan takes a token for a concert and waits; the admitter lets
//! tokens in, in arrival order, at a set rate and never above a cap of ACTIVE tokens.
//!
//! Every request costs a constant number of reads and writes, however long the line:
//! a per-concert counter hands out arrival numbers (`seq`), each number has a *place*
//! that names its token (or is void), and a token's position is `seq` minus the number
//! the admitter has reached. The cap is a counter of *slots*: a token holds a slot from
//! admission until the admitter releases it after the token expired or was used.

use std::sync::Arc;

use async_trait::async_trait;

use crate::catalog::CatalogStore;
use crate::catalog::Concert;
use crate::clock::{Clock, Timestamp};
use crate::config::QueuePolicy;
use crate::error::{Error, Result};
use crate::fair_start::Draw;
use crate::ids::{ConcertId, TokenId, UserId};
use crate::retry::{decide, pause, pause_before_retry, retrying, Decision, MAX_ATTEMPTS};
use crate::sale::Phase;

/// Most writes DynamoDB accepts in one transaction, less the queue counter itself.
pub const MAX_ADMIT_PER_TRANSACTION: usize = 99;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenState {
    Waiting,
    Active {
        until: Timestamp,
    },
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
    /// Joined during the pre-queue, `n`-th (from 0).
    Cohort(u64),
    /// Joined after the opening: arrival number from `cohort + 1` on.
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
    /// The status at `now`: an ACTIVE token is expired from `until` on (inclusive).
    pub fn status_at(&self, now: Timestamp) -> TokenStatus {
        match self.state {
            TokenState::Waiting => TokenStatus::Waiting,
            TokenState::Active { until } if now < until => TokenStatus::Active { until },
            TokenState::Active { .. } | TokenState::Expired => TokenStatus::Expired,
        }
    }

    pub fn is_alive(&self, now: Timestamp) -> bool {
        self.status_at(now) != TokenStatus::Expired
    }
}

/// The per-concert counters of the line. Places in line are numbered from 1: the draw's
/// cohort takes places `1..=cohort`, arrivals after the opening the numbers after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LineCounters {
    /// Fans who joined during the pre-queue (the next pre-queue index).
    pub prequeued: u64,
    /// The opening's draw, once sealed; before it, nobody's place is known.
    pub draw: Option<Draw>,
    /// Highest place number handed out (the cohort's included, once sealed).
    pub issued: u64,
    /// Every arrival number up to here has been admitted or skipped.
    pub admitted_through: u64,
    /// Slots in use: admitted tokens not yet released.
    pub active: u32,
    /// An arrival number that had no place at the last tick: voided if still missing at the next.
    pub suspect_gap: Option<u64>,
}

impl LineCounters {
    /// The place number (from 1) of a spot; unknown for the cohort until the draw.
    pub fn place_of(&self, spot: Spot) -> Option<u64> {
        match spot {
            Spot::Arrival(seq) => Some(seq),
            Spot::Cohort(index) => self.draw.and_then(|d| d.place_of(index)).map(|p| p + 1),
        }
    }

    /// Who stands at place number `place` (from 1).
    pub fn spot_at(&self, place: u64) -> Spot {
        match self.draw {
            Some(d) if place >= 1 && place <= d.cohort => {
                d.index_at(place - 1).map_or(Spot::Arrival(place), Spot::Cohort)
            }
            _ => Spot::Arrival(place),
        }
    }

    /// Users ahead of a spot (unknown in the pre-queue).
    pub fn position_of(&self, spot: Spot) -> Option<u64> {
        self.place_of(spot).map(|p| p.saturating_sub(self.admitted_through).saturating_sub(1))
    }
}

/// What an arrival number points to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Token(TokenId),
    /// Nobody: the issuer lost a race for the same user, or never finished.
    Void,
}

/// A slot held by a token, to be released once `until` has passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotLease {
    pub token: TokenId,
    pub until: Timestamp,
}

/// One admission step, applied all-or-nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdmissionPlan {
    pub concert: ConcertId,
    /// `admitted_through` as read; the write holds only if it is unchanged.
    pub expected_admitted_through: u64,
    pub new_admitted_through: u64,
    pub tokens: Vec<TokenId>,
    pub active_until: Timestamp,
    /// The write holds only if `active + tokens.len() <= cap`.
    pub cap: u32,
    pub suspect_gap: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreateOutcome {
    Created,
    /// Another live token already holds this user's place in this line.
    HolderTaken,
    /// The arrival number was voided before we wrote it.
    PlaceTaken,
}

/// Storage of the line. Implementations must make each method one atomic step.
#[async_trait]
pub trait QueueStore: Send + Sync {
    /// The token the user's holder record points to, if any.
    async fn holder_token(&self, concert: &ConcertId, user: UserId) -> Result<Option<Token>>;
    /// Hand out the next pre-queue index, if the draw is not sealed yet.
    async fn next_prequeue_index(&self, concert: &ConcertId) -> Result<Option<u64>>;
    /// Hand out the next arrival number, if the draw is sealed (arrivals queue behind it).
    async fn next_seq(&self, concert: &ConcertId) -> Result<Option<u64>>;
    /// Seal the opening's draw: only if none is sealed and exactly `draw.cohort` fans have
    /// pre-queued; arrivals are numbered from `draw.cohort + 1` on. False otherwise.
    async fn seal(&self, concert: &ConcertId, draw: &Draw) -> Result<bool>;
    async fn counters(&self, concert: &ConcertId) -> Result<LineCounters>;
    /// Write the token, its place and the user's holder record at once. The holder record
    /// must be absent or point to `replaces`; the place must be empty.
    async fn create_token(&self, token: &Token, replaces: Option<TokenId>) -> Result<CreateOutcome>;
    /// Mark a spot void if nothing was written there. True if voided.
    async fn void_place(&self, concert: &ConcertId, spot: Spot) -> Result<bool>;
    async fn token(&self, id: TokenId) -> Result<Option<Token>>;
    /// What stands at these spots (at most 100), `None` where nothing was written.
    async fn places(&self, concert: &ConcertId, spots: &[Spot]) -> Result<Vec<Option<Place>>>;
    /// Slots whose lease ended at or before `now` (at most `limit`).
    async fn ended_slots(&self, concert: &ConcertId, now: Timestamp, limit: usize) -> Result<Vec<SlotLease>>;
    /// Release the slots and lower `active` by their number. False if another admitter got there first.
    async fn release_slots(&self, concert: &ConcertId, leases: &[SlotLease]) -> Result<bool>;
    /// Apply an admission plan. False if the counters changed since they were read.
    async fn admit(&self, plan: &AdmissionPlan) -> Result<bool>;
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
    pub fn totals(&self) -> LineTotals {
        let joined = match self.draw {
            Some(_) => self.issued,
            None => self.prequeued,
        };
        LineTotals { joined, admitted: self.admitted_through }
    }
}

/// What a fan sees of their token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenView {
    pub token: TokenId,
    pub status: TokenStatus,
    /// Fans ahead; `None` in the pre-queue, before the opening's draw.
    pub position: Option<u64>,
    pub estimated_wait_seconds: u64,
    /// The sale's phase and opening, for the fan's screen.
    pub phase: Phase,
    pub opens_at: Timestamp,
    /// The fan's pre-queue index, if they joined then: with the seed published after the
    /// sale, they can recompute their own place (docs/fair-start.md).
    pub prequeue_index: Option<u64>,
}

/// An ACTIVE token, checked for one concert: what protected routes act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admission {
    pub token: TokenId,
    pub user: UserId,
    pub concert: ConcertId,
}

/// What one admitter tick did for one concert.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TickReport {
    pub released: usize,
    pub admitted: Vec<TokenId>,
    pub skipped_voids: u64,
}

pub struct QueueService {
    store: Arc<dyn QueueStore>,
    catalog: Arc<dyn CatalogStore>,
    clock: Arc<dyn Clock>,
    policy: QueuePolicy,
}

impl QueueService {
    pub fn new(
        store: Arc<dyn QueueStore>,
        catalog: Arc<dyn CatalogStore>,
        clock: Arc<dyn Clock>,
        policy: QueuePolicy,
    ) -> Self {
        Self { store, catalog, clock, policy }
    }

    /// Seconds until a token `position` places back is admitted, at the sale's rate.
    pub fn estimated_wait_seconds(policy: &QueuePolicy, position: u64) -> u64 {
        let per_tick = u64::from(policy.admit_per_tick.max(1));
        let ticks = position / per_tick + 1;
        ticks * policy.tick_every.as_secs()
    }

    fn view(&self, token: &Token, counters: Option<&LineCounters>, concert: &Concert, now: Timestamp) -> TokenView {
        let status = token.status_at(now);
        let phase = concert.phase_at(now);
        let (position, estimated_wait_seconds) = match (status, counters) {
            (TokenStatus::Waiting, Some(c)) => match c.position_of(token.spot) {
                Some(p) => (Some(p), Self::estimated_wait_seconds(&concert.control.policy(self.policy), p)),
                // Before the draw: the wait is at least until the opening.
                None => (None, now.until(concert.sale.opens_at).as_secs()),
            },
            _ => (Some(0), 0),
        };
        let prequeue_index = match token.spot {
            Spot::Cohort(i) => Some(i),
            Spot::Arrival(_) => None,
        };
        TokenView {
            token: token.id,
            status,
            position,
            estimated_wait_seconds,
            phase,
            opens_at: concert.sale.opens_at,
            prequeue_index,
        }
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
        let concert = self.concert(concert_id).await?;
        let mut previous = retrying(|| self.store.holder_token(concert_id, user)).await?;
        let mut attempt = 0;
        loop {
            let now = self.clock.now();
            if let Some(live) = previous.as_ref().filter(|t| t.is_alive(now)) {
                let counters = retrying(|| self.store.counters(concert_id)).await?;
                return Ok((self.view(live, Some(&counters), &concert, now), false));
            }
            let phase = concert.phase_at(now);
            match phase {
                Phase::Scheduled => return Err(Error::SaleNotOpen),
                Phase::SoldOut => return Err(Error::SoldOut),
                Phase::Closed => return Err(Error::SaleClosed),
                Phase::PreQueue | Phase::OnSale | Phase::Paused => {}
            }
            // A number whose token is never written (we lost below, or died) is voided by
            // the admitter a tick later, so the line never stalls on it.
            let spot = match self.take_spot(&concert, phase).await? {
                Some(spot) => spot,
                None => continue,
            };
            let token =
                Token { id: TokenId::random(), user, concert: concert_id.clone(), spot, state: TokenState::Waiting };
            match self.store.create_token(&token, previous.as_ref().map(|t| t.id)).await {
                Ok(CreateOutcome::Created) => {
                    tracing::info!(user = %user, concert = %concert_id, ?spot, "queue token issued");
                    let counters = retrying(|| self.store.counters(concert_id)).await?;
                    return Ok((self.view(&token, Some(&counters), &concert, now), true));
                }
                Ok(CreateOutcome::HolderTaken) => {
                    // A concurrent request for the same user won; give our number back now
                    // (best effort: the admitter voids it anyway).
                    if let Err(e) = self.store.void_place(concert_id, spot).await {
                        tracing::warn!(concert = %concert_id, ?spot, error = %e, "could not void a lost place");
                    }
                    previous = retrying(|| self.store.holder_token(concert_id, user)).await?;
                }
                Ok(CreateOutcome::PlaceTaken) => {}
                Err(e) => match decide(&e, attempt) {
                    Decision::RetryWithin(cap) => {
                        pause(cap).await;
                        // The transaction may have met a concurrent issue for this user.
                        previous = retrying(|| self.store.holder_token(concert_id, user)).await?;
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
    /// not opened, else an arrival number (sealing the draw first if the sale has opened
    /// and nobody has yet). `None`: the draw was sealed meanwhile, ask again.
    async fn take_spot(&self, concert: &Concert, phase: Phase) -> Result<Option<Spot>> {
        if phase == Phase::PreQueue {
            if let Some(index) = retrying(|| self.store.next_prequeue_index(&concert.id)).await? {
                return Ok(Some(Spot::Cohort(index)));
            }
        }
        match retrying(|| self.store.next_seq(&concert.id)).await? {
            Some(seq) => Ok(Some(Spot::Arrival(seq))),
            None if phase.is_open() => {
                self.seal(&concert.id).await?;
                Ok(None)
            }
            // The pre-queue was sealed early? Only an opening seals; this cannot last.
            None => Err(Error::Contention),
        }
    }

    /// Seal the opening's draw if nobody has: one conditional write fixes the cohort (every
    /// fan who pre-queued) and a secret seed. Several sealers racing seal once.
    pub async fn seal(&self, concert: &ConcertId) -> Result<Draw> {
        for attempt in 0..MAX_ATTEMPTS {
            let counters = retrying(|| self.store.counters(concert)).await?;
            if let Some(draw) = counters.draw {
                return Ok(draw);
            }
            let draw = Draw { cohort: counters.prequeued, seed: *uuid::Uuid::new_v4().as_bytes() };
            if retrying(|| self.store.seal(concert, &draw)).await? {
                tracing::info!(concert = %concert, cohort = draw.cohort, "opening draw sealed");
                return Ok(draw);
            }
            pause_before_retry(attempt).await;
        }
        Err(Error::Contention)
    }

    /// The token's status and, while waiting, its position and the sale's phase.
    pub async fn current(&self, caller: UserId, raw_token: Option<&str>) -> Result<TokenView> {
        let token = self.token(caller, raw_token).await?;
        let now = self.clock.now();
        let concert = self.concert(&token.concert).await?;
        match token.status_at(now) {
            TokenStatus::Expired => Err(Error::TokenExpired),
            TokenStatus::Waiting => {
                let mut counters = retrying(|| self.store.counters(&token.concert)).await?;
                if counters.draw.is_none() && concert.phase_at(now).is_open() {
                    // The opening has passed and nobody sealed the draw yet: the first poll does.
                    counters.draw = Some(self.seal(&token.concert).await?);
                }
                Ok(self.view(&token, Some(&counters), &concert, now))
            }
            TokenStatus::Active { .. } => Ok(self.view(&token, None, &concert, now)),
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

    /// An ACTIVE token, for whichever concert it was issued.
    pub async fn admitted(&self, caller: UserId, raw_token: Option<&str>) -> Result<Admission> {
        let token = self.token(caller, raw_token).await?;
        match token.status_at(self.clock.now()) {
            TokenStatus::Expired => Err(Error::TokenExpired),
            TokenStatus::Waiting => Err(Error::TokenNotActive),
            TokenStatus::Active { .. } => Ok(Admission { token: token.id, user: token.user, concert: token.concert }),
        }
    }

    /// The check every protected route makes: an ACTIVE token for this concert.
    pub async fn authorize(&self, caller: UserId, raw_token: Option<&str>, concert: &ConcertId) -> Result<Admission> {
        let admission = self.admitted(caller, raw_token).await?;
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
        let mut report = TickReport::default();
        let now = self.clock.now();
        loop {
            let ended = self.store.ended_slots(concert_id, now, MAX_ADMIT_PER_TRANSACTION).await?;
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
        let counters = self.store.counters(concert_id).await?;
        // The operator's per-minute numbers: one write a tick, never one per fan.
        if let Err(e) = self.store.record_minute(concert_id, now.millis().div_euclid(60_000), counters.totals()).await {
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
        let policy = concert.control.policy(self.policy);

        let room = policy.active_cap.saturating_sub(counters.active);
        let want =
            usize::try_from(room.min(policy.admit_per_tick)).unwrap_or(usize::MAX).min(MAX_ADMIT_PER_TRANSACTION);
        if want == 0 || counters.admitted_through >= counters.issued {
            return Ok(report);
        }
        let from = counters.admitted_through + 1;
        // Look a little further than needed so a few void places do not stall a tick.
        let to = counters.issued.min(from + want as u64 + 20).min(from + 99);
        let numbers: Vec<u64> = (from..=to).collect();
        let spots: Vec<Spot> = numbers.iter().map(|p| counters.spot_at(*p)).collect();
        let places = self.store.places(concert_id, &spots).await?;

        let mut plan = AdmissionPlan {
            concert: concert_id.clone(),
            expected_admitted_through: counters.admitted_through,
            new_admitted_through: counters.admitted_through,
            tokens: Vec::new(),
            active_until: now.plus(policy.active_for),
            cap: policy.active_cap,
            suspect_gap: None,
        };
        for ((number, spot), place) in numbers.into_iter().zip(spots).zip(places) {
            if plan.tokens.len() >= want {
                break;
            }
            match place {
                Some(Place::Token(t)) => plan.tokens.push(t),
                Some(Place::Void) => report.skipped_voids += 1,
                None if counters.suspect_gap == Some(number) && self.store.void_place(concert_id, spot).await? => {
                    // Missing for a whole tick: its issuer died between numbering and writing.
                    report.skipped_voids += 1;
                }
                None => {
                    plan.suspect_gap = Some(number);
                    break;
                }
            }
            plan.new_admitted_through = number;
        }
        if plan.new_admitted_through == counters.admitted_through && plan.suspect_gap == counters.suspect_gap {
            return Ok(report);
        }
        if self.store.admit(&plan).await? {
            tracing::info!(concert = %concert_id, admitted = plan.tokens.len(), through = plan.new_admitted_through, "admitted");
            report.admitted = plan.tokens;
        }
        Ok(report)
    }

    /// Every seat of every date sold (one bounded query of the concert's seats).
    async fn all_sold(&self, concert: &ConcertId) -> Result<bool> {
        let seats = retrying(|| self.catalog.concert_seats(concert)).await?.unwrap_or_default();
        Ok(!seats.is_empty() && seats.iter().all(|s| s.status_at(self.clock.now()) == crate::catalog::SeatStatus::Sold))
    }
}

#[cfg(test)]
mod tests;
