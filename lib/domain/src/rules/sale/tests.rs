//! Unit tests of `sale`: every phase change at its exact instant.

use super::*;

fn window() -> SaleWindow {
    SaleWindow {
        prequeue_at: Timestamp::from_millis(1_000),
        opens_at: Timestamp::from_millis(2_000),
        closes_at: Timestamp::from_millis(3_000),
    }
}

fn at(ms: i64, control: SaleControl, sold_out: bool) -> Phase {
    phase_at(&window(), &control, sold_out, Timestamp::from_millis(ms))
}

#[test]
fn the_phase_changes_at_each_instant_exactly() {
    let c = SaleControl::default();
    assert_eq!(at(999, c, false), Phase::Scheduled);
    assert_eq!(at(1_000, c, false), Phase::PreQueue);
    assert_eq!(at(1_999, c, false), Phase::PreQueue);
    assert_eq!(at(2_000, c, false), Phase::OnSale);
    assert_eq!(at(2_999, c, false), Phase::OnSale);
    assert_eq!(at(3_000, c, false), Phase::Closed);
}

#[test]
fn pausing_holds_admission_only_once_the_sale_is_open() {
    let paused = SaleControl { paused: true, ..SaleControl::default() };
    assert_eq!(at(1_500, paused, false), Phase::PreQueue);
    assert_eq!(at(2_000, paused, false), Phase::Paused);
    assert!(!Phase::Paused.admits() && Phase::Paused.accepts_joins());
}

#[test]
fn sold_out_wins_over_everything_but_closing() {
    let c = SaleControl { paused: true, ..SaleControl::default() };
    assert_eq!(at(2_500, c, true), Phase::SoldOut);
    assert_eq!(at(3_000, c, true), Phase::Closed);
    assert!(!Phase::SoldOut.accepts_joins() && !Phase::Closed.accepts_joins() && !Phase::Scheduled.accepts_joins());
}

#[test]
fn a_sale_window_must_be_ordered() {
    assert!(window().is_ordered());
    let no_prequeue = SaleWindow { prequeue_at: window().opens_at, ..window() };
    assert!(no_prequeue.is_ordered(), "a sale may open without a pre-queue");
    assert!(!SaleWindow { opens_at: window().closes_at, ..window() }.is_ordered());
    assert!(!SaleWindow { prequeue_at: Timestamp::from_millis(2_001), ..window() }.is_ordered());
}

#[test]
fn the_operators_numbers_override_the_defaults() {
    let defaults = QueuePolicy {
        admit_per_tick: 100,
        active_cap: 1_000,
        active_for: std::time::Duration::from_secs(600),
        check_in_for: std::time::Duration::from_secs(60),
        idle_for: std::time::Duration::from_secs(300),
        tick_every: std::time::Duration::from_secs(5),
    };
    let c = SaleControl { paused: false, admit_per_tick: Some(7), active_cap: None, join_work: 0 };
    let p = c.policy(defaults);
    assert_eq!((p.admit_per_tick, p.active_cap, p.active_for), (7, 1_000, defaults.active_for));
}
