//! In-memory implementations of the domain's storage traits, for unit tests. Each method
//! takes one lock, the way each DynamoDB write is one atomic step.

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;

use crate::catalog::{CatalogStore, Concert, Seat};
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::ids::{ConcertDate, ConcertId, SeatNumber, TokenId, UserId};
use crate::queue::{AdmissionPlan, CreateOutcome, LineCounters, Place, QueueStore, SlotLease, Token, TokenState};

fn poisoned<T>(_: T) -> Error {
    Error::Infrastructure("memory store lock poisoned".into())
}

#[derive(Default)]
struct Line {
    counters: LineCounters,
    places: HashMap<u64, Place>,
    holders: HashMap<UserId, TokenId>,
}

#[derive(Default)]
struct QueueState {
    lines: HashMap<ConcertId, Line>,
    tokens: HashMap<TokenId, Token>,
    slots: HashMap<TokenId, Timestamp>,
}

#[derive(Default)]
pub struct MemoryQueue(Mutex<QueueState>);

impl MemoryQueue {
    /// End a token early, as a payment does.
    pub fn use_up(&self, id: TokenId, now: Timestamp) -> Result<()> {
        let mut s = self.0.lock().map_err(poisoned)?;
        if let Some(t) = s.tokens.get_mut(&id) {
            t.state = TokenState::Expired;
        }
        if let Some(until) = s.slots.get_mut(&id) {
            *until = now;
        }
        Ok(())
    }
}

#[async_trait]
impl QueueStore for MemoryQueue {
    async fn holder_token(&self, concert: &ConcertId, user: UserId) -> Result<Option<Token>> {
        let s = self.0.lock().map_err(poisoned)?;
        let id = s.lines.get(concert).and_then(|l| l.holders.get(&user)).copied();
        Ok(id.and_then(|id| s.tokens.get(&id).cloned()))
    }

    async fn next_seq(&self, concert: &ConcertId) -> Result<(u64, LineCounters)> {
        let mut s = self.0.lock().map_err(poisoned)?;
        let line = s.lines.entry(concert.clone()).or_default();
        line.counters.issued += 1;
        Ok((line.counters.issued, line.counters))
    }

    async fn counters(&self, concert: &ConcertId) -> Result<LineCounters> {
        let s = self.0.lock().map_err(poisoned)?;
        Ok(s.lines.get(concert).map(|l| l.counters).unwrap_or_default())
    }

    async fn create_token(&self, token: &Token, replaces: Option<TokenId>) -> Result<CreateOutcome> {
        let mut s = self.0.lock().map_err(poisoned)?;
        let line = s.lines.entry(token.concert.clone()).or_default();
        if line.holders.get(&token.user).copied() != replaces {
            return Ok(CreateOutcome::HolderTaken);
        }
        if line.places.contains_key(&token.seq) {
            return Ok(CreateOutcome::PlaceTaken);
        }
        line.holders.insert(token.user, token.id);
        line.places.insert(token.seq, Place::Token(token.id));
        s.tokens.insert(token.id, token.clone());
        Ok(CreateOutcome::Created)
    }

    async fn void_place(&self, concert: &ConcertId, seq: u64) -> Result<bool> {
        let mut s = self.0.lock().map_err(poisoned)?;
        let line = s.lines.entry(concert.clone()).or_default();
        if line.places.contains_key(&seq) {
            return Ok(false);
        }
        line.places.insert(seq, Place::Void);
        Ok(true)
    }

    async fn token(&self, id: TokenId) -> Result<Option<Token>> {
        Ok(self.0.lock().map_err(poisoned)?.tokens.get(&id).cloned())
    }

    async fn places(&self, concert: &ConcertId, from: u64, to: u64) -> Result<Vec<(u64, Option<Place>)>> {
        let s = self.0.lock().map_err(poisoned)?;
        let line = s.lines.get(concert);
        Ok((from..=to).map(|seq| (seq, line.and_then(|l| l.places.get(&seq)).copied())).collect())
    }

    async fn ended_slots(&self, concert: &ConcertId, now: Timestamp, limit: usize) -> Result<Vec<SlotLease>> {
        let s = self.0.lock().map_err(poisoned)?;
        Ok(s.slots
            .iter()
            .filter(|(id, until)| **until <= now && s.tokens.get(id).is_some_and(|t| &t.concert == concert))
            .map(|(id, until)| SlotLease { token: *id, until: *until })
            .take(limit)
            .collect())
    }

    async fn release_slots(&self, concert: &ConcertId, leases: &[SlotLease]) -> Result<bool> {
        let mut s = self.0.lock().map_err(poisoned)?;
        if !leases.iter().all(|l| s.slots.get(&l.token) == Some(&l.until)) {
            return Ok(false);
        }
        for l in leases {
            s.slots.remove(&l.token);
        }
        let line = s.lines.entry(concert.clone()).or_default();
        line.counters.active = line.counters.active.saturating_sub(u32::try_from(leases.len()).unwrap_or(u32::MAX));
        Ok(true)
    }

    async fn admit(&self, plan: &AdmissionPlan) -> Result<bool> {
        let mut s = self.0.lock().map_err(poisoned)?;
        let k = u32::try_from(plan.tokens.len()).unwrap_or(u32::MAX);
        let counters = s.lines.get(&plan.concert).map(|l| l.counters).unwrap_or_default();
        let waiting = plan.tokens.iter().all(|t| s.tokens.get(t).is_some_and(|t| t.state == TokenState::Waiting));
        if counters.admitted_through != plan.expected_admitted_through || counters.active + k > plan.cap || !waiting {
            return Ok(false);
        }
        for t in &plan.tokens {
            if let Some(token) = s.tokens.get_mut(t) {
                token.state = TokenState::Active { until: plan.active_until };
            }
            s.slots.insert(*t, plan.active_until);
        }
        let line = s.lines.entry(plan.concert.clone()).or_default();
        line.counters.admitted_through = plan.new_admitted_through;
        line.counters.active += k;
        line.counters.suspect_gap = plan.suspect_gap;
        Ok(true)
    }
}

#[derive(Default)]
pub struct MemoryCatalog(Mutex<HashMap<ConcertId, (Concert, Vec<Seat>)>>);

#[async_trait]
impl CatalogStore for MemoryCatalog {
    async fn concerts(&self) -> Result<Vec<Concert>> {
        let mut all: Vec<Concert> = self.0.lock().map_err(poisoned)?.values().map(|(c, _)| c.clone()).collect();
        all.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(all)
    }

    async fn concert_exists(&self, concert: &ConcertId) -> Result<bool> {
        Ok(self.0.lock().map_err(poisoned)?.contains_key(concert))
    }

    async fn concert_seats(&self, concert: &ConcertId) -> Result<Option<Vec<Seat>>> {
        Ok(self.0.lock().map_err(poisoned)?.get(concert).map(|(_, s)| s.clone()))
    }

    async fn date_seats(&self, concert: &ConcertId, date: ConcertDate) -> Result<Vec<Seat>> {
        let seats = self.concert_seats(concert).await?.unwrap_or_default();
        Ok(seats.into_iter().filter(|s| s.date == date).collect())
    }

    async fn seat(&self, concert: &ConcertId, date: ConcertDate, seat: SeatNumber) -> Result<Option<Seat>> {
        Ok(self.date_seats(concert, date).await?.into_iter().find(|s| s.number == seat))
    }

    async fn add_concert(&self, concert: &Concert, seats: &[Seat]) -> Result<()> {
        self.0.lock().map_err(poisoned)?.insert(concert.id.clone(), (concert.clone(), seats.to_vec()));
        Ok(())
    }
}
