//! What about 8,600 hostile requests found writing what they should not (issue 19, defects
//! 11-13 and 15), each sent again through the routes against the strict local stack: each
//! is refused with a clear 4xx and writes nothing.

use std::sync::Arc;

use domain::values::clock::{Clock, SystemClock};
use domain::values::ids::{ConcertDate, UserId};
use domain::values::money::Won;
use integration_tests::*;
use serde_json::{json, Value};

/// A show far enough ahead that a refund is free (the schedule's base stretch).
const DATE: &str = "2030-06-01";

/// A valid ConcertSpec for a show some weeks ahead, on sale from now, with `change` applied.
fn spec(change: impl FnOnce(&mut Value)) -> Value {
    let now = SystemClock.now();
    let show = ConcertDate::days_after(now, 60).expect("a date").to_string();
    let mut spec = json!({
        "concertId": format!("probe-{}", &uuid::Uuid::new_v4().simple().to_string()[..10]),
        "title": "Probe", "venue": "Test hall",
        "dates": [{ "date": show, "seats": 10 }],
        "priceTiers": [{ "fromSeat": 1, "toSeat": 50, "price": 100_000 }],
        "sale": { "preQueueAt": now.to_rfc3339(), "opensAt": now.to_rfc3339(),
                  "closesAt": now.plus(std::time::Duration::from_secs(7 * 24 * 3600)).to_rfc3339() },
    });
    change(&mut spec);
    spec
}

/// Create `spec` as an operator; if refused, also check that nothing was created.
async fn refused(app: &App, spec: Value) -> Answer {
    let answer = app.post("/operator/concerts", spec.clone()).as_operator().await;
    let id = spec["concertId"].as_str().unwrap_or_default();
    let read = app.get(format!("/operator/concerts/{id}")).as_operator().await;
    assert_eq!(read.status, 404, "nothing created for a refused spec: {answer:?}");
    answer
}

#[tokio::test]
async fn defect_11_refunds_carry_a_wallet_above_its_limit_by_one_refund_at_most() {
    const CEILING: i64 = 2_000_000;
    let app = App::with(Arc::new(SystemClock), |s| s.wallet.ceiling = Won::new(CEILING).unwrap()).await;
    let concert = app.new_concert(&[DATE]).await;
    let fan = app.fan(&concert).await;
    app.charge(fan.user, 1_000_000).key("top").await;
    let mut paid = Vec::new();
    for seat in [1, 2] {
        let held = app.hold(&concert, DATE, seat).token(&fan.token).await;
        assert_eq!(held.status, 201, "{held:?}");
        paid.push((held.text("reservationId").to_owned(), held.number("price")));
    }
    let ids: Vec<&str> = paid.iter().map(|(id, _)| id.as_str()).collect();
    let pay = app.post("/payments", json!({ "reservationIds": ids })).token(&fan.token).key("pay").await;
    assert_eq!(pay.status, 201, "{pay:?}");
    let left = app.balance(fan.user).await;
    let top_up = app.charge(fan.user, CEILING - left).key("to-the-limit").await;
    assert_eq!(top_up.status, 200, "{top_up:?}");
    assert_eq!(app.balance(fan.user).await, CEILING);
    let first = app.refund(&paid[0].0).as_user(fan.user).await;
    assert_eq!(first.status, 200, "money owed goes back in full from within the limit: {first:?}");
    let second = app.refund(&paid[1].0).as_user(fan.user).await;
    assert_eq!((second.status, second.code()), (409, "BALANCE_LIMIT"), "{second:?}");
    assert_eq!(app.balance(fan.user).await, CEILING + paid[0].1, "above the limit by one refund, no more");
}

#[tokio::test]
async fn defect_12_a_sale_for_a_show_already_over_or_closing_after_it_is_refused() {
    let app = App::start().await;
    let past = refused(&app, spec(|s| s["dates"][0]["date"] = json!("2020-01-01"))).await;
    assert_eq!(past.status, 400, "{past:?}");
    let late = refused(
        &app,
        spec(|s| {
            let show = ConcertDate::parse(s["dates"][0]["date"].as_str().unwrap()).unwrap();
            s["sale"]["closesAt"] =
                json!(show.start().plus(std::time::Duration::from_secs(3 * 24 * 3600)).to_rfc3339());
        }),
    )
    .await;
    assert_eq!(late.status, 400, "a sale closing after the last show: {late:?}");
}

#[tokio::test]
async fn defect_13_a_json_array_is_refused_where_an_object_is_expected() {
    let app = App::start().await;
    let user = UserId::random();
    let charge = app.post(format!("/users/{user}/balance/charges"), json!([5])).as_user(user).await;
    assert_eq!((charge.status, charge.code()), (400, "INVALID_REQUEST"), "{charge:?}");
    assert_eq!(app.balance(user).await, 0, "nothing charged");
    let concert = app.new_concert(&[DATE]).await;
    let fan = app.fan(&concert).await;
    let hold = app.post("/reservations", json!([concert.as_str(), DATE, 7])).token(&fan.token).await;
    assert_eq!((hold.status, hold.code()), (400, "INVALID_REQUEST"), "{hold:?}");
    let seats = app.seats(&concert, DATE).token(&fan.token).await;
    let seat7 = seats.body["seats"].as_array().unwrap().iter().find(|s| s["seatNumber"] == 7).cloned();
    assert_eq!(seat7.unwrap()["status"], "AVAILABLE", "nothing held");
    let numbers = app.put(format!("/operator/concerts/{concert}/admission"), json!([1, 2])).as_operator().await;
    assert_eq!((numbers.status, numbers.code()), (400, "INVALID_REQUEST"), "{numbers:?}");
}

#[tokio::test]
async fn defect_15_a_fee_of_two_kinds_a_negative_cap_and_unreadable_titles_are_refused() {
    let app = App::start().await;
    let policy = |fee: Value| json!({ "graceHours": 24, "deadlineHours": 48, "baseFee": fee, "stretches": [] });
    let both = refused(&app, spec(|s| s["refundPolicy"] = policy(json!({ "percent": 10, "fixedKrw": 1000 })))).await;
    assert_eq!(both.status, 400, "a fee is exactly one kind: {both:?}");
    let negative = refused(&app, spec(|s| s["refundPolicy"] = policy(json!({ "percent": 10, "capKrw": -1 })))).await;
    assert_eq!((negative.status, negative.code()), (400, "INVALID_AMOUNT"), "{negative:?}");
    for title in ["\u{7}\u{8}\u{1b}", "\u{202e}gnp.exe", "\u{200b}\u{200b}\u{200b}"] {
        let unreadable = refused(&app, spec(|s| s["title"] = json!(title))).await;
        assert_eq!((unreadable.status, unreadable.code()), (400, "INVALID_REQUEST"), "{title:?}: {unreadable:?}");
    }
}
