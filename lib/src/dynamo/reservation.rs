//! Holds: the seat item in the catalog table and the reservation item (`pk` = reservation
//! id) in the reservation table, written in one transaction.

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem, Update};

use super::catalog::{concert_pk, seat_sk};
use super::{condition_failed, get_n, get_s, infra, key, key2, n, s, sdk, transact, Item, Tables};
use crate::clock::Timestamp;
use crate::error::Result;
use crate::ids::{ConcertDate, ConcertId, PaymentId, ReservationId, SeatNumber, UserId};
use crate::money::Won;
use crate::reservation::{HoldOutcome, HoldStore, Reservation, ReservationState};

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

pub(crate) fn reservation_of(item: &Item) -> Result<Reservation> {
    let state = match get_s(item, "status")? {
        "CONFIRMED" => ReservationState::Confirmed { payment: PaymentId::parse(get_s(item, "paymentId")?)? },
        "EXPIRED" => ReservationState::Expired,
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
        state,
    })
}

#[async_trait]
impl HoldStore for DynamoHolds {
    async fn hold(&self, r: &Reservation, now: Timestamp) -> Result<HoldOutcome> {
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
            .item("status", s("HELD"))
            .item("expiresAt", n(r.expires_at.plus(KEEP_UNPAID).epoch_seconds_ceil()))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .map_err(infra)?;
        let items =
            vec![TransactWriteItem::builder().update(seat).build(), TransactWriteItem::builder().put(record).build()];
        Ok(match transact(&self.t.client, items).await? {
            Ok(()) => HoldOutcome::Held,
            Err(_) => HoldOutcome::SeatTaken,
        })
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
