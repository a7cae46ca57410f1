//! Harness for the integration tests: services wired to the local emulators (the
//! environment `make test` writes), requests dispatched through template.yaml's routes to
//! the functions' own handlers, and `swarm` worker processes for multi-instance claims.
//! Each test makes its own concert and users, so tests share the emulator safely.

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::Arc;

use futures::StreamExt;
use local_gateway::{dispatch, Route};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ticketing::catalog::{new_concert_seats, CatalogStore, Concert};
use ticketing::clock::{Clock, SystemClock};
use ticketing::config::Settings;
use ticketing::ids::{ConcertDate, ConcertId, UserId};
use ticketing::wiring::Services;

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
    tweak(&mut settings);
    let aws = aws_config::load_from_env().await;
    Arc::new(Services::build(settings, aws_sdk_dynamodb::Client::new(&aws), aws_sdk_sqs::Client::new(&aws), clock))
}

/// A fresh concert with the given dates (50 seats each), unique to the calling test.
pub async fn new_concert(s: &Services, dates: &[&str]) -> ConcertId {
    let id = ConcertId::parse(&format!("t-{}", &uuid::Uuid::new_v4().simple().to_string()[..12])).unwrap();
    let dates: Vec<ConcertDate> = dates.iter().map(|d| ConcertDate::parse(d).unwrap()).collect();
    let concert = Concert { id: id.clone(), title: "Test concert".into(), venue: "Test hall".into() };
    s.catalog_store.add_concert(&concert, &new_concert_seats(&dates)).await.unwrap();
    id
}

/// One HTTP request as a client would send it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Call {
    pub method: String,
    pub path: String,
    pub token: Option<String>,
    pub key: Option<String>,
    pub body: Option<Value>,
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

    pub fn key(mut self, key: &str) -> Self {
        self.key = Some(key.to_owned());
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
}

/// Send a request through template.yaml's routes to the function's handler.
pub async fn call(s: &Services, routes: &[Route], c: &Call) -> Answer {
    let route = routes
        .iter()
        .find(|r| r.matches(&c.method, &c.path))
        .unwrap_or_else(|| panic!("no route for {} {}", c.method, c.path));
    let mut req = http::Request::builder().method(c.method.as_str()).uri(&c.path);
    if let Some(t) = &c.token {
        req = req.header("X-Queue-Token", t);
    }
    if let Some(k) = &c.key {
        req = req.header("Idempotency-Key", k);
    }
    let body = match &c.body {
        Some(v) => lambda_http::Body::from(v.to_string()),
        None => lambda_http::Body::Empty,
    };
    let resp = dispatch(s, &route.function, req.body(body).unwrap()).await;
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
    /// Run `count` admitter ticks for one concert, `concurrency` at a time; each answer's
    /// body lists the tokens that tick admitted.
    Ticks { concert: String, count: usize, concurrency: usize },
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
        let (view, _) = s.queue.issue(user, concert).await.unwrap();
        fans.push(Fan { user, token: view.token.to_string() });
    }
    for _ in 0..100 {
        let last = fans.last().map(|f| f.token.clone());
        if s.queue.authorize(last.as_deref(), concert).await.is_ok() {
            break;
        }
        s.queue.tick(concert).await.unwrap();
    }
    for f in &fans {
        s.queue.authorize(Some(&f.token), concert).await.expect("fan admitted");
    }
    fans
}

/// Split `items` into `parts` nearly equal chunks.
pub fn split<T: Clone>(items: &[T], parts: usize) -> Vec<Vec<T>> {
    let size = items.len().div_ceil(parts.max(1)).max(1);
    items.chunks(size).map(<[T]>::to_vec).collect()
}
