//! Money: an integer number of Korean won. No floats near a balance; every operation is checked.

use std::fmt;

use crate::error::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Won(i64);

impl Won {
    pub const ZERO: Won = Won(0);

    /// A stored or computed amount (may be zero). Negative amounts never exist.
    pub fn new(v: i64) -> Result<Self, Error> {
        if v < 0 {
            Err(Error::InvalidAmount("an amount cannot be negative".into()))
        } else {
            Ok(Self(v))
        }
    }

    pub fn get(self) -> i64 {
        self.0
    }

    pub fn checked_add(self, other: Won) -> Option<Won> {
        self.0.checked_add(other.0).map(Won)
    }

    pub fn checked_sub(self, other: Won) -> Option<Won> {
        self.0.checked_sub(other.0).filter(|v| *v >= 0).map(Won)
    }
}

impl fmt::Display for Won {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} KRW", self.0)
    }
}

/// Limits on charging a wallet.
#[derive(Debug, Clone, Copy)]
pub struct WalletLimits {
    /// The largest single charge.
    pub per_charge: Won,
    /// The largest balance a wallet may hold.
    pub ceiling: Won,
}

impl WalletLimits {
    /// A charge amount as the client sent it (a JSON number) -> a positive amount within the limit.
    pub fn charge_amount(&self, raw: &serde_json::Value) -> Result<Won, Error> {
        let amount =
            raw.as_i64().ok_or_else(|| Error::InvalidAmount("amount must be an integer number of KRW".into()))?;
        if amount <= 0 {
            return Err(Error::InvalidAmount("amount must be greater than zero".into()));
        }
        if amount > self.per_charge.0 {
            return Err(Error::InvalidAmount(format!("amount must be at most {} per charge", self.per_charge.0)));
        }
        Ok(Won(amount))
    }

    /// The balance after crediting `amount`, if the wallet may hold it.
    pub fn credit(&self, balance: Won, amount: Won) -> Result<Won, Error> {
        balance.checked_add(amount).filter(|b| *b <= self.ceiling).ok_or(Error::BalanceLimit { limit: self.ceiling.0 })
    }

    /// The balance after a refund of `amount`: money owed goes back in full, so it may take
    /// the wallet above the limit, but only from a balance within it: above the limit by
    /// at most one refund (ADR 0005). Refunds one after the other could otherwise carry a
    /// wallet without bound (pay, charge back up to the limit, refund, and again).
    pub fn refund(&self, balance: Won, amount: Won) -> Result<Won, Error> {
        if balance > self.ceiling {
            return Err(Error::BalanceLimit { limit: self.ceiling.0 });
        }
        balance.checked_add(amount).ok_or_else(|| Error::Infrastructure("a balance overflows".into()))
    }
}

/// The balance after paying `price`, if it suffices.
pub fn debit(balance: Won, price: Won) -> Result<Won, Error> {
    balance.checked_sub(price).ok_or(Error::InsufficientBalance)
}

#[cfg(test)]
mod tests;
