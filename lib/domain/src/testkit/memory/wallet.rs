//! The wallet's store in memory.

use async_trait::async_trait;

use crate::error::Result;
use crate::values::ids::IdempotencyKey;
use crate::values::ids::UserId;

use crate::wallet::statement::{StatementEntry, Wallet};
use crate::wallet::store::{ChargeRecord, Credit, WalletStore};

use super::Memory;

#[async_trait]
impl WalletStore for Memory {
    async fn wallet(&self, user: UserId) -> Result<Wallet> {
        Ok(self.lock()?.wallet(user))
    }

    async fn charge_state(&self, user: UserId, key: Option<&IdempotencyKey>) -> Result<(Option<ChargeRecord>, Wallet)> {
        let s = self.lock()?;
        let record = key.and_then(|k| s.charge_keys.get(&(user, k.as_str().to_owned())).copied());
        Ok((record, s.wallet(user)))
    }

    async fn credit(
        &self,
        key: Option<&IdempotencyKey>,
        record: &ChargeRecord,
        expected: Wallet,
        entry: &StatementEntry,
    ) -> Result<Credit> {
        self.step("credit", |s| {
            let user = record.receipt.user;
            if key.is_some_and(|k| s.charge_keys.contains_key(&(user, k.as_str().to_owned()))) {
                return Ok(Credit::KeyTaken);
            }
            if !s.wallet_is(user, expected) {
                return Ok(Credit::WalletMoved);
            }
            s.put_entry(user, entry);
            if let Some(k) = key {
                s.charge_keys.insert((user, k.as_str().to_owned()), *record);
            }
            Ok(Credit::Committed)
        })
    }

    async fn statement(&self, user: UserId, before: Option<u64>, limit: usize) -> Result<Vec<StatementEntry>> {
        let s = self.lock()?;
        Ok(s.ledgers
            .get(&user)
            .map(|l| l.iter().rev().filter(|e| before.is_none_or(|b| e.seq < b)).take(limit).cloned().collect())
            .unwrap_or_default())
    }
}
