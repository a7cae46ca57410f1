//! The scheduled admitter: for every concert, release the slots of ended tokens and admit
//! the next waiting tokens; then relay PaymentCompleted events left in the outbox.
//! Overlapping runs are safe: every write is conditional on what the run read.

use serde_json::{json, Value};
use ticketing::wiring::Services;
use ticketing::Result;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TickSummary {
    pub concerts: usize,
    pub admitted: usize,
    pub released: usize,
    pub relayed: usize,
}

/// One pass over every concert.
pub async fn tick(s: &Services) -> Result<TickSummary> {
    let mut summary = TickSummary::default();
    for concert in s.catalog.concerts().await? {
        let report = s.queue.tick(&concert.id).await?;
        summary.concerts += 1;
        summary.admitted += report.admitted.len();
        summary.released += report.released;
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

/// One scheduled invocation: several ticks spaced `TICK_SECONDS` apart, because
/// EventBridge schedules fire at most once a minute.
pub async fn invocation(s: &Services) -> Result<Value> {
    let ticks = s.settings.ticks_per_invocation;
    let mut total = TickSummary::default();
    for i in 0..ticks {
        let t = tick(s).await?;
        total.admitted += t.admitted;
        total.released += t.released;
        total.relayed += t.relayed;
        total.concerts = t.concerts;
        if i + 1 < ticks {
            tokio::time::sleep(s.settings.queue.tick_every).await;
        }
    }
    tracing::info!(admitted = total.admitted, released = total.released, relayed = total.relayed, "admitter run");
    Ok(
        json!({ "ticks": ticks, "concerts": total.concerts, "admitted": total.admitted, "released": total.released, "relayed": total.relayed }),
    )
}
