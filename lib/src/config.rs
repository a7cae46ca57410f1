//! Settings read once per cold start from the environment. Names and production defaults
//! are declared in `template.yaml`; `make run` sets the local ones.

use std::time::Duration;

use crate::error::Error;
use crate::money::{WalletLimits, Won};

/// Where the data lives.
#[derive(Debug, Clone)]
pub struct Resources {
    pub queue_table: String,
    pub catalog_table: String,
    pub reservation_table: String,
    pub wallet_table: String,
    pub hold_expiry_queue_url: String,
    pub payment_events_queue_url: String,
}

/// The waiting room's knobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueuePolicy {
    /// Most tokens admitted per concert per tick.
    pub admit_per_tick: u32,
    /// Most ACTIVE tokens per concert at once.
    pub active_cap: u32,
    /// How long an admitted token stays ACTIVE.
    pub active_for: Duration,
    /// How long an admitted fan has to show up (their first request after admission)
    /// before their slot goes to the next fan.
    pub check_in_for: Duration,
    /// How long an ACTIVE fan may make no request before their slot goes to the next fan.
    pub idle_for: Duration,
    /// Time between admitter ticks (used for the wait estimate).
    pub tick_every: Duration,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub resources: Resources,
    pub queue: QueuePolicy,
    /// How long a seat hold lasts.
    pub hold_for: Duration,
    pub wallet: WalletLimits,
    /// How long one scheduled admitter run keeps ticking (EventBridge fires once a minute;
    /// a run must end before the next one starts and well inside the function's timeout).
    pub admitter_run: Duration,
    /// The most any one DynamoDB call may take, the SDK's retries included: past it the
    /// request answers 503 instead of hanging until Lambda's timeout.
    pub dynamodb_timeout: Duration,
}

fn var(name: &str) -> Result<String, Error> {
    std::env::var(name).map_err(|_| Error::Infrastructure(format!("environment variable {name} is not set")))
}

fn number(name: &str, default: u64) -> Result<u64, Error> {
    match std::env::var(name) {
        Err(_) => Ok(default),
        Ok(v) => {
            v.trim().parse().map_err(|_| Error::Infrastructure(format!("environment variable {name} must be a number")))
        }
    }
}

fn money(name: &str, default: u64) -> Result<Won, Error> {
    let v = i64::try_from(number(name, default)?).map_err(|_| Error::Infrastructure(format!("{name} is too large")))?;
    Won::new(v)
}

impl Settings {
    pub fn from_env() -> Result<Self, Error> {
        Ok(Self {
            resources: Resources {
                queue_table: var("QUEUE_TABLE")?,
                catalog_table: var("CATALOG_TABLE")?,
                reservation_table: var("RESERVATION_TABLE")?,
                wallet_table: var("WALLET_TABLE")?,
                hold_expiry_queue_url: var("HOLD_EXPIRY_QUEUE_URL")?,
                payment_events_queue_url: var("PAYMENT_EVENTS_QUEUE_URL")?,
            },
            queue: QueuePolicy {
                admit_per_tick: u32::try_from(number("ADMIT_PER_TICK", 100)?).unwrap_or(u32::MAX),
                active_cap: u32::try_from(number("ACTIVE_CAP", 1000)?).unwrap_or(u32::MAX),
                active_for: Duration::from_secs(number("TOKEN_ACTIVE_SECONDS", 600)?),
                check_in_for: Duration::from_secs(number("CHECK_IN_SECONDS", 60)?.max(1)),
                idle_for: Duration::from_secs(number("IDLE_SECONDS", 300)?.max(1)),
                tick_every: Duration::from_secs(number("TICK_SECONDS", 5)?.max(1)),
            },
            hold_for: Duration::from_secs(number("HOLD_SECONDS", 300)?),
            wallet: WalletLimits {
                per_charge: money("CHARGE_LIMIT", 10_000_000)?,
                ceiling: money("WALLET_LIMIT", 100_000_000)?,
            },
            admitter_run: Duration::from_secs(number("ADMITTER_RUN_SECONDS", 50)?),
            dynamodb_timeout: Duration::from_millis(number("DYNAMODB_TIMEOUT_MS", 3000)?.max(100)),
        })
    }
}
