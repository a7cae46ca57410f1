//! The refund transaction and its records in the wallet table:
//! `USER#<id>`/`REFUND#<reservationId>` (at most one per reservation, listing),
//! `USER#<id>`/`IDEMPOTENCY#REFUND#<key>` (the key's first outcome, 48 h), and
//! `REFUNDS#<concert>` (the concert's refund totals for its operator).

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{KeysAndAttributes, TransactWriteItem, Update};

use super::payment::outbox_put;
use super::put;
use super::reservation::reservation_of;
use super::wallet::{move_balance, wallet_of};
use super::{get_n, get_s, infra, key, key2, n, opt_n, query_all, s, sdk, sk_of, transact, Item, Tables};
use crate::dynamo::schema::attr::*;
use crate::dynamo::schema::catalog::status as seat_status;
use crate::dynamo::schema::catalog::{concert_pk, seat_sk, CATALOG_PK, META_SK};
use crate::dynamo::schema::reservation::status as reservation_status;
use crate::dynamo::schema::reservation::{account_pk, slot_attr};
use crate::dynamo::schema::wallet::user_pk;
use crate::dynamo::schema::wallet::{
    refund_key_sk, refund_sk, totals_pk, KEEP_IDEMPOTENCY, REFUND_PREFIX, TOTALS_SK, WALLET_SK,
};
use domain::booking::records::Refund;
use domain::booking::store::{RefundPlan, RefundSnapshot, RefundStore, RefundTotals};
use domain::error::{Error, Result};
use domain::values::clock::{Clock, SystemClock, Timestamp};
use domain::values::ids::{
    ConcertDate, ConcertId, IdempotencyKey, PaymentId, RefundId, ReservationId, SeatNumber, UserId,
};
use domain::values::money::Won;
use domain::wallet::statement::Wallet;

pub struct DynamoRefunds {
    t: Tables,
}

impl DynamoRefunds {
    pub fn new(t: Tables) -> Self {
        Self { t }
    }
}

fn refund_item(r: &Refund, mut item: Item) -> Item {
    item.insert(REFUND_ID.into(), s(r.id.to_string()));
    item.insert(USER_ID.into(), s(r.user.to_string()));
    item.insert(RESERVATION_ID.into(), s(r.reservation.to_string()));
    item.insert(PAYMENT_ID.into(), s(r.payment.to_string()));
    item.insert(CONCERT_ID.into(), s(r.concert.as_str()));
    item.insert(DATE.into(), s(r.date.to_string()));
    item.insert(SEAT_NUMBER.into(), n(r.seat.get()));
    item.insert(PRICE.into(), n(r.price.get()));
    item.insert(FEE.into(), n(r.fee.get()));
    item.insert(AMOUNT.into(), n(r.amount.get()));
    item.insert(BALANCE_AFTER.into(), n(r.balance_after.get()));
    item.insert(REFUNDED_AT.into(), n(r.refunded_at.millis()));
    item
}

pub(crate) fn refund_of(item: &Item) -> Result<Refund> {
    Ok(Refund {
        id: RefundId::parse(get_s(item, REFUND_ID)?)?,
        user: UserId::parse(get_s(item, USER_ID)?)?,
        reservation: ReservationId::parse(get_s(item, RESERVATION_ID)?)?,
        payment: PaymentId::parse(get_s(item, PAYMENT_ID)?)?,
        concert: ConcertId::parse(get_s(item, CONCERT_ID)?)?,
        date: ConcertDate::parse(get_s(item, DATE)?)?,
        seat: SeatNumber::new(get_n(item, SEAT_NUMBER)?)?,
        price: Won::new(get_n(item, PRICE)?)?,
        fee: Won::new(get_n(item, FEE)?)?,
        amount: Won::new(get_n(item, AMOUNT)?)?,
        balance_after: Won::new(get_n(item, BALANCE_AFTER)?)?,
        refunded_at: Timestamp::from_millis(get_n(item, REFUNDED_AT)?),
    })
}

#[async_trait]
impl RefundStore for DynamoRefunds {
    async fn snapshot(
        &self,
        user: UserId,
        reservation: ReservationId,
        key: Option<&IdempotencyKey>,
    ) -> Result<RefundSnapshot> {
        let names = &self.t.names;
        let mut wallet_keys = vec![key2(user_pk(user), WALLET_SK), key2(user_pk(user), refund_sk(reservation))];
        if let Some(k) = key {
            wallet_keys.push(key2(user_pk(user), refund_key_sk(k)));
        }
        let request = |keys: Vec<Item>| KeysAndAttributes::builder().set_keys(Some(keys)).consistent_read(true).build();
        let out = self
            .t
            .client
            .batch_get_item()
            .request_items(&names.reservation_table, request(vec![super::key(reservation.to_string())]).map_err(infra)?)
            .request_items(&names.wallet_table, request(wallet_keys).map_err(infra)?)
            .send()
            .await
            .map_err(sdk)?;
        if out.unprocessed_keys().is_some_and(|u| !u.is_empty()) {
            return Err(Error::Throttled);
        }
        let responses = out.responses().cloned().unwrap_or_default();
        let found =
            responses.get(&names.reservation_table).and_then(|items| items.first()).map(reservation_of).transpose()?;
        let mut snap = RefundSnapshot { reservation: found, wallet: Wallet::default(), existing: None, prior: None };
        for item in responses.get(&names.wallet_table).into_iter().flatten() {
            let sk = sk_of(item);
            if sk == WALLET_SK {
                snap.wallet = wallet_of(item)?;
            } else if sk.starts_with(REFUND_PREFIX) {
                snap.existing = Some(refund_of(item)?);
            } else {
                snap.prior = Some(refund_of(item)?);
            }
        }
        Ok(snap)
    }

    async fn refund(&self, plan: &RefundPlan) -> Result<bool> {
        let names = &self.t.names;
        let (r, res) = (&plan.refund, &plan.reservation);
        let reservation = Update::builder()
            .table_name(&names.reservation_table)
            .set_key(Some(key(r.reservation.to_string())))
            .update_expression(format!("SET #status = :cancelled, {REFUND_ID} = :rf, {CANCELLED_AT} = :now"))
            // Never a ticket that has let its holder in (the gate's write is conditioned on
            // CONFIRMED in turn): a refund racing a scan ends in exactly one of them.
            .condition_expression(format!(
                "#status = :confirmed AND {USER_ID} = :u AND {PAYMENT_ID} = :p AND attribute_not_exists({CHECKED_IN_AT})"
            ))
            .expression_attribute_names("#status", STATUS)
            .expression_attribute_values(":cancelled", s(reservation_status::CANCELLED))
            .expression_attribute_values(":confirmed", s(reservation_status::CONFIRMED))
            .expression_attribute_values(":rf", s(r.id.to_string()))
            .expression_attribute_values(":now", n(r.refunded_at.millis()))
            .expression_attribute_values(":u", s(r.user.to_string()))
            .expression_attribute_values(":p", s(r.payment.to_string()))
            .build()
            .map_err(infra)?;
        // The seat goes back on sale at once, and the concert is no longer sold out.
        let seat = Update::builder()
            .table_name(&names.catalog_table)
            .set_key(Some(key2(concert_pk(&r.concert), seat_sk(r.date, r.seat))))
            .update_expression(format!("SET #status = :available REMOVE {HOLDER}, {RESERVATION_ID}, {HOLD_UNTIL}"))
            .condition_expression(format!("#status = :sold AND {RESERVATION_ID} = :r"))
            .expression_attribute_names("#status", STATUS)
            .expression_attribute_values(":available", s(seat_status::AVAILABLE))
            .expression_attribute_values(":sold", s(seat_status::SOLD))
            .expression_attribute_values(":r", s(r.reservation.to_string()))
            .build()
            .map_err(infra)?;
        let unsold = |pk: String, sk: String| {
            Update::builder()
                .table_name(&names.catalog_table)
                .set_key(Some(key2(pk, sk)))
                .update_expression(format!("SET {SOLD_OUT} = :no ADD {REFUNDS} :one"))
                .condition_expression(format!("attribute_exists({PK})"))
                .expression_attribute_values(":no", aws_sdk_dynamodb::types::AttributeValue::Bool(false))
                .expression_attribute_values(":one", n(1))
                .build()
                .map_err(infra)
        };
        let slot = Update::builder()
            .table_name(&names.reservation_table)
            .set_key(Some(key(account_pk(&res.concert, res.user))))
            .update_expression("REMOVE #slot")
            .condition_expression("#slot.#r = :r")
            .expression_attribute_names("#slot", slot_attr(res.slot))
            .expression_attribute_names("#r", R)
            .expression_attribute_values(":r", s(r.reservation.to_string()))
            .build()
            .map_err(infra)?;
        let totals = Update::builder()
            .table_name(&names.wallet_table)
            .set_key(Some(key2(totals_pk(&r.concert), TOTALS_SK)))
            .update_expression(format!("ADD {REFUNDS} :one, {REFUNDED} :amount, {FEES} :fee"))
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":amount", n(r.amount.get()))
            .expression_attribute_values(":fee", n(r.fee.get()))
            .build()
            .map_err(infra)?;
        let [balance, entry] = move_balance(&names.wallet_table, r.user, plan.wallet, &plan.entry())?;
        let mut items = vec![
            TransactWriteItem::builder().update(reservation).build(),
            TransactWriteItem::builder().update(seat).build(),
            TransactWriteItem::builder().update(unsold(concert_pk(&r.concert), META_SK.into())?).build(),
            TransactWriteItem::builder().update(unsold(CATALOG_PK.into(), concert_pk(&r.concert))?).build(),
            TransactWriteItem::builder().update(slot).build(),
            balance,
            entry,
            TransactWriteItem::builder().update(totals).build(),
            put(&names.wallet_table, refund_item(r, key2(user_pk(r.user), refund_sk(r.reservation))))?,
            outbox_put(&names.wallet_table, &r.cancelled_event())?,
        ];
        if let Some(k) = &plan.key {
            let mut record = refund_item(r, key2(user_pk(r.user), refund_key_sk(k)));
            record.insert(EXPIRES_AT.into(), n(SystemClock.now().plus(KEEP_IDEMPOTENCY).epoch_seconds_ceil()));
            items.push(put(&names.wallet_table, record)?);
        }
        Ok(transact(&self.t.client, items).await?.is_ok())
    }

    async fn totals(&self, concert: &ConcertId) -> Result<RefundTotals> {
        let out = self
            .t
            .client
            .get_item()
            .table_name(&self.t.names.wallet_table)
            .set_key(Some(key2(totals_pk(concert), TOTALS_SK)))
            .consistent_read(true)
            .send()
            .await
            .map_err(sdk)?;
        let Some(item) = out.item() else { return Ok(RefundTotals::default()) };
        Ok(RefundTotals {
            count: opt_n(item, REFUNDS)?.unwrap_or(0),
            refunded: Won::new(opt_n(item, REFUNDED)?.unwrap_or(0))?,
            fees: Won::new(opt_n(item, FEES)?.unwrap_or(0))?,
        })
    }

    async fn refunds(&self, user: UserId) -> Result<Vec<Refund>> {
        let items = query_all(
            &self.t.client,
            &self.t.names.wallet_table,
            &format!("{PK} = :pk AND begins_with({SK}, :prefix)"),
            [(":pk".to_owned(), s(user_pk(user))), (":prefix".to_owned(), s(REFUND_PREFIX))].into(),
            false,
        )
        .await?;
        let mut out = items.iter().map(refund_of).collect::<Result<Vec<_>>>()?;
        out.sort_by_key(|r| std::cmp::Reverse(r.refunded_at));
        Ok(out)
    }
}
