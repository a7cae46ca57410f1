//! Arrival numbers handed out by striped counters, so that no one item takes every join.
//!
//! DynamoDB takes about 1,000 writes a second on one item. A line numbered by one counter
//! takes no more joins than that, so arrivals are counted on [`STRIPES`] counters instead:
//! a join adds 1 to one stripe, chosen at random, and its rank `k` on stripe `i` is arrival
//! number `(k - 1) * STRIPES + i + 1`. Numbers are unique by construction; they interleave
//! in arrival order as long as the stripes move together, which random choice makes them do
//! under load.
//!
//! A stripe that lags leaves numbers nobody holds yet below the highest one taken. Places
//! are let in only through the last number below which every number is taken (the dense
//! prefix). When the line runs dry there (few fans arrive, so the stripes drift apart), the
//! admitter fills the lagging stripes up to the next fans, in the same transaction as their
//! admission: the numbers skipped that way are holes, known and counted in their batch, so
//! they take no slot; a fan arriving on a filled stripe gets a number after the fill.

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

/// Move stripe `stripe` from `from` ranks to `to`: the ranks between are holes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fill {
    pub stripe: u32,
    pub from: u64,
    pub to: u64,
}

/// Admitting after the dense prefix: fill these stripes and let in through `through`, of
/// which `holes` numbers nobody holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Catch {
    pub through: u64,
    pub holes: u64,
    pub fills: Vec<Fill>,
}

impl Arrivals {
    /// The counts as read, stripe by stripe; stripes beyond the list have counted nothing.
    pub fn new(mut counts: Vec<u64>) -> Self {
        counts.resize(STRIPES as usize, 0);
        Self { counts }
    }

    fn count(&self, stripe: u32) -> u64 {
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

    /// With every number through `dense_through()` let in, the next up to `fans` fans after
    /// it: the stripes to fill so that nobody arriving later is numbered among them.
    /// None when no fan stands beyond the dense prefix.
    pub fn catch_up(&self, fans: u64) -> Option<Catch> {
        let start = self.dense_through();
        let mut found = 0;
        let mut through = None;
        for n in start + 1..=self.highest() {
            if self.is_taken(n) {
                if found == fans {
                    break;
                }
                found += 1;
                through = Some(n);
            }
        }
        let through = through?;
        let fills: Vec<Fill> = (0..STRIPES)
            .filter_map(|stripe| {
                // Ranks of this stripe whose numbers are at most `through`.
                let to = through.checked_sub(u64::from(stripe) + 1).map_or(0, |d| d / u64::from(STRIPES) + 1);
                let from = self.count(stripe);
                (to > from).then_some(Fill { stripe, from, to })
            })
            .collect();
        Some(Catch { through, holes: (through - start) - found, fills })
    }
}

#[cfg(test)]
mod tests;
