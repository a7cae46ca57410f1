//! Unit tests of `catalog`.

use std::sync::Arc;

use super::*;
use crate::catalog::browse::CatalogService;
use crate::catalog::spec::{new_concert_seats, tier_price};
use crate::catalog::store::CatalogStore;
use crate::error::Error;
use crate::values::clock::Clock;

fn seat(date: &str, n: i64, state: SeatState) -> Seat {
    let number = SeatNumber::new(n).unwrap();
    Seat { date: ConcertDate::parse(date).unwrap(), number, price: tier_price(number), state }
}

fn held_until(ms: i64) -> SeatState {
    SeatState::Held { by: UserId::random(), reservation: ReservationId::random(), until: Timestamp::from_millis(ms) }
}

#[test]
fn hold_counts_until_the_millisecond_it_expires() {
    let s = seat("2026-12-24", 1, held_until(1_000));
    assert_eq!(s.status_at(Timestamp::from_millis(999)), SeatStatus::Held);
    assert_eq!(s.status_at(Timestamp::from_millis(1_000)), SeatStatus::Available);
    assert_eq!(s.status_at(Timestamp::from_millis(1_001)), SeatStatus::Available);
}

#[test]
fn availability_counts_expired_holds_as_available_and_sorts_dates() {
    let sold = SeatState::Sold { by: UserId::random(), reservation: ReservationId::random() };
    let seats = vec![
        seat("2026-12-25", 1, SeatState::Available),
        seat("2026-12-24", 1, held_until(1_000)),
        seat("2026-12-24", 2, held_until(5_000)),
        seat("2026-12-24", 3, sold),
        seat("2026-12-24", 4, SeatState::Available),
    ];
    let at = |ms| availability(&seats, Timestamp::from_millis(ms));
    let before = at(999);
    assert_eq!(before[0].date.to_string(), "2026-12-24");
    assert_eq!((before[0].available, before[0].total), (1, 4));
    assert_eq!((before[1].available, before[1].total), (1, 1));
    assert_eq!(at(1_000)[0].available, 2);
    assert_eq!(at(5_000)[0].available, 3);
}

#[test]
fn new_concert_has_fifty_priced_available_seats_per_date() {
    let dates = [ConcertDate::parse("2026-12-24").unwrap(), ConcertDate::parse("2026-12-25").unwrap()];
    let seats = new_concert_seats(&dates);
    assert_eq!(seats.len(), 100);
    assert!(seats.iter().all(|s| s.state == SeatState::Available && s.price.get() > 0));
    assert_eq!(tier_price(SeatNumber::new(1).unwrap()).get(), 220_000);
    assert_eq!(tier_price(SeatNumber::new(50).unwrap()).get(), 110_000);
}

mod glance {
    use super::*;
    use crate::testkit::memory::Memory;
    use crate::values::clock::ManualClock;
    use std::time::Duration;

    pub(super) async fn browsing(
        glance: Duration,
    ) -> (Arc<Memory>, Arc<ManualClock>, CatalogService, ConcertId, ConcertDate) {
        let mem = Arc::new(Memory::default());
        let clock = Arc::new(ManualClock::at(Timestamp::from_millis(1_000_000)));
        let id = ConcertId::parse("browse").unwrap();
        let date = ConcertDate::parse("2026-12-24").unwrap();
        let concert =
            Concert::on_sale(id.clone(), "T", "V", Timestamp::from_millis(0), Timestamp::from_millis(i64::MAX / 4));
        mem.add_concert(&concert, &new_concert_seats(&[date])).await.unwrap();
        let catalog = CatalogService::new(mem.clone(), clock.clone()).glancing_for(glance);
        (mem, clock, catalog, id, date)
    }

    fn fails(read: &'static str) -> Error {
        Error::Infrastructure(format!("{read} was read"))
    }

    #[tokio::test]
    async fn browsing_answers_dates_and_seats_from_one_glance_and_reads_again_once_it_is_a_second_old() {
        let (mem, clock, catalog, id, date) = browsing(Duration::from_secs(1)).await;
        assert_eq!(catalog.dates(&id).await.unwrap().value[0].available, 50);
        mem.inject("concert_seats", fails("concert_seats"), false);
        mem.inject("date_seats", fails("date_seats"), false);
        assert_eq!(catalog.seats(&id, date).await.unwrap().value.len(), 50, "from the glance the dates read");
        assert_eq!(catalog.dates(&id).await.unwrap().value[0].available, 50);
        assert_eq!(mem.pending_faults(), 2, "nothing read within the glance");
        let read_at = clock.now();
        clock.advance(Duration::from_millis(999));
        assert_eq!(catalog.dates(&id).await.unwrap().as_of, read_at, "asOf: when the seats shown were read");
        clock.advance(Duration::from_millis(1));
        assert_eq!(catalog.dates(&id).await, Err(fails("concert_seats")), "a second later it is read again");
        mem.date_seats(&id, date).await.unwrap_err();
        assert_eq!(catalog.seats(&id, ConcertDate::parse("2030-01-01").unwrap()).await, Err(Error::ScheduleNotFound));
    }

    #[tokio::test]
    async fn a_kept_hold_ends_on_the_map_at_its_instant_and_without_a_glance_every_request_reads() {
        let (mem, clock, catalog, id, date) = browsing(Duration::from_secs(1)).await;
        let until = clock.now().plus(Duration::from_millis(500));
        let mut seats = mem.concert_seats(&id).await.unwrap().unwrap();
        seats[0].state = held_until(until.millis());
        let concert = mem.concert(&id).await.unwrap().unwrap();
        assert!(mem.replace_seats(&concert, &seats[..1], &[]).await.unwrap());
        let held = |map: &[(Seat, SeatStatus)]| map.iter().filter(|(_, s)| *s == SeatStatus::Held).count();
        assert_eq!(held(&catalog.seats(&id, date).await.unwrap().value), 1);
        clock.advance(Duration::from_millis(500));
        assert_eq!(held(&catalog.seats(&id, date).await.unwrap().value), 0, "the kept hold ended at its instant");

        let (mem, _, catalog, id, date) = browsing(Duration::ZERO).await;
        catalog.seats(&id, date).await.unwrap();
        mem.inject("date_seats", fails("date_seats"), false);
        assert_eq!(catalog.seats(&id, date).await, Err(fails("date_seats")));
    }
}

#[tokio::test]
async fn without_a_glance_a_listing_is_as_of_its_request() {
    let (_, clock, catalog, id, date) = glance::browsing(std::time::Duration::ZERO).await;
    clock.advance(std::time::Duration::from_secs(5));
    assert_eq!(catalog.seats(&id, date).await.unwrap().as_of, clock.now());
    assert_eq!(catalog.dates(&id).await.unwrap().as_of, clock.now());
}
