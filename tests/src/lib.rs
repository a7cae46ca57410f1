//! Harness for the integration tests: services wired to the local emulators (the
//! environment `make test` writes), requests dispatched through template.yaml's routes to
//! the functions' own handlers, and `swarm` worker processes for multi-instance claims.
//! Each test makes its own concert and users, so tests share the emulator safely.

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::Arc;

use adapters::dynamo::{DynamoQueue, Tables};
use domain::catalog::concert::Concert;
use domain::catalog::spec::new_concert_seats;
use domain::catalog::store::CatalogStore;
use domain::line::store::LineStore;
use domain::values::clock::{Clock, SystemClock};
use domain::values::ids::{ConcertDate, ConcertId, UserId};
use edge::config::Settings;
use edge::wiring::Services;
use futures::StreamExt;
use local_gateway::identity::DevIdentity;
use local_gateway::{handle, Route};
use serde::{Deserialize, Serialize};
use serde_json::Value;

fn local_aws_dir() -> String {
    std::env::var("LOCAL_AWS_DIR").expect("LOCAL_AWS_DIR is not set: run the integration tests with `make test`")
}

pub fn routes() -> Vec<Route> {
    let text = std::fs::read_to_string(format!("{}/routes.json", local_aws_dir())).expect("routes.json");
    serde_json::from_str(&text).expect("routes.json is valid")
}

/// Services on the emulators, with the real clock and the settings of the environment.
pub async fn services() -> Arc<Services> {
    services_with(Arc::new(SystemClock), |_| {}).await
}

/// Services with another clock or adjusted settings (one "Lambda instance" configured so).
pub async fn services_with(clock: Arc<dyn Clock>, tweak: impl FnOnce(&mut Settings)) -> Arc<Services> {
    local_aws_dir();
    let mut settings = Settings::from_env().expect("settings from the environment");
    // Joins answer from what the line was a moment ago (ADR 0009) only where a test asks:
    // these tests act as one instance that must see the operator's change of a millisecond
    // ago. The glance is proven by the queue's unit tests and runs in the gateway's
    // default settings (the rush, the browser tests).
    settings.glance = std::time::Duration::ZERO;
    tweak(&mut settings);
    Arc::new(Services::connect(settings, clock).await)
}

/// A fresh concert with the given dates (50 seats each), unique to the calling test.
pub async fn new_concert(s: &Services, dates: &[&str]) -> ConcertId {
    let id = ConcertId::parse(&format!("t-{}", &uuid::Uuid::new_v4().simple().to_string()[..12])).unwrap();
    let dates: Vec<ConcertDate> = dates.iter().map(|d| ConcertDate::parse(d).unwrap()).collect();
    let seats = new_concert_seats(&dates);
    // On sale since an hour ago, so that a test's own clock a little behind still sees it open.
    let since = SystemClock.now().minus(std::time::Duration::from_secs(3600));
    let until = SystemClock.now().plus(std::time::Duration::from_secs(30 * 24 * 3600));
    let concert = Concert::on_sale(id.clone(), "Test concert", "Test hall", since, until);
    setup(|| s.catalog_store.add_concert(&concert, &seats)).await;
    // Open for an hour: the admitter's first tick after the opening sealed its draw.
    setup(|| s.admitter.seal(&id)).await;
    id
}

/// A setup step that an injected fault may interrupt: repeated until it succeeds (every
/// step used this way is safe to repeat), so that faults are met by the code under test.
pub async fn setup<T, F, Fut>(mut step: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = domain::Result<T>>,
{
    let mut last = None;
    for _ in 0..20 {
        match step().await {
            Ok(v) => return v,
            Err(e) => last = Some(e),
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("setup step kept failing: {last:?}")
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

    pub fn delete(path: impl Into<String>) -> Self {
        Self { method: "DELETE".into(), path: path.into(), ..Self::default() }
    }

    /// Signed in as `user` (a fan).
    pub fn as_user(mut self, user: UserId) -> Self {
        self.sign_in = SignIn::As(user.to_string(), false);
        self
    }

    pub fn sign_in(mut self, sign_in: SignIn) -> Self {
        self.sign_in = sign_in;
        self
    }
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
                (Some(raw), _) => token_owner(s, raw).await.unwrap_or_else(UserId::random),
                (None, Some(named)) => UserId::parse(named).unwrap_or_else(|_| UserId::random()),
                (None, None) => UserId::random(),
            }
        }
    };
    Some(format!("Bearer {}", jwt(user, false)))
}

/// The user a queue token was issued to, read straight from the table.
async fn token_owner(s: &Services, raw: &str) -> Option<UserId> {
    let id = domain::values::ids::TokenId::parse(raw).ok()?;
    let store = DynamoQueue::new(Tables::new(
        aws_sdk_dynamodb::Client::new(&aws_config::load_from_env().await),
        s.settings.resources.clone(),
    ));
    setup(|| store.token(id)).await.map(|t| t.user)
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
}

/// True when this run's local DynamoDB injects faults (`LOCAL_AWS_FAULTS`, see
/// scripts/moto_server.py): the invariants are the same, a few exact counts are not.
pub fn faults_on() -> bool {
    std::env::var("LOCAL_AWS_FAULTS").is_ok_and(|v| !v.trim().is_empty())
}

/// Send a request as a well-behaved client does: a 503 is sent again (same body, same
/// Idempotency-Key) after its Retry-After, except a keyless charge whose outcome is
/// unknown, which no client may repeat blindly.
pub async fn call(s: &Services, routes: &[Route], c: &Call) -> Answer {
    let mut answer = call_once(s, routes, c).await;
    for _ in 0..20 {
        if answer.status != 503 || answer.code() == "CHARGE_OUTCOME_UNKNOWN" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        answer = call_once(s, routes, c).await;
    }
    answer
}

/// One request, whatever it answers.
pub async fn call_once(s: &Services, routes: &[Route], c: &Call) -> Answer {
    let mut req = http::Request::builder().method(c.method.as_str()).uri(&c.path);
    if let Some(a) = authorization(s, c).await {
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
    let resp = handle(s, routes, identity(), req.body(body).unwrap()).await;
    let status = resp.status().as_u16();
    let body = serde_json::from_slice(resp.body().as_ref()).unwrap_or(Value::Null);
    Answer { status, body }
}

/// Many requests at once from this process.
pub async fn call_all(s: &Services, calls: Vec<Call>, concurrency: usize) -> Vec<Answer> {
    let routes = routes();
    let routes = &routes;
    let mut answers: Vec<(usize, Answer)> = futures::stream::iter(calls.into_iter().enumerate())
        .map(|(i, c)| async move { (i, call(s, routes, &c).await) })
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await;
    answers.sort_by_key(|(i, _)| *i);
    answers.into_iter().map(|(_, a)| a).collect()
}

/// Work for one `swarm` process.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Job {
    /// Send these requests, `concurrency` at a time.
    Calls { calls: Vec<Call>, concurrency: usize },
    /// Run `count` admitter ticks for one concert, `concurrency` at a time, each after a
    /// random pause of up to `spread_ms` (overlapping now and then, as a retried or late
    /// admitter run would, rather than all at once); each answer's body lists the places
    /// that tick let in.
    Ticks { concert: String, count: usize, concurrency: usize, spread_ms: u64 },
}

/// Run each job in its own OS process (an independent "Lambda instance") at the same
/// time; `env` adds variables to the workers' environment.
pub fn swarm(bin: &str, jobs: Vec<Job>, env: &[(&str, &str)]) -> Vec<Vec<Answer>> {
    let children: Vec<_> = jobs
        .into_iter()
        .map(|job| {
            let mut child = Command::new(bin)
                .envs(env.iter().copied())
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .spawn()
                .expect("spawn swarm worker");
            let input = serde_json::to_vec(&job).unwrap();
            child.stdin.take().unwrap().write_all(&input).unwrap();
            child
        })
        .collect();
    children
        .into_iter()
        .map(|child| {
            let out = child.wait_with_output().expect("swarm worker");
            assert!(out.status.success(), "swarm worker failed");
            serde_json::from_slice(&out.stdout).expect("swarm output")
        })
        .collect()
}

/// A fan with an ACTIVE token.
#[derive(Debug, Clone)]
pub struct Fan {
    pub user: UserId,
    pub token: String,
}

/// `n` fans with ACTIVE tokens for `concert` (issued, then admitted by ticks).
pub async fn admitted_fans(s: &Services, concert: &ConcertId, n: usize) -> Vec<Fan> {
    let mut fans = Vec::new();
    for _ in 0..n {
        let user = UserId::random();
        let (view, _) = setup(|| s.queue.issue(user, concert)).await;
        fans.push(Fan { user, token: view.token.to_string() });
    }
    // Tick until every fan is in: fans who joined within one tick are let in in the order of
    // their places, which the arrival stripes interleave (an injected fault met on the way
    // is sent again by the next round).
    let mut waiting: Vec<&Fan> = fans.iter().collect();
    for _ in 0..100 {
        let mut still = Vec::new();
        for f in waiting {
            if s.queue.authorize(f.user, Some(&f.token), concert).await.is_err() {
                still.push(f);
            }
        }
        waiting = still;
        if waiting.is_empty() {
            return fans;
        }
        setup(|| s.admitter.tick(concert)).await;
    }
    panic!("{} fans were never let in", waiting.len())
}

/// Split `items` into `parts` nearly equal chunks.
pub fn split<T: Clone>(items: &[T], parts: usize) -> Vec<Vec<T>> {
    let size = items.len().div_ceil(parts.max(1)).max(1);
    items.chunks(size).map(<[T]>::to_vec).collect()
}

/// Add a targeted fault to the local DynamoDB (scripts/moto_server.py, `POST
/// /_faults/rules`): the next `times` requests of operation `op` whose body contains `match`
/// (a test's own concert, user or reservation id, so that one test's faults never reach
/// another's) meet `fault` (`after_commit`, `conflict`, `throttle`). Returns the rule's id.
pub fn add_fault(op: &str, matching: &str, fault: &str, times: u32) -> u64 {
    let rule = serde_json::json!({ "op": op, "match": matching, "fault": fault, "times": times });
    fault_control("/_faults/rules", &["-X", "POST", "-d", &rule.to_string()])["id"].as_u64().expect("rule id")
}

/// How many more times rule `id` will fire (0 once every fault it promised was injected).
pub fn fault_left(id: u64) -> u64 {
    let rules = fault_control("/_faults/rules", &[]);
    rules["rules"].as_array().expect("rules").iter().find(|r| r["id"] == id).map_or(0, |r| r["times"].as_u64().unwrap())
}

fn fault_control(path: &str, args: &[&str]) -> Value {
    let endpoint = std::env::var("AWS_ENDPOINT_URL").expect("AWS_ENDPOINT_URL");
    let out = Command::new("curl")
        .args(["-sf", &format!("{endpoint}{path}")])
        .args(args)
        .output()
        .expect("curl the local DynamoDB's fault control");
    assert!(out.status.success(), "fault control refused: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("fault control answers JSON")
}
