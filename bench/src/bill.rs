//! The bill of an on-sale per 1,000,000 visitors, from what the rush measured (calls per
//! fan, edge-cache hits) and what one call of each API costs in DynamoDB (`rush cost`),
//! at AWS's published on-demand prices. Two designs side by side: waiting fans polling
//! their token at the origin (before issue 11), and polling the line's public status
//! through CloudFront (now).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::Value;

use crate::WorkerReport;

// us-east-1 on-demand prices, USD.
const API_GATEWAY_PER_MILLION: f64 = 1.00; // HTTP API requests
const LAMBDA_PER_MILLION: f64 = 0.20;
const LAMBDA_PER_GB_SECOND_ARM: f64 = 0.000_013_333_4;
const LAMBDA_MEMORY_GB: f64 = 0.25; // MemorySize 256 in template.yaml
const CLOUDFRONT_PER_MILLION: f64 = 1.00; // HTTPS requests ($0.0100 per 10,000)
const DYNAMODB_READ_PER_MILLION: f64 = 0.125;
const DYNAMODB_WRITE_PER_MILLION: f64 = 0.625;
const SQS_PER_MILLION: f64 = 0.40;
/// Assumed duration of one invocation: a millisecond of work plus 5 ms per sequential
/// DynamoDB round trip (the local emulator's latencies say nothing about AWS's).
const MS_PER_ROUND_TRIP: f64 = 5.0;

/// DynamoDB use of one call of an API, by the rush's label (the cost tool's labels start
/// with it: "POST /payments (Idempotency-Key)" prices "POST /payments").
#[derive(Clone, Copy, Default)]
struct Unit {
    requests: f64,
    reads: f64,
    writes: f64,
}

fn unit(cost: &Value, api: &str) -> Option<Unit> {
    let rows = cost.as_object()?;
    let exact = rows.get(api);
    let keyed = rows.iter().find(|(label, _)| label.starts_with(api) && label.contains("Idempotency-Key"));
    let any = rows.iter().find(|(label, _)| label.starts_with(api));
    let v = exact.or(keyed.map(|(_, v)| v)).or(any.map(|(_, v)| v))?;
    Some(Unit {
        requests: v["requests"].as_f64().unwrap_or(0.0),
        reads: v["readUnits"].as_f64().unwrap_or(0.0),
        writes: v["writeUnits"].as_f64().unwrap_or(0.0),
    })
}

#[derive(Default)]
struct Bill {
    cloudfront: f64,
    api_gateway: f64,
    lambda: f64,
    dynamodb: f64,
    sqs: f64,
}

impl Bill {
    /// `calls` origin calls of an API costing `u` each.
    fn origin(&mut self, calls: f64, u: Unit) {
        self.api_gateway += calls * API_GATEWAY_PER_MILLION / 1e6;
        let seconds = (1.0 + u.requests * MS_PER_ROUND_TRIP) / 1000.0;
        self.lambda += calls * (LAMBDA_PER_MILLION / 1e6 + seconds * LAMBDA_MEMORY_GB * LAMBDA_PER_GB_SECOND_ARM);
        self.dynamodb += calls * (u.reads * DYNAMODB_READ_PER_MILLION + u.writes * DYNAMODB_WRITE_PER_MILLION) / 1e6;
    }

    fn total(&self) -> f64 {
        self.cloudfront + self.api_gateway + self.lambda + self.dynamodb + self.sqs
    }
}

/// The bill section, or a line saying why there is none.
pub fn render(reports: &[WorkerReport], users: usize, edge_misses: Option<u64>, cost: Option<&Value>) -> String {
    let Some(cost) = cost else { return "(no cost table given: run `rush cost` with COST_JSON)\n".into() };
    let mut calls: BTreeMap<&str, f64> = BTreeMap::new();
    for s in reports.iter().flat_map(|w| &w.samples) {
        // Every attempt is a request; the local-only sign-in is Cognito's on AWS.
        if s.api != "POST /dev/login" {
            *calls.entry(s.api.as_str()).or_default() += 1.0;
        }
    }
    let scale = 1e6 / users.max(1) as f64;
    let line_polls = calls.get("GET /concerts/{id}/line").copied().unwrap_or(0.0);
    let misses = edge_misses.map_or(line_polls, |m| m as f64);
    // A waiting fan's poll of their token (not the check-in, which every fan makes once).
    let token_poll = unit(cost, "GET /queue/tokens/current (waiting)")
        .or_else(|| unit(cost, "GET /queue/tokens/current"))
        .unwrap_or_default();
    let (mut before, mut now) = (Bill::default(), Bill::default());
    for (api, n) in &calls {
        let n = n * scale;
        let u = unit(cost, api).unwrap_or_default();
        before.cloudfront += n * CLOUDFRONT_PER_MILLION / 1e6;
        now.cloudfront += n * CLOUDFRONT_PER_MILLION / 1e6;
        if *api == "GET /concerts/{id}/line" {
            // Before: each waiting poll was a token poll at the origin.
            before.origin(n, token_poll);
            now.origin(misses * scale, u);
        } else {
            before.origin(n, u);
            now.origin(n, u);
        }
    }
    // SQS: a release message per hold, an event per payment and per refund; each sent,
    // received and deleted.
    let holds: f64 = reports.iter().map(|w| w.holds as f64).sum();
    let events: f64 = reports.iter().map(|w| (w.payments.len() + w.refunds.len()) as f64).sum();
    let sqs = (holds + events) * 3.0 * scale * SQS_PER_MILLION / 1e6;
    before.sqs = sqs;
    now.sqs = sqs;

    let mut out = String::new();
    let _ = writeln!(
        out,
        "Per 1,000,000 visitors of one on-sale, from this run's calls per fan ({users} fans, {:.0} waiting polls each on average), at on-demand prices (us-east-1). Before: waiting fans poll their token at the origin. Now: they poll the line's public status through CloudFront, and only the edge-cache misses reach the origin.\n",
        line_polls / users.max(1) as f64
    );
    let _ = writeln!(out, "| USD per 1,000,000 visitors | before (token polls) | now (cached line status) |");
    let _ = writeln!(out, "|---|---:|---:|");
    for (name, b, n) in [
        ("CloudFront requests", before.cloudfront, now.cloudfront),
        ("API Gateway (HTTP API) requests", before.api_gateway, now.api_gateway),
        ("Lambda (requests + GB-seconds, arm64, 256 MB)", before.lambda, now.lambda),
        ("DynamoDB (on-demand request units)", before.dynamodb, now.dynamodb),
        ("SQS (hold releases, payment and refund events)", before.sqs, now.sqs),
    ] {
        let _ = writeln!(out, "| {name} | {b:.2} | {n:.2} |");
    }
    let _ = writeln!(out, "| **total** | **{:.2}** | **{:.2}** |", before.total(), now.total());
    let _ = writeln!(
        out,
        "\nAssumptions: every client request goes through CloudFront (the API is behind the web app's distribution); an invocation lasts 1 ms plus {MS_PER_ROUND_TRIP} ms per DynamoDB round trip of its API (from *Cost per booking*); sign-in (Cognito), data transfer and logs are left out. The local edge cache collapses simultaneous misses of a cached path, as CloudFront does, but it is one cache where CloudFront has one per edge location: with fans spread over n locations, multiply the origin's share of the line polls by n."
    );
    out
}
