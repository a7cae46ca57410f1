//! Seat holds: hold one seat for the token's user, or several together (named, or the best
//! available), read one's own reservation, cancel it; refund a paid seat, and quote that
//! refund first.

use domain::booking::reservation::Reservation;
use domain::values::ids::{ConcertDate, ConcertId, ReservationId, SeatNumber};
use domain::{Error, Result};
use edge::http::{body_json, idempotency_key, presented, respond, segments};
use edge::identity::caller;
use edge::wiring::Services;
use lambda_http::{Body, Request, Response};
use serde::Deserialize;
use serde_json::{json, Value};

/// One seat (`seatNumber`, the base contract), several named ones (`seatNumbers`), or the
/// best `bestAvailable.count` side by side: exactly one of the three.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct HoldBody {
    concert_id: String,
    date: String,
    seat_number: Option<i64>,
    seat_numbers: Option<Vec<i64>>,
    best_available: Option<BestAvailableBody>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BestAvailableBody {
    count: i64,
}

/// The most seats one request may hold: the highest seat limit a concert may set.
const MOST_TOGETHER: usize = domain::catalog::concert::Concert::MAX_SEAT_LIMIT as usize;

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
    let one_of = "name exactly one of seatNumber, seatNumbers and bestAvailable";
    match (body.seat_number, body.seat_numbers, body.best_available) {
        (Some(seat), None, None) => {
            let seat = SeatNumber::new(seat)?;
            let admission = s.queue.authorize(who.user, presented(req), &concert).await?;
            let reservation = s.holds.hold(&admission, date, seat).await?;
            Ok((201, reservation_json(&reservation, s)))
        }
        (None, Some(seats), None) => {
            if seats.is_empty() || seats.len() > MOST_TOGETHER {
                return Err(Error::InvalidInput(format!("seatNumbers lists 1 to {MOST_TOGETHER} seats")));
            }
            let seats = seats.into_iter().map(SeatNumber::new).collect::<Result<Vec<_>>>()?;
            let admission = s.queue.authorize(who.user, presented(req), &concert).await?;
            let held = s.holds.hold_together(&admission, date, &seats).await?;
            Ok((201, json!({ "reservations": held.iter().map(|r| reservation_json(r, s)).collect::<Vec<_>>() })))
        }
        (None, None, Some(best)) => {
            let count = u8::try_from(best.count)
                .ok()
                .filter(|c| (1..=MOST_TOGETHER).contains(&usize::from(*c)))
                .ok_or_else(|| Error::InvalidInput(format!("bestAvailable.count must be 1 to {MOST_TOGETHER}")))?;
            let admission = s.queue.authorize(who.user, presented(req), &concert).await?;
            let held = s.holds.hold_best(&admission, date, count).await?;
            Ok((201, json!({ "reservations": held.iter().map(|r| reservation_json(r, s)).collect::<Vec<_>>() })))
        }
        _ => Err(Error::InvalidInput(one_of.into())),
    }
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
