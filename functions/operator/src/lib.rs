//! The operator API: lay out venues, create and edit concerts, hold, resume and close a
//! sale, change its admission numbers, and watch its live numbers. Operators only (Cognito
//! group `operators`); everyone else gets 403 before anything is read.

use domain::values::ids::{ConcertId, VenueId};
use domain::{Error, Result};
use edge::http::{body_json, body_json_up_to, respond, segments};
use edge::identity::caller;
use edge::wire::venue::{venue_summary_json, LayoutBody, MAX_LAYOUT_BYTES};
use edge::wire::{concert_json, numbers_json, AdmissionBody, SpecBody};
use edge::wiring::Services;
use lambda_http::{Body, Request, Response};
use serde_json::Value;

pub async fn handle(s: &Services, req: Request) -> Response<Body> {
    respond(route(s, &req).await)
}

async fn route(s: &Services, req: &Request) -> Result<(u16, Value)> {
    caller(req)?.must_be_operator()?;
    let op = &s.operator;
    let now = op.now();
    let path = segments(req);
    let concert = |raw: &str| ConcertId::parse(raw).map_err(|_| Error::ConcertNotFound);
    let layout = |v: &domain::catalog::venue::Venue| LayoutBody::of(v).to_json(v.places());
    let (status, c) = match (req.method().as_str(), path.as_slice()) {
        ("POST", ["operator", "venues"]) => {
            let venue = body_json_up_to::<LayoutBody>(req, MAX_LAYOUT_BYTES)?.into_venue()?;
            return Ok((201, layout(&s.venues.create(&venue).await?)));
        }
        ("GET", ["operator", "venues"]) => {
            let all: Vec<Value> = s.venues.venues().await?.iter().map(venue_summary_json).collect();
            return Ok((200, serde_json::json!({ "venues": all })));
        }
        ("GET", ["operator", "venues", id]) => {
            let id = VenueId::parse(id).map_err(|_| Error::VenueNotFound)?;
            return Ok((200, layout(&s.venues.venue(&id).await?)));
        }
        ("POST", ["operator", "concerts"]) => (201, op.create(&body_json::<SpecBody>(req)?.into_spec(None)?).await?),
        ("PUT", ["operator", "concerts", id]) => {
            (200, op.edit(&body_json::<SpecBody>(req)?.into_spec(Some(id))?).await?)
        }
        ("GET", ["operator", "concerts", id]) => {
            return Ok((200, numbers_json(&op.numbers(&concert(id)?).await?, now)))
        }
        ("POST", ["operator", "concerts", id, "pause"]) => (200, op.pause(&concert(id)?).await?),
        ("POST", ["operator", "concerts", id, "resume"]) => (200, op.resume(&concert(id)?).await?),
        ("POST", ["operator", "concerts", id, "close"]) => (200, op.close(&concert(id)?).await?),
        ("PUT", ["operator", "concerts", id, "admission"]) => {
            let body = body_json::<AdmissionBody>(req)?;
            let (k, cap) = body.numbers()?;
            (200, op.set_admission(&concert(id)?, k, cap, body.join_work()?).await?)
        }
        _ => return Err(Error::RouteNotFound),
    };
    Ok((status, concert_json(&c, now)))
}
