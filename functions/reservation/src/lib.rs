//! Seat holds: hold one seat for the token's user, read one's own reservation, cancel it;
//! refund a paid seat, and quote that refund first.

use domain::booking::reservation::Reservation;
use domain::values::ids::{ConcertDate, ConcertId, ReservationId, SeatNumber};
use domain::{Error, Result};
use edge::http::{body_json, idempotency_key, presented, respond, segments};
use edge::identity::caller;
use edge::wiring::Services;
use lambda_http::{Body, Request, Response};
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct HoldBody {
    concert_id: String,
    date: String,
    seat_number: i64,
}

pub async fn handle(s: &Services, req: Request) -> Response<Body> {
    let path = segments(&req);
    respond(match (req.method().as_str(), path.as_slice()) {
        ("POST", ["reservations"]) => hold(s, &req).await,
        ("GET", ["reservations", id]) => get(s, &req, id).await,
        ("DELETE", ["reservations", id]) => cancel(s, &req, id).await,
        ("GET", ["reservations", id, "refund"]) => refund_quote(s, &req, id).await,
        ("POST", ["reservations", id, "refund"]) => refund(s, &req, id).await,
        _ => Err(Error::RouteNotFound),
    })
}

async fn hold(s: &Services, req: &Request) -> Result<(u16, Value)> {
    let who = caller(req)?;
    let body: HoldBody = body_json(req)?;
    let concert = ConcertId::parse(&body.concert_id)?;
    let date = ConcertDate::parse(&body.date)?;
    let seat = SeatNumber::new(body.seat_number)?;
    let admission = s.queue.authorize(who.user, presented(req), &concert).await?;
    let reservation = s.holds.hold(&admission, date, seat).await?;
    Ok((201, reservation_json(&reservation, s)))
}

async fn get(s: &Services, req: &Request, raw: &str) -> Result<(u16, Value)> {
    let who = caller(req)?;
    let admission = s.queue.admitted(who.user, presented(req)).await?;
    let id = ReservationId::parse(raw).map_err(|_| Error::ReservationNotFound)?;
    let reservation = s.holds.get(&admission, id).await?;
    Ok((200, reservation_json(&reservation, s)))
}

async fn cancel(s: &Services, req: &Request, raw: &str) -> Result<(u16, Value)> {
    let who = caller(req)?;
    let admission = s.queue.admitted(who.user, presented(req)).await?;
    let id = ReservationId::parse(raw).map_err(|_| Error::ReservationNotFound)?;
    let reservation = s.holds.cancel(&admission, id).await?;
    Ok((200, reservation_json(&reservation, s)))
}

/// Cancel a paid seat: refunded by its concert's schedule (no queue token: the payment
/// used it up; the caller's sign-in names the owner).
async fn refund(s: &Services, req: &Request, raw: &str) -> Result<(u16, Value)> {
    let who = caller(req)?;
    let key = idempotency_key(req)?;
    let id = ReservationId::parse(raw).map_err(|_| Error::ReservationNotFound)?;
    let refund = s.refunds.refund(who.user, id, key).await?;
    Ok((200, refund.to_json()))
}

/// What refunding a paid seat would give back now, checked as the refund checks it and
/// written nowhere (no queue token, as for the refund).
async fn refund_quote(s: &Services, req: &Request, raw: &str) -> Result<(u16, Value)> {
    let who = caller(req)?;
    let id = ReservationId::parse(raw).map_err(|_| Error::ReservationNotFound)?;
    Ok((200, s.refunds.quote(who.user, id).await?.to_json()))
}

fn reservation_json(r: &Reservation, s: &Services) -> Value {
    json!({
        "reservationId": r.id.to_string(),
        "status": r.status_at(s.holds.clock_now()).as_str(),
        "concertId": r.concert.as_str(),
        "date": r.date.to_string(),
        "seatNumber": r.seat.get(),
        "price": r.price.get(),
        "expiresAt": r.expires_at.to_rfc3339(),
    })
}
