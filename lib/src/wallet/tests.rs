//! Unit tests of `wallet`.

use super::*;
use crate::testkit::{won, world};

#[test]
fn a_key_answers_only_the_charge_it_was_first_used_for() {
    let receipt =
        ChargeReceipt { user: UserId::random(), balance: Won::new(70).unwrap(), charged: Won::new(50).unwrap() };
    let record = ChargeRecord { receipt };
    assert_eq!(record.answer(Won::new(50).unwrap()), Ok(receipt));
    assert_eq!(record.answer(Won::new(51).unwrap()), Err(Error::IdempotencyKeyReused));
}

#[tokio::test]
async fn plain_charges_add_up_and_stop_at_the_ceiling() {
    let w = world().await;
    let u = UserId::random();
    assert_eq!(w.wallet.balance(u).await.unwrap(), Won::ZERO);
    assert_eq!(w.wallet.charge(u, won(30_000), None).await.unwrap().balance, won(30_000));
    assert_eq!(w.wallet.charge(u, won(20_000), None).await.unwrap().balance, won(50_000));
    w.mem.set_balance(u, won(45_000_000)).unwrap();
    assert_eq!(w.wallet.charge(u, won(5_000_001), None).await, Err(Error::BalanceLimit { limit: 50_000_000 }));
    assert_eq!(w.wallet.balance(u).await.unwrap(), won(45_000_000));
    assert_eq!(w.wallet.charge(u, won(5_000_000), None).await.unwrap().balance, won(50_000_000));
}

#[tokio::test]
async fn a_keyed_charge_credits_once_and_replays_its_first_answer() {
    let w = world().await;
    let u = UserId::random();
    let key = IdempotencyKey::parse("k-1").unwrap();
    let first = w.wallet.charge(u, won(10_000), Some(&key)).await.unwrap();
    w.wallet.charge(u, won(1_000), None).await.unwrap();
    let again = w.wallet.charge(u, won(10_000), Some(&key)).await.unwrap();
    assert_eq!(again, first, "the first outcome, not the balance now");
    assert_eq!(w.wallet.balance(u).await.unwrap(), won(11_000));
    assert_eq!(w.wallet.charge(u, won(9_999), Some(&key)).await, Err(Error::IdempotencyKeyReused));
    // The same key is a different key for another user.
    assert_eq!(w.wallet.charge(UserId::random(), won(5), Some(&key)).await.unwrap().balance, won(5));
}

#[tokio::test]
async fn a_keyless_charge_refused_for_load_or_a_conflict_is_retried_and_credits_once() {
    let w = world().await;
    let u = UserId::random();
    w.mem.inject("credit", Error::Contention, false);
    w.mem.inject("credit", Error::Throttled, false);
    assert_eq!(w.wallet.charge(u, won(1_000), None).await.unwrap().balance, won(1_000));
    assert_eq!(w.mem.pending_faults(), 0);
}

#[tokio::test]
async fn a_keyless_charge_whose_outcome_is_unknown_says_so_and_is_never_repeated() {
    let w = world().await;
    let u = UserId::random();
    w.mem.inject("credit", Error::Unavailable, true);
    assert_eq!(w.wallet.charge(u, won(1_000), None).await, Err(Error::ChargeOutcomeUnknown));
    assert_eq!(w.wallet.balance(u).await.unwrap(), won(1_000), "applied once, not twice");
    w.mem.inject("credit", Error::Unavailable, false);
    assert_eq!(w.wallet.charge(u, won(1_000), None).await, Err(Error::ChargeOutcomeUnknown));
    assert_eq!(w.wallet.balance(u).await.unwrap(), won(1_000));
}

#[tokio::test]
async fn a_keyed_charge_with_a_lost_answer_is_safe_to_send_again() {
    let w = world().await;
    let u = UserId::random();
    let key = IdempotencyKey::parse("lost-answer").unwrap();
    w.mem.inject("credit_once", Error::Unavailable, true);
    assert_eq!(w.wallet.charge(u, won(2_000), Some(&key)).await, Err(Error::Unavailable));
    let again = w.wallet.charge(u, won(2_000), Some(&key)).await.unwrap();
    assert_eq!((again.balance, again.charged), (won(2_000), won(2_000)));
    assert_eq!(w.wallet.balance(u).await.unwrap(), won(2_000), "credited once");
}

#[tokio::test]
async fn a_keyed_charge_refused_for_load_is_retried_inside_the_request() {
    let w = world().await;
    let u = UserId::random();
    let key = IdempotencyKey::parse("busy").unwrap();
    w.mem.inject("credit_once", Error::Throttled, false);
    w.mem.inject("credit_once", Error::Contention, false);
    assert_eq!(w.wallet.charge(u, won(3_000), Some(&key)).await.unwrap().balance, won(3_000));
    assert_eq!(w.mem.pending_faults(), 0);
}
