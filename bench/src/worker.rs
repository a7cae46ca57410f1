//! One worker process: its share of the fans, each an async task doing what a fan does.

use std::io::Read;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::{json, Value};

use domain::retry::{client_wait, random_share};

use crate::{now_ms, Sample, WorkerJob, WorkerReport};

struct Fan {
    http: Client<HttpConnector, Full<Bytes>>,
    /// `Authorization` once signed in (the local gateway's /dev/login).
    bearer: std::sync::OnceLock<String>,
    job: Arc<WorkerJob>,
    report: Arc<Mutex<WorkerReport>>,
    sold_out: Arc<AtomicBool>,
}

/// The same request again (hyper consumes a request when it sends it).
fn req_for(template: &http::request::Builder, body: &str) -> http::Request<Full<Bytes>> {
    let mut req = http::Request::builder();
    if let Some(m) = template.method_ref() {
        req = req.method(m.clone());
    }
    if let Some(u) = template.uri_ref() {
        req = req.uri(u.clone());
    }
    if let Some(h) = template.headers_ref() {
        for (k, v) in h {
            req = req.header(k, v);
        }
    }
    req.body(Full::new(Bytes::from(body.to_owned()))).expect("request")
}

/// A random number below `n`, from a v4 UUID's random bits.
fn random_below(n: usize) -> usize {
    (uuid::Uuid::new_v4().as_u128() % (n.max(1) as u128)) as usize
}

impl Fan {
    async fn call(
        &self,
        api: &str,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut req = http::Request::builder().method(method).uri(format!("{}{}", self.job.base, path));
        if let Some(bearer) = self.bearer.get() {
            req = req.header("authorization", bearer.as_str());
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        // A 503 is sent again, same request and key, as the contract tells clients to: after
        // its Retry-After, backing off with jitter (`client_wait`) as a real client does.
        for attempt in 0.. {
            let req = req_for(&req, &body);
            let started = Instant::now();
            let (status, value, retry_after) = match self.http.request(req).await {
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    let retry_after = resp
                        .headers()
                        .get(http::header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.trim().parse::<u64>().ok())
                        .map_or(Duration::from_secs(1), |s| Duration::from_secs(s.clamp(1, 10)));
                    let bytes = resp.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
                    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null), retry_after)
                }
                Err(_) => (599, Value::Null, Duration::from_secs(1)),
            };
            let micros = started.elapsed().as_micros() as u64;
            if let Ok(mut r) = self.report.lock() {
                r.samples.push(Sample { api: api.to_owned(), status, micros });
            }
            let retryable = status == 503 && value["code"] != "CHARGE_OUTCOME_UNKNOWN";
            if !retryable || attempt >= 20 {
                return (status, value);
            }
            tokio::time::sleep(client_wait(retry_after, attempt, random_share())).await;
        }
        (599, Value::Null)
    }

    async fn sign_in(&self, user: &str) -> bool {
        let (status, login) =
            self.call("POST /dev/login", "POST", "/dev/login", &[], Some(json!({ "userId": user }))).await;
        if status != 200 {
            return false;
        }
        let _ = self.bearer.set(format!("Bearer {}", login["token"].as_str().unwrap_or_default()));
        true
    }

    /// A fan of the rush: sign in, join the line, wait to be admitted, then shop.
    async fn run(&self, user: String) {
        let deadline = Instant::now() + Duration::from_secs(self.job.deadline_secs);
        if !self.sign_in(&user).await {
            return;
        }
        let c = self.job.concert.clone();
        let (status, body) =
            self.call("POST /queue/tokens", "POST", "/queue/tokens", &[], Some(json!({ "concertId": c }))).await;
        if status >= 300 {
            return;
        }
        let token = body["token"].as_str().unwrap_or_default().to_owned();
        let auth = [("x-queue-token", token.as_str())];
        let mut status_now = body["status"].as_str().unwrap_or_default().to_owned();
        let mut place = body["place"].as_u64();
        let mut pass = body["admissionPass"].as_str().map(str::to_owned);
        let poll = Duration::from_secs(body["pollAfterSeconds"].as_u64().unwrap_or(2).max(1));
        let line_path = format!("/concerts/{c}/line");
        // Waiting costs the service nothing per fan: the fan polls the line's public status
        // (answered by the edge cache) and asks about its own token only once its place
        // number has been passed.
        while status_now != "ACTIVE" {
            if self.sold_out.load(Ordering::Relaxed) || Instant::now() > deadline {
                return;
            }
            tokio::time::sleep(poll).await;
            if let Some(p) = place {
                let (_, line) = self.call("GET /concerts/{id}/line", "GET", &line_path, &[], None).await;
                if matches!(line["phase"].as_str(), Some("SOLD_OUT" | "CLOSED")) {
                    self.sold_out.store(true, Ordering::Relaxed);
                    return;
                }
                if line["servingThrough"].as_u64().is_none_or(|serving| serving < p) {
                    continue;
                }
            }
            let (_, b) = self.call("GET /queue/tokens/current", "GET", "/queue/tokens/current", &auth, None).await;
            status_now = b["status"].as_str().unwrap_or_default().to_owned();
            place = place.or(b["place"].as_u64());
            pass = b["admissionPass"].as_str().map(str::to_owned);
        }
        if !self.shop(&user, &token, pass.as_deref(), deadline).await {
            // Admitted, nothing bought: the token stays ACTIVE for the churn phase.
            if let Ok(mut r) = self.report.lock() {
                r.idle.push((user, token));
            }
        }
    }

    /// A fan admitted earlier comes back with their token (the churn phase).
    async fn come_back(&self, user: String, token: String) {
        let deadline = Instant::now() + Duration::from_secs(self.job.deadline_secs);
        if self.sign_in(&user).await {
            // Back after a while: a new pass at check-in, as the web app fetches one.
            let auth = [("x-queue-token", token.as_str())];
            let (_, b) = self.call("GET /queue/tokens/current", "GET", "/queue/tokens/current", &auth, None).await;
            self.shop(&user, &token, b["admissionPass"].as_str(), deadline).await;
        }
    }

    /// Change of plan: cancel a paid seat for a refund.
    async fn cancel(&self, user: String, reservation: String) {
        if !self.sign_in(&user).await {
            return;
        }
        let key = format!("refund-{reservation}");
        let (status, body) = self
            .call(
                "POST /reservations/{id}/refund",
                "POST",
                &format!("/reservations/{reservation}/refund"),
                &[("idempotency-key", key.as_str())],
                Some(json!({})),
            )
            .await;
        if status == 200 {
            if let Ok(mut r) = self.report.lock() {
                r.refunds.push(body["refundId"].as_str().unwrap_or_default().to_owned());
            }
        }
    }

    /// Browse, hold a seat, charge and pay; whether a seat was bought.
    async fn shop(&self, user: &str, token: &str, pass: Option<&str>, deadline: Instant) -> bool {
        let (c, d) = (self.job.concert.clone(), self.job.date.clone());
        // With the pass, browsing is checked without a database read.
        let with_pass = [("x-queue-token", token), ("x-admission-pass", pass.unwrap_or_default())];
        let auth = if pass.is_some() { &with_pass[..] } else { &with_pass[..1] };
        let (_, dates) =
            self.call("GET /concerts/{id}/dates", "GET", &format!("/concerts/{c}/dates"), auth, None).await;
        let open = dates["dates"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|x| x["date"] == d.as_str() && x["availableSeats"].as_u64() > Some(0));
        if !open {
            self.sold_out.store(true, Ordering::Relaxed);
            return false;
        }
        let mut held = None;
        while held.is_none() && Instant::now() < deadline {
            let (_, seats) = self
                .call(
                    "GET /concerts/{id}/dates/{date}/seats",
                    "GET",
                    &format!("/concerts/{c}/dates/{d}/seats"),
                    auth,
                    None,
                )
                .await;
            let free: Vec<i64> = seats["seats"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|s| s["status"] == "AVAILABLE")
                .filter_map(|s| s["seatNumber"].as_i64())
                .collect();
            if free.is_empty() {
                self.sold_out.store(true, Ordering::Relaxed);
                return false;
            }
            // Most fans want the best few seats left; some take any.
            let pick = if random_below(10) < 7 {
                free[random_below(free.len().min(3))]
            } else {
                free[random_below(free.len())]
            };
            if let Ok(mut r) = self.report.lock() {
                r.hold_attempts += 1;
                r.first_hold_ms.get_or_insert(now_ms());
            }
            let (status, body) = self
                .call(
                    "POST /reservations",
                    "POST",
                    "/reservations",
                    auth,
                    Some(json!({ "concertId": c, "date": d, "seatNumber": pick })),
                )
                .await;
            if status == 201 {
                if let Ok(mut r) = self.report.lock() {
                    r.holds += 1;
                    r.last_hold_ms = Some(now_ms());
                }
                held = Some((
                    body["reservationId"].as_str().unwrap_or_default().to_owned(),
                    body["price"].as_i64().unwrap_or(0),
                ));
            }
        }
        let Some((reservation, price)) = held else { return false };
        let charge_key = format!("charge-{reservation}");
        let (status, _) = self
            .call(
                "POST /users/{id}/balance/charges",
                "POST",
                &format!("/users/{user}/balance/charges"),
                &[("idempotency-key", charge_key.as_str())],
                Some(json!({ "amount": price })),
            )
            .await;
        if status == 200 {
            if let Ok(mut r) = self.report.lock() {
                r.charges.push((user.to_owned(), price));
            }
        }
        let pay_key = format!("pay-{reservation}");
        let mut pay_headers = auth.to_vec();
        pay_headers.push(("idempotency-key", pay_key.as_str()));
        let (status, body) = self
            .call("POST /payments", "POST", "/payments", &pay_headers, Some(json!({ "reservationId": reservation })))
            .await;
        if status == 201 {
            if let Ok(mut r) = self.report.lock() {
                r.payments.push(body["paymentId"].as_str().unwrap_or_default().to_owned());
                r.bought.push((user.to_owned(), reservation));
            }
        }
        true
    }
}

pub async fn main() {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).expect("job on stdin");
    let job: Arc<WorkerJob> = Arc::new(serde_json::from_str(&input).expect("a WorkerJob"));
    let http = Client::builder(TokioExecutor::new()).pool_max_idle_per_host(1024).build_http();
    let report = Arc::new(Mutex::new(WorkerReport::default()));
    let sold_out = Arc::new(AtomicBool::new(false));
    let fan = || Fan {
        http: http.clone(),
        bearer: std::sync::OnceLock::new(),
        job: job.clone(),
        report: report.clone(),
        sold_out: sold_out.clone(),
    };
    let mut tasks = Vec::new();
    for user in job.users.iter().cloned() {
        let f = fan();
        tasks.push(tokio::spawn(async move { f.run(user).await }));
    }
    for (user, token) in job.returning.iter().cloned() {
        let f = fan();
        tasks.push(tokio::spawn(async move { f.come_back(user, token).await }));
    }
    for (user, reservation) in job.cancelling.iter().cloned() {
        let f = fan();
        tasks.push(tokio::spawn(async move { f.cancel(user, reservation).await }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let report = report.lock().map(|r| r.clone()).unwrap_or_default();
    println!("{}", serde_json::to_string(&report).expect("report"));
}
