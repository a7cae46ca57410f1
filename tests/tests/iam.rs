//! The local stack holds each function to exactly the IAM policy template.yaml gives it
//! (scripts/local_iam.py), as AWS does: a call its policy does not allow fails and changes
//! nothing, so a missing permission fails here before it fails a sale.

use std::sync::Arc;

use domain::catalog::concert::Concert;
use domain::catalog::store::CatalogStore;
use domain::values::clock::{Clock, SystemClock};
use edge::config::Settings;
use edge::wiring::Services;
use integration_tests::*;

async fn signed_as(function: &str) -> Services {
    let settings = Settings::from_env().expect("settings from the environment");
    Services::connect_as(settings, Arc::new(SystemClock), Some(function)).await
}

#[tokio::test]
async fn a_function_may_only_make_the_calls_its_policy_allows() {
    let app = App::start().await;
    let concert = app.new_concert(&["2026-12-24"]).await;
    let before = app.catalog_store.concert(&concert).await.expect("read").expect("the concert");
    let mut after = before.clone();
    after.version += 1;
    after.control.paused = true;

    // The availability function reads the catalog and may not write it.
    let availability = signed_as("availability").await;
    assert!(availability.catalog_store.concert(&concert).await.is_ok(), "reads are in its policy");
    let refused = availability.catalog_store.update_concert(&before, &after).await;
    assert!(refused.is_err(), "UpdateItem is not in the availability function's policy: {refused:?}");
    let unchanged = app.catalog_store.concert(&concert).await.expect("read").expect("the concert");
    assert_eq!(unchanged, before, "a refused call changes nothing");

    // The operator function changes a sale's concert item (pause, resume, close, numbers,
    // edits): its policy must allow UpdateItem (issue 19, defect 1).
    // (Under the fault mix a conflict or throttle may come first, and an attempt may apply
    // and lose its answer; neither is a refusal. AccessDenied would be, and is never retried.)
    let operator = signed_as("operator").await;
    for _ in 0..20 {
        match operator.catalog_store.update_concert(&before, &after).await {
            Ok(true) => return,
            Ok(false) => {
                let stored = app.catalog_store.concert(&concert).await.expect("read").expect("the concert");
                assert_eq!(
                    (stored.version, stored.control.paused),
                    (after.version, true),
                    "applied by an earlier attempt"
                );
                return;
            }
            Err(domain::Error::Contention | domain::Error::Throttled | domain::Error::Unavailable) => continue,
            Err(e) => panic!("the operator's policy must allow UpdateItem: {e:?}"),
        }
    }
    panic!("the operator's update never got through the fault mix");
}

#[tokio::test]
async fn every_function_is_checked_the_administrator_is_not() {
    // A concert written as the test's own setup (the account's administrator) is allowed;
    // the same write signed as the queue function, whose policy has no catalog write, is not.
    let queue = signed_as("queue").await;
    let id = domain::values::ids::ConcertId::parse(&format!("iam-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]))
        .expect("an id");
    let now = SystemClock.now();
    let concert = Concert::on_sale(id.clone(), "IAM", "Hall", now, now.plus(std::time::Duration::from_secs(3600)));
    assert!(
        queue.catalog_store.add_concert(&concert, &[]).await.is_err(),
        "the queue function may not create concerts"
    );
    let app = App::start().await;
    assert_eq!(app.catalog_store.concert(&id).await, Ok(None), "nothing was written");
    assert_eq!(app.catalog_store.add_concert(&concert, &[]).await, Ok(true), "the administrator may");
}
