//! The prepaid wallet: an integer KRW balance per user, and its statement. Every change of
//! a balance (a charge, a payment, a refund) is one transaction that moves the wallet from
//! the state read (balance and entry count) to the next *and* puts the statement entry
//! that says so, numbered 1, 2, 3... So the balance always equals the sum of the
//! statement, and each entry carries the exact balance after it.
//! A charge with an Idempotency-Key also records the key with its outcome in the same
//! transaction, so a retry finds the record and is answered from it: credited once.

use std::sync::Arc;

use crate::error::{Error, Result};
use crate::retry::{optimistic, retrying, Round};
use crate::values::clock::Clock;
use crate::values::ids::IdempotencyKey;
use crate::values::ids::UserId;
use crate::values::money::{WalletLimits, Won};
use crate::wallet::statement::{EntryKind, StatementPage, STATEMENT_PAGE, STATEMENT_PAGE_MAX};
use crate::wallet::store::{ChargeReceipt, ChargeRecord, Credit, WalletStore};

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
        optimistic(async |_| {
            let (record, before) = retrying(|| self.store.charge_state(user, key)).await?;
            if let Some(record) = record {
                return record.answer(amount).map(Round::Done);
            }
            let after = self.limits.credit(before.balance, amount)?;
            let record = ChargeRecord { receipt: ChargeReceipt { user, balance: after, charged: amount } };
            let entry = before.entry(EntryKind::Charge, after, None, self.clock.now());
            match self.store.credit(key, &record, before, &entry).await {
                Ok(Credit::Committed) => {
                    tracing::info!(user = %user, charged = amount.get(), keyed = key.is_some(), "wallet charged");
                    Ok(Round::Done(record.receipt))
                }
                Ok(Credit::KeyTaken | Credit::WalletMoved) => Ok(Round::Lost),
                // Without a key nothing tells a repeat from a second charge. A throttle can
                // be the answer to the SDK's own retry of a transaction that applied on an
                // earlier attempt (its answer lost): that is an unknown outcome too.
                Err(Error::Unavailable | Error::Throttled) if key.is_none() => Err(Error::ChargeOutcomeUnknown),
                Err(e) => Ok(Round::Failed(e)),
            }
        })
        .await
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
