//! The authorizer's rules, one refused token per rule. Keys are made by `openssl genrsa`
//! once per test run and never written to disk.

use std::process::{Command, Stdio};
use std::sync::OnceLock;

use domain::values::clock::Timestamp;
use domain::values::ids::UserId;
use domain::Error;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use lambda_http::request::RequestContext;
use lambda_http::RequestExt;
use serde_json::{json, Value};

use super::{claim_text, with_claims, DevIdentity};

const ISSUER: &str = "http://127.0.0.1/dev-issuer";
const AUDIENCE: &str = "concert-local";
/// A fixed "now" for the tests that pass the time in (2030-03-17T17:46:40Z).
const NOW_S: i64 = 1_900_000_000;
const NOW: Timestamp = Timestamp::from_millis(NOW_S * 1000);

fn openssl(args: &[&str], stdin: Option<&[u8]>) -> Vec<u8> {
    let mut child = Command::new("openssl")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("openssl is needed to make the test keys");
    {
        use std::io::Write;
        let mut input = child.stdin.take().expect("stdin");
        if let Some(bytes) = stdin {
            input.write_all(bytes).expect("writing to openssl");
        }
    }
    let out = child.wait_with_output().expect("openssl");
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// The gateway's key (PKCS#1 PEM, as scripts/local-aws.sh makes it).
fn key_pem() -> &'static [u8] {
    static KEY: OnceLock<Vec<u8>> = OnceLock::new();
    KEY.get_or_init(|| openssl(&["genrsa", "-traditional", "2048"], None))
}

/// Another RSA key: an impostor's.
pub(crate) fn other_key_pem() -> &'static [u8] {
    static KEY: OnceLock<Vec<u8>> = OnceLock::new();
    KEY.get_or_init(|| openssl(&["genrsa", "-traditional", "2048"], None))
}

pub(crate) fn identity() -> &'static DevIdentity {
    static ID: OnceLock<DevIdentity> = OnceLock::new();
    ID.get_or_init(|| DevIdentity::new(key_pem(), ISSUER, AUDIENCE).expect("a fresh RSA key"))
}

fn kid() -> String {
    identity().kid.clone()
}

fn good_claims() -> Value {
    json!({
        "sub": UserId::random().to_string(),
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": NOW_S,
        "nbf": NOW_S,
        "exp": NOW_S + 3600,
        "token_use": "access",
    })
}

fn with(mut claims: Value, field: &str, value: Value) -> Value {
    claims[field] = value;
    claims
}

fn without(mut claims: Value, field: &str) -> Value {
    claims.as_object_mut().expect("an object").remove(field);
    claims
}

fn signed_with(alg: Algorithm, kid: Option<String>, claims: &Value, key: &EncodingKey) -> String {
    let mut header = Header::new(alg);
    header.kid = kid;
    encode(&header, claims, key).expect("signing a test token")
}

fn own_key() -> EncodingKey {
    EncodingKey::from_rsa_pem(key_pem()).expect("the test key")
}

/// RS256 with the gateway's key and kid: only the claims can be wrong.
fn signed(claims: &Value) -> String {
    signed_with(Algorithm::RS256, Some(kid()), claims, &own_key())
}

fn b64url(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(ABC[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

/// A token whose parts are written by hand: the header can say anything. `signature` is
/// already base64url.
fn hand_built(header: &Value, claims: &Value, signature: &str) -> String {
    format!("{}.{}.{signature}", b64url(header.to_string().as_bytes()), b64url(claims.to_string().as_bytes()))
}

fn verify(token: &str) -> Result<std::collections::HashMap<String, String>, Error> {
    identity().verify_at(Some(&format!("Bearer {token}")), NOW)
}

fn rs256_header() -> Value {
    json!({"alg": "RS256", "typ": "JWT", "kid": kid()})
}

#[test]
fn a_good_token_passes_and_is_the_baseline_of_every_refusal_below() {
    let claims = good_claims();
    let got = verify(&signed(&claims)).expect("the baseline token is good");
    assert_eq!(got["sub"], claims["sub"].as_str().unwrap());
    // The hand-built tokens below are well formed: properly signed, one passes.
    let unsigned = hand_built(&rs256_header(), &claims, "");
    let message = unsigned.trim_end_matches('.');
    let signature = jsonwebtoken::crypto::sign(message.as_bytes(), &own_key(), Algorithm::RS256).unwrap();
    assert!(verify(&format!("{message}.{signature}")).is_ok());
}

#[test]
fn every_bad_token_is_auth_invalid() {
    let rs256 = |c: &Value| signed(c);
    let public_pem = openssl(&["rsa", "-pubout"], Some(key_pem()));
    let jwks_text = identity().jwks().to_string();
    let other = EncodingKey::from_rsa_pem(other_key_pem()).unwrap();
    let good = good_claims();
    let good_token = rs256(&good);
    let good_signature = good_token.rsplit('.').next().unwrap().to_owned();

    // (case, token, why it must be refused): each token differs from the good one in one way.
    let cases: Vec<(&str, String, &str)> = vec![
        ("expired", rs256(&with(good.clone(), "exp", json!(NOW_S - 1))), "expired"),
        ("expiring this very second", rs256(&with(good.clone(), "exp", json!(NOW_S))), "expired"),
        ("no exp", rs256(&without(good.clone(), "exp")), "no numeric exp"),
        ("exp a string", rs256(&with(good.clone(), "exp", json!((NOW_S + 3600).to_string()))), "no numeric exp"),
        ("not yet valid", rs256(&with(good.clone(), "nbf", json!(NOW_S + 60))), "nbf is in the future"),
        ("nbf past the 5 s of skew", rs256(&with(good.clone(), "nbf", json!(NOW_S + 6))), "nbf is in the future"),
        ("nbf a string", rs256(&with(good.clone(), "nbf", json!(NOW_S.to_string()))), "nbf is not a number"),
        ("issued in the future", rs256(&with(good.clone(), "iat", json!(NOW_S + 60))), "iat is in the future"),
        ("wrong issuer", rs256(&with(good.clone(), "iss", json!("http://127.0.0.1/someone-else"))), "iss"),
        ("no issuer", rs256(&without(good.clone(), "iss")), "iss"),
        ("wrong audience", rs256(&with(good.clone(), "aud", json!("another-app"))), "aud"),
        ("audience list without ours", rs256(&with(good.clone(), "aud", json!(["a", "b"]))), "aud"),
        ("no audience", rs256(&without(good.clone(), "aud")), "aud"),
        ("audience a number", rs256(&with(good.clone(), "aud", json!(42))), "aud"),
        (
            "wrong aud, right client_id (aud wins)",
            rs256(&with(with(good.clone(), "aud", json!("x")), "client_id", json!(AUDIENCE))),
            "aud",
        ),
        ("no sub", rs256(&without(good.clone(), "sub")), "no sub"),
        ("empty sub", rs256(&with(good.clone(), "sub", json!(""))), "no sub"),
        ("sub not a string", rs256(&with(good.clone(), "sub", json!(42))), "no sub"),
        ("signed by another RSA key", signed_with(Algorithm::RS256, Some(kid()), &good, &other), "InvalidSignature"),
        (
            "good signature on changed claims",
            hand_built(
                &rs256_header(),
                &with(good.clone(), "sub", json!(UserId::random().to_string())),
                &good_signature,
            ),
            "InvalidSignature",
        ),
        ("empty signature", format!("{}.", good_token.rsplit_once('.').unwrap().0), "InvalidSignature"),
        ("no kid", signed_with(Algorithm::RS256, None, &good, &own_key()), "no kid"),
        ("unknown kid", signed_with(Algorithm::RS256, Some("nope".into()), &good, &own_key()), "kid not in the JWKS"),
        ("alg none", hand_built(&json!({"alg": "none", "typ": "JWT", "kid": kid()}), &good, ""), "variant `none`"),
        ("alg None", hand_built(&json!({"alg": "None", "typ": "JWT", "kid": kid()}), &good, ""), "variant `None`"),
        (
            "alg none with the good token's signature",
            hand_built(&json!({"alg": "none", "typ": "JWT", "kid": kid()}), &good, &good_signature),
            "variant `none`",
        ),
        (
            "HS256 keyed with the public key's PEM",
            signed_with(Algorithm::HS256, Some(kid()), &good, &EncodingKey::from_secret(&public_pem)),
            "InvalidAlgorithm",
        ),
        (
            "HS256 keyed with the JWKS text",
            signed_with(Algorithm::HS256, Some(kid()), &good, &EncodingKey::from_secret(jwks_text.as_bytes())),
            "InvalidAlgorithm",
        ),
        (
            "RS512 header on an RS256 key",
            signed_with(Algorithm::RS512, Some(kid()), &good, &own_key()),
            "InvalidAlgorithm",
        ),
        ("garbage", "not-a-jwt".into(), "unreadable token"),
        ("two parts", good_token.rsplit_once('.').unwrap().0.to_owned(), "unreadable token"),
        ("four parts", format!("{good_token}.{good_signature}"), "unreadable token"),
    ];
    for (name, token, why) in cases {
        assert!(matches!(verify(&token), Err(Error::AuthInvalid)), "{name}: {:?}", verify(&token));
        let reason = identity().check(&token, NOW).err().unwrap_or_default();
        assert!(reason.contains(why), "{name}: refused for {reason:?}, not for {why:?}");
    }
}

#[test]
fn a_missing_or_malformed_header_is_auth_missing() {
    let token = signed(&good_claims());
    for header in [None, Some(""), Some("Basic abc"), Some("Bearer"), Some("Bearer "), Some(token.as_str())] {
        assert!(matches!(identity().verify_at(header, NOW), Err(Error::AuthMissing)), "{header:?}");
    }
    let two_tokens = format!("Bearer {token} {token}");
    assert!(matches!(identity().verify_at(Some(&two_tokens), NOW), Err(Error::AuthMissing)));
}

#[test]
fn the_bearer_scheme_is_case_insensitive() {
    let token = signed(&good_claims());
    assert!(identity().verify_at(Some(&format!("bearer {token}")), NOW).is_ok());
}

#[test]
fn nbf_and_iat_within_five_seconds_of_skew_pass() {
    let claims = with(with(good_claims(), "nbf", json!(NOW_S + 5)), "iat", json!(NOW_S + 5));
    assert!(verify(&signed(&claims)).is_ok());
}

#[test]
fn nbf_and_iat_are_optional_but_exp_is_not() {
    assert!(verify(&signed(&without(without(good_claims(), "nbf"), "iat"))).is_ok());
}

#[test]
fn an_audience_list_naming_ours_passes() {
    assert!(verify(&signed(&with(good_claims(), "aud", json!(["other", AUDIENCE])))).is_ok());
}

#[test]
fn without_aud_the_client_id_must_name_the_audience_as_on_cognito_access_tokens() {
    let cognito_style = with(without(good_claims(), "aud"), "client_id", json!(AUDIENCE));
    assert!(verify(&signed(&cognito_style)).is_ok());
    let wrong_client = with(without(good_claims(), "aud"), "client_id", json!("another-app"));
    assert!(matches!(verify(&signed(&wrong_client)), Err(Error::AuthInvalid)));
}

#[test]
fn a_minted_token_lasts_exactly_its_ttl() {
    let ttl = std::time::Duration::from_secs(3600);
    let (token, expires_at) = identity().mint_at(UserId::random(), &[], ttl, NOW);
    assert_eq!(expires_at, NOW.plus(ttl));
    let header = format!("Bearer {token}");
    assert!(identity().verify_at(Some(&header), Timestamp::from_millis(expires_at.millis() - 1)).is_ok());
    assert!(matches!(identity().verify_at(Some(&header), expires_at), Err(Error::AuthInvalid)));
}

#[test]
fn a_minted_token_verifies_now_with_its_claims_as_strings() {
    let user = UserId::random();
    let (token, expires_at) = identity().mint(user, false, std::time::Duration::from_secs(3600));
    let claims = identity().verify(Some(&format!("Bearer {token}"))).expect("a fresh token");
    assert_eq!(claims["sub"], user.to_string());
    assert_eq!(claims["iss"], ISSUER);
    assert_eq!(claims["aud"], AUDIENCE);
    assert_eq!(claims["token_use"], "access");
    assert_eq!(claims["exp"], (expires_at.millis() / 1000).to_string());
    assert!(!claims.contains_key("cognito:groups"));
}

#[test]
fn an_operator_token_carries_the_operators_group_flattened_as_api_gateway_does() {
    let (token, _) = identity().mint(UserId::random(), true, std::time::Duration::from_secs(60));
    let claims = identity().verify(Some(&format!("Bearer {token}"))).expect("a fresh token");
    assert_eq!(claims["cognito:groups"], "[operators]");
    // In the token itself it is an array, as Cognito issues it.
    let raw = jsonwebtoken::dangerous::insecure_decode::<Value>(&token).unwrap().claims;
    assert_eq!(raw["cognito:groups"], json!(["operators"]));
}

#[test]
fn claims_are_flattened_to_strings_like_api_gateway() {
    assert_eq!(claim_text(&json!("x")), "x");
    assert_eq!(claim_text(&json!(1_900_000_000)), "1900000000");
    assert_eq!(claim_text(&json!(true)), "true");
    assert_eq!(claim_text(&json!(["operators", "admins"])), "[operators admins]");
    assert_eq!(claim_text(&json!([])), "[]");
    assert_eq!(claim_text(&json!({"b": 2, "a": "x"})), "map[a:x b:2]");
}

#[test]
fn the_jwks_holds_the_public_key_only() {
    let jwks = identity().jwks();
    let keys = jwks["keys"].as_array().expect("keys");
    assert_eq!(keys.len(), 1);
    let key = &keys[0];
    assert_eq!(key["kty"], "RSA");
    assert_eq!(key["alg"], "RS256");
    assert_eq!(key["use"], "sig");
    assert_eq!(key["kid"], kid());
    assert_eq!(key["e"], "AQAB");
    assert!(key["n"].as_str().is_some_and(|n| n.len() > 300));
    for private in ["d", "p", "q", "dp", "dq", "qi"] {
        assert!(key.get(private).is_none(), "{private} leaked");
    }
}

#[test]
fn the_same_key_keeps_the_same_kid() {
    let again = DevIdentity::new(key_pem(), ISSUER, AUDIENCE).unwrap();
    assert_eq!(again.kid, kid());
    let other = DevIdentity::new(other_key_pem(), ISSUER, AUDIENCE).unwrap();
    assert_ne!(other.kid, kid());
}

#[test]
fn a_key_that_is_not_an_rsa_private_key_is_refused() {
    assert!(DevIdentity::new(b"not a key", ISSUER, AUDIENCE).is_err());
    let public_pem = openssl(&["rsa", "-pubout"], Some(key_pem()));
    assert!(DevIdentity::new(&public_pem, ISSUER, AUDIENCE).is_err());
}

#[test]
fn claims_reach_the_handler_in_the_http_api_request_context() {
    let claims = std::collections::HashMap::from([
        ("sub".to_owned(), "u-1".to_owned()),
        ("cognito:groups".to_owned(), "[operators]".to_owned()),
    ]);
    let req = http::Request::builder().method("GET").uri("/users/u-1/balance").body(lambda_http::Body::Empty).unwrap();
    let req = with_claims(req, claims.clone());
    let Some(RequestContext::ApiGatewayV2(ctx)) = req.request_context_ref() else {
        panic!("no HTTP API request context: {:?}", req.request_context_ref());
    };
    let jwt = ctx.authorizer.as_ref().and_then(|a| a.jwt.as_ref()).expect("a JWT authorizer");
    assert_eq!(jwt.claims, claims);
    assert_eq!(ctx.http.method, http::Method::GET);
    assert_eq!(ctx.http.path.as_deref(), Some("/users/u-1/balance"));
}
