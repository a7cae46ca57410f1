//! The prepaid wallet: query and charge a user's balance (no queue token needed).

use domain::values::ids::UserId;
use domain::{Error, Result};
use edge::http::{body_json, idempotency_key, query_param, respond, segments};
use edge::identity::caller;
use edge::wiring::Services;
use lambda_http::{Body, Request, Response};
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChargeBody {
    amount: Value,
}

pub async fn handle(s: &Services, req: Request) -> Response<Body> {
    let path = segments(&req);
    respond(match (req.method().as_str(), path.as_slice()) {
        ("GET", ["users", user, "balance"]) => balance(s, &req, user).await,
        ("POST", ["users", user, "balance", "charges"]) => charge(s, &req, user).await,
        ("GET", ["users", user, "statement"]) => statement(s, &req, user).await,
        _ => Err(Error::RouteNotFound),
    })
}

async fn balance(s: &Services, req: &Request, raw_user: &str) -> Result<(u16, Value)> {
    let who = caller(req)?;
    let user = UserId::parse(raw_user)?;
    who.must_be(user)?;
    let balance = s.wallet.balance(user).await?;
    Ok((200, json!({ "userId": user.to_string(), "balance": balance.get() })))
}

async fn charge(s: &Services, req: &Request, raw_user: &str) -> Result<(u16, Value)> {
    let who = caller(req)?;
    let user = UserId::parse(raw_user)?;
    who.must_be(user)?;
    let key = idempotency_key(req)?;
    let body: ChargeBody = body_json(req)?;
    let amount = s.wallet.limits().charge_amount(&body.amount)?;
    let receipt = s.wallet.charge(user, amount, key.as_ref()).await?;
    Ok((200, json!({ "userId": user.to_string(), "balance": receipt.balance.get(), "charged": receipt.charged.get() })))
}

/// Every charge, payment and refund, newest first, with the balance after each.
async fn statement(s: &Services, req: &Request, raw_user: &str) -> Result<(u16, Value)> {
    let who = caller(req)?;
    let user = UserId::parse(raw_user)?;
    who.must_be(user)?;
    let page = s.wallet.statement(user, query_param(req, "cursor"), query_param(req, "limit")).await?;
    let entries: Vec<Value> = page.entries.iter().map(|e| e.to_json()).collect();
    Ok((200, json!({ "userId": user.to_string(), "entries": entries, "next": page.next })))
}
