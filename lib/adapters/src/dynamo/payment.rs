//! The payment transaction and its records in the wallet table:
//! `USER#<id>`/`PAYMENT#<paidAt>#<paymentId>` (listing, newest first),
//! `USER#<id>`/`IDEMPOTENCY#PAYMENT#<key>` (the key's first outcome, 48 h),
//! `OUTBOX#<shard>`/`EVENT#<paymentId>` (PaymentCompleted not yet handed to SQS).

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes, TransactWriteItem, Update};

use super::reservation::reservation_of;
use super::wallet::{move_balance, wallet_of};
use super::{get_n, get_s, infra, key, key2, n, put, query_all, s, sdk, sk_of, transact, Item, Tables};
use crate::dynamo::schema::attr::*;
use crate::dynamo::schema::catalog::status as seat_status;
use crate::dynamo::schema::catalog::{concert_pk, seat_sk};
use crate::dynamo::schema::queue::status as token_status;
use crate::dynamo::schema::queue::token_pk;
use crate::dynamo::schema::reservation::booking_pk;
use crate::dynamo::schema::reservation::status as reservation_status;
use crate::dynamo::schema::reservation::{account_pk, slot_attr};
use crate::dynamo::schema::wallet::user_pk;
use crate::dynamo::schema::wallet::{
    event_sk, outbox_pk, outbox_shard, payment_key_sk, payment_sk, KEEP_IDEMPOTENCY, OUTBOX_SHARDS, PAYMENT_PREFIX,
    WALLET_SK,
};
use crate::Resources;
use domain::booking::records::{OutboxEvent, PaidSeat, Payment};
use domain::booking::reservation::Reservation;
use domain::booking::store::{PayConflict, PaymentPlan, PaymentSnapshot, PaymentStore};
use domain::error::{Error, Result};
use domain::rules::seat_limit::SlotUse;
use domain::rules::ticket_code::booking_number;
use domain::values::clock::{Clock, SystemClock, Timestamp};
use domain::values::ids::{ConcertDate, ConcertId, IdempotencyKey, PaymentId, ReservationId, SeatNumber, UserId};
use domain::values::money::Won;
use domain::wallet::statement::Wallet;

pub struct DynamoPayments {
    t: Tables,
}

impl DynamoPayments {
    pub fn new(t: Tables) -> Self {
        Self { t }
    }
}

pub(crate) fn outbox_key(id: &str) -> Item {
    key2(outbox_pk(outbox_shard(id)), event_sk(id))
}

/// The outbox item of an event, put in the transaction that makes the event true.
pub(crate) fn outbox_put(table: &str, event: &OutboxEvent) -> Result<TransactWriteItem> {
    let mut item = outbox_key(&event.id);
    item.insert(EVENT_ID.into(), s(&event.id));
    item.insert(KIND.into(), s(&event.kind));
    item.insert(BODY.into(), s(event.body.to_string()));
    put(table, item)
}

fn outbox_event_of(item: &Item) -> Result<OutboxEvent> {
    let body = serde_json::from_str(get_s(item, BODY)?)
        .map_err(|_| Error::Infrastructure("an outbox event's body is not JSON".into()))?;
    Ok(OutboxEvent { id: get_s(item, EVENT_ID)?.to_owned(), kind: get_s(item, KIND)?.to_owned(), body })
}

fn payment_item(p: &Payment, mut item: Item) -> Item {
    let seats = p
        .seats
        .iter()
        .map(|seat| {
            AttributeValue::M(
                [
                    (RESERVATION_ID.to_owned(), s(seat.reservation.to_string())),
                    (DATE.to_owned(), s(seat.date.to_string())),
                    (SEAT_NUMBER.to_owned(), n(seat.seat.get())),
                    (PRICE.to_owned(), n(seat.price.get())),
                ]
                .into(),
            )
        })
        .collect();
    item.insert(PAYMENT_ID.into(), s(p.id.to_string()));
    item.insert(USER_ID.into(), s(p.user.to_string()));
    item.insert(CONCERT_ID.into(), s(p.concert.as_str()));
    item.insert(SEATS.into(), AttributeValue::L(seats));
    item.insert(AMOUNT.into(), n(p.amount.get()));
    item.insert(BALANCE_AFTER.into(), n(p.balance_after.get()));
    item.insert(PAID_AT.into(), n(p.paid_at.millis()));
    item
}

fn payment_of(item: &Item) -> Result<Payment> {
    Ok(Payment {
        id: PaymentId::parse(get_s(item, PAYMENT_ID)?)?,
        user: UserId::parse(get_s(item, USER_ID)?)?,
        concert: ConcertId::parse(get_s(item, CONCERT_ID)?)?,
        seats: item
            .get(SEATS)
            .and_then(|v| v.as_l().ok())
            .ok_or_else(|| Error::Infrastructure("a payment lacks its seats".into()))?
            .iter()
            .map(|v| {
                let m = v.as_m().map_err(|_| Error::Infrastructure("a paid seat is not a map".into()))?;
                Ok(PaidSeat {
                    reservation: ReservationId::parse(get_s(m, RESERVATION_ID)?)?,
                    date: ConcertDate::parse(get_s(m, DATE)?)?,
                    seat: SeatNumber::new(get_n(m, SEAT_NUMBER)?)?,
                    price: Won::new(get_n(m, PRICE)?)?,
                })
            })
            .collect::<Result<_>>()?,
        amount: Won::new(get_n(item, AMOUNT)?)?,
        balance_after: Won::new(get_n(item, BALANCE_AFTER)?)?,
        paid_at: Timestamp::from_millis(get_n(item, PAID_AT)?),
    })
}

/// The two writes that make one held seat the payer's: the seat SOLD (if it still carries
/// this unexpired hold) and the reservation CONFIRMED.
fn sell(names: &Resources, r: &Reservation, p: &Payment, now: Timestamp) -> Result<[TransactWriteItem; 2]> {
    let seat = Update::builder()
        .table_name(&names.catalog_table)
        .set_key(Some(key2(concert_pk(&r.concert), seat_sk(r.date, r.seat))))
        .update_expression(format!("SET #status = :sold REMOVE {HOLD_UNTIL}"))
        .condition_expression(format!("#status = :held AND {RESERVATION_ID} = :r AND {HOLD_UNTIL} > :now"))
        .expression_attribute_names("#status", STATUS)
        .expression_attribute_values(":sold", s(seat_status::SOLD))
        .expression_attribute_values(":held", s(seat_status::HELD))
        .expression_attribute_values(":r", s(r.id.to_string()))
        .expression_attribute_values(":now", n(now.millis()))
        .build()
        .map_err(infra)?;
    let reservation = Update::builder()
        .table_name(&names.reservation_table)
        .set_key(Some(key(r.id.to_string())))
        .update_expression(format!("SET #status = :confirmed, {PAYMENT_ID} = :p REMOVE {EXPIRES_AT}"))
        .condition_expression(format!("#status = :held AND {USER_ID} = :u"))
        .expression_attribute_names("#status", STATUS)
        .expression_attribute_values(":confirmed", s(reservation_status::CONFIRMED))
        .expression_attribute_values(":held", s(reservation_status::HELD))
        .expression_attribute_values(":p", s(p.id.to_string()))
        .expression_attribute_values(":u", s(p.user.to_string()))
        .build()
        .map_err(infra)?;
    Ok([TransactWriteItem::builder().update(seat).build(), TransactWriteItem::builder().update(reservation).build()])
}

/// The account's slots of the paid holds kept for good, if each still names its hold.
fn keep_slots(names: &Resources, paid: &[Reservation], p: &Payment) -> Result<TransactWriteItem> {
    let mut update = Update::builder()
        .table_name(&names.reservation_table)
        .set_key(Some(key(account_pk(&p.concert, p.user))))
        .expression_attribute_names("#until", UNTIL)
        .expression_attribute_names("#r", R)
        .expression_attribute_values(":forever", n(SlotUse::FOREVER.millis()));
    let mut sets = Vec::new();
    let mut conditions = Vec::new();
    for (i, r) in paid.iter().enumerate() {
        update = update
            .expression_attribute_names(format!("#s{i}"), slot_attr(r.slot))
            .expression_attribute_values(format!(":r{i}"), s(r.id.to_string()));
        sets.push(format!("#s{i}.#until = :forever"));
        conditions.push(format!("#s{i}.#r = :r{i}"));
    }
    let update = update
        .update_expression(format!("SET {}", sets.join(", ")))
        .condition_expression(conditions.join(" AND "))
        .build()
        .map_err(infra)?;
    Ok(TransactWriteItem::builder().update(update).build())
}

#[async_trait]
impl PaymentStore for DynamoPayments {
    async fn snapshot(
        &self,
        user: UserId,
        reservations: &[ReservationId],
        key: Option<&IdempotencyKey>,
    ) -> Result<PaymentSnapshot> {
        let names = &self.t.names;
        let mut wallet_keys = vec![key2(user_pk(user), WALLET_SK)];
        if let Some(k) = key {
            wallet_keys.push(key2(user_pk(user), payment_key_sk(k)));
        }
        let request = |keys: Vec<Item>| KeysAndAttributes::builder().set_keys(Some(keys)).consistent_read(true).build();
        let out = self
            .t
            .client
            .batch_get_item()
            .request_items(
                &names.reservation_table,
                request(reservations.iter().map(|r| super::key(r.to_string())).collect()).map_err(infra)?,
            )
            .request_items(&names.wallet_table, request(wallet_keys).map_err(infra)?)
            .send()
            .await
            .map_err(sdk)?;
        if out.unprocessed_keys().is_some_and(|u| !u.is_empty()) {
            // Throttled: the service retries the whole snapshot with backoff.
            return Err(Error::Throttled);
        }
        let responses = out.responses().cloned().unwrap_or_default();
        let found: Vec<Reservation> = responses
            .get(&names.reservation_table)
            .map(|items| items.iter().map(reservation_of).collect::<Result<_>>())
            .transpose()?
            .unwrap_or_default();
        let reservations = reservations.iter().map(|id| found.iter().find(|r| r.id == *id).cloned()).collect();
        let wallet_items = responses.get(&names.wallet_table).cloned().unwrap_or_default();
        let mut wallet = Wallet::default();
        let mut prior = None;
        for item in &wallet_items {
            if sk_of(item) == WALLET_SK {
                wallet = wallet_of(item)?;
            } else {
                prior = Some(payment_of(item)?);
            }
        }
        Ok(PaymentSnapshot { reservations, wallet, prior })
    }

    async fn pay(&self, plan: &PaymentPlan) -> Result<std::result::Result<(), Vec<PayConflict>>> {
        let names = &self.t.names;
        let p = &plan.payment;
        let token = Update::builder()
            .table_name(&names.queue_table)
            .set_key(Some(key(token_pk(plan.token))))
            .update_expression(format!("SET #status = :expired, {SLOT_UNTIL} = :now"))
            .condition_expression(format!("#status = :active AND {ACTIVE_UNTIL} > :now AND {SLOT_UNTIL} > :now"))
            .expression_attribute_names("#status", STATUS)
            .expression_attribute_values(":expired", s(token_status::EXPIRED))
            .expression_attribute_values(":active", s(token_status::ACTIVE))
            .expression_attribute_values(":now", n(plan.now.millis()))
            .build()
            .map_err(infra)?;
        // Each item's meaning if its condition fails, in the order of `items`.
        let [balance, entry] = move_balance(&names.wallet_table, p.user, plan.wallet, &plan.entry())?;
        let mut items = vec![
            balance,
            entry,
            TransactWriteItem::builder().update(token).build(),
            put(&names.wallet_table, payment_item(p, key2(user_pk(p.user), payment_sk(p.paid_at, p.id))))?,
            outbox_put(&names.wallet_table, &OutboxEvent::payment_completed(p))?,
        ];
        let mut meaning = vec![
            PayConflict::Wallet,
            PayConflict::Wallet,
            PayConflict::Token,
            PayConflict::Wallet,
            PayConflict::Wallet,
        ];
        if let Some(k) = &plan.key {
            let mut record = payment_item(p, key2(user_pk(p.user), payment_key_sk(k)));
            let ttl = SystemClock.now().plus(KEEP_IDEMPOTENCY).epoch_seconds_ceil();
            record.insert(EXPIRES_AT.into(), n(ttl));
            items.push(put(&names.wallet_table, record)?);
            meaning.push(PayConflict::Key);
        }
        for r in &plan.reservations {
            items.extend(sell(names, r, p, plan.now)?);
            meaning.extend([PayConflict::Seat, PayConflict::Reservation]);
        }
        // One write for the account's slots: a transaction may touch an item only once.
        items.push(keep_slots(names, &plan.reservations, p)?);
        meaning.push(PayConflict::Seat);
        // Each ticket's booking number, for a code typed by hand at the gate (docs/tickets.md).
        // Unconditional: two tickets of one number (one chance in 10^9 at a million tickets)
        // would only cost the older one its typed lookup, never the payment.
        for r in &plan.reservations {
            let mut booking = key(booking_pk(&booking_number(r.id)));
            booking.insert(RESERVATION_ID.into(), s(r.id.to_string()));
            items.push(put(&names.reservation_table, booking)?);
            meaning.push(PayConflict::Seat);
        }
        Ok(transact(&self.t.client, items)
            .await?
            .map_err(|failed| failed.into_iter().filter_map(|i| meaning.get(i).copied()).collect()))
    }

    async fn payments(&self, user: UserId) -> Result<Vec<Payment>> {
        let items = query_all(
            &self.t.client,
            &self.t.names.wallet_table,
            &format!("{PK} = :pk AND begins_with({SK}, :prefix)"),
            [(":pk".to_owned(), s(user_pk(user))), (":prefix".to_owned(), s(PAYMENT_PREFIX))].into(),
            true,
        )
        .await?;
        items.iter().map(payment_of).collect()
    }

    async fn payment(&self, user: UserId, id: PaymentId) -> Result<Option<Payment>> {
        Ok(self.payments(user).await?.into_iter().find(|p| p.id == id))
    }

    async fn undelivered(&self, limit: usize) -> Result<Vec<OutboxEvent>> {
        let mut out = Vec::new();
        for shard in 0..OUTBOX_SHARDS {
            if out.len() >= limit {
                break;
            }
            let items = query_all(
                &self.t.client,
                &self.t.names.wallet_table,
                &format!("{PK} = :pk"),
                [(":pk".to_owned(), s(outbox_pk(shard)))].into(),
                false,
            )
            .await?;
            for item in items.iter().take(limit.saturating_sub(out.len())) {
                out.push(outbox_event_of(item)?);
            }
        }
        Ok(out)
    }

    async fn mark_delivered(&self, event: &OutboxEvent) -> Result<()> {
        self.t
            .client
            .delete_item()
            .table_name(&self.t.names.wallet_table)
            .set_key(Some(outbox_key(&event.id)))
            .send()
            .await
            .map_err(sdk)?;
        Ok(())
    }
}
