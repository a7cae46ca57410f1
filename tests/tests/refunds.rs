//! Refunds of paid seats against the emulators: once from any number of instances, by the
//! schedule at the instant, and the seat resold with everyone's money right.

use std::time::Duration;

use domain::values::ids::ConcertDate;
use integration_tests::*;
use serde_json::json;

const SWARM: &str = env!("CARGO_BIN_EXE_swarm");
/// A show far enough ahead that the schedule's base stretch (no fee) applies.
const DATE: &str = "2030-06-01";

#[tokio::test]
async fn twenty_concurrent_refunds_of_one_paid_seat_from_four_processes_refund_once() {
    let app = App::start().await;
    let concert = app.new_concert(&[DATE]).await;
    let (fan, id, price) = app.bought(&concert, DATE, 3).await;
    let calls: Vec<Call> = (0..20).map(|_| Call::refund(&id).as_user(fan.user)).collect();
    let jobs = split(&calls, 4).into_iter().map(|calls| Job::Calls { calls, concurrency: 5 }).collect();
    let answers: Vec<Answer> = swarm(SWARM, jobs, &[]).into_iter().flatten().collect();
    assert!(answers.iter().all(|a| a.status == 200), "{answers:?}");
    let ids: std::collections::HashSet<&str> = answers.iter().map(|a| a.body["refundId"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 1, "one refund, answered to every repeat");
    assert_eq!(app.balance(fan.user).await, 1_000_000, "the price came back once");
    let list = app.payments(fan.user).await;
    assert_eq!(list.body["refunds"].as_array().unwrap().len(), 1);
    assert_eq!(list.body["refunds"][0]["refunded"], price);
}

#[tokio::test]
async fn a_refund_after_the_deadline_is_refused_and_changes_nothing() {
    let app = App::start().await;
    let concert = app.new_concert(&[DATE]).await;
    let (fan, id, price) = app.bought(&concert, DATE, 4).await;
    let show = ConcertDate::parse(DATE).unwrap().start();
    let late = App::at(show.minus(Duration::from_secs(3600))).await;
    let a = late.refund(&id).as_user(fan.user).await;
    assert_eq!((a.status, a.code()), (409, "REFUND_DEADLINE_PASSED"), "{a:?}");
    assert_eq!(app.balance(fan.user).await, 1_000_000 - price);
    let reservation = app.reservation(&id).token(&fan.token).await;
    // The token was used up by the payment; read the seat through the operator's numbers instead.
    assert_eq!(reservation.status, 410);
    let numbers = app.numbers(&concert).await;
    assert_eq!(numbers.body["dates"][0]["soldSeats"], 1, "still sold: {numbers:?}");
}

#[tokio::test]
async fn a_refunded_seat_is_resold_and_nobodys_money_or_seat_is_wrong() {
    let app = App::start().await;
    let concert = app.new_concert(&[DATE]).await;
    let (first, id, price) = app.bought(&concert, DATE, 5).await;
    let refunded = app.refund(&id).as_user(first.user).await;
    assert_eq!((refunded.status, &refunded.body["refunded"]), (200, &json!(price)), "{refunded:?}");
    let (second, id2, _) = app.bought(&concert, DATE, 5).await;
    assert_ne!(id, id2);
    assert_eq!(app.balance(first.user).await, 1_000_000);
    assert_eq!(app.balance(second.user).await, 1_000_000 - price);
    // The first fan cannot be refunded again, nor touch the second fan's seat.
    let again = app.refund(&id).as_user(first.user).key("another").await;
    assert_eq!(again.code(), "ALREADY_REFUNDED", "{again:?}");
    let theirs = app.refund(&id2).as_user(first.user).await;
    assert_eq!(theirs.status, 404);
    let numbers = app.numbers(&concert).await;
    assert_eq!(numbers.body["dates"][0]["soldSeats"], 1);
    assert_eq!(numbers.body["refunds"]["count"], 1);
    assert_eq!(numbers.body["netRevenue"], price, "one seat sold, no fee kept on the free refund");
}

#[tokio::test]
async fn a_quote_shows_what_the_refund_gives_back_and_changes_nothing() {
    let app = App::start().await;
    let concert = app.new_concert(&[DATE]).await;
    let (fan, id, price) = app.bought(&concert, DATE, 6).await;
    let quote = app.get(format!("/reservations/{id}/refund")).as_user(fan.user).await;
    assert_eq!(quote.status, 200, "{quote:?}");
    assert_eq!((quote.number("price"), quote.number("fee"), quote.number("refund")), (price, 0, price));
    assert_eq!(app.balance(fan.user).await, 1_000_000 - price, "a quote credits nothing");
    let theirs = app.get(format!("/reservations/{id}/refund")).as_user(domain::values::ids::UserId::random()).await;
    assert_eq!((theirs.status, theirs.code()), (404, "RESERVATION_NOT_FOUND"), "{theirs:?}");
    let refunded = app.refund(&id).as_user(fan.user).await;
    assert_eq!(refunded.number("refunded"), quote.number("refund"));
    let again = app.get(format!("/reservations/{id}/refund")).as_user(fan.user).await;
    assert_eq!((again.status, again.code()), (409, "ALREADY_REFUNDED"), "{again:?}");
}
