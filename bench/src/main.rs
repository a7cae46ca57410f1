//! The on-sale rush. Fans take tokens, wait to be admitted, browse, fight over a few hot
//! seats, charge and pay, from several OS processes at once, against a running service.
//! Then the churn: a share of the buyers cancel for a refund, and fans who were admitted
//! but found nothing come back and buy the seats again. Then: a baseline of raw conditional writes on the same DynamoDB endpoint, per-API
//! latency, and the invariants read back from the database. Any violation exits 1.
//!
//! usage: rush cost   (one booking, metered, as a Markdown table)
//!        rush [--base URL] [--users N] [--workers W] [--concert ID] [--date D]
//!             [--churn SHARE] [--baseline-seconds S] [--report FILE] [--cost COST_JSON]
//! (DynamoDB/SQS settings come from the same environment the functions use.)

mod bill;
mod cost;
mod report;
mod worker;

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_sdk_dynamodb::types::AttributeValue;
use edge::config::Settings;
use serde::{Deserialize, Serialize};

/// What one worker process is asked to do.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WorkerJob {
    pub base: String,
    pub concert: String,
    pub date: String,
    /// New fans: join the line, wait, shop.
    pub users: Vec<String>,
    /// Fans admitted earlier who bought nothing, with their token: shop again.
    #[serde(default)]
    pub returning: Vec<(String, String)>,
    /// Buyers who cancel a paid reservation: (user, reservation).
    #[serde(default)]
    pub cancelling: Vec<(String, String)>,
    pub deadline_secs: u64,
}

/// One HTTP call as measured by a worker.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Sample {
    pub api: String,
    pub status: u16,
    pub micros: u64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct WorkerReport {
    pub samples: Vec<Sample>,
    /// (user, amount) of every successful charge.
    pub charges: Vec<(String, i64)>,
    /// Payment ids answered 201.
    pub payments: Vec<String>,
    /// (user, reservation) of every payment answered 201.
    pub bought: Vec<(String, String)>,
    /// Fans admitted who bought nothing: (user, token).
    pub idle: Vec<(String, String)>,
    /// Refund ids answered 200.
    pub refunds: Vec<String>,
    pub hold_attempts: u64,
    pub holds: u64,
    /// Epoch ms of the first hold attempt and the last successful hold.
    pub first_hold_ms: Option<i64>,
    pub last_hold_ms: Option<i64>,
}

struct Args {
    base: String,
    users: usize,
    workers: usize,
    concert: String,
    date: String,
    baseline_secs: u64,
    report: Option<String>,
    /// The share of buyers who cancel in the churn phase.
    churn: f64,
    /// `rush cost`'s rows as JSON (COST_JSON), to price the run.
    cost: Option<String>,
}

fn parse_args() -> Args {
    let mut a = Args {
        base: "http://127.0.0.1:3000".into(),
        users: 1000,
        workers: 4,
        concert: "aurora-live-2026".into(),
        // The demo concert's first date (make run seeds it a month ahead).
        date: domain::catalog::spec::demo_spec(domain::values::clock::Clock::now(&domain::values::clock::SystemClock))
            .ok()
            .and_then(|s| s.dates.first().map(|(d, _)| d.to_string()))
            .unwrap_or_default(),
        baseline_secs: 5,
        report: None,
        churn: 0.3,
        cost: None,
    };
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let mut it = argv.iter();
    while let Some(flag) = it.next() {
        let value = it.next().cloned().unwrap_or_default();
        match flag.as_str() {
            "--base" => a.base = value,
            "--users" => a.users = value.parse().expect("--users N"),
            "--workers" => a.workers = value.parse().expect("--workers W"),
            "--concert" => a.concert = value,
            "--date" => a.date = value,
            "--baseline-seconds" => a.baseline_secs = value.parse().expect("--baseline-seconds S"),
            "--report" => a.report = Some(value),
            "--cost" => a.cost = Some(value),
            "--churn" => a.churn = value.parse().ok().filter(|c| (0.0..=1.0).contains(c)).expect("--churn 0 to 1"),
            other => panic!("unknown flag {other}"),
        }
    }
    a
}

/// What the local gateway's edge cache (CloudFront's stand-in) answered: hits and misses.
fn edge_counts(base: &str) -> Option<serde_json::Value> {
    let out = Command::new("curl").args(["-sf", &format!("{base}/dev/edge")]).output().ok()?;
    serde_json::from_slice(&out.stdout).ok()
}

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// The rush: `args.users` new fans, spread over `args.workers` processes.
fn run_workers(args: &Args) -> Vec<WorkerReport> {
    let users: Vec<String> = (0..args.users).map(|_| uuid::Uuid::new_v4().to_string()).collect();
    let per = users.len().div_ceil(args.workers.max(1)).max(1);
    run_jobs(users.chunks(per).map(|chunk| job(args, chunk.to_vec(), vec![], vec![])).collect())
}

/// The churn: `args.churn` of the buyers cancel; then fans admitted earlier who bought
/// nothing come back (four for each freed seat, where there are that many) and buy again.
fn run_churn(args: &Args, rush: &[WorkerReport]) -> Churn {
    let bought: Vec<(String, String)> = rush.iter().flat_map(|r| r.bought.iter().cloned()).collect();
    let cancelling: Vec<(String, String)> =
        bought.iter().take((bought.len() as f64 * args.churn).round() as usize).cloned().collect();
    let returning: Vec<(String, String)> =
        rush.iter().flat_map(|r| r.idle.iter().cloned()).take(cancelling.len() * 4).collect();
    let started = Instant::now();
    let per = |n: usize| n.div_ceil(args.workers.max(1)).max(1);
    let mut reports =
        run_jobs(cancelling.chunks(per(cancelling.len())).map(|c| job(args, vec![], vec![], c.to_vec())).collect());
    reports.extend(run_jobs(
        returning.chunks(per(returning.len())).map(|r| job(args, vec![], r.to_vec(), vec![])).collect(),
    ));
    Churn { cancelled: cancelling.len(), returning: returning.len(), secs: started.elapsed().as_secs_f64(), reports }
}

/// What the churn phase asked for and what its fans did.
pub struct Churn {
    pub cancelled: usize,
    pub returning: usize,
    pub secs: f64,
    pub reports: Vec<WorkerReport>,
}

fn job(
    args: &Args,
    users: Vec<String>,
    returning: Vec<(String, String)>,
    cancelling: Vec<(String, String)>,
) -> WorkerJob {
    WorkerJob {
        base: args.base.clone(),
        concert: args.concert.clone(),
        date: args.date.clone(),
        users,
        returning,
        cancelling,
        deadline_secs: 300,
    }
}

/// One worker process per job, all at once; their reports.
fn run_jobs(jobs: Vec<WorkerJob>) -> Vec<WorkerReport> {
    let exe = std::env::current_exe().expect("own path");
    let children: Vec<_> = jobs
        .iter()
        .map(|job| {
            let mut child = Command::new(&exe)
                .arg("worker")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .expect("spawn worker");
            child.stdin.take().expect("stdin").write_all(&serde_json::to_vec(job).expect("job")).expect("send job");
            child
        })
        .collect();
    children
        .into_iter()
        .map(|c| {
            let out = c.wait_with_output().expect("worker");
            assert!(out.status.success(), "a worker failed");
            serde_json::from_slice(&out.stdout).expect("worker report")
        })
        .collect()
}

/// Raw single-item conditional PutItem calls per second at the given concurrency: the
/// ceiling no hold (a conditional write plus a reservation) can beat on this endpoint.
async fn baseline(client: &aws_sdk_dynamodb::Client, table: &str, concurrency: usize, secs: u64) -> f64 {
    let done = Arc::new(AtomicU64::new(0));
    let stop = Instant::now() + Duration::from_secs(secs);
    let run = uuid::Uuid::new_v4().simple().to_string();
    let tasks: Vec<_> = (0..concurrency)
        .map(|w| {
            let (client, table, done, run) = (client.clone(), table.to_owned(), done.clone(), run.clone());
            tokio::spawn(async move {
                let mut i = 0u64;
                while Instant::now() < stop {
                    let r = client
                        .put_item()
                        .table_name(&table)
                        .item("pk", AttributeValue::S(format!("BASELINE#{run}#{w}#{i}")))
                        .condition_expression("attribute_not_exists(pk)")
                        .send()
                        .await;
                    if r.is_ok() {
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                    i += 1;
                }
            })
        })
        .collect();
    let started = Instant::now();
    for t in tasks {
        let _ = t.await;
    }
    done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64()
}

#[tokio::main]
async fn main() {
    match std::env::args().nth(1).as_deref() {
        Some("worker") => return worker::main().await,
        Some("cost") => {
            println!("{}", cost::run().await);
            return;
        }
        _ => {}
    }
    let args = parse_args();
    let settings = Settings::from_env().expect("the functions' environment (source .local/…/env)");
    let aws = aws_config::load_from_env().await;
    let dynamo = aws_sdk_dynamodb::Client::new(&aws);
    let sqs = aws_sdk_sqs::Client::new(&aws);

    eprintln!("rush: {} users in {} processes against {}", args.users, args.workers, args.base);
    cost::try_meter("POST");
    let started_ms = now_ms();
    let started = Instant::now();
    let cost: Option<serde_json::Value> =
        args.cost.as_ref().and_then(|p| std::fs::read_to_string(p).ok()).and_then(|t| serde_json::from_str(&t).ok());
    let a = Args {
        base: args.base.clone(),
        concert: args.concert.clone(),
        date: args.date.clone(),
        report: None,
        cost: None,
        ..args
    };
    let (rush, churn) = tokio::task::spawn_blocking(move || {
        let rush = run_workers(&a);
        let rush_secs = started.elapsed().as_secs_f64();
        let dynamo_requests = cost::try_meter("GET").map(|u| u.requests());
        let hottest = cost::hottest_item();
        let edge = edge_counts(&a.base);
        eprintln!("churn: {:.0}% of the buyers cancel, fans who bought nothing come back", a.churn * 100.0);
        let churn = run_churn(&a, &rush);
        ((rush, rush_secs, dynamo_requests, hottest, edge), churn)
    })
    .await
    .expect("workers");
    let (rush, rush_secs, dynamo_requests, hottest, edge) = rush;
    let reports: Vec<WorkerReport> = rush.iter().chain(&churn.reports).cloned().collect();

    let concurrency = args.users.min(256);
    eprintln!("baseline: conditional PutItem at concurrency {concurrency} for {} s", args.baseline_secs);
    let baseline_rate = baseline(&dynamo, &settings.resources.queue_table, concurrency, args.baseline_secs).await;

    let facts = report::gather(&dynamo, &sqs, &settings, &args.concert, &args.date, &reports).await;
    let violations = report::check(&facts, &reports, &churn);
    let text = report::render(&report::Run {
        users: args.users,
        workers: args.workers,
        rush_secs,
        started_ms,
        baseline_rate,
        baseline_concurrency: concurrency,
        dynamo_requests,
        hottest,
        edge: edge.clone(),
        rush: &rush,
        churn: &churn,
        reports: &reports,
        facts: &facts,
        violations: &violations,
        faults: cost::fault_counts(),
    });
    let misses = edge.as_ref().and_then(|e| e["misses"].as_u64());
    let text =
        format!("{text}\n### The bill, side by side\n\n{}", bill::render(&rush, args.users, misses, cost.as_ref()));

    println!("{text}");
    if let Some(path) = &args.report {
        std::fs::write(path, &text).expect("write report");
    }
    if !violations.is_empty() {
        eprintln!("INVARIANT VIOLATIONS: {violations:?}");
        std::process::exit(1);
    }
}
