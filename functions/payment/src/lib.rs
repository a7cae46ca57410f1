//! Payments: pay a held seat from the balance in one transaction, and list a user's payments.

use lambda_http::{Body, Request, Response};
use serde::Deserialize;
use serde_json::{json, Value};
use ticketing::http::{body_json, idempotency_key, queue_token, respond, segments};
use ticketing::ids::{ReservationId, UserId};
use ticketing::payment::Payment;
use ticketing::wiring::Services;
use ticketing::{Error, Result};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PayBody {
    reservation_id: String,
}

pub async fn handle(s: &Services, req: Request) -> Response<Body> {
    let path = segments(&req);
    respond(match (req.method().as_str(), path.as_slice()) {
        ("POST", ["payments"]) => pay(s, &req).await,
        ("GET", ["users", user, "payments"]) => list(s, user).await,
        _ => Err(Error::RouteNotFound),
    })
}

async fn pay(s: &Services, req: &Request) -> Result<(u16, Value)> {
    let key = idempotency_key(req)?;
    let body: PayBody = body_json(req)?;
    let reservation = ReservationId::parse(&body.reservation_id)?;
    let payment = s.payments.pay(queue_token(req), reservation, key).await?;
    Ok((201, payment_json(&payment)))
}

async fn list(s: &Services, raw_user: &str) -> Result<(u16, Value)> {
    let user = UserId::parse(raw_user)?;
    let payments: Vec<Value> = s.payments.payments(user).await?.iter().map(payment_json).collect();
    Ok((200, json!({ "userId": user.to_string(), "payments": payments })))
}

fn payment_json(p: &Payment) -> Value {
    json!({
        "paymentId": p.id.to_string(),
        "reservationId": p.reservation.to_string(),
        "concertId": p.concert.as_str(),
        "date": p.date.to_string(),
        "seatNumber": p.seat.get(),
        "amount": p.amount.get(),
        "balance": p.balance_after.get(),
        "paidAt": p.paid_at.to_rfc3339(),
    })
}
