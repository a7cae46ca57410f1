//! Unit tests of `money`.

use super::*;
use serde_json::json;

const LIMITS: WalletLimits = WalletLimits { per_charge: Won(10_000_000), ceiling: Won(50_000_000) };

#[test]
fn charge_amount_must_be_a_positive_integer_within_the_per_charge_limit() {
    assert_eq!(LIMITS.charge_amount(&json!(50_000)), Ok(Won(50_000)));
    assert_eq!(LIMITS.charge_amount(&json!(10_000_000)), Ok(Won(10_000_000)));
    for bad in [json!(0), json!(-1), json!(10_000_001), json!(1.5), json!("100"), json!(null), json!(1e30)] {
        assert!(matches!(LIMITS.charge_amount(&bad), Err(Error::InvalidAmount(_))), "{bad}");
    }
}

#[test]
fn credit_never_passes_the_wallet_ceiling() {
    assert_eq!(LIMITS.credit(Won(40_000_000), Won(10_000_000)), Ok(Won(50_000_000)));
    assert_eq!(LIMITS.credit(Won(40_000_001), Won(10_000_000)), Err(Error::BalanceLimit { limit: 50_000_000 }));
    assert_eq!(LIMITS.credit(Won(i64::MAX), Won(1)), Err(Error::BalanceLimit { limit: 50_000_000 }));
}

#[test]
fn debit_never_goes_negative() {
    assert_eq!(debit(Won(150_000), Won(150_000)), Ok(Won(0)));
    assert_eq!(debit(Won(149_999), Won(150_000)), Err(Error::InsufficientBalance));
}

#[test]
fn negative_money_does_not_exist() {
    assert!(Won::new(-1).is_err());
    assert_eq!(Won::new(0), Ok(Won::ZERO));
}

#[test]
fn a_refund_may_take_a_wallet_above_its_limit_once_and_never_further() {
    let limits = WalletLimits { per_charge: Won(100), ceiling: Won(1_000) };
    assert_eq!(limits.refund(Won(900), Won(50)), Ok(Won(950)));
    assert_eq!(limits.refund(Won(1_000), Won(50)), Ok(Won(1_050)), "at the limit: above it by the refund");
    assert_eq!(limits.refund(Won(1_050), Won(50)), Err(Error::BalanceLimit { limit: 1_000 }), "already above it");
    assert_eq!(limits.credit(Won(1_050), Won(1)), Err(Error::BalanceLimit { limit: 1_000 }), "and no charge either");
}
