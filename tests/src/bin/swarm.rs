//! A worker process for the integration tests: reads one `Job` as JSON on stdin, runs it
//! against the emulators with its own SDK clients (like one Lambda instance), and writes
//! the answers as JSON on stdout.

use std::io::Read;

use domain::values::ids::ConcertId;
use futures::StreamExt;
use integration_tests::{Answer, App, Job};

#[tokio::main]
async fn main() {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).expect("stdin");
    let job: Job = serde_json::from_str(&input).expect("a Job as JSON");
    // CLOCK_AT_MS: this "Lambda instance" sees the clock stopped at that instant (a sale's
    // pre-queue, say), so that several processes can act inside one phase on demand.
    let app = match std::env::var("CLOCK_AT_MS").ok().and_then(|ms| ms.parse().ok()) {
        Some(ms) => App::at(domain::values::clock::Timestamp::from_millis(ms)).await,
        None => App::start().await,
    };
    let answers: Vec<Answer> = match job {
        Job::Calls { calls, concurrency } => app.send_all(calls, concurrency).await,
        Job::Ticks { concert, count, concurrency, spread_ms } => {
            let concert = ConcertId::parse(&concert).expect("concert id");
            let s = &app;
            let concert = &concert;
            futures::stream::iter(0..count)
                .map(|_| async move {
                    domain::retry::pause(std::time::Duration::from_millis(spread_ms)).await;
                    match s.admitter.tick(concert).await {
                        // The places this tick let in.
                        Ok(report) => Answer {
                            status: 200,
                            body: report.admitted.map_or_else(Vec::new, |b| (b.from..=b.through).collect()).into(),
                        },
                        Err(e) => Answer { status: 500, body: serde_json::json!(e.to_string()) },
                    }
                })
                .buffer_unordered(concurrency.max(1))
                .collect()
                .await
        }
    };
    println!("{}", serde_json::to_string(&answers).expect("answers as JSON"));
}
