//! What the wallet needs of storage.

use crate::error::{Error, Result};
use crate::values::ids::{IdempotencyKey, UserId};
use crate::values::money::Won;
use crate::wallet::statement::{StatementEntry, Wallet};
use async_trait::async_trait;

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
pub enum Credit {
    Committed,
    /// The key was recorded by a concurrent request.
    KeyTaken,
    /// The wallet changed since it was read.
    WalletMoved,
}
