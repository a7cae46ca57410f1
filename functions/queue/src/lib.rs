//! Queue tokens: take a place in a concert's waiting room (after solving the sale's proof
//! of work, if it asks one: a challenge from `POST /queue/challenges`); and the line's
//! public status, which waiting fans poll (through a CDN) to work out their own position.

use domain::line::status::{LineStatus, LINE_STATUS_MAX_AGE_SECONDS, POLL_SECONDS};
use domain::line::token::{TokenStatus, TokenView};
use domain::rules::join_work::Proof;
use domain::rules::sale::Phase;
use domain::values::ids::{ConcertId, UserId};
use domain::{Error, Result};
use edge::http::{body_json, cache_publicly, presented, respond, segments};
use edge::identity::caller;
use edge::wiring::Services;
use lambda_http::{Body, Request, Response};
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct IssueBody {
    concert_id: String,
    /// Optional; if sent it must be the caller (the user comes from the sign-in).
    user_id: Option<String>,
    /// The solved challenge, when the sale asks a proof of work.
    proof_of_work: Option<ProofBody>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProofBody {
    challenge: String,
    nonce: u64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ChallengeBody {
    concert_id: String,
}

pub async fn handle(s: &Services, req: Request) -> Response<Body> {
    let path = segments(&req);
    match (req.method().as_str(), path.as_slice()) {
        ("POST", ["queue", "tokens"]) => respond(issue(s, &req).await),
        ("POST", ["queue", "challenges"]) => respond(challenge(s, &req).await),
        ("GET", ["queue", "tokens", "current"]) => respond(current(s, &req).await),
        ("GET", ["concerts", concert, "line"]) => {
            cache_publicly(respond(line(s, concert).await), LINE_STATUS_MAX_AGE_SECONDS)
        }
        _ => respond(Err(Error::RouteNotFound)),
    }
}

/// The same answer for every fan (no identity, no token): a CDN keeps it a second.
async fn line(s: &Services, raw_concert: &str) -> Result<(u16, Value)> {
    let concert = ConcertId::parse(raw_concert)?;
    let status = s.queue.line(&concert).await?;
    Ok((200, line_json(&status)))
}

fn line_json(l: &LineStatus) -> Value {
    json!({
        "concertId": l.concert.as_str(),
        "phase": l.phase.as_str(),
        "opensAt": l.opens_at.to_rfc3339(),
        "servingThrough": l.serving_through,
        "joined": l.joined,
        "active": l.active,
        "activeCap": l.active_cap,
        "admitPerTick": l.pace.per_tick,
        "tickSeconds": l.pace.tick_secs,
        "measuredAdmittedPerMinute": l.pace.measured_per_minute,
        "admittedPerMinute": l.pace.per_minute(),
        "pollAfterSeconds": POLL_SECONDS,
        "emptyPlaces": l.empty.iter().map(|e| json!({ "first": e.first, "last": e.last, "every": e.every })).collect::<Vec<_>>(),
        "drawCommitment": l.draw_commitment,
    })
}

async fn issue(s: &Services, req: &Request) -> Result<(u16, Value)> {
    let who = caller(req)?;
    let body: IssueBody = body_json(req)?;
    if let Some(named) = body.user_id.as_deref() {
        who.must_be(UserId::parse(named)?)?;
    }
    let concert = ConcertId::parse(&body.concert_id)?;
    let proof = body.proof_of_work.map(|p| Proof { challenge: p.challenge, nonce: p.nonce });
    let (view, created) = s.queue.issue_with(who.user, &concert, proof.as_ref()).await?;
    let mut out = view_json(&view);
    out["token"] = json!(view.token.to_string());
    Ok((if created { 201 } else { 200 }, out))
}

/// A proof-of-work challenge for the caller to solve before joining (stored nowhere).
async fn challenge(s: &Services, req: &Request) -> Result<(u16, Value)> {
    let who = caller(req)?;
    let body: ChallengeBody = body_json(req)?;
    let concert = ConcertId::parse(&body.concert_id)?;
    let c = s.queue.challenge(who.user, &concert).await?;
    Ok((
        201,
        json!({
            "concertId": concert.as_str(),
            "challenge": s.queue.seal_challenge(&c),
            "bits": c.bits,
            "expiresAt": c.expires.to_rfc3339(),
        }),
    ))
}

async fn current(s: &Services, req: &Request) -> Result<(u16, Value)> {
    let who = caller(req)?;
    let view = s.queue.current(who.user, presented(req).token).await?;
    Ok((200, view_json(&view)))
}

/// A waiting fan whose sale ended sees that as the token's status and stops waiting.
fn view_json(v: &TokenView) -> Value {
    let mut out = match (v.status, v.phase) {
        (TokenStatus::Active { until }, _) => json!({
            "status": "ACTIVE",
            "position": 0,
            "estimatedWaitSeconds": 0,
            "activeUntil": until.to_rfc3339(),
        }),
        (TokenStatus::Waiting, Phase::SoldOut | Phase::Closed) => {
            json!({ "status": v.phase.as_str(), "position": null, "estimatedWaitSeconds": null })
        }
        (TokenStatus::Waiting, _) => json!({
            "status": "WAITING",
            "position": v.position,
            "estimatedWaitSeconds": v.estimated_wait_seconds,
        }),
        (TokenStatus::Expired, _) => json!({ "status": "EXPIRED", "position": 0, "estimatedWaitSeconds": 0 }),
    };
    out["phase"] = json!(v.phase.as_str());
    out["opensAt"] = json!(v.opens_at.to_rfc3339());
    out["place"] = json!(v.place);
    out["pollAfterSeconds"] = json!(POLL_SECONDS);
    if let Some(i) = v.prequeue_index {
        out["preQueueIndex"] = json!(i);
    }
    if let Some(pass) = &v.pass {
        // Sent back as `X-Admission-Pass`: browsing is then checked without a read. Fetch a
        // new one (this route) before it expires; it lasts as long as the slot did at issue.
        out["admissionPass"] = json!(pass.value);
        out["admissionPassExpiresAt"] = json!(pass.expires.to_rfc3339());
    }
    out
}
