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
        retrying(|| self.store.balance(user)).await
    }

    pub async fn charge(&self, user: UserId, amount: Won, key: Option<&IdempotencyKey>) -> Result<ChargeReceipt> {
        let Some(key) = key else { return self.charge_keyless(user, amount).await };
        let mut attempt = 0;
        loop {
            let (record, before) = retrying(|| self.store.charge_state(user, key)).await?;
            if let Some(record) = record {
                return record.answer(amount);
            }
            let after = self.limits.credit(before, amount)?;
            let record = ChargeRecord { receipt: ChargeReceipt { user, balance: after, charged: amount } };
            // An unknown outcome goes back to the client as 503: its retry with the same key
            // finds the record if the credit was applied, and credits once if it was not.
            let retry_within = match self.store.credit_once(key, &record, before).await {
                Ok(KeyedCredit::Committed) => {
                    tracing::info!(user = %user, charged = amount.get(), "wallet charged (keyed)");
                    return Ok(record.receipt);
                }
                Ok(KeyedCredit::KeyTaken | KeyedCredit::BalanceMoved) => decide(&Error::Contention, attempt),
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

    /// One atomic increment. It cannot be repeated safely once its outcome is unknown (an
    /// increment applied twice credits twice), so that case is reported as such; refusals
    /// that applied nothing (conflict, throttling) are retried.
    async fn charge_keyless(&self, user: UserId, amount: Won) -> Result<ChargeReceipt> {
        let max_before = self.limits.max_balance_before(amount)?;
        let balance = retrying(|| self.store.credit(user, amount, max_before))
            .await
            .map_err(|e| if e == Error::Unavailable { Error::ChargeOutcomeUnknown } else { e })?
            .ok_or(Error::BalanceLimit { limit: self.limits.ceiling.get() })?;
        tracing::info!(user = %user, charged = amount.get(), "wallet charged");
        Ok(ChargeReceipt { user, balance, charged: amount })
    }
}

#[cfg(test)]
mod tests;
