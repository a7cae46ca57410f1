//! Wallet table (`pk`, `sk`): `USER#<id>`/`WALLET` holds the balance and the number of
//! statement entries (`entries`), `USER#<id>`/`LEDGER#<seq, 12 digits>` each entry,
//! `USER#<id>`/`IDEMPOTENCY#CHARGE#<key>` the first outcome of a keyed charge (48 h).

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};

use super::put;
use super::{batch_get, get_n, get_s, infra, key2, n, opt_n, s, sdk, sk_of, transact, Item, Tables};
use crate::dynamo::schema::attr::*;
use crate::dynamo::schema::wallet::{
    charge_key_sk, entry_sk, user_pk, KEEP_IDEMPOTENCY, LEDGER_END, LEDGER_PREFIX, WALLET_SK,
};
use domain::error::Result;
use domain::values::clock::{Clock, SystemClock, Timestamp};
use domain::values::ids::{IdempotencyKey, UserId};
use domain::values::money::Won;
use domain::wallet::statement::{EntryKind, StatementEntry, Wallet};
use domain::wallet::store::{ChargeReceipt, ChargeRecord, Credit, WalletStore};

pub struct DynamoWallet {
    t: Tables,
}

impl DynamoWallet {
    pub fn new(t: Tables) -> Self {
        Self { t }
    }

    fn table(&self) -> &str {
        &self.t.names.wallet_table
    }
}

/// The two transaction items of every change of a balance (charge, payment, refund): the
/// wallet moved from the state read (`expected`) to `entry`'s balance, conditioned on that
/// state (so two changes never both apply to the same balance), and the statement entry,
/// put once.
pub(crate) fn move_balance(
    table: &str,
    user: UserId,
    expected: Wallet,
    entry: &StatementEntry,
) -> Result<[TransactWriteItem; 2]> {
    let condition = if expected.entries == 0 {
        // A wallet never changed: no item yet, or one without entries.
        format!("attribute_not_exists({ENTRIES}) AND (attribute_not_exists({BALANCE}) OR {BALANCE} = :expected)")
    } else {
        format!("{ENTRIES} = :entries AND {BALANCE} = :expected")
    };
    let mut update = Update::builder()
        .table_name(table)
        .set_key(Some(key2(user_pk(user), WALLET_SK)))
        .update_expression(format!("SET {BALANCE} = :after, {ENTRIES} = :seq"))
        .condition_expression(condition)
        .expression_attribute_values(":after", n(entry.balance_after.get()))
        .expression_attribute_values(":seq", n(entry.seq))
        .expression_attribute_values(":expected", n(expected.balance.get()));
    if expected.entries > 0 {
        update = update.expression_attribute_values(":entries", n(expected.entries));
    }
    let mut line = key2(user_pk(user), entry_sk(entry.seq));
    line.insert(KIND.into(), s(entry.kind.as_str()));
    line.insert(AMOUNT.into(), n(entry.amount));
    line.insert(BALANCE_AFTER.into(), n(entry.balance_after.get()));
    line.insert(AT.into(), n(entry.at.millis()));
    if let Some(r) = &entry.reference {
        line.insert(REF.into(), s(r.as_str()));
    }
    Ok([TransactWriteItem::builder().update(update.build().map_err(infra)?).build(), put(table, line)?])
}

pub(crate) fn wallet_of(item: &Item) -> Result<Wallet> {
    Ok(Wallet { balance: Won::new(opt_n(item, BALANCE)?.unwrap_or(0))?, entries: opt_n(item, ENTRIES)?.unwrap_or(0) })
}

fn entry_of(item: &Item) -> Result<StatementEntry> {
    let seq = sk_of(item)
        .strip_prefix(LEDGER_PREFIX)
        .and_then(|d| d.parse().ok())
        .ok_or_else(|| domain::Error::Infrastructure("a statement entry without its number".into()))?;
    Ok(StatementEntry {
        seq,
        kind: EntryKind::parse(get_s(item, KIND)?)?,
        amount: get_n(item, AMOUNT)?,
        balance_after: Won::new(get_n(item, BALANCE_AFTER)?)?,
        at: Timestamp::from_millis(get_n(item, AT)?),
        reference: match item.get(REF) {
            Some(AttributeValue::S(r)) => Some(r.clone()),
            _ => None,
        },
    })
}

#[async_trait]
impl WalletStore for DynamoWallet {
    async fn wallet(&self, user: UserId) -> Result<Wallet> {
        let out = self
            .t
            .client
            .get_item()
            .table_name(self.table())
            .set_key(Some(key2(user_pk(user), WALLET_SK)))
            .consistent_read(true)
            .send()
            .await
            .map_err(sdk)?;
        out.item().map_or(Ok(Wallet::default()), wallet_of)
    }

    async fn charge_state(&self, user: UserId, key: Option<&IdempotencyKey>) -> Result<(Option<ChargeRecord>, Wallet)> {
        let Some(key) = key else { return Ok((None, self.wallet(user).await?)) };
        let keys = vec![key2(user_pk(user), WALLET_SK), key2(user_pk(user), charge_key_sk(key))];
        let mut record = None;
        let mut wallet = Wallet::default();
        for item in batch_get(&self.t.client, self.table(), keys).await? {
            if sk_of(&item) == WALLET_SK {
                wallet = wallet_of(&item)?;
            } else {
                record = Some(ChargeRecord {
                    receipt: ChargeReceipt {
                        user,
                        balance: Won::new(get_n(&item, BALANCE)?)?,
                        charged: Won::new(get_n(&item, CHARGED)?)?,
                    },
                });
            }
        }
        Ok((record, wallet))
    }

    async fn credit(
        &self,
        key: Option<&IdempotencyKey>,
        record: &ChargeRecord,
        expected: Wallet,
        entry: &StatementEntry,
    ) -> Result<Credit> {
        let r = &record.receipt;
        // In this order: a failed condition's index says what moved.
        let mut items = Vec::from(move_balance(self.table(), r.user, expected, entry)?);
        if let Some(key) = key {
            let mut receipt = key2(user_pk(r.user), charge_key_sk(key));
            receipt.insert(CHARGED.into(), n(r.charged.get()));
            receipt.insert(BALANCE.into(), n(r.balance.get()));
            receipt.insert(EXPIRES_AT.into(), n(SystemClock.now().plus(KEEP_IDEMPOTENCY).epoch_seconds_ceil()));
            items.push(put(self.table(), receipt)?);
        }
        // The SDK's retries of a transaction carry its ClientRequestToken, so they are safe
        // even for a charge without a key; only when they run out is the outcome unknown.
        Ok(match transact(&self.t.client, items).await? {
            Ok(()) => Credit::Committed,
            Err(failed) if failed.contains(&2) => Credit::KeyTaken,
            Err(_) => Credit::WalletMoved,
        })
    }

    async fn statement(&self, user: UserId, before: Option<u64>, limit: usize) -> Result<Vec<StatementEntry>> {
        let upper = before.map_or_else(|| LEDGER_END.to_owned(), |b| entry_sk(b.saturating_sub(1)));
        let out = self
            .t
            .client
            .query()
            .table_name(self.table())
            .key_condition_expression(format!("{PK} = :pk AND {SK} BETWEEN :from AND :to"))
            .expression_attribute_values(":pk", s(user_pk(user)))
            .expression_attribute_values(":from", s(entry_sk(1)))
            .expression_attribute_values(":to", s(upper))
            .scan_index_forward(false)
            .limit(i32::try_from(limit).unwrap_or(i32::MAX))
            .consistent_read(true)
            .send()
            .await
            .map_err(sdk)?;
        out.items().iter().map(entry_of).collect()
    }
}
