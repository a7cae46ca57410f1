//! Joins at scale: thousands of fans from several processes at once, spread over the
//! arrival stripes (ADR 0009). Ignored by a plain `cargo test`: `scripts/test.sh` runs it
//! with `--ignored` on an emulator of its own (as moto behaves, then under faults), so that
//! its thousands of items slow no other test.

use std::collections::HashSet;
use std::sync::Arc;

use adapters::dynamo::DynamoQueue;
use domain::line::store::{AdmitterStore, LineStore};
use domain::values::clock::SystemClock;
use domain::values::ids::UserId;
use integration_tests::*;

const SWARM: &str = env!("CARGO_BIN_EXE_swarm");

#[tokio::test]
#[ignore = "run by scripts/test.sh on an emulator of its own"]
async fn two_thousand_concurrent_joins_from_four_processes_spread_over_the_stripes_and_get_unique_gap_free_places() {
    const FANS: usize = 2000;
    let app = App::with(Arc::new(SystemClock), |c| {
        c.queue.active_cap = 5000;
        c.queue.admit_per_tick = 5000;
    })
    .await;
    let concert = app.new_concert(&["2026-12-24"]).await;
    let calls: Vec<Call> = (0..FANS).map(|_| Call::join_for(UserId::random(), &concert)).collect();
    let jobs = split(&calls, 4).into_iter().map(|calls| Job::Calls { calls, concurrency: 16 }).collect();
    let answers: Vec<Answer> = swarm(SWARM, jobs, &[]).into_iter().flatten().collect();

    assert_eq!(answers.len(), FANS);
    // (Under injected faults a join whose every answer was lost learns its token on the
    // retry, as an existing one: 200.)
    assert!(answers.iter().all(|a| a.status == 201 || (faults_on() && a.status == 200)), "{answers:?}");
    let tokens: HashSet<&str> = answers.iter().map(|a| a.body["token"].as_str().unwrap()).collect();
    assert_eq!(tokens.len(), FANS);
    let places: HashSet<u64> = answers.iter().map(|a| a.body["place"].as_u64().unwrap()).collect();
    assert_eq!(places.len(), FANS, "unique places");

    // No one item took the joins: each stripe took at most a twentieth of them.
    let store = DynamoQueue::new(app.tables().await);
    let arrivals = setup(|| store.arrivals(&concert)).await;
    // (A join whose answer was lost, to an injected fault or to a timeout of the busy
    // emulator, took a number it sends again: the first one is a no-show.)
    let taken = arrivals.taken();
    assert!(taken >= FANS as u64, "{taken}");
    let hottest = (0..domain::rules::arrivals::STRIPES).map(|i| arrivals.count(i)).max().unwrap_or(0);
    assert!(hottest * 20 <= taken, "the hottest stripe took {hottest} of {taken}");
    let highest = arrivals.highest();
    assert!(places.iter().all(|p| *p <= highest));

    // One tick levels the stripes and lets everyone in: every place up to the highest is a
    // fan's or a hole, and the holes take no slot (gap-free, counted exactly).
    for _ in 0..20 {
        setup(|| app.admitter.tick(&concert)).await;
        if setup(|| store.counters(&concert)).await.admitted_through >= highest {
            break;
        }
    }
    let line = setup(|| store.counters(&concert)).await;
    let dense = setup(|| store.arrivals(&concert)).await.dense_through();
    assert!(dense >= highest, "no number left untaken");
    // (Under faults a levelling's ADD resent after its answer was lost takes numbers past
    // the highest: they are let in too, as no-shows, and never past what is taken.)
    let through = line.admitted_through;
    assert!(
        through == highest || (faults_on() && through > highest && through <= dense),
        "let in through the highest number, no further: {through} {highest} {dense}"
    );
    // (Under faults a levelling whose note was lost counts its holes as no-shows instead.)
    let active = u64::from(line.active);
    assert!(active == taken || (faults_on() && active > taken), "slots {active} for {taken} numbers taken by joins");
}
