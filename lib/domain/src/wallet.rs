//! The prepaid wallet: an integer KRW balance per user, and its statement. Every change of
//! a balance (a charge, a payment, a refund) is one transaction that moves the wallet from
//! the state read (balance and entry count) to the next *and* puts the statement entry
//! that says so, numbered 1, 2, 3... So the balance always equals the sum of the
//! statement, and each entry carries the exact balance after it.
//! A charge with an Idempotency-Key also records the key with its outcome in the same
//! transaction, so a retry finds the record and is answered from it: credited once.

use std::sync::Arc;

use async_trait::async_trait;
use serde_json::{json, Value};

use crate::clock::{Clock, Timestamp};
use crate::error::{Error, Result};
use crate::ids::{IdempotencyKey, UserId};
use crate::money::{WalletLimits, Won};
use crate::retry::{decide, pause, retrying, Decision};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChargeReceipt {
    pub user: UserId,
    pub balance: Won,
    pub charged: Won,
}

/// The first outcome of a keyed charge, kept at least 24 h.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChargeRecord {
    pub receipt: ChargeReceipt,
}

impl ChargeRecord {
    /// The same key may only ever mean the same charge.
    pub fn answer(&self, amount: Won) -> Result<ChargeReceipt> {
        if self.receipt.charged == amount {
            Ok(self.receipt)
        } else {
            Err(Error::IdempotencyKeyReused)
        }
    }
}

/// A wallet as read: its balance and how many statement entries led to it. Every write
/// to a balance is conditioned on both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Wallet {
    pub balance: Won,
    pub entries: u64,
}

impl Wallet {
    /// The statement entry that moves this wallet to `after`: the next one.
    pub fn entry(&self, kind: EntryKind, after: Won, reference: Option<String>, at: Timestamp) -> StatementEntry {
        StatementEntry {
            seq: self.entries + 1,
            kind,
            amount: after.get() - self.balance.get(),
            balance_after: after,
            at,
            reference,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    Charge,
    Payment,
    Refund,
}

impl EntryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Charge => "CHARGE",
            EntryKind::Payment => "PAYMENT",
            EntryKind::Refund => "REFUND",
        }
    }

    pub fn parse(raw: &str) -> Result<Self> {
        match raw {
            "CHARGE" => Ok(EntryKind::Charge),
            "PAYMENT" => Ok(EntryKind::Payment),
            "REFUND" => Ok(EntryKind::Refund),
            other => Err(Error::Infrastructure(format!("unknown statement entry kind {other}"))),
        }
    }
}

/// One line of a wallet's statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementEntry {
    /// 1, 2, 3... in the order the balance moved.
    pub seq: u64,
    pub kind: EntryKind,
    /// What the entry added to the balance: negative for a payment.
    pub amount: i64,
    pub balance_after: Won,
    pub at: Timestamp,
    /// The payment or refund behind the entry; none for a charge.
    pub reference: Option<String>,
}

impl StatementEntry {
    pub fn to_json(&self) -> Value {
        json!({
            "seq": self.seq,
            "kind": self.kind.as_str(),
            "amount": self.amount,
            "balanceAfter": self.balance_after.get(),
            "at": self.at.to_rfc3339(),
            "reference": self.reference,
        })
    }
}

/// One page of a statement, newest first, and the cursor of the page after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementPage {
    pub entries: Vec<StatementEntry>,
    pub next: Option<String>,
}

pub const STATEMENT_PAGE: usize = 20;
pub const STATEMENT_PAGE_MAX: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credit {
    Committed,
    /// The key was recorded by a concurrent request.
    KeyTaken,
    /// The wallet changed since it was read.
    WalletMoved,
}

#[async_trait]
pub trait WalletStore: Send + Sync {
    /// An empty wallet for a user never charged.
    async fn wallet(&self, user: UserId) -> Result<Wallet>;
    /// The key's record, if a key is given and has one, and the wallet, read together
    /// (one round trip).
    async fn charge_state(&self, user: UserId, key: Option<&IdempotencyKey>) -> Result<(Option<ChargeRecord>, Wallet)>;
    /// In one transaction: the wallet `expected` -> `entry`'s balance, the entry put, and
    /// the key (if any) recorded with `record`.
    async fn credit(
        &self,
        key: Option<&IdempotencyKey>,
        record: &ChargeRecord,
        expected: Wallet,
        entry: &StatementEntry,
    ) -> Result<Credit>;
    /// Up to `limit` entries numbered below `before` (all when `None`), newest first.
    async fn statement(&self, user: UserId, before: Option<u64>, limit: usize) -> Result<Vec<StatementEntry>>;
}

pub struct WalletService {
    store: Arc<dyn WalletStore>,
    limits: WalletLimits,
    clock: Arc<dyn Clock>,
}

impl WalletService {
    pub fn new(store: Arc<dyn WalletStore>, limits: WalletLimits, clock: Arc<dyn Clock>) -> Self {
        Self { store, limits, clock }
    }

    pub fn limits(&self) -> &WalletLimits {
        &self.limits
    }

    pub async fn balance(&self, user: UserId) -> Result<Won> {
        Ok(retrying(|| self.store.wallet(user)).await?.balance)
    }

    /// Credit `amount`. With a key: once, and a retry is answered from the key's record.
    /// Without one, an outcome DynamoDB left unknown is reported as such (503
    /// CHARGE_OUTCOME_UNKNOWN): only a key makes the retry safe.
    pub async fn charge(&self, user: UserId, amount: Won, key: Option<&IdempotencyKey>) -> Result<ChargeReceipt> {
        let mut attempt = 0;
        loop {
            let (record, before) = retrying(|| self.store.charge_state(user, key)).await?;
            if let Some(record) = record {
                return record.answer(amount);
            }
            let after = self.limits.credit(before.balance, amount)?;
            let record = ChargeRecord { receipt: ChargeReceipt { user, balance: after, charged: amount } };
            let entry = before.entry(EntryKind::Charge, after, None, self.clock.now());
            let retry_within = match self.store.credit(key, &record, before, &entry).await {
                Ok(Credit::Committed) => {
                    tracing::info!(user = %user, charged = amount.get(), keyed = key.is_some(), "wallet charged");
                    return Ok(record.receipt);
                }
                Ok(Credit::KeyTaken | Credit::WalletMoved) => decide(&Error::Contention, attempt),
                // Without a key nothing tells a repeat from a second charge. A throttle can
                // be the answer to the SDK's own retry of a transaction that applied on an
                // earlier attempt (its answer lost): that is an unknown outcome too.
                Err(Error::Unavailable | Error::Throttled) if key.is_none() => return Err(Error::ChargeOutcomeUnknown),
                Err(e) => match decide(&e, attempt) {
                    Decision::GiveUp => return Err(e),
                    retry => retry,
                },
            };
            match retry_within {
                Decision::RetryWithin(cap) => pause(cap).await,
                Decision::GiveUp => return Err(Error::Contention),
            }
            attempt += 1;
        }
    }

    /// A page of the statement, newest first. `cursor` is the `next` of the page before
    /// (opaque to clients); `limit` 1 to 100, 20 when absent.
    pub async fn statement(&self, user: UserId, cursor: Option<&str>, limit: Option<&str>) -> Result<StatementPage> {
        let before = match cursor {
            None => None,
            Some(raw) => Some(
                raw.parse::<u64>()
                    .ok()
                    .filter(|seq| *seq >= 2)
                    .ok_or_else(|| Error::InvalidInput("cursor: use the `next` of the page before".into()))?,
            ),
        };
        let limit = match limit {
            None => STATEMENT_PAGE,
            Some(raw) => raw
                .parse::<usize>()
                .ok()
                .filter(|l| (1..=STATEMENT_PAGE_MAX).contains(l))
                .ok_or_else(|| Error::InvalidInput(format!("limit is 1 to {STATEMENT_PAGE_MAX}")))?,
        };
        let entries = retrying(|| self.store.statement(user, before, limit)).await?;
        let next = entries.last().filter(|e| entries.len() == limit && e.seq > 1).map(|e| e.seq.to_string());
        Ok(StatementPage { entries, next })
    }
}

#[cfg(test)]
mod tests;
