//! DynamoDB's real failure modes, produced on purpose by the local DynamoDB's fault
//! injector (scripts/moto_server.py): each named case meets its fault exactly where AWS
//! would produce it, and the service still answers correctly with nothing half-done.

use domain::catalog::concert::SeatState;
use domain::catalog::store::CatalogStore;
use domain::values::ids::{ConcertDate, SeatNumber};
use integration_tests::*;
use serde_json::json;

const DATE: &str = "2026-12-24";

/// One request as the case sends it; under the random fault mix also running, a 503 the
/// mix added after the case's own fault is sent again, as the fan would.
async fn once_or_again(request: Request<'_>) -> Answer {
    let a = request.clone().once().await;
    if faults_on() && a.status == 503 {
        request.await
    } else {
        a
    }
}

#[tokio::test]
async fn a_hold_whose_commit_is_followed_by_a_500_answers_201_and_the_seat_is_the_fans() {
    let app = App::start().await;
    let concert = app.new_concert(&[DATE]).await;
    let fan = app.fan(&concert).await;
    // The hold's transaction is applied, then answered with HTTP 500; the SDK retries it
    // with the same ClientRequestToken, which DynamoDB (and the injector) answer, not apply.
    let rule = add_fault("TransactWriteItems", &format!("CONCERT#{concert}"), "after_commit", 1);
    let a = once_or_again(app.hold(&concert, DATE, 7).token(&fan.token)).await;
    assert_eq!(fault_left(rule), 0, "the fault was met");
    assert_eq!(a.status, 201, "{a:?}");
    let (date, seven) = (ConcertDate::parse(DATE).unwrap(), SeatNumber::new(7).unwrap());
    let seat = setup(|| app.catalog_store.seat(&concert, date, seven)).await.unwrap();
    assert!(matches!(seat.state, SeatState::Held { by, .. } if by == fan.user), "{seat:?}");
}

#[tokio::test]
async fn a_hold_the_fan_sends_again_after_losing_the_answer_gets_the_same_reservation() {
    let app = App::start().await;
    let concert = app.new_concert(&[DATE]).await;
    let fans = app.admitted_fans(&concert, 2).await;
    let first = app.hold(&concert, DATE, 9).token(&fans[0].token).await;
    assert_eq!(first.status, 201, "{first:?}");
    let again = app.hold(&concert, DATE, 9).token(&fans[0].token).await;
    assert_eq!(again.status, 201, "{again:?}");
    assert_eq!(again.body["reservationId"], first.body["reservationId"], "the same hold, not SEAT_UNAVAILABLE");
    let other = app.hold(&concert, DATE, 9).token(&fans[1].token).await;
    assert_eq!((other.status, other.code()), (409, "SEAT_UNAVAILABLE"));
}

#[tokio::test]
async fn a_keyless_payment_whose_commit_is_followed_by_a_500_answers_201_once_and_debits_once() {
    let app = App::start().await;
    let concert = app.new_concert(&[DATE]).await;
    let fan = app.fan(&concert).await;
    app.charge(fan.user, 1_000_000).key("c1").await;
    let held = app.hold(&concert, DATE, 3).token(&fan.token).await;
    let reservation = held.text("reservationId");
    let price = held.number("price");

    let rule = add_fault("TransactWriteItems", reservation, "after_commit", 1);
    let paid = once_or_again(app.pay(reservation).token(&fan.token)).await;
    assert_eq!(fault_left(rule), 0, "the fault was met");
    assert_eq!(paid.status, 201, "{paid:?}");
    // The fan's own retry (a new request, no key) gets the same payment, not ALREADY_PAID.
    let again = app.pay(reservation).token(&fan.token).await;
    assert_eq!((again.status, &again.body["paymentId"]), (201, &paid.body["paymentId"]), "{again:?}");
    assert_eq!(app.balance(fan.user).await, 1_000_000 - price, "debited once");
    let payments = app.payments(fan.user).await;
    assert_eq!(payments.body["payments"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_token_issue_during_an_admitter_transaction_gets_its_place_not_a_500() {
    let app = App::start().await;
    let concert = app.new_concert(&[DATE]).await;
    app.admitted_fans(&concert, 3).await;
    // The arrival stripe's ADD meets a transaction in flight on the same item:
    // TransactionConflictException, which the SDK does not retry.
    let rule = add_fault("UpdateItem", &format!("ARRIVALS#{concert}#"), "conflict", 2);
    let user = domain::values::ids::UserId::random();
    let a = once_or_again(app.join_for(user, &concert)).await;
    assert_eq!(fault_left(rule), 0, "both conflicts were met");
    // (Under the random mix too, a token write whose answer was lost is found on the resend.)
    assert!(a.status == 201 || (faults_on() && a.status == 200), "{a:?}");
    // Right behind the three let in: only numbers nobody holds yet on the other stripes
    // between (a number spent by a random fault ahead may count too).
    let position = a.body["position"].as_u64().expect("a position");
    assert!(position < u64::from(domain::rules::arrivals::STRIPES) || faults_on(), "{a:?}");
}

#[tokio::test]
async fn a_keyless_charge_whose_commit_is_followed_by_a_500_is_credited_once() {
    let app = App::start().await;
    let user = domain::values::ids::UserId::random();
    let rule = add_fault("TransactWriteItems", &user.to_string(), "after_commit", 1);
    let a = app.charge(user, 5_000).once().await;
    assert_eq!(fault_left(rule), 0);
    // The SDK sent the transaction again with its ClientRequestToken: answered, not re-applied.
    // (Under the random mix too, the SDK's further attempts may all be refused: then the
    // service cannot know, and says so.)
    let unknown = faults_on() && (a.status, a.code()) == (503, "CHARGE_OUTCOME_UNKNOWN");
    assert!(unknown || (a.status, &a.body["balance"]) == (200, &json!(5_000)), "{a:?}");
    assert_eq!(app.balance(user).await, 5_000, "applied once");
}

#[tokio::test]
async fn a_keyless_charge_whose_outcome_stays_unknown_answers_503_and_says_so() {
    let app = App::start().await;
    let user = domain::values::ids::UserId::random();
    // Every attempt the SDK makes is applied (or replayed) and answered with a 500.
    let rule = add_fault("TransactWriteItems", &user.to_string(), "after_commit", 10);
    let a = app.charge(user, 5_000).once().await;
    assert!(fault_left(rule) < 9, "the SDK tried again");
    assert_eq!((a.status, a.code()), (503, "CHARGE_OUTCOME_UNKNOWN"), "{a:?}");
    let statement = app.get(format!("/users/{user}/statement")).await;
    assert_eq!(statement.body["entries"].as_array().map(Vec::len), Some(1), "applied once: {statement:?}");
    assert_eq!(statement.body["entries"][0]["balanceAfter"], 5_000);
}

#[tokio::test]
async fn a_keyed_charge_whose_commit_is_followed_by_a_dropped_connection_credits_once() {
    let app = App::start().await;
    let user = domain::values::ids::UserId::random();
    let rule = add_fault("TransactWriteItems", &user.to_string(), "after_commit_drop", 1);
    let charge = app.charge(user, 7_000).key("once");
    let a = charge.clone().await;
    assert_eq!(fault_left(rule), 0);
    assert_eq!((a.status, &a.body["balance"]), (200, &json!(7_000)), "{a:?}");
    let again = charge.await;
    assert_eq!(again.body, a.body);
    assert_eq!(app.balance(user).await, 7_000);
}
