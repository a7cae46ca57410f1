//! Unit tests of `refund`: one refund per paid seat, by the schedule, all or nothing.

use std::time::Duration;

use super::*;
use crate::booking::reservation::Reservation;
use crate::catalog::concert::{SeatState, SeatStatus};
use crate::catalog::store::CatalogStore;
use crate::testkit::world::{won, world, World};
use crate::values::ids::SeatNumber;
use crate::wallet::store::WalletStore;

const DAY: Duration = Duration::from_secs(24 * 3600);

async fn seat_state(w: &World, r: &Reservation) -> SeatState {
    w.mem.seat(&r.concert, r.date, r.seat).await.unwrap().unwrap().state
}

#[tokio::test]
async fn a_refund_frees_the_seat_credits_the_wallet_and_is_announced() {
    let w = world().await;
    let (fan, r) = w.paid(1).await;
    let before = WalletStore::wallet(&*w.mem, fan.user).await.unwrap().balance;
    let refund = w.refunds.refund(fan.user, r.id, None).await.unwrap();
    assert_eq!((refund.fee, refund.amount), (won(0), r.price), "within the day's grace: free");
    assert_eq!(WalletStore::wallet(&*w.mem, fan.user).await.unwrap().balance, before.checked_add(r.price).unwrap());
    assert_eq!(seat_state(&w, &r).await, SeatState::Available, "on sale again at once");
    assert_eq!(
        w.holds.get(&fan, r.id).await.unwrap().status_at(w.clock.now()),
        crate::booking::reservation::ReservationStatus::Cancelled
    );
    assert_eq!(w.payments.relay().await.unwrap(), 2, "the payment's event and the refund's");
    assert!(w
        .mem
        .published
        .lock()
        .unwrap()
        .iter()
        .any(|e| e.kind == "ReservationCancelled" && e.id == refund.id.to_string()));
    let (other, _) = w.fan().await;
    assert!(w.holds.hold(&other, w.date, r.seat).await.is_ok(), "another fan can take it");
}

#[tokio::test]
async fn the_fee_follows_the_schedule_and_nothing_is_refundable_after_the_deadline() {
    let w = world().await;
    let (fan, r) = w.paid(2).await;
    w.clock.set(w.date.start().minus(DAY * 5));
    let refund = w.refunds.refund(fan.user, r.id, None).await.unwrap();
    assert_eq!(refund.fee, won(r.price.get() * 20 / 100), "5 days before: 20%");

    let (fan2, r2) = w.paid(3).await;
    w.clock.set(w.date.start().minus(DAY));
    let before = WalletStore::wallet(&*w.mem, fan2.user).await.unwrap().balance;
    assert_eq!(w.refunds.refund(fan2.user, r2.id, None).await, Err(Error::RefundDeadlinePassed));
    assert_eq!(WalletStore::wallet(&*w.mem, fan2.user).await.unwrap().balance, before, "nothing changed");
    assert!(matches!(seat_state(&w, &r2).await, SeatState::Sold { .. }));
}

#[tokio::test]
async fn a_seat_is_refunded_once_and_a_key_answers_its_first_outcome() {
    let w = world().await;
    let (fan, r) = w.paid(4).await;
    let key = IdempotencyKey::parse("refund-1").unwrap();
    let first = w.refunds.refund(fan.user, r.id, Some(key.clone())).await.unwrap();
    assert_eq!(w.refunds.refund(fan.user, r.id, Some(key)).await, Ok(first.clone()));
    assert_eq!(w.refunds.refund(fan.user, r.id, None).await, Ok(first.clone()), "a keyless repeat");
    let other_key = IdempotencyKey::parse("refund-2").unwrap();
    assert_eq!(w.refunds.refund(fan.user, r.id, Some(other_key)).await, Err(Error::AlreadyRefunded));
    assert_eq!(w.refunds.refunds(fan.user).await.unwrap(), vec![first]);
    assert_eq!(w.refunds.totals(&w.concert).await.unwrap().count, 1);
}

#[tokio::test]
async fn only_the_owner_of_a_paid_seat_is_refunded() {
    let w = world().await;
    let (fan, r) = w.paid(5).await;
    assert_eq!(w.refunds.refund(UserId::random(), r.id, None).await, Err(Error::ReservationNotFound));
    let (other, _) = w.fan().await;
    let held = w.holds.hold(&other, w.date, SeatNumber::new(6).unwrap()).await.unwrap();
    assert_eq!(w.refunds.refund(other.user, held.id, None).await, Err(Error::NotPaid));
    assert_eq!(
        w.mem.seat(&r.concert, r.date, r.seat).await.unwrap().unwrap().status_at(w.clock.now()),
        SeatStatus::Sold
    );
    let _ = fan;
}

#[tokio::test]
async fn a_refund_that_meets_a_conflict_reads_again_and_an_unknown_outcome_is_a_503() {
    let w = world().await;
    let (fan, r) = w.paid(7).await;
    w.mem.inject("refund", Error::Contention, false);
    w.refunds.refund(fan.user, r.id, None).await.unwrap();
    let (fan2, r2) = w.paid(8).await;
    w.mem.inject("refund", Error::Unavailable, true);
    assert_eq!(w.refunds.refund(fan2.user, r2.id, None).await, Err(Error::Unavailable));
    let again = w.refunds.refund(fan2.user, r2.id, None).await.unwrap();
    assert_eq!(w.refunds.refunds(fan2.user).await.unwrap(), vec![again], "refunded once");
}

#[tokio::test]
async fn a_sell_out_counted_before_a_refund_is_never_written_after_it() {
    let w = world().await;
    let (fan, r) = w.paid(9).await;
    let seen = w.mem.concert(&w.concert).await.unwrap().unwrap().refunds;
    w.refunds.refund(fan.user, r.id, None).await.unwrap();
    // The admitter counted the seats (all sold, say) before the refund, and writes now.
    w.mem.mark_sold_out(&w.concert, seen).await.unwrap();
    assert!(!w.mem.concert(&w.concert).await.unwrap().unwrap().sold_out, "the refunded seat keeps the sale open");
    w.mem.mark_sold_out(&w.concert, seen + 1).await.unwrap();
    assert!(w.mem.concert(&w.concert).await.unwrap().unwrap().sold_out, "a count after the refund is written");
}

#[test]
fn plan_refund_credits_the_price_less_the_schedules_fee_and_refuses_past_the_deadline() {
    let user = crate::values::ids::UserId::random();
    let date = crate::values::ids::ConcertDate::parse("2026-12-24").unwrap();
    let paid_at = date.start().minus(Duration::from_secs(30 * 24 * 3600));
    let payment = crate::values::ids::PaymentId::random();
    let reservation = Reservation {
        id: crate::values::ids::ReservationId::random(),
        user,
        concert: crate::values::ids::ConcertId::parse("c").unwrap(),
        date,
        seat: SeatNumber::new(1).unwrap(),
        price: won(100_000),
        created_at: paid_at,
        expires_at: paid_at,
        slot: 0,
        state: crate::booking::reservation::ReservationState::Confirmed { payment },
        checked_in: None,
        transferred_from: None,
    };
    let policy = crate::rules::refund_policy::RefundPolicy::standard();
    let wallet = crate::wallet::statement::Wallet { balance: won(5), entries: 3 };
    let limits = crate::values::money::WalletLimits { per_charge: won(1_000_000), ceiling: won(1_000_000) };
    let within_grace = paid_at.plus(Duration::from_secs(60));
    let plan =
        plan_refund(reservation.clone(), payment, paid_at, &policy, (wallet, &limits), within_grace, None).unwrap();
    assert_eq!((plan.refund.fee, plan.refund.amount, plan.refund.balance_after), (won(0), won(100_000), won(100_005)));
    assert_eq!((plan.refund.user, plan.refund.payment, plan.wallet), (user, payment, wallet));
    let at_the_show = date.start();
    assert_eq!(
        plan_refund(reservation.clone(), payment, paid_at, &policy, (wallet, &limits), at_the_show, None).err(),
        Some(Error::RefundDeadlinePassed)
    );
    // At the limit, a refund still goes back in full (above it by at most the refund)...
    let full = crate::wallet::statement::Wallet { balance: won(1_000_000), entries: 3 };
    let plan =
        plan_refund(reservation.clone(), payment, paid_at, &policy, (full, &limits), within_grace, None).unwrap();
    assert_eq!(plan.refund.balance_after, won(1_100_000));
    // ...but a wallet already above its limit takes no more refunds until it is spent down.
    let above = crate::wallet::statement::Wallet { balance: won(1_000_001), entries: 4 };
    assert_eq!(
        plan_refund(reservation, payment, paid_at, &policy, (above, &limits), within_grace, None).err(),
        Some(Error::BalanceLimit { limit: 1_000_000 })
    );
}

#[tokio::test]
async fn a_quote_tells_what_the_refund_at_that_instant_gives_back_and_writes_nothing() {
    let w = world().await;
    let (fan, r) = w.paid(7).await;
    w.clock.set(w.date.start().minus(DAY * 5));
    let before = WalletStore::wallet(&*w.mem, fan.user).await.unwrap().balance;
    let quote = w.refunds.quote(fan.user, r.id).await.unwrap();
    assert_eq!((quote.price, quote.fee), (r.price, won(r.price.get() * 20 / 100)), "5 days before: 20%");
    assert_eq!(quote.refund, won(r.price.get() - quote.fee.get()));
    assert_eq!(quote.quoted_at, w.clock.now());
    assert_eq!(WalletStore::wallet(&*w.mem, fan.user).await.unwrap().balance, before, "nothing credited");
    assert!(matches!(seat_state(&w, &r).await, SeatState::Sold { .. }), "still the fan's");
    let refund = w.refunds.refund(fan.user, r.id, None).await.unwrap();
    assert_eq!((refund.fee, refund.amount), (quote.fee, quote.refund), "the refund gives what was quoted");
    assert_eq!(w.refunds.quote(fan.user, r.id).await, Err(Error::AlreadyRefunded));
}

#[tokio::test]
async fn a_quote_is_refused_as_the_refund_would_be() {
    let w = world().await;
    let (fan, r) = w.paid(8).await;
    assert_eq!(w.refunds.quote(UserId::random(), r.id).await, Err(Error::ReservationNotFound), "someone else's");
    let (other, _) = w.fan().await;
    let held = w.holds.hold(&other, w.date, SeatNumber::new(9).unwrap()).await.unwrap();
    assert_eq!(w.refunds.quote(other.user, held.id).await, Err(Error::NotPaid), "a hold is cancelled, not refunded");
    w.clock.set(w.date.start().minus(DAY));
    assert_eq!(w.refunds.quote(fan.user, r.id).await, Err(Error::RefundDeadlinePassed));
}
