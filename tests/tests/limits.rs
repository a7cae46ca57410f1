//! DynamoDB's documented limits where the code meets them, against the strict local
//! DynamoDB (scripts/moto_server.py enforces them as AWS does): issue 19, defect 3.

use std::time::Duration;

use adapters::dynamo::DynamoQueue;
use domain::line::store::{AdmissionPlan, AdmitterStore, LineStore};
use domain::rules::arrivals::HoleRun;
use domain::rules::line::{Batch, MAX_PENDING_HOLE_RUNS, MAX_RUNS_FORGOTTEN_PER_ADMISSION};
use domain::values::clock::{Clock, SystemClock};
use integration_tests::*;

/// 700 one-place hole runs pending (levelling allows up to 1,024): an admission that
/// forgot them all in one write, as the admitter did before, passes the 4 KB expression
/// limit and is refused every time; one that forgets its share is accepted, and the rest
/// wait for the next admissions.
#[tokio::test]
async fn an_admission_forgets_few_enough_hole_runs_to_stay_under_the_4_kb_expression_limit() {
    const RUNS: u64 = 700;
    assert!(RUNS as usize <= MAX_PENDING_HOLE_RUNS);
    let app = App::start().await;
    let concert = app.new_concert(&["2030-06-01"]).await;
    let line = DynamoQueue::new(app.tables().await);
    let runs: Vec<HoleRun> = (0..RUNS).map(|r| HoleRun { stripe: 0, after: r, through: r + 1 }).collect();
    for chunk in runs.chunks(25) {
        setup(|| line.note_holes(&concert, chunk)).await;
    }
    assert_eq!(setup(|| LineStore::counters(&line, &concert)).await.holes.len(), RUNS as usize);
    let now = SystemClock.now();
    let batch = Batch::new(1, 10, now.plus(Duration::from_secs(60)), now.plus(Duration::from_secs(600)));
    let plan =
        |passed: &[HoleRun]| AdmissionPlan { concert: concert.clone(), batch, cap: 1_000, passed: passed.to_vec() };

    let all_at_once = line.admit(&plan(&runs)).await;
    assert!(all_at_once.is_err(), "an update expression over 4 KB is refused: {all_at_once:?}");
    if !faults_on() {
        // (Under the fault mix an injected throttle may come first; the limit then waits.)
        assert!(format!("{all_at_once:?}").contains("Expression size has exceeded"), "{all_at_once:?}");
    }
    assert_eq!(setup(|| LineStore::counters(&line, &concert)).await.admitted_through, 0, "and changes nothing");

    let share = plan(&runs[..MAX_RUNS_FORGOTTEN_PER_ADMISSION]);
    setup(|| line.admit(&share)).await;
    let after = setup(|| LineStore::counters(&line, &concert)).await;
    assert_eq!(after.admitted_through, 10, "the admission landed");
    assert_eq!(after.holes.len(), RUNS as usize - MAX_RUNS_FORGOTTEN_PER_ADMISSION, "the rest wait");
}
