//! Local stand-ins for what AWS does around the functions: API Gateway's routing (the
//! HttpApi routes of template.yaml, mounted on the very handlers the Lambda binaries run)
//! and its JWT authorizer (`identity`, with a local token issuer in Cognito's place),
//! EventBridge's schedule (the admitter tick) and the SQS event source (hold releases).

pub mod api_gateway;
pub mod cdn;
pub mod identity;
pub mod web;

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use domain::values::ids::UserId;
use domain::Error;
use edge::http::{body_json, header, json_response, problem};
use edge::wiring::Services;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use serde::Deserialize;
use serde_json::json;

pub use cdn::EdgeCache;
pub use identity::DevIdentity;

/// One HttpApi route of template.yaml, as `scripts/provision.py` writes it to routes.json.
#[derive(Debug, Deserialize, Clone)]
pub struct Route {
    pub method: String,
    pub path: String,
    pub function: String,
    /// True when API Gateway runs no authorizer for the route. Absent means false: a route
    /// is only ever opened on purpose.
    #[serde(default)]
    pub public: bool,
    /// The route's throttle (template.yaml's RouteSettings or DefaultRouteSettings); none
    /// locally when routes.json gives none.
    #[serde(default)]
    pub throttle: Option<api_gateway::Throttle>,
    /// The function's Timeout; API Gateway's 30 s when routes.json gives none.
    #[serde(default, rename = "timeoutSeconds")]
    pub timeout_seconds: Option<u64>,
}

impl Route {
    pub fn matches(&self, method: &str, path: &str) -> bool {
        let want: Vec<&str> = self.path.split('/').filter(|s| !s.is_empty()).collect();
        let got: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        self.method == method
            && want.len() == got.len()
            && want.iter().zip(&got).all(|(w, g)| (w.starts_with('{') && w.ends_with('}')) || w == g)
    }
}

pub type Reply = hyper::Response<Full<Bytes>>;

/// Every function of template.yaml, by its binary's name.
pub const FUNCTIONS: [&str; 9] =
    ["queue", "availability", "reservation", "balance", "payment", "operator", "door", "admitter", "hold-expiry"];

/// The functions as Lambda runs them: each with its own services, signed as that function
/// (`Services::connect_as`), so that the local DynamoDB and SQS hold each to its own
/// policy in template.yaml, as IAM does. `one` shares one set of services between them all
/// (no per-function identity), for a test that builds its services by hand.
pub struct Functions {
    each: std::collections::HashMap<&'static str, Arc<Services>>,
    shared: Arc<Services>,
}

impl Functions {
    pub async fn connect(settings: edge::config::Settings, clock: Arc<dyn domain::values::clock::Clock>) -> Self {
        let mut each = std::collections::HashMap::new();
        for binary in FUNCTIONS {
            let services = Services::connect_as(settings.clone(), clock.clone(), Some(binary)).await;
            each.insert(binary, Arc::new(services));
        }
        Self { each, shared: Arc::new(Services::connect(settings, clock).await) }
    }

    pub fn one(services: Arc<Services>) -> Self {
        Self { each: Default::default(), shared: services }
    }

    /// The services function `binary` runs with.
    pub fn of(&self, binary: &str) -> &Arc<Services> {
        self.each.get(binary).unwrap_or(&self.shared)
    }
}

/// Hand a request to the named function's handler, as API Gateway would invoke it.
pub async fn dispatch(
    s: &Services,
    function: &str,
    req: lambda_http::Request,
) -> lambda_http::Response<lambda_http::Body> {
    match function {
        "queue" => fn_queue::handle(s, req).await,
        "availability" => fn_availability::handle(s, req).await,
        "reservation" => fn_reservation::handle(s, req).await,
        "balance" => fn_balance::handle(s, req).await,
        "payment" => fn_payment::handle(s, req).await,
        "operator" => fn_operator::handle(s, req).await,
        "door" => fn_door::handle(s, req).await,
        _ => problem(&Error::RouteNotFound),
    }
}

/// How long a `POST /dev/login` token lasts (Cognito's default access-token lifetime).
pub const DEV_TOKEN_TTL: Duration = Duration::from_secs(3600);

/// API Gateway's own limit on a request's payload (HTTP APIs: 10 MB). Anything smaller
/// reaches the function, whose `body_json` applies the service's much smaller limit after
/// the authorizer has run, as on AWS.
pub const API_GATEWAY_MAX_PAYLOAD_BYTES: usize = 10 * 1024 * 1024;

/// One request through the local API Gateway: the local-only identity routes, then the
/// template's routes, each behind the JWT authorizer unless public. The hyper server and
/// the tests of other crates both come through here.
pub async fn handle(
    functions: &Functions,
    routes: &[Route],
    identity: &DevIdentity,
    req: lambda_http::Request,
) -> lambda_http::Response<lambda_http::Body> {
    if let Some(resp) = local_route(identity, &req) {
        return resp;
    }
    // The web app answers only GETs that no API route takes (web.rs).
    if let Some(resp) = web::respond(routes, &req) {
        return resp;
    }
    let route = match find_route(routes, &req) {
        Ok(route) => route,
        Err(e) => return problem(&e),
    };
    // API Gateway throttles a route before its authorizer runs.
    if route.throttle.as_ref().is_some_and(|t| !t.admit(std::time::Instant::now())) {
        return api_gateway::too_many_requests();
    }
    let req = match authorize(route, identity, req) {
        Ok(req) => req,
        Err(e) => return api_gateway::unauthorized(&e),
    };
    let timeout = route.timeout_seconds.map_or(api_gateway::INTEGRATION_TIMEOUT, Duration::from_secs);
    let invocation = dispatch(functions.of(&route.function), &route.function, req);
    api_gateway::invoke(timeout, api_gateway::local_slowness(), invocation).await
}

/// The routes that exist only locally, standing in for Cognito: `POST /dev/login` and the
/// JWKS an authorizer would fetch.
fn local_route(identity: &DevIdentity, req: &lambda_http::Request) -> Option<lambda_http::Response<lambda_http::Body>> {
    match (req.method().as_str(), req.uri().path()) {
        ("POST", "/dev/login") => Some(dev_login(identity, req)),
        ("GET", "/.well-known/jwks.json") => Some(json_response(200, identity.jwks())),
        _ => None,
    }
}

/// The template's route a request is for (`RouteNotFound`: API Gateway's 404).
fn find_route<'r>(routes: &'r [Route], req: &lambda_http::Request) -> Result<&'r Route, Error> {
    routes.iter().find(|r| r.matches(req.method().as_str(), req.uri().path())).ok_or(Error::RouteNotFound)
}

/// What API Gateway does before it invokes a route's function: run the JWT authorizer
/// unless the route is public (`AuthMissing`, `AuthInvalid`), and hand over the request
/// with its request context. The context is the gateway's to write: whatever a caller
/// attached is replaced, so claims only ever come from a verified token.
fn authorize(route: &Route, identity: &DevIdentity, req: lambda_http::Request) -> Result<lambda_http::Request, Error> {
    if route.public {
        return Ok(identity::with_context(req, None));
    }
    let claims = identity.verify(header(&req, "authorization"))?;
    Ok(identity::with_claims(req, claims))
}

/// `POST /dev/login`: a token for the given (or a new) user, as an operator or gate staff
/// if asked.
fn dev_login(identity: &DevIdentity, req: &lambda_http::Request) -> lambda_http::Response<lambda_http::Body> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct Login {
        user_id: Option<String>,
        role: Option<String>,
    }
    let login = match body_json::<Login>(req) {
        Ok(l) => l,
        Err(e) => return problem(&e),
    };
    let user = match login.user_id.as_deref().map(UserId::parse).transpose() {
        Ok(u) => u.unwrap_or_else(UserId::random),
        Err(e) => return problem(&e),
    };
    let groups: &[&str] = match login.role.as_deref() {
        None => &[],
        Some("operator") => &[identity::OPERATORS_GROUP],
        Some("staff") => &[edge::identity::STAFF_GROUP],
        Some(_) => return problem(&Error::InvalidInput("role must be \"operator\" or \"staff\" when given".into())),
    };
    let (token, expires_at) = identity.mint_in(user, groups, DEV_TOKEN_TTL);
    tracing::info!(user = %user, role = login.role.as_deref().unwrap_or("fan"), "dev login");
    let mut body = json!({ "userId": user.to_string(), "token": token, "expiresAt": expires_at.to_rfc3339() });
    if let Some(role) = login.role {
        body["role"] = json!(role);
    }
    json_response(200, body)
}

fn to_hyper(resp: lambda_http::Response<lambda_http::Body>) -> Reply {
    let (parts, body) = resp.into_parts();
    hyper::Response::from_parts(parts, Full::new(Bytes::from(body.to_vec())))
}

/// Function invocations in flight at once, across every function (Lambda's concurrency
/// limit's part): `LOCAL_LAMBDA_CONCURRENCY`, 64 unless set. Past it a request waits up
/// to `THROTTLE_AFTER` for a turn, then is refused as a throttled invocation is: 503
/// THROTTLED with Retry-After. Without it, a thousand joins at once opened a thousand
/// connections to the one-request-at-a-time emulator, which ran out of file descriptors.
fn invocations() -> &'static tokio::sync::Semaphore {
    static LIMIT: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    LIMIT.get_or_init(|| {
        let permits = std::env::var("LOCAL_LAMBDA_CONCURRENCY").ok().and_then(|v| v.parse().ok()).unwrap_or(64);
        tokio::sync::Semaphore::new(usize::max(permits, 1))
    })
}

/// How long a request waits for an invocation's turn before it is throttled.
pub const THROTTLE_AFTER: Duration = Duration::from_secs(2);

/// Run an invocation once one of `limit`'s turns is free, or answer 503 THROTTLED after
/// waiting `wait` for one.
pub async fn within_limit(
    limit: &tokio::sync::Semaphore,
    wait: Duration,
    invocation: impl std::future::Future<Output = lambda_http::Response<lambda_http::Body>>,
) -> lambda_http::Response<lambda_http::Body> {
    match tokio::time::timeout(wait, limit.acquire()).await {
        Ok(Ok(_turn)) => invocation.await,
        _ => {
            tracing::info!("throttled: every invocation busy");
            problem(&Error::Throttled)
        }
    }
}

/// The hyper side: read the body (within API Gateway's payload limit), answer from the
/// edge cache where it may (CloudFront's part), else `handle` it, within the concurrency
/// limit.
pub async fn serve(
    s: Arc<Functions>,
    routes: Arc<Vec<Route>>,
    identity: Arc<DevIdentity>,
    edge: Arc<EdgeCache>,
    req: hyper::Request<Incoming>,
) -> Result<Reply, Infallible> {
    let method = req.method().as_str().to_owned();
    let path = req.uri().path().to_owned();
    let key = req.uri().path_and_query().map_or_else(|| path.clone(), |p| p.as_str().to_owned());
    if method == "GET" {
        if path == "/dev/edge" {
            return Ok(to_hyper(json_response(200, edge.counts())));
        }
        if let Some((status, headers, body)) = edge.fetch(&key).await {
            let mut reply = hyper::Response::new(Full::new(body));
            *reply.status_mut() = status;
            *reply.headers_mut() = headers;
            return Ok(reply);
        }
    }
    let (parts, body) = req.into_parts();
    let bytes = match Limited::new(body, API_GATEWAY_MAX_PAYLOAD_BYTES + 1).collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => return Ok(to_hyper(problem(&Error::BodyTooLarge(API_GATEWAY_MAX_PAYLOAD_BYTES)))),
    };
    let body = if bytes.is_empty() { lambda_http::Body::Empty } else { lambda_http::Body::from(bytes.to_vec()) };
    let started = std::time::Instant::now();
    let invocation = handle(&s, &routes, &identity, http::Request::from_parts(parts, body));
    let resp = within_limit(invocations(), THROTTLE_AFTER, invocation).await;
    tracing::debug!(%method, %path, status = resp.status().as_u16(), ms = started.elapsed().as_millis() as u64, "request");
    let mut reply = to_hyper(resp);
    if method == "GET" {
        let status = reply.status();
        let body = reply.body().clone().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
        edge.store(key, status, reply.headers_mut(), &body);
    }
    Ok(reply)
}

/// EventBridge's part, as it runs the admitter on AWS: one invocation per schedule period
/// (`rate(1 minute)`; `LOCAL_SCHEDULE_SECONDS` to shorten it), each under the function's
/// timeout (template.yaml: 90 s; `ADMITTER_TIMEOUT_SECONDS`), never retried, and a run
/// that outlasts the period overlapping the next, as Lambda lets it.
pub async fn admitter_loop(s: Arc<Services>) {
    let seconds = |name: &str, default: u64| {
        Duration::from_secs(std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default).max(1))
    };
    let period = seconds("LOCAL_SCHEDULE_SECONDS", 60);
    let timeout = seconds("ADMITTER_TIMEOUT_SECONDS", 90);
    let mut schedule = tokio::time::interval(period);
    schedule.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        schedule.tick().await;
        let s = s.clone();
        tokio::spawn(async move {
            match tokio::time::timeout(timeout, fn_admitter::invocation(&s)).await {
                Ok(Ok(run)) => tracing::debug!(%run, "admitter run"),
                Ok(Err(e)) => tracing::warn!(error = %e, "admitter run failed"),
                Err(_) => tracing::warn!("admitter run timed out, as Lambda would end it"),
            }
        });
    }
}

/// The SQS event source's part: receive hold-release messages and hand them to the consumer.
pub async fn hold_expiry_loop(s: Arc<Services>, sqs: aws_sdk_sqs::Client) {
    let url = s.settings.resources.hold_expiry_queue_url.clone();
    loop {
        let received =
            sqs.receive_message().queue_url(&url).max_number_of_messages(10).wait_time_seconds(1).send().await;
        let messages = match received {
            Ok(r) => r.messages.unwrap_or_default(),
            Err(e) => {
                tracing::warn!(error = ?e, "receiving hold-release messages failed");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        for m in messages {
            match fn_hold_expiry::process(&s, m.body().unwrap_or_default()).await {
                Ok(()) => {
                    if let Some(handle) = m.receipt_handle() {
                        let _ = sqs.delete_message().queue_url(&url).receipt_handle(handle).send().await;
                    }
                }
                Err(e) => tracing::warn!(error = %e, "hold-release message failed; it will be redelivered"),
            }
        }
    }
}

#[cfg(test)]
mod tests;
