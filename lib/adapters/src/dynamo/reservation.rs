//! Holds: the seat item in the catalog table, the reservation item (`pk` = reservation
//! id) and the account's seat slots (`pk` = `ACCOUNT#<concert>#<user>`, attributes
//! `s0`..`s9` = {r: reservation, until: ms}) in the reservation table, written in one
//! transaction.

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem, Update};

use super::{condition_failed, get_n, get_s, infra, key, key2, n, opt_n, s, sdk, transact, Item, Tables};
use crate::dynamo::schema::attr::*;
use crate::dynamo::schema::catalog::status as seat_status;
use crate::dynamo::schema::catalog::{concert_pk, seat_sk};
use crate::dynamo::schema::queue::status as token_status;
use crate::dynamo::schema::queue::token_pk;
use crate::dynamo::schema::reservation::status as reservation_status;
use crate::dynamo::schema::reservation::{account_pk, slot_attr, KEEP_UNPAID};
use domain::booking::reservation::{CheckIn, Gate, Reservation, ReservationState};
use domain::booking::store::{HoldOutcome, HoldStore};
use domain::catalog::concert::Concert;
use domain::error::Result;
use domain::line::token::Admission;
use domain::rules::seat_limit::{AccountSeats, SlotUse};
use domain::values::clock::Timestamp;
use domain::values::ids::{ConcertDate, ConcertId, PaymentId, ReservationId, SeatNumber, UserId};
use domain::values::money::Won;

pub struct DynamoHolds {
    t: Tables,
}

impl DynamoHolds {
    pub fn new(t: Tables) -> Self {
        Self { t }
    }
}

pub(crate) fn slot_use(r: ReservationId, until: Timestamp) -> AttributeValue {
    AttributeValue::M([(R.to_owned(), s(r.to_string())), (UNTIL.to_owned(), n(until.millis()))].into())
}

pub(crate) fn reservation_of(item: &Item) -> Result<Reservation> {
    let state = match get_s(item, STATUS)? {
        reservation_status::CONFIRMED => {
            ReservationState::Confirmed { payment: PaymentId::parse(get_s(item, PAYMENT_ID)?)? }
        }
        reservation_status::EXPIRED => ReservationState::Expired,
        reservation_status::CANCELLED => ReservationState::Cancelled,
        _ => ReservationState::Held,
    };
    Ok(Reservation {
        id: ReservationId::parse(get_s(item, PK)?)?,
        user: UserId::parse(get_s(item, USER_ID)?)?,
        concert: ConcertId::parse(get_s(item, CONCERT_ID)?)?,
        date: ConcertDate::parse(get_s(item, DATE)?)?,
        seat: SeatNumber::new(get_n(item, SEAT_NUMBER)?)?,
        price: Won::new(get_n(item, PRICE)?)?,
        created_at: Timestamp::from_millis(get_n(item, CREATED_AT)?),
        expires_at: Timestamp::from_millis(get_n(item, HOLD_UNTIL)?),
        slot: opt_n(item, SLOT)?.unwrap_or(0),
        state,
        checked_in: match opt_n::<i64>(item, CHECKED_IN_AT)? {
            None => None,
            Some(at) => Some(CheckIn { at: Timestamp::from_millis(at), gate: Gate::parse(get_s(item, GATE)?)? }),
        },
        transferred_from: item
            .get(TRANSFERRED_FROM)
            .and_then(|v| v.as_s().ok())
            .map(|u| UserId::parse(u))
            .transpose()?,
    })
}

/// The hold's write of its seat: taken if it exists and is available at `now`.
fn seat_hold(table: &str, r: &Reservation, now: Timestamp) -> Result<Update> {
    Update::builder()
        .table_name(table)
        .set_key(Some(key2(concert_pk(&r.concert), seat_sk(r.date, r.seat))))
        .update_expression(format!(
            "SET #status = :held, {HOLDER} = :user, {RESERVATION_ID} = :r, {HOLD_UNTIL} = :until"
        ))
        .condition_expression(format!(
            "attribute_exists({PK}) AND (#status = :available OR (#status = :held AND {HOLD_UNTIL} <= :now))"
        ))
        .expression_attribute_names("#status", STATUS)
        .expression_attribute_values(":held", s(seat_status::HELD))
        .expression_attribute_values(":available", s(seat_status::AVAILABLE))
        .expression_attribute_values(":user", s(r.user.to_string()))
        .expression_attribute_values(":r", s(r.id.to_string()))
        .expression_attribute_values(":until", n(r.expires_at.millis()))
        .expression_attribute_values(":now", n(now.millis()))
        .build()
        .map_err(infra)
}

/// The hold's new reservation, put once.
fn reservation_put(table: &str, r: &Reservation) -> Result<Put> {
    Put::builder()
        .table_name(table)
        .item(PK, s(r.id.to_string()))
        .item(USER_ID, s(r.user.to_string()))
        .item(CONCERT_ID, s(r.concert.as_str()))
        .item(DATE, s(r.date.to_string()))
        .item(SEAT_NUMBER, n(r.seat.get()))
        .item(PRICE, n(r.price.get()))
        .item(CREATED_AT, n(r.created_at.millis()))
        .item(HOLD_UNTIL, n(r.expires_at.millis()))
        .item(SLOT, n(r.slot))
        .item(STATUS, s(reservation_status::HELD))
        .item(EXPIRES_AT, n(r.expires_at.plus(KEEP_UNPAID).epoch_seconds_ceil()))
        .condition_expression(format!("attribute_not_exists({PK})"))
        .build()
        .map_err(infra)
}

#[async_trait]
impl HoldStore for DynamoHolds {
    async fn hold(&self, rs: &[Reservation], now: Timestamp, who: &Admission, keep: Timestamp) -> Result<HoldOutcome> {
        let Some(first) = rs.first() else { return Ok(HoldOutcome::Held) };
        let mut items = Vec::with_capacity(rs.len() * 2 + 2);
        for r in rs {
            items.push(TransactWriteItem::builder().update(seat_hold(&self.t.names.catalog_table, r, now)?).build());
            items.push(TransactWriteItem::builder().put(reservation_put(&self.t.names.reservation_table, r)?).build());
        }
        // The account's slots, each free at this instant (absent, or its hold has ended):
        // one update of the account item, which a transaction may touch only once.
        let mut slots = Update::builder()
            .table_name(&self.t.names.reservation_table)
            .set_key(Some(key(account_pk(&first.concert, first.user))))
            .expression_attribute_names("#until", UNTIL)
            .expression_attribute_values(":now", n(now.millis()));
        let (mut sets, mut conditions) = (Vec::new(), Vec::new());
        for (i, r) in rs.iter().enumerate() {
            sets.push(format!("#s{i} = :u{i}"));
            conditions.push(format!("(attribute_not_exists(#s{i}) OR #s{i}.#until <= :now)"));
            slots = slots
                .expression_attribute_names(format!("#s{i}"), slot_attr(r.slot))
                .expression_attribute_values(format!(":u{i}"), slot_use(r.id, r.expires_at));
        }
        let slots = slots
            .update_expression(format!("SET {}", sets.join(", ")))
            .condition_expression(conditions.join(" AND "))
            .build()
            .map_err(infra)?;
        items.push(TransactWriteItem::builder().update(slots).build());
        // The fan's queue token, in the same step: still ACTIVE with its slot, and the slot
        // moved to `keep`. No slot is later than `keep` (a renewal at an earlier instant
        // reaches less far) but by the clock skew between two functions: milliseconds.
        let token = Update::builder()
            .table_name(&self.t.names.queue_table)
            .set_key(Some(key(token_pk(who.token))))
            .update_expression(format!("SET {SLOT_UNTIL} = :keep"))
            .condition_expression(format!("#status = :active AND {ACTIVE_UNTIL} > :now AND {SLOT_UNTIL} > :now"))
            .expression_attribute_names("#status", STATUS)
            .expression_attribute_values(":active", s(token_status::ACTIVE))
            .expression_attribute_values(":now", n(now.millis()))
            .expression_attribute_values(":keep", n(keep.millis()))
            .build()
            .map_err(infra)?;
        items.push(TransactWriteItem::builder().update(token).build());
        let last = items.len() - 1;
        Ok(match transact(&self.t.client, items).await? {
            Ok(()) => HoldOutcome::Held,
            Err(failed) if failed == [last] => HoldOutcome::TokenEnded,
            Err(_) => HoldOutcome::SeatTaken,
        })
    }

    async fn account(&self, concert: &ConcertId, user: UserId) -> Result<AccountSeats> {
        let out = self
            .t
            .client
            .get_item()
            .table_name(&self.t.names.reservation_table)
            .set_key(Some(key(account_pk(concert, user))))
            .consistent_read(true)
            .send()
            .await
            .map_err(sdk)?;
        let Some(item) = out.item() else { return Ok(AccountSeats::default()) };
        let mut slots = vec![None; usize::from(Concert::MAX_SEAT_LIMIT)];
        for (i, slot) in slots.iter_mut().enumerate() {
            if let Some(AttributeValue::M(m)) = item.get(&slot_attr(i as u8)) {
                *slot = Some(SlotUse {
                    reservation: ReservationId::parse(get_s(m, R)?)?,
                    until: Timestamp::from_millis(get_n(m, UNTIL)?),
                });
            }
        }
        Ok(AccountSeats { slots })
    }

    async fn cancel(&self, r: &Reservation, now: Timestamp) -> Result<bool> {
        let record = Update::builder()
            .table_name(&self.t.names.reservation_table)
            .set_key(Some(key(r.id.to_string())))
            .update_expression(format!("SET #status = :cancelled, {CANCELLED_AT} = :now"))
            .condition_expression(format!("#status = :held AND {USER_ID} = :u AND {HOLD_UNTIL} > :now"))
            .expression_attribute_names("#status", STATUS)
            .expression_attribute_values(":cancelled", s(reservation_status::CANCELLED))
            .expression_attribute_values(":held", s(reservation_status::HELD))
            .expression_attribute_values(":u", s(r.user.to_string()))
            .expression_attribute_values(":now", n(now.millis()))
            .build()
            .map_err(infra)?;
        let seat = Update::builder()
            .table_name(&self.t.names.catalog_table)
            .set_key(Some(key2(concert_pk(&r.concert), seat_sk(r.date, r.seat))))
            .update_expression(format!("SET #status = :available REMOVE {HOLDER}, {RESERVATION_ID}, {HOLD_UNTIL}"))
            .condition_expression(format!("#status = :held AND {RESERVATION_ID} = :r"))
            .expression_attribute_names("#status", STATUS)
            .expression_attribute_values(":available", s(seat_status::AVAILABLE))
            .expression_attribute_values(":held", s(seat_status::HELD))
            .expression_attribute_values(":r", s(r.id.to_string()))
            .build()
            .map_err(infra)?;
        let slot = Update::builder()
            .table_name(&self.t.names.reservation_table)
            .set_key(Some(key(account_pk(&r.concert, r.user))))
            .update_expression("REMOVE #slot")
            .condition_expression("#slot.#r = :r")
            .expression_attribute_names("#slot", slot_attr(r.slot))
            .expression_attribute_names("#r", R)
            .expression_attribute_values(":r", s(r.id.to_string()))
            .build()
            .map_err(infra)?;
        let items = vec![
            TransactWriteItem::builder().update(record).build(),
            TransactWriteItem::builder().update(seat).build(),
            TransactWriteItem::builder().update(slot).build(),
        ];
        Ok(transact(&self.t.client, items).await?.is_ok())
    }

    async fn reservation(&self, id: ReservationId) -> Result<Option<Reservation>> {
        let out = self
            .t
            .client
            .get_item()
            .table_name(&self.t.names.reservation_table)
            .set_key(Some(key(id.to_string())))
            .consistent_read(true)
            .send()
            .await
            .map_err(sdk)?;
        out.item().map(reservation_of).transpose()
    }

    async fn release(&self, r: &Reservation, now: Timestamp) -> Result<bool> {
        let marked = self
            .t
            .client
            .update_item()
            .table_name(&self.t.names.reservation_table)
            .set_key(Some(key(r.id.to_string())))
            .update_expression(format!("SET #status = :expired, {RELEASED_AT} = :now"))
            .condition_expression(format!("#status = :held AND {HOLD_UNTIL} <= :now"))
            .expression_attribute_names("#status", STATUS)
            .expression_attribute_values(":expired", s(reservation_status::EXPIRED))
            .expression_attribute_values(":held", s(reservation_status::HELD))
            .expression_attribute_values(":now", n(now.millis()))
            .send()
            .await;
        let marked = match marked {
            Ok(_) => true,
            Err(e) if condition_failed(&e) => false,
            Err(e) => return Err(sdk(e)),
        };
        // Tidy the seat too, if it still carries this (ended) hold.
        let freed = self
            .t
            .client
            .update_item()
            .table_name(&self.t.names.catalog_table)
            .set_key(Some(key2(concert_pk(&r.concert), seat_sk(r.date, r.seat))))
            .update_expression(format!("SET #status = :available REMOVE {HOLDER}, {RESERVATION_ID}, {HOLD_UNTIL}"))
            .condition_expression(format!("#status = :held AND {RESERVATION_ID} = :r AND {HOLD_UNTIL} <= :now"))
            .expression_attribute_names("#status", STATUS)
            .expression_attribute_values(":available", s(seat_status::AVAILABLE))
            .expression_attribute_values(":held", s(seat_status::HELD))
            .expression_attribute_values(":r", s(r.id.to_string()))
            .expression_attribute_values(":now", n(now.millis()))
            .send()
            .await;
        match freed {
            Ok(_) => {}
            Err(e) if condition_failed(&e) => {}
            Err(e) => return Err(sdk(e)),
        }
        Ok(marked)
    }
}
