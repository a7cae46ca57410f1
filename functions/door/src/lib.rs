//! The door: a fan's tickets (each with the secret its rotating code comes from, given only
//! to its holder), passing a ticket on and declining one, and the gate staff's check-in of
//! a scanned code (docs/tickets.md).

use domain::booking::reservation::Gate;
use domain::rules::ticket_code::booking_number;
use domain::values::clock::Timestamp;
use domain::values::ids::{ReservationId, UserId};
use domain::{Error, Result};
use edge::http::{body_json, respond, segments};
use edge::identity::caller;
use edge::wiring::Services;
use lambda_http::{Body, Request, Response};
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TransferBody {
    /// The receiver's account (their sign-in's user id).
    to_user_id: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "camelCase")]
struct ScanBody {
    /// The QR code's text (`TK1.<reservationId>.<code>`).
    code: String,
    gate: String,
    /// An offline scanner's own instant of the scan, sent once its network is back.
    scanned_at: Option<String>,
}

pub async fn handle(s: &Services, req: Request) -> Response<Body> {
    let path = segments(&req);
    respond(match (req.method().as_str(), path.as_slice()) {
        ("GET", ["users", user, "tickets"]) => tickets(s, &req, user).await,
        ("GET", ["tickets", id]) => ticket(s, &req, id).await,
        ("POST", ["gate", "check-ins"]) => check_in(s, &req).await,
        ("POST", ["tickets", id, "transfer"]) => transfer(s, &req, id).await,
        ("POST", ["tickets", id, "decline"]) => decline(s, &req, id).await,
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

/// One of the caller's tickets, as their list has it (bought or received, held or not).
async fn ticket(s: &Services, req: &Request, raw: &str) -> Result<(u16, Value)> {
    let who = caller(req)?;
    let id = ReservationId::parse(raw).map_err(|_| Error::TicketNotFound)?;
    let tickets = s.tickets.tickets(who.user).await?;
    let ticket = tickets.iter().find(|t| t.reservation.id == id).ok_or(Error::TicketNotFound)?;
    Ok((200, ticket.to_json()))
}

/// A gate's scan, by its staff: the ticket is let in once, or the answer says why not.
async fn check_in(s: &Services, req: &Request) -> Result<(u16, Value)> {
    caller(req)?.must_be_staff()?;
    let body: ScanBody = body_json(req)?;
    let gate = Gate::parse(&body.gate)?;
    let scanned_at = match body.scanned_at.as_deref() {
        None => None,
        Some(raw) => Some(
            Timestamp::parse_rfc3339(raw)
                .ok_or_else(|| Error::InvalidInput("scannedAt must be an RFC 3339 date-time".into()))?,
        ),
    };
    let admitted = s.gate.scan(&body.code, gate, scanned_at).await?;
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

/// The caller passes their ticket to another account, at face value (no money moves).
async fn transfer(s: &Services, req: &Request, raw: &str) -> Result<(u16, Value)> {
    let who = caller(req)?;
    let body: TransferBody = body_json(req)?;
    let to = UserId::parse(&body.to_user_id)?;
    let id = ReservationId::parse(raw).map_err(|_| Error::TicketNotFound)?;
    let moved = s.transfers.transfer(who.user, id, to).await?;
    Ok((200, moved_json(&moved)))
}

/// The caller gives back a ticket passed to them: it returns to who passed it.
async fn decline(s: &Services, req: &Request, raw: &str) -> Result<(u16, Value)> {
    let who = caller(req)?;
    let id = ReservationId::parse(raw).map_err(|_| Error::TicketNotFound)?;
    let moved = s.transfers.decline(who.user, id).await?;
    Ok((200, moved_json(&moved)))
}

/// Where a ticket went: its booking number, seat and new holder (no secret).
fn moved_json(t: &domain::booking::reservation::Reservation) -> Value {
    json!({
        "bookingNumber": booking_number(t.id),
        "reservationId": t.id.to_string(),
        "concertId": t.concert.as_str(),
        "date": t.date.to_string(),
        "seatNumber": t.seat.get(),
        "holder": t.user.to_string(),
        "transferredFrom": t.transferred_from.map(|u| u.to_string()),
    })
}
