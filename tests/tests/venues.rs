//! Venues against the emulators: a stadium-sized layout made through the operator API
//! (four processes sending the same create at once make it once), read back as sent, and
//! a bad or changed layout refused with nothing written.

use std::process::Command;

use integration_tests::*;
use serde_json::{json, Value};

const SWARM: &str = env!("CARGO_BIN_EXE_swarm");

/// A layout from the generator the docs describe (scripts/venue-layout.py).
fn generated(kind: &str, id: &str) -> Value {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/venue-layout.py");
    let out = Command::new("python3").arg(script).arg(kind).output().expect("python3 runs the generator");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut layout: Value = serde_json::from_slice(&out.stdout).unwrap();
    layout["venueId"] = json!(format!("{id}-{}", uuid::Uuid::new_v4().simple()));
    layout
}

fn create(layout: &Value) -> Call {
    Call::post("/operator/venues", layout.clone()).as_operator()
}

#[tokio::test]
async fn a_stadium_is_made_once_by_creates_from_four_processes_and_reads_back_as_sent() {
    let app = App::start().await;
    let stadium = generated("stadium", "stadium");
    let id = stadium["venueId"].as_str().unwrap().to_owned();
    let jobs = (0..4).map(|_| Job::Calls { calls: vec![create(&stadium); 2], concurrency: 2 }).collect();
    let answers: Vec<Answer> = swarm(SWARM, jobs, &[]).into_iter().flatten().collect();
    for a in &answers {
        // Under injected faults a create may lose its answer (503); a resend settles it.
        assert!(a.status == 201 || (faults_on() && a.status == 503), "{a:?}");
    }
    let again = app.request(create(&stadium)).await;
    assert_eq!((again.status, &again.body["places"]), (201, &json!(64_176)), "a resend answers as made: {again:?}");
    let read = app.get(format!("/operator/venues/{id}")).as_operator().await;
    assert_eq!(read.status, 200, "{read:?}");
    let mut sent = stadium.clone();
    sent["places"] = json!(64_176);
    // The generator omits defaults (`first`, `step` on the back rows); the read gives them.
    assert_eq!(read.body["sections"].as_array().map(Vec::len), Some(76));
    assert_eq!(
        read.body["sections"][4]["rows"][0],
        json!({"row": "1", "first": 1, "seats": 16, "x": -51, "y": 0, "step": [0, 1]})
    );
    let list = app.get("/operator/venues").as_operator().await;
    let listed = list.body["venues"].as_array().unwrap().iter().find(|v| v["venueId"] == json!(id)).cloned();
    assert_eq!(listed, Some(json!({"venueId": id, "name": stadium["name"], "sections": 76, "places": 64_176})));
}

#[tokio::test]
async fn a_changed_or_bad_layout_is_refused_and_changes_nothing() {
    let app = App::start().await;
    let arena = generated("arena", "arena");
    let id = arena["venueId"].as_str().unwrap().to_owned();
    assert_eq!(app.request(create(&arena)).await.status, 201);
    let mut renamed = arena.clone();
    renamed["sections"][2]["name"]["en"] = json!("Section 101 (renamed)");
    let refused = app.request(create(&renamed)).await;
    assert_eq!((refused.status, refused.code()), (409, "VENUE_EXISTS"), "{refused:?}");
    let read = app.get(format!("/operator/venues/{id}")).as_operator().await;
    assert_eq!(read.body["sections"][2]["name"]["en"], "Section 101", "unchanged");

    let mut twice = generated("arena", "twice");
    let row = twice["sections"][2]["rows"][0].clone();
    twice["sections"][2]["rows"].as_array_mut().unwrap().push(row);
    let bad = app.request(create(&twice)).await;
    assert_eq!((bad.status, bad.code()), (400, "INVALID_REQUEST"), "{bad:?}");
    assert!(bad.text("detail").contains("appears twice"), "{bad:?}");
    let none = app.get(format!("/operator/venues/{}", twice["venueId"].as_str().unwrap())).as_operator().await;
    assert_eq!((none.status, none.code()), (404, "VENUE_NOT_FOUND"), "nothing written: {none:?}");

    let fan = app.request(create(&arena).as_user(domain::values::ids::UserId::random())).await;
    assert_eq!(fan.status, 403, "operators only: {fan:?}");
}
