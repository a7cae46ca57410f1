//! Unit tests of `refund`: the schedule at every boundary, rounding, grace and deadline.

use super::*;

const DAY: i64 = 24 * 3600 * 1000;

fn t(ms: i64) -> Timestamp {
    Timestamp::from_millis(ms)
}

fn won(v: i64) -> Won {
    Won::new(v).unwrap()
}

const SHOW: i64 = 100 * DAY;

fn quote(now: i64, paid: i64) -> Quote {
    RefundPolicy::standard().quote(won(150_000), t(paid), t(SHOW), t(now))
}

fn refund(fee: i64) -> Quote {
    Quote::Refund { fee: won(fee), refund: won(150_000 - fee) }
}

#[test]
fn each_stretch_begins_at_its_exact_instant() {
    let paid = 0;
    assert_eq!(quote(SHOW - 10 * DAY - 1, paid), refund(0), "far from the show");
    assert_eq!(quote(SHOW - 10 * DAY, paid), refund(15_000), "10 days before: 10%");
    assert_eq!(quote(SHOW - 7 * DAY - 1, paid), refund(15_000));
    assert_eq!(quote(SHOW - 7 * DAY, paid), refund(30_000), "7 days: 20%");
    assert_eq!(quote(SHOW - 3 * DAY, paid), refund(45_000), "3 days: 30%");
    assert_eq!(quote(SHOW - DAY - 1, paid), refund(45_000), "the last instant before the deadline");
    assert_eq!(quote(SHOW - DAY, paid), Quote::TooLate, "the deadline, exactly");
    assert_eq!(quote(SHOW + 1, paid), Quote::TooLate);
}

#[test]
fn the_grace_period_is_free_until_its_instant_but_never_past_the_deadline() {
    let paid = SHOW - 5 * DAY;
    assert_eq!(quote(paid + DAY - 1, paid), refund(0), "within a day of booking");
    assert_eq!(quote(paid + DAY, paid), refund(30_000), "grace over: the stretch's 20%");
    let late_buy = SHOW - DAY - 1000;
    assert_eq!(quote(late_buy + 500, late_buy), refund(0));
    assert_eq!(quote(SHOW - DAY, late_buy), Quote::TooLate, "grace does not pass the deadline");
}

#[test]
fn a_percentage_is_rounded_down_to_the_won_and_capped() {
    assert_eq!(Fee::Percent { percent: 10, cap: None }.of(won(99_999)), won(9_999), "9,999.9 rounds down");
    assert_eq!(Fee::Percent { percent: 33, cap: None }.of(won(1)), won(0));
    assert_eq!(Fee::Percent { percent: 30, cap: Some(won(20_000)) }.of(won(150_000)), won(20_000));
    assert_eq!(Fee::Percent { percent: 250, cap: None }.of(won(1_000)), won(1_000), "never above the price");
}

#[test]
fn a_fixed_fee_never_exceeds_the_price() {
    assert_eq!(Fee::Fixed(won(5_000)).of(won(150_000)), won(5_000));
    assert_eq!(Fee::Fixed(won(5_000)).of(won(3_000)), won(3_000));
}

#[test]
fn fee_plus_refund_is_always_the_price() {
    for price in [0, 1, 7, 99_999, 150_000, 10_000_000] {
        for now in [0, SHOW - 10 * DAY, SHOW - 4 * DAY, SHOW - 2 * DAY] {
            if let Quote::Refund { fee, refund } = RefundPolicy::standard().quote(won(price), t(0), t(SHOW), t(now)) {
                assert_eq!(fee.get() + refund.get(), price);
            }
        }
    }
}

#[test]
fn a_fee_is_exactly_one_kind_and_its_amounts_are_money() {
    let policy = |fee: serde_json::Value| {
        RefundPolicy::from_json(&serde_json::json!({
            "graceHours": 24, "deadlineHours": 24, "baseFee": fee, "stretches": [],
        }))
    };
    assert!(policy(serde_json::json!({ "percent": 10, "capKrw": 5000 })).is_ok());
    assert!(policy(serde_json::json!({ "fixedKrw": 5000 })).is_ok());
    for both in
        [serde_json::json!({ "percent": 10, "fixedKrw": 5000 }), serde_json::json!({ "fixedKrw": 1, "capKrw": 2 })]
    {
        assert!(matches!(policy(both.clone()), Err(crate::error::Error::InvalidInput(_))), "{both}");
    }
    for negative in [serde_json::json!({ "percent": 10, "capKrw": -1 }), serde_json::json!({ "fixedKrw": -1 })] {
        assert!(matches!(policy(negative.clone()), Err(crate::error::Error::InvalidAmount(_))), "{negative}");
    }
}
