//! Cost per booking: one fan books a seat, one API call at a time, and the local AWS
//! meter (scripts/moto_server.py) tells which DynamoDB requests each call made and the
//! capacity units AWS on-demand would bill for them.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{Read, Write};

use domain::catalog::spec::demo_spec;
use domain::values::ids::{ConcertId, UserId};
use edge::wiring::Services;
use serde_json::{json, Value};

/// AWS on-demand prices (us-east-1), USD per million request units.
const USD_PER_MILLION_WRITE_UNITS: f64 = 0.625;
const USD_PER_MILLION_READ_UNITS: f64 = 0.125;

/// DynamoDB use between two meter readings.
#[derive(Default, Clone)]
pub struct Use {
    ops: BTreeMap<String, u64>,
    reads: f64,
    writes: f64,
}

impl Use {
    pub fn requests(&self) -> u64 {
        self.ops.values().sum()
    }

    fn usd_per_million(&self) -> f64 {
        self.reads * USD_PER_MILLION_READ_UNITS + self.writes * USD_PER_MILLION_WRITE_UNITS
    }

    fn add(&mut self, other: &Use) {
        for (k, v) in &other.ops {
            *self.ops.entry(k.clone()).or_default() += v;
        }
        self.reads += other.reads;
        self.writes += other.writes;
    }
}

/// A request to the local AWS meter; its JSON answer, `None` where there is none (real AWS).
fn meter_request(method: &str, path: &str) -> Option<String> {
    let endpoint = std::env::var("AWS_ENDPOINT_URL").ok()?;
    let addr = endpoint.strip_prefix("http://")?.trim_end_matches('/').to_owned();
    let mut conn = std::net::TcpStream::connect(&addr).ok()?;
    write!(conn, "{method} {path} HTTP/1.0\r\nHost: {addr}\r\nContent-Length: 0\r\n\r\n").ok()?;
    let mut text = String::new();
    conn.read_to_string(&mut text).ok()?;
    if !text.starts_with("HTTP/1.1 200") && !text.starts_with("HTTP/1.0 200") {
        return None;
    }
    Some(text.split("\r\n\r\n").nth(1).unwrap_or("{}").to_owned())
}

/// The writes each item took since the meter's reset: (all writes, the hottest item and its writes).
pub fn hottest_item() -> Option<(u64, String, u64)> {
    let v: Value = serde_json::from_str(&meter_request("GET", "/_meter/items")?).ok()?;
    let top = &v["hottest"][0];
    let key = top["key"]
        .as_object()
        .map(|k| k.values().filter_map(|a| a["S"].as_str().or(a["N"].as_str())).collect::<Vec<_>>().join(" / "));
    Some((v["writes"].as_u64()?, format!("{} {}", top["table"].as_str()?, key?), top["writes"].as_u64()?))
}

/// Read (GET) or reset (POST) the local AWS meter; `None` where there is none (real AWS).
pub fn try_meter(method: &str) -> Option<Use> {
    let body = meter_request(method, "/_meter")?;
    let counts: BTreeMap<String, Value> = serde_json::from_str(&body).unwrap_or_default();
    let mut u = Use::default();
    for (op, c) in counts {
        u.ops.insert(op, c["requests"].as_u64().unwrap_or(0));
        u.reads += c["readUnits"].as_f64().unwrap_or(0.0);
        u.writes += c["writeUnits"].as_f64().unwrap_or(0.0);
    }
    Some(u)
}

/// The local DynamoDB's fault injector: its config and counts, if it is injecting.
pub fn fault_counts() -> Option<Value> {
    let endpoint = std::env::var("AWS_ENDPOINT_URL").ok()?;
    let out = std::process::Command::new("curl").args(["-sf", &format!("{endpoint}/_faults")]).output().ok()?;
    let v: Value = serde_json::from_slice(&out.stdout).ok()?;
    v["config"].as_object().is_some_and(|c| !c.is_empty()).then_some(v)
}

fn meter(method: &str) -> Use {
    try_meter(method).expect("the local AWS meter (scripts/moto_server.py)")
}

/// One signed-in fan calling the handlers directly.
struct Probe<'a> {
    s: &'a Services,
    user: String,
    /// The admission pass from the check-in, sent beside the token from then on.
    pass: std::sync::OnceLock<String>,
}

impl Probe<'_> {
    async fn http(
        &self,
        function: &str,
        method: &str,
        path: &str,
        token: Option<&str>,
        key: Option<&str>,
        body: Option<Value>,
    ) -> Value {
        let mut req = http::Request::builder().method(method).uri(path);
        if let Some(t) = token {
            req = req.header("x-queue-token", t);
            if let Some(p) = self.pass.get() {
                req = req.header("x-admission-pass", p);
            }
        }
        if let Some(k) = key {
            req = req.header("idempotency-key", k);
        }
        let body = body.map(|b| lambda_http::Body::from(b.to_string())).unwrap_or(lambda_http::Body::Empty);
        // Signed in as API Gateway's authorizer would pass it (the cost of verifying a JWT is
        // API Gateway's, not DynamoDB's).
        let claims = std::collections::HashMap::from([("sub".to_owned(), self.user.clone())]);
        let req = local_gateway::identity::with_claims(req.body(body).expect("request"), claims);
        let resp = local_gateway::dispatch(self.s, function, req).await;
        let status = resp.status().as_u16();
        let value: Value = serde_json::from_slice(resp.body().as_ref()).unwrap_or(Value::Null);
        assert!(status < 300, "{method} {path} answered {status}: {value}");
        value
    }
}

pub async fn run() -> String {
    let s = Services::from_env().await.expect("services from the environment");
    let mut spec = demo_spec(s.operator.now()).expect("the demo concert");
    let concert = ConcertId::parse(&format!("cost-{}", &uuid::Uuid::new_v4().simple().to_string()[..8])).expect("id");
    spec.id = concert.clone();
    s.operator.create(&spec).await.expect("seed the probe concert");
    let c = concert.as_str();
    let date = spec.dates.first().map(|(d, _)| d.to_string()).expect("the demo concert has dates");
    let user = UserId::random().to_string();
    let probe = Probe { s: &s, user: user.clone(), pass: std::sync::OnceLock::new() };
    let mut rows: Vec<(String, Use)> = Vec::new();
    macro_rules! step {
        ($label:expr, $call:expr) => {{
            meter("POST");
            let out = $call;
            rows.push(($label.to_string(), meter("GET")));
            out
        }};
    }

    // On sale and sealed, as a minute into an on-sale: the admitter's first tick sealed it.
    s.admitter.seal(&concert).await.expect("seal the probe concert's draw");
    // The first join in an instance reads the sale and the line (its glance, ADR 0009);
    // the joins after it within GLANCE_MS, nearly every join of a rush, do not.
    let issued = step!(
        "POST /queue/tokens (reading its glance: once a second per instance)",
        probe.http("queue", "POST", "/queue/tokens", None, None, Some(json!({ "concertId": c }))).await
    );
    let next_fan = Probe { s: &s, user: UserId::random().to_string(), pass: std::sync::OnceLock::new() };
    let next_issued = step!(
        "POST /queue/tokens",
        next_fan.http("queue", "POST", "/queue/tokens", None, None, Some(json!({ "concertId": c }))).await
    );
    let token = issued["token"].as_str().expect("token").to_owned();
    let t = Some(token.as_str());
    step!(
        "GET /queue/tokens/current (waiting)",
        probe.http("queue", "GET", "/queue/tokens/current", t, None, None).await
    );
    step!("admitter tick, one concert (not per fan)", s.admitter.tick(&concert).await.expect("tick"));
    step!(
        "GET /concerts/{id}/line (at the origin: a CDN miss, about once a second per edge)",
        probe.http("queue", "GET", &format!("/concerts/{c}/line"), None, None, None).await
    );
    // A check-in finds its instance's glance at the line older than the batch (it was read
    // for the joins) or newer: read again, once a second per instance, or trusted (ADR 0009).
    tokio::time::sleep(s.settings.glance).await;
    let next_token = next_issued["token"].as_str().expect("token").to_owned();
    let next_t = Some(next_token.as_str());
    let next_checked_in = step!(
        "GET /queue/tokens/current (reading its glance: once a second per instance)",
        next_fan.http("queue", "GET", "/queue/tokens/current", next_t, None, None).await
    );
    let _ = next_fan.pass.set(next_checked_in["admissionPass"].as_str().expect("an admitted fan's pass").to_owned());
    let checked_in =
        step!("GET /queue/tokens/current", probe.http("queue", "GET", "/queue/tokens/current", t, None, None).await);
    let _ = probe.pass.set(checked_in["admissionPass"].as_str().expect("an admitted fan's pass").to_owned());
    step!("GET /concerts", probe.http("availability", "GET", "/concerts", None, None, None).await);
    // Browsing answers from its instance's glance at the concert's seats (ADR 0010): the
    // first request in a second reads them, for the dates and the seats of every date.
    step!(
        "GET /concerts/{id}/dates (reading its glance: once a second per instance)",
        next_fan.http("availability", "GET", &format!("/concerts/{c}/dates"), next_t, None, None).await
    );
    step!(
        "GET /concerts/{id}/dates",
        probe.http("availability", "GET", &format!("/concerts/{c}/dates"), t, None, None).await
    );
    step!(
        "GET /concerts/{id}/dates/{date}/seats",
        probe.http("availability", "GET", &format!("/concerts/{c}/dates/{date}/seats"), t, None, None).await
    );
    // The first hold in an instance reads the sale and the date's prices (ADR 0010).
    step!(
        "POST /reservations (reading its glance: once a second per instance)",
        next_fan
            .http(
                "reservation",
                "POST",
                "/reservations",
                next_t,
                None,
                Some(json!({ "concertId": c, "date": date, "seatNumber": 2 }))
            )
            .await
    );
    let held = step!(
        "POST /reservations",
        probe
            .http(
                "reservation",
                "POST",
                "/reservations",
                t,
                None,
                Some(json!({ "concertId": c, "date": date, "seatNumber": 1 }))
            )
            .await
    );
    let reservation = held["reservationId"].as_str().expect("reservation").to_owned();
    step!(
        "GET /reservations/{id}",
        probe.http("reservation", "GET", &format!("/reservations/{reservation}"), t, None, None).await
    );
    step!(
        "POST /users/{id}/balance/charges",
        probe
            .http(
                "balance",
                "POST",
                &format!("/users/{user}/balance/charges"),
                None,
                None,
                Some(json!({ "amount": 100_000 }))
            )
            .await
    );
    step!(
        "POST /users/{id}/balance/charges (Idempotency-Key)",
        probe
            .http(
                "balance",
                "POST",
                &format!("/users/{user}/balance/charges"),
                None,
                Some("c1"),
                Some(json!({ "amount": 200_000 }))
            )
            .await
    );
    step!(
        "GET /users/{id}/balance",
        probe.http("balance", "GET", &format!("/users/{user}/balance"), None, None, None).await
    );
    step!(
        "POST /payments (Idempotency-Key)",
        probe.http("payment", "POST", "/payments", t, Some("p1"), Some(json!({ "reservationId": reservation }))).await
    );
    step!(
        "GET /users/{id}/payments",
        probe.http("payment", "GET", &format!("/users/{user}/payments"), None, None, None).await
    );

    // One booking as a fan makes it: token, one poll, browse, hold, keyed charge, keyed payment.
    let booking_steps = [
        "POST /queue/tokens",
        "GET /queue/tokens/current",
        "GET /concerts/{id}/dates",
        "GET /concerts/{id}/dates/{date}/seats",
        "POST /reservations",
        "POST /users/{id}/balance/charges (Idempotency-Key)",
        "POST /payments (Idempotency-Key)",
    ];
    let mut booking = Use::default();
    for (label, u) in &rows {
        if booking_steps.contains(&label.as_str()) {
            booking.add(u);
        }
    }
    let mut out = String::new();
    let _ = writeln!(out, "| call | DynamoDB requests | read units | write units | USD per million calls |");
    let _ = writeln!(out, "|---|---|---:|---:|---:|");
    let describe = |u: &Use| u.ops.iter().map(|(op, n)| format!("{n}× {op}")).collect::<Vec<_>>().join(", ");
    for (label, u) in rows.iter().chain(std::iter::once(&(
        "**one booking**: token, one poll, dates, seats, hold, keyed charge, keyed payment".to_owned(),
        booking.clone(),
    ))) {
        let _ = writeln!(
            out,
            "| {label} | {} ({}) | {:.1} | {:.1} | {:.2} |",
            u.requests(),
            describe(u),
            u.reads,
            u.writes,
            u.usd_per_million()
        );
    }
    let _ = writeln!(
        out,
        "\nOne booking: **{} DynamoDB requests, {:.1} read units, {:.1} write units = ${:.2} per million bookings** in DynamoDB request charges (on-demand, ${USD_PER_MILLION_READ_UNITS}/M read units, ${USD_PER_MILLION_WRITE_UNITS}/M write units; transactional writes bill 2 units per item; strongly consistent reads 1 unit per 4 KB).",
        booking.requests(),
        booking.reads,
        booking.writes,
        booking.usd_per_million()
    );
    out.push_str(&joins(&s, &concert).await);
    out.push_str(&admission_rate().await);
    // The same rows as data, for the rush's bill (`rush --cost FILE`).
    if let Ok(path) = std::env::var("COST_JSON") {
        let rows: serde_json::Map<String, Value> = rows
            .iter()
            .map(|(label, u)| {
                (label.clone(), json!({ "requests": u.requests(), "readUnits": u.reads, "writeUnits": u.writes }))
            })
            .collect();
        let _ = std::fs::write(path, Value::Object(rows).to_string());
    }
    out
}

/// Joins in a burst: which item takes the most of their writes, and the joins a second
/// that allows at DynamoDB's 1,000 writes a second on one item.
async fn joins(s: &Services, concert: &ConcertId) -> String {
    // Enough joins that a share of the 32 arrival stripes is a measurement, not noise.
    const JOINS: u64 = 2_000;
    meter("POST");
    for _ in 0..JOINS {
        s.queue.issue(UserId::random(), concert).await.expect("join");
    }
    let mut out = String::new();
    if let Some((writes, item, hot)) = hottest_item() {
        let _ = writeln!(
            out,
            "\n### Joins: the hottest item\n\n{JOINS} joins made {writes} item writes; the hottest item, `{item}`, took **{hot}** of them ({:.1} % of the writes, {:.1} % of the joins). At DynamoDB's 1,000 writes a second on one item that allows about **{:.0} joins a second** per concert (goal: 20,000, i.e. no item above 1/20 of the joins). By construction a join adds 1 to one of {} arrival stripes chosen at random (ADR 0009): {} joins a second at 1,000 writes a second on each.",
            100.0 * hot as f64 / writes.max(1) as f64,
            100.0 * hot as f64 / JOINS as f64,
            1_000.0 * JOINS as f64 / hot.max(1) as f64,
            domain::rules::arrivals::STRIPES,
            1_000 * domain::rules::arrivals::STRIPES,
        );
    }
    // The admitter lets them in: one batch, whatever its size (ADR 0008).
    meter("POST");
    let report = s.admitter.tick(concert).await.expect("tick");
    let item_writes = hottest_item().map_or(0, |(writes, _, _)| writes);
    let _ = writeln!(
        out,
        "\n### Admission: writes per batch

One admitter tick let **{} fans** in (every one of the joins above, within the sale's rate of {} a tick) with **{item_writes} item writes** in all (the whole tick: its lease and its release, the levelling and its note, the batch, the minute's totals), none per fan. At the production tick of {} s, a rate of 5,000 a tick is 1,000 fans a second per concert.",
        report.admitted_count(),
        s.settings.queue.admit_per_tick,
        s.settings.queue.tick_every.as_secs(),
    );
    out
}

/// The admission rate one scheduled run reaches against the configured one (issue 19: a
/// run used to stop starting ticks half-way through its minute). A line longer than the run
/// can admit, a cap it never meets; one run of `RUN_SECONDS` at one tick a second, as
/// `fn_admitter::invocation` runs on AWS, ticks included, on this machine's emulator.
async fn admission_rate() -> String {
    const RUN_SECONDS: u64 = 10;
    const PER_TICK: u32 = 50;
    let mut settings = edge::config::Settings::from_env().expect("settings from the environment");
    settings.queue.admit_per_tick = PER_TICK;
    settings.queue.active_cap = 100_000;
    settings.queue.tick_every = std::time::Duration::from_secs(1);
    settings.admitter_run = std::time::Duration::from_secs(RUN_SECONDS);
    let s = Services::connect(settings, std::sync::Arc::new(domain::values::clock::SystemClock)).await;
    let mut spec = demo_spec(s.operator.now()).expect("the demo concert");
    let concert = ConcertId::parse(&format!("rate-{}", &uuid::Uuid::new_v4().simple().to_string()[..8])).expect("id");
    spec.id = concert.clone();
    s.operator.create(&spec).await.expect("seed the rate concert");
    s.admitter.seal(&concert).await.expect("seal its draw");
    let waiting = u64::from(PER_TICK) * RUN_SECONDS * 3 / 2;
    for _ in 0..waiting {
        s.queue.issue(UserId::random(), &concert).await.expect("join");
    }
    // Other live sales (the cost probe's) are ticked too, as on AWS; this one is measured.
    let before = s.operator.numbers(&concert).await.expect("numbers").admitted;
    let started = std::time::Instant::now();
    let run = fn_admitter::invocation(&s).await.expect("one admitter run");
    let took = started.elapsed().as_secs_f64();
    let admitted = s.operator.numbers(&concert).await.expect("numbers").admitted - before;
    let configured = u64::from(PER_TICK) * RUN_SECONDS;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n### Admission rate: one scheduled run\n\nOne run of {RUN_SECONDS} s at {PER_TICK} a tick, a tick a second ({configured} places configured), over a line of {waiting}: **{admitted}** admitted in {} ticks ({took:.1} s), **{:.0} %** of the configured rate (goal: at least 95 %).",
        run["ticks"],
        100.0 * admitted as f64 / configured as f64,
    );
    out
}
