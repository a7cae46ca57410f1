//! Catalog table (`pk`, `sk`): `CATALOG`/`CONCERT#<id>` lists concerts,
//! `CONCERT#<id>`/`META` marks one, `CONCERT#<id>`/`SEAT#<date>#<nn>` is a seat with its
//! hold or sale. All seats of a concert share a partition, so every date's availability
//! is one Query.

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{PutRequest, WriteRequest};

use super::{get_n, get_s, infra, key2, n, opt_n, query_all, s, sdk, sk_of, Item, Tables};
use crate::catalog::{CatalogStore, Concert, Seat, SeatState};
use crate::clock::Timestamp;
use crate::error::Result;
use crate::ids::{ConcertDate, ConcertId, ReservationId, SeatNumber, UserId};
use crate::money::Won;

pub struct DynamoCatalog {
    t: Tables,
}

impl DynamoCatalog {
    pub fn new(t: Tables) -> Self {
        Self { t }
    }

    fn table(&self) -> &str {
        &self.t.names.catalog_table
    }
}

/// The index of live sales: `LIVE`/`<end of sale, ms, 13 digits>#<concert>`.
const LIVE_PK: &str = "LIVE";

fn live_sk(ends: Timestamp, c: &ConcertId) -> String {
    format!("{:013}#{c}", ends.millis())
}

pub(crate) fn concert_pk(c: &ConcertId) -> String {
    format!("CONCERT#{c}")
}

pub(crate) fn seat_sk(date: ConcertDate, seat: SeatNumber) -> String {
    format!("SEAT#{date}#{:02}", seat.get())
}

fn seat_of(item: &Item) -> Result<Seat> {
    let state = match get_s(item, "status")? {
        "HELD" => SeatState::Held {
            by: UserId::parse(get_s(item, "holder")?)?,
            reservation: ReservationId::parse(get_s(item, "reservationId")?)?,
            until: Timestamp::from_millis(get_n(item, "holdUntil")?),
        },
        "SOLD" => SeatState::Sold {
            by: UserId::parse(get_s(item, "holder")?)?,
            reservation: ReservationId::parse(get_s(item, "reservationId")?)?,
        },
        _ => SeatState::Available,
    };
    Ok(Seat {
        date: ConcertDate::parse(get_s(item, "date")?)?,
        number: SeatNumber::new(get_n(item, "seatNumber")?)?,
        price: Won::new(get_n(item, "price")?)?,
        state,
    })
}

fn concert_of(item: &Item, id: ConcertId) -> Result<Concert> {
    Ok(Concert {
        id,
        title: get_s(item, "title")?.to_owned(),
        venue: get_s(item, "venue")?.to_owned(),
        seat_limit: opt_n(item, "seatLimit")?.unwrap_or(Concert::DEFAULT_SEAT_LIMIT),
    })
}

fn is_seat(item: &Item) -> bool {
    sk_of(item).starts_with("SEAT#")
}

#[async_trait]
impl CatalogStore for DynamoCatalog {
    async fn concerts(&self) -> Result<Vec<Concert>> {
        let items =
            query_all(&self.t.client, self.table(), "pk = :pk", [(":pk".to_owned(), s("CATALOG"))].into(), false)
                .await?;
        items.iter().map(|i| concert_of(i, ConcertId::parse(get_s(i, "concertId")?)?)).collect()
    }

    async fn live_concerts(&self, now: Timestamp) -> Result<Vec<ConcertId>> {
        // Keys sort by end of sale, so the query reads only the sales still live.
        let items = query_all(
            &self.t.client,
            self.table(),
            "pk = :pk AND sk > :now",
            [(":pk".to_owned(), s(LIVE_PK)), (":now".to_owned(), s(format!("{:013}#~", now.millis())))].into(),
            false,
        )
        .await?;
        items.iter().map(|i| ConcertId::parse(get_s(i, "concertId")?)).collect()
    }

    async fn concert(&self, concert: &ConcertId) -> Result<Option<Concert>> {
        let out = self
            .t
            .client
            .get_item()
            .table_name(self.table())
            .set_key(Some(key2(concert_pk(concert), "META")))
            .consistent_read(true)
            .send()
            .await
            .map_err(sdk)?;
        out.item().map(|i| concert_of(i, concert.clone())).transpose()
    }

    async fn concert_seats(&self, concert: &ConcertId) -> Result<Option<Vec<Seat>>> {
        let items = query_all(
            &self.t.client,
            self.table(),
            "pk = :pk",
            [(":pk".to_owned(), s(concert_pk(concert)))].into(),
            false,
        )
        .await?;
        if items.is_empty() {
            return Ok(None);
        }
        items.iter().filter(|i| is_seat(i)).map(seat_of).collect::<Result<Vec<_>>>().map(Some)
    }

    async fn date_seats(&self, concert: &ConcertId, date: ConcertDate) -> Result<Vec<Seat>> {
        let items = query_all(
            &self.t.client,
            self.table(),
            "pk = :pk AND begins_with(sk, :prefix)",
            [(":pk".to_owned(), s(concert_pk(concert))), (":prefix".to_owned(), s(format!("SEAT#{date}#")))].into(),
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

    async fn add_concert(&self, concert: &Concert, seats: &[Seat]) -> Result<()> {
        if self.concert(&concert.id).await?.is_some() {
            return Ok(());
        }
        let mut items: Vec<Item> = seats
            .iter()
            .map(|seat| {
                let mut item = key2(concert_pk(&concert.id), seat_sk(seat.date, seat.number));
                item.insert("date".into(), s(seat.date.to_string()));
                item.insert("seatNumber".into(), n(seat.number.get()));
                item.insert("price".into(), n(seat.price.get()));
                item.insert("status".into(), s("AVAILABLE"));
                item
            })
            .collect();
        if let Some(ends) = crate::catalog::sale_ends(seats) {
            let mut live = key2(LIVE_PK, live_sk(ends, &concert.id));
            live.insert("concertId".into(), s(concert.id.as_str()));
            items.push(live);
        }
        let mut listing = key2("CATALOG", concert_pk(&concert.id));
        listing.insert("concertId".into(), s(concert.id.as_str()));
        listing.insert("title".into(), s(&concert.title));
        listing.insert("venue".into(), s(&concert.venue));
        listing.insert("seatLimit".into(), n(concert.seat_limit));
        items.push(listing);
        // The marker goes last: a concert exists only once all its seats do.
        let mut meta = key2(concert_pk(&concert.id), "META");
        meta.insert("title".into(), s(&concert.title));
        meta.insert("venue".into(), s(&concert.venue));
        meta.insert("seatLimit".into(), n(concert.seat_limit));
        for chunk in items.chunks(25) {
            self.write_batch(chunk.to_vec()).await?;
        }
        self.write_batch(vec![meta]).await
    }
}

impl DynamoCatalog {
    async fn write_batch(&self, items: Vec<Item>) -> Result<()> {
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
        for _ in 0..10 {
            if requests.is_empty() {
                return Ok(());
            }
            let out =
                self.t.client.batch_write_item().request_items(self.table(), requests).send().await.map_err(sdk)?;
            requests = out.unprocessed_items().and_then(|u| u.get(self.table())).cloned().unwrap_or_default();
        }
        Err(crate::error::Error::Throttled)
    }
}
