//! Unit tests of `operator`: every validation, and the edit rules at the phase instants.

use std::time::Duration;

use super::*;
use crate::catalog::concert::SeatState;
use crate::catalog::spec::{standard_tiers, PriceTier, MAX_PRICE, MAX_TEXT};
use crate::rules::line::LineTotals;
use crate::rules::sale::SaleWindow;
use crate::testkit::world::{world_with, World, WorldOptions};
use crate::values::ids::{ConcertDate, SeatNumber};

const HOUR: Duration = Duration::from_secs(3600);

fn t(ms: i64) -> Timestamp {
    Timestamp::from_millis(ms)
}

fn spec() -> ConcertSpec {
    let start = t(1_800_000_000_000);
    ConcertSpec {
        id: ConcertId::parse("gala").unwrap(),
        title: "Gala".into(),
        venue: "Hall".into(),
        dates: vec![(ConcertDate::parse("2027-03-01").unwrap(), 50), (ConcertDate::parse("2027-03-02").unwrap(), 20)],
        tiers: standard_tiers(),
        seat_limit: 4,
        sale: SaleWindow { prequeue_at: start, opens_at: start.plus(HOUR), closes_at: start.plus(HOUR * 24) },
        admit_per_tick: None,
        active_cap: None,
        join_work: 0,
        refund_policy: crate::rules::refund_policy::RefundPolicy::standard(),
        image: None,
    }
}

/// The instant the specs are checked at: an hour before their pre-queue.
fn checked_at() -> Timestamp {
    spec().sale.prequeue_at.minus(HOUR)
}

fn broken(change: impl Fn(&mut ConcertSpec)) -> Result<()> {
    let mut s = spec();
    change(&mut s);
    s.validate(checked_at())
}

#[test]
fn a_valid_spec_gives_its_seats_priced_by_tier() {
    assert_eq!(spec().validate(checked_at()), Ok(()));
    let seats = spec().seats();
    assert_eq!(seats.len(), 70);
    assert_eq!(seats[0].price.get(), 220_000);
    assert_eq!(seats[49].price.get(), 110_000);
    assert!(seats.iter().all(|s| s.state == SeatState::Available));
}

#[test]
fn every_rule_of_a_concert_is_checked() {
    let bad: Vec<(&str, Result<()>)> = vec![
        ("blank title", broken(|s| s.title = "  ".into())),
        ("long venue", broken(|s| s.venue = "x".repeat(MAX_TEXT + 1))),
        ("a control character", broken(|s| s.title = "Gala\u{7}".into())),
        ("a right-to-left override", broken(|s| s.title = "Gala \u{202E}alaG".into())),
        ("only zero-width spaces", broken(|s| s.venue = "\u{200B}\u{200B}\u{FEFF}".into())),
        ("a show already over", broken(|s| s.dates[0].0 = ConcertDate::parse("2020-01-01").unwrap())),
        ("a sale past the last show", broken(|s| s.sale.closes_at = ConcertDate::parse("2027-03-03").unwrap().end())),
        ("no dates", broken(|s| s.dates.clear())),
        ("a date twice", broken(|s| s.dates[1].0 = s.dates[0].0)),
        ("no seats", broken(|s| s.dates[0].1 = 0)),
        ("51 seats", broken(|s| s.dates[0].1 = 51)),
        (
            "uncovered seat",
            broken(|s| {
                s.tiers.pop();
            }),
        ),
        ("overlapping tiers", broken(|s| s.tiers[1].from = SeatNumber::new(10).unwrap())),
        (
            "backwards tier",
            broken(|s| {
                s.tiers[0] = PriceTier {
                    from: SeatNumber::new(10).unwrap(),
                    to: SeatNumber::new(1).unwrap(),
                    price: Won::new(1).unwrap(),
                }
            }),
        ),
        ("free seats", broken(|s| s.tiers[0].price = Won::ZERO)),
        ("absurd price", broken(|s| s.tiers[0].price = Won::new(MAX_PRICE + 1).unwrap())),
        ("no seat limit", broken(|s| s.seat_limit = 0)),
        ("seat limit above 10", broken(|s| s.seat_limit = Concert::MAX_SEAT_LIMIT + 1)),
        ("opening after closing", broken(|s| s.sale.opens_at = s.sale.closes_at)),
        ("an image not over https", broken(|s| s.image = Some("http://img.example/a.jpg".into()))),
        ("an image URL with a quote", broken(|s| s.image = Some("https://img.example/a\".jpg".into()))),
        ("an image URL with a space", broken(|s| s.image = Some("https://img.example/a b.jpg".into()))),
        ("an image URL of only its scheme", broken(|s| s.image = Some("https://".into()))),
        ("pre-queue after opening", broken(|s| s.sale.prequeue_at = s.sale.opens_at.plus(HOUR))),
        ("zero rate", broken(|s| s.admit_per_tick = Some(0))),
        ("huge cap", broken(|s| s.active_cap = Some(MAX_ACTIVE_CAP + 1))),
    ];
    for (what, result) in bad {
        assert!(matches!(result, Err(Error::InvalidInput(_))), "{what}: {result:?}");
    }
    // Tiers need only cover the seats that exist.
    assert_eq!(
        broken(|s| {
            s.dates = vec![(ConcertDate::parse("2027-03-01").unwrap(), 10)];
            s.tiers.truncate(1);
        }),
        Ok(())
    );
}

/// The whole service on memory, an hour before the spec's pre-queue.
async fn world() -> World {
    world_with(WorldOptions {
        starts_at: spec().sale.prequeue_at.minus(HOUR),
        tick_every: Duration::from_secs(5),
        ..WorldOptions::default()
    })
    .await
}

#[tokio::test]
async fn a_concert_is_created_once() {
    let w = world().await;
    let c = w.operator.create(&spec()).await.unwrap();
    assert_eq!(c.phase_at(w.clock.now()), Phase::Scheduled);
    let mut other = spec();
    other.title = "Another show".into();
    assert_eq!(w.operator.create(&other).await, Err(Error::ConcertExists));
    let kept = w.mem.concert(&c.id).await.unwrap().unwrap();
    assert_eq!(kept.title, c.title, "the first one stays");
}

#[tokio::test]
async fn the_same_create_sent_again_answers_as_the_first_did() {
    let w = world().await;
    let first = w.operator.create(&spec()).await.unwrap();
    assert_eq!(w.operator.create(&spec()).await, Ok(first));
}

#[tokio::test]
async fn a_create_or_edit_applied_but_answered_with_an_error_succeeds_when_sent_again() {
    let w = world().await;
    w.mem.inject("add_concert", Error::Unavailable, true);
    assert_eq!(w.operator.create(&spec()).await, Err(Error::Unavailable), "applied, but the answer was lost");
    let made = w.operator.create(&spec()).await;
    assert_eq!(made.as_ref().map(|c| c.version), Ok(0), "the operator's retry: {made:?}");
    // The SDK retries a write it applied and finds its condition false: the retry loop
    // meets the same through a contention answered after applying.
    w.mem.inject("update_concert", Error::Contention, true);
    let paused = w.operator.pause(&spec().id).await;
    assert_eq!(paused.as_ref().map(|c| (c.control.paused, c.version)), Ok((true, 1)), "{paused:?}");
    assert_eq!(w.mem.pending_faults(), 0, "both faults were met");
}

#[tokio::test]
async fn the_layout_may_change_until_the_pre_queue_starts_and_not_from_its_instant() {
    let w = world().await;
    w.operator.create(&spec()).await.unwrap();
    let mut smaller = spec();
    smaller.dates[1].1 = 10;
    w.clock.set(spec().sale.prequeue_at.minus(Duration::from_millis(1)));
    let edited = w.operator.edit(&smaller).await.unwrap();
    assert_eq!(edited.version, 1);
    assert_eq!(w.mem.concert_seats(&spec().id).await.unwrap().unwrap().len(), 60);

    w.clock.set(spec().sale.prequeue_at);
    smaller.dates[1].1 = 5;
    assert_eq!(w.operator.edit(&smaller).await, Err(Error::SaleStarted));
    let mut later_opening = spec();
    later_opening.dates[1].1 = 10;
    later_opening.sale.opens_at = later_opening.sale.opens_at.plus(HOUR);
    assert_eq!(w.operator.edit(&later_opening).await, Err(Error::SaleStarted));
    // What does not touch the layout or the opening may still change.
    let mut renamed = spec();
    renamed.dates[1].1 = 10;
    renamed.title = "Gala (extra night)".into();
    renamed.sale.closes_at = renamed.sale.closes_at.plus(HOUR);
    assert_eq!(w.operator.edit(&renamed).await.unwrap().title, "Gala (extra night)");
    assert_eq!(w.mem.concert_seats(&spec().id).await.unwrap().unwrap().len(), 60, "nothing else changed");
}

#[tokio::test]
async fn live_control_pauses_resumes_changes_numbers_and_closes_early() {
    let w = world().await;
    w.operator.create(&spec()).await.unwrap();
    w.clock.set(spec().sale.opens_at);
    assert_eq!(w.operator.pause(&spec().id).await.unwrap().phase_at(w.clock.now()), Phase::Paused);
    assert_eq!(w.operator.resume(&spec().id).await.unwrap().phase_at(w.clock.now()), Phase::OnSale);
    let c = w.operator.set_admission(&spec().id, Some(7), None, None).await.unwrap();
    assert_eq!(c.control.policy(w.operator.defaults), QueuePolicy { admit_per_tick: 7, ..w.operator.defaults });
    assert!(matches!(w.operator.set_admission(&spec().id, Some(0), None, None).await, Err(Error::InvalidInput(_))));
    let closed = w.operator.close(&spec().id).await.unwrap();
    assert_eq!(closed.phase_at(w.clock.now()), Phase::Closed);
    assert_eq!(closed.sale.closes_at, w.clock.now());
    assert_eq!(
        w.operator.set_admission(&spec().id, Some(9), None, None).await,
        Err(Error::SaleClosed),
        "nobody to admit"
    );
    let numbers = w.operator.numbers(&spec().id).await.unwrap();
    assert_eq!((numbers.phase, numbers.dates.len(), numbers.dates[0].total), (Phase::Closed, 2, 50));
}

#[tokio::test]
async fn the_draw_is_published_only_once_the_sale_is_over() {
    let w = world().await;
    w.operator.create(&spec()).await.unwrap();
    w.clock.set(spec().sale.opens_at);
    assert_eq!(w.operator.published_draw(&spec().id).await, Err(Error::DrawNotPublished));
    w.clock.set(spec().sale.closes_at);
    assert_eq!(w.operator.published_draw(&spec().id).await, Ok(None), "nobody ever sealed it");
}

#[test]
fn per_minute_numbers_are_the_differences_of_the_running_totals() {
    let totals = [
        (10, LineTotals { joined: 5, admitted: 0 }),
        (11, LineTotals { joined: 25, admitted: 10 }),
        (13, LineTotals { joined: 30, admitted: 30 }),
    ];
    let m = per_minute(&totals);
    assert_eq!(m.len(), 2);
    assert_eq!((m[0].minute, m[0].joined, m[0].admitted), (t(11 * 60_000), 20, 10));
    // A minute nobody noted folds into the next one noted.
    assert_eq!((m[1].minute, m[1].joined, m[1].admitted), (t(13 * 60_000), 5, 20));
    assert!(per_minute(&totals[..1]).is_empty());
}

#[test]
fn the_tiers_are_read_back_from_the_seats() {
    assert_eq!(tiers_of(&spec().seats()), standard_tiers());
    assert!(tiers_of(&[]).is_empty());
}

#[tokio::test]
async fn a_concert_card_carries_its_dates_and_prices_as_last_set() {
    let w = world().await;
    let made = w.operator.create(&spec()).await.unwrap();
    let dates: Vec<String> = made.summary.dates.iter().map(ToString::to_string).collect();
    assert_eq!(dates, ["2027-03-01", "2027-03-02"]);
    let prices: Vec<i64> = made.summary.prices.iter().map(|p| p.get()).collect();
    assert_eq!(prices, [110_000, 165_000, 220_000], "each tier once, ascending");
    let mut fewer = spec();
    fewer.dates.truncate(1);
    fewer.tiers = vec![PriceTier {
        from: SeatNumber::new(1).unwrap(),
        to: SeatNumber::new(50).unwrap(),
        price: Won::new(99_000).unwrap(),
    }];
    let edited = w.operator.edit(&fewer).await.unwrap();
    assert_eq!(
        (edited.summary.dates.len(), edited.summary.prices.iter().map(|p| p.get()).collect::<Vec<_>>()),
        (1, vec![99_000])
    );
    let listed = CatalogStore::concerts(&*w.mem).await.unwrap();
    assert_eq!(
        listed.iter().find(|c| c.id == made.id).map(|c| &c.summary),
        Some(&edited.summary),
        "the listing reads it back"
    );
}
