//! Unit tests of `clock`.

use super::*;

#[test]
fn rfc3339_is_utc_with_millis() {
    assert_eq!(Timestamp::from_millis(0).to_rfc3339(), "1970-01-01T00:00:00Z");
    assert_eq!(Timestamp::from_millis(1_798_142_400_250).to_rfc3339(), "2026-12-24T20:00:00.25Z");
}

#[test]
fn ttl_seconds_round_up_so_cleanup_never_precedes_expiry() {
    assert_eq!(Timestamp::from_millis(1_001).epoch_seconds_ceil(), 2);
    assert_eq!(Timestamp::from_millis(2_000).epoch_seconds_ceil(), 2);
}

#[test]
fn manual_clock_moves_only_when_told() {
    let clock = ManualClock::at(Timestamp::from_millis(10));
    assert_eq!(clock.now(), Timestamp::from_millis(10));
    clock.advance(Duration::from_millis(5));
    assert_eq!(clock.now(), Timestamp::from_millis(15));
    assert_eq!(Timestamp::from_millis(10).until(Timestamp::from_millis(4)), Duration::ZERO);
}
