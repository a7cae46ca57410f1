//! What API Gateway answers on its own in front of the functions, as the local gateway
//! answers it: each route's throttle from template.yaml (429 before the authorizer), the
//! authorizer's 401 with API Gateway's `message` beside the contract's problem, and the
//! functions' timeouts. The throttle's arithmetic and the timeout's answers are the
//! gateway's unit tests (dev/gateway/src/api_gateway.rs).

use integration_tests::*;
use local_gateway::api_gateway::Throttle;
use serde_json::json;

fn route<'a>(app: &'a mut App, method: &str, path: &str) -> &'a mut local_gateway::Route {
    app.routes.iter_mut().find(|r| r.method == method && r.path == path).expect("a route of template.yaml")
}

#[tokio::test]
async fn each_route_carries_the_templates_throttle_and_its_functions_timeout() {
    let mut app = App::start().await;
    let join = route(&mut app, "POST", "/queue/tokens").throttle.clone().expect("a throttle");
    assert_eq!((join.rate, join.burst), (2000.0, 5000), "QueueJoinRateLimit / QueueJoinBurstLimit");
    let poll = route(&mut app, "GET", "/queue/tokens/current").throttle.clone().expect("a throttle");
    assert_eq!((poll.rate, poll.burst), (3000.0, 5000), "QueuePollRateLimit / QueuePollBurstLimit");
    let other = route(&mut app, "POST", "/reservations").throttle.clone().expect("a throttle");
    assert_eq!((other.rate, other.burst), (500.0, 1000), "the stage's DefaultRouteSettings");
    assert!(app.routes.iter().all(|r| r.timeout_seconds == Some(15)), "Globals' Timeout for every API function");
}

#[tokio::test]
async fn a_route_past_its_throttle_answers_api_gateways_429_before_its_authorizer() {
    let mut app = App::start().await;
    route(&mut app, "GET", "/concerts").throttle = Some(Throttle::new(0.0, 2));
    route(&mut app, "POST", "/reservations").throttle = Some(Throttle::new(0.0, 0));
    for _ in 0..2 {
        assert_eq!(app.get("/concerts").once().await.status, 200);
    }
    let refused = app.get("/concerts").once().await;
    assert_eq!((refused.status, &refused.body), (429, &json!({ "message": "Too Many Requests" })));
    assert_eq!(app.routes.iter().filter(|r| r.path == "/concerts").count(), 1, "one route, one bucket");
    let unsigned = app.request(Call::hold("c", "2030-01-01", 1).sign_in(SignIn::Anonymous)).once().await;
    assert_eq!(unsigned.status, 429, "throttled before the authorizer: {unsigned:?}");
}

#[tokio::test]
async fn a_refused_sign_in_is_the_contracts_problem_with_api_gateways_message() {
    let app = App::start().await;
    let missing = app.request(Call::hold("c", "2030-01-01", 1).sign_in(SignIn::Anonymous)).once().await;
    assert_eq!((missing.status, missing.code()), (401, "AUTH_MISSING"));
    assert_eq!(missing.body["message"], "Unauthorized", "{missing:?}");
    let bad =
        app.request(Call::hold("c", "2030-01-01", 1).sign_in(SignIn::Header("Bearer nonsense".into()))).once().await;
    assert_eq!((bad.status, bad.code(), &bad.body["message"]), (401, "AUTH_INVALID", &json!("Unauthorized")));
}
