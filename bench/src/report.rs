//! What the rush measured, what the database says afterwards, and the invariants.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write;
use std::time::Duration;

use adapters::dynamo::{DynamoCatalog, DynamoPayments, DynamoRefunds, DynamoWallet, Tables};
use domain::booking::records::Payment;
use domain::booking::records::Refund;
use domain::booking::store::PaymentStore;
use domain::booking::store::RefundStore;
use domain::catalog::concert::SeatState;
use domain::catalog::store::CatalogStore;
use domain::values::ids::{ConcertDate, ConcertId, UserId};
use domain::wallet::store::WalletStore;
use edge::config::Settings;

use crate::{Churn, WorkerReport};

/// The state read back from DynamoDB and SQS after the rush.
pub struct Facts {
    /// (seat number, sold?, reservation id if sold)
    pub seats: Vec<(u8, bool, Option<String>)>,
    pub payments: Vec<Payment>,
    pub refunds: Vec<Refund>,
    pub balances: Vec<(UserId, i64)>,
    /// Users whose statement does not add up to their balance.
    pub statements_off: Vec<UserId>,
    pub delivered: HashSet<String>,
    pub outbox_left: usize,
}

pub async fn gather(
    dynamo: &aws_sdk_dynamodb::Client,
    sqs: &aws_sdk_sqs::Client,
    settings: &Settings,
    concert: &str,
    date: &str,
    reports: &[WorkerReport],
) -> Facts {
    let tables = Tables::new(dynamo.clone(), settings.resources.clone());
    let concert = ConcertId::parse(concert).expect("concert id");
    let date = ConcertDate::parse(date).expect("date");
    let seats = DynamoCatalog::new(tables.clone())
        .date_seats(&concert, date)
        .await
        .expect("seats")
        .into_iter()
        .map(|s| match s.state {
            SeatState::Sold { reservation, .. } => (s.number.get(), true, Some(reservation.to_string())),
            _ => (s.number.get(), false, None),
        })
        .collect();
    let users: HashSet<&String> = reports.iter().flat_map(|r| r.charges.iter().map(|(u, _)| u)).collect();
    let payments_store = DynamoPayments::new(tables.clone());
    let refunds_store = DynamoRefunds::new(tables.clone());
    let wallet = DynamoWallet::new(tables);
    let mut payments = Vec::new();
    let mut refunds = Vec::new();
    let mut balances = Vec::new();
    let mut statements_off = Vec::new();
    for u in users {
        let user = UserId::parse(u).expect("user id");
        payments.extend(payments_store.payments(user).await.expect("payments"));
        refunds.extend(refunds_store.refunds(user).await.expect("refunds"));
        let balance = wallet.wallet(user).await.expect("balance").balance.get();
        balances.push((user, balance));
        let entries = wallet.statement(user, None, 100).await.expect("statement");
        if entries.iter().map(|e| e.amount).sum::<i64>() != balance {
            statements_off.push(user);
        }
    }
    // Events: published by the admitter's relay, within a tick of the payment (ADR 0010).
    let wanted: HashSet<String> =
        payments.iter().map(|p| p.id.to_string()).chain(refunds.iter().map(|r| r.id.to_string())).collect();
    let mut delivered = HashSet::new();
    let url = &settings.resources.payment_events_queue_url;
    for _ in 0..120 {
        if wanted.is_subset(&delivered) {
            break;
        }
        let got = sqs.receive_message().queue_url(url).max_number_of_messages(10).send().await.expect("receive");
        if got.messages().is_empty() {
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        for m in got.messages() {
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(m.body().unwrap_or_default()) {
                if let Some(id) = v["eventId"].as_str() {
                    delivered.insert(id.to_owned());
                }
            }
            if let Some(h) = m.receipt_handle() {
                let _ = sqs.delete_message().queue_url(url).receipt_handle(h).send().await;
            }
        }
    }
    let outbox_left = payments_store.undelivered(10_000).await.expect("outbox").len();
    Facts { seats, payments, refunds, balances, statements_off, delivered, outbox_left }
}

/// Every invariant the rush and the churn must keep; an empty list means all held.
pub fn check(f: &Facts, reports: &[WorkerReport], churn: &Churn) -> Vec<String> {
    let mut v = Vec::new();
    let sold: Vec<_> = f.seats.iter().filter(|s| s.1).collect();
    let refunded: HashSet<String> = f.refunds.iter().map(|r| r.reservation.to_string()).collect();
    let paid_seats: Vec<_> = f.payments.iter().flat_map(|p| p.seats.iter().map(move |s| (p, s))).collect();
    let (living, cancelled): (Vec<_>, Vec<_>) =
        paid_seats.iter().partition(|(_, s)| !refunded.contains(&s.reservation.to_string()));
    if sold.len() != living.len() {
        v.push(format!("seats SOLD ({}) != seats paid and not refunded ({})", sold.len(), living.len()));
    }
    // The churn resells what it freed when at least as many fans came back as seats were freed.
    if f.seats.is_empty() || (churn.returning >= churn.cancelled && sold.len() != f.seats.len()) {
        v.push(format!("the date did not sell out: {} of {} seats sold", sold.len(), f.seats.len()));
    }
    let seat_numbers: HashSet<u8> = living.iter().map(|(_, s)| s.seat.get()).collect();
    if seat_numbers.len() != living.len() {
        v.push("a seat is sold to two living reservations".into());
    }
    for (p, paid) in &living {
        let seat = f.seats.iter().find(|s| s.0 == paid.seat.get());
        if seat.and_then(|s| s.2.as_deref()) != Some(paid.reservation.to_string().as_str()) {
            v.push(format!("payment {} is for a seat not sold to its reservation", p.id));
        }
    }
    for (_, gone) in &cancelled {
        let seat = f.seats.iter().find(|s| s.0 == gone.seat.get());
        if seat.and_then(|s| s.2.as_deref()) == Some(gone.reservation.to_string().as_str()) {
            v.push(format!("refunded reservation {} still owns its seat", gone.reservation));
        }
    }
    let charged: i64 = reports.iter().flat_map(|r| r.charges.iter().map(|(_, a)| a)).sum();
    let paid: i64 = f.payments.iter().map(|p| p.amount.get()).sum();
    let back: i64 = f.refunds.iter().map(|r| r.amount.get()).sum();
    let balances: i64 = f.balances.iter().map(|(_, b)| b).sum();
    if balances != charged - paid + back {
        v.push(format!("sum of balances {balances} != charges {charged} - payments {paid} + refunds {back}"));
    }
    if f.balances.iter().any(|(_, b)| *b < 0) {
        v.push("a balance is negative".into());
    }
    if !f.statements_off.is_empty() {
        v.push(format!("{} wallets' statements do not add up to their balance", f.statements_off.len()));
    }
    let answered: HashSet<String> = reports.iter().flat_map(|r| r.payments.iter().cloned()).collect();
    let recorded: HashSet<String> = f.payments.iter().map(|p| p.id.to_string()).collect();
    if answered != recorded {
        v.push(format!("payments answered 201 ({}) != payments recorded ({})", answered.len(), recorded.len()));
    }
    let answered: HashSet<String> = reports.iter().flat_map(|r| r.refunds.iter().cloned()).collect();
    let recorded_refunds: HashSet<String> = f.refunds.iter().map(|r| r.id.to_string()).collect();
    if answered != recorded_refunds || answered.len() != churn.cancelled {
        v.push(format!(
            "refunds asked {}, answered 200 {}, recorded {}",
            churn.cancelled,
            answered.len(),
            recorded_refunds.len()
        ));
    }
    let missing = recorded.union(&recorded_refunds).filter(|id| !f.delivered.contains(*id)).count();
    if missing > 0 || f.outbox_left > 0 {
        v.push(format!("{missing} events not delivered, {} left in the outbox", f.outbox_left));
    }
    v
}

pub struct Run<'a> {
    pub users: usize,
    pub workers: usize,
    pub rush_secs: f64,
    pub started_ms: i64,
    pub baseline_rate: f64,
    pub baseline_concurrency: usize,
    /// DynamoDB requests the service made during the rush, where the local meter tells.
    pub dynamo_requests: Option<u64>,
    /// The item that took the most writes during the rush: (all writes, item, its writes).
    pub hottest: Option<(u64, String, u64)>,
    /// The edge cache's hits and misses during the rush (`GET /dev/edge`).
    pub edge: Option<serde_json::Value>,
    /// The rush's reports alone, and the churn phase.
    pub rush: &'a [WorkerReport],
    pub churn: &'a Churn,
    /// Both phases' reports.
    pub reports: &'a [WorkerReport],
    pub facts: &'a Facts,
    pub violations: &'a [String],
    /// What the local DynamoDB's fault injector did during the rush, if it was on.
    pub faults: Option<serde_json::Value>,
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)] as f64 / 1000.0
}

pub fn render(r: &Run) -> String {
    let mut per_api: BTreeMap<&str, Vec<(u16, u64)>> = BTreeMap::new();
    for s in r.reports.iter().flat_map(|w| &w.samples) {
        per_api.entry(s.api.as_str()).or_default().push((s.status, s.micros));
    }
    let mut out = String::new();
    let total: usize = per_api.values().map(Vec::len).sum();
    let _ = writeln!(out, "### Rush: {} fans, {} worker processes\n", r.users, r.workers);
    let _ = writeln!(out, "| API | requests | 2xx | 4xx | 5xx | p50 ms | p95 ms | p99 ms |");
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|");
    for (api, samples) in &per_api {
        let mut lat: Vec<u64> = samples.iter().map(|s| s.1).collect();
        lat.sort_unstable();
        let class = |lo: u16, hi: u16| samples.iter().filter(|s| s.0 >= lo && s.0 < hi).count();
        let _ = writeln!(
            out,
            "| {api} | {} | {} | {} | {} | {:.1} | {:.1} | {:.1} |",
            samples.len(),
            class(200, 300),
            class(400, 500),
            class(500, 600),
            percentile(&lat, 0.50),
            percentile(&lat, 0.95),
            percentile(&lat, 0.99)
        );
    }
    if let Some(f) = &r.faults {
        let fives = per_api.values().flatten().filter(|s| s.0 >= 500).count();
        let _ = writeln!(
            out,
            "\nUnder injected DynamoDB faults ({}): injected {}; the fans saw {fives} 5xx answers \
             (every one retried with the same request and key; the invariants below are checked after).\n",
            f["config"], f["injected"]
        );
    }
    let rush_paid: HashSet<&String> = r.rush.iter().flat_map(|w| &w.payments).collect();
    let last_paid =
        r.facts.payments.iter().filter(|p| rush_paid.contains(&p.id.to_string())).map(|p| p.paid_at.millis()).max();
    let attempts: u64 = r.rush.iter().map(|w| w.hold_attempts).sum();
    let holds: u64 = r.rush.iter().map(|w| w.holds).sum();
    let first = r.rush.iter().filter_map(|w| w.first_hold_ms).min();
    let last = r.rush.iter().filter_map(|w| w.last_hold_ms).max();
    let hold_window = match (first, last) {
        (Some(a), Some(b)) if b > a => (b - a) as f64 / 1000.0,
        _ => 0.0,
    };
    let attempt_rate = if hold_window > 0.0 { attempts as f64 / hold_window } else { 0.0 };
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "- requests: {total} in {:.1} s = **{:.0} requests/s** overall",
        r.rush_secs,
        total as f64 / r.rush_secs
    );
    match last_paid {
        Some(t) => {
            let _ = writeln!(
                out,
                "- time to sell out (start to last payment): **{:.1} s**",
                (t - r.started_ms) as f64 / 1000.0
            );
        }
        None => {
            let _ = writeln!(out, "- nothing was sold");
        }
    }
    let _ = writeln!(
        out,
        "- holds: {attempts} attempts, {holds} won, over {hold_window:.1} s = {attempt_rate:.0} hold attempts/s"
    );
    let _ = writeln!(
        out,
        "- baseline: raw conditional PutItem on the same endpoint, {} concurrent: **{:.0} writes/s**; hold attempts/s ÷ baseline = **{:.2}**",
        r.baseline_concurrency,
        r.baseline_rate,
        if r.baseline_rate > 0.0 { attempt_rate / r.baseline_rate } else { 0.0 }
    );
    if let Some(n) = r.dynamo_requests {
        let _ = writeln!(
            out,
            "- DynamoDB behind the service during the rush: {n} requests = **{:.0} requests/s**, against the baseline's {:.0} simple writes/s: {}",
            n as f64 / r.rush_secs,
            r.baseline_rate,
            if n as f64 / r.rush_secs > 0.5 * r.baseline_rate { "the emulator is the bottleneck" } else { "the emulator has headroom" }
        );
    }
    let polls = r.rush.iter().flat_map(|w| &w.samples).filter(|s| s.api == "GET /concerts/{id}/line").count();
    if let Some(edge) = &r.edge {
        let misses = edge["misses"].as_u64().unwrap_or(0);
        let _ = writeln!(
            out,
            "- waiting: {polls} polls of the line's public status; {misses} reached the service (edge-cache misses) = **{:.1} origin requests/s** for the whole line, **{:.3} origin requests per waiting poll** (each origin request costs the DynamoDB requests in *Cost per booking*); a waiting fan's token was read only once their place was passed",
            misses as f64 / r.rush_secs,
            misses as f64 / polls.max(1) as f64
        );
    }
    if let Some((writes, item, hot)) = &r.hottest {
        let _ = writeln!(
            out,
            "- hottest item during the rush: `{item}` took {hot} of {writes} item writes ({:.0} %)",
            100.0 * *hot as f64 / (*writes).max(1) as f64
        );
    }
    let resold: usize = r.churn.reports.iter().map(|w| w.payments.len()).sum();
    let back: i64 = r.facts.refunds.iter().map(|x| x.amount.get()).sum();
    let fees: i64 = r.facts.refunds.iter().map(|x| x.fee.get()).sum();
    let _ = writeln!(
        out,
        "- churn: {} of the buyers cancelled ({back} KRW refunded, {fees} KRW in fees); {} fans admitted earlier came back and bought **{resold}** seats again, in {:.1} s",
        r.churn.cancelled,
        r.churn.returning,
        r.churn.secs
    );
    let _ = writeln!(out, "\n**Invariants** (read back from DynamoDB and SQS):\n");
    let names = [
        "seats SOLD == seats paid and not refunded, and the date sold out again after the churn",
        "no seat sold to two living reservations; every living payment's seat is sold to its reservation; no refunded reservation owns a seat",
        "money in == balances + payments - refunds (sum of balances == charges - payments + refunds); no negative balance; every wallet's statement adds up to its balance",
        "every payment answered 201 and every refund answered 200 is recorded, and only those",
        "every PaymentCompleted and ReservationCancelled event delivered; outbox empty",
    ];
    if r.violations.is_empty() {
        for n in names {
            let _ = writeln!(out, "- ✅ {n}");
        }
    } else {
        for v in r.violations {
            let _ = writeln!(out, "- ❌ {v}");
        }
    }
    out
}
