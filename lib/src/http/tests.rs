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
