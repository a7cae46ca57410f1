//! Payments: pay a held seat from the balance in one transaction, and list a user's payments.

use domain::booking::records::Payment;
use domain::values::ids::{ReservationId, UserId};
use domain::{Error, Result};
use edge::http::{body_json, idempotency_key, presented, respond, segments};
use edge::identity::caller;
use edge::wiring::Services;
use lambda_http::{Body, Request, Response};
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PayBody {
    /// One hold, or several paid together (`reservationIds`); exactly one of the two.
    reservation_id: Option<String>,
    reservation_ids: Option<Vec<String>>,
}

pub async fn handle(s: &Services, req: Request) -> Response<Body> {
    let path = segments(&req);
    respond(match (req.method().as_str(), path.as_slice()) {
        ("POST", ["payments"]) => pay(s, &req).await,
        ("GET", ["users", user, "payments"]) => list(s, &req, user).await,
        _ => Err(Error::RouteNotFound),
    })
}

async fn pay(s: &Services, req: &Request) -> Result<(u16, Value)> {
    let who = caller(req)?;
    let key = idempotency_key(req)?;
    let body: PayBody = body_json(req)?;
    let ids: Vec<ReservationId> = match (body.reservation_id, body.reservation_ids) {
        (Some(one), None) => vec![ReservationId::parse(&one)?],
        (None, Some(many)) => many.iter().map(|r| ReservationId::parse(r)).collect::<Result<_>>()?,
        _ => return Err(Error::InvalidInput("send either reservationId or reservationIds".into())),
    };
    let payment = s.payments.pay(who.user, presented(req), &ids, key).await?;
    Ok((201, payment.to_json()))
}

async fn list(s: &Services, req: &Request, raw_user: &str) -> Result<(u16, Value)> {
    let who = caller(req)?;
    let user = UserId::parse(raw_user)?;
    who.must_be(user)?;
    let payments: Vec<Value> = s.payments.payments(user).await?.iter().map(Payment::to_json).collect();
    let refunds: Vec<Value> = s.refunds.refunds(user).await?.iter().map(|r| r.to_json()).collect();
    Ok((200, json!({ "userId": user.to_string(), "payments": payments, "refunds": refunds })))
}
