//! Unit tests of `payment`.

use std::time::Duration;

use super::*;
use crate::booking::reservation::ReservationState;
use crate::booking::store::HoldStore;
use crate::catalog::concert::SeatState;
use crate::catalog::store::CatalogStore;
use crate::line::store::LineStore;
use crate::line::token::Presented;
use crate::testkit::memory::Memory;
use crate::testkit::world::{won, world, HOLD};
use crate::values::clock::Timestamp;
use crate::values::ids::ConcertId;
use crate::values::ids::{SeatNumber, TokenId};

#[test]
fn cancellation_reasons_map_to_the_contract() {
    use PayConflict::*;
    assert_eq!(after_conflict(&[Seat]), AfterConflict::Fail(Error::HoldExpired));
    assert_eq!(after_conflict(&[Token]), AfterConflict::Fail(Error::TokenExpired));
    assert_eq!(after_conflict(&[Seat, Token]), AfterConflict::Fail(Error::HoldExpired));
    // Wallet moved: read the balance again (402 or retry is decided there).
    assert_eq!(after_conflict(&[Wallet]), AfterConflict::ReadAgain);
    // Paid meanwhile (by this key or another): the next read answers replay or 409.
    assert_eq!(after_conflict(&[Key, Reservation, Seat, Token, Wallet]), AfterConflict::ReadAgain);
    assert_eq!(after_conflict(&[Reservation, Seat]), AfterConflict::ReadAgain);
}

async fn everything(
    mem: &Memory,
    r: &Reservation,
    token: TokenId,
) -> (Won, SeatState, ReservationState, TokenStatus, usize) {
    let seat = mem.seat(&r.concert, r.date, r.seat).await.unwrap().unwrap().state;
    let res = mem.reservation(r.id).await.unwrap().unwrap().state;
    let tok = LineStore::token(mem, token).await.unwrap().unwrap();
    let balance = crate::wallet::store::WalletStore::wallet(mem, r.user).await.unwrap().balance;
    (
        balance,
        seat,
        res,
        tok.status_at(Timestamp::from_millis(1_800_000_000_001)),
        mem.payments(r.user).await.unwrap().len(),
    )
}

#[tokio::test]
async fn payment_debits_sells_confirms_records_uses_the_token_and_publishes() {
    let w = world().await;
    let (fan, raw) = w.fan().await;
    let r = w.holds.hold(&fan, w.date, SeatNumber::new(20).unwrap()).await.unwrap();
    w.mem.set_balance(fan.user, won(200_000)).unwrap();
    let p = w.payments.pay(fan.user, Some(&raw), &[r.id], None).await.unwrap();
    assert_eq!((p.amount, p.balance_after), (won(165_000), won(35_000)));
    let (balance, seat, res, tok, n) = everything(&w.mem, &r, fan.token).await;
    assert_eq!(balance, won(35_000));
    assert!(matches!(seat, SeatState::Sold { .. }));
    assert_eq!(res, ReservationState::Confirmed { payment: p.id });
    assert_eq!(tok, TokenStatus::Expired);
    assert_eq!(n, 1);
    assert_eq!(w.mem.published.lock().unwrap().len(), 0, "the request ends with its transaction");
    assert_eq!(w.mem.outbox_len().unwrap(), 1);
    // A conflict on the outbox's delete, as DynamoDB answers near a transaction, is retried.
    w.mem.inject("mark_delivered", Error::Contention, false);
    assert_eq!(w.payments.relay().await.unwrap(), 1, "the admitter's relay publishes it");
    assert_eq!(w.mem.pending_faults(), 0);
    assert_eq!(w.mem.published.lock().unwrap()[0].id, p.id.to_string());
    assert_eq!(w.mem.outbox_len().unwrap(), 0);
    // The token's slot goes back to the line at the next tick.
    assert_eq!(w.admitter.tick(&w.concert).await.unwrap().released, 1);
}

#[tokio::test]
async fn refused_payments_change_nothing_and_say_why() {
    let w = world().await;
    let (fan, raw) = w.fan().await;
    let r = w.holds.hold(&fan, w.date, SeatNumber::new(40).unwrap()).await.unwrap();
    w.mem.set_balance(fan.user, won(109_999)).unwrap();
    let before = everything(&w.mem, &r, fan.token).await;
    assert_eq!(w.payments.pay(fan.user, Some(&raw), &[r.id], None).await, Err(Error::InsufficientBalance));
    assert_eq!(everything(&w.mem, &r, fan.token).await, before);

    let (other, other_raw) = w.fan().await;
    assert_eq!(w.payments.pay(other.user, Some(&other_raw), &[r.id], None).await, Err(Error::ReservationNotFound));
    assert_eq!(
        w.payments.pay(fan.user, Some(&raw), &[ReservationId::random()], None).await,
        Err(Error::ReservationNotFound)
    );
    assert_eq!(w.payments.pay(fan.user, Presented::default(), &[r.id], None).await, Err(Error::TokenMissing));
    assert!(
        w.queue.authorize(other.user, Some(&other_raw), &other.concert).await.is_ok(),
        "a refusal uses up no token"
    );

    w.mem.set_balance(fan.user, won(1_000_000)).unwrap();
    w.clock.advance(HOLD);
    assert_eq!(w.payments.pay(fan.user, Some(&raw), &[r.id], None).await, Err(Error::HoldExpired));
    assert_eq!(everything(&w.mem, &r, fan.token).await.0, won(1_000_000));
}

#[tokio::test]
async fn a_paid_reservation_is_already_paid_and_a_key_replays_its_payment() {
    let w = world().await;
    let (fan, raw) = w.fan().await;
    let r = w.holds.hold(&fan, w.date, SeatNumber::new(1).unwrap()).await.unwrap();
    w.mem.set_balance(fan.user, won(1_000_000)).unwrap();
    let key = IdempotencyKey::parse("pay-1").unwrap();
    let first = w.payments.pay(fan.user, Some(&raw), &[r.id], Some(key.clone())).await.unwrap();
    w.clock.advance(Duration::from_secs(60));
    assert_eq!(
        w.payments.pay(fan.user, Some(&raw), &[r.id], Some(key.clone())).await,
        Ok(first.clone()),
        "replay, token used up or not"
    );
    assert_eq!(
        w.payments.pay(fan.user, Some(&raw), &[r.id], Some(IdempotencyKey::parse("pay-2").unwrap())).await,
        Err(Error::AlreadyPaid)
    );
    assert_eq!(
        w.payments.pay(fan.user, Some(&raw), &[r.id], None).await,
        Ok(first.clone()),
        "a keyless repeat is the same payment"
    );
    let other = w.holds.hold(&w.fan().await.0, w.date, SeatNumber::new(2).unwrap()).await.unwrap();
    assert_eq!(w.payments.pay(fan.user, Some(&raw), &[other.id], Some(key)).await, Err(Error::IdempotencyKeyReused));
    assert_eq!(w.payments.payments(fan.user).await.unwrap(), vec![first]);
}

#[tokio::test]
async fn an_event_the_relay_could_not_send_waits_in_the_outbox_for_its_next_round() {
    let w = world().await;
    let (fan, raw) = w.fan().await;
    let r = w.holds.hold(&fan, w.date, SeatNumber::new(9).unwrap()).await.unwrap();
    w.mem.set_balance(fan.user, won(1_000_000)).unwrap();
    w.mem.events_down.store(true, std::sync::atomic::Ordering::SeqCst);
    let p = w.payments.pay(fan.user, Some(&raw), &[r.id], None).await.unwrap();
    assert_eq!(w.mem.outbox_len().unwrap(), 1);
    assert!(w.payments.relay().await.is_err(), "still down");
    w.mem.events_down.store(false, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(w.payments.relay().await.unwrap(), 1);
    assert_eq!(w.mem.outbox_len().unwrap(), 0);
    assert_eq!(
        w.mem.published.lock().unwrap().iter().map(|e| e.id.clone()).collect::<Vec<_>>(),
        vec![p.id.to_string()]
    );
}

#[tokio::test]
async fn a_keyless_payment_whose_answer_was_lost_is_answered_with_that_payment_when_sent_again() {
    let w = world().await;
    let (fan, raw) = w.fan().await;
    let r = w.holds.hold(&fan, w.date, SeatNumber::new(21).unwrap()).await.unwrap();
    w.mem.set_balance(fan.user, won(500_000)).unwrap();
    w.mem.inject("pay", Error::Unavailable, true);
    assert_eq!(
        w.payments.pay(fan.user, Some(&raw), &[r.id], None).await,
        Err(Error::Unavailable),
        "not repeated blindly"
    );
    let again = w.payments.pay(fan.user, Some(&raw), &[r.id], None).await.unwrap();
    let (balance, _, res, _, n) = everything(&w.mem, &r, fan.token).await;
    assert_eq!(res, ReservationState::Confirmed { payment: again.id });
    assert_eq!((balance, n), (won(500_000 - 165_000), 1), "debited once, one payment");
}

#[tokio::test]
async fn a_payment_refused_for_load_or_a_conflict_is_retried_and_pays_once() {
    let w = world().await;
    let (fan, raw) = w.fan().await;
    let r = w.holds.hold(&fan, w.date, SeatNumber::new(22).unwrap()).await.unwrap();
    w.mem.set_balance(fan.user, won(500_000)).unwrap();
    w.mem.inject("snapshot", Error::Throttled, false);
    w.mem.inject("pay", Error::Contention, false);
    w.mem.inject("pay", Error::Throttled, false);
    w.payments.pay(fan.user, Some(&raw), &[r.id], None).await.unwrap();
    assert_eq!(w.mem.pending_faults(), 0);
    assert_eq!(everything(&w.mem, &r, fan.token).await.4, 1);
}

#[tokio::test]
async fn a_payment_transaction_cancelled_for_a_defect_is_a_500_not_forty_retries() {
    let w = world().await;
    let (fan, raw) = w.fan().await;
    let r = w.holds.hold(&fan, w.date, SeatNumber::new(23).unwrap()).await.unwrap();
    w.mem.set_balance(fan.user, won(500_000)).unwrap();
    w.mem.inject("pay", Error::Infrastructure("ValidationError".into()), false);
    w.mem.inject("pay", Error::Infrastructure("ValidationError".into()), false);
    assert!(matches!(w.payments.pay(fan.user, Some(&raw), &[r.id], None).await, Err(Error::Infrastructure(_))));
    assert_eq!(w.mem.pending_faults(), 1);
}

#[tokio::test]
async fn a_token_of_another_user_cannot_pay_even_the_tokens_own_holds() {
    let w = world().await;
    let (fan, raw) = w.fan().await;
    let r = w.holds.hold(&fan, w.date, SeatNumber::new(24).unwrap()).await.unwrap();
    w.mem.set_balance(fan.user, won(500_000)).unwrap();
    let thief = crate::values::ids::UserId::random();
    assert_eq!(w.payments.pay(thief, Some(&raw), &[r.id], None).await, Err(Error::Forbidden));
    assert_eq!(everything(&w.mem, &r, fan.token).await.4, 0, "nothing paid");
}

#[tokio::test]
async fn several_holds_are_paid_in_one_step_or_not_at_all() {
    let w = world().await;
    let (fan, raw) = w.fan().await;
    let mut holds = Vec::new();
    for n in [1, 2, 45] {
        holds.push(w.holds.hold(&fan, w.date, SeatNumber::new(n).unwrap()).await.unwrap());
    }
    let ids: Vec<ReservationId> = holds.iter().map(|r| r.id).collect();
    let total: i64 = holds.iter().map(|r| r.price.get()).sum();
    // Money for two of the three: none is paid, nothing changes.
    w.mem.set_balance(fan.user, won(total - 1)).unwrap();
    let before = [everything(&w.mem, &holds[0], fan.token).await, everything(&w.mem, &holds[2], fan.token).await];
    assert_eq!(w.payments.pay(fan.user, Some(&raw), &ids, None).await, Err(Error::InsufficientBalance));
    assert_eq!(
        [everything(&w.mem, &holds[0], fan.token).await, everything(&w.mem, &holds[2], fan.token).await],
        before
    );

    w.mem.set_balance(fan.user, won(total)).unwrap();
    let p = w.payments.pay(fan.user, Some(&raw), &ids, None).await.unwrap();
    assert_eq!((p.amount, p.balance_after, p.seats.len()), (won(total), won(0), 3));
    for r in &holds {
        let (_, seat, res, _, n) = everything(&w.mem, r, fan.token).await;
        assert!(matches!(seat, SeatState::Sold { .. }));
        assert_eq!(res, ReservationState::Confirmed { payment: p.id });
        assert_eq!(n, 1, "one payment for all of them");
    }
    assert_eq!(w.payments.pay(fan.user, Some(&raw), &ids, None).await, Ok(p.clone()), "a keyless repeat");
    assert_eq!(w.payments.pay(fan.user, Some(&raw), &ids[..2], None).await, Err(Error::AlreadyPaid), "a subset");
}

#[tokio::test]
async fn a_payment_request_names_one_to_ten_distinct_reservations() {
    let w = world().await;
    let (fan, raw) = w.fan().await;
    let r = w.holds.hold(&fan, w.date, SeatNumber::new(5).unwrap()).await.unwrap();
    for ids in [vec![], vec![r.id, r.id], (0..11).map(|_| ReservationId::random()).collect::<Vec<_>>()] {
        assert!(
            matches!(w.payments.pay(fan.user, Some(&raw), &ids, None).await, Err(Error::InvalidInput(_))),
            "{ids:?}"
        );
    }
}

#[tokio::test]
async fn paid_seats_keep_counting_toward_the_limit_forever() {
    let w = world().await;
    let (fan, raw) = w.fan().await;
    w.mem.set_balance(fan.user, won(10_000_000)).unwrap();
    let limit = crate::catalog::concert::Concert::DEFAULT_SEAT_LIMIT;
    let mut ids = Vec::new();
    for n in 1..=i64::from(limit) {
        ids.push(w.holds.hold(&fan, w.date, SeatNumber::new(n).unwrap()).await.unwrap().id);
    }
    w.payments.pay(fan.user, Some(&raw), &ids, None).await.unwrap();
    w.clock.advance(HOLD * 100);
    let (again, _) = {
        let user = fan.user;
        let (view, _) = w.queue.issue(user, &w.concert).await.unwrap();
        w.admitter.tick(&w.concert).await.unwrap();
        (w.queue.authorize(user, Some(&view.token.to_string()), &w.concert).await.unwrap(), ())
    };
    assert_eq!(
        w.holds.hold(&again, w.date, SeatNumber::new(49).unwrap()).await,
        Err(Error::SeatLimitReached { limit })
    );
}

fn held(user: UserId, concert: &str, price: i64, until_ms: i64) -> Reservation {
    Reservation {
        id: ReservationId::random(),
        user,
        concert: ConcertId::parse(concert).unwrap(),
        date: crate::values::ids::ConcertDate::parse("2026-12-24").unwrap(),
        seat: SeatNumber::new(3).unwrap(),
        price: won(price),
        created_at: Timestamp::from_millis(0),
        expires_at: Timestamp::from_millis(until_ms),
        slot: 0,
        state: ReservationState::Held,
        checked_in: None,
        transferred_from: None,
    }
}

fn bearer_of(user: UserId, concert: &str, status: TokenStatus) -> crate::line::token::Bearer {
    crate::line::token::Bearer { token: TokenId::random(), user, concert: ConcertId::parse(concert).unwrap(), status }
}

#[test]
fn plan_payment_debits_the_total_of_live_holds_of_the_tokens_concert() {
    let user = UserId::random();
    let active = TokenStatus::Active { until: Timestamp::from_millis(10_000) };
    let now = Timestamp::from_millis(1_000);
    let wallet = crate::wallet::statement::Wallet { balance: won(500), entries: 2 };
    let plan = plan_payment(
        &bearer_of(user, "c", active),
        vec![held(user, "c", 200, 2_000), held(user, "c", 100, 2_000)],
        wallet,
        now,
        None,
    )
    .unwrap();
    assert_eq!((plan.payment.amount, plan.payment.balance_after, plan.payment.seats.len()), (won(300), won(200), 2));
    assert_eq!((plan.wallet, plan.now, plan.payment.paid_at), (wallet, now, now));
}

#[test]
fn plan_payment_refuses_an_ended_hold_another_concert_an_inactive_token_and_a_short_balance() {
    let user = UserId::random();
    let active = TokenStatus::Active { until: Timestamp::from_millis(10_000) };
    let now = Timestamp::from_millis(1_000);
    let rich = crate::wallet::statement::Wallet { balance: won(1_000), entries: 1 };
    let plan = |status, r: Reservation, wallet| plan_payment(&bearer_of(user, "c", status), vec![r], wallet, now, None);
    assert_eq!(plan(active, held(user, "c", 100, 1_000), rich).err(), Some(Error::HoldExpired), "ends at its deadline");
    assert_eq!(plan(active, held(user, "other", 100, 2_000), rich).err(), Some(Error::TokenWrongConcert));
    assert_eq!(plan(TokenStatus::Waiting, held(user, "c", 100, 2_000), rich).err(), Some(Error::TokenNotActive));
    assert_eq!(plan(TokenStatus::Expired, held(user, "c", 100, 2_000), rich).err(), Some(Error::TokenExpired));
    let ended = TokenStatus::Active { until: now };
    assert_eq!(plan(ended, held(user, "c", 100, 2_000), rich).err(), Some(Error::TokenExpired));
    let poor = crate::wallet::statement::Wallet { balance: won(99), entries: 1 };
    assert_eq!(plan(active, held(user, "c", 100, 2_000), poor).err(), Some(Error::InsufficientBalance));
}
