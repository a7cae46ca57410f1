//! In-memory implementations of every storage trait of the domain, for unit tests. One
//! lock over all state: each method is one atomic step, as each DynamoDB write or
//! transaction is, and `pay` checks every condition before changing anything.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use crate::booking::records::{OutboxEvent, Payment};
use crate::catalog::concert::{Concert, Seat};
use crate::error::{Error, Result};
use crate::line::store::CreateOutcome;
use crate::line::token::{Token, TokenState};
use crate::rules::arrivals::{Arrivals, STRIPES};
use crate::rules::line::{LineCounters, LineTotals};
use crate::values::clock::Timestamp;
use crate::values::ids::{ConcertDate, ConcertId, SeatNumber, TokenId};
use crate::values::ids::{ReservationId, UserId};
use crate::values::money::Won;

use crate::booking::records::Refund;
use crate::booking::reservation::Reservation;
use crate::booking::store::RefundTotals;
use crate::rules::seat_limit::AccountSeats;
use crate::wallet::statement::{EntryKind, StatementEntry, Wallet};
use crate::wallet::store::ChargeRecord;

mod booking;
mod catalog;
mod door;
mod line;
mod wallet;

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
    venues: std::collections::BTreeMap<crate::values::ids::VenueId, crate::catalog::venue::Venue>,
    accounts: HashMap<(ConcertId, UserId), AccountSeats>,
    /// The tickets passed to each user.
    received: HashMap<UserId, Vec<ReservationId>>,
    /// Booking numbers, as payments note them.
    bookings: HashMap<String, ReservationId>,
    /// Each concert's check-ins per gate.
    check_ins: HashMap<ConcertId, std::collections::BTreeMap<String, u64>>,
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
