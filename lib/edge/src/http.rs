//! HTTP glue shared by every function: reading requests (path, headers, bounded JSON
//! bodies) and writing responses. `problem` is the one place that maps a domain error to a
//! status code and a stable `code`.

use lambda_http::{Body, Request, Response};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use domain::error::Error;
use domain::line::token::Presented;
use domain::values::ids::IdempotencyKey;

pub const QUEUE_TOKEN_HEADER: &str = "x-queue-token";
pub const ADMISSION_PASS_HEADER: &str = "x-admission-pass";
pub const IDEMPOTENCY_KEY_HEADER: &str = "idempotency-key";
/// Larger bodies are refused before parsing.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// Status and stable code of every error.
pub fn status_and_code(e: &Error) -> (u16, &'static str) {
    match e {
        Error::InvalidInput(_) => (400, "INVALID_REQUEST"),
        Error::BodyTooLarge(_) => (413, "PAYLOAD_TOO_LARGE"),
        Error::RouteNotFound => (404, "NOT_FOUND"),
        Error::AuthMissing => (401, "AUTH_MISSING"),
        Error::AuthInvalid => (401, "AUTH_INVALID"),
        Error::Forbidden => (403, "FORBIDDEN"),
        Error::TokenMissing => (401, "TOKEN_MISSING"),
        Error::TokenInvalid => (401, "TOKEN_INVALID"),
        Error::TokenExpired => (410, "TOKEN_EXPIRED"),
        Error::TokenNotActive => (403, "TOKEN_NOT_ACTIVE"),
        Error::TokenWrongConcert => (403, "TOKEN_WRONG_CONCERT"),
        Error::WorkRequired { .. } => (428, "PROOF_OF_WORK_REQUIRED"),
        Error::WorkInvalid => (403, "PROOF_OF_WORK_INVALID"),
        Error::ConcertNotFound => (404, "CONCERT_NOT_FOUND"),
        Error::SaleNotOpen => (409, "SALE_NOT_OPEN"),
        Error::SaleClosed => (409, "SALE_CLOSED"),
        Error::SoldOut => (409, "SOLD_OUT"),
        Error::ConcertExists => (409, "CONCERT_EXISTS"),
        Error::SaleStarted => (409, "SALE_STARTED"),
        Error::SeatInUse => (409, "SEAT_IN_USE"),
        Error::EditConflict => (409, "EDIT_CONFLICT"),
        Error::DrawNotPublished => (409, "DRAW_NOT_PUBLISHED"),
        Error::VenueNotFound => (404, "VENUE_NOT_FOUND"),
        Error::VenueExists => (409, "VENUE_EXISTS"),
        Error::ScheduleNotFound => (404, "SCHEDULE_NOT_FOUND"),
        Error::SeatNotFound => (404, "SEAT_NOT_FOUND"),
        Error::SeatUnavailable => (409, "SEAT_UNAVAILABLE"),
        Error::SeatLimitReached { .. } => (409, "SEAT_LIMIT_REACHED"),
        Error::NoSeatsTogether { .. } => (409, "NO_SEATS_TOGETHER"),
        Error::ReservationNotFound => (404, "RESERVATION_NOT_FOUND"),
        Error::InvalidAmount(_) => (400, "INVALID_AMOUNT"),
        Error::BalanceLimit { .. } => (409, "BALANCE_LIMIT"),
        Error::InsufficientBalance => (402, "INSUFFICIENT_BALANCE"),
        Error::HoldExpired => (410, "HOLD_EXPIRED"),
        Error::AlreadyPaid => (409, "ALREADY_PAID"),
        Error::NotPaid => (409, "NOT_PAID"),
        Error::AlreadyRefunded => (409, "ALREADY_REFUNDED"),
        Error::RefundDeadlinePassed => (409, "REFUND_DEADLINE_PASSED"),
        Error::TicketNotFound => (404, "TICKET_NOT_FOUND"),
        Error::TicketVoid => (409, "TICKET_VOID"),
        Error::TicketWrongDate { .. } => (409, "TICKET_WRONG_DATE"),
        Error::TicketCodeInvalid => (409, "TICKET_CODE_INVALID"),
        Error::AlreadyCheckedIn { .. } => (409, "ALREADY_CHECKED_IN"),
        Error::TransferClosed { .. } => (409, "TRANSFER_CLOSED"),
        Error::ReceiverSeatLimitReached { .. } => (409, "SEAT_LIMIT_REACHED"),
        Error::NotTransferred => (409, "NOT_TRANSFERRED"),
        Error::TransferredTicket => (409, "TRANSFERRED_TICKET"),
        Error::IdempotencyKeyReused => (422, "IDEMPOTENCY_KEY_REUSED"),
        Error::InvalidIdempotencyKey => (400, "INVALID_IDEMPOTENCY_KEY"),
        Error::Contention => (503, "CONTENTION"),
        Error::Throttled => (503, "THROTTLED"),
        Error::Unavailable => (503, "SERVICE_UNAVAILABLE"),
        Error::ChargeOutcomeUnknown => (503, "CHARGE_OUTCOME_UNKNOWN"),
        Error::Infrastructure(_) => (500, "INTERNAL"),
    }
}

/// An RFC 9457 problem response.
pub fn problem(e: &Error) -> Response<Body> {
    problem_with(e, &[])
}

/// `problem`, with members beside the contract's (the local gateway adds API Gateway's
/// own `message` to a refused sign-in).
pub fn problem_with(e: &Error, extra: &[(&str, Value)]) -> Response<Body> {
    let (status, code) = status_and_code(e);
    let detail = match e {
        Error::Infrastructure(_) => {
            tracing::error!(error = %e, "request failed");
            "the service could not complete the request; retry later".to_owned()
        }
        other => other.to_string(),
    };
    let title = code.replace('_', " ").to_lowercase();
    let mut body = json!({
        "type": format!("/problems/{}", code.to_lowercase().replace('_', "-")),
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
    });
    for (name, value) in extra {
        body[*name] = value.clone();
    }
    let mut response = build(status, "application/problem+json", body.to_string());
    if status == 503 {
        // Every 503 is worth retrying soon (a keyed request safely; see docs/failure-modes.md).
        response.headers_mut().insert(http::header::RETRY_AFTER, http::HeaderValue::from_static(RETRY_AFTER_SECONDS));
    }
    response
}

/// What a 503 tells the client to wait before retrying.
pub const RETRY_AFTER_SECONDS: &str = "1";

fn build(status: u16, content_type: &str, body: String) -> Response<Body> {
    let mut response = Response::new(Body::Text(body));
    *response.status_mut() = http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    if let Ok(v) = http::HeaderValue::from_str(content_type) {
        response.headers_mut().insert(http::header::CONTENT_TYPE, v);
    }
    // No shared cache may keep an answer unless `cache_publicly` says so: a fan's 410 or
    // 404 served to other fans by CloudFront would be another fan's answer. CloudFront
    // honours the origin's Cache-Control, and lets error caching be turned off only for
    // some codes (template.yaml, CustomErrorResponses).
    response.headers_mut().insert(http::header::CACHE_CONTROL, http::HeaderValue::from_static("no-store"));
    response
}

pub fn json_response(status: u16, body: Value) -> Response<Body> {
    build(status, "application/json", body.to_string())
}

/// Let shared caches (CloudFront; the local gateway stands in) keep a success for
/// `max_age` seconds; a problem is never cached.
pub fn cache_publicly(mut response: Response<Body>, max_age: u64) -> Response<Body> {
    let value = if response.status().is_success() { format!("public, max-age={max_age}") } else { "no-store".into() };
    if let Ok(v) = http::HeaderValue::from_str(&value) {
        response.headers_mut().insert(http::header::CACHE_CONTROL, v);
    }
    response
}

/// A handler's result as a response: success as JSON, failure as a problem.
pub fn respond(result: Result<(u16, Value), Error>) -> Response<Body> {
    match result {
        Ok((status, body)) => json_response(status, body),
        Err(e) => problem(&e),
    }
}

pub fn header<'a>(req: &'a Request, name: &str) -> Option<&'a str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

/// The queue token and the admission pass the request carries, if any.
pub fn presented(req: &Request) -> Presented<'_> {
    Presented { token: header(req, QUEUE_TOKEN_HEADER), pass: header(req, ADMISSION_PASS_HEADER) }
}

/// The `Idempotency-Key`, if sent. A key the service cannot honour (non-ASCII, empty, too
/// long) is refused, never ignored: ignoring it would turn a safe retry into a second charge.
pub fn idempotency_key(req: &Request) -> Result<Option<IdempotencyKey>, Error> {
    match req.headers().get(IDEMPOTENCY_KEY_HEADER) {
        None => Ok(None),
        Some(v) => {
            let raw = std::str::from_utf8(v.as_bytes()).map_err(|_| Error::InvalidIdempotencyKey)?;
            IdempotencyKey::parse(raw).map(Some)
        }
    }
}

/// A query-string parameter, as sent (`?cursor=12&limit=5`). API Gateway puts the query
/// string in the request URI and the local gateway passes the URI on, so it is read there.
pub fn query_param<'a>(req: &'a Request, name: &str) -> Option<&'a str> {
    req.uri().query()?.split('&').find_map(|pair| match pair.split_once('=') {
        Some((k, v)) if k == name => Some(v),
        None if pair == name => Some(""),
        _ => None,
    })
}

/// The path split into segments, without empty ones: `/concerts/x/dates` -> `["concerts","x","dates"]`.
pub fn segments(req: &Request) -> Vec<&str> {
    req.uri().path().split('/').filter(|s| !s.is_empty()).collect()
}

/// The body as JSON of type `T`: bounded, and any mismatch is a 400.
pub fn body_json<T: DeserializeOwned>(req: &Request) -> Result<T, Error> {
    body_json_up_to(req, MAX_BODY_BYTES)
}

/// The body as JSON of type `T`, up to `max` bytes: for the few bodies larger than most
/// (a venue's layout).
pub fn body_json_up_to<T: DeserializeOwned>(req: &Request, max: usize) -> Result<T, Error> {
    let bytes: &[u8] = req.body().as_ref();
    if bytes.len() > max {
        return Err(Error::BodyTooLarge(max));
    }
    if bytes.is_empty() {
        return Err(Error::InvalidInput("a JSON body is required".into()));
    }
    // Every body of this API is an object: serde would take a struct from an array by
    // position (`[5]` as `{"amount": 5}`), which the contract does not allow. A JSON object
    // is the only JSON text whose first character after whitespace is `{`, so this needs no
    // second pass over the body.
    if bytes.trim_ascii_start().first() != Some(&b'{') {
        return Err(Error::InvalidInput("the JSON body must be an object".into()));
    }
    serde_json::from_slice(bytes).map_err(|e| Error::InvalidInput(format!("invalid JSON body: {e}")))
}

#[cfg(test)]
mod tests;
