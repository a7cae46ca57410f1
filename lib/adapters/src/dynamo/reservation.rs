//! Holds: the seat item in the catalog table, the reservation item (`pk` = reservation
//! id) and the account's seat slots (`pk` = `ACCOUNT#<concert>#<user>`, attributes
//! `s0`..`s9` = {r: reservation, until: ms}) in the reservation table, written in one
//! transaction.

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem, Update};

use super::catalog::{concert_pk, seat_sk};
use super::line::keys::token_pk;
use super::{condition_failed, get_n, get_s, infra, key, key2, n, opt_n, s, sdk, transact, Item, Tables};
use domain::booking::reservation::{Reservation, ReservationState};
use domain::booking::store::{HoldOutcome, HoldStore};
use domain::catalog::concert::Concert;
use domain::error::Result;
use domain::line::token::Admission;
use domain::rules::seat_limit::{AccountSeats, SlotUse};
use domain::values::clock::Timestamp;
use domain::values::ids::{ConcertDate, ConcertId, PaymentId, ReservationId, SeatNumber, UserId};
use domain::values::money::Won;

/// Unpaid reservations are kept this long after their hold ends, then TTL may remove them.
const KEEP_UNPAID: Duration = Duration::from_secs(30 * 24 * 3600);

pub struct DynamoHolds {
    t: Tables,
}

impl DynamoHolds {
    pub fn new(t: Tables) -> Self {
        Self { t }
    }
}

pub(crate) fn account_pk(c: &ConcertId, u: UserId) -> String {
    format!("ACCOUNT#{c}#{u}")
}

pub(crate) fn slot_attr(i: u8) -> String {
    format!("s{i}")
}

fn slot_use(r: ReservationId, until: Timestamp) -> AttributeValue {
    AttributeValue::M([("r".to_owned(), s(r.to_string())), ("until".to_owned(), n(until.millis()))].into())
}

pub(crate) fn reservation_of(item: &Item) -> Result<Reservation> {
    let state = match get_s(item, "status")? {
        "CONFIRMED" => ReservationState::Confirmed { payment: PaymentId::parse(get_s(item, "paymentId")?)? },
        "EXPIRED" => ReservationState::Expired,
        "CANCELLED" => ReservationState::Cancelled,
        _ => ReservationState::Held,
    };
    Ok(Reservation {
        id: ReservationId::parse(get_s(item, "pk")?)?,
        user: UserId::parse(get_s(item, "userId")?)?,
        concert: ConcertId::parse(get_s(item, "concertId")?)?,
        date: ConcertDate::parse(get_s(item, "date")?)?,
        seat: SeatNumber::new(get_n(item, "seatNumber")?)?,
        price: Won::new(get_n(item, "price")?)?,
        created_at: Timestamp::from_millis(get_n(item, "createdAt")?),
        expires_at: Timestamp::from_millis(get_n(item, "holdUntil")?),
        slot: opt_n(item, "slot")?.unwrap_or(0),
        state,
    })
}

#[async_trait]
impl HoldStore for DynamoHolds {
    async fn hold(&self, r: &Reservation, now: Timestamp, who: &Admission, keep: Timestamp) -> Result<HoldOutcome> {
        let seat = Update::builder()
            .table_name(&self.t.names.catalog_table)
            .set_key(Some(key2(concert_pk(&r.concert), seat_sk(r.date, r.seat))))
            .update_expression("SET #status = :held, holder = :user, reservationId = :r, holdUntil = :until")
            .condition_expression(
                "attribute_exists(pk) AND (#status = :available OR (#status = :held AND holdUntil <= :now))",
            )
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":held", s("HELD"))
            .expression_attribute_values(":available", s("AVAILABLE"))
            .expression_attribute_values(":user", s(r.user.to_string()))
            .expression_attribute_values(":r", s(r.id.to_string()))
            .expression_attribute_values(":until", n(r.expires_at.millis()))
            .expression_attribute_values(":now", n(now.millis()))
            .build()
            .map_err(infra)?;
        let record = Put::builder()
            .table_name(&self.t.names.reservation_table)
            .item("pk", s(r.id.to_string()))
            .item("userId", s(r.user.to_string()))
            .item("concertId", s(r.concert.as_str()))
            .item("date", s(r.date.to_string()))
            .item("seatNumber", n(r.seat.get()))
            .item("price", n(r.price.get()))
            .item("createdAt", n(r.created_at.millis()))
            .item("holdUntil", n(r.expires_at.millis()))
            .item("slot", n(r.slot))
            .item("status", s("HELD"))
            .item("expiresAt", n(r.expires_at.plus(KEEP_UNPAID).epoch_seconds_ceil()))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .map_err(infra)?;
        // The account's slot, free at this instant (absent, or its hold has ended).
        let slot = Update::builder()
            .table_name(&self.t.names.reservation_table)
            .set_key(Some(key(account_pk(&r.concert, r.user))))
            .update_expression("SET #slot = :use")
            .condition_expression("attribute_not_exists(#slot) OR #slot.#until <= :now")
            .expression_attribute_names("#slot", slot_attr(r.slot))
            .expression_attribute_names("#until", "until")
            .expression_attribute_values(":use", slot_use(r.id, r.expires_at))
            .expression_attribute_values(":now", n(now.millis()))
            .build()
            .map_err(infra)?;
        // The fan's queue token, in the same step: still ACTIVE with its slot, and the slot
        // moved to `keep`. No slot is later than `keep` (a renewal at an earlier instant
        // reaches less far) but by the clock skew between two functions: milliseconds.
        let token = Update::builder()
            .table_name(&self.t.names.queue_table)
            .set_key(Some(key(token_pk(who.token))))
            .update_expression("SET slotUntil = :keep")
            .condition_expression("#status = :active AND activeUntil > :now AND slotUntil > :now")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":active", s("ACTIVE"))
            .expression_attribute_values(":now", n(now.millis()))
            .expression_attribute_values(":keep", n(keep.millis()))
            .build()
            .map_err(infra)?;
        let items = vec![
            TransactWriteItem::builder().update(seat).build(),
            TransactWriteItem::builder().put(record).build(),
            TransactWriteItem::builder().update(slot).build(),
            TransactWriteItem::builder().update(token).build(),
        ];
        Ok(match transact(&self.t.client, items).await? {
            Ok(()) => HoldOutcome::Held,
            Err(failed) if failed == [3] => HoldOutcome::TokenEnded,
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
                    reservation: ReservationId::parse(get_s(m, "r")?)?,
                    until: Timestamp::from_millis(get_n(m, "until")?),
                });
            }
        }
        Ok(AccountSeats { slots })
    }

    async fn cancel(&self, r: &Reservation, now: Timestamp) -> Result<bool> {
        let record = Update::builder()
            .table_name(&self.t.names.reservation_table)
            .set_key(Some(key(r.id.to_string())))
            .update_expression("SET #status = :cancelled, cancelledAt = :now")
            .condition_expression("#status = :held AND userId = :u AND holdUntil > :now")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":cancelled", s("CANCELLED"))
            .expression_attribute_values(":held", s("HELD"))
            .expression_attribute_values(":u", s(r.user.to_string()))
            .expression_attribute_values(":now", n(now.millis()))
            .build()
            .map_err(infra)?;
        let seat = Update::builder()
            .table_name(&self.t.names.catalog_table)
            .set_key(Some(key2(concert_pk(&r.concert), seat_sk(r.date, r.seat))))
            .update_expression("SET #status = :available REMOVE holder, reservationId, holdUntil")
            .condition_expression("#status = :held AND reservationId = :r")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":available", s("AVAILABLE"))
            .expression_attribute_values(":held", s("HELD"))
            .expression_attribute_values(":r", s(r.id.to_string()))
            .build()
            .map_err(infra)?;
        let slot = Update::builder()
            .table_name(&self.t.names.reservation_table)
            .set_key(Some(key(account_pk(&r.concert, r.user))))
            .update_expression("REMOVE #slot")
            .condition_expression("#slot.#r = :r")
            .expression_attribute_names("#slot", slot_attr(r.slot))
            .expression_attribute_names("#r", "r")
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
            .update_expression("SET #status = :expired, releasedAt = :now")
            .condition_expression("#status = :held AND holdUntil <= :now")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":expired", s("EXPIRED"))
            .expression_attribute_values(":held", s("HELD"))
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
            .update_expression("SET #status = :available REMOVE holder, reservationId, holdUntil")
            .condition_expression("#status = :held AND reservationId = :r AND holdUntil <= :now")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":available", s("AVAILABLE"))
            .expression_attribute_values(":held", s("HELD"))
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
