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
mod tests {
    use super::*;

    #[test]
    fn a_key_answers_only_the_charge_it_was_first_used_for() {
        let receipt = ChargeReceipt { user: UserId::random(), balance: Won::new(70).unwrap(), charged: Won::new(50).unwrap() };
        let record = ChargeRecord { receipt };
        assert_eq!(record.answer(Won::new(50).unwrap()), Ok(receipt));
        assert_eq!(record.answer(Won::new(51).unwrap()), Err(Error::IdempotencyKeyReused));
    }
}

#[cfg(test)]
mod service_tests {
    use super::*;
    use crate::testkit::{won, world};

    #[tokio::test]
    async fn plain_charges_add_up_and_stop_at_the_ceiling() {
        let w = world().await;
        let u = UserId::random();
        assert_eq!(w.wallet.balance(u).await.unwrap(), Won::ZERO);
        assert_eq!(w.wallet.charge(u, won(30_000), None).await.unwrap().balance, won(30_000));
        assert_eq!(w.wallet.charge(u, won(20_000), None).await.unwrap().balance, won(50_000));
        w.mem.set_balance(u, won(45_000_000)).unwrap();
        assert_eq!(w.wallet.charge(u, won(5_000_001), None).await, Err(Error::BalanceLimit { limit: 50_000_000 }));
        assert_eq!(w.wallet.balance(u).await.unwrap(), won(45_000_000));
        assert_eq!(w.wallet.charge(u, won(5_000_000), None).await.unwrap().balance, won(50_000_000));
    }

    #[tokio::test]
    async fn a_keyed_charge_credits_once_and_replays_its_first_answer() {
        let w = world().await;
        let u = UserId::random();
        let key = IdempotencyKey::parse("k-1").unwrap();
        let first = w.wallet.charge(u, won(10_000), Some(&key)).await.unwrap();
        w.wallet.charge(u, won(1_000), None).await.unwrap();
        let again = w.wallet.charge(u, won(10_000), Some(&key)).await.unwrap();
        assert_eq!(again, first, "the first outcome, not the balance now");
        assert_eq!(w.wallet.balance(u).await.unwrap(), won(11_000));
        assert_eq!(w.wallet.charge(u, won(9_999), Some(&key)).await, Err(Error::IdempotencyKeyReused));
        // The same key is a different key for another user.
        assert_eq!(w.wallet.charge(UserId::random(), won(5), Some(&key)).await.unwrap().balance, won(5));
    }
}
