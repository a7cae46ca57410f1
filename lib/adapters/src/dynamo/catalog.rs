//! Catalog table (`pk`, `sk`): `CATALOG`/`CONCERT#<id>` lists concerts,
//! `CONCERT#<id>`/`META` marks one, `CONCERT#<id>`/`SEAT#<date>#<nn>` is a seat with its
//! hold or sale. All seats of a concert share a partition, so every date's availability
//! is one Query.

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{
    AttributeValue, ConditionCheck, Delete, Put, PutRequest, TransactWriteItem, Update, WriteRequest,
};

use super::{
    applied, condition_failed, get_n, get_s, infra, key2, n, opt_n, query_all, s, sdk, sk_of, transact, Item, Tables,
};
use crate::dynamo::schema::attr::*;
use crate::dynamo::schema::catalog::{
    concert_pk, date_seats_prefix, live_sk, seat_sk, status, CATALOG_PK, LIVE_PK, META_SK, SEAT_PREFIX,
};
use domain::catalog::concert::{Concert, Seat, SeatState, Summary};
use domain::catalog::store::CatalogStore;
use domain::error::{Error, Result};
use domain::rules::refund_policy::RefundPolicy;
use domain::rules::sale::{SaleControl, SaleWindow};
use domain::values::clock::Timestamp;
use domain::values::ids::{ConcertDate, ConcertId, ReservationId, SeatNumber, UserId};
use domain::values::money::Won;

pub struct DynamoCatalog {
    pub(super) t: Tables,
}

impl DynamoCatalog {
    pub fn new(t: Tables) -> Self {
        Self { t }
    }

    pub(super) fn table(&self) -> &str {
        &self.t.names.catalog_table
    }
}

fn seat_of(item: &Item) -> Result<Seat> {
    let state = match get_s(item, STATUS)? {
        status::HELD => SeatState::Held {
            by: UserId::parse(get_s(item, HOLDER)?)?,
            reservation: ReservationId::parse(get_s(item, RESERVATION_ID)?)?,
            until: Timestamp::from_millis(get_n(item, HOLD_UNTIL)?),
        },
        status::SOLD => SeatState::Sold {
            by: UserId::parse(get_s(item, HOLDER)?)?,
            reservation: ReservationId::parse(get_s(item, RESERVATION_ID)?)?,
        },
        _ => SeatState::Available,
    };
    Ok(Seat {
        date: ConcertDate::parse(get_s(item, DATE)?)?,
        number: SeatNumber::new(get_n(item, SEAT_NUMBER)?)?,
        price: Won::new(get_n(item, PRICE)?)?,
        state,
    })
}

fn concert_of(item: &Item, id: ConcertId) -> Result<Concert> {
    let flag = |name: &str| item.get(name).and_then(|v| v.as_bool().ok()).copied().unwrap_or(false);
    let at = |name: &str| get_n(item, name).map(Timestamp::from_millis);
    Ok(Concert {
        id,
        title: get_s(item, TITLE)?.to_owned(),
        venue: get_s(item, VENUE)?.to_owned(),
        seat_limit: opt_n(item, SEAT_LIMIT)?.unwrap_or(Concert::DEFAULT_SEAT_LIMIT),
        sale: SaleWindow { prequeue_at: at(PREQUEUE_AT)?, opens_at: at(OPENS_AT)?, closes_at: at(CLOSES_AT)? },
        control: SaleControl {
            paused: flag(PAUSED),
            admit_per_tick: opt_n(item, ADMIT_PER_TICK)?,
            active_cap: opt_n(item, ACTIVE_CAP)?,
            join_work: opt_n(item, JOIN_WORK)?.unwrap_or(0),
        },
        sold_out: flag(SOLD_OUT),
        version: opt_n(item, VERSION)?.unwrap_or(0),
        refunds: opt_n(item, REFUNDS)?.unwrap_or(0),
        refund_policy: match item.get(REFUND_POLICY).and_then(|v| v.as_s().ok()) {
            None => RefundPolicy::standard(),
            Some(text) => serde_json::from_str(text)
                .map_err(|_| Error::Infrastructure("a stored refund policy is not JSON".into()))
                .and_then(|v| RefundPolicy::from_json(&v))?,
        },
        summary: summary_of(item)?,
    })
}

/// A concert's dates and prices (none for an item written before they were kept).
fn summary_of(item: &Item) -> Result<Summary> {
    let list = |name: &str| item.get(name).and_then(|v| v.as_l().ok()).cloned().unwrap_or_default();
    let bad = || Error::Infrastructure("a stored concert summary is malformed".into());
    let dates = list(SHOW_DATES)
        .iter()
        .map(|v| v.as_s().map_err(|_| bad()).and_then(|d| ConcertDate::parse(d)))
        .collect::<Result<_>>()?;
    let prices = list(PRICES)
        .iter()
        .map(|v| v.as_n().map_err(|_| bad()).and_then(|p| p.parse().map_err(|_| bad())).and_then(Won::new))
        .collect::<Result<_>>()?;
    let image = item.get(IMAGE_URL).and_then(|v| v.as_s().ok()).cloned();
    Ok(Summary { dates, prices, image })
}

/// The attributes of a concert, as its META item and its CATALOG listing both carry them.
fn concert_attrs(c: &Concert, mut item: Item) -> Item {
    item.insert(CONCERT_ID.into(), s(c.id.as_str()));
    item.insert(TITLE.into(), s(&c.title));
    item.insert(VENUE.into(), s(&c.venue));
    item.insert(SEAT_LIMIT.into(), n(c.seat_limit));
    item.insert(PREQUEUE_AT.into(), n(c.sale.prequeue_at.millis()));
    item.insert(OPENS_AT.into(), n(c.sale.opens_at.millis()));
    item.insert(CLOSES_AT.into(), n(c.sale.closes_at.millis()));
    item.insert(PAUSED.into(), AttributeValue::Bool(c.control.paused));
    item.insert(SOLD_OUT.into(), AttributeValue::Bool(c.sold_out));
    item.insert(VERSION.into(), n(c.version));
    item.insert(REFUND_POLICY.into(), s(c.refund_policy.to_json().to_string()));
    item.insert(SHOW_DATES.into(), AttributeValue::L(c.summary.dates.iter().map(|d| s(d.to_string())).collect()));
    item.insert(PRICES.into(), AttributeValue::L(c.summary.prices.iter().map(|p| n(p.get())).collect()));
    if let Some(url) = &c.summary.image {
        item.insert(IMAGE_URL.into(), s(url));
    }
    if let Some(k) = c.control.admit_per_tick {
        item.insert(ADMIT_PER_TICK.into(), n(k));
    }
    if let Some(cap) = c.control.active_cap {
        item.insert(ACTIVE_CAP.into(), n(cap));
    }
    item.insert(JOIN_WORK.into(), n(c.control.join_work));
    item
}

fn seat_item(concert: &ConcertId, seat: &Seat) -> Item {
    let mut item = key2(concert_pk(concert), seat_sk(seat.date, seat.number));
    item.insert(DATE.into(), s(seat.date.to_string()));
    item.insert(SEAT_NUMBER.into(), n(seat.number.get()));
    item.insert(PRICE.into(), n(seat.price.get()));
    item.insert(STATUS.into(), s(status::AVAILABLE));
    item
}

fn is_seat(item: &Item) -> bool {
    sk_of(item).starts_with(SEAT_PREFIX)
}

#[async_trait]
impl CatalogStore for DynamoCatalog {
    async fn concerts(&self) -> Result<Vec<Concert>> {
        let items = self.partition(CATALOG_PK).await?;
        items.iter().map(|i| concert_of(i, ConcertId::parse(get_s(i, CONCERT_ID)?)?)).collect()
    }

    async fn live_concerts(&self, now: Timestamp) -> Result<Vec<ConcertId>> {
        // Keys sort by end of sale, so the query reads only the sales still live.
        let items = query_all(
            &self.t.client,
            self.table(),
            &format!("{PK} = :pk AND {SK} > :now"),
            [(":pk".to_owned(), s(LIVE_PK)), (":now".to_owned(), s(format!("{:013}#~", now.millis())))].into(),
            false,
        )
        .await?;
        items.iter().map(|i| ConcertId::parse(get_s(i, CONCERT_ID)?)).collect()
    }

    async fn concert(&self, concert: &ConcertId) -> Result<Option<Concert>> {
        let out = self
            .t
            .client
            .get_item()
            .table_name(self.table())
            .set_key(Some(key2(concert_pk(concert), META_SK)))
            .consistent_read(true)
            .send()
            .await
            .map_err(sdk)?;
        out.item().map(|i| concert_of(i, concert.clone())).transpose()
    }

    async fn concert_seats(&self, concert: &ConcertId) -> Result<Option<Vec<Seat>>> {
        let items = self.partition(concert_pk(concert)).await?;
        if items.is_empty() {
            return Ok(None);
        }
        items.iter().filter(|i| is_seat(i)).map(seat_of).collect::<Result<Vec<_>>>().map(Some)
    }

    async fn date_seats(&self, concert: &ConcertId, date: ConcertDate) -> Result<Vec<Seat>> {
        let items = query_all(
            &self.t.client,
            self.table(),
            &format!("{PK} = :pk AND begins_with({SK}, :prefix)"),
            [(":pk".to_owned(), s(concert_pk(concert))), (":prefix".to_owned(), s(date_seats_prefix(date)))].into(),
            false,
        )
        .await?;
        items.iter().map(seat_of).collect()
    }

    async fn seat(&self, concert: &ConcertId, date: ConcertDate, seat: SeatNumber) -> Result<Option<Seat>> {
        let out = self
            .t
            .client
            .get_item()
            .table_name(self.table())
            .set_key(Some(key2(concert_pk(concert), seat_sk(date, seat))))
            .consistent_read(true)
            .send()
            .await
            .map_err(sdk)?;
        out.item().map(seat_of).transpose()
    }

    async fn add_concert(&self, concert: &Concert, seats: &[Seat]) -> Result<bool> {
        if self.concert(&concert.id).await?.is_some() {
            return Ok(false);
        }
        let mut items: Vec<Item> = seats.iter().map(|seat| seat_item(&concert.id, seat)).collect();
        let mut live = key2(LIVE_PK, live_sk(concert.sale.closes_at, &concert.id));
        live.insert(CONCERT_ID.into(), s(concert.id.as_str()));
        items.push(live);
        items.push(concert_attrs(concert, key2(CATALOG_PK, concert_pk(&concert.id))));
        for chunk in items.chunks(25) {
            self.write_batch(chunk.to_vec()).await?;
        }
        // The marker goes last and only once: a concert exists once all its seats do, and
        // of two operators creating the same id, one is told it exists.
        let out = self
            .t
            .client
            .put_item()
            .table_name(self.table())
            .set_item(Some(concert_attrs(concert, key2(concert_pk(&concert.id), META_SK))))
            .condition_expression(format!("attribute_not_exists({PK})"))
            .send()
            .await;
        applied(out)
    }

    async fn update_concert(&self, before: &Concert, after: &Concert) -> Result<bool> {
        let table = self.table();
        // Only what operators edit is written: `soldOut` and `refunds` belong to the
        // admitter and the refunds, which never change `version`.
        let edit = |pk: String, sk: String| {
            let mut u = Update::builder().table_name(table).set_key(Some(key2(pk, sk)));
            let mut sets = Vec::new();
            for (name, value) in concert_attrs(after, Item::new()) {
                if matches!(name.as_str(), SOLD_OUT | ADMIT_PER_TICK | ACTIVE_CAP | IMAGE_URL) {
                    continue;
                }
                sets.push(format!("#{name} = :{name}"));
                u = u
                    .expression_attribute_names(format!("#{name}"), &name)
                    .expression_attribute_values(format!(":{name}"), value);
            }
            let mut removes = Vec::new();
            for (name, value) in
                [(ADMIT_PER_TICK, after.control.admit_per_tick), (ACTIVE_CAP, after.control.active_cap)]
            {
                match value {
                    Some(v) => {
                        sets.push(format!("#{name} = :{name}"));
                        u = u
                            .expression_attribute_names(format!("#{name}"), name)
                            .expression_attribute_values(format!(":{name}"), n(v));
                    }
                    None => {
                        removes.push(format!("#{name}"));
                        u = u.expression_attribute_names(format!("#{name}"), name);
                    }
                }
            }
            match &after.summary.image {
                Some(url) => {
                    sets.push(format!("#{IMAGE_URL} = :{IMAGE_URL}"));
                    u = u
                        .expression_attribute_names(format!("#{IMAGE_URL}"), IMAGE_URL)
                        .expression_attribute_values(format!(":{IMAGE_URL}"), s(url));
                }
                None => {
                    removes.push(format!("#{IMAGE_URL}"));
                    u = u.expression_attribute_names(format!("#{IMAGE_URL}"), IMAGE_URL);
                }
            }
            let mut expression = format!("SET {}", sets.join(", "));
            if !removes.is_empty() {
                expression.push_str(&format!(" REMOVE {}", removes.join(", ")));
            }
            u.update_expression(expression)
        };
        let meta = edit(concert_pk(&after.id), META_SK.into())
            .condition_expression("#version = :v OR (attribute_not_exists(#version) AND :v = :zero)")
            .expression_attribute_values(":v", n(before.version))
            .expression_attribute_values(":zero", n(0))
            .build()
            .map_err(infra)?;
        let listing = edit(CATALOG_PK.into(), concert_pk(&after.id)).build().map_err(infra)?;
        let mut items = vec![
            TransactWriteItem::builder().update(meta).build(),
            TransactWriteItem::builder().update(listing).build(),
        ];
        if before.sale.closes_at != after.sale.closes_at {
            let old = Delete::builder()
                .table_name(table)
                .set_key(Some(key2(LIVE_PK, live_sk(before.sale.closes_at, &before.id))))
                .build()
                .map_err(infra)?;
            let mut live = key2(LIVE_PK, live_sk(after.sale.closes_at, &after.id));
            live.insert(CONCERT_ID.into(), s(after.id.as_str()));
            let new = Put::builder().table_name(table).set_item(Some(live)).build().map_err(infra)?;
            items.push(TransactWriteItem::builder().delete(old).build());
            items.push(TransactWriteItem::builder().put(new).build());
        }
        Ok(transact(&self.t.client, items).await?.is_ok())
    }

    async fn replace_seats(&self, concert: &Concert, put: &[Seat], remove: &[Seat]) -> Result<bool> {
        // Each seat changes only while it is free; each chunk also re-checks that the
        // concert is the version the operator edited (so the layout is still editable).
        let mut writes = Vec::new();
        for seat in put {
            let p = Put::builder()
                .table_name(self.table())
                .set_item(Some(seat_item(&concert.id, seat)))
                .condition_expression(format!("attribute_not_exists({PK}) OR #status = :available"))
                .expression_attribute_names("#status", STATUS)
                .expression_attribute_values(":available", s(status::AVAILABLE))
                .build()
                .map_err(infra)?;
            writes.push(TransactWriteItem::builder().put(p).build());
        }
        for seat in remove {
            let d = Delete::builder()
                .table_name(self.table())
                .set_key(Some(key2(concert_pk(&concert.id), seat_sk(seat.date, seat.number))))
                .condition_expression("#status = :available")
                .expression_attribute_names("#status", STATUS)
                .expression_attribute_values(":available", s(status::AVAILABLE))
                .build()
                .map_err(infra)?;
            writes.push(TransactWriteItem::builder().delete(d).build());
        }
        for chunk in writes.chunks(99) {
            let guard = ConditionCheck::builder()
                .table_name(self.table())
                .set_key(Some(key2(concert_pk(&concert.id), META_SK)))
                .condition_expression(format!("{VERSION} = :v"))
                .expression_attribute_values(":v", n(concert.version))
                .build()
                .map_err(infra)?;
            let mut items = vec![TransactWriteItem::builder().condition_check(guard).build()];
            items.extend(chunk.iter().cloned());
            if transact(&self.t.client, items).await?.is_err() {
                return Ok(false);
            }
        }
        Ok(true)
    }

    async fn mark_sold_out(&self, concert: &ConcertId, refunds_seen: u64) -> Result<()> {
        // The concert's marker and its listing; the phase reads either.
        for (pk, sk) in [(concert_pk(concert), META_SK.to_owned()), (CATALOG_PK.to_owned(), concert_pk(concert))] {
            let out = self
                .t
                .client
                .update_item()
                .table_name(self.table())
                .set_key(Some(key2(pk, sk)))
                .update_expression(format!("SET {SOLD_OUT} = :yes"))
                // Not if a refund freed a seat since the admitter counted them.
                .condition_expression(format!(
                    "attribute_exists({PK}) AND ({REFUNDS} = :n OR (attribute_not_exists({REFUNDS}) AND :n = :zero))"
                ))
                .expression_attribute_values(":yes", AttributeValue::Bool(true))
                .expression_attribute_values(":n", n(refunds_seen))
                .expression_attribute_values(":zero", n(0))
                .send()
                .await;
            match out {
                Ok(_) => {}
                // A refund came first: the concert is not sold out, and the next tick counts again.
                Err(e) if condition_failed(&e) => return Ok(()),
                Err(e) => return Err(sdk(e)),
            }
        }
        Ok(())
    }
}

/// Rounds of one batch write before its unprocessed items are given up (Throttled).
const BATCH_ROUNDS: u32 = 10;

/// The most a batch write waits before sending round `attempt`'s unprocessed items again:
/// doubling from 100 ms, at most 800 ms (slept with full jitter).
fn resend_pause(attempt: u32) -> std::time::Duration {
    std::time::Duration::from_millis((50u64 << attempt.min(4)).min(800))
}

impl DynamoCatalog {
    /// Every item under one partition key, following pages (consistent).
    pub(super) async fn partition(&self, pk: impl Into<String>) -> Result<Vec<Item>> {
        query_all(&self.t.client, self.table(), &format!("{PK} = :pk"), [(":pk".to_owned(), s(pk))].into(), false).await
    }

    pub(super) async fn write_batch(&self, items: Vec<Item>) -> Result<()> {
        let mut requests: Vec<WriteRequest> = items
            .into_iter()
            .map(|item| {
                PutRequest::builder()
                    .set_item(Some(item))
                    .build()
                    .map(|p| WriteRequest::builder().put_request(p).build())
                    .map_err(infra)
            })
            .collect::<Result<_>>()?;
        // Unprocessed items are sent again after an exponential, jittered pause, as AWS asks:
        // https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html
        for attempt in 0..BATCH_ROUNDS {
            if requests.is_empty() {
                return Ok(());
            }
            if attempt > 0 {
                domain::retry::pause(resend_pause(attempt)).await;
            }
            let out =
                self.t.client.batch_write_item().request_items(self.table(), requests).send().await.map_err(sdk)?;
            requests = out.unprocessed_items().and_then(|u| u.get(self.table())).cloned().unwrap_or_default();
        }
        Err(domain::error::Error::Throttled)
    }
}

#[cfg(test)]
mod batch_tests {
    use super::*;

    #[test]
    fn unprocessed_items_are_resent_after_growing_pauses_for_about_six_seconds_at_most() {
        let pauses: Vec<u128> = (1..BATCH_ROUNDS).map(|a| resend_pause(a).as_millis()).collect();
        assert_eq!(pauses, [100, 200, 400, 800, 800, 800, 800, 800, 800]);
        assert!(pauses.iter().sum::<u128>() < 7_000, "a concert's creation gives up within its timeout");
    }
}
