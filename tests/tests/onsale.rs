//! The on-sale run by its operator, against the emulators: a pre-queue drawn into a fair
//! order at the opening (from several processes, sealed once, recomputable from the
//! published seed), live control, the sell-out reaching waiting fans, and the operator's
//! rules enforced.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use adapters::dynamo::DynamoQueue;
use domain::line::store::LineStore;
use domain::rules::fair_start::Draw;
use domain::rules::line::Spot;
use domain::values::clock::{Clock, ManualClock, SystemClock, Timestamp};
use domain::values::ids::{ConcertDate, ConcertId, UserId};
use integration_tests::*;
use serde_json::{json, Value};

const SWARM: &str = env!("CARGO_BIN_EXE_swarm");
const HOUR: Duration = Duration::from_secs(3600);

fn spec(id: &str, pre_queue: Timestamp, opens: Timestamp, closes: Timestamp, seats: u8) -> Value {
    json!({
        "concertId": id, "title": "On-sale test", "venue": "Test hall",
        "dates": [{ "date": show_date(), "seats": seats }],
        "priceTiers": [{ "fromSeat": 1, "toSeat": 50, "price": 100_000 }],
        "sale": { "preQueueAt": pre_queue.to_rfc3339(), "opensAt": opens.to_rfc3339(), "closesAt": closes.to_rfc3339() },
    })
}

/// The show's date: some weeks ahead of today, whenever the test runs (a show already over
/// is refused).
fn show_date() -> String {
    ConcertDate::days_after(SystemClock.now(), 60).expect("a date").to_string()
}

fn unique_id() -> String {
    format!("sale-{}", &uuid::Uuid::new_v4().simple().to_string()[..10])
}

/// The user a token was issued to (the test knows the fans only by their answers).
async fn token_user(app: &App, raw: &str) -> String {
    let line = DynamoQueue::new(app.tables().await);
    let id = domain::values::ids::TokenId::parse(raw).unwrap();
    let token = setup(|| LineStore::token(&line, id)).await.expect("a token");
    token.user.to_string()
}

/// Tick until `user`'s token is admitted (under injected faults a tick can be cancelled,
/// and a number spent by a join whose answer was lost is let in ahead as a no-show, whose
/// slot comes back when its batch's check-in window closes).
async fn admit(app: &App, concert: &ConcertId, user: UserId, token: &str) {
    // (Under injected faults numbers nobody holds can stand ahead, each a no-show of its
    // batch until the check-in window closes: a few windows.)
    for _ in 0..150 {
        if app.queue.authorize(user, Some(token), concert).await.is_ok() {
            return;
        }
        setup(|| app.admitter.tick(concert)).await;
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let store = DynamoQueue::new(app.tables().await);
    let line = LineStore::counters(&store, concert).await;
    let mine = app.queue.token(user, Some(token)).await;
    panic!("{token} was never admitted: {mine:?} {line:?}");
}

async fn create(app: &App, body: Value) -> Answer {
    app.post("/operator/concerts", body).as_operator().await
}

/// A join by a new fan.
fn join(concert: &str) -> Call {
    Call::join(concert).as_user(UserId::random())
}

#[tokio::test]
async fn the_pre_queue_is_drawn_into_a_fair_order_once_and_anyone_can_recompute_it() {
    let t0 = SystemClock.now();
    let (pre, opens, closes) = (t0, t0.plus(HOUR), t0.plus(HOUR * 2));
    let id = unique_id();
    let before = App::at(pre.plus(Duration::from_secs(60))).await;
    let made = create(&before, spec(&id, pre, opens, closes, 50)).await;
    assert_eq!((made.status, &made.body["phase"]), (201, &json!("PRE_QUEUE")), "{made:?}");
    // The admitter's first tick of the sale fixes the seed and publishes its hash, before
    // anyone has joined.
    before.admitter.tick(&ConcertId::parse(&id).unwrap()).await.unwrap();
    let line = before.get(format!("/concerts/{id}/line")).sign_in(SignIn::Anonymous).await;
    let committed = line.text("drawCommitment").to_owned();
    assert_eq!(committed.len(), 64, "a SHA-256, in hex: {line:?}");

    // 300 fans join during the pre-queue, from 4 processes.
    let calls: Vec<Call> = (0..300).map(|_| join(&id)).collect();
    let jobs = split(&calls, 4).into_iter().map(|calls| Job::Calls { calls, concurrency: 15 }).collect();
    let clock = pre.plus(Duration::from_secs(60)).millis().to_string();
    let early: Vec<Answer> = swarm(SWARM, jobs, &[("CLOCK_AT_MS", &clock)]).into_iter().flatten().collect();
    // (Under injected faults a join whose answer was lost is sent again and answered 200
    // with the token it already had.)
    let odd =
        early.iter().find(|a| !(a.status == 201 || (faults_on() && a.status == 200)) || !a.body["position"].is_null());
    assert!(odd.is_none(), "{odd:?}");
    assert!(early.iter().all(|a| a.body["phase"] == "PRE_QUEUE"));

    // The opening: two openers race; the draw is sealed once.
    let after = App::at(opens.plus(Duration::from_secs(1))).await;
    let concert = ConcertId::parse(&id).unwrap();
    let (a, b) = tokio::join!(after.admitter.seal(&concert), after.admitter.seal(&concert));
    let draw = a.unwrap();
    assert_eq!(b.unwrap(), draw, "sealed once");
    // Under injected faults an index can be spent without a fan (an increment applied whose
    // answer was lost): the cohort then counts it, and the admitter skips it as void.
    assert!(draw.cohort == 300 || (faults_on() && draw.cohort > 300), "{draw:?}");

    // Ten fans after the opening queue behind the whole cohort (joining within one admitter
    // tick, their order among themselves is the arrival stripes' interleaving).
    let mut late = Vec::new();
    for _ in 0..10 {
        late.push(after.request(join(&id)).await);
    }
    async fn place(app: &App, a: &Answer) -> u64 {
        let polled = app.current_token().token(a.text("token")).await;
        polled.body["position"].as_u64().unwrap_or_else(|| panic!("a position once drawn: {polled:?}"))
    }
    let mut positions = Vec::new();
    for a in &early {
        positions.push(place(&after, a).await);
    }
    let mut cohort_places = positions.clone();
    let mut late_places = Vec::new();
    for a in &late {
        late_places.push(place(&after, a).await);
    }
    cohort_places.sort_unstable();
    cohort_places.dedup();
    assert_eq!(cohort_places.len(), 300, "every pre-queue fan has a place of their own");
    assert!(cohort_places.iter().all(|p| *p < draw.cohort), "all inside the cohort's places");
    if !faults_on() {
        assert_eq!(cohort_places, (0..300).collect::<Vec<u64>>(), "the cohort holds exactly the first 300 places");
    }
    let unique_late: HashSet<u64> = late_places.iter().copied().collect();
    assert_eq!(unique_late.len(), 10, "a place each: {late_places:?}");
    assert!(late_places.iter().all(|p| *p >= draw.cohort), "behind the whole cohort: {late_places:?}");

    // After the sale, the seed is published and recomputes every place.
    let closed = after.post(format!("/operator/concerts/{id}/close"), json!({})).as_operator().await;
    assert_eq!(closed.body["phase"], "CLOSED", "{closed:?}");
    let published = after.get(format!("/concerts/{id}/draw")).sign_in(SignIn::Anonymous).await;
    assert_eq!(published.status, 200, "{published:?}");
    let seed = Draw::parse_seed_hex(published.body["seed"].as_str().unwrap()).unwrap();
    let recomputed = Draw { cohort: published.body["cohort"].as_u64().unwrap(), seed };
    assert_eq!(recomputed, draw);
    assert_eq!(
        (domain::rules::fair_start::commitment(&seed), published.text("seedCommitment")),
        (committed.clone(), committed.as_str()),
        "the seed revealed is the one committed to before the pre-queue closed"
    );
    let stripes: Vec<u64> = published.body["prequeueStripes"]
        .as_array()
        .expect("the pre-queue's stripes")
        .iter()
        .map(|c| c.as_u64().unwrap())
        .collect();
    assert_eq!(stripes.iter().sum::<u64>(), draw.cohort);
    let stripes = domain::rules::arrivals::Arrivals::new(stripes);
    // Each fan's place, recomputed from the published draw and their pre-queue index alone.
    let mut by_seed: Vec<u64> = Vec::new();
    for a in &early {
        let raw = a.body["token"].as_str().unwrap();
        let owner = UserId::parse(&token_user(&after, raw).await).unwrap();
        let token = setup(|| after.queue.token(owner, Some(raw))).await;
        let Spot::Cohort(index) = token.spot else { panic!("a pre-queue fan without an index: {token:?}") };
        by_seed.push(recomputed.place_of(stripes.dense_index(index + 1).unwrap()).unwrap());
    }
    assert_eq!(by_seed, positions, "the published seed gives every fan's place");
    assert_eq!(by_seed.iter().collect::<HashSet<_>>().len(), 300);
}

#[tokio::test]
async fn joining_outside_the_window_is_refused_with_the_reason() {
    let t0 = SystemClock.now();
    let id = unique_id();
    let app = App::start().await;
    let body = spec(&id, t0.plus(HOUR), t0.plus(HOUR * 2), t0.plus(HOUR * 3), 50);
    assert_eq!(create(&app, body).await.status, 201);
    let a = app.request(join(&id)).await;
    assert_eq!((a.status, a.code()), (409, "SALE_NOT_OPEN"), "{a:?}");
    let later = App::at(t0.plus(HOUR * 3)).await;
    let a = later.request(join(&id)).await;
    assert_eq!((a.status, a.code()), (409, "SALE_CLOSED"), "{a:?}");
}

#[tokio::test]
async fn pause_stops_admission_and_resume_continues_in_order() {
    let app = App::with(Arc::new(SystemClock), |c| c.queue.admit_per_tick = 3).await;
    let t0 = SystemClock.now();
    let id = unique_id();
    assert_eq!(create(&app, spec(&id, t0, t0, t0.plus(HOUR), 50)).await.status, 201);
    let concert = ConcertId::parse(&id).unwrap();
    // The admitter's first tick after the opening seals the draw: joins then learn their place.
    setup(|| app.admitter.tick(&concert)).await;
    let mut places = Vec::new();
    for _ in 0..6 {
        places.push(app.request(join(&id)).await.body["place"].as_u64().unwrap());
    }
    let pause = app.post(format!("/operator/concerts/{id}/pause"), json!({})).as_operator().await;
    assert_eq!(pause.body["phase"], "PAUSED", "{pause:?}");
    assert_eq!(setup(|| app.admitter.tick(&concert)).await.admitted, None, "paused: nobody in");
    // The line, not the ticks' reports, says what was let in: under injected faults an
    // admission can apply with its answer lost.
    let line = DynamoQueue::new(app.tables().await);
    let paused_through = setup(|| LineStore::counters(&line, &concert)).await.admitted_through;
    assert!(places.iter().all(|p| *p > paused_through), "paused: no fan let in {paused_through} {places:?}");
    app.post(format!("/operator/concerts/{id}/resume"), json!({})).as_operator().await;
    let last = *places.iter().max().unwrap();
    let mut serving = Vec::new();
    for _ in 0..10 {
        let report = setup(|| app.admitter.tick(&concert)).await;
        assert!(report.admitted_count() <= 3, "three fans a tick: {report:?}");
        let through = setup(|| LineStore::counters(&line, &concert)).await.admitted_through;
        serving.push(through);
        if through >= last {
            break;
        }
    }
    // From where the pause left it, the serving number moves forward through the places in
    // order, at most three fans a tick, until every fan is in (past holes, numbers nobody
    // holds; under injected faults a number spent by a lost answer is let in too, as a
    // no-show).
    let mut before = paused_through;
    for &through in &serving {
        assert!(through >= before, "never backwards: {serving:?}");
        let let_in = places.iter().filter(|p| **p > before && **p <= through).count();
        assert!(let_in <= 3, "three fans a tick: {let_in} in ({before}, {through}] of {places:?}");
        before = through;
    }
    assert!(before >= last, "every fan let in: {serving:?} {places:?}");
}

#[tokio::test]
async fn the_sell_out_reaches_waiting_fans_and_new_joins() {
    let app = App::with(Arc::new(SystemClock), |c| {
        c.queue.active_cap = 1;
        // One slot: a number spent under injected faults must not hold it for a minute, and
        // the buyer's check-in must not miss the window: between the admitting tick and the
        // check-in, requests queue behind other tests' on the faulted emulator (a clean-clone
        // CI run saw a 5 s window close first).
        c.queue.check_in_for = std::time::Duration::from_secs(15);
    })
    .await;
    let t0 = SystemClock.now();
    let id = unique_id();
    let body = spec(&id, t0, t0, t0.plus(HOUR), 1);
    let date = body["dates"][0]["date"].as_str().expect("the show's date").to_owned();
    assert_eq!(create(&app, body).await.status, 201);
    let concert = ConcertId::parse(&id).unwrap();
    let buyer = UserId::random();
    let waiter = UserId::random();
    let bought = app.join(&id).as_user(buyer).await;
    let token = bought.text("token");
    admit(&app, &concert, buyer, token).await;
    // Joined after the buyer's admission: behind the buyer, who holds the one slot.
    let waiting = app.join(&id).as_user(waiter).await;
    app.charge(buyer, 100_000).key("c").await;
    let held = app.hold(&id, &date, 1).token(token).await;
    let paid = app.pay(held.text("reservationId")).token(token).key("p").await;
    assert_eq!(paid.status, 201, "{paid:?}");
    let mut polled = Answer { status: 0, body: Value::Null };
    for _ in 0..10 {
        setup(|| app.admitter.tick(&concert)).await;
        polled = app.current_token().token(waiting.text("token")).await;
        if polled.body["status"] == "SOLD_OUT" {
            break;
        }
    }
    assert_eq!((polled.status, &polled.body["status"]), (200, &json!("SOLD_OUT")), "{polled:?}");
    let late = app.request(join(&id)).await;
    assert_eq!((late.status, late.code()), (409, "SOLD_OUT"));
}

#[tokio::test]
async fn only_operators_run_sales_and_a_sold_seat_is_never_edited_away() {
    let app = App::start().await;
    let t0 = SystemClock.now();
    let id = unique_id();
    let body = spec(&id, t0, t0, t0.plus(HOUR), 2);
    let fan = app.post("/operator/concerts", body.clone()).as_user(UserId::random());
    assert_eq!(fan.await.status, 403, "a fan's JWT");
    assert_eq!(create(&app, body.clone()).await.status, 201);
    assert_eq!(create(&app, body.clone()).await.status, 201, "the same create again answers as the first");
    let mut other = body.clone();
    other["title"] = json!("Another show");
    assert_eq!(create(&app, other).await.code(), "CONCERT_EXISTS");
    let peek = app.get(format!("/operator/concerts/{id}")).as_user(UserId::random());
    assert_eq!(peek.await.status, 403);

    // Sell seat 2, then try to shrink the date to one seat.
    let buyer = UserId::random();
    let concert = ConcertId::parse(&id).unwrap();
    let token = app.join(&id).as_user(buyer).await.text("token").to_owned();
    admit(&app, &concert, buyer, &token).await;
    app.charge(buyer, 100_000).key("c").await;
    let held = app.hold(&id, body["dates"][0]["date"].as_str().expect("the show's date"), 2).token(&token).await;
    let paid = app.pay(held.text("reservationId")).token(&token).key("p").await;
    assert_eq!(paid.status, 201, "{paid:?}");
    let mut smaller = body.clone();
    smaller["dates"][0]["seats"] = json!(1);
    let edit = app.put(format!("/operator/concerts/{id}"), smaller).as_operator().await;
    assert_eq!((edit.status, edit.code()), (409, "SEAT_IN_USE"), "{edit:?}");
    let numbers = app.numbers(&id).await;
    assert_eq!(numbers.body["dates"][0]["totalSeats"], 2, "nothing changed: {numbers:?}");
    assert_eq!(numbers.body["dates"][0]["soldSeats"], 1);
    assert_eq!(numbers.body["dates"][0]["revenue"], 100_000);
}

#[tokio::test]
async fn the_operator_sees_joins_and_admissions_per_minute() {
    let t0 = SystemClock.now();
    let clock = Arc::new(ManualClock::at(t0));
    let app = App::with(clock.clone(), |c| c.queue.admit_per_tick = 2).await;
    let id = unique_id();
    assert_eq!(create(&app, spec(&id, t0, t0, t0.plus(HOUR), 50)).await.status, 201);
    let concert = ConcertId::parse(&id).unwrap();
    for _ in 0..3 {
        app.request(join(&id)).await;
    }
    setup(|| app.admitter.tick(&concert)).await;
    clock.advance(Duration::from_secs(60));
    for _ in 0..5 {
        app.request(join(&id)).await;
    }
    setup(|| app.admitter.tick(&concert)).await;
    let numbers = app.numbers(&id).await;
    let minutes = numbers.body["perMinute"].as_array().expect("perMinute");
    let last = minutes.last().expect("two minutes noted");
    // Noted at each tick: 3 joined and 0 passed at the first, 8 and 2 at the second.
    if faults_on() {
        // A spent number counts as a join; a cancelled tick notes nothing or admits nobody.
        let (joined, admitted) = (last["joined"].as_u64().unwrap(), last["admitted"].as_u64().unwrap());
        assert!(joined >= 5 && admitted <= 2, "{numbers:?}");
    } else {
        assert_eq!((&last["joined"], &last["admitted"]), (&json!(5), &json!(2)), "{numbers:?}");
        assert_eq!(numbers.body["line"]["waiting"], 4, "8 joined, 4 let in over two ticks: {numbers:?}");
    }
}

#[tokio::test]
async fn the_catalog_card_shows_a_new_sales_dates_prices_and_picture_and_an_edit_changes_them() {
    let app = App::start().await;
    let t0 = SystemClock.now();
    let id = unique_id();
    let mut body = spec(&id, t0.plus(HOUR), t0.plus(HOUR * 2), t0.plus(HOUR * 3), 50);
    body["priceTiers"] = json!([
        { "fromSeat": 1, "toSeat": 10, "price": 220_000 },
        { "fromSeat": 11, "toSeat": 50, "price": 110_000 },
    ]);
    body["imageUrl"] = json!("https://img.example/poster.jpg");
    assert_eq!(create(&app, body.clone()).await.status, 201);
    let card = |list: &Answer| list.body["concerts"].as_array().unwrap().iter().find(|c| c["concertId"] == id).cloned();
    let listed = card(&app.get("/concerts").await).expect("listed");
    assert_eq!((&listed["dates"], &listed["prices"]), (&json!([show_date()]), &json!([110_000, 220_000])), "{listed}");
    assert_eq!(listed["imageUrl"], "https://img.example/poster.jpg");
    body.as_object_mut().unwrap().remove("imageUrl");
    body["priceTiers"] = json!([{ "fromSeat": 1, "toSeat": 50, "price": 99_000 }]);
    let edited = app.put(format!("/operator/concerts/{id}"), body).as_operator().await;
    assert_eq!(edited.status, 200, "{edited:?}");
    let listed = card(&app.get("/concerts").await).expect("listed");
    assert_eq!(listed["prices"], json!([99_000]), "{listed}");
    assert_eq!(listed["imageUrl"], json!(null), "an edit without a picture removes it");
}
