//! Refunds by policy. A concert publishes a schedule: free cancellation for a grace period
//! after booking, then a fee that rises as the show nears (a percentage, optionally capped,
//! or a fixed amount), and nothing refundable in the last stretch before the show. All
//! arithmetic is in whole won; a percentage fee is rounded down (in the fan's favour) and
//! never exceeds the price.

use std::time::Duration;

use crate::values::clock::Timestamp;
use crate::values::money::Won;

/// What cancelling costs in one stretch of the schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fee {
    /// `percent` of the price, rounded down to the won, at most `cap` if given.
    Percent { percent: u8, cap: Option<Won> },
    /// A fixed amount, at most the price.
    Fixed(Won),
}

impl Fee {
    pub fn of(self, price: Won) -> Won {
        let fee = match self {
            Fee::Percent { percent, cap } => {
                let raw = price.get().saturating_mul(i64::from(percent.min(100))) / 100;
                cap.map_or(raw, |c| raw.min(c.get()))
            }
            Fee::Fixed(amount) => amount.get(),
        };
        Won::new(fee.clamp(0, price.get())).unwrap_or(Won::ZERO)
    }
}

/// One stretch: from `before_show` before the show until the next stretch (or the show).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stretch {
    pub before_show: Duration,
    pub fee: Fee,
}

/// A concert's refund schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundPolicy {
    /// Cancelling within this long after booking costs nothing (unless past the deadline).
    pub grace: Duration,
    /// Nothing is refundable from this long before the show on.
    pub deadline: Duration,
    /// The fee far from the show (before every stretch).
    pub base_fee: Fee,
    /// Stretches with their fees, any order; the nearest one that has begun applies.
    pub stretches: Vec<Stretch>,
}

/// What a cancellation at an instant gives back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quote {
    Refund {
        fee: Won,
        refund: Won,
    },
    /// Past the deadline: nothing is refundable, the seat stays sold.
    TooLate,
}

impl RefundPolicy {
    /// The Korean-site default: free for a day after booking; 10% from 10 days before the
    /// show, 20% from 7, 30% from 3; nothing in the last day.
    pub fn standard() -> Self {
        let days = |d: u64| Duration::from_secs(d * 24 * 3600);
        Self {
            grace: days(1),
            deadline: days(1),
            base_fee: Fee::Percent { percent: 0, cap: None },
            stretches: vec![
                Stretch { before_show: days(10), fee: Fee::Percent { percent: 10, cap: None } },
                Stretch { before_show: days(7), fee: Fee::Percent { percent: 20, cap: None } },
                Stretch { before_show: days(3), fee: Fee::Percent { percent: 30, cap: None } },
            ],
        }
    }

    /// The quote for cancelling at `now` a seat bought at `paid_at` for `price`, for a show
    /// starting at `show`. The deadline and each stretch begin at their exact instants.
    pub fn quote(&self, price: Won, paid_at: Timestamp, show: Timestamp, now: Timestamp) -> Quote {
        if now >= show.minus(self.deadline) {
            return Quote::TooLate;
        }
        let fee = if now < paid_at.plus(self.grace) {
            Won::ZERO
        } else {
            let stretch = self
                .stretches
                .iter()
                .filter(|s| now >= show.minus(s.before_show))
                .min_by_key(|s| s.before_show)
                .map_or(self.base_fee, |s| s.fee);
            stretch.of(price)
        };
        let refund = price.checked_sub(fee).unwrap_or(Won::ZERO);
        Quote::Refund { fee, refund }
    }
}

/// The schedule as operators send it and the catalog stores it: whole hours, won.
/// `{"graceHours", "deadlineHours", "baseFee", "stretches": [{"hoursBefore", "fee"}]}`,
/// a fee being `{"percent", "capKrw"?}` or `{"fixedKrw"}`.
impl RefundPolicy {
    pub fn to_json(&self) -> serde_json::Value {
        let fee = |f: &Fee| match f {
            Fee::Percent { percent, cap } => serde_json::json!({ "percent": percent, "capKrw": cap.map(Won::get) }),
            Fee::Fixed(w) => serde_json::json!({ "fixedKrw": w.get() }),
        };
        serde_json::json!({
            "graceHours": self.grace.as_secs() / 3600,
            "deadlineHours": self.deadline.as_secs() / 3600,
            "baseFee": fee(&self.base_fee),
            "stretches": self.stretches.iter().map(|s| serde_json::json!({
                "hoursBefore": s.before_show.as_secs() / 3600, "fee": fee(&s.fee),
            })).collect::<Vec<_>>(),
        })
    }

    pub fn from_json(v: &serde_json::Value) -> Result<Self, crate::error::Error> {
        let bad = |what: &str| crate::error::Error::InvalidInput(format!("refundPolicy: {what}"));
        let hours = |v: &serde_json::Value, name: &str| -> Result<Duration, crate::error::Error> {
            let h = v[name]
                .as_u64()
                .filter(|h| *h <= 24 * 366)
                .ok_or_else(|| bad(&format!("{name} is 0 to 8784 hours")))?;
            Ok(Duration::from_secs(h * 3600))
        };
        // An amount of won: a whole number, not negative (INVALID_AMOUNT, as for any money).
        let won = |v: &serde_json::Value, name: &str| -> Result<Won, crate::error::Error> {
            let krw = v.as_i64().filter(|k| *k >= 0).ok_or_else(|| {
                crate::error::Error::InvalidAmount(format!("refundPolicy: {name} is a whole number of won, 0 or more"))
            })?;
            Won::new(krw)
        };
        let fee = |v: &serde_json::Value| -> Result<Fee, crate::error::Error> {
            if v.get("fixedKrw").is_some() && (v.get("percent").is_some() || v.get("capKrw").is_some()) {
                return Err(bad("a fee is either {percent, capKrw?} or {fixedKrw}, not both"));
            }
            if let Some(krw) = v.get("fixedKrw") {
                return won(krw, "fixedKrw").map(Fee::Fixed);
            }
            let percent = v["percent"].as_u64().filter(|p| *p <= 100).ok_or_else(|| bad("percent is 0 to 100"))?;
            let cap = match v.get("capKrw") {
                None | Some(serde_json::Value::Null) => None,
                Some(c) => Some(won(c, "capKrw")?),
            };
            Ok(Fee::Percent { percent: u8::try_from(percent).unwrap_or(100), cap })
        };
        let stretches = v["stretches"]
            .as_array()
            .ok_or_else(|| bad("stretches is a list"))?
            .iter()
            .map(|s| Ok(Stretch { before_show: hours(s, "hoursBefore")?, fee: fee(&s["fee"])? }))
            .collect::<Result<Vec<_>, crate::error::Error>>()?;
        Ok(Self {
            grace: hours(v, "graceHours")?,
            deadline: hours(v, "deadlineHours")?,
            base_fee: fee(&v["baseFee"])?,
            stretches,
        })
    }
}

#[cfg(test)]
mod tests;
