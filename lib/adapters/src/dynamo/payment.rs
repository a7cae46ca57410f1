//! The payment transaction and its records in the wallet table:
//! `USER#<id>`/`PAYMENT#<paidAt>#<paymentId>` (listing, newest first),
//! `USER#<id>`/`IDEMPOTENCY#PAYMENT#<key>` (the key's first outcome, 48 h),
//! `OUTBOX#<shard>`/`EVENT#<paymentId>` (PaymentCompleted not yet handed to SQS).

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes, Put, TransactWriteItem, Update};

use super::catalog::{concert_pk, seat_sk};
use super::line::keys::token_pk;
use super::reservation::{account_pk, reservation_of, slot_attr};
use super::wallet::{move_balance, user_pk, wallet_of, KEEP_IDEMPOTENCY, WALLET_SK};
use super::{get_n, get_s, infra, key, key2, n, query_all, s, sdk, sk_of, transact, Item, Tables};
use crate::Resources;
use domain::booking::records::{OutboxEvent, PaidSeat, Payment};
use domain::booking::reservation::Reservation;
use domain::booking::store::{PayConflict, PaymentPlan, PaymentSnapshot, PaymentStore};
use domain::error::{Error, Result};
use domain::rules::seat_limit::SlotUse;
use domain::values::clock::{Clock, SystemClock, Timestamp};
use domain::values::ids::{ConcertDate, ConcertId, IdempotencyKey, PaymentId, ReservationId, SeatNumber, UserId};
use domain::values::money::Won;
use domain::wallet::statement::Wallet;

/// The outbox is spread over a few partitions so that it is never one hot key.
const OUTBOX_SHARDS: u32 = 4;

pub struct DynamoPayments {
    t: Tables,
}

impl DynamoPayments {
    pub fn new(t: Tables) -> Self {
        Self { t }
    }
}

fn payment_key_sk(key: &IdempotencyKey) -> String {
    format!("IDEMPOTENCY#PAYMENT#{}", key.as_str())
}

fn payment_sk(p: &Payment) -> String {
    format!("PAYMENT#{:013}#{}", p.paid_at.millis(), p.id)
}

pub(crate) fn outbox_key(id: &str) -> Item {
    let shard = id.bytes().last().map_or(0, |b| u32::from(b) % OUTBOX_SHARDS);
    key2(format!("OUTBOX#{shard}"), format!("EVENT#{id}"))
}

/// The outbox item of an event, put in the transaction that makes the event true.
pub(crate) fn outbox_put(table: &str, event: &OutboxEvent) -> Result<TransactWriteItem> {
    let mut item = outbox_key(&event.id);
    item.insert("eventId".into(), s(&event.id));
    item.insert("kind".into(), s(&event.kind));
    item.insert("body".into(), s(event.body.to_string()));
    put(table, item)
}

fn outbox_event_of(item: &Item) -> Result<OutboxEvent> {
    let body = serde_json::from_str(get_s(item, "body")?)
        .map_err(|_| Error::Infrastructure("an outbox event's body is not JSON".into()))?;
    Ok(OutboxEvent { id: get_s(item, "eventId")?.to_owned(), kind: get_s(item, "kind")?.to_owned(), body })
}

fn payment_item(p: &Payment, mut item: Item) -> Item {
    let seats = p
        .seats
        .iter()
        .map(|seat| {
            AttributeValue::M(
                [
                    ("reservationId".to_owned(), s(seat.reservation.to_string())),
                    ("date".to_owned(), s(seat.date.to_string())),
                    ("seatNumber".to_owned(), n(seat.seat.get())),
                    ("price".to_owned(), n(seat.price.get())),
                ]
                .into(),
            )
        })
        .collect();
    item.insert("paymentId".into(), s(p.id.to_string()));
    item.insert("userId".into(), s(p.user.to_string()));
    item.insert("concertId".into(), s(p.concert.as_str()));
    item.insert("seats".into(), AttributeValue::L(seats));
    item.insert("amount".into(), n(p.amount.get()));
    item.insert("balanceAfter".into(), n(p.balance_after.get()));
    item.insert("paidAt".into(), n(p.paid_at.millis()));
    item
}

fn payment_of(item: &Item) -> Result<Payment> {
    Ok(Payment {
        id: PaymentId::parse(get_s(item, "paymentId")?)?,
        user: UserId::parse(get_s(item, "userId")?)?,
        concert: ConcertId::parse(get_s(item, "concertId")?)?,
        seats: item
            .get("seats")
            .and_then(|v| v.as_l().ok())
            .ok_or_else(|| Error::Infrastructure("a payment lacks its seats".into()))?
            .iter()
            .map(|v| {
                let m = v.as_m().map_err(|_| Error::Infrastructure("a paid seat is not a map".into()))?;
                Ok(PaidSeat {
                    reservation: ReservationId::parse(get_s(m, "reservationId")?)?,
                    date: ConcertDate::parse(get_s(m, "date")?)?,
                    seat: SeatNumber::new(get_n(m, "seatNumber")?)?,
                    price: Won::new(get_n(m, "price")?)?,
                })
            })
            .collect::<Result<_>>()?,
        amount: Won::new(get_n(item, "amount")?)?,
        balance_after: Won::new(get_n(item, "balanceAfter")?)?,
        paid_at: Timestamp::from_millis(get_n(item, "paidAt")?),
    })
}

/// The two writes that make one held seat the payer's: the seat SOLD (if it still carries
/// this unexpired hold) and the reservation CONFIRMED.
fn sell(names: &Resources, r: &Reservation, p: &Payment, now: Timestamp) -> Result<[TransactWriteItem; 2]> {
    let seat = Update::builder()
        .table_name(&names.catalog_table)
        .set_key(Some(key2(concert_pk(&r.concert), seat_sk(r.date, r.seat))))
        .update_expression("SET #status = :sold REMOVE holdUntil")
        .condition_expression("#status = :held AND reservationId = :r AND holdUntil > :now")
        .expression_attribute_names("#status", "status")
        .expression_attribute_values(":sold", s("SOLD"))
        .expression_attribute_values(":held", s("HELD"))
        .expression_attribute_values(":r", s(r.id.to_string()))
        .expression_attribute_values(":now", n(now.millis()))
        .build()
        .map_err(infra)?;
    let reservation = Update::builder()
        .table_name(&names.reservation_table)
        .set_key(Some(key(r.id.to_string())))
        .update_expression("SET #status = :confirmed, paymentId = :p REMOVE expiresAt")
        .condition_expression("#status = :held AND userId = :u")
        .expression_attribute_names("#status", "status")
        .expression_attribute_values(":confirmed", s("CONFIRMED"))
        .expression_attribute_values(":held", s("HELD"))
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
        .expression_attribute_names("#until", "until")
        .expression_attribute_names("#r", "r")
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

/// A transaction item that creates `item`, which must not exist yet.
pub(crate) fn put(table: &str, item: Item) -> Result<TransactWriteItem> {
    let p = Put::builder()
        .table_name(table)
        .set_item(Some(item))
        .condition_expression("attribute_not_exists(pk)")
        .build()
        .map_err(infra)?;
    Ok(TransactWriteItem::builder().put(p).build())
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
            .update_expression("SET #status = :expired, slotUntil = :now")
            .condition_expression("#status = :active AND activeUntil > :now AND slotUntil > :now")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":expired", s("EXPIRED"))
            .expression_attribute_values(":active", s("ACTIVE"))
            .expression_attribute_values(":now", n(plan.now.millis()))
            .build()
            .map_err(infra)?;
        // Each item's meaning if its condition fails, in the order of `items`.
        let [balance, entry] = move_balance(&names.wallet_table, p.user, plan.wallet, &plan.entry())?;
        let mut items = vec![
            balance,
            entry,
            TransactWriteItem::builder().update(token).build(),
            put(&names.wallet_table, payment_item(p, key2(user_pk(p.user), payment_sk(p))))?,
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
            record.insert("expiresAt".into(), n(ttl));
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
        Ok(transact(&self.t.client, items)
            .await?
            .map_err(|failed| failed.into_iter().filter_map(|i| meaning.get(i).copied()).collect()))
    }

    async fn payments(&self, user: UserId) -> Result<Vec<Payment>> {
        let items = query_all(
            &self.t.client,
            &self.t.names.wallet_table,
            "pk = :pk AND begins_with(sk, :prefix)",
            [(":pk".to_owned(), s(user_pk(user))), (":prefix".to_owned(), s("PAYMENT#"))].into(),
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
                "pk = :pk",
                [(":pk".to_owned(), s(format!("OUTBOX#{shard}")))].into(),
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
