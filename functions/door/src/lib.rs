//! The door: a fan's tickets (each with the secret its rotating code comes from, given only
//! to its holder) and the gate staff's check-in of a scanned code (docs/tickets.md).

use domain::booking::reservation::Gate;
use domain::rules::ticket_code::booking_number;
use domain::values::ids::UserId;
use domain::{Error, Result};
use edge::http::{body_json, respond, segments};
use edge::identity::caller;
use edge::wiring::Services;
use lambda_http::{Body, Request, Response};
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScanBody {
    /// The QR code's text (`TK1.<reservationId>.<code>`).
    code: String,
    gate: String,
}

pub async fn handle(s: &Services, req: Request) -> Response<Body> {
    let path = segments(&req);
    respond(match (req.method().as_str(), path.as_slice()) {
        ("GET", ["users", user, "tickets"]) => tickets(s, &req, user).await,
        ("POST", ["gate", "check-ins"]) => check_in(s, &req).await,
        _ => Err(Error::RouteNotFound),
    })
}

/// The caller's tickets; only the holder reads them (they carry the codes' secrets).
async fn tickets(s: &Services, req: &Request, raw_user: &str) -> Result<(u16, Value)> {
    let who = caller(req)?;
    let user = UserId::parse(raw_user)?;
    who.must_be(user)?;
    let tickets: Vec<Value> = s.tickets.tickets(user).await?.iter().map(|t| t.to_json()).collect();
    Ok((200, json!({ "userId": user.to_string(), "tickets": tickets })))
}

/// A gate's scan, by its staff: the ticket is let in once, or the answer says why not.
async fn check_in(s: &Services, req: &Request) -> Result<(u16, Value)> {
    caller(req)?.must_be_staff()?;
    let body: ScanBody = body_json(req)?;
    let gate = Gate::parse(&body.gate)?;
    let admitted = s.gate.scan(&body.code, gate).await?;
    let t = &admitted.ticket;
    Ok((
        201,
        json!({
            "bookingNumber": booking_number(t.id),
            "reservationId": t.id.to_string(),
            "concertId": t.concert.as_str(),
            "date": t.date.to_string(),
            "seatNumber": t.seat.get(),
            "checkedInAt": admitted.check_in.at.to_rfc3339(),
            "gate": admitted.check_in.gate.as_str(),
        }),
    ))
}
