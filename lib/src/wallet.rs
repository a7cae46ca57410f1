//! The prepaid wallet: an integer KRW balance per user. A plain charge is one atomic
//! increment guarded by the wallet ceiling. A charge with an Idempotency-Key is one
//! transaction that moves the balance from the value read to the new value *and*
//! records the key with its outcome, so a retry finds the record and is answered
//! from it: credited once, answered the same.

use std::sync::Arc;

use async_trait::async_trait;

use crate::error::{Error, Result};
use crate::ids::{IdempotencyKey, UserId};
use crate::money::{WalletLimits, Won};
use crate::retry::{pause_before_retry, MAX_ATTEMPTS};

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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyedCredit {
    Committed,
    /// The key was recorded by a concurrent request.
    KeyTaken,
    /// The balance changed since it was read.
    BalanceMoved,
}

#[async_trait]
pub trait WalletStore: Send + Sync {
    /// Zero for a wallet never charged.
    async fn balance(&self, user: UserId) -> Result<Won>;
    /// Add `amount` atomically if the balance is at most `max_before`; the new balance, or
    /// `None` when the ceiling would be passed.
    async fn credit(&self, user: UserId, amount: Won, max_before: Won) -> Result<Option<Won>>;
    /// The key's record, if any, and the balance, read together (one round trip).
    async fn charge_state(&self, user: UserId, key: &IdempotencyKey) -> Result<(Option<ChargeRecord>, Won)>;
    /// In one transaction: balance `expected` -> `record.receipt.balance`, and the key recorded.
    async fn credit_once(&self, key: &IdempotencyKey, record: &ChargeRecord, expected: Won) -> Result<KeyedCredit>;
}

pub struct WalletService {
    store: Arc<dyn WalletStore>,
    limits: WalletLimits,
}

impl WalletService {
    pub fn new(store: Arc<dyn WalletStore>, limits: WalletLimits) -> Self {
        Self { store, limits }
    }

    pub fn limits(&self) -> &WalletLimits {
        &self.limits
    }

    pub async fn balance(&self, user: UserId) -> Result<Won> {
        self.store.balance(user).await
    }

    pub async fn charge(&self, user: UserId, amount: Won, key: Option<&IdempotencyKey>) -> Result<ChargeReceipt> {
        let Some(key) = key else {
            let balance = self
                .store
                .credit(user, amount, self.limits.max_balance_before(amount)?)
                .await?
                .ok_or(Error::BalanceLimit { limit: self.limits.ceiling.get() })?;
            tracing::info!(user = %user, charged = amount.get(), "wallet charged");
            return Ok(ChargeReceipt { user, balance, charged: amount });
        };
        for attempt in 0..MAX_ATTEMPTS {
            let (record, before) = self.store.charge_state(user, key).await?;
            if let Some(record) = record {
                return record.answer(amount);
            }
            let after = self.limits.credit(before, amount)?;
            let record = ChargeRecord { receipt: ChargeReceipt { user, balance: after, charged: amount } };
            match self.store.credit_once(key, &record, before).await? {
                KeyedCredit::Committed => {
                    tracing::info!(user = %user, charged = amount.get(), "wallet charged (keyed)");
                    return Ok(record.receipt);
                }
                KeyedCredit::KeyTaken | KeyedCredit::BalanceMoved => pause_before_retry(attempt).await,
            }
        }
        Err(Error::Contention)
    }
}

#[cfg(test)]
mod tests;
