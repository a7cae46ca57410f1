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
use crate::clock::{Clock, Timestamp};
use crate::config::QueuePolicy;
use crate::error::{Error, Result};
use crate::ids::{ConcertId, TokenId, UserId};
use crate::retry::{decide, pause, retrying, Decision, MAX_ATTEMPTS};

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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub id: TokenId,
    pub user: UserId,
    pub concert: ConcertId,
    /// Arrival number within the concert's line, from 1.
    pub seq: u64,
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

/// The per-concert counters of the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LineCounters {
    /// Highest arrival number handed out.
    pub issued: u64,
    /// Every arrival number up to here has been admitted or skipped.
    pub admitted_through: u64,
    /// Slots in use: admitted tokens not yet released.
    pub active: u32,
    /// An arrival number that had no place at the last tick: voided if still missing at the next.
    pub suspect_gap: Option<u64>,
}

impl LineCounters {
    /// Users ahead of arrival number `seq`.
    pub fn position_of(&self, seq: u64) -> u64 {
        seq.saturating_sub(self.admitted_through).saturating_sub(1)
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
    /// Hand out the next arrival number; returns it with the counters after.
    async fn next_seq(&self, concert: &ConcertId) -> Result<(u64, LineCounters)>;
    async fn counters(&self, concert: &ConcertId) -> Result<LineCounters>;
    /// Write the token, its place and the user's holder record at once. The holder record
    /// must be absent or point to `replaces`; the place must be empty.
    async fn create_token(&self, token: &Token, replaces: Option<TokenId>) -> Result<CreateOutcome>;
    /// Mark an arrival number void if nothing was written there. True if voided.
    async fn void_place(&self, concert: &ConcertId, seq: u64) -> Result<bool>;
    async fn token(&self, id: TokenId) -> Result<Option<Token>>;
    /// Places `from..=to` (at most 100), `None` where nothing was written.
    async fn places(&self, concert: &ConcertId, from: u64, to: u64) -> Result<Vec<(u64, Option<Place>)>>;
    /// Slots whose lease ended at or before `now` (at most `limit`).
    async fn ended_slots(&self, concert: &ConcertId, now: Timestamp, limit: usize) -> Result<Vec<SlotLease>>;
    /// Release the slots and lower `active` by their number. False if another admitter got there first.
    async fn release_slots(&self, concert: &ConcertId, leases: &[SlotLease]) -> Result<bool>;
    /// Apply an admission plan. False if the counters changed since they were read.
    async fn admit(&self, plan: &AdmissionPlan) -> Result<bool>;
}

/// What a fan sees of their token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenView {
    pub token: TokenId,
    pub status: TokenStatus,
    pub position: u64,
    pub estimated_wait_seconds: u64,
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

    /// Seconds until a token `position` places back is admitted, at the configured rate.
    pub fn estimated_wait_seconds(&self, position: u64) -> u64 {
        let per_tick = u64::from(self.policy.admit_per_tick.max(1));
        let ticks = position / per_tick + 1;
        ticks * self.policy.tick_every.as_secs()
    }

    fn view(&self, token: &Token, counters: Option<&LineCounters>, now: Timestamp) -> TokenView {
        let status = token.status_at(now);
        let position = match (status, counters) {
            (TokenStatus::Waiting, Some(c)) => c.position_of(token.seq),
            _ => 0,
        };
        let estimated_wait_seconds =
            if status == TokenStatus::Waiting { self.estimated_wait_seconds(position) } else { 0 };
        TokenView { token: token.id, status, position, estimated_wait_seconds }
    }

    /// Take a place in the concert's line, or get back the live token the user already has.
    /// Returns the view and whether the token is new.
    pub async fn issue(&self, user: UserId, concert: &ConcertId) -> Result<(TokenView, bool)> {
        if retrying(|| self.catalog.concert(concert)).await?.is_none() {
            return Err(Error::ConcertNotFound);
        }
        let mut previous = retrying(|| self.store.holder_token(concert, user)).await?;
        let mut attempt = 0;
        loop {
            let now = self.clock.now();
            if let Some(live) = previous.as_ref().filter(|t| t.is_alive(now)) {
                let counters = retrying(|| self.store.counters(concert)).await?;
                return Ok((self.view(live, Some(&counters), now), false));
            }
            // A number whose token is never written (we lost below, or died) is voided by
            // the admitter a tick later, so the line never stalls on it.
            let (seq, counters) = retrying(|| self.store.next_seq(concert)).await?;
            let token =
                Token { id: TokenId::random(), user, concert: concert.clone(), seq, state: TokenState::Waiting };
            match self.store.create_token(&token, previous.as_ref().map(|t| t.id)).await {
                Ok(CreateOutcome::Created) => {
                    tracing::info!(user = %user, concert = %concert, seq, "queue token issued");
                    return Ok((self.view(&token, Some(&counters), now), true));
                }
                Ok(CreateOutcome::HolderTaken) => {
                    // A concurrent request for the same user won; give our number back now
                    // (best effort: the admitter voids it anyway).
                    if let Err(e) = self.store.void_place(concert, seq).await {
                        tracing::warn!(concert = %concert, seq, error = %e, "could not void a lost place");
                    }
                    previous = retrying(|| self.store.holder_token(concert, user)).await?;
                }
                Ok(CreateOutcome::PlaceTaken) => {}
                Err(e) => match decide(&e, attempt) {
                    Decision::RetryWithin(cap) => {
                        pause(cap).await;
                        // The transaction may have met a concurrent issue for this user.
                        previous = retrying(|| self.store.holder_token(concert, user)).await?;
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

    /// The token's status and, while waiting, its position.
    pub async fn current(&self, caller: UserId, raw_token: Option<&str>) -> Result<TokenView> {
        let token = self.token(caller, raw_token).await?;
        let now = self.clock.now();
        match token.status_at(now) {
            TokenStatus::Expired => Err(Error::TokenExpired),
            TokenStatus::Waiting => {
                let counters = retrying(|| self.store.counters(&token.concert)).await?;
                Ok(self.view(&token, Some(&counters), now))
            }
            TokenStatus::Active { .. } => Ok(self.view(&token, None, now)),
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

    /// One admitter step for one concert: release ended slots, then admit the next
    /// waiting tokens in arrival order within the rate and the cap. Safe to run in
    /// several places at once: every write is conditional on the counters it read.
    pub async fn tick(&self, concert: &ConcertId) -> Result<TickReport> {
        let mut report = TickReport::default();
        let now = self.clock.now();
        loop {
            let ended = self.store.ended_slots(concert, now, MAX_ADMIT_PER_TRANSACTION).await?;
            if ended.is_empty() || !self.store.release_slots(concert, &ended).await? {
                break;
            }
            report.released += ended.len();
        }

        let counters = self.store.counters(concert).await?;
        let room = self.policy.active_cap.saturating_sub(counters.active);
        let want =
            usize::try_from(room.min(self.policy.admit_per_tick)).unwrap_or(usize::MAX).min(MAX_ADMIT_PER_TRANSACTION);
        if want == 0 || counters.admitted_through >= counters.issued {
            return Ok(report);
        }
        let from = counters.admitted_through + 1;
        // Look a little further than needed so a few void places do not stall a tick.
        let to = counters.issued.min(from + want as u64 + 20).min(from + 99);
        let places = self.store.places(concert, from, to).await?;

        let mut plan = AdmissionPlan {
            concert: concert.clone(),
            expected_admitted_through: counters.admitted_through,
            new_admitted_through: counters.admitted_through,
            tokens: Vec::new(),
            active_until: now.plus(self.policy.active_for),
            cap: self.policy.active_cap,
            suspect_gap: None,
        };
        for (seq, place) in places {
            if plan.tokens.len() >= want {
                break;
            }
            match place {
                Some(Place::Token(t)) => plan.tokens.push(t),
                Some(Place::Void) => report.skipped_voids += 1,
                None if counters.suspect_gap == Some(seq) && self.store.void_place(concert, seq).await? => {
                    // Missing for a whole tick: its issuer died between numbering and writing.
                    report.skipped_voids += 1;
                }
                None => {
                    plan.suspect_gap = Some(seq);
                    break;
                }
            }
            plan.new_admitted_through = seq;
        }
        if plan.new_admitted_through == counters.admitted_through && plan.suspect_gap == counters.suspect_gap {
            return Ok(report);
        }
        if self.store.admit(&plan).await? {
            tracing::info!(concert = %concert, admitted = plan.tokens.len(), through = plan.new_admitted_through, "admitted");
            report.admitted = plan.tokens;
        }
        Ok(report)
    }
}

#[cfg(test)]
mod tests;
