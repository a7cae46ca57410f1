//! Unit tests of `http`.

use super::*;

fn request(body: &str) -> Request {
    http::Request::builder().uri("/x").body(Body::from(body)).unwrap()
}

#[derive(serde::Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct Sample {
    #[allow(dead_code)]
    n: i64,
}

#[test]
fn bad_bodies_are_400_and_huge_ones_413() {
    assert!(body_json::<Sample>(&request(r#"{"n": 1}"#)).is_ok());
    for bad in ["", "{", r#"{"n": "1"}"#, r#"{"m": 1}"#, "[]", "null"] {
        let e = body_json::<Sample>(&request(bad)).unwrap_err();
        assert_eq!(status_and_code(&e).0, 400, "{bad}");
    }
    let huge = format!(r#"{{"n": 1, "pad": "{}"}}"#, "x".repeat(MAX_BODY_BYTES));
    assert_eq!(body_json::<Sample>(&request(&huge)).unwrap_err(), Error::BodyTooLarge(MAX_BODY_BYTES));
}

#[test]
fn an_array_is_not_an_object_even_where_its_items_would_fill_the_fields_by_position() {
    // serde's derived structs take `[1]` as `{"n": 1}`; the contract takes objects only.
    for positional in ["[1]", r#"["1"]"#, "1", r#""n""#] {
        assert_eq!(
            body_json::<Sample>(&request(positional)).unwrap_err(),
            Error::InvalidInput("the JSON body must be an object".into()),
            "{positional}"
        );
    }
}

#[test]
fn problems_carry_status_code_and_no_internals() {
    let r = problem(&Error::Infrastructure("secret table name".into()));
    assert_eq!(r.status(), 500);
    let body = String::from_utf8(r.body().to_vec()).unwrap();
    assert!(!body.contains("secret"));
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["code"], "INTERNAL");
    let r = problem(&Error::SeatUnavailable);
    assert_eq!(r.status(), 409);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
}

#[test]
fn every_queue_error_has_its_contract_status() {
    assert_eq!(status_and_code(&Error::TokenMissing), (401, "TOKEN_MISSING"));
    assert_eq!(status_and_code(&Error::TokenInvalid), (401, "TOKEN_INVALID"));
    assert_eq!(status_and_code(&Error::TokenExpired), (410, "TOKEN_EXPIRED"));
    assert_eq!(status_and_code(&Error::TokenNotActive), (403, "TOKEN_NOT_ACTIVE"));
    assert_eq!(status_and_code(&Error::TokenWrongConcert), (403, "TOKEN_WRONG_CONCERT"));
}

#[test]
fn every_503_says_when_to_retry_and_other_problems_do_not() {
    for e in [Error::Contention, Error::Throttled, Error::Unavailable, Error::ChargeOutcomeUnknown] {
        let r = problem(&e);
        assert_eq!(r.status(), 503, "{e:?}");
        assert_eq!(r.headers()["retry-after"], RETRY_AFTER_SECONDS, "{e:?}");
    }
    assert!(problem(&Error::SeatUnavailable).headers().get("retry-after").is_none());
}

fn keyed(value: &[u8]) -> Request {
    http::Request::builder()
        .uri("/x")
        .header(IDEMPOTENCY_KEY_HEADER, http::HeaderValue::from_bytes(value).unwrap())
        .body(Body::Empty)
        .unwrap()
}

#[test]
fn an_idempotency_key_the_service_cannot_honour_is_a_400_never_ignored() {
    assert_eq!(idempotency_key(&keyed(b"charge-1")).unwrap().unwrap().as_str(), "charge-1");
    assert_eq!(idempotency_key(&request("")).unwrap(), None);
    let long = vec![b'k'; 129];
    for bad in ["충전-1".as_bytes(), b"", b"with space", &long, b"\xff\xfe"] {
        let e = idempotency_key(&keyed(bad)).unwrap_err();
        assert_eq!(status_and_code(&e), (400, "INVALID_IDEMPOTENCY_KEY"), "{bad:?}");
    }
}

#[test]
fn no_answer_may_be_kept_by_a_shared_cache_unless_it_says_so() {
    let cache = |r: &Response<Body>| r.headers()[http::header::CACHE_CONTROL].to_str().unwrap().to_owned();
    assert_eq!(cache(&json_response(200, serde_json::json!({}))), "no-store");
    assert_eq!(cache(&problem(&Error::TokenExpired)), "no-store");
    assert_eq!(cache(&problem(&Error::RouteNotFound)), "no-store");
    assert_eq!(cache(&cache_publicly(json_response(200, serde_json::json!({})), 1)), "public, max-age=1");
    assert_eq!(cache(&cache_publicly(problem(&Error::ConcertNotFound), 1)), "no-store");
}
