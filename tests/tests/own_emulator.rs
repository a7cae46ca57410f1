//! Tests that need an emulator of their own, because they act on everything in it: the
//! admitter pass over every live sale, and a database frozen (SIGSTOP) for 10 s. They are
//! `#[ignore]`d in the shared runs; `make test` runs them with `--ignored` on a fresh
//! emulator, one at a time.

use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use domain::catalog::store::CatalogStore;
use domain::values::clock::{Clock, SystemClock};
use domain::values::ids::UserId;
use futures::StreamExt;
use integration_tests::*;

const BUDGET: Duration = Duration::from_secs(2);
const HOUR: Duration = Duration::from_secs(3600);

fn signal(sig: &str) {
    let dir = std::env::var("LOCAL_AWS_DIR").expect("LOCAL_AWS_DIR");
    let pid = std::fs::read_to_string(format!("{dir}/moto.pid")).expect("moto.pid");
    let ok = Command::new("kill").args([sig, pid.trim()]).status().expect("kill").success();
    assert!(ok, "kill {sig} {pid}");
}

fn charge(user: UserId, i: usize) -> Call {
    Call::charge(user, 1_000 + i as i64).key(&format!("k-{i}"))
}

#[tokio::test]
#[ignore = "freezes the emulator: make test runs it with --ignored on one of its own"]
async fn a_frozen_database_answers_503_within_the_bound_and_keyed_retries_change_nothing_twice() {
    let app = App::with(Arc::new(SystemClock), |c| c.dynamodb_timeout = BUDGET).await;
    let user = UserId::random();
    let before = app.request(charge(user, 0)).await;
    assert_eq!(before.status, 200, "{before:?}");

    signal("-STOP");
    let frozen_at = Instant::now();
    let calls: Vec<Call> = (1..=20).map(|i| charge(user, i)).collect();
    let app = &app;
    let answers: Vec<(Answer, Duration)> = futures::stream::iter(calls.iter())
        .map(|c| async move {
            let started = Instant::now();
            (app.request(c.clone()).once().await, started.elapsed())
        })
        .buffer_unordered(20)
        .collect()
        .await;
    let waited = frozen_at.elapsed();
    tokio::time::sleep(Duration::from_secs(10).saturating_sub(waited)).await;
    signal("-CONT");

    for (a, took) in &answers {
        assert_eq!(a.status, 503, "{a:?}");
        assert!(matches!(a.code(), "SERVICE_UNAVAILABLE" | "THROTTLED"), "{a:?}");
        assert!(*took < BUDGET + Duration::from_secs(2), "answered after {took:?}, past the bound");
    }
    assert!(waited < Duration::from_secs(10), "the freeze outlasted every request ({waited:?})");

    // The emulator now applies whatever reached it before the freeze; the fans send again.
    let mut expected = 1_000;
    for (i, c) in calls.iter().enumerate() {
        let a = app.request(c.clone()).await;
        assert_eq!(a.status, 200, "{a:?}");
        assert_eq!(a.body["charged"], 1_001 + i as i64);
        expected += 1_001 + i as i64;
        let again = app.request(c.clone()).await;
        assert_eq!(again.body, a.body, "a second retry is answered from the record");
    }
    assert_eq!(app.balance(user).await, expected, "every keyed charge credited exactly once");
}

#[tokio::test]
#[ignore = "ticks every live sale: make test runs it with --ignored on an emulator of its own"]
async fn the_admitter_visits_live_sales_only_and_a_broken_concert_never_stops_the_others() {
    let app = App::start().await;
    // A sale that closed an hour ago.
    let over =
        domain::values::ids::ConcertId::parse(&format!("over-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]))
            .unwrap();
    let now = SystemClock.now();
    let closed =
        domain::catalog::concert::Concert::on_sale(over.clone(), "Over", "Hall", now.minus(HOUR * 2), now.minus(HOUR));
    let seats =
        domain::catalog::spec::new_concert_seats(&[domain::values::ids::ConcertDate::parse("2026-12-24").unwrap()]);
    setup(|| app.catalog_store.add_concert(&closed, &seats)).await;
    let broken = app.new_concert(&["2026-12-24"]).await;
    let healthy = app.new_concert(&["2026-12-24"]).await;
    let live = setup(|| app.catalog.live_concerts()).await;
    assert!(!live.contains(&over), "a sale that has closed is not visited");
    assert!(live.contains(&broken) && live.contains(&healthy));

    let user = UserId::random();
    let (view, _) = setup(|| app.queue.issue(user, &healthy)).await;
    // One concert's line counter is unreadable: its step fails, the others go on.
    let client = aws_sdk_dynamodb::Client::new(&aws_config::load_from_env().await);
    client
        .put_item()
        .table_name(&app.settings.resources.queue_table)
        .item("pk", aws_sdk_dynamodb::types::AttributeValue::S(format!("LINE#{broken}")))
        .item("issued", aws_sdk_dynamodb::types::AttributeValue::S("not a number".into()))
        .send()
        .await
        .unwrap();
    let mut failed = 0;
    for _ in 0..5 {
        let summary = fn_admitter::tick(&app).await.expect("a tick survives a broken concert");
        failed += summary.failed;
        if app.queue.authorize(user, Some(&view.token.to_string()), &healthy).await.is_ok() {
            break;
        }
    }
    assert!(failed >= 1, "the broken concert's step failed");
    assert!(
        app.queue.authorize(user, Some(&view.token.to_string()), &healthy).await.is_ok(),
        "the healthy line moved on"
    );
}
