//! Unit tests of the line: joins, check-ins, the status and the admitter.

use std::sync::Arc;

use std::time::Duration;

use crate::catalog::store::CatalogStore;
use crate::error::{Error, Result};
use crate::line::admission::{TickLease, TICK_LEASE};
use crate::line::service::QueueService;
use crate::line::status::LineStatus;
use crate::line::store::AdmitterStore;
use crate::line::store::CreateOutcome;
use crate::line::store::{FanStore, LineStore};
use crate::line::store::{Release, SlotLease};
use crate::line::token::{Admission, Presented, SealedPass, Token, TokenState, TokenStatus, TokenView};
use crate::rules::arrivals::EmptyPlaces;
use crate::rules::line::Spot;
use crate::rules::pace::LinePace;
use crate::rules::pass::{Pass, PassKey};
use crate::rules::sale::{Phase, QueuePolicy};
use crate::testkit::world::{world_with, World, WorldOptions};
use crate::values::clock::Clock;
use crate::values::clock::Timestamp;
use crate::values::ids::{ConcertId, TokenId, UserId};

/// The line's worlds: a sale on from the start whose admitter's first tick sealed its
/// (empty) draw, and a clock from 1_000_000 ms (the pre-queue world's sale is set from there).
fn line(admit_per_tick: u32, active_cap: u32) -> WorldOptions {
    WorldOptions {
        admit_per_tick,
        active_cap,
        starts_at: Timestamp::from_millis(1_000_000),
        sealed: true,
        ..WorldOptions::default()
    }
}

async fn world(admit_per_tick: u32, active_cap: u32) -> World {
    world_with(line(admit_per_tick, active_cap)).await
}

/// The token's owner, as a signed-in caller would be.
async fn owner(w: &World, raw: &str) -> UserId {
    match TokenId::parse(raw) {
        Ok(id) => w.mem.token(id).await.unwrap().map_or_else(UserId::random, |t| t.user),
        Err(_) => UserId::random(),
    }
}

async fn current(w: &World, raw: &str) -> Result<TokenView> {
    w.queue.current(owner(w, raw).await, Some(raw)).await
}

async fn authorize(w: &World, raw: &str, concert: &ConcertId) -> Result<Admission> {
    w.queue.authorize(owner(w, raw).await, Some(raw), concert).await
}

/// The tokens among `views` whose places the admitter has let in, in place order.
async fn let_in(w: &World, views: &[TokenView]) -> Vec<TokenId> {
    let c = w.mem.counters(&w.concert).await.unwrap();
    let mut placed = Vec::new();
    for v in views {
        let token = w.mem.token(v.token).await.unwrap().unwrap();
        if let Some(p) = c.place_of(token.spot).filter(|p| *p <= c.admitted_through) {
            placed.push((p, v.token));
        }
    }
    placed.sort_unstable_by_key(|(p, _)| *p);
    placed.into_iter().map(|(_, t)| t).collect()
}

async fn issue_many(w: &World, n: usize) -> Vec<TokenView> {
    let mut out = Vec::new();
    for _ in 0..n {
        out.push(w.queue.issue(UserId::random(), &w.concert).await.unwrap().0);
    }
    out
}

#[tokio::test]
async fn position_counts_the_users_ahead_in_arrival_order() {
    let w = world(2, 100).await;
    let views = issue_many(&w, 5).await;
    let positions: Vec<u64> = views.iter().filter_map(|v| v.position).collect();
    assert_eq!(positions, vec![0, 1, 2, 3, 4]);
    assert!(views.iter().all(|v| v.status == TokenStatus::Waiting));

    w.admitter.tick(&w.concert).await.unwrap();
    let third = current(&w, &views[2].token.to_string()).await.unwrap();
    assert_eq!(third.position, Some(0));
    let fifth = current(&w, &views[4].token.to_string()).await.unwrap();
    assert_eq!(fifth.position, Some(2));
    let first = current(&w, &views[0].token.to_string()).await.unwrap();
    assert!(matches!(first.status, TokenStatus::Active { .. }));
    assert_eq!(first.position, Some(0));
}

#[tokio::test]
async fn joins_answer_from_a_glance_at_the_line_until_it_is_too_old() {
    let w = world_with(WorldOptions { glance: Duration::from_secs(1), ..line(2, 100) }).await;
    let views = issue_many(&w, 3).await;
    assert_eq!(views.iter().filter_map(|v| v.position).collect::<Vec<_>>(), vec![0, 1, 2]);
    w.admitter.tick(&w.concert).await.unwrap();
    assert_eq!(w.mem.counters(&w.concert).await.unwrap().admitted_through, 2);
    // Within the glance, a join's position is worked out from the line as it was: 3 ahead
    // of place 4 where 1 are.
    let stale = issue_many(&w, 1).await;
    assert_eq!((stale[0].place, stale[0].position), (Some(4), Some(3)));
    w.clock.advance(Duration::from_secs(1));
    let fresh = issue_many(&w, 1).await;
    assert_eq!((fresh[0].place, fresh[0].position), (Some(5), Some(2)), "the glance is read again");
}

#[tokio::test]
async fn a_check_in_trusts_a_kept_glance_that_lets_the_place_in_and_reads_the_line_again_otherwise() {
    let w = world_with(WorldOptions { glance: Duration::from_secs(1), ..line(2, 100) }).await;
    let views = issue_many(&w, 3).await;
    w.admitter.tick(&w.concert).await.unwrap();
    // The glance kept from the joins says place 1 waits: the line is read again, and the
    // fan checks in now rather than a glance later.
    let first = current(&w, &views[0].token.to_string()).await.unwrap();
    assert!(matches!(first.status, TokenStatus::Active { .. }), "{first:?}");
    w.clock.advance(Duration::from_secs(1));
    let third = current(&w, &views[2].token.to_string()).await.unwrap();
    assert_eq!((third.status, third.position), (TokenStatus::Waiting, Some(0)), "a fresh glance, kept");
    // The glance kept now lets place 2 in: the check-in reads the token and writes, nothing more.
    w.mem.inject("counters", Error::Infrastructure("the line was read".into()), false);
    let second = current(&w, &views[1].token.to_string()).await.unwrap();
    assert!(matches!(second.status, TokenStatus::Active { .. }), "{second:?}");
    assert_eq!(w.mem.pending_faults(), 1, "the line was not read");
    w.mem.counters(&w.concert).await.unwrap_err();
}

#[tokio::test]
async fn a_glance_without_the_draw_is_kept_a_quarter_as_long_once_the_sale_is_open() {
    let w = world_with(WorldOptions { glance: Duration::from_secs(4), sealed: false, ..line(2, 100) }).await;
    let before = issue_many(&w, 1).await;
    assert_eq!(before[0].place, None, "nobody's place is known before the seal");
    w.admitter.seal(&w.concert).await.unwrap();
    w.clock.advance(Duration::from_millis(900));
    let still = issue_many(&w, 1).await;
    assert_eq!(still[0].place, None, "within a quarter of the glance, the line as it was");
    w.clock.advance(Duration::from_millis(100));
    let after = issue_many(&w, 1).await;
    assert_eq!(after[0].place, Some(3), "a second later the join reads the draw and knows its place");
    // A glance with the draw is kept the whole time.
    w.clock.advance(Duration::from_millis(3900));
    assert_eq!(issue_many(&w, 1).await[0].place, Some(4));
}

#[test]
fn wait_estimate_follows_the_admission_rate() {
    let policy = QueuePolicy {
        admit_per_tick: 50,
        active_cap: 1000,
        active_for: Duration::from_secs(600),
        check_in_for: Duration::from_secs(60),
        idle_for: Duration::from_secs(300),
        tick_every: Duration::from_secs(2),
    };
    let pace = LinePace::nominal(&policy);
    assert_eq!(pace.wait_seconds(0), Some(2));
    assert_eq!(pace.wait_seconds(49), Some(2));
    assert_eq!(pace.wait_seconds(50), Some(4));
    assert_eq!(pace.wait_seconds(120), Some(6));
    assert_eq!(pace.per_minute(), 1_500);
}

#[test]
fn a_line_held_back_by_its_cap_is_estimated_at_the_pace_fans_leave() {
    let nominal = LinePace { per_tick: 50, tick_secs: 2, measured_per_minute: None };
    // The cap is full: 10 fans a minute finish, so 10 a minute get in.
    let slow = LinePace { measured_per_minute: Some(10), ..nominal };
    assert_eq!(slow.per_minute(), 10);
    assert_eq!(slow.wait_seconds(0), Some(6));
    assert_eq!(slow.wait_seconds(299), Some(1_800), "300th in line: 30 minutes, not 14 s");
    // A measured pace above the nominal one never shortens the estimate.
    let fast = LinePace { measured_per_minute: Some(10_000), ..nominal };
    assert_eq!(fast.wait_seconds(120), nominal.wait_seconds(120));
    // Nobody let in for minutes: no honest estimate.
    assert_eq!(LinePace { measured_per_minute: Some(0), ..nominal }.wait_seconds(5), None);
}

#[test]
fn a_fans_position_is_worked_out_from_their_place_and_the_serving_number() {
    let status = LineStatus {
        concert: ConcertId::parse("c").unwrap(),
        phase: Phase::OnSale,
        opens_at: Timestamp::from_millis(0),
        serving_through: 100,
        joined: 500,
        active: 10,
        active_cap: 200,
        pace: LinePace { per_tick: 50, tick_secs: 2, measured_per_minute: None },
        empty: vec![],
        draw_commitment: None,
    };
    assert_eq!(status.position_of(101), 0, "next in");
    assert_eq!(status.position_of(150), 49);
    assert_eq!(status.position_of(7), 0, "let in already");
    // Places 104, 136, 168 and 200 hold nobody: 104 and 136 are not fans ahead of 150.
    let status = LineStatus { empty: vec![EmptyPlaces { first: 104, last: 200, every: 32 }], ..status };
    assert_eq!(status.position_of(150), 47);
    assert_eq!(status.position_of(136), 34, "its own place is not ahead of it");
    assert_eq!(status.position_of(105), 3);
    assert_eq!(status.position_of(104), 3);
}

#[tokio::test]
async fn a_lone_fans_position_does_not_count_the_levelling_holes_ahead_of_them() {
    let w = world(1, 100).await;
    // Arrivals on stripe 31 first (number 32), then on stripe 0 (number 1): levelling
    // fills numbers 2 to 31 for nobody.
    w.mem.arrive_on(&w.concert, &[31, 0]).unwrap();
    let late = issue_many(&w, 1).await.remove(0);
    let first = issue_many(&w, 1).await.remove(0);
    assert_eq!((late.place, first.place), (Some(32), Some(1)));
    w.admitter.tick(&w.concert).await.unwrap();
    let counters = w.mem.counters(&w.concert).await.unwrap();
    assert_eq!(counters.admitted_through, 1, "one place a tick");
    assert_eq!(current(&w, &late.token.to_string()).await.unwrap().position, Some(0), "30 empty places ahead, no fan");
    let line = w.queue.line(&w.concert).await.unwrap();
    assert_eq!(line.position_of(32), 0);
    assert_eq!(line.empty.iter().map(|e| e.between(1, 32)).sum::<u64>(), 30);
}

#[tokio::test]
async fn the_wait_estimate_uses_the_sales_own_rate() {
    let w = world(50, 1000).await;
    let store: Arc<dyn CatalogStore> = w.mem.clone();
    let before = store.concert(&w.concert).await.unwrap().unwrap();
    let mut after = before.clone();
    after.control.admit_per_tick = Some(5);
    after.version += 1;
    assert!(store.update_concert(&before, &after).await.unwrap());
    let views = issue_many(&w, 12).await;
    assert_eq!(views[11].position, Some(11));
    assert_eq!(views[11].estimated_wait_seconds, Some(6), "11 ahead at 5 a tick: 3 ticks of 2 s");
}

#[tokio::test]
async fn admitter_admits_at_most_the_rate_per_tick_in_arrival_order() {
    let w = world(3, 100).await;
    let views = issue_many(&w, 7).await;
    let report = w.admitter.tick(&w.concert).await.unwrap();
    assert_eq!(report.admitted.map(|b| (b.from, b.through)), Some((1, 3)));
    assert_eq!(let_in(&w, &views).await, views[..3].iter().map(|v| v.token).collect::<Vec<_>>());
    let report = w.admitter.tick(&w.concert).await.unwrap();
    assert_eq!(report.admitted.map(|b| (b.from, b.through)), Some((4, 6)));
    assert_eq!(let_in(&w, &views).await, views[..6].iter().map(|v| v.token).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_whole_batch_is_one_write_however_large() {
    let w = world(5_000, 10_000).await;
    issue_many(&w, 3_000).await;
    let report = w.admitter.tick(&w.concert).await.unwrap();
    assert_eq!(report.admitted_count(), 3_000, "one tick lets in everyone the rate and the cap allow");
    let c = w.mem.counters(&w.concert).await.unwrap();
    assert_eq!((c.admitted_through, c.active, c.batches.len()), (3_000, 3_000, 1));
}

#[tokio::test]
async fn a_concert_another_admitter_is_ticking_is_left_alone_until_its_lease_lapses() {
    let w = world(5, 100).await;
    issue_many(&w, 3).await;
    let now = w.clock.now();
    assert!(w.mem.claim_tick(&w.concert, "another admitter", now, now.plus(TICK_LEASE)).await.unwrap());
    let left_alone = w.admitter.tick(&w.concert).await.unwrap();
    assert!(left_alone.busy && left_alone.admitted.is_none(), "not while the other holds the tick");
    assert_eq!(w.mem.counters(&w.concert).await.unwrap().admitted_through, 0);
    // The other admitter died without giving the tick back: its lease lapses.
    w.clock.advance(TICK_LEASE);
    let batch = w.admitter.tick(&w.concert).await.unwrap().admitted.expect("a batch");
    assert_eq!((batch.from, batch.through), (1, 3));
    // Each tick gives its lease back: the next one needs no wait, and the other admitter
    // can take it at once.
    assert!(w
        .mem
        .claim_tick(&w.concert, "another admitter", w.clock.now(), w.clock.now().plus(TICK_LEASE))
        .await
        .unwrap());
}

#[tokio::test]
async fn a_tick_whose_lease_answers_were_lost_still_ticks_and_gives_the_lease_back() {
    let w = world(5, 100).await;
    issue_many(&w, 2).await;
    w.mem.inject("claim_tick", Error::Unavailable, true);
    w.mem.inject("end_tick", Error::Unavailable, false);
    let batch = w.admitter.tick(&w.concert).await.unwrap().admitted.expect("the lease taken again by the same tick");
    assert_eq!((batch.from, batch.through), (1, 2));
    assert_eq!(w.mem.pending_faults(), 0);
    issue_many(&w, 1).await;
    assert!(w.admitter.tick(&w.concert).await.unwrap().admitted.is_some(), "the lease was given back");
}

#[tokio::test]
async fn a_seal_claim_whose_answer_was_lost_is_taken_again_by_its_sealer_not_waited_out() {
    let w = prequeue_world().await;
    issue_many(&w, 3).await;
    w.clock.set(Timestamp::from_millis(2_000_000));
    w.mem.inject("claim_seal", Error::Unavailable, true);
    assert_eq!(w.admitter.seal(&w.concert).await.unwrap().cohort, 3, "sealed without waiting for the claim to lapse");
    assert_eq!(w.mem.pending_faults(), 0);
}

#[tokio::test]
async fn a_tick_cancelled_midway_gives_its_lease_back() {
    let w = world(5, 100).await;
    issue_many(&w, 2).await;
    let now = w.clock.now();
    assert!(w.mem.claim_tick(&w.concert, "cancelled", now, now.plus(TICK_LEASE)).await.unwrap());
    // The tick's future dropped while it held the lease, as the admitter's budget would.
    let store: Arc<dyn AdmitterStore> = w.mem.clone();
    drop(TickLease { store, concert: w.concert.clone(), ticker: "cancelled".into(), held: true });
    let mut report = w.admitter.tick(&w.concert).await.unwrap();
    for _ in 0..10 {
        if !report.busy {
            break;
        }
        tokio::task::yield_now().await;
        report = w.admitter.tick(&w.concert).await.unwrap();
    }
    assert!(!report.busy && report.admitted.is_some(), "the release was sent: {report:?}");
}

#[tokio::test]
async fn admitter_never_passes_the_cap_until_slots_are_released() {
    let w = world(10, 4).await;
    let views = issue_many(&w, 8).await;
    assert_eq!(w.admitter.tick(&w.concert).await.unwrap().admitted_count(), 4);
    assert_eq!(w.admitter.tick(&w.concert).await.unwrap().admitted_count(), 0);
    assert_eq!(w.mem.counters(&w.concert).await.unwrap().active, 4);
    for v in &views[..4] {
        authorize(&w, &v.token.to_string(), &w.concert).await.unwrap();
    }
    assert_eq!(w.admitter.tick(&w.concert).await.unwrap().admitted_count(), 0, "checking in takes no more slots");

    // A payment uses up one token: its slot comes back at the next tick.
    w.mem.use_up(views[0].token, w.clock.now()).unwrap();
    let report = w.admitter.tick(&w.concert).await.unwrap();
    assert_eq!((report.released, report.admitted_count()), (1, 1));

    // When the active period ends, every slot comes back: the three who checked in, and
    // the one let in last who never came.
    w.clock.advance(Duration::from_secs(600));
    let report = w.admitter.tick(&w.concert).await.unwrap();
    assert_eq!((report.released, report.no_shows, report.admitted_count()), (3, 1, 3));
}

#[tokio::test]
async fn active_token_expires_at_the_end_of_its_period_exactly() {
    let w = world(10, 10).await;
    let view = issue_many(&w, 1).await.remove(0);
    let raw = view.token.to_string();
    w.admitter.tick(&w.concert).await.unwrap();
    // A fan who keeps making requests keeps the slot to the end of the period, not past it.
    for _ in 0..2 {
        assert!(authorize(&w, &raw, &w.concert).await.is_ok());
        w.clock.advance(Duration::from_secs(240));
    }
    assert!(authorize(&w, &raw, &w.concert).await.is_ok());
    w.clock.advance(Duration::from_secs(120) - Duration::from_millis(1));
    assert!(authorize(&w, &raw, &w.concert).await.is_ok());
    w.clock.advance(Duration::from_millis(1));
    assert_eq!(authorize(&w, &raw, &w.concert).await, Err(Error::TokenExpired));
    assert_eq!(current(&w, &raw).await, Err(Error::TokenExpired));
}

#[tokio::test]
async fn reissue_returns_the_live_token_and_a_new_one_after_expiry() {
    let w = world(10, 10).await;
    let user = UserId::random();
    let (first, created) = w.queue.issue(user, &w.concert).await.unwrap();
    assert!(created);
    let (again, created) = w.queue.issue(user, &w.concert).await.unwrap();
    assert!(!created);
    assert_eq!(again.token, first.token);
    assert_eq!(w.mem.arrivals(&w.concert).await.unwrap().taken(), 1, "no second place in line");

    w.admitter.tick(&w.concert).await.unwrap();
    w.clock.advance(Duration::from_secs(601));
    let (fresh, created) = w.queue.issue(user, &w.concert).await.unwrap();
    assert!(created);
    assert_ne!(fresh.token, first.token);
    assert_eq!(fresh.status, TokenStatus::Waiting);
}

#[tokio::test]
async fn queue_errors_follow_the_contract() {
    let w = world(10, 10).await;
    let other = ConcertId::parse("other").unwrap();
    assert_eq!(w.queue.issue(UserId::random(), &other).await.map(|_| ()), Err(Error::ConcertNotFound));
    assert_eq!(w.queue.current(UserId::random(), None).await, Err(Error::TokenMissing));
    assert_eq!(current(&w, "  ").await, Err(Error::TokenMissing));
    assert_eq!(current(&w, "garbage").await, Err(Error::TokenInvalid));
    let unknown = TokenId::random().to_string();
    assert_eq!(current(&w, &unknown).await, Err(Error::TokenInvalid));

    let raw = issue_many(&w, 1).await[0].token.to_string();
    assert_eq!(authorize(&w, &raw, &w.concert).await, Err(Error::TokenNotActive));
    w.admitter.tick(&w.concert).await.unwrap();
    assert!(authorize(&w, &raw, &w.concert).await.is_ok());
    assert_eq!(authorize(&w, &raw, &other).await, Err(Error::TokenWrongConcert));
}

#[tokio::test]
async fn a_number_nobody_took_is_let_in_as_a_no_show_and_its_slot_comes_back_with_its_batch() {
    let w = world(10, 2).await;
    let first = issue_many(&w, 1).await.remove(0);
    // An issuer that died after numbering: place 2 has no token.
    w.mem.next_arrival(&w.concert).await.unwrap();
    let third = issue_many(&w, 1).await.remove(0);
    assert_eq!(w.admitter.tick(&w.concert).await.unwrap().admitted.map(|b| (b.from, b.through)), Some((1, 2)));
    assert!(authorize(&w, &first.token.to_string(), &w.concert).await.is_ok());
    assert_eq!(authorize(&w, &third.token.to_string(), &w.concert).await, Err(Error::TokenNotActive), "the cap");
    w.clock.advance(Duration::from_secs(60));
    let report = w.admitter.tick(&w.concert).await.unwrap();
    assert_eq!((report.no_shows, report.admitted.map(|b| (b.from, b.through))), (1, Some((3, 3))));
    assert!(authorize(&w, &third.token.to_string(), &w.concert).await.is_ok());
}

#[tokio::test]
async fn a_check_in_racing_the_settlement_is_counted_or_refused_never_lost() {
    let w = world(10, 10).await;
    let views = issue_many(&w, 3).await;
    w.admitter.tick(&w.concert).await.unwrap();
    assert!(authorize(&w, &views[0].token.to_string(), &w.concert).await.is_ok());
    w.clock.advance(Duration::from_secs(60));
    // The admitter read one check-in; a second lands before it settles: its settlement fails
    // and the next tick counts both.
    let c = w.mem.counters(&w.concert).await.unwrap();
    let batch = c.batches[0];
    assert_eq!(w.mem.checked_in(&w.concert, &batch).await.unwrap(), vec![1]);
    let late = w.mem.token(views[1].token).await.unwrap().unwrap();
    assert!(w.mem.check_in(&late, &batch, w.clock.now().plus(Duration::from_secs(300))).await.unwrap());
    assert!(!w.mem.settle(&w.concert, &batch, &[1]).await.unwrap());
    assert_eq!(w.admitter.tick(&w.concert).await.unwrap().no_shows, 1);
    assert_eq!(w.mem.counters(&w.concert).await.unwrap().active, 2);
    // Once settled, no check-in of that batch gets through.
    let never = w.mem.token(views[2].token).await.unwrap().unwrap();
    assert!(!w.mem.check_in(&never, &batch, w.clock.now().plus(Duration::from_secs(300))).await.unwrap());
    assert_eq!(authorize(&w, &views[2].token.to_string(), &w.concert).await, Err(Error::TokenExpired));
}

#[tokio::test]
async fn a_token_issue_that_meets_an_admitter_transaction_gets_its_place_not_a_500() {
    let w = world(10, 10).await;
    // DynamoDB answers TransactionConflictException to the counter's ADD while an admission
    // transaction writes the same item; the SDK does not retry it.
    w.mem.inject("next_arrival", Error::Contention, false);
    w.mem.inject("create_token", Error::Throttled, false);
    let (view, created) = w.queue.issue(UserId::random(), &w.concert).await.unwrap();
    assert!(created);
    assert_eq!(w.mem.pending_faults(), 0);
    assert_eq!(view.status, TokenStatus::Waiting);
    // The throttled round wrote nothing: its number is sent again, not spent (no gap).
    assert_eq!((view.place, view.position), (Some(1), Some(0)));
    assert_eq!(w.mem.arrivals(&w.concert).await.unwrap().taken(), 1, "one number taken");
    w.admitter.tick(&w.concert).await.unwrap();
    assert!(authorize(&w, &view.token.to_string(), &w.concert).await.is_ok());
}

#[tokio::test]
async fn a_token_issue_whose_write_outcome_is_unknown_answers_503_and_the_retry_returns_that_token() {
    let w = world(10, 10).await;
    let user = UserId::random();
    w.mem.inject("create_token", Error::Unavailable, true);
    assert_eq!(w.queue.issue(user, &w.concert).await.map(|_| ()), Err(Error::Unavailable));
    let (again, created) = w.queue.issue(user, &w.concert).await.unwrap();
    assert!(!created, "the token written before the error is the fan's place");
    assert_eq!(again.position, Some(0));
    assert_eq!(w.mem.arrivals(&w.concert).await.unwrap().taken(), 1, "one place in line");
}

#[tokio::test]
async fn a_token_presented_by_another_user_is_forbidden_and_reveals_nothing() {
    let w = world(10, 10).await;
    let user = UserId::random();
    let raw = w.queue.issue(user, &w.concert).await.unwrap().0.token.to_string();
    w.admitter.tick(&w.concert).await.unwrap();
    let thief = UserId::random();
    assert_eq!(w.queue.current(thief, Some(&raw)).await, Err(Error::Forbidden));
    assert_eq!(w.queue.authorize(thief, Some(&raw), &w.concert).await, Err(Error::Forbidden));
    assert!(w.queue.authorize(user, Some(&raw), &w.concert).await.is_ok());
}

/// A line whose sale has a pre-queue from 1_000_000 ms, opening at 2_000_000 ms.
async fn prequeue_world() -> World {
    let w = world_with(WorldOptions { sealed: false, ..line(1_000, 10_000) }).await;
    let store: Arc<dyn CatalogStore> = w.mem.clone();
    let mut concert = store.concert(&w.concert).await.unwrap().unwrap();
    let mut changed = concert.clone();
    changed.sale = crate::rules::sale::SaleWindow {
        prequeue_at: Timestamp::from_millis(1_000_000),
        opens_at: Timestamp::from_millis(2_000_000),
        closes_at: Timestamp::from_millis(9_000_000),
    };
    changed.version += 1;
    assert!(store.update_concert(&concert, &changed).await.unwrap());
    concert = changed;
    assert_eq!(concert.phase_at(w.clock.now()), Phase::PreQueue);
    w
}

#[tokio::test]
async fn pre_queue_fans_get_their_places_at_the_opening_and_later_fans_queue_behind_them() {
    let w = prequeue_world().await;
    let early = issue_many(&w, 20).await;
    assert!(early.iter().all(|v| v.position.is_none() && v.phase == Phase::PreQueue));
    assert_eq!(early[0].estimated_wait_seconds, Some(1_000), "until the opening");
    assert_eq!(w.admitter.tick(&w.concert).await.unwrap().admitted, None, "nobody is let in before the opening");

    w.clock.set(Timestamp::from_millis(2_000_000));
    let late = issue_many(&w, 3).await;
    assert_eq!(late[0].place, None, "a join does not seal: its place waits for the draw");
    w.admitter.seal(&w.concert).await.unwrap();
    let draw = w.mem.counters(&w.concert).await.unwrap().draw.expect("the admitter's tick at the opening sealed it");
    assert_eq!(draw.cohort, 20);
    let mut places = Vec::new();
    for v in &early {
        places.push(current(&w, &v.token.to_string()).await.unwrap().position.unwrap());
    }
    let mut sorted = places.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, (0..20).collect::<Vec<u64>>(), "a permutation of the first 20 places");
    assert_ne!(places, (0..20).collect::<Vec<u64>>(), "drawn, not arrival order");
    let mut late_places = Vec::new();
    for v in &late {
        late_places.push(current(&w, &v.token.to_string()).await.unwrap().position.unwrap());
    }
    assert_eq!(late_places, vec![20, 21, 22]);

    // The admitter lets them in by drawn place.
    assert_eq!(w.admitter.tick(&w.concert).await.unwrap().admitted_count(), 23);
    let admitted = let_in(&w, &early.iter().chain(&late).cloned().collect::<Vec<_>>()).await;
    let mut by_place: Vec<(u64, TokenId)> = places.iter().copied().zip(early.iter().map(|v| v.token)).collect();
    by_place.sort_unstable_by_key(|(p, _)| *p);
    let expected: Vec<TokenId> = by_place.iter().map(|(_, t)| *t).chain(late.iter().map(|v| v.token)).collect();
    assert_eq!(admitted, expected);
}

#[tokio::test]
async fn a_join_racing_the_seal_lands_exactly_once_behind_the_cohort() {
    let w = prequeue_world().await;
    issue_many(&w, 5).await;
    // The clock says pre-queue, but an opener sealed meanwhile: the join goes behind.
    w.admitter.seal(&w.concert).await.unwrap();
    let (racer, created) = w.queue.issue(UserId::random(), &w.concert).await.unwrap();
    assert!(created);
    w.clock.set(Timestamp::from_millis(2_000_000));
    assert_eq!(current(&w, &racer.token.to_string()).await.unwrap().position, Some(5));
    assert_eq!(w.admitter.seal(&w.concert).await.unwrap().cohort, 5, "sealed once");
}

#[tokio::test]
async fn joins_outside_the_window_are_refused() {
    let w = prequeue_world().await;
    w.clock.set(Timestamp::from_millis(999_999));
    assert_eq!(w.queue.issue(UserId::random(), &w.concert).await.map(|_| ()), Err(Error::SaleNotOpen));
    w.clock.set(Timestamp::from_millis(9_000_000));
    assert_eq!(w.queue.issue(UserId::random(), &w.concert).await.map(|_| ()), Err(Error::SaleClosed));
}

#[tokio::test]
async fn the_public_line_status_measures_the_pace_and_stops_promising_when_the_cap_holds_it() {
    let w = world(5, 5).await;
    let views = issue_many(&w, 30).await;
    w.admitter.tick(&w.concert).await.unwrap();
    let line = w.queue.line(&w.concert).await.unwrap();
    assert_eq!((line.serving_through, line.joined, line.active, line.active_cap), (5, 30, 5, 5));
    assert_eq!(line.pace.measured_per_minute, None, "nothing noted a minute ago yet");
    assert_eq!(line.position_of(views[29].place.unwrap()), 24);
    // Six minutes with the cap full (the five let in keep busy): the admitter notes each
    // minute, and nobody else gets in.
    for _ in 0..6 {
        for v in &views[..5] {
            authorize(&w, &v.token.to_string(), &w.concert).await.unwrap();
        }
        w.clock.advance(Duration::from_secs(60));
        w.admitter.tick(&w.concert).await.unwrap();
    }
    let line = w.queue.line(&w.concert).await.unwrap();
    assert_eq!(line.serving_through, 5);
    assert_eq!(line.pace.measured_per_minute, Some(0));
    let raw = views[29].token.to_string();
    let view = current(&w, &raw).await.unwrap();
    assert_eq!((view.position, view.estimated_wait_seconds), (Some(24), None), "no promise while the line stands");
}

#[tokio::test]
async fn an_admitted_fan_who_never_shows_up_gives_the_slot_to_the_next_fan_after_the_check_in_window() {
    let w = world(2, 2).await;
    let views = issue_many(&w, 4).await;
    w.admitter.tick(&w.concert).await.unwrap();
    let raw: Vec<String> = views.iter().map(|v| v.token.to_string()).collect();
    // Fan 0 shows up (checks in); fan 1 never comes.
    assert!(authorize(&w, &raw[0], &w.concert).await.is_ok());
    w.clock.advance(Duration::from_secs(61));
    let report = w.admitter.tick(&w.concert).await.unwrap();
    assert_eq!((report.released, report.no_shows), (0, 1), "the no-show's slot, and only it");
    assert_eq!(report.admitted_count(), 1, "the next fan gets it at once");
    assert_eq!(authorize(&w, &raw[1], &w.concert).await, Err(Error::TokenExpired), "too late: the turn is gone");
    assert!(authorize(&w, &raw[0], &w.concert).await.is_ok(), "the fan who came keeps theirs");
    assert!(authorize(&w, &raw[2], &w.concert).await.is_ok());
    assert_eq!(w.mem.counters(&w.concert).await.unwrap().active, 2, "the cap holds exactly");
}

#[tokio::test]
async fn an_idle_fan_loses_the_slot_after_the_idle_timeout_and_a_busy_one_keeps_it_to_the_end() {
    let w = world(2, 2).await;
    let views = issue_many(&w, 3).await;
    w.admitter.tick(&w.concert).await.unwrap();
    let (busy, idle) = (views[0].token.to_string(), views[1].token.to_string());
    assert!(authorize(&w, &busy, &w.concert).await.is_ok());
    assert!(authorize(&w, &idle, &w.concert).await.is_ok());
    // The busy fan makes a request every two minutes, the idle one none.
    for _ in 0..3 {
        w.clock.advance(Duration::from_secs(120));
        assert!(authorize(&w, &busy, &w.concert).await.is_ok());
        w.admitter.tick(&w.concert).await.unwrap();
    }
    assert_eq!(authorize(&w, &idle, &w.concert).await, Err(Error::TokenExpired), "idle for 6 minutes");
    assert!(authorize(&w, &views[2].token.to_string(), &w.concert).await.is_ok(), "the next fan got the slot");
    // Renewal never goes past the active period: at 10 minutes even the busy fan is done.
    w.clock.advance(Duration::from_secs(240));
    assert_eq!(authorize(&w, &busy, &w.concert).await, Err(Error::TokenExpired));
}

#[test]
fn a_slot_is_renewed_at_check_in_then_once_per_half_idle_timeout_never_past_the_active_period() {
    let t = |s: i64| Timestamp::from_millis(s * 1_000);
    let idle = Duration::from_secs(300);
    let token = |slot: i64| Token {
        id: TokenId::random(),
        user: UserId::random(),
        concert: ConcertId::parse("c").unwrap(),
        spot: Spot::Arrival(1),
        state: TokenState::Active { until: t(600), slot_until: t(slot) },
    };
    assert_eq!(token(60).renewal(t(10), idle), Some(t(310)), "check-in");
    assert_eq!(token(310).renewal(t(100), idle), None, "renewed 90 s ago: not yet");
    assert_eq!(token(310).renewal(t(170), idle), Some(t(470)), "half the timeout passed");
    assert_eq!(token(470).renewal(t(450), idle), Some(t(600)), "never past the active period");
    assert_eq!(token(600).renewal(t(500), idle), None, "at the end already");
    let waiting = Token { state: TokenState::Waiting, ..token(0) };
    assert_eq!(waiting.renewal(t(1), idle), None);
}

/// An admitted fan's check-in: their token's view, with its admission pass.
async fn checked_in(w: &World) -> (UserId, String, SealedPass) {
    let raw = issue_many(w, 1).await[0].token.to_string();
    w.admitter.tick(&w.concert).await.unwrap();
    let user = owner(w, &raw).await;
    let view = w.queue.current(user, Some(&raw)).await.unwrap();
    (user, raw, view.pass.expect("an ACTIVE token's view carries a pass"))
}

fn with_pass(pass: &str) -> Presented<'_> {
    Presented { token: None, pass: Some(pass) }
}

#[tokio::test]
async fn a_pass_admits_without_reading_the_token() {
    let w = world(10, 10).await;
    let (user, raw, pass) = checked_in(&w).await;
    assert_eq!(pass.expires, w.clock.now().plus(Duration::from_secs(300)), "the pass lasts as the slot does");
    // Any read of the token would fail now.
    w.mem.inject("token", Error::Infrastructure("token read".into()), false);
    let admission = w.queue.authorize(user, with_pass(&pass.value), &w.concert).await.unwrap();
    assert_eq!((admission.token.to_string(), admission.user, &admission.concert), (raw.clone(), user, &w.concert));
    let both = Presented { token: Some(&raw), pass: Some(&pass.value) };
    assert!(w.queue.authorize(user, both, &w.concert).await.is_ok());
    assert_eq!(w.mem.pending_faults(), 1, "nothing was read");
    // The pass is good up to its end, exclusive.
    w.clock.advance(Duration::from_secs(300) - Duration::from_millis(1));
    assert!(w.queue.authorize(user, with_pass(&pass.value), &w.concert).await.is_ok());
    assert_eq!(w.mem.pending_faults(), 1, "nothing was read");
}

#[tokio::test]
async fn a_tampered_foreign_or_misplaced_pass_is_refused() {
    let w = world(10, 10).await;
    let (user, _, pass) = checked_in(&w).await;
    let other = ConcertId::parse("other").unwrap();
    let mut tampered = pass.value.clone();
    tampered.replace_range(3..4, if &pass.value[3..4] == "0" { "1" } else { "0" });
    assert_eq!(w.queue.authorize(user, with_pass(&tampered), &w.concert).await, Err(Error::TokenInvalid));
    assert_eq!(w.queue.authorize(UserId::random(), with_pass(&pass.value), &w.concert).await, Err(Error::Forbidden));
    assert_eq!(w.queue.authorize(user, with_pass(&pass.value), &other).await, Err(Error::TokenWrongConcert));
    let forged_elsewhere = Pass { user, ..Pass::open(&pass.value, &crate::testkit::world::pass_key()).unwrap() }
        .seal(&PassKey::new(b"somebody else's key, 32 bytes!!!").unwrap());
    assert_eq!(w.queue.authorize(user, with_pass(&forged_elsewhere), &w.concert).await, Err(Error::TokenInvalid));
    // A pass shown beside another of the user's tokens names a different token.
    let mismatched = Presented { token: Some(&TokenId::random().to_string()), pass: Some(&pass.value) };
    assert_eq!(w.queue.authorize(user, mismatched, &w.concert).await, Err(Error::TokenInvalid));
}

#[tokio::test]
async fn an_expired_pass_alone_is_refused_and_beside_its_token_the_token_is_read() {
    let w = world(10, 10).await;
    let (user, raw, pass) = checked_in(&w).await;
    w.clock.advance(Duration::from_secs(200));
    // A request with the token renews the slot; the old pass still ends where it said.
    assert!(w.queue.authorize(user, Some(&raw), &w.concert).await.is_ok());
    w.clock.advance(Duration::from_secs(100));
    assert_eq!(w.queue.authorize(user, with_pass(&pass.value), &w.concert).await, Err(Error::TokenExpired));
    let both = Presented { token: Some(&raw), pass: Some(&pass.value) };
    assert!(w.queue.authorize(user, both, &w.concert).await.is_ok(), "the renewed token still admits");
    let fresh = w.queue.current(user, Some(&raw)).await.unwrap().pass.expect("pass");
    assert!(fresh.expires > pass.expires);
    assert!(w.queue.authorize(user, with_pass(&fresh.value), &w.concert).await.is_ok());
}

#[tokio::test]
async fn a_waiting_or_expired_token_gets_no_pass() {
    let w = world(10, 10).await;
    let raw = issue_many(&w, 1).await[0].token.to_string();
    assert_eq!(current(&w, &raw).await.unwrap().pass, None);
    w.admitter.tick(&w.concert).await.unwrap();
    assert!(current(&w, &raw).await.unwrap().pass.is_some());
    w.clock.advance(Duration::from_secs(601));
    assert_eq!(current(&w, &raw).await, Err(Error::TokenExpired));
}

#[tokio::test]
async fn a_large_batch_spreads_its_check_ins_and_settles_them_all() {
    let w = world(1_000, 1_000).await;
    let views = issue_many(&w, 1_000).await;
    let batch = w.admitter.tick(&w.concert).await.unwrap().admitted.unwrap();
    assert_eq!((batch.size(), batch.shards), (1_000, 4));
    for v in &views[..600] {
        authorize(&w, &v.token.to_string(), &w.concert).await.unwrap();
    }
    let counts = w.mem.checked_in(&w.concert, &batch).await.unwrap();
    assert_eq!(counts.iter().sum::<u64>(), 600);
    assert!(counts.iter().all(|c| *c > 0), "spread over every shard: {counts:?}");
    w.clock.advance(Duration::from_secs(60));
    assert_eq!(w.admitter.tick(&w.concert).await.unwrap().no_shows, 400);
    assert_eq!(w.mem.counters(&w.concert).await.unwrap().active, 600);
}

#[tokio::test]
async fn a_fan_who_missed_the_window_and_joins_again_gets_one_turn_not_two() {
    let w = world(10, 10).await;
    let view = issue_many(&w, 1).await.remove(0);
    let user = owner(&w, &view.token.to_string()).await;
    w.admitter.tick(&w.concert).await.unwrap();
    let old = w.mem.token(view.token).await.unwrap().unwrap();
    let batch = w.mem.counters(&w.concert).await.unwrap().batches[0];
    // The re-join read the old token as missed; a slow check-in of it lands first: the re-join
    // must not also get a new place.
    assert!(w.mem.check_in(&old, &batch, w.clock.now().plus(Duration::from_secs(300))).await.unwrap());
    let fresh = Token {
        id: TokenId::random(),
        user,
        concert: w.concert.clone(),
        spot: Spot::Arrival(99),
        state: TokenState::Waiting,
    };
    assert_eq!(w.mem.create_token(&fresh, Some(&old)).await.unwrap(), CreateOutcome::HolderTaken);

    // The other way round: the re-join replaced a WAITING token first; that token's check-in fails.
    let view = issue_many(&w, 1).await.remove(0);
    let user = owner(&w, &view.token.to_string()).await;
    w.clock.advance(Duration::from_secs(1));
    w.admitter.tick(&w.concert).await.unwrap();
    let old = w.mem.token(view.token).await.unwrap().unwrap();
    let batch = *w.mem.counters(&w.concert).await.unwrap().batches.last().unwrap();
    let fresh = Token {
        id: TokenId::random(),
        user,
        concert: w.concert.clone(),
        spot: Spot::Arrival(98),
        state: TokenState::Waiting,
    };
    assert_eq!(w.mem.create_token(&fresh, Some(&old)).await.unwrap(), CreateOutcome::Created);
    assert!(!w.mem.check_in(&old, &batch, w.clock.now().plus(Duration::from_secs(300))).await.unwrap());
}

#[tokio::test]
async fn fans_on_lagging_stripes_are_let_in_and_the_numbers_between_are_holes_that_take_no_slot() {
    let w = world(10, 3).await;
    // Little load: two fans count on stripes 5 and 17 and take numbers 6 and 18.
    w.mem.arrive_on(&w.concert, &[5, 17]).unwrap();
    let fans = issue_many(&w, 2).await;
    assert_eq!((fans[0].place, fans[1].place), (Some(6), Some(18)));
    let batch = w.admitter.tick(&w.concert).await.unwrap().admitted.expect("a batch");
    assert_eq!((batch.from, batch.through, batch.holes, batch.slots()), (1, 18, 16, 2));
    let line = w.mem.counters(&w.concert).await.unwrap();
    assert_eq!((line.active, line.holes.len()), (2, 0), "two slots of three; the holes let in are forgotten");
    for f in &fans {
        assert!(authorize(&w, &f.token.to_string(), &w.concert).await.is_ok());
    }
    // The stripes below 18 were levelled: the next fan is numbered after them, and let in.
    let third = issue_many(&w, 1).await.remove(0);
    assert_eq!(third.place, Some(19));
    assert_eq!(
        w.admitter.tick(&w.concert).await.unwrap().admitted.map(|b| (b.from, b.through, b.holes)),
        Some((19, 19, 0))
    );
    // Nobody checks in again; the window closes: the holes gave nothing back, as they took nothing.
    w.clock.advance(Duration::from_secs(61));
    let report = w.admitter.tick(&w.concert).await.unwrap();
    assert_eq!(report.no_shows, 1, "the third fan, not the holes");
    assert_eq!(w.mem.counters(&w.concert).await.unwrap().active, 2);
}

#[tokio::test]
async fn a_batch_past_holes_lets_in_no_more_fans_than_the_room() {
    let w = world(10, 1).await;
    w.mem.arrive_on(&w.concert, &[3, 9]).unwrap();
    let fans = issue_many(&w, 2).await;
    let batch = w.admitter.tick(&w.concert).await.unwrap().admitted.expect("a batch");
    assert_eq!((batch.from, batch.through, batch.holes), (1, 4, 3), "one slot: the first fan only");
    assert!(authorize(&w, &fans[0].token.to_string(), &w.concert).await.is_ok());
    assert_eq!(authorize(&w, &fans[1].token.to_string(), &w.concert).await, Err(Error::TokenNotActive));
    let line = w.mem.counters(&w.concert).await.unwrap();
    assert_eq!(line.holes_within(0, 5, 10), 5, "the holes before the second fan wait for its batch");
}

#[tokio::test]
async fn a_levelling_whose_note_is_lost_counts_its_holes_as_no_shows_until_the_window_closes() {
    let w = world(10, 10).await;
    w.mem.arrive_on(&w.concert, &[4]).unwrap();
    let fan = issue_many(&w, 1).await.remove(0);
    w.mem.inject("note_holes", Error::Infrastructure("lost".into()), false);
    assert!(w.admitter.tick(&w.concert).await.is_err());
    // The stripes were levelled all the same: the next tick lets in 1..=5 as five fans.
    let batch = w.admitter.tick(&w.concert).await.unwrap().admitted.expect("a batch");
    assert_eq!((batch.from, batch.through, batch.holes), (1, 5, 0));
    assert_eq!(w.mem.counters(&w.concert).await.unwrap().active, 5);
    assert!(authorize(&w, &fan.token.to_string(), &w.concert).await.is_ok());
    w.clock.advance(Duration::from_secs(61));
    assert_eq!(w.admitter.tick(&w.concert).await.unwrap().no_shows, 4);
    assert_eq!(w.mem.counters(&w.concert).await.unwrap().active, 1, "only the fan holds a slot");
}

#[tokio::test]
async fn a_pre_queue_spread_over_stripes_is_drawn_as_one_dense_cohort() {
    let w = prequeue_world().await;
    // Four fans count on stripes 3, 17, 3 and 30: pre-queue indexes 3, 17, 35 and 30.
    w.mem.arrive_on(&w.concert, &[3, 17, 3, 30]).unwrap();
    let early = issue_many(&w, 4).await;
    // The admitter notes how many pre-queued (a join writes nothing on the line).
    w.admitter.tick(&w.concert).await.unwrap();
    assert_eq!(w.mem.counters(&w.concert).await.unwrap().prequeued, 4);

    w.clock.set(Timestamp::from_millis(2_000_000));
    let draw = w.admitter.seal(&w.concert).await.unwrap();
    assert_eq!(draw.cohort, 4, "every fan of every stripe, nobody else");
    let mut places = Vec::new();
    for v in &early {
        places.push(current(&w, &v.token.to_string()).await.unwrap().position.unwrap());
    }
    places.sort_unstable();
    assert_eq!(places, vec![0, 1, 2, 3], "the first four places, one each");
    // The stripes are frozen: a join now queues behind the cohort.
    assert_eq!(w.mem.next_prequeue_index(&w.concert).await.unwrap(), None);
    let late = issue_many(&w, 1).await.remove(0);
    assert_eq!(late.position, Some(4));
}

#[tokio::test]
async fn joins_at_the_opening_never_seal_and_a_sealer_holding_the_claim_keeps_others_out_until_it_lapses() {
    let w = prequeue_world().await;
    issue_many(&w, 3).await;
    w.clock.set(Timestamp::from_millis(2_000_000));
    let fan = issue_many(&w, 1).await.remove(0);
    assert_eq!((fan.place, fan.position), (None, None), "no place before the draw");
    assert_eq!(current(&w, &fan.token.to_string()).await.unwrap().position, None, "a poll does not seal either");
    assert_eq!(w.mem.counters(&w.concert).await.unwrap().draw, None, "the herd at the opening writes nothing");
    // An admitter claimed the seal and died: the others wait until the claim lapses.
    let now = w.clock.now();
    assert!(w.mem.claim_seal(&w.concert, "dead admitter", now, now.plus(Duration::from_secs(10))).await.unwrap());
    w.admitter.tick(&w.concert).await.unwrap_err();
    assert_eq!(w.mem.counters(&w.concert).await.unwrap().draw, None);
    w.clock.advance(Duration::from_secs(11));
    assert_eq!(w.admitter.seal(&w.concert).await.unwrap().cohort, 3);
    assert_eq!(current(&w, &fan.token.to_string()).await.unwrap().position, Some(3), "behind the cohort");
}

#[tokio::test]
async fn a_release_names_the_slots_no_longer_as_listed_and_releases_nothing_until_they_are_left_out() {
    let w = world(10, 10).await;
    let (_, first, _) = checked_in(&w).await;
    let (_, second, _) = checked_in(&w).await;
    w.clock.advance(Duration::from_secs(301));
    let ended = w.mem.ended_slots(&w.concert, w.clock.now(), 99).await.unwrap();
    assert_eq!(ended.len(), 2, "both idle slots ended");
    // As a lagging index would list it: the first slot with the end it had before a renewal.
    let first = TokenId::parse(&first).unwrap();
    let listed: Vec<SlotLease> = ended
        .iter()
        .map(|l| if l.token == first { SlotLease { until: l.until.minus(Duration::from_secs(1)), ..*l } } else { *l })
        .collect();
    let active = w.mem.counters(&w.concert).await.unwrap().active;
    assert_eq!(w.mem.release_slots(&w.concert, &listed).await.unwrap(), Release::Stale(vec![first]));
    assert_eq!(w.mem.counters(&w.concert).await.unwrap().active, active, "nothing released");
    let rest: Vec<SlotLease> = listed.into_iter().filter(|l| l.token != first).collect();
    assert_eq!(w.mem.release_slots(&w.concert, &rest).await.unwrap(), Release::Done);
    assert_eq!(w.mem.counters(&w.concert).await.unwrap().active, active - 1, "the other slot came back");
    assert!(TokenId::parse(&second).is_ok());
    // The tick releases what is left from a fresh listing.
    assert_eq!(w.admitter.tick(&w.concert).await.unwrap().released, 1);
}

#[tokio::test]
async fn during_a_key_rotation_passes_of_the_previous_key_admit_and_an_unknown_key_falls_back_to_the_token() {
    let w = world(10, 10).await;
    let (user, raw, pass) = checked_in(&w).await;
    let old_key = crate::testkit::world::pass_key();
    let new_key = PassKey::new(b"the key after the rotation, 32 b").unwrap();
    // Rotated: this instance signs with the new key and still accepts the old one.
    let rotated = QueueService::new(w.mem.clone(), w.mem.clone(), w.clock.clone(), w.queue.policy, new_key.clone())
        .accepting_previous_key(Some(old_key));
    assert!(rotated.authorize(user, with_pass(&pass.value), &w.concert).await.is_ok(), "an old pass still admits");
    let fresh = rotated.current(user, Some(&raw)).await.unwrap().pass.expect("a pass");
    assert!(Pass::open(&fresh.value, &new_key).is_ok(), "new passes are signed with the new key");
    // An instance that knows neither key: the pass alone is refused, beside its token the
    // token is read (one read), never a 401 for a fan whose token is good.
    let stranger = QueueService::new(
        w.mem.clone(),
        w.mem.clone(),
        w.clock.clone(),
        w.queue.policy,
        PassKey::new(b"a third key, never seen by fans!").unwrap(),
    );
    assert_eq!(stranger.authorize(user, with_pass(&pass.value), &w.concert).await, Err(Error::TokenInvalid));
    let both = Presented { token: Some(&raw), pass: Some(&pass.value) };
    assert!(stranger.authorize(user, both, &w.concert).await.is_ok(), "the token admits");
}

#[tokio::test]
async fn the_draws_seed_is_committed_at_the_first_tick_of_the_pre_queue_and_the_seal_uses_it() {
    let w = prequeue_world().await;
    assert_eq!(w.queue.line(&w.concert).await.unwrap().draw_commitment, None, "nothing fixed before any tick");
    w.admitter.tick(&w.concert).await.unwrap();
    let published = w.queue.line(&w.concert).await.unwrap().draw_commitment.expect("published in the pre-queue");
    issue_many(&w, 7).await;
    w.admitter.tick(&w.concert).await.unwrap();
    assert_eq!(w.queue.line(&w.concert).await.unwrap().draw_commitment.as_ref(), Some(&published), "fixed once");
    w.clock.set(Timestamp::from_millis(2_000_000));
    let draw = w.admitter.seal(&w.concert).await.unwrap();
    assert_eq!(
        crate::rules::fair_start::commitment(&draw.seed),
        published,
        "the seed revealed hashes to the commitment"
    );
    assert_eq!(w.queue.line(&w.concert).await.unwrap().draw_commitment, Some(published));
}

#[tokio::test]
async fn a_sale_sealed_without_an_earlier_tick_commits_its_seed_at_the_seal() {
    let w = prequeue_world().await;
    w.clock.set(Timestamp::from_millis(2_000_000));
    let draw = w.admitter.seal(&w.concert).await.unwrap();
    let counters = w.mem.counters(&w.concert).await.unwrap();
    assert_eq!(counters.committed_seed, Some(draw.seed));
}

#[tokio::test]
async fn a_sale_that_asks_a_proof_of_work_lets_in_only_solved_challenges_and_a_fan_in_line_pays_once() {
    use crate::rules::join_work::{solves, Proof};
    let w = world(100, 1000).await;
    let store: Arc<dyn CatalogStore> = w.mem.clone();
    let concert = store.concert(&w.concert).await.unwrap().unwrap();
    let mut hard = concert.clone();
    hard.control.join_work = 8;
    hard.version += 1;
    assert!(store.update_concert(&concert, &hard).await.unwrap());
    let user = UserId::random();
    assert_eq!(w.queue.issue(user, &w.concert).await.map(|_| ()), Err(Error::WorkRequired { bits: 8 }));
    let challenge = w.queue.challenge(user, &w.concert).await.unwrap();
    assert_eq!(challenge.bits, 8);
    let wire = w.queue.seal_challenge(&challenge);
    let nonce = (0..).find(|&n| solves(&wire, n, 8)).unwrap();
    let wrong = (0..).find(|&n| !solves(&wire, n, 8)).unwrap();
    let proof = |nonce| Proof { challenge: wire.clone(), nonce };
    assert_eq!(w.queue.issue_with(user, &w.concert, Some(&proof(wrong))).await.map(|_| ()), Err(Error::WorkInvalid));
    let other = UserId::random();
    assert_eq!(
        w.queue.issue_with(other, &w.concert, Some(&proof(nonce))).await.map(|_| ()),
        Err(Error::WorkInvalid),
        "a solution is its own fan's"
    );
    let (view, created) = w.queue.issue_with(user, &w.concert, Some(&proof(nonce))).await.unwrap();
    assert!(created);
    let (again, created) = w.queue.issue(user, &w.concert).await.unwrap();
    assert_eq!((again.token, created), (view.token, false), "in line already: answered for nothing");
}
