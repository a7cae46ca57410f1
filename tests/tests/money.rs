//! Wallet and payment against the emulators: exactly-once money under concurrency.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use domain::values::clock::SystemClock;
use domain::values::ids::{ConcertId, UserId};
use edge::wiring::Services;
use integration_tests::*;
use serde_json::{json, Value};

const SWARM: &str = env!("CARGO_BIN_EXE_swarm");
const DATE: &str = "2026-12-24";

/// A charge as the web app and the bench send it: with its own Idempotency-Key, so that a
/// retry after an unknown outcome is safe.
fn charge(user: UserId, amount: i64) -> Call {
    Call::charge(user, amount).key(&uuid::Uuid::new_v4().to_string())
}

/// `fan` holding `seat` of `concert`; returns (reservation id, price).
async fn holding(app: &App, concert: &ConcertId, fan: &Fan, seat: u64) -> (String, i64) {
    let a = app.hold(concert, DATE, seat).token(&fan.token).await;
    assert_eq!(a.status, 201, "{a:?}");
    (a.text("reservationId").to_owned(), a.number("price"))
}

async fn state(app: &App, fan: &Fan, reservation: &str, concert: &ConcertId) -> (i64, Value, Value, u16) {
    let bal = app.balance(fan.user).await;
    let res = app.reservation(reservation).token(&fan.token).await;
    let seats = app.seats(concert, DATE).token(&fan.token).await;
    let token = app.current_token().token(&fan.token).await;
    (bal, res.body["status"].clone(), seats.body["seats"].clone(), token.status)
}

#[tokio::test]
async fn thousand_concurrent_charges_from_four_processes_sum_exactly() {
    let app = App::start().await;
    // 25 wallets, 40 charges each, every wallet charged from all four processes at once.
    let users: Vec<UserId> = (0..25).map(|_| UserId::random()).collect();
    let charges: Vec<(UserId, i64)> = (0..1000).map(|i| (users[i % 25], 1_000 + (i as i64 * 7919 % 50_000))).collect();
    let calls: Vec<Call> = charges.iter().map(|(u, a)| Call::charge(*u, *a)).collect();
    let jobs = split(&calls, 4).into_iter().map(|calls| Job::Calls { calls, concurrency: 16 }).collect();
    let answers: Vec<Answer> = swarm(SWARM, jobs, &[]).into_iter().flatten().collect();
    let odd = answers.iter().find(|a| a.status != 200 && a.code() != "CHARGE_OUTCOME_UNKNOWN");
    assert!(odd.is_none(), "{odd:?}");
    for user in users {
        let sum = |ok: fn(&Answer) -> bool| -> i64 {
            charges.iter().zip(&answers).filter(|((u, _), a)| *u == user && ok(a)).map(|((_, x), _)| x).sum()
        };
        let credited = sum(|a| a.status == 200);
        // A keyless charge whose write outcome is unknown says so (503) and is not repeated:
        // the balance holds it or not, and nothing else.
        let unknown = sum(|a| a.code() == "CHARGE_OUTCOME_UNKNOWN");
        let balance = app.balance(user).await;
        if faults_on() {
            assert!(credited <= balance && balance <= credited + unknown, "{credited} <= {balance} <= +{unknown}");
        } else {
            assert_eq!((unknown, balance), (0, credited));
            assert_eq!(credited, charges.iter().filter(|(u, _)| *u == user).map(|(_, x)| x).sum::<i64>());
        }
        let statement = app.get(format!("/users/{user}/statement?limit=100")).await;
        let entries = statement.body["entries"].as_array().cloned().unwrap_or_default();
        assert_eq!(entries.iter().map(|e| e["amount"].as_i64().unwrap()).sum::<i64>(), balance, "{statement:?}");
    }
}

#[tokio::test]
async fn keyed_charge_retried_concurrently_credits_once_and_answers_the_same() {
    let app = App::start().await;
    let user = UserId::random();
    app.request(charge(user, 5_000)).await;
    let calls: Vec<Call> = (0..20).map(|_| charge(user, 70_000).key("charge-1")).collect();
    let jobs = split(&calls, 4).into_iter().map(|calls| Job::Calls { calls, concurrency: 5 }).collect();
    let answers: Vec<Answer> = swarm(SWARM, jobs, &[]).into_iter().flatten().collect();
    assert!(answers.iter().all(|a| a.status == 200 && a.body == answers[0].body), "{answers:?}");
    assert_eq!(answers[0].body["balance"], 75_000);
    assert_eq!(app.balance(user).await, 75_000);

    let again = app.request(charge(user, 70_000).key("charge-1")).await;
    assert_eq!(again.body, answers[0].body, "a later retry gets the first outcome");
    let reused = app.request(charge(user, 1).key("charge-1")).await;
    assert_eq!((reused.status, reused.code()), (422, "IDEMPOTENCY_KEY_REUSED"));
    assert_eq!(app.balance(user).await, 75_000);
}

#[tokio::test]
async fn charge_limits_are_4xx_and_change_nothing() {
    let app = App::start().await;
    let user = UserId::random();
    let limit = app.settings.wallet.per_charge.get();
    for bad in [
        json!({ "amount": 0 }),
        json!({ "amount": -5 }),
        json!({ "amount": 1.5 }),
        json!({ "amount": "10" }),
        json!({ "amount": limit + 1 }),
    ] {
        let a = app.post(format!("/users/{user}/balance/charges"), bad.clone()).await;
        assert_eq!((a.status, a.code()), (400, "INVALID_AMOUNT"), "{bad}");
    }
    let a = app.post(format!("/users/{user}/balance/charges"), json!({ "amonut": 5 })).await;
    assert_eq!(a.status, 400);
    let a = app.post("/users/not-a-uuid/balance/charges", json!({ "amount": 5 })).await;
    assert_eq!(a.status, 400);
    assert_eq!(app.balance(user).await, 0);

    // The wallet ceiling: fill to just below it, then one more charge is refused whole.
    let ceiling = app.settings.wallet.ceiling.get();
    let mut left = ceiling - 1;
    while left > 0 {
        let step = left.min(limit);
        assert_eq!(app.request(charge(user, step)).await.status, 200);
        left -= step;
    }
    for c in [Call::charge(user, 2), charge(user, 2).key("over")] {
        let a = app.request(c).await;
        assert_eq!((a.status, a.code()), (409, "BALANCE_LIMIT"));
    }
    assert_eq!(app.balance(user).await, ceiling - 1);
}

#[tokio::test]
async fn the_same_payment_twenty_times_concurrently_pays_once() {
    let app = App::start().await;
    let concert = app.new_concert(&[DATE]).await;
    let fan = app.fan(&concert).await;
    app.request(charge(fan.user, 1_000_000)).await;
    let (reservation, price) = holding(&app, &concert, &fan, 12).await;
    let calls: Vec<Call> = (0..20)
        .map(|i| {
            if i % 2 == 0 {
                Call::pay(&reservation).token(&fan.token).key("pay-once")
            } else {
                Call::pay(&reservation).token(&fan.token).key(&format!("other-{i}"))
            }
        })
        .collect();
    let jobs = split(&calls, 4).into_iter().map(|calls| Job::Calls { calls, concurrency: 5 }).collect();
    let answers: Vec<Answer> = swarm(SWARM, jobs, &[]).into_iter().flatten().collect();

    let paid: HashSet<&str> =
        answers.iter().filter(|a| a.status == 201).map(|a| a.body["paymentId"].as_str().unwrap()).collect();
    assert_eq!(paid.len(), 1, "{answers:?}");
    for a in answers.iter().filter(|a| a.status != 201) {
        assert!(matches!(a.code(), "ALREADY_PAID" | "TOKEN_EXPIRED"), "{a:?}");
    }
    assert_eq!(app.balance(fan.user).await, 1_000_000 - price);
    let list = app.payments(fan.user).await;
    assert_eq!(list.body["payments"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn balance_for_two_of_five_held_seats_pays_exactly_two() {
    let app = App::start().await;
    let user = UserId::random();
    let mut calls = Vec::new();
    let mut price = 0;
    for _ in 0..5 {
        // A token is used up by its payment, so each seat is held under its own concert's token.
        let concert = app.new_concert(&[DATE]).await;
        let (view, _) = setup(|| app.queue.issue(user, &concert)).await;
        let fan = Fan { user, token: view.token.to_string() };
        // Under injected faults a tick can be cancelled: the next one admits.
        for _ in 0..20 {
            if app.queue.authorize(user, Some(&fan.token), &concert).await.is_ok() {
                break;
            }
            setup(|| app.admitter.tick(&concert)).await;
        }
        let (reservation, p) = holding(&app, &concert, &fan, 40).await;
        price = p;
        calls.push(Call::pay(&reservation).token(&fan.token));
    }
    app.request(charge(user, 2 * price + price / 2)).await;
    let jobs = split(&calls, 5).into_iter().map(|calls| Job::Calls { calls, concurrency: 1 }).collect();
    let answers: Vec<Answer> = swarm(SWARM, jobs, &[]).into_iter().flatten().collect();
    assert_eq!(answers.iter().filter(|a| a.status == 201).count(), 2, "{answers:?}");
    assert!(answers.iter().filter(|a| a.status != 201).all(|a| a.status == 402 && a.code() == "INSUFFICIENT_BALANCE"));
    assert_eq!(app.balance(user).await, price / 2);
}

#[tokio::test]
async fn a_failed_payment_changes_nothing() {
    let app = App::start().await;
    let concert = app.new_concert(&[DATE]).await;
    let fan = app.fan(&concert).await;
    app.request(charge(fan.user, 1_000)).await;
    let (reservation, _) = holding(&app, &concert, &fan, 5).await;
    let before = state(&app, &fan, &reservation, &concert).await;
    let a = app.pay(&reservation).token(&fan.token).await;
    assert_eq!((a.status, a.code()), (402, "INSUFFICIENT_BALANCE"));
    let after = state(&app, &fan, &reservation, &concert).await;
    assert_eq!(before, after);
    assert_eq!((after.0, after.1.as_str(), after.3), (1_000, Some("HELD"), 200));

    let other = app.fan(&concert).await;
    let a = app.pay(&reservation).token(&other.token).await;
    assert_eq!((a.status, a.code()), (404, "RESERVATION_NOT_FOUND"));
    let a = app.pay("not-a-uuid").token(&fan.token).await;
    assert_eq!(a.status, 400);
    assert_eq!(state(&app, &fan, &reservation, &concert).await, before);
}

#[tokio::test]
async fn payment_racing_the_hold_expiry_is_all_or_nothing() {
    let app = App::with(Arc::new(SystemClock), |c| c.hold_for = Duration::from_millis(400)).await;
    let concert = app.new_concert(&[DATE]).await;
    let fans = app.admitted_fans(&concert, 24).await;
    let observer = app.fan(&concert).await;
    let mut outcomes = (0, 0);
    for (i, fan) in fans.iter().enumerate() {
        app.request(charge(fan.user, 1_000_000)).await;
        let (reservation, price) = holding(&app, &concert, fan, i as u64 + 1).await;
        tokio::time::sleep(Duration::from_millis(340 + (i as u64 % 12) * 10)).await;
        let a = app.pay(&reservation).token(&fan.token).await;
        let seat = app.seats(&concert, DATE).token(&observer.token).await;
        let seat_status = seat.body["seats"][i]["status"].clone();
        let bal = app.balance(fan.user).await;
        match a.status {
            201 => {
                outcomes.0 += 1;
                assert_eq!((bal, seat_status), (1_000_000 - price, json!("SOLD")));
            }
            410 => {
                outcomes.1 += 1;
                assert_eq!(a.code(), "HOLD_EXPIRED");
                assert_eq!(bal, 1_000_000);
                assert_ne!(seat_status, json!("SOLD"));
            }
            other => panic!("unexpected {other}: {a:?}"),
        }
    }
    assert_eq!(outcomes.0 + outcomes.1, 24);
}

#[tokio::test]
async fn payment_event_is_delivered_after_sqs_was_down_during_the_payment() {
    let healthy = App::start().await;
    let aws = aws_config::load_from_env().await;
    let sqs = aws_sdk_sqs::Client::new(&aws);
    let queue =
        sqs.create_queue().queue_name(format!("events-{}", uuid::Uuid::new_v4().simple())).send().await.unwrap();
    let url = queue.queue_url().unwrap().to_owned();
    // A payment instance whose SQS endpoint is unreachable.
    let broken = {
        let mut settings = edge::config::Settings::from_env().unwrap();
        settings.resources.payment_events_queue_url = url.clone();
        let dead = aws_sdk_sqs::config::Builder::from(&aws).endpoint_url("http://127.0.0.1:9").build();
        App::on(Arc::new(Services::build(
            settings,
            aws_sdk_dynamodb::Client::new(&aws),
            aws_sdk_sqs::Client::from_conf(dead),
            Arc::new(SystemClock),
        )))
    };
    let concert = healthy.new_concert(&[DATE]).await;
    let fan = healthy.fan(&concert).await;
    healthy.request(charge(fan.user, 1_000_000)).await;
    let (reservation, _) = holding(&healthy, &concert, &fan, 20).await;
    let paid = broken.pay(&reservation).token(&fan.token).await;
    assert_eq!(paid.status, 201, "the payment does not depend on SQS: {paid:?}");
    let payment_id = paid.body["paymentId"].as_str().unwrap().to_owned();

    let empty = sqs.receive_message().queue_url(&url).send().await.unwrap();
    assert!(empty.messages().is_empty(), "nothing could be delivered yet");

    // The relay (run by the admitter's tick) delivers what the outbox holds.
    let relay = {
        let mut settings = edge::config::Settings::from_env().unwrap();
        settings.resources.payment_events_queue_url = url.clone();
        Services::build(settings, aws_sdk_dynamodb::Client::new(&aws), sqs.clone(), Arc::new(SystemClock))
    };
    assert!(relay.payments.relay().await.unwrap() >= 1);
    let mut found = None;
    for _ in 0..10 {
        let got = sqs.receive_message().queue_url(&url).max_number_of_messages(10).send().await.unwrap();
        found = got
            .messages()
            .iter()
            .filter_map(|m| serde_json::from_str::<Value>(m.body().unwrap_or("")).ok())
            .find(|e| e["eventId"] == payment_id.as_str());
        if found.is_some() {
            break;
        }
    }
    let event = found.expect("PaymentCompleted delivered");
    assert_eq!(event["eventType"], "PaymentCompleted");
    assert_eq!(event["reservationId"], reservation.as_str());
    // Delivered events leave the outbox (other tests' events may pass through it meanwhile).
    let outbox = adapters::dynamo::DynamoPayments::new(adapters::dynamo::Tables::new(
        aws_sdk_dynamodb::Client::new(&aws),
        relay.settings.resources.clone(),
    ));
    let left = setup(|| domain::booking::store::PaymentStore::undelivered(&outbox, 10_000)).await;
    assert!(left.iter().all(|e| e.id != payment_id), "delivered events leave the outbox");
}
