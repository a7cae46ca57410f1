//! One HTTP request as a client sends it (`Call`, with who it is signed in as), its answer,
//! and the sending itself: through the local gateway's `handle`, as a well-behaved client
//! that sends a 503 again.

use std::fmt::Display;

use domain::values::ids::UserId;
use edge::wiring::Services;
use local_gateway::identity::DevIdentity;
use local_gateway::{handle, Route};

use crate::app::App;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

pub(crate) fn local_aws_dir() -> String {
    std::env::var("LOCAL_AWS_DIR").expect("LOCAL_AWS_DIR is not set: run the integration tests with `make test`")
}

/// template.yaml's routes, as `make test` wrote them for the local gateway.
pub fn routes() -> Vec<Route> {
    let text = std::fs::read_to_string(format!("{}/routes.json", local_aws_dir())).expect("routes.json");
    serde_json::from_str(&text).expect("routes.json is valid")
}

/// Who a request is signed in as (its `Authorization` header).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub enum SignIn {
    /// The fan the request is evidently from: the owner of its queue token, else the user
    /// its `/users/{userId}/...` path or its body's `userId` names, else a new user.
    #[default]
    Evident,
    /// A JWT for this user id (and the operator role if `true`).
    As(String, bool),
    /// This exact header value (bad tokens).
    Header(String),
    /// No `Authorization` header.
    Anonymous,
}

/// One HTTP request as a client would send it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Call {
    pub method: String,
    pub path: String,
    pub token: Option<String>,
    /// The admission pass (`X-Admission-Pass`).
    pub pass: Option<String>,
    pub key: Option<String>,
    pub body: Option<Value>,
    pub sign_in: SignIn,
}

impl Call {
    pub fn get(path: impl Into<String>) -> Self {
        Self { method: "GET".into(), path: path.into(), ..Self::default() }
    }

    pub fn post(path: impl Into<String>, body: Value) -> Self {
        Self { method: "POST".into(), path: path.into(), body: Some(body), ..Self::default() }
    }

    pub fn put(path: impl Into<String>, body: Value) -> Self {
        Self { method: "PUT".into(), ..Self::post(path, body) }
    }

    pub fn delete(path: impl Into<String>) -> Self {
        Self { method: "DELETE".into(), path: path.into(), ..Self::default() }
    }

    /// A join of `concert`'s line by whoever signs in.
    pub fn join(concert: impl Display) -> Self {
        Self::post("/queue/tokens", json!({ "concertId": concert.to_string() }))
    }

    /// A join of `concert`'s line that names `user` in its body.
    pub fn join_for(user: impl Display, concert: impl Display) -> Self {
        Self::post("/queue/tokens", json!({ "userId": user.to_string(), "concertId": concert.to_string() }))
    }

    /// A hold of one seat.
    pub fn hold(concert: impl Display, date: &str, seat: u64) -> Self {
        Self::post("/reservations", json!({ "concertId": concert.to_string(), "date": date, "seatNumber": seat }))
    }

    /// A payment of one held reservation.
    pub fn pay(reservation: &str) -> Self {
        Self::post("/payments", json!({ "reservationId": reservation }))
    }

    /// A cancel of one held reservation.
    pub fn cancel(reservation: &str) -> Self {
        Self::delete(format!("/reservations/{reservation}"))
    }

    /// A refund of one paid reservation.
    pub fn refund(reservation: &str) -> Self {
        Self::post(format!("/reservations/{reservation}/refund"), json!({}))
    }

    /// A charge of `user`'s wallet, without an Idempotency-Key unless `.key(...)` adds one.
    pub fn charge(user: impl Display, amount: i64) -> Self {
        Self::post(format!("/users/{user}/balance/charges"), json!({ "amount": amount }))
    }

    pub fn token(mut self, token: &str) -> Self {
        self.token = Some(token.to_owned());
        self
    }

    pub fn pass(mut self, pass: &str) -> Self {
        self.pass = Some(pass.to_owned());
        self
    }

    pub fn key(mut self, key: &str) -> Self {
        self.key = Some(key.to_owned());
        self
    }

    /// Signed in as `user` (a fan).
    pub fn as_user(mut self, user: UserId) -> Self {
        self.sign_in = SignIn::As(user.to_string(), false);
        self
    }

    /// Signed in as a new operator.
    pub fn as_operator(self) -> Self {
        self.sign_in(SignIn::As(UserId::random().to_string(), true))
    }

    pub fn sign_in(mut self, sign_in: SignIn) -> Self {
        self.sign_in = sign_in;
        self
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
}

impl Answer {
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("")
    }

    /// The body's text field `field` (an id, a token), which the answer must carry.
    pub fn text(&self, field: &str) -> &str {
        self.body[field].as_str().unwrap_or_else(|| panic!("no {field} in {self:?}"))
    }

    /// The body's whole-number field `field` (a price, a balance), which the answer must carry.
    pub fn number(&self, field: &str) -> i64 {
        self.body[field].as_i64().unwrap_or_else(|| panic!("no {field} in {self:?}"))
    }
}

/// True when this run's local DynamoDB injects faults (`LOCAL_AWS_FAULTS`, see
/// scripts/moto_server.py): the invariants are the same, a few exact counts are not.
pub fn faults_on() -> bool {
    std::env::var("LOCAL_AWS_FAULTS").is_ok_and(|v| !v.trim().is_empty())
}

/// The local sign-in the gateway verifies (its key is generated under .local/ at start).
pub fn identity() -> &'static DevIdentity {
    static IDENTITY: std::sync::OnceLock<DevIdentity> = std::sync::OnceLock::new();
    IDENTITY.get_or_init(|| DevIdentity::from_env().expect("the local sign-in key: run the tests with `make test`"))
}

/// A bearer token for `user`, as /dev/login would mint it.
pub fn jwt(user: UserId, operator: bool) -> String {
    identity().mint(user, operator, std::time::Duration::from_secs(3600)).0
}

async fn authorization(s: &Services, c: &Call) -> Option<String> {
    let user = match &c.sign_in {
        SignIn::Anonymous => return None,
        SignIn::Header(h) => return Some(h.clone()),
        SignIn::As(user, operator) => {
            let user = UserId::parse(user).expect("a user id");
            return Some(format!("Bearer {}", jwt(user, *operator)));
        }
        SignIn::Evident => {
            let named_in_path = c.path.strip_prefix("/users/").and_then(|rest| rest.split('/').next());
            let named_in_body = c.body.as_ref().and_then(|b| b["userId"].as_str());
            match (&c.token, named_in_path.or(named_in_body)) {
                (Some(raw), _) => crate::app::token_owner(s, raw).await.unwrap_or_else(UserId::random),
                (None, Some(named)) => UserId::parse(named).unwrap_or_else(|_| UserId::random()),
                (None, None) => UserId::random(),
            }
        }
    };
    Some(format!("Bearer {}", jwt(user, false)))
}

/// Send a request as a well-behaved client does: a 503 is sent again (same body, same
/// Idempotency-Key) after its Retry-After, except a keyless charge whose outcome is
/// unknown, which no client may repeat blindly.
pub(crate) async fn call(app: &App, c: &Call) -> Answer {
    let mut answer = call_once(app, c).await;
    for _ in 0..20 {
        if answer.status != 503 || answer.code() == "CHARGE_OUTCOME_UNKNOWN" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        answer = call_once(app, c).await;
    }
    answer
}

/// One request, whatever it answers.
pub(crate) async fn call_once(app: &App, c: &Call) -> Answer {
    let mut req = http::Request::builder().method(c.method.as_str()).uri(&c.path);
    if let Some(a) = authorization(&app.services, c).await {
        req = req.header("Authorization", a);
    }
    if let Some(t) = &c.token {
        req = req.header("X-Queue-Token", t);
    }
    if let Some(p) = &c.pass {
        req = req.header("X-Admission-Pass", p);
    }
    if let Some(k) = &c.key {
        req = req.header("Idempotency-Key", k);
    }
    let body = match &c.body {
        Some(v) => lambda_http::Body::from(v.to_string()),
        None => lambda_http::Body::Empty,
    };
    let resp = handle(&app.functions, &app.routes, identity(), req.body(body).unwrap()).await;
    let status = resp.status().as_u16();
    let body = serde_json::from_slice(resp.body().as_ref()).unwrap_or(Value::Null);
    Answer { status, body }
}
