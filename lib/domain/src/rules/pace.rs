//! How fast a line moves, for the wait a fan is told.

use crate::rules::sale::QueuePolicy;

/// How many past minutes the measured pace looks back over.
pub const PACE_MINUTES: i64 = 5;

/// How fast a line moves, for wait estimates: the sale's nominal rate (`per_tick` places
/// every `tick_secs`), and, while the cap of ACTIVE fans is full, what the admitter
/// actually let in per minute over the last minutes while fans were waiting. The measured pace is lower than
/// the nominal one when the cap is full and slots free up only as fans finish; zero means
/// the line has not moved for minutes, and then no estimate is honest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinePace {
    pub per_tick: u64,
    pub tick_secs: u64,
    pub measured_per_minute: Option<u64>,
}

impl LinePace {
    pub fn nominal(policy: &QueuePolicy) -> Self {
        Self {
            per_tick: u64::from(policy.admit_per_tick.max(1)),
            tick_secs: policy.tick_every.as_secs().max(1),
            measured_per_minute: None,
        }
    }

    /// Places let in per minute, as the estimates assume.
    pub fn per_minute(&self) -> u64 {
        let nominal = self.per_tick * 60 / self.tick_secs;
        self.measured_per_minute.map_or(nominal, |m| m.min(nominal))
    }

    /// Seconds until a fan `position` places back is let in: the later of the nominal
    /// rate's and the measured pace's answers; `None` while the line stands still.
    pub fn wait_seconds(&self, position: u64) -> Option<u64> {
        let nominal = (position / self.per_tick + 1) * self.tick_secs;
        match self.measured_per_minute {
            None => Some(nominal),
            Some(0) => None,
            Some(m) => Some(nominal.max(((position + 1) * 60).div_ceil(m))),
        }
    }
}
