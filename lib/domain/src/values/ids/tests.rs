//! Unit tests of `ids`.

use super::*;

#[test]
fn seat_numbers_are_one_to_fifty() {
    assert_eq!(SeatNumber::new(0), Err(Error::SeatNotFound));
    assert_eq!(SeatNumber::new(1).map(SeatNumber::get), Ok(1));
    assert_eq!(SeatNumber::new(50).map(SeatNumber::get), Ok(50));
    assert_eq!(SeatNumber::new(51), Err(Error::SeatNotFound));
    assert_eq!(SeatNumber::new(-7), Err(Error::SeatNotFound));
    assert_eq!(SeatNumber::new(256 + 7), Err(Error::SeatNotFound));
    assert_eq!(SeatNumber::all().count(), 50);
}

#[test]
fn dates_are_strict_calendar_days() {
    assert_eq!(ConcertDate::parse("2026-12-24").map(|d| d.to_string()).as_deref(), Ok("2026-12-24"));
    for bad in ["2026-02-30", "2026-13-01", "26-12-24", "2026-12-24T00:00:00Z", "", "2026-1-01", "tomorrow"] {
        assert!(ConcertDate::parse(bad).is_err(), "{bad} must be refused");
    }
}

#[test]
fn tokens_must_be_v4_uuids() {
    let t = TokenId::random();
    assert_eq!(TokenId::parse(&t.to_string()), Ok(t));
    assert_eq!(TokenId::parse("garbage"), Err(Error::TokenInvalid));
    assert_eq!(TokenId::parse(""), Err(Error::TokenInvalid));
    // A v1-shaped UUID was never issued by us.
    assert_eq!(TokenId::parse("6ba7b810-9dad-11d1-80b4-00c04fd430c8"), Err(Error::TokenInvalid));
}

#[test]
fn concert_ids_are_slugs() {
    assert!(ConcertId::parse("seoul-2026").is_ok());
    assert!(ConcertId::parse("").is_err());
    assert!(ConcertId::parse("Seoul").is_err());
    assert!(ConcertId::parse("a#b").is_err());
    assert!(ConcertId::parse(&"a".repeat(65)).is_err());
}

#[test]
fn user_ids_are_uuids() {
    assert!(UserId::parse("not-a-uuid").is_err());
    let u = UserId::random();
    assert_eq!(UserId::parse(&u.to_string()), Ok(u));
}

#[test]
fn idempotency_keys_are_bounded() {
    assert!(IdempotencyKey::parse("abc-123").is_ok());
    assert!(IdempotencyKey::parse(&"k".repeat(128)).is_ok());
    assert!(IdempotencyKey::parse(&"k".repeat(129)).is_err());
    assert!(IdempotencyKey::parse("").is_err());
    assert!(IdempotencyKey::parse("has space").is_err());
}

#[test]
fn a_date_ends_at_the_next_utc_midnight_and_days_count_from_a_timestamp() {
    let d = ConcertDate::parse("2026-12-31").unwrap();
    // 2027-01-01T00:00:00Z
    assert_eq!(d.end(), Timestamp::from_millis(1_798_761_600_000));
    let noon = Timestamp::from_millis(1_798_761_600_000 - 12 * 3_600_000);
    assert_eq!(ConcertDate::days_after(noon, 0), Some(d));
    assert_eq!(ConcertDate::days_after(noon, 1), Some(ConcertDate::parse("2027-01-01").unwrap()));
}
