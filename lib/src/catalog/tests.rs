//! Unit tests of `catalog`.

use super::*;

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
