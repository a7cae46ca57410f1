//! The scheduled admitter: for every concert whose sale is live, release the slots of
//! ended tokens and admit the next waiting tokens; then relay PaymentCompleted events left
//! in the outbox. Overlapping runs are safe (every write is conditional on what the run
//! read), one concert's failure never stops the others, and a run ends before the next
//! scheduled one starts.

use std::time::{Duration, Instant};

use domain::Result;
use edge::wiring::Services;
use futures::StreamExt;
use serde_json::{json, Value};

/// Concerts ticked at once.
const CONCURRENT_CONCERTS: usize = 16;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TickSummary {
    pub concerts: usize,
    pub admitted: u64,
    pub released: usize,
    /// Places of admitted fans who never checked in, given back.
    pub no_shows: u64,
    /// Concerts another admitter was ticking: left to it.
    pub busy: usize,
    /// Concerts whose step failed or ran out of time: they are served at the next tick.
    pub failed: usize,
    pub relayed: usize,
}

/// The most one concert's step may take: a safety net against one concert holding up the
/// others. Every call inside a step is already bounded by the SDK's timeouts, so the step
/// gets a few of them, never less than a tick (a budget below the database's own answer
/// time would starve admission).
pub fn step_budget(s: &Services) -> Duration {
    s.settings.queue.tick_every.max(s.settings.dynamodb_timeout) * 3
}

/// One pass over the live sales. A lost race or a failure of one concert is logged and
/// left to the next tick; only failing to learn which sales are live fails the tick.
pub async fn tick(s: &Services) -> Result<TickSummary> {
    let concerts = s.catalog.live_concerts().await?;
    let mut summary = TickSummary { concerts: concerts.len(), ..TickSummary::default() };
    let budget = step_budget(s);
    let admitter = s.admitter.clone();
    let outcomes: Vec<_> = futures::stream::iter(concerts)
        .map(move |concert| {
            let admitter = admitter.clone();
            async move {
                let outcome = tokio::time::timeout(budget, admitter.tick(&concert)).await;
                (concert, outcome)
            }
        })
        .buffer_unordered(CONCURRENT_CONCERTS)
        .collect()
        .await;
    for (concert, outcome) in outcomes {
        match outcome {
            Ok(Ok(report)) => {
                summary.admitted += report.admitted_count();
                summary.released += report.released;
                summary.no_shows += report.no_shows;
                summary.busy += usize::from(report.busy);
            }
            Ok(Err(e)) => {
                summary.failed += 1;
                tracing::warn!(concert = %concert, error = %e, "admission step failed; next tick retries");
            }
            Err(_) => {
                summary.failed += 1;
                tracing::warn!(concert = %concert, "admission step ran out of time; next tick retries");
            }
        }
    }
    summary.relayed = match s.payments.relay().await {
        Ok(n) => n,
        Err(e) => {
            tracing::warn!(error = %e, "outbox relay failed; next tick retries");
            0
        }
    };
    Ok(summary)
}

/// One scheduled invocation: ticks spaced `TICK_SECONDS` apart for `ADMITTER_RUN_SECONDS`
/// (EventBridge schedules fire at most once a minute). A tick is never started when it
/// could not finish inside the run.
pub async fn invocation(s: &Services) -> Result<Value> {
    let started = Instant::now();
    let every = s.settings.queue.tick_every;
    let run = s.settings.admitter_run;
    let mut total = TickSummary::default();
    let mut ticks = 0u32;
    loop {
        match tick(s).await {
            Ok(t) => {
                total.admitted += t.admitted;
                total.released += t.released;
                total.no_shows += t.no_shows;
                total.failed += t.failed;
                total.busy += t.busy;
                total.relayed += t.relayed;
                total.concerts = t.concerts;
            }
            Err(e) => {
                total.failed += 1;
                tracing::warn!(error = %e, "could not list the live sales; next tick retries");
            }
        }
        ticks += 1;
        // Start a tick only if it ends inside the run, however slow the database.
        if started.elapsed() + every + step_budget(s) > run {
            break;
        }
        tokio::time::sleep(every).await;
    }
    tracing::info!(
        ticks,
        admitted = total.admitted,
        released = total.released,
        no_shows = total.no_shows,
        failed = total.failed,
        busy = total.busy,
        relayed = total.relayed,
        "admitter run"
    );
    Ok(json!({
        "ticks": ticks, "concerts": total.concerts, "admitted": total.admitted,
        "released": total.released, "noShows": total.no_shows, "failed": total.failed, "busy": total.busy, "relayed": total.relayed,
    }))
}
