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
