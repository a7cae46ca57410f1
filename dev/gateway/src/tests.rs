//! The gateway's own decisions, before any function runs: `POST /dev/login`, the JWKS, and
//! the authorizer's place in routing. (Whole requests through `handle`, functions included,
//! are the integration tests' part: they need the emulated database.)

use std::time::Duration;

use domain::values::ids::UserId;
use domain::Error;
use lambda_http::request::RequestContext;
use lambda_http::{Body, RequestExt};
use serde_json::{json, Value};

use super::identity::tests::{identity, other_key_pem};
use super::{authorize, find_route, local_route, DevIdentity, Route};

fn request(method: &str, path: &str, authorization: Option<&str>, body: &str) -> lambda_http::Request {
    let mut b = http::Request::builder().method(method).uri(path);
    if let Some(a) = authorization {
        b = b.header("authorization", a);
    }
    b.body(if body.is_empty() { Body::Empty } else { Body::from(body) }).unwrap()
}

fn json_of(resp: &lambda_http::Response<Body>) -> Value {
    serde_json::from_slice(resp.body().as_ref()).expect("a JSON body")
}

fn code_of(resp: &lambda_http::Response<Body>) -> String {
    json_of(resp)["code"].as_str().unwrap_or_default().to_owned()
}

fn login(body: &str) -> lambda_http::Response<Body> {
    local_route(identity(), &request("POST", "/dev/login", None, body)).expect("a local route")
}

fn routes() -> Vec<Route> {
    serde_json::from_value(json!([
        {"method": "GET", "path": "/concerts", "function": "availability", "public": true},
        {"method": "GET", "path": "/users/{userId}/balance", "function": "balance", "public": false},
        {"method": "POST", "path": "/queue/tokens", "function": "queue"},
    ]))
    .unwrap()
}

/// The route a request is for, then the authorizer: what `handle` does before a function.
fn authorize_in<'r>(
    routes: &'r [Route],
    identity: &DevIdentity,
    req: lambda_http::Request,
) -> Result<(&'r Route, lambda_http::Request), Error> {
    let route = find_route(routes, &req)?;
    Ok((route, authorize(route, identity, req)?))
}

fn bearer(user: UserId, operator: bool) -> String {
    format!("Bearer {}", identity().mint(user, operator, Duration::from_secs(60)).0)
}

fn claims_of(req: &lambda_http::Request) -> Option<&std::collections::HashMap<String, String>> {
    match req.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(ctx)) => {
            ctx.authorizer.as_ref().and_then(|a| a.jwt.as_ref()).map(|j| &j.claims)
        }
        _ => None,
    }
}

#[test]
fn dev_login_with_an_empty_object_signs_in_a_new_user_for_an_hour() {
    let resp = login("{}");
    assert_eq!(resp.status(), 200);
    let body = json_of(&resp);
    let user = UserId::parse(body["userId"].as_str().unwrap()).expect("a UUID");
    assert!(body.get("role").is_none());
    let claims = identity().verify(Some(&format!("Bearer {}", body["token"].as_str().unwrap()))).unwrap();
    assert_eq!(claims["sub"], user.to_string());
    assert!(!claims.contains_key("cognito:groups"));
    let exp: i64 = claims["exp"].parse().unwrap();
    let iat: i64 = claims["iat"].parse().unwrap();
    assert_eq!(exp - iat, 3600);
    let expires_at = domain::values::clock::Timestamp::from_millis(exp * 1000).to_rfc3339();
    assert_eq!(body["expiresAt"], expires_at);
    assert_ne!(json_of(&login("{}"))["userId"], body["userId"], "each {{}} login is a new user");
}

#[test]
fn dev_login_with_a_user_id_signs_in_that_user() {
    let user = UserId::random();
    let body = json_of(&login(&json!({ "userId": user.to_string() }).to_string()));
    assert_eq!(body["userId"], user.to_string());
    let claims = identity().verify(Some(&format!("Bearer {}", body["token"].as_str().unwrap()))).unwrap();
    assert_eq!(claims["sub"], user.to_string());
}

#[test]
fn dev_login_as_operator_carries_the_operators_group() {
    let user = UserId::random();
    for body in [json!({ "role": "operator" }), json!({ "role": "operator", "userId": user.to_string() })] {
        let resp = login(&body.to_string());
        assert_eq!(resp.status(), 200, "{body}");
        let answer = json_of(&resp);
        assert_eq!(answer["role"], "operator");
        let claims = identity().verify(Some(&format!("Bearer {}", answer["token"].as_str().unwrap()))).unwrap();
        assert_eq!(claims["cognito:groups"], "[operators]");
        assert_eq!(claims["sub"], answer["userId"].as_str().unwrap());
    }
}

#[test]
fn dev_login_refuses_a_bad_body_with_400() {
    for body in [
        "",
        "not json",
        "[]",
        r#"{"userId": "not-a-uuid"}"#,
        r#"{"userId": 42}"#,
        r#"{"role": "admin"}"#,
        r#"{"role": "operators"}"#,
        r#"{"userid": "6f1c1d2e-8a8b-4a5e-9f0e-1c2d3e4f5a6b"}"#,
    ] {
        let resp = login(body);
        assert_eq!(resp.status(), 400, "{body:?}");
        assert_eq!(code_of(&resp), "INVALID_REQUEST", "{body:?}");
    }
}

#[test]
fn the_jwks_is_served_and_verifies_the_tokens() {
    let resp = local_route(identity(), &request("GET", "/.well-known/jwks.json", None, "")).unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(json_of(&resp), identity().jwks());
}

#[test]
fn only_post_dev_login_and_get_jwks_are_local_routes() {
    assert!(local_route(identity(), &request("GET", "/dev/login", None, "")).is_none());
    assert!(local_route(identity(), &request("POST", "/.well-known/jwks.json", None, "{}")).is_none());
    assert!(local_route(identity(), &request("GET", "/concerts", None, "")).is_none());
}

#[test]
fn an_unknown_route_is_404_even_without_a_token() {
    let routes = routes();
    let refused = authorize_in(&routes, identity(), request("GET", "/nowhere", None, ""));
    assert!(matches!(refused, Err(Error::RouteNotFound)), "{refused:?}");
}

#[test]
fn a_protected_route_without_a_token_is_401_auth_missing() {
    let routes = routes();
    let user = UserId::random();
    let refused = authorize_in(&routes, identity(), request("GET", &format!("/users/{user}/balance"), None, ""));
    assert!(matches!(refused, Err(Error::AuthMissing)), "{refused:?}");
}

#[test]
fn a_route_without_the_public_flag_is_protected() {
    let routes = routes();
    let refused = authorize_in(&routes, identity(), request("POST", "/queue/tokens", None, "{}"));
    assert!(matches!(refused, Err(Error::AuthMissing)), "{refused:?}");
}

#[test]
fn a_protected_route_with_another_issuers_token_is_401_auth_invalid() {
    let routes = routes();
    let impostor = DevIdentity::new(other_key_pem(), identity().issuer(), identity().audience()).unwrap();
    let token = impostor.mint(UserId::random(), true, Duration::from_secs(60)).0;
    let req = request("POST", "/queue/tokens", Some(&format!("Bearer {token}")), "{}");
    let refused = authorize_in(&routes, identity(), req);
    assert!(matches!(refused, Err(Error::AuthInvalid)), "{refused:?}");
}

#[test]
fn a_protected_route_with_a_good_token_reaches_the_function_with_its_claims() {
    let routes = routes();
    let user = UserId::random();
    let req = request("GET", &format!("/users/{user}/balance"), Some(&bearer(user, true)), "");
    let (route, req) = authorize_in(&routes, identity(), req).expect("authorized");
    assert_eq!(route.function, "balance");
    let claims = claims_of(&req).expect("the authorizer's claims");
    assert_eq!(claims["sub"], user.to_string());
    assert_eq!(claims["cognito:groups"], "[operators]");
}

#[test]
fn a_public_route_needs_no_token_and_gets_no_claims() {
    let routes = routes();
    for authorization in [None, Some("Bearer garbage".to_owned()), Some(bearer(UserId::random(), false))] {
        let req = request("GET", "/concerts", authorization.as_deref(), "");
        let (route, req) = authorize_in(&routes, identity(), req).expect("public");
        assert_eq!(route.function, "availability");
        assert!(matches!(req.request_context_ref(), Some(RequestContext::ApiGatewayV2(_))));
        assert!(claims_of(&req).is_none(), "{authorization:?}");
    }
}

#[test]
fn claims_attached_by_the_caller_never_reach_the_function() {
    let routes = routes();
    let forged = std::collections::HashMap::from([("sub".to_owned(), UserId::random().to_string())]);
    let user = UserId::random();
    // No token at all: refused, whatever the request carried.
    let req = super::identity::with_claims(request("GET", &format!("/users/{user}/balance"), None, ""), forged.clone());
    assert!(matches!(authorize_in(&routes, identity(), req), Err(Error::AuthMissing)));
    // A good token: its claims replace the forged ones.
    let req = request("GET", &format!("/users/{user}/balance"), Some(&bearer(user, false)), "");
    let (_, req) = authorize_in(&routes, identity(), super::identity::with_claims(req, forged.clone())).unwrap();
    assert_eq!(claims_of(&req).unwrap()["sub"], user.to_string());
    // A public route: no claims at all.
    let req = super::identity::with_claims(request("GET", "/concerts", None, ""), forged);
    let (_, req) = authorize_in(&routes, identity(), req).unwrap();
    assert!(claims_of(&req).is_none());
}

#[test]
fn routes_json_without_public_means_protected() {
    let route: Route = serde_json::from_value(json!({"method": "GET", "path": "/x", "function": "f"})).unwrap();
    assert!(!route.public);
}

#[tokio::test]
async fn past_the_concurrency_limit_a_request_waits_for_a_turn_then_is_throttled() {
    let limit = tokio::sync::Semaphore::new(1);
    let ok = || async { edge::http::json_response(200, json!({})) };
    // A free turn: the invocation runs.
    assert_eq!(super::within_limit(&limit, Duration::from_millis(50), ok()).await.status(), 200);
    // Every turn busy for longer than the wait: 503 THROTTLED, with Retry-After, and the
    // invocation never runs.
    let busy = limit.acquire().await.expect("a turn");
    let ran = std::sync::atomic::AtomicBool::new(false);
    let refused = super::within_limit(&limit, Duration::from_millis(50), async {
        ran.store(true, std::sync::atomic::Ordering::SeqCst);
        edge::http::json_response(200, json!({}))
    })
    .await;
    assert_eq!((refused.status().as_u16(), code_of(&refused)), (503, "THROTTLED".to_owned()));
    assert!(refused.headers().contains_key("retry-after"));
    assert!(!ran.load(std::sync::atomic::Ordering::SeqCst));
    // A turn freed within the wait: the request gets it.
    let waiting = super::within_limit(&limit, Duration::from_secs(5), ok());
    let release = async {
        tokio::time::sleep(Duration::from_millis(20)).await;
        drop(busy);
    };
    let (answer, ()) = tokio::join!(waiting, release);
    assert_eq!(answer.status(), 200);
}
