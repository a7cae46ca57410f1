//! The scheduled admitter: for every concert whose sale is live, release the slots of
//! ended tokens and admit the next waiting tokens; then relay PaymentCompleted events left
//! in the outbox. Overlapping runs are safe (every write is conditional on what the run
//! read), one concert's failure never stops the others, and a run ends before the next
//! scheduled one starts.

use std::time::Duration;

use domain::Result;
use edge::wiring::Services;
use futures::StreamExt;
use serde_json::{json, Value};

/// The log lines of a concert's step that did not complete. template.yaml's
/// `AdmissionStalledFilter` counts them (JSON logs: `$.fields.message`), and its alarm
/// fires when a concert's admission fails minute after minute, as one refused write
/// would make it (a write the next tick builds the same way again).
pub const STEP_FAILED: &str = "admission step failed; next tick retries";
pub const STEP_TIMED_OUT: &str = "admission step ran out of time; next tick retries";

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
                tracing::warn!(concert = %concert, error = %e, "{STEP_FAILED}");
            }
            Err(_) => {
                summary.failed += 1;
                tracing::warn!(concert = %concert, "{STEP_TIMED_OUT}");
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

/// One scheduled invocation: a tick every `TICK_SECONDS` on a fixed cadence (a slow tick
/// does not push the next ones back) for `ADMITTER_RUN_SECONDS`, the schedule's whole
/// minute: EventBridge fires at most once a minute, and a run that stopped early would leave
/// the rest of the minute without admission (issue 19: about 58 % of the configured rate).
/// The next run may start while this one's last tick ends: one tick holds a concert's
/// lease (ADR 0009), so overlapping runs are safe.
pub async fn invocation(s: &Services) -> Result<Value> {
    let every = s.settings.queue.tick_every;
    let run = s.settings.admitter_run;
    let runs = on_cadence(every, run, || tick(s)).await;
    let ticks = u32::try_from(runs.len()).unwrap_or(u32::MAX);
    let mut total = TickSummary::default();
    for run in runs {
        match run {
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
        "ticks": ticks, "tickEverySeconds": every.as_secs_f64(), "concerts": total.concerts, "admitted": total.admitted,
        "released": total.released, "noShows": total.no_shows, "failed": total.failed, "busy": total.busy, "relayed": total.relayed,
    }))
}

/// Run `tick` at `0, every, 2 × every, ...` from now, every start before `run` has passed:
/// `run / every` ticks when each takes less than `every` (a slow one delays only the next
/// start, never the cadence), fewer when ticks outlast it. What each tick gave, in order.
pub async fn on_cadence<T, F, Fut>(every: Duration, run: Duration, mut tick: F) -> Vec<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let started = tokio::time::Instant::now();
    let every = every.max(Duration::from_millis(1));
    let mut out = Vec::new();
    loop {
        out.push(tick().await);
        let next = every * u32::try_from(out.len()).unwrap_or(u32::MAX);
        if next >= run || started.elapsed() >= run {
            return out;
        }
        tokio::time::sleep_until(started + next).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_run_ticks_on_its_cadence_through_the_whole_minute_however_long_a_tick_takes() {
        let every = Duration::from_secs(5);
        let quick = on_cadence(every, Duration::from_secs(60), || async {}).await.len();
        assert_eq!(quick, 12, "ticks at 0, 5, ... 55 s");
        let started = tokio::time::Instant::now();
        let slow =
            on_cadence(every, Duration::from_secs(60), || tokio::time::sleep(Duration::from_secs(3))).await.len();
        assert_eq!(slow, 12, "a 3 s tick does not push the cadence back");
        assert_eq!(started.elapsed(), Duration::from_secs(58), "the last tick starts at 55 s");
        let slower =
            on_cadence(every, Duration::from_secs(60), || tokio::time::sleep(Duration::from_secs(7))).await.len();
        assert_eq!(slower, 9, "a tick longer than the cadence delays the next start only");
    }

    #[test]
    fn the_stalled_admission_alarm_counts_exactly_the_failed_steps_log_lines() {
        let template = include_str!("../../../template.yaml");
        let start = template.find("  AdmissionStalledFilter:").expect("the metric filter");
        let filter = &template[start..start + template[start..].find("\n\n").unwrap_or(template.len() - start)];
        for line in [STEP_FAILED, STEP_TIMED_OUT] {
            assert!(filter.contains(&format!("$.fields.message = \"{line}\"")), "{line} in {filter}");
        }
        assert!(template.contains("MetricName: AdmissionStepsFailed"), "the alarm watches the filter's metric");
    }
}
