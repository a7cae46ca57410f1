//! Optimistic writes lose to concurrent ones and try again. The pause is jittered so
//! that the losers of one round do not collide again in the next.

use std::time::Duration;

/// How many optimistic rounds a request makes before answering 503 CONTENTION.
pub const MAX_ATTEMPTS: u32 = 40;

pub async fn pause_before_retry(attempt: u32) {
    let cap_ms = 2u64.saturating_pow(attempt.min(6)).min(50);
    let jitter = u64::from(uuid::Uuid::new_v4().as_bytes()[0]) % (cap_ms + 1);
    tokio::time::sleep(Duration::from_millis(jitter)).await;
}
