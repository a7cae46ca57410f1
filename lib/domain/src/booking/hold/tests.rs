//! Unit tests of `reservation`.

use super::*;
use crate::catalog::store::CatalogStore;
use crate::rules::seat_limit::SlotUse;
use crate::testkit::world::{world, World, HOLD};
use crate::values::ids::{PaymentId, UserId};

fn reservation(expires_ms: i64, state: ReservationState) -> Reservation {
    Reservation {
        id: ReservationId::random(),
        user: UserId::random(),
        concert: ConcertId::parse("c").unwrap(),
        date: ConcertDate::parse("2026-12-24").unwrap(),
        seat: SeatNumber::new(7).unwrap(),
        price: Won::new(150_000).unwrap(),
        created_at: Timestamp::from_millis(0),
        expires_at: Timestamp::from_millis(expires_ms),
        slot: 0,
        state,
        checked_in: None,
        transferred_from: None,
    }
}

#[test]
fn held_reservation_expires_at_its_deadline_exactly() {
    let r = reservation(1_000, ReservationState::Held);
    assert_eq!(r.status_at(Timestamp::from_millis(999)), ReservationStatus::Held);
    assert_eq!(r.status_at(Timestamp::from_millis(1_000)), ReservationStatus::Expired);
    assert_eq!(r.status_at(Timestamp::from_millis(1_001)), ReservationStatus::Expired);
}

#[test]
fn confirmed_reservation_never_expires() {
    let r = reservation(1_000, ReservationState::Confirmed { payment: PaymentId::random() });
    assert_eq!(r.status_at(Timestamp::from_millis(10_000)), ReservationStatus::Confirmed);
}

#[test]
fn released_reservation_stays_expired() {
    let r = reservation(1_000, ReservationState::Expired);
    assert_eq!(r.status_at(Timestamp::from_millis(0)), ReservationStatus::Expired);
}

#[tokio::test]
async fn a_hold_takes_the_seat_records_the_reservation_and_schedules_its_release() {
    let w = world().await;
    let (fan, _) = w.fan().await;
    let seat = SeatNumber::new(7).unwrap();
    let r = w.holds.hold(&fan, w.date, seat).await.unwrap();
    assert_eq!((r.user, r.seat, r.price.get()), (fan.user, seat, 220_000));
    assert_eq!(r.expires_at, w.clock.now().plus(HOLD));
    let stored = w.mem.seat(&w.concert, w.date, seat).await.unwrap().unwrap();
    assert_eq!(stored.status_at(w.clock.now()), SeatStatus::Held);
    assert_eq!(*w.mem.scheduled.lock().unwrap(), vec![(r.id, HOLD)]);
    assert_eq!(w.holds.get(&fan, r.id).await.unwrap(), r);
}

#[tokio::test]
async fn a_held_seat_is_refused_to_others_until_the_hold_ends() {
    let w = world().await;
    let (a, _) = w.fan().await;
    let (b, raw_b) = w.fan().await;
    let seat = SeatNumber::new(3).unwrap();
    let first = w.holds.hold(&a, w.date, seat).await.unwrap();
    assert_eq!(w.holds.hold(&b, w.date, seat).await, Err(Error::SeatUnavailable));
    assert_eq!(w.holds.hold(&a, w.date, seat).await, Ok(first), "its holder gets the same hold back, not a second");
    w.clock.advance(HOLD - Duration::from_millis(1));
    // Each of b's requests is authorized first, as the handlers do (it keeps b's slot).
    let b = w.again(&b, &raw_b).await;
    assert_eq!(w.holds.hold(&b, w.date, seat).await, Err(Error::SeatUnavailable));
    w.clock.advance(Duration::from_millis(1));
    let b = w.again(&b, &raw_b).await;
    assert!(w.holds.hold(&b, w.date, seat).await.is_ok());
}

#[tokio::test]
async fn unknown_seats_and_others_reservations_are_not_found() {
    let w = world().await;
    let (a, _) = w.fan().await;
    let (b, _) = w.fan().await;
    let other_day = ConcertDate::parse("2030-01-01").unwrap();
    assert_eq!(w.holds.hold(&a, other_day, SeatNumber::new(1).unwrap()).await, Err(Error::SeatNotFound));
    let r = w.holds.hold(&a, w.date, SeatNumber::new(1).unwrap()).await.unwrap();
    assert_eq!(w.holds.get(&b, r.id).await, Err(Error::ReservationNotFound));
    assert_eq!(w.holds.get(&a, ReservationId::random()).await, Err(Error::ReservationNotFound));
}

#[tokio::test]
async fn the_release_message_expires_only_unpaid_holds_whose_time_has_come() {
    let w = world().await;
    let (a, _) = w.fan().await;
    let seat = SeatNumber::new(5).unwrap();
    let r = w.holds.hold(&a, w.date, seat).await.unwrap();
    w.clock.advance(Duration::from_secs(100));
    w.holds.on_expiry_message(r.id).await.unwrap();
    assert_eq!(w.mem.reservation(r.id).await.unwrap().unwrap().state, ReservationState::Held, "early: kept");
    assert_eq!(
        w.mem.scheduled.lock().unwrap().last(),
        Some(&(r.id, HOLD - Duration::from_secs(100))),
        "looked at again later"
    );
    w.clock.advance(HOLD);
    w.holds.on_expiry_message(r.id).await.unwrap();
    w.holds.on_expiry_message(r.id).await.unwrap();
    assert_eq!(w.mem.reservation(r.id).await.unwrap().unwrap().state, ReservationState::Expired);
    let stored = w.mem.seat(&w.concert, w.date, seat).await.unwrap().unwrap();
    assert_eq!(stored.state, crate::catalog::concert::SeatState::Available);
    w.holds.on_expiry_message(ReservationId::random()).await.unwrap();
}

#[tokio::test]
async fn a_hold_cancelled_by_a_conflicting_transaction_reads_the_seat_again_and_retries() {
    let w = world().await;
    let (fan, _) = w.fan().await;
    w.mem.inject("hold", Error::Contention, false);
    w.mem.inject("hold", Error::Contention, false);
    let r = w.holds.hold(&fan, w.date, SeatNumber::new(11).unwrap()).await.unwrap();
    assert_eq!(w.mem.pending_faults(), 0, "both conflicts were met");
    assert_eq!(w.holds.get(&fan, r.id).await.unwrap().seat.get(), 11);
}

#[tokio::test]
async fn a_throttled_hold_is_retried_with_backoff_and_a_throttled_seat_read_too() {
    let w = world().await;
    let (fan, _) = w.fan().await;
    w.mem.inject("seat", Error::Throttled, false);
    w.mem.inject("hold", Error::Throttled, false);
    let r = w.holds.hold(&fan, w.date, SeatNumber::new(12).unwrap()).await.unwrap();
    assert_eq!(w.mem.pending_faults(), 0);
    assert_eq!(r.seat.get(), 12);
}

#[tokio::test]
async fn a_hold_with_an_unknown_outcome_answers_503_and_the_fans_retry_gets_that_same_hold() {
    let w = world().await;
    let (fan, _) = w.fan().await;
    let seat = SeatNumber::new(13).unwrap();
    w.mem.inject("hold", Error::Unavailable, true);
    assert_eq!(w.holds.hold(&fan, w.date, seat).await, Err(Error::Unavailable), "not retried blindly");
    let stored = w.mem.seat(&w.concert, w.date, seat).await.unwrap().unwrap();
    let crate::catalog::concert::SeatState::Held { by, reservation, .. } = stored.state else { panic!("{stored:?}") };
    assert_eq!(by, fan.user, "the write was applied");
    let again = w.holds.hold(&fan, w.date, seat).await.unwrap();
    assert_eq!(again.id, reservation, "the retry learns the reservation instead of SEAT_UNAVAILABLE");
    let (other, _) = w.fan().await;
    assert_eq!(w.holds.hold(&other, w.date, seat).await, Err(Error::SeatUnavailable));
}

#[tokio::test]
async fn a_hold_cancelled_for_a_defect_is_not_retried() {
    let w = world().await;
    let (fan, _) = w.fan().await;
    w.mem.inject("hold", Error::Infrastructure("ValidationError".into()), false);
    w.mem.inject("hold", Error::Infrastructure("ValidationError".into()), false);
    assert!(matches!(w.holds.hold(&fan, w.date, SeatNumber::new(14).unwrap()).await, Err(Error::Infrastructure(_))));
    assert_eq!(w.mem.pending_faults(), 1, "given up after the first");
}

#[tokio::test]
async fn an_account_holds_at_most_the_concerts_limit_and_an_expired_hold_stops_counting_at_its_instant() {
    let w = world().await;
    let (fan, raw) = w.fan().await;
    let limit = crate::catalog::concert::Concert::DEFAULT_SEAT_LIMIT;
    for n in 1..=i64::from(limit) {
        w.holds.hold(&fan, w.date, SeatNumber::new(n).unwrap()).await.unwrap();
    }
    let next = SeatNumber::new(40).unwrap();
    assert_eq!(w.holds.hold(&fan, w.date, next).await, Err(Error::SeatLimitReached { limit }));
    w.clock.advance(HOLD - std::time::Duration::from_millis(1));
    let fan = w.again(&fan, &raw).await;
    assert_eq!(w.holds.hold(&fan, w.date, next).await, Err(Error::SeatLimitReached { limit }), "1 ms early");
    w.clock.advance(std::time::Duration::from_millis(1));
    let fan = w.again(&fan, &raw).await;
    assert!(w.holds.hold(&fan, w.date, next).await.is_ok(), "every hold ended at its instant");
    let (other, _) = w.fan().await;
    assert!(w.holds.hold(&other, w.date, SeatNumber::new(41).unwrap()).await.is_ok(), "the limit is per account");
}

#[tokio::test]
async fn cancelling_a_hold_frees_the_seat_and_the_accounts_share_at_once() {
    let w = world().await;
    let (fan, _) = w.fan().await;
    let limit = i64::from(crate::catalog::concert::Concert::DEFAULT_SEAT_LIMIT);
    let mut holds = Vec::new();
    for n in 1..=limit {
        holds.push(w.holds.hold(&fan, w.date, SeatNumber::new(n).unwrap()).await.unwrap());
    }
    let first = &holds[0];
    let cancelled = w.holds.cancel(&fan, first.id).await.unwrap();
    assert_eq!(cancelled.status_at(w.clock.now()), ReservationStatus::Cancelled);
    assert_eq!(w.holds.cancel(&fan, first.id).await.unwrap().id, first.id, "cancelling again answers it again");
    let (other, _) = w.fan().await;
    assert!(w.holds.hold(&other, w.date, first.seat).await.is_ok(), "the seat is free at once");
    assert!(w.holds.hold(&fan, w.date, SeatNumber::new(45).unwrap()).await.is_ok(), "the share is back");
    assert!(matches!(
        w.holds.hold(&fan, w.date, SeatNumber::new(46).unwrap()).await,
        Err(Error::SeatLimitReached { .. })
    ));
}

#[tokio::test]
async fn only_an_unpaid_unexpired_hold_of_ones_own_can_be_cancelled() {
    let w = world().await;
    let (fan, _) = w.fan().await;
    let (other, _) = w.fan().await;
    let r = w.holds.hold(&fan, w.date, SeatNumber::new(30).unwrap()).await.unwrap();
    assert_eq!(w.holds.cancel(&other, r.id).await.map(|_| ()), Err(Error::ReservationNotFound));
    w.clock.advance(HOLD);
    assert_eq!(w.holds.cancel(&fan, r.id).await.map(|_| ()), Err(Error::HoldExpired));
}

#[tokio::test]
async fn a_cancel_that_meets_a_conflict_reads_again_and_finishes() {
    let w = world().await;
    let (fan, _) = w.fan().await;
    let r = w.holds.hold(&fan, w.date, SeatNumber::new(31).unwrap()).await.unwrap();
    w.mem.inject("cancel", Error::Contention, false);
    assert_eq!(w.holds.cancel(&fan, r.id).await.unwrap().state, ReservationState::Cancelled);
    assert_eq!(w.mem.pending_faults(), 0);
}

#[tokio::test]
async fn a_token_used_up_between_its_check_and_the_hold_cannot_hold() {
    let w = world().await;
    let (fan, raw) = w.fan().await;
    let first = w.holds.hold(&fan, w.date, SeatNumber::new(20).unwrap()).await.unwrap();
    w.mem.set_balance(fan.user, crate::testkit::world::won(1_000_000)).unwrap();
    w.payments.pay(fan.user, Some(&raw), &[first.id], None).await.unwrap();
    // `fan` was authorized before the payment used the token up: the hold's own
    // transaction checks the token, and nothing is taken.
    let seat = SeatNumber::new(21).unwrap();
    assert_eq!(w.holds.hold(&fan, w.date, seat).await, Err(Error::TokenExpired));
    assert_eq!(
        w.mem.seat(&w.concert, w.date, seat).await.unwrap().unwrap().state,
        crate::catalog::concert::SeatState::Available
    );
    assert_eq!(
        w.queue.authorize(fan.user, Some(&raw), &w.concert).await,
        Err(Error::TokenExpired),
        "the retry learns why"
    );
}

#[tokio::test]
async fn a_hold_keeps_its_fans_slot_until_the_hold_ends_so_deciding_to_pay_is_never_idle() {
    let w = world().await;
    let (fan, raw) = w.fan().await;
    // Checked in at 0 (slot to 300 s); at 100 s the slot is not yet due for renewal.
    w.clock.advance(Duration::from_secs(100));
    let fan = w.again(&fan, &raw).await;
    let slot = || async {
        match crate::line::store::LineStore::token(w.mem.as_ref(), fan.token).await.unwrap().map(|t| t.state) {
            Some(crate::line::token::TokenState::Active { slot_until, .. }) => slot_until,
            other => panic!("not active: {other:?}"),
        }
    };
    assert_eq!(slot().await, w.clock.now().plus(Duration::from_secs(200)));
    let hold = w.holds.hold(&fan, w.date, SeatNumber::new(22).unwrap()).await.unwrap();
    assert_eq!(slot().await, hold.expires_at, "a hold renews the slot to its own end");
    // No request for 250 s, past the slot as it was: the hold kept it to its own end.
    w.clock.advance(Duration::from_secs(250));
    w.mem.set_balance(fan.user, crate::testkit::world::won(1_000_000)).unwrap();
    assert!(w.payments.pay(fan.user, Some(&raw), &[hold.id], None).await.is_ok());
}

#[tokio::test]
async fn a_spent_pass_cannot_hold_or_pay_again() {
    let w = world().await;
    let (fan, raw) = w.fan().await;
    let pass = w.queue.current(fan.user, Some(&raw)).await.unwrap().pass.expect("pass").value;
    let presented = crate::line::token::Presented { token: None, pass: Some(&pass) };
    let by_pass = w.queue.authorize(fan.user, presented, &w.concert).await.unwrap();
    let first = w.holds.hold(&by_pass, w.date, SeatNumber::new(30).unwrap()).await.unwrap();
    w.mem.set_balance(fan.user, crate::testkit::world::won(1_000_000)).unwrap();
    w.payments.pay(fan.user, presented, &[first.id], None).await.unwrap();
    // The pass has not expired, but the payment used its token up.
    let by_pass = w.queue.authorize(fan.user, presented, &w.concert).await.unwrap();
    let seat = SeatNumber::new(31).unwrap();
    assert_eq!(w.holds.hold(&by_pass, w.date, seat).await, Err(Error::TokenExpired));
    assert_eq!(w.mem.seat(&w.concert, w.date, seat).await.unwrap().unwrap().state, SeatState::Available);
    assert_eq!(
        w.payments.pay(fan.user, presented, &[first.id], None).await.map(|p| p.seats.len()),
        Ok(1),
        "a repeat learns its payment"
    );
}

#[tokio::test]
async fn a_first_hold_reads_neither_the_seat_nor_the_account_and_a_second_reads_them_for_the_next_slot() {
    let w = world().await;
    let (fan, _) = w.fan().await;
    w.mem.inject("seat", Error::Infrastructure("the seat was read".into()), false);
    w.mem.inject("account", Error::Infrastructure("the account was read".into()), false);
    let first = w.holds.hold(&fan, w.date, SeatNumber::new(5).unwrap()).await.unwrap();
    assert_eq!((first.slot, first.price.get()), (0, 220_000), "priced from the date's seats");
    assert_eq!(w.mem.pending_faults(), 2, "the seat and the account were assumed free, not read");
    w.mem.seat(&w.concert, w.date, SeatNumber::new(5).unwrap()).await.unwrap_err();
    w.mem.account(&w.concert, fan.user).await.unwrap_err();
    // The first slot is taken now: the transaction says so, and the second try reads both.
    let second = w.holds.hold(&fan, w.date, SeatNumber::new(6).unwrap()).await.unwrap();
    assert_eq!(second.slot, 1);
    assert_eq!(w.holds.hold(&fan, w.date, SeatNumber::new(6).unwrap()).await, Ok(second), "a repeat finds its hold");
}

#[tokio::test]
async fn with_a_glance_a_hold_is_one_write_and_a_close_reaches_holds_within_the_glance() {
    let w = world().await;
    let w = World { holds: w.holds.glancing_for(Duration::from_secs(1)), ..w };
    let (a, _) = w.fan().await;
    let (b, raw_b) = w.fan().await;
    w.holds.hold(&a, w.date, SeatNumber::new(1).unwrap()).await.unwrap();
    for read in ["concert", "date_seats", "seat", "account"] {
        w.mem.inject(read, Error::Infrastructure(format!("{read} was read")), false);
    }
    w.holds.hold(&b, w.date, SeatNumber::new(2).unwrap()).await.unwrap();
    assert_eq!(w.mem.pending_faults(), 4, "nothing read: the sale and the prices from the glance");
    w.mem.concert(&w.concert).await.unwrap_err();
    w.mem.date_seats(&w.concert, w.date).await.unwrap_err();
    w.mem.seat(&w.concert, w.date, SeatNumber::new(1).unwrap()).await.unwrap_err();
    w.mem.account(&w.concert, b.user).await.unwrap_err();
    // The operator closes the sale: holds learn it once their glance is a second old.
    let before = w.mem.concert(&w.concert).await.unwrap().unwrap();
    let mut after = before.clone();
    after.sale.closes_at = w.clock.now();
    after.version += 1;
    assert!(w.mem.update_concert(&before, &after).await.unwrap());
    w.clock.advance(Duration::from_millis(999));
    let b = w.again(&b, &raw_b).await;
    assert!(w.holds.hold(&b, w.date, SeatNumber::new(3).unwrap()).await.is_ok(), "within the glance");
    w.clock.advance(Duration::from_millis(1));
    assert_eq!(w.holds.hold(&b, w.date, SeatNumber::new(4).unwrap()).await, Err(Error::SaleClosed));
}

#[tokio::test]
async fn the_prices_of_a_date_without_seats_are_not_kept() {
    let w = world().await;
    let w = World { holds: w.holds.glancing_for(Duration::from_secs(1)), ..w };
    let (fan, _) = w.fan().await;
    let made_up = ConcertDate::parse("2030-01-01").unwrap();
    let seat = SeatNumber::new(1).unwrap();
    assert_eq!(w.holds.hold(&fan, made_up, seat).await, Err(Error::SeatNotFound));
    w.mem.inject("date_seats", Error::Infrastructure("the date was read".into()), false);
    assert_eq!(w.holds.hold(&fan, made_up, seat).await, Err(Error::Infrastructure("the date was read".into())));
    w.holds.hold(&fan, w.date, seat).await.unwrap();
    w.mem.inject("date_seats", Error::Infrastructure("the date was read".into()), false);
    w.holds.hold(&fan, w.date, SeatNumber::new(2).unwrap()).await.unwrap();
    assert_eq!(w.mem.pending_faults(), 1, "a real date's prices are kept");
}

fn admitted(user: UserId) -> Admission {
    Admission {
        token: crate::values::ids::TokenId::random(),
        user,
        concert: ConcertId::parse("plan-concert").unwrap(),
        active_until: Timestamp::from_millis(10_000_000),
    }
}

fn seat(state: SeatState) -> Option<Seat> {
    Some(Seat {
        date: ConcertDate::parse("2026-12-24").unwrap(),
        number: SeatNumber::new(7).unwrap(),
        price: Won::new(1000).unwrap(),
        state,
    })
}

#[test]
fn plan_hold_takes_a_free_seat_on_the_accounts_free_slot_until_the_hold_ends() {
    let who = admitted(UserId::random());
    let (date, now) = (ConcertDate::parse("2026-12-24").unwrap(), Timestamp::from_millis(1_000));
    let plan = plan_holds(&who, date, &[seat(SeatState::Available)], &AccountSeats::default(), 4, now, HOLD).unwrap();
    let HoldPlan::Take(taken) = plan else { panic!("a free seat is taken: {plan:?}") };
    let r = &taken[0];
    assert_eq!((taken.len(), r.user, r.seat.get(), r.price.get(), r.slot), (1, who.user, 7, 1000, 0));
    assert_eq!((r.created_at, r.expires_at, r.state), (now, now.plus(HOLD), ReservationState::Held));
}

#[test]
fn plan_hold_refuses_a_missing_or_taken_seat_and_a_full_account_and_answers_a_repeat_with_the_live_hold() {
    let who = admitted(UserId::random());
    let (date, now) = (ConcertDate::parse("2026-12-24").unwrap(), Timestamp::from_millis(1_000));
    let free = AccountSeats::default();
    let plan = |seat, account: &AccountSeats, limit| plan_holds(&who, date, &[seat], account, limit, now, HOLD);
    assert_eq!(plan(None, &free, 4), Err(Error::SeatNotFound));
    let mine = ReservationId::random();
    let held_until = |by, until| SeatState::Held { by, reservation: mine, until: Timestamp::from_millis(until) };
    assert_eq!(
        plan(seat(held_until(who.user, 2_000)), &free, 4),
        Ok(HoldPlan::Mine(vec![mine])),
        "the fan's own live hold"
    );
    assert_eq!(plan(seat(held_until(UserId::random(), 2_000)), &free, 4), Err(Error::SeatUnavailable));
    assert!(
        matches!(plan(seat(held_until(UserId::random(), 1_000)), &free, 4), Ok(HoldPlan::Take(_))),
        "a hold ends at its deadline exactly"
    );
    assert_eq!(
        plan(seat(SeatState::Sold { by: UserId::random(), reservation: mine }), &free, 4),
        Err(Error::SeatUnavailable)
    );
    assert_eq!(plan(seat(SeatState::Available), &free, 0), Err(Error::SeatLimitReached { limit: 0 }), "no free slot");
}

fn numbered(n: i64, state: SeatState) -> Option<Seat> {
    seat(state).map(|s| Seat { number: SeatNumber::new(n).unwrap(), ..s })
}

#[test]
fn plan_holds_takes_seats_together_on_as_many_free_slots_or_none() {
    let who = admitted(UserId::random());
    let (date, now) = (ConcertDate::parse("2026-12-24").unwrap(), Timestamp::from_millis(1_000));
    let free = |n| numbered(n, SeatState::Available);
    let used = SlotUse { reservation: ReservationId::random(), until: SlotUse::FOREVER };
    let one_used = AccountSeats { slots: vec![None, Some(used)] };
    let plan = plan_holds(&who, date, &[free(3), free(4), free(5)], &one_used, 4, now, HOLD).unwrap();
    let HoldPlan::Take(taken) = plan else { panic!("{plan:?}") };
    let got: Vec<(u8, u8)> = taken.iter().map(|r| (r.seat.get(), r.slot)).collect();
    assert_eq!(got, [(3, 0), (4, 2), (5, 3)], "each seat on its own free slot, lowest first");
    assert_eq!(
        plan_holds(&who, date, &[free(3), free(4), free(5), free(6)], &one_used, 4, now, HOLD),
        Err(Error::SeatLimitReached { limit: 4 }),
        "four seats need four free slots"
    );
    let sold = numbered(4, SeatState::Sold { by: UserId::random(), reservation: ReservationId::random() });
    assert_eq!(plan_holds(&who, date, &[free(3), sold, free(5)], &one_used, 4, now, HOLD), Err(Error::SeatUnavailable));
    assert_eq!(plan_holds(&who, date, &[free(3), None], &one_used, 4, now, HOLD), Err(Error::SeatNotFound));
    let (a, b) = (ReservationId::random(), ReservationId::random());
    let mine =
        |n, r| numbered(n, SeatState::Held { by: who.user, reservation: r, until: Timestamp::from_millis(2_000) });
    assert_eq!(
        plan_holds(&who, date, &[mine(3, a), mine(4, b)], &one_used, 4, now, HOLD),
        Ok(HoldPlan::Mine(vec![a, b]))
    );
    assert_eq!(
        plan_holds(&who, date, &[mine(3, a), free(4)], &one_used, 4, now, HOLD),
        Err(Error::SeatUnavailable),
        "one of them the fan's own: not a repeat, and the seat is not free"
    );
}

fn numbers(list: &[i64]) -> Vec<SeatNumber> {
    list.iter().map(|&n| SeatNumber::new(n).unwrap()).collect()
}

#[tokio::test]
async fn seats_held_together_are_all_held_or_none_and_a_repeat_answers_the_same_holds() {
    let w = world().await;
    let (a, _) = w.fan().await;
    let (b, _) = w.fan().await;
    let held = w.holds.hold_together(&a, w.date, &numbers(&[11, 12, 13])).await.unwrap();
    assert_eq!(held.iter().map(|r| (r.seat.get(), r.slot)).collect::<Vec<_>>(), [(11, 0), (12, 1), (13, 2)]);
    let again = w.holds.hold_together(&a, w.date, &numbers(&[11, 12, 13])).await.unwrap();
    assert_eq!(again.iter().map(|r| r.id).collect::<Vec<_>>(), held.iter().map(|r| r.id).collect::<Vec<_>>());
    assert_eq!(
        w.holds.hold_together(&b, w.date, &numbers(&[14, 13])).await.map(|_| ()),
        Err(Error::SeatUnavailable),
        "13 is A's"
    );
    let fourteen = w.mem.seat(&w.concert, w.date, SeatNumber::new(14).unwrap()).await.unwrap().unwrap();
    assert_eq!(fourteen.state, SeatState::Available, "none held: 14 stays free");
    assert_eq!(
        w.holds.hold_together(&a, w.date, &numbers(&[14, 15])).await.map(|_| ()),
        Err(Error::SeatLimitReached { limit: 4 }),
        "three held and two more"
    );
    assert!(matches!(w.holds.hold_together(&b, w.date, &numbers(&[20, 20])).await, Err(Error::InvalidInput(_))));
    assert!(matches!(w.holds.hold_together(&b, w.date, &[]).await, Err(Error::InvalidInput(_))));
}

#[tokio::test]
async fn best_available_holds_seats_side_by_side_in_the_front_rows_and_says_when_there_are_none() {
    let w = world().await;
    let (a, _) = w.fan().await;
    let held = w.holds.hold_best(&a, w.date, 3).await.unwrap();
    let mut seats: Vec<u8> = held.iter().map(|r| r.seat.get()).collect();
    seats.sort();
    assert_eq!((seats[1], seats[2]), (seats[0] + 1, seats[0] + 2), "side by side: {seats:?}");
    assert_eq!((seats[0] - 1) / 10, (seats[2] - 1) / 10, "in one row of ten: {seats:?}");
    // The 8 best disjoint blocks of 3 fit in the three front rows (3 a row): one of them.
    assert!(seats[2] <= 30, "in the three front rows, nearest the stage: {seats:?}");
    // Leave one free seat in every run of three: nobody can sit three together.
    let (b, _) = w.fan().await;
    let mut taker = b;
    let mut taken = 0;
    for n in (3..=50).step_by(3) {
        if seats.contains(&(n as u8)) {
            continue;
        }
        if taken == 4 {
            taker = w.fan().await.0;
            taken = 0;
        }
        if w.holds.hold(&taker, w.date, SeatNumber::new(n).unwrap()).await.is_ok() {
            taken += 1;
        }
    }
    let (c, _) = w.fan().await;
    assert!(w.holds.hold_best(&c, w.date, 2).await.is_ok(), "two together are still free");
    let (d, _) = w.fan().await;
    assert_eq!(w.holds.hold_best(&d, w.date, 3).await.map(|_| ()), Err(Error::NoSeatsTogether { count: 3 }));
}
