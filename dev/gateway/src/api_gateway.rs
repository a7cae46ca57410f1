//! What API Gateway answers on its own, before or instead of a function: a route's throttle
//! (429), the JWT authorizer's refusal (401), and a function that outlives its timeout
//! (500). The bodies are API Gateway's (`{"message": ...}`), so that a client (the web app)
//! is tested against what it will meet on AWS.
//!
//! - Throttling: "API Gateway throttles requests to your API using the token bucket
//!   algorithm, where a token counts for a request"; route settings take precedence over the
//!   stage's default, and a throttled request gets `429 Too Many Requests`
//!   (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html).
//! - A Lambda integration that fails (a timeout included) answers
//!   `{"message":"Internal Server Error"}`
//!   (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-troubleshooting-lambda.html);
//!   an HTTP API waits at most 30 s for any integration
//!   (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html), then
//!   answers 503 `{"message":"Service Unavailable"}`.
//! - The JWT authorizer's refusal is `401 {"message":"Unauthorized"}`. The base contract
//!   (../shared/API.md) asks for the problems AUTH_MISSING / AUTH_INVALID, which the local
//!   gateway keeps and adds API Gateway's `message` to, so a client written for either body
//!   reads this one (ADR 0012).

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use domain::Error;
use edge::http::{json_response, problem_with};
use serde::Deserialize;
use serde_json::json;

type Answer = lambda_http::Response<lambda_http::Body>;

/// The longest an HTTP API waits for an integration.
pub const INTEGRATION_TIMEOUT: Duration = Duration::from_secs(30);

/// A route's throttle: a bucket of `burst` requests, refilled at `rate` a second. Clones
/// share the bucket (one per route, as API Gateway keeps one per route and stage).
#[derive(Debug, Deserialize, Clone)]
pub struct Throttle {
    pub rate: f64,
    pub burst: u32,
    #[serde(skip)]
    bucket: Arc<Mutex<Option<Bucket>>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Throttle {
    pub fn new(rate: f64, burst: u32) -> Self {
        Self { rate, burst, bucket: Arc::default() }
    }

    /// Take a request's token at `now`; false when the bucket is empty (a 429).
    pub fn admit(&self, now: Instant) -> bool {
        let mut held = self.bucket.lock().unwrap_or_else(PoisonError::into_inner);
        let full = f64::from(self.burst);
        let bucket = held.get_or_insert(Bucket { tokens: full, at: now });
        let refill = now.saturating_duration_since(bucket.at).as_secs_f64() * self.rate;
        bucket.tokens = (bucket.tokens + refill).min(full);
        bucket.at = now.max(bucket.at);
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// One of API Gateway's own answers.
fn own(status: u16, message: &str) -> Answer {
    json_response(status, json!({ "message": message }))
}

/// A throttled route's answer.
pub fn too_many_requests() -> Answer {
    own(429, "Too Many Requests")
}

/// The contract's problem for a refused sign-in, with API Gateway's `message` beside it.
pub fn unauthorized(e: &Error) -> Answer {
    problem_with(e, &[("message", json!("Unauthorized"))])
}

/// How many times slower than AWS the local stack may run a request before its function
/// times out: the local DynamoDB serves one request at a time, far slower than DynamoDB,
/// and a test machine under injected faults slower still. `LOCAL_TIMEOUT_FACTOR`, 2 unless
/// set (1: AWS's own numbers); `make test` sets 20. The answers stay AWS's.
pub fn local_slowness() -> u32 {
    static FACTOR: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    *FACTOR.get_or_init(|| {
        std::env::var("LOCAL_TIMEOUT_FACTOR").ok().and_then(|v| v.parse().ok()).filter(|f| *f >= 1).unwrap_or(2)
    })
}

/// Run a function's invocation as Lambda behind API Gateway does: ended at the function's
/// `timeout` (a Lambda error: 500) or at the integration's 30 s (503), whichever is first,
/// each stretched by `slowness` (`local_slowness`).
pub async fn invoke(timeout: Duration, slowness: u32, invocation: impl std::future::Future<Output = Answer>) -> Answer {
    let limit = timeout.min(INTEGRATION_TIMEOUT) * slowness.max(1);
    match tokio::time::timeout(limit, invocation).await {
        Ok(answer) => answer,
        Err(_) if timeout <= INTEGRATION_TIMEOUT => {
            tracing::warn!(seconds = limit.as_secs(), "function timed out");
            own(500, "Internal Server Error")
        }
        Err(_) => {
            tracing::warn!("integration timed out after 30 s");
            own(503, "Service Unavailable")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn body(a: Answer) -> (u16, Value) {
        (a.status().as_u16(), serde_json::from_slice(a.body()).unwrap())
    }

    #[test]
    fn a_route_takes_its_burst_at_once_then_its_rate() {
        let throttle = Throttle::new(2.0, 3);
        let start = Instant::now();
        assert!((0..3).all(|_| throttle.admit(start)), "the burst");
        assert!(!throttle.admit(start), "the bucket is empty");
        assert!(throttle.admit(start + Duration::from_millis(500)), "one token back after half a second at 2/s");
        assert!(!throttle.admit(start + Duration::from_millis(500)));
        assert!((0..3).all(|_| throttle.admit(start + Duration::from_secs(60))), "refilled to the burst, no more");
        assert!(!throttle.admit(start + Duration::from_secs(60)));
    }

    #[test]
    fn clones_share_one_bucket() {
        let a = Throttle::new(0.0, 1);
        let b = a.clone();
        assert!(a.admit(Instant::now()));
        assert!(!b.admit(Instant::now()));
    }

    #[test]
    fn the_answers_are_api_gateways() {
        assert_eq!(body(too_many_requests()), (429, json!({ "message": "Too Many Requests" })));
        let (status, v) = body(unauthorized(&Error::AuthMissing));
        assert_eq!(
            (status, v["code"].as_str(), v["message"].as_str()),
            (401, Some("AUTH_MISSING"), Some("Unauthorized"))
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_function_past_its_timeout_is_a_500_and_an_integration_past_30_s_a_503() {
        let never = std::future::pending::<Answer>;
        let started = tokio::time::Instant::now();
        assert_eq!(
            body(invoke(Duration::from_secs(15), 1, never()).await),
            (500, json!({ "message": "Internal Server Error" }))
        );
        assert_eq!(started.elapsed(), Duration::from_secs(15));
        assert_eq!(
            body(invoke(Duration::from_secs(90), 1, never()).await),
            (503, json!({ "message": "Service Unavailable" }))
        );
        assert_eq!(started.elapsed(), Duration::from_secs(45), "30 s more: the integration's limit");
        let slow_stack = body(invoke(Duration::from_secs(15), 20, never()).await);
        assert_eq!((slow_stack.0, started.elapsed()), (500, Duration::from_secs(345)), "15 s stretched 20 times");
        let quick = async { json_response(200, json!({})) };
        assert_eq!(invoke(Duration::from_secs(15), 1, quick).await.status(), 200);
    }
}
