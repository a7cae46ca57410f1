//! Which failures a request retries itself, and how long it waits first. The decision is
//! made from the domain's error kinds alone, so every store and every fake answers to the
//! same policy (docs/failure-modes.md lists what each path survives):
//! - `Contention`: a concurrent writer won; nothing of ours was applied. Read again and
//!   retry at once, with a short jittered pause so that the losers do not collide again.
//! - `Throttled`: DynamoDB refused for load (the SDK has already retried); nothing was
//!   applied. A few more tries with exponential backoff and full jitter, then 503.
//! - Anything else, `Unavailable` included, goes back to the client: the SDK has spent the
//!   request's time budget, and only a keyed or conditional retry can tell what happened.

use std::future::Future;
use std::time::Duration;

use crate::error::{Error, Result};

/// Rounds a request makes against contention before answering 503 CONTENTION.
pub const MAX_ATTEMPTS: u32 = 40;
/// Extra rounds after throttling (on top of the SDK's own), before answering 503 THROTTLED.
pub const THROTTLED_ATTEMPTS: u32 = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Wait at most this long (the actual pause is jittered below it), then try again.
    RetryWithin(Duration),
    GiveUp,
}

/// What to do after round `attempt` (0-based) failed with `error`.
pub fn decide(error: &Error, attempt: u32) -> Decision {
    match error {
        Error::Contention if attempt + 1 < MAX_ATTEMPTS => {
            Decision::RetryWithin(Duration::from_millis(2u64.saturating_pow(attempt.min(6)).min(50)))
        }
        Error::Throttled if attempt + 1 < THROTTLED_ATTEMPTS => {
            Decision::RetryWithin(Duration::from_millis((50u64 << attempt.min(4)).min(400)))
        }
        _ => Decision::GiveUp,
    }
}

/// Sleep a uniformly random share of `cap` ("full jitter").
pub async fn pause(cap: Duration) {
    tokio::time::sleep(cap.mul_f64(random_share())).await;
}

/// The pause of a round that lost a race; for loops that retry on an outcome, not an error.
pub async fn pause_before_retry(attempt: u32) {
    if let Decision::RetryWithin(cap) = decide(&Error::Contention, attempt) {
        pause(cap).await;
    }
}

/// Rounds of `repeating`.
pub const REPEATS: u32 = 3;

/// Run a step that is harmless to repeat whatever became of the first try (a lease that
/// names its holder, its release) until it succeeds, `REPEATS` rounds at most: unlike
/// `retrying`, an unknown outcome is sent again too, because sending it again settles it.
pub async fn repeating<T, F, Fut>(mut step: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let mut attempt = 0;
    loop {
        match retrying(&mut step).await {
            Ok(v) => return Ok(v),
            Err(e) if attempt + 1 >= REPEATS => return Err(e),
            Err(_) => pause(Duration::from_millis(50 << attempt)).await,
        }
        attempt += 1;
    }
}

/// The longest a client waits before sending a refused request again.
pub const CLIENT_WAIT_CAP: Duration = Duration::from_secs(8);

/// How long a client waits before sending a request the service answered 503 again, at its
/// `attempt`-th retry (0-based): the answer's `Retry-After`, doubled at each further retry up
/// to `CLIENT_WAIT_CAP`, plus up to as much again at random (`random_share` in [0, 1)). Never
/// sooner than the service asked, and a crowd refused together does not come back together:
/// retrying at a fixed pause turns an overload into a collapse (docs/benchmarks.md).
pub fn client_wait(retry_after: Duration, attempt: u32, random_share: f64) -> Duration {
    let floor = retry_after.saturating_mul(1u32 << attempt.min(8)).min(CLIENT_WAIT_CAP.max(retry_after));
    let share = if random_share.is_finite() { random_share.clamp(0.0, 1.0) } else { 0.0 };
    floor + floor.mul_f64(share)
}

/// A share in [0, 1) from a v4 UUID's random bits, for jitter.
pub fn random_share() -> f64 {
    // The low 53 bits of a v4 UUID are all random (its version and variant bits lie above).
    let r = uuid::Uuid::new_v4().as_u128() as u64 & ((1u64 << 53) - 1);
    r as f64 / (1u64 << 53) as f64
}

/// Run one idempotent step (a read, or a write whose repetition is harmless) until it
/// succeeds or `decide` gives up.
pub async fn retrying<T, F, Fut>(mut step: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let mut attempt = 0;
    loop {
        match step().await {
            Ok(v) => return Ok(v),
            Err(e) => match decide(&e, attempt) {
                Decision::RetryWithin(cap) => pause(cap).await,
                Decision::GiveUp => return Err(e),
            },
        }
        attempt += 1;
    }
}

/// What one round of an optimistic write came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Round<T> {
    /// Decided: the answer (the write applied, or there was nothing to write).
    Done(T),
    /// The write's condition failed: someone changed what this round read. Read again.
    Lost,
    /// The write failed; `decide` says whether reading again may help.
    Failed(Error),
}

impl<T> Round<T> {
    /// A write's outcome as a round: applied is `Done(value)`, a failed condition `Lost`.
    pub fn from_write(written: Result<bool>, value: impl FnOnce() -> T) -> Self {
        match written {
            Ok(true) => Round::Done(value()),
            Ok(false) => Round::Lost,
            Err(e) => Round::Failed(e),
        }
    }
}

/// The one optimistic loop: each round reads, plans purely, and writes conditionally on
/// what it read. A lost condition is read again after a short jittered pause; a failed
/// write as `decide` says (contention and throttling again, anything else goes back to the
/// caller); after `MAX_ATTEMPTS` rounds, CONTENTION. An error a round returns (a read that
/// failed after its own retries, or a plan that refuses) ends the loop at once. The round
/// is given its number (from 0). (A closure returning an `async move` block rather than an
/// async closure: the futures of async closures cannot yet be proven `Send` for a spawned
/// task, so a round captures references, and state it changes lives in a `Mutex`.)
pub async fn optimistic<T, F, Fut>(mut round: F) -> Result<T>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<Round<T>>>,
{
    for attempt in 0..MAX_ATTEMPTS {
        match round(attempt).await? {
            Round::Done(v) => return Ok(v),
            Round::Lost => pause_before_retry(attempt).await,
            Round::Failed(e) => match decide(&e, attempt) {
                Decision::RetryWithin(cap) => pause(cap).await,
                Decision::GiveUp => return Err(e),
            },
        }
    }
    Err(Error::Contention)
}

#[cfg(test)]
mod tests;
