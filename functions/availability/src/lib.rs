//! The catalog and availability: concerts (no token), dates with available-seat counts and
//! the seats of a date (ACTIVE token for that concert).

use domain::values::ids::{ConcertDate, ConcertId};
use domain::{Error, Result};
use edge::http::{presented, respond, segments};
use edge::identity::caller;
use edge::wire::concert_json;
use edge::wiring::Services;
use lambda_http::{Body, Request, Response};
use serde_json::{json, Value};

pub async fn handle(s: &Services, req: Request) -> Response<Body> {
    let path = segments(&req);
    respond(match (req.method().as_str(), path.as_slice()) {
        ("GET", ["concerts"]) => concerts(s).await,
        ("GET", ["concerts", concert, "draw"]) => draw(s, concert).await,
        ("GET", ["concerts", concert, "dates"]) => dates(s, &req, concert).await,
        ("GET", ["concerts", concert, "dates", date, "seats"]) => seats(s, &req, concert, date).await,
        _ => Err(Error::RouteNotFound),
    })
}

async fn concerts(s: &Services) -> Result<(u16, Value)> {
    let now = s.operator.now();
    let list: Vec<Value> = s.catalog.concerts().await?.iter().map(|c| concert_json(c, now)).collect();
    Ok((200, json!({ "concerts": list })))
}

/// The opening's draw, once the sale is over: anyone can recompute every place with it.
async fn draw(s: &Services, raw: &str) -> Result<(u16, Value)> {
    let concert = concert_id(raw)?;
    let body = match s.operator.published_draw(&concert).await? {
        Some((d, stripes)) => json!({
            "concertId": concert.as_str(), "cohort": d.cohort, "seed": d.seed_hex(),
            "seedCommitment": domain::rules::fair_start::commitment(&d.seed),
            "prequeueStripes": stripes, "algorithm": domain::rules::fair_start::ALGORITHM,
        }),
        None => json!({ "concertId": concert.as_str(), "cohort": 0, "seed": null }),
    };
    Ok((200, body))
}

/// An id that cannot exist is simply not found.
fn concert_id(raw: &str) -> Result<ConcertId> {
    ConcertId::parse(raw).map_err(|_| Error::ConcertNotFound)
}

async fn dates(s: &Services, req: &Request, raw: &str) -> Result<(u16, Value)> {
    let who = caller(req)?;
    let concert = concert_id(raw)?;
    s.queue.authorize(who.user, presented(req), &concert).await?;
    let seen = s.catalog.dates(&concert).await?;
    let dates: Vec<Value> = seen
        .value
        .into_iter()
        .map(|d| json!({ "date": d.date.to_string(), "availableSeats": d.available, "totalSeats": d.total }))
        .collect();
    Ok((200, json!({ "concertId": concert.as_str(), "dates": dates, "asOf": seen.as_of.to_rfc3339() })))
}

async fn seats(s: &Services, req: &Request, raw: &str, raw_date: &str) -> Result<(u16, Value)> {
    let who = caller(req)?;
    let concert = concert_id(raw)?;
    s.queue.authorize(who.user, presented(req), &concert).await?;
    let date = ConcertDate::parse(raw_date)?;
    let seen = s.catalog.seats(&concert, date).await?;
    let seats: Vec<Value> = seen
        .value
        .into_iter()
        .map(|(seat, status)| json!({ "seatNumber": seat.number.get(), "status": status.as_str(), "price": seat.price.get() }))
        .collect();
    let as_of = seen.as_of.to_rfc3339();
    Ok((200, json!({ "concertId": concert.as_str(), "date": date.to_string(), "seats": seats, "asOf": as_of })))
}
