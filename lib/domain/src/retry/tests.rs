//! Unit tests of the retry policy: one decision per error kind.

use std::sync::atomic::{AtomicU32, Ordering};

use super::*;

#[test]
fn contention_is_retried_quickly_until_the_attempt_budget_is_spent() {
    assert_eq!(decide(&Error::Contention, 0), Decision::RetryWithin(Duration::from_millis(1)));
    assert_eq!(decide(&Error::Contention, 3), Decision::RetryWithin(Duration::from_millis(8)));
    assert_eq!(decide(&Error::Contention, 30), Decision::RetryWithin(Duration::from_millis(50)));
    assert_eq!(decide(&Error::Contention, MAX_ATTEMPTS - 2), Decision::RetryWithin(Duration::from_millis(50)));
    assert_eq!(decide(&Error::Contention, MAX_ATTEMPTS - 1), Decision::GiveUp);
}

#[test]
fn throttling_backs_off_exponentially_and_gives_up_after_a_few_rounds() {
    assert_eq!(decide(&Error::Throttled, 0), Decision::RetryWithin(Duration::from_millis(50)));
    assert_eq!(decide(&Error::Throttled, 1), Decision::RetryWithin(Duration::from_millis(100)));
    assert_eq!(decide(&Error::Throttled, THROTTLED_ATTEMPTS - 1), Decision::GiveUp);
}

#[test]
fn unknown_outcomes_and_final_answers_are_never_retried_here() {
    for e in [
        Error::Unavailable,
        Error::ChargeOutcomeUnknown,
        Error::Infrastructure("validation".into()),
        Error::SeatUnavailable,
        Error::InsufficientBalance,
    ] {
        assert_eq!(decide(&e, 0), Decision::GiveUp, "{e:?}");
    }
}

#[tokio::test]
async fn retrying_repeats_a_step_through_contention_and_throttling() {
    let calls = AtomicU32::new(0);
    let out = retrying(|| async {
        match calls.fetch_add(1, Ordering::SeqCst) {
            0 => Err(Error::Contention),
            1 => Err(Error::Throttled),
            _ => Ok(7),
        }
    })
    .await;
    assert_eq!(out, Ok(7));
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn retrying_gives_back_an_unavailable_database_at_once() {
    let calls = AtomicU32::new(0);
    let out: Result<()> = retrying(|| async {
        calls.fetch_add(1, Ordering::SeqCst);
        Err(Error::Unavailable)
    })
    .await;
    assert_eq!(out, Err(Error::Unavailable));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn persistent_throttling_ends_in_throttled_after_the_budget() {
    let calls = AtomicU32::new(0);
    let out: Result<()> = retrying(|| async {
        calls.fetch_add(1, Ordering::SeqCst);
        Err(Error::Throttled)
    })
    .await;
    assert_eq!(out, Err(Error::Throttled));
    assert_eq!(calls.load(Ordering::SeqCst), THROTTLED_ATTEMPTS);
}

#[test]
fn a_client_waits_at_least_retry_after_doubling_with_jitter_up_to_the_cap() {
    let one = Duration::from_secs(1);
    assert_eq!(client_wait(one, 0, 0.0), one);
    assert_eq!(client_wait(one, 1, 0.0), Duration::from_secs(2));
    assert_eq!(client_wait(one, 2, 0.5), Duration::from_secs(6));
    assert_eq!(client_wait(one, 30, 0.0), CLIENT_WAIT_CAP);
    assert_eq!(client_wait(one, 30, 0.99).as_millis(), CLIENT_WAIT_CAP.mul_f64(1.99).as_millis());
    assert_eq!(client_wait(Duration::from_secs(10), 3, 0.0), Duration::from_secs(10), "never sooner than asked");
    // Out-of-range shares are clamped: never sooner than asked, never past twice the cap.
    assert_eq!(client_wait(one, 0, -1.0), one);
    assert_eq!(client_wait(one, 0, 7.0), Duration::from_secs(2));
    assert_eq!(client_wait(one, 0, f64::NAN), one);
    let shares: Vec<f64> = (0..100).map(|_| random_share()).collect();
    assert!(shares.iter().all(|s| (0.0..1.0).contains(s)));
    assert!(shares.iter().any(|s| *s != shares[0]), "jitter varies");
}

#[tokio::test]
async fn repeating_sends_an_unknown_outcome_again_a_few_times() {
    let calls = AtomicU32::new(0);
    let out = repeating(|| async {
        match calls.fetch_add(1, Ordering::SeqCst) {
            0 => Err(Error::Unavailable),
            1 => Err(Error::Contention),
            _ => Ok(7),
        }
    })
    .await;
    assert_eq!(out, Ok(7));
    let calls = AtomicU32::new(0);
    let out: Result<()> = repeating(|| async {
        calls.fetch_add(1, Ordering::SeqCst);
        Err(Error::Unavailable)
    })
    .await;
    assert_eq!(out, Err(Error::Unavailable));
    assert_eq!(calls.load(Ordering::SeqCst), REPEATS);
}

#[tokio::test(start_paused = true)]
async fn the_optimistic_loop_reads_again_after_a_lost_condition_and_a_retryable_failure() {
    let log = std::sync::Mutex::new(Vec::new());
    let rounds = &log;
    let out = optimistic(|attempt| async move {
        rounds.lock().unwrap().push(attempt);
        Ok(match attempt {
            0 => Round::Lost,
            1 => Round::Failed(Error::Throttled),
            2 => Round::Failed(Error::Contention),
            _ => Round::Done("written"),
        })
    })
    .await;
    assert_eq!(out, Ok("written"));
    assert_eq!(*rounds.lock().unwrap(), vec![0, 1, 2, 3], "each round is numbered from 0");
}

#[tokio::test(start_paused = true)]
async fn the_optimistic_loop_gives_up_on_what_reading_again_cannot_mend() {
    let count = AtomicU32::new(0);
    let rounds = &count;
    let failed = optimistic(|_| async move {
        rounds.fetch_add(1, Ordering::SeqCst);
        Ok(Round::<()>::Failed(Error::Unavailable))
    })
    .await;
    assert_eq!(
        (failed, rounds.load(Ordering::SeqCst)),
        (Err(Error::Unavailable), 1),
        "an unknown outcome goes back to the caller"
    );
    let count = AtomicU32::new(0);
    let rounds = &count;
    let refused = optimistic(|_| async move {
        rounds.fetch_add(1, Ordering::SeqCst);
        Err::<Round<()>, _>(Error::SeatUnavailable)
    })
    .await;
    assert_eq!(
        (refused, rounds.load(Ordering::SeqCst)),
        (Err(Error::SeatUnavailable), 1),
        "a plan's refusal ends the loop"
    );
    let count = AtomicU32::new(0);
    let rounds = &count;
    let lost = optimistic(|_| async move {
        rounds.fetch_add(1, Ordering::SeqCst);
        Ok(Round::<()>::Lost)
    })
    .await;
    assert_eq!(
        (lost, rounds.load(Ordering::SeqCst)),
        (Err(Error::Contention), MAX_ATTEMPTS),
        "lost every round: CONTENTION"
    );
}

#[test]
fn a_conditional_write_becomes_a_round() {
    assert_eq!(Round::from_write(Ok(true), || 1), Round::Done(1));
    assert_eq!(Round::from_write(Ok(false), || 1), Round::Lost);
    assert_eq!(Round::from_write(Ok(true).and(Err(Error::Throttled)), || 1), Round::Failed(Error::Throttled));
}
