//! Arrival numbers handed out by striped counters, so that no one item takes every join.
//!
//! DynamoDB takes about 1,000 writes a second on one item. A line numbered by one counter
//! takes no more joins than that, so arrivals are counted on [`STRIPES`] counters instead:
//! a join adds 1 to one stripe, chosen at random, and its rank `k` on stripe `i` is arrival
//! number `(k - 1) * STRIPES + i + 1`. Numbers are unique by construction; they interleave
//! in arrival order as long as the stripes move together, which random choice makes them do
//! under load.
//!
//! A stripe that lags leaves numbers nobody holds below the highest one taken, and a fan
//! who then counts on it would be numbered ahead of fans who came before. So each admitter
//! tick levels the stripes: it adds to every lagging stripe as many ranks as it lags (an
//! `ADD`, which commutes with the joins' own), and notes the ranks it got as holes. Places
//! are let in only through the last number below which every number is taken (the dense
//! prefix), holes are counted in their batch and take no slot, and order is exact from one
//! tick to the next (within a tick, the stripes' interleaving decides).

/// How many counters share the arrivals of one concert: 20,000 joins a second put about
/// 625 writes a second on each, under the 1,000 one item takes.
pub const STRIPES: u32 = 32;

/// The arrival number of rank `rank` (from 1) on stripe `stripe`.
pub fn number(stripe: u32, rank: u64) -> u64 {
    (rank - 1) * u64::from(STRIPES) + u64::from(stripe) + 1
}

/// A stripe, chosen at random for one join.
pub fn any_stripe() -> u32 {
    u32::try_from(uuid::Uuid::new_v4().as_u128() % u128::from(STRIPES)).unwrap_or(0)
}

/// How far each stripe has counted (`counts[i]` ranks taken on stripe `i`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Arrivals {
    counts: Vec<u64>,
}

/// Ranks `after + 1 ..= through` of a stripe, taken by a levelling: numbers nobody holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HoleRun {
    pub stripe: u32,
    pub after: u64,
    pub through: u64,
}

impl HoleRun {
    /// Its numbers as places, for a line whose arrival numbers start after `cohort` places.
    pub fn places(&self, cohort: u64) -> EmptyPlaces {
        EmptyPlaces {
            first: cohort + number(self.stripe, self.after + 1),
            last: cohort + self.last(),
            every: u64::from(STRIPES),
        }
    }

    /// How many of its numbers lie in `from..=through`.
    pub fn count_within(&self, from: u64, through: u64) -> u64 {
        self.places(0).between(from.saturating_sub(1), through.saturating_add(1))
    }

    /// Its highest number.
    pub fn last(&self) -> u64 {
        number(self.stripe, self.through)
    }
}

/// Places `first`, `first + every`, ... through `last` that nobody holds (arrival numbers
/// taken by levelling the stripes): they are let in with their batch but are nobody ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmptyPlaces {
    pub first: u64,
    pub last: u64,
    pub every: u64,
}

impl EmptyPlaces {
    /// How many of these places lie strictly between `after` and `before`.
    pub fn between(&self, after: u64, before: u64) -> u64 {
        let every = self.every.max(1);
        let lo = self.first.max(after.saturating_add(1));
        let hi = self.last.min(before.saturating_sub(1));
        if hi < lo {
            return 0;
        }
        // lo >= first: the multiples of `every` from first that fall in lo..=hi.
        let k_lo = (lo - self.first).div_ceil(every);
        let k_hi = (hi - self.first) / every;
        (k_hi + 1).saturating_sub(k_lo)
    }
}

impl Arrivals {
    /// The counts as read, stripe by stripe; stripes beyond the list have counted nothing.
    pub fn new(mut counts: Vec<u64>) -> Self {
        counts.resize(STRIPES as usize, 0);
        Self { counts }
    }

    /// Ranks taken on `stripe`.
    pub fn count(&self, stripe: u32) -> u64 {
        self.counts.get(stripe as usize).copied().unwrap_or(0)
    }

    /// Whether arrival number `n` (from 1) is taken.
    pub fn is_taken(&self, n: u64) -> bool {
        let Some(i) = n.checked_sub(1) else { return false };
        let stripe = u32::try_from(i % u64::from(STRIPES)).unwrap_or(0);
        i / u64::from(STRIPES) < self.count(stripe)
    }

    /// The last number below which every number is taken (0 if number 1 is not).
    pub fn dense_through(&self) -> u64 {
        let least = self.counts.iter().copied().min().unwrap_or(0);
        let first_short = self.counts.iter().position(|c| *c == least).unwrap_or(0);
        least * u64::from(STRIPES) + first_short as u64
    }

    /// The highest number taken (0 if none).
    pub fn highest(&self) -> u64 {
        (0..STRIPES).filter(|i| self.count(*i) > 0).map(|i| number(i, self.count(i))).max().unwrap_or(0)
    }

    /// Every arrival number taken so far.
    pub fn taken(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Frozen counts (the pre-queue's, at the seal) number their `taken()` numbers densely
    /// from 0: stripe by stripe, rank by rank. None for a number not taken.
    pub fn dense_index(&self, n: u64) -> Option<u64> {
        if !self.is_taken(n) {
            return None;
        }
        let i = n - 1;
        let stripe = (i % u64::from(STRIPES)) as usize;
        Some(self.counts[..stripe].iter().sum::<u64>() + i / u64::from(STRIPES))
    }

    /// The counts, stripe by stripe (how a frozen pre-queue is published with its draw).
    pub fn counts(&self) -> &[u64] {
        &self.counts
    }

    /// How many ranks each lagging stripe must take so that every number up to the highest
    /// is taken: `(stripe, ranks)`.
    pub fn levelling(&self) -> Vec<(u32, u64)> {
        let highest = self.highest();
        (0..STRIPES)
            .filter_map(|stripe| {
                // Ranks of this stripe whose numbers are at most `highest`.
                let to = highest.checked_sub(u64::from(stripe) + 1).map_or(0, |d| d / u64::from(STRIPES) + 1);
                let from = self.count(stripe);
                (to > from).then_some((stripe, to - from))
            })
            .collect()
    }

    /// The stripe now counts at least `taken` (a levelling's answer).
    pub fn raise(&mut self, stripe: u32, taken: u64) {
        if let Some(c) = self.counts.get_mut(stripe as usize) {
            *c = (*c).max(taken);
        }
    }
}

#[cfg(test)]
mod tests;
