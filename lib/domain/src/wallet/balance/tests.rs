//! Unit tests of `wallet`.

use super::*;
use crate::testkit::world::{won, world};
use crate::wallet::statement::StatementEntry;

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
async fn a_keyless_charge_refused_by_a_conflict_is_retried_and_credits_once() {
    let w = world().await;
    let u = UserId::random();
    w.mem.inject("credit", Error::Contention, false);
    w.mem.inject("credit", Error::Contention, false);
    assert_eq!(w.wallet.charge(u, won(1_000), None).await.unwrap().balance, won(1_000));
    assert_eq!(w.mem.pending_faults(), 0);
}

#[tokio::test]
async fn a_keyless_charge_throttled_after_an_attempt_that_applied_says_its_outcome_is_unknown() {
    // The SDK's first attempt applied and lost its answer; its retry was throttled. Sending
    // the charge again would credit it twice.
    let w = world().await;
    let u = UserId::random();
    w.mem.inject("credit", Error::Throttled, true);
    assert_eq!(w.wallet.charge(u, won(1_000), None).await, Err(Error::ChargeOutcomeUnknown));
    assert_eq!(w.wallet.balance(u).await.unwrap(), won(1_000), "applied once, not twice");
    // A keyed charge may be retried: its key record tells.
    let key = IdempotencyKey::parse("throttled").unwrap();
    w.mem.inject("credit", Error::Throttled, true);
    assert_eq!(w.wallet.charge(u, won(500), Some(&key)).await.unwrap().balance, won(1_500));
    assert_eq!(w.wallet.balance(u).await.unwrap(), won(1_500), "credited once");
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
    w.mem.inject("credit", Error::Unavailable, true);
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
    w.mem.inject("credit", Error::Throttled, false);
    w.mem.inject("credit", Error::Contention, false);
    assert_eq!(w.wallet.charge(u, won(3_000), Some(&key)).await.unwrap().balance, won(3_000));
    assert_eq!(w.mem.pending_faults(), 0);
}

/// The statement's amounts add up to the balance, and each entry's balance follows from
/// the one before it.
async fn assert_statement_adds_up(w: &crate::testkit::world::World, u: UserId) -> Vec<StatementEntry> {
    let mut all = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = w.wallet.statement(u, cursor.as_deref(), Some("3")).await.unwrap();
        all.extend(page.entries);
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    all.reverse();
    let mut balance = 0;
    for (i, e) in all.iter().enumerate() {
        assert_eq!(e.seq, i as u64 + 1, "numbered without gaps: {all:?}");
        balance += e.amount;
        assert_eq!(e.balance_after.get(), balance, "entry {}", e.seq);
    }
    assert_eq!(w.wallet.balance(u).await.unwrap().get(), balance, "the balance is the statement's sum");
    all
}

/// A world whose clock is 20 days before its show, while paid seats are refundable.
async fn before_the_show() -> crate::testkit::world::World {
    let w = world().await;
    w.clock.set(w.date.start().minus(std::time::Duration::from_secs(20 * 24 * 3600)));
    w
}

/// An ACTIVE token for `user` (a new one after a payment used the last up).
async fn admitted(w: &crate::testkit::world::World, user: UserId) -> (crate::line::token::Admission, String) {
    let (view, _) = w.queue.issue(user, &w.concert).await.unwrap();
    w.admitter.tick(&w.concert).await.unwrap();
    let raw = view.token.to_string();
    (w.queue.authorize(user, Some(&raw), &w.concert).await.unwrap(), raw)
}

#[tokio::test]
async fn the_statement_shows_every_charge_payment_and_refund_with_the_balance_after() {
    let w = before_the_show().await;
    let u = UserId::random();
    w.wallet.charge(u, won(300_000), None).await.unwrap();
    w.wallet.charge(u, won(50_000), Some(&IdempotencyKey::parse("k").unwrap())).await.unwrap();
    let (fan, raw) = admitted(&w, u).await;
    let hold = w.holds.hold(&fan, w.date, crate::values::ids::SeatNumber::new(40).unwrap()).await.unwrap();
    let paid = w.payments.pay(u, Some(&raw), &[hold.id], None).await.unwrap();
    let refund = w.refunds.refund(u, hold.id, None).await.unwrap();
    let all = assert_statement_adds_up(&w, u).await;
    let lines: Vec<(EntryKind, i64, Option<String>)> =
        all.iter().map(|e| (e.kind, e.amount, e.reference.clone())).collect();
    assert_eq!(
        lines,
        vec![
            (EntryKind::Charge, 300_000, None),
            (EntryKind::Charge, 50_000, None),
            (EntryKind::Payment, -paid.amount.get(), Some(paid.id.to_string())),
            (EntryKind::Refund, refund.amount.get(), Some(refund.id.to_string())),
        ]
    );
    assert_eq!(all[2].at, paid.paid_at);
    let json = all[2].to_json();
    assert_eq!((json["kind"].as_str(), json["amount"].as_i64()), (Some("PAYMENT"), Some(-paid.amount.get())));
}

#[tokio::test]
async fn the_statement_pages_newest_first_and_refuses_a_cursor_it_did_not_give() {
    let w = world().await;
    let u = UserId::random();
    for amount in 1..=5 {
        w.wallet.charge(u, won(amount), None).await.unwrap();
    }
    let first = w.wallet.statement(u, None, Some("2")).await.unwrap();
    assert_eq!(first.entries.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![5, 4]);
    assert_eq!(first.next.as_deref(), Some("4"));
    let second = w.wallet.statement(u, first.next.as_deref(), Some("2")).await.unwrap();
    assert_eq!(second.entries.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![3, 2]);
    let last = w.wallet.statement(u, second.next.as_deref(), Some("2")).await.unwrap();
    assert_eq!((last.entries.len(), last.next), (1, None), "the first entry ends the statement");
    assert_eq!(w.wallet.statement(u, None, None).await.unwrap().entries.len(), 5, "20 a page by default");
    assert_eq!(
        w.wallet.statement(UserId::random(), None, None).await.unwrap(),
        StatementPage { entries: vec![], next: None }
    );
    for (cursor, limit) in [
        (Some("x"), None),
        (Some("1"), None),
        (Some("-3"), None),
        (None, Some("0")),
        (None, Some("101")),
        (None, Some("two")),
    ] {
        assert!(
            matches!(w.wallet.statement(u, cursor, limit).await, Err(Error::InvalidInput(_))),
            "{cursor:?} {limit:?}"
        );
    }
}

#[tokio::test]
async fn a_charge_whose_wallet_moved_since_it_was_read_reads_again_and_counts_once() {
    let w = world().await;
    let u = UserId::random();
    for i in 0..4 {
        // The wallet moved between this charge's read and its write: its condition fails.
        w.mem.inject("credit", Error::Contention, false);
        let key = IdempotencyKey::parse(&format!("moved-{i}")).unwrap();
        let receipt = w.wallet.charge(u, won(1_000), (i % 2 == 1).then_some(&key)).await.unwrap();
        assert_eq!(receipt.balance, won(1_000 * (i + 1)));
    }
    assert_eq!(w.mem.pending_faults(), 0);
    assert_eq!(assert_statement_adds_up(&w, u).await.len(), 4);
}

#[derive(Debug, Clone)]
enum Step {
    Charge(i64, bool),
    Buy(i64),
    Refund(usize),
}

fn step() -> impl proptest::strategy::Strategy<Value = Step> {
    use proptest::prelude::*;
    prop_oneof![
        (1i64..400_000, any::<bool>()).prop_map(|(a, keyed)| Step::Charge(a, keyed)),
        (1i64..=50).prop_map(Step::Buy),
        (0usize..8).prop_map(Step::Refund),
    ]
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config::with_cases(48))]
    #[test]
    fn after_any_mix_of_charges_payments_and_refunds_the_statement_adds_up_to_the_balance(
        steps in proptest::collection::vec(step(), 1..14),
    ) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let w = before_the_show().await;
            let u = UserId::random();
            let mut paid = Vec::new();
            for (i, s) in steps.iter().enumerate() {
                match s {
                    Step::Charge(a, keyed) => {
                        let key = IdempotencyKey::parse(&format!("mix-{i}")).unwrap();
                        let _ = w.wallet.charge(u, won(*a), keyed.then_some(&key)).await;
                    }
                    Step::Buy(n) => {
                        let (fan, raw) = admitted(&w, u).await;
                        let seat = crate::values::ids::SeatNumber::new(*n).unwrap();
                        if let Ok(hold) = w.holds.hold(&fan, w.date, seat).await {
                            match w.payments.pay(u, Some(&raw), &[hold.id], None).await {
                                Ok(_) => paid.push(hold.id),
                                Err(e) => assert_eq!(e, Error::InsufficientBalance),
                            }
                        }
                    }
                    Step::Refund(k) if !paid.is_empty() => {
                        let id = paid.remove(k % paid.len());
                        w.refunds.refund(u, id, None).await.unwrap();
                    }
                    Step::Refund(_) => {}
                }
            }
            assert_statement_adds_up(&w, u).await;
        });
    }
}
