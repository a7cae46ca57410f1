//! Wallet table (`pk`, `sk`): `USER#<id>`/`WALLET` holds the balance,
//! `USER#<id>`/`IDEMPOTENCY#CHARGE#<key>` the first outcome of a keyed charge (48 h).

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_dynamodb::config::retry::RetryConfig;
use aws_sdk_dynamodb::types::{Put, ReturnValue, TransactWriteItem, Update};

use super::{batch_get, condition_failed, get_n, infra, key2, n, opt_n, s, sdk, sk_of, transact, Tables};
use crate::clock::{Clock, SystemClock};
use crate::error::Result;
use crate::ids::{IdempotencyKey, UserId};
use crate::money::Won;
use crate::wallet::{ChargeReceipt, ChargeRecord, KeyedCredit, WalletStore};

/// Idempotency records outlive any client's retry window.
pub(crate) const KEEP_IDEMPOTENCY: Duration = Duration::from_secs(48 * 3600);

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

pub(crate) fn user_pk(u: UserId) -> String {
    format!("USER#{u}")
}

pub(crate) const WALLET_SK: &str = "WALLET";

fn charge_key_sk(key: &IdempotencyKey) -> String {
    format!("IDEMPOTENCY#CHARGE#{}", key.as_str())
}

/// The transaction item that moves a wallet from the balance read (`expected`) to `after`:
/// the one optimistic write every keyed charge, payment and refund makes to a balance.
pub(crate) fn move_balance(table: &str, user: UserId, expected: Won, after: Won) -> Result<TransactWriteItem> {
    let update = Update::builder()
        .table_name(table)
        .set_key(Some(key2(user_pk(user), WALLET_SK)))
        .update_expression("SET balance = :after")
        .condition_expression(balance_is(expected))
        .expression_attribute_values(":after", n(after.get()))
        .expression_attribute_values(":expected", n(expected.get()))
        .build()
        .map_err(infra)?;
    Ok(TransactWriteItem::builder().update(update).build())
}

/// Condition that the balance is still `expected` (a never-charged wallet counts as 0).
pub(crate) fn balance_is(expected: Won) -> &'static str {
    if expected == Won::ZERO {
        "attribute_not_exists(balance) OR balance = :expected"
    } else {
        "balance = :expected"
    }
}

#[async_trait]
impl WalletStore for DynamoWallet {
    async fn balance(&self, user: UserId) -> Result<Won> {
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
        match out.item() {
            None => Ok(Won::ZERO),
            Some(item) => Won::new(opt_n(item, "balance")?.unwrap_or(0)),
        }
    }

    async fn credit(&self, user: UserId, amount: Won, max_before: Won) -> Result<Option<Won>> {
        let out = self
            .t
            .client
            .update_item()
            .table_name(self.table())
            .set_key(Some(key2(user_pk(user), WALLET_SK)))
            .update_expression("ADD balance :amount")
            .condition_expression("attribute_not_exists(balance) OR balance <= :max")
            .expression_attribute_values(":amount", n(amount.get()))
            .expression_attribute_values(":max", n(max_before.get()))
            .return_values(ReturnValue::UpdatedNew)
            // An increment is not idempotent: if an attempt timed out after DynamoDB applied
            // it, an automatic retry would credit twice. Fail instead; clients that retry
            // send an Idempotency-Key, whose transaction is safe to repeat.
            .customize()
            .config_override(aws_sdk_dynamodb::config::Builder::default().retry_config(RetryConfig::disabled()))
            .send()
            .await;
        match out {
            Ok(o) => {
                let attrs = o.attributes().cloned().unwrap_or_default();
                Ok(Some(Won::new(get_n(&attrs, "balance")?)?))
            }
            Err(e) if condition_failed(&e) => Ok(None),
            Err(e) => Err(sdk(e)),
        }
    }

    async fn charge_state(&self, user: UserId, key: &IdempotencyKey) -> Result<(Option<ChargeRecord>, Won)> {
        let keys = vec![key2(user_pk(user), WALLET_SK), key2(user_pk(user), charge_key_sk(key))];
        let mut record = None;
        let mut balance = Won::ZERO;
        for item in batch_get(&self.t.client, self.table(), keys).await? {
            if sk_of(&item) == WALLET_SK {
                balance = Won::new(opt_n(&item, "balance")?.unwrap_or(0))?;
            } else {
                record = Some(ChargeRecord {
                    receipt: ChargeReceipt {
                        user,
                        balance: Won::new(get_n(&item, "balance")?)?,
                        charged: Won::new(get_n(&item, "charged")?)?,
                    },
                });
            }
        }
        Ok((record, balance))
    }

    async fn credit_once(&self, key: &IdempotencyKey, record: &ChargeRecord, expected: Won) -> Result<KeyedCredit> {
        let r = &record.receipt;
        let ttl = SystemClock.now().plus(KEEP_IDEMPOTENCY).epoch_seconds_ceil();
        let receipt = Put::builder()
            .table_name(self.table())
            .item("pk", s(user_pk(r.user)))
            .item("sk", s(charge_key_sk(key)))
            .item("charged", n(r.charged.get()))
            .item("balance", n(r.balance.get()))
            .item("expiresAt", n(ttl))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .map_err(infra)?;
        let items = vec![
            move_balance(self.table(), r.user, expected, r.balance)?,
            TransactWriteItem::builder().put(receipt).build(),
        ];
        Ok(match transact(&self.t.client, items).await {
            Ok(Ok(())) => KeyedCredit::Committed,
            Ok(Err(failed)) if failed.contains(&1) => KeyedCredit::KeyTaken,
            Ok(Err(_)) => KeyedCredit::BalanceMoved,
            Err(e) => return Err(e),
        })
    }
}
