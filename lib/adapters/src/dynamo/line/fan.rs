//! What the line reads, and what a fan's requests write.

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{ConditionCheck, Put, TransactWriteItem, Update};

use crate::dynamo::{applied, batch_get, get_n, get_s, infra, key, n, s, sdk, transact};
use domain::error::{Error, Result};
use domain::line::store::{CreateOutcome, FanStore, LineStore};
use domain::line::token::{Token, TokenState};
use domain::rules::arrivals;
use domain::rules::line::{Batch, LineCounters, LineTotals};
use domain::values::clock::Timestamp;
use domain::values::ids::{ConcertId, TokenId, UserId};

use super::items::*;
use super::DynamoQueue;
use crate::dynamo::schema::attr::*;
use crate::dynamo::schema::queue::status;
use crate::dynamo::schema::queue::KEEP;
use crate::dynamo::schema::queue::*;

#[async_trait]
impl LineStore for DynamoQueue {
    async fn counters(&self, concert: &ConcertId) -> Result<LineCounters> {
        let out = self
            .t
            .client
            .get_item()
            .table_name(self.table())
            .set_key(Some(key(line_pk(concert))))
            .consistent_read(true)
            .send()
            .await
            .map_err(sdk)?;
        counters_of(out.item())
    }

    async fn token(&self, id: TokenId) -> Result<Option<Token>> {
        let out = self
            .t
            .client
            .get_item()
            .table_name(self.table())
            .set_key(Some(key(token_pk(id))))
            .consistent_read(true)
            .send()
            .await
            .map_err(sdk)?;
        out.item().map(token_of).transpose()
    }

    async fn minutes(&self, concert: &ConcertId, from: i64, to: i64) -> Result<Vec<(i64, LineTotals)>> {
        let wanted: Vec<i64> = (from..=to).take(60).collect();
        let keys = wanted.iter().map(|m| key(minute_pk(concert, *m))).collect();
        let items = batch_get(&self.t.client, self.table(), keys).await?;
        let mut out = Vec::new();
        for m in wanted {
            if let Some(item) = items.iter().find(|i| get_s(i, PK).is_ok_and(|pk| pk == minute_pk(concert, m))) {
                out.push((m, LineTotals { joined: get_n(item, JOINED_BY)?, admitted: get_n(item, ADMITTED_BY)? }));
            }
        }
        Ok(out)
    }
}

#[async_trait]
impl FanStore for DynamoQueue {
    async fn holder_token(&self, concert: &ConcertId, user: UserId) -> Result<Option<Token>> {
        let holder = self
            .t
            .client
            .get_item()
            .table_name(self.table())
            .set_key(Some(key(holder_pk(concert, user))))
            .consistent_read(true)
            .send()
            .await
            .map_err(sdk)?;
        let Some(item) = holder.item() else { return Ok(None) };
        self.token(TokenId::parse(get_s(item, TOKEN_ID)?)?).await
    }

    async fn next_prequeue_index(&self, concert: &ConcertId) -> Result<Option<u64>> {
        let stripe = arrivals::any_stripe();
        let taken =
            self.add_taken(prequeue_pk(concert, stripe), 1, Some(&format!("attribute_not_exists({SEALED})"))).await?;
        Ok(taken.map(|rank| arrivals::number(stripe, rank) - 1))
    }

    async fn next_arrival(&self, concert: &ConcertId) -> Result<u64> {
        let stripe = arrivals::any_stripe();
        let rank = self.add_taken(arrivals_pk(concert, stripe), 1, None).await?;
        rank.map(|rank| arrivals::number(stripe, rank))
            .ok_or_else(|| Error::Infrastructure("an unconditional ADD refused".into()))
    }

    async fn create_token(&self, token: &Token, replaces: Option<&Token>) -> Result<CreateOutcome> {
        let ttl = cleanup_at();
        let token_item = Put::builder()
            .table_name(self.table())
            .item(PK, s(token_pk(token.id)))
            .item(TOKEN_ID, s(token.id.to_string()))
            .item(USER_ID, s(token.user.to_string()))
            .item(CONCERT_ID, s(token.concert.as_str()))
            .item(spot_attr(token.spot).0, n(spot_attr(token.spot).1))
            .item(STATUS, s(status::WAITING))
            .item(EXPIRES_AT, n(&ttl))
            .condition_expression(format!("attribute_not_exists({PK})"))
            .build()
            .map_err(infra)?;
        let holder = Put::builder()
            .table_name(self.table())
            .item(PK, s(holder_pk(&token.concert, token.user)))
            .item(TOKEN_ID, s(token.id.to_string()))
            .item(EXPIRES_AT, n(&ttl));
        let holder = match replaces {
            None => holder.condition_expression(format!("attribute_not_exists({PK})")),
            Some(old) => holder
                .condition_expression(format!("{TOKEN_ID} = :old"))
                .expression_attribute_values(":old", s(old.id.to_string())),
        }
        .build()
        .map_err(infra)?;
        let mut items = vec![
            TransactWriteItem::builder().put(token_item).build(),
            TransactWriteItem::builder().put(holder).build(),
        ];
        // A WAITING token replaced because it missed its check-in must not have checked in meanwhile.
        if let Some(old) = replaces.filter(|old| old.state == TokenState::Waiting) {
            let still_waiting = ConditionCheck::builder()
                .table_name(self.table())
                .set_key(Some(key(token_pk(old.id))))
                .condition_expression("#status = :waiting")
                .expression_attribute_names("#status", STATUS)
                .expression_attribute_values(":waiting", s(status::WAITING))
                .build()
                .map_err(infra)?;
            items.push(TransactWriteItem::builder().condition_check(still_waiting).build());
        }
        Ok(match transact(&self.t.client, items).await {
            Ok(Ok(())) => CreateOutcome::Created,
            Ok(Err(_)) => CreateOutcome::HolderTaken,
            Err(e) => return Err(e),
        })
    }

    async fn check_in(&self, token: &Token, batch: &Batch, slot_until: Timestamp) -> Result<bool> {
        let ttl = batch.active_until.plus(KEEP).epoch_seconds_ceil();
        let token_item = Update::builder()
            .table_name(self.table())
            .set_key(Some(key(token_pk(token.id))))
            .update_expression(format!(
                "SET #status = :active, {ACTIVE_UNTIL} = :until, {SLOT_UNTIL} = :slot, {EXPIRES_AT} = :ttl"
            ))
            .condition_expression("#status = :waiting")
            .expression_attribute_names("#status", STATUS)
            .expression_attribute_values(":active", s(status::ACTIVE))
            .expression_attribute_values(":waiting", s(status::WAITING))
            .expression_attribute_values(":until", n(batch.active_until.millis()))
            .expression_attribute_values(":slot", n(slot_until.millis()))
            .expression_attribute_values(":ttl", n(ttl))
            .build()
            .map_err(infra)?;
        let count = Update::builder()
            .table_name(self.table())
            .set_key(Some(key(batch_pk(&token.concert, batch.from, batch.shard_of(token.id)))))
            .update_expression(format!("ADD {CHECKED_IN} :one"))
            .condition_expression(format!("attribute_not_exists({SETTLED})"))
            .expression_attribute_values(":one", n(1))
            .build()
            .map_err(infra)?;
        // The user's current token: a re-join that replaced this one wins.
        let holder = ConditionCheck::builder()
            .table_name(self.table())
            .set_key(Some(key(holder_pk(&token.concert, token.user))))
            .condition_expression(format!("{TOKEN_ID} = :me"))
            .expression_attribute_values(":me", s(token.id.to_string()))
            .build()
            .map_err(infra)?;
        let items = vec![
            TransactWriteItem::builder().update(token_item).build(),
            TransactWriteItem::builder().update(count).build(),
            TransactWriteItem::builder().condition_check(holder).build(),
        ];
        Ok(transact(&self.t.client, items).await?.is_ok())
    }

    async fn renew_slot(&self, token: TokenId, now: Timestamp, slot_until: Timestamp) -> Result<bool> {
        let out = self
            .t
            .client
            .update_item()
            .table_name(self.table())
            .set_key(Some(key(token_pk(token))))
            .update_expression(format!("SET {SLOT_UNTIL} = :slot"))
            // Still ACTIVE and still holding its slot: a released slot (no slotUntil) or one
            // already over stays lost, whatever the fan sends.
            .condition_expression(format!("#status = :active AND {SLOT_UNTIL} > :now"))
            .expression_attribute_names("#status", STATUS)
            .expression_attribute_values(":active", s(status::ACTIVE))
            .expression_attribute_values(":now", n(now.millis()))
            .expression_attribute_values(":slot", n(slot_until.millis()))
            .send()
            .await;
        applied(out)
    }
}
