//! Refunds of paid seats against the emulators: once from any number of instances, by the
//! schedule at the instant, and the seat resold with everyone's money right.

use std::sync::Arc;
use std::time::Duration;

use domain::values::clock::ManualClock;
use domain::values::ids::{ConcertDate, UserId};
use edge::wiring::Services;
use integration_tests::*;
use serde_json::json;

const SWARM: &str = env!("CARGO_BIN_EXE_swarm");
/// A show far enough ahead that the schedule's base stretch (no fee) applies.
const DATE: &str = "2030-06-01";

fn hold(concert: &str, seat: i64, token: &str) -> Call {
    Call::post("/reservations", json!({ "concertId": concert, "date": DATE, "seatNumber": seat })).token(token)
}

async fn balance(s: &Services, user: UserId) -> i64 {
    call(s, &routes(), &Call::get(format!("/users/{user}/balance"))).await.body["balance"].as_i64().unwrap()
}

/// A fan of `concert` who paid seat `seat`; returns (fan, reservation id, price).
async fn bought(s: &Services, concert: &domain::values::ids::ConcertId, seat: i64) -> (Fan, String, i64) {
    let fan = admitted_fans(s, concert, 1).await.remove(0);
    let r = routes();
    call(s, &r, &Call::post(format!("/users/{}/balance/charges", fan.user), json!({ "amount": 1_000_000 })).key("top"))
        .await;
    let held = call(s, &r, &hold(concert.as_str(), seat, &fan.token)).await;
    assert_eq!(held.status, 201, "{held:?}");
    let id = held.body["reservationId"].as_str().unwrap().to_owned();
    let paid = call(s, &r, &Call::post("/payments", json!({ "reservationId": id })).token(&fan.token).key("pay")).await;
    assert_eq!(paid.status, 201, "{paid:?}");
    (fan, id, held.body["price"].as_i64().unwrap())
}

fn refund(id: &str, user: UserId) -> Call {
    Call::post(format!("/reservations/{id}/refund"), json!({})).as_user(user)
}

#[tokio::test]
async fn twenty_concurrent_refunds_of_one_paid_seat_from_four_processes_refund_once() {
    let s = services().await;
    let concert = new_concert(&s, &[DATE]).await;
    let (fan, id, price) = bought(&s, &concert, 3).await;
    let calls: Vec<Call> = (0..20).map(|_| refund(&id, fan.user)).collect();
    let jobs = split(&calls, 4).into_iter().map(|calls| Job::Calls { calls, concurrency: 5 }).collect();
    let answers: Vec<Answer> = swarm(SWARM, jobs, &[]).into_iter().flatten().collect();
    assert!(answers.iter().all(|a| a.status == 200), "{answers:?}");
    let ids: std::collections::HashSet<&str> = answers.iter().map(|a| a.body["refundId"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 1, "one refund, answered to every repeat");
    assert_eq!(balance(&s, fan.user).await, 1_000_000, "the price came back once");
    let list = call(&s, &routes(), &Call::get(format!("/users/{}/payments", fan.user))).await;
    assert_eq!(list.body["refunds"].as_array().unwrap().len(), 1);
    assert_eq!(list.body["refunds"][0]["refunded"], price);
}

#[tokio::test]
async fn a_refund_after_the_deadline_is_refused_and_changes_nothing() {
    let s = services().await;
    let concert = new_concert(&s, &[DATE]).await;
    let (fan, id, price) = bought(&s, &concert, 4).await;
    let show = ConcertDate::parse(DATE).unwrap().start();
    let late: Arc<Services> =
        services_with(Arc::new(ManualClock::at(show.minus(Duration::from_secs(3600)))), |_| {}).await;
    let a = call(&late, &routes(), &refund(&id, fan.user)).await;
    assert_eq!((a.status, a.code()), (409, "REFUND_DEADLINE_PASSED"), "{a:?}");
    assert_eq!(balance(&s, fan.user).await, 1_000_000 - price);
    let reservation = call(&s, &routes(), &Call::get(format!("/reservations/{id}")).token(&fan.token)).await;
    // The token was used up by the payment; read the seat through the operator's numbers instead.
    assert_eq!(reservation.status, 410);
    let numbers = call(
        &s,
        &routes(),
        &Call::get(format!("/operator/concerts/{concert}")).sign_in(SignIn::As(UserId::random().to_string(), true)),
    )
    .await;
    assert_eq!(numbers.body["dates"][0]["soldSeats"], 1, "still sold: {numbers:?}");
}

#[tokio::test]
async fn a_refunded_seat_is_resold_and_nobodys_money_or_seat_is_wrong() {
    let s = services().await;
    let r = routes();
    let concert = new_concert(&s, &[DATE]).await;
    let (first, id, price) = bought(&s, &concert, 5).await;
    let refunded = call(&s, &r, &refund(&id, first.user)).await;
    assert_eq!((refunded.status, &refunded.body["refunded"]), (200, &json!(price)), "{refunded:?}");
    let (second, id2, _) = bought(&s, &concert, 5).await;
    assert_ne!(id, id2);
    assert_eq!(balance(&s, first.user).await, 1_000_000);
    assert_eq!(balance(&s, second.user).await, 1_000_000 - price);
    // The first fan cannot be refunded again, nor touch the second fan's seat.
    let again = call(&s, &r, &refund(&id, first.user).key("another")).await;
    assert_eq!(again.code(), "ALREADY_REFUNDED", "{again:?}");
    let theirs = call(&s, &r, &refund(&id2, first.user)).await;
    assert_eq!(theirs.status, 404);
    let numbers = call(
        &s,
        &r,
        &Call::get(format!("/operator/concerts/{concert}")).sign_in(SignIn::As(UserId::random().to_string(), true)),
    )
    .await;
    assert_eq!(numbers.body["dates"][0]["soldSeats"], 1);
    assert_eq!(numbers.body["refunds"]["count"], 1);
    assert_eq!(numbers.body["netRevenue"], price, "one seat sold, no fee kept on the free refund");
}
