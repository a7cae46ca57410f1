//! The line's arithmetic, pure: where a spot's place is once the draw is sealed, how many
//! fans are ahead of it, whether its batch's check-in is open, and which places the next
//! batch lets in. Places in line are numbered from 1: the draw's cohort takes places
//! `1..=cohort`, arrivals after the opening the numbers after it (docs/adr/0008, 0009).

use crate::rules::arrivals::{Arrivals, EmptyPlaces, HoleRun};
use crate::rules::fair_start::Draw;
use crate::rules::sale::QueuePolicy;
use crate::values::clock::Timestamp;
use crate::values::ids::TokenId;

/// Where a token stands in its line: a pre-queue index (placed by the draw at the
/// opening) or an arrival number after the opening (behind the whole cohort).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Spot {
    /// Joined during the pre-queue: its index (from 0) on the pre-queue's stripes, the
    /// arrival-style number less one; the seal numbers the cohort densely from it.
    Cohort(u64),
    /// Joined after the opening: arrival number (from 1, see [`crate::arrivals`]); its
    /// place is `cohort + number`.
    Arrival(u64),
}

/// The per-concert counters of the line. Places in line are numbered from 1: the draw's
/// cohort takes places `1..=cohort`, arrivals after the opening the numbers after it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LineCounters {
    /// Fans who joined during the pre-queue, as the admitter last noted them (the seal
    /// fixes it).
    pub prequeued: u64,
    /// The opening's draw, once sealed; before it, nobody's place is known.
    pub draw: Option<Draw>,
    /// The seed the draw will use, fixed (and its commitment published) before the
    /// pre-queue closes; secret until the sale is over, like the sealed seed.
    pub committed_seed: Option<[u8; 16]>,
    /// The pre-queue's stripes as the seal froze them: a cohort index's dense index.
    pub cohort_stripes: Arrivals,
    /// Fans who joined: the cohort and every arrival number a join took (holes not
    /// counted), as the admitter last noted them.
    pub issued: u64,
    /// Every place up to here has been let in (the serving number).
    pub admitted_through: u64,
    /// Fans let in: the slots of every batch (the serving number counts holes too).
    pub admitted_fans: u64,
    /// Arrival numbers ever taken by levelling the stripes.
    pub holes_taken: u64,
    /// Slots in use: places of unsettled batches, and checked-in tokens not yet released.
    pub active: u32,
    /// Batches whose no-shows are not settled yet, oldest first.
    pub batches: Vec<Batch>,
    /// Arrival numbers taken by levelling the stripes, not all let in yet.
    pub holes: Vec<HoleRun>,
}

/// Places `from..=through` let in together by one admitter step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Batch {
    pub from: u64,
    pub through: u64,
    /// Each fan of the batch checks in (their first request) before this, or loses the place.
    pub check_in_until: Timestamp,
    /// The active period of every token of the batch.
    pub active_until: Timestamp,
    /// How many counters its check-ins are spread over (a batch of thousands checks in
    /// within seconds: one counter would be one hot item).
    pub shards: u32,
    /// Arrival numbers of the batch that nobody holds (taken by levelling the stripes):
    /// they take no slot.
    pub holes: u64,
}

/// Hole runs the line item holds at most (about 20 bytes each) before levelling waits for
/// admission to let some in.
pub const MAX_PENDING_HOLE_RUNS: usize = 1024;

/// Hole runs one admission forgets at most. Its write removes one attribute per run, and
/// DynamoDB refuses an expression over 4 KB (ValidationException, for good: every tick
/// would build the same plan): 200 removals take about 1.5 KB. Runs left behind lie wholly
/// below the serving number, count for nothing there, and go with the next admissions.
/// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html#limits-expression-parameters
pub const MAX_RUNS_FORGOTTEN_PER_ADMISSION: usize = 200;

/// At most this many check-ins counters per batch, one per this many places.
pub const MAX_CHECK_IN_SHARDS: u32 = 16;
const PLACES_PER_CHECK_IN_SHARD: u64 = 250;

impl Batch {
    pub fn new(from: u64, through: u64, check_in_until: Timestamp, active_until: Timestamp) -> Self {
        let places = through + 1 - from;
        let shards = u32::try_from(places.div_ceil(PLACES_PER_CHECK_IN_SHARD)).unwrap_or(u32::MAX);
        Self { from, through, check_in_until, active_until, shards: shards.clamp(1, MAX_CHECK_IN_SHARDS), holes: 0 }
    }

    pub fn with_holes(self, holes: u64) -> Self {
        Self { holes, ..self }
    }

    pub fn size(&self) -> u64 {
        self.through + 1 - self.from
    }

    /// The slots the batch takes: one per place held by a fan.
    pub fn slots(&self) -> u64 {
        self.size().saturating_sub(self.holes)
    }

    /// Fans of the batch who did not check in, given how many did.
    pub fn no_shows(&self, checked_in: u64) -> u64 {
        self.slots().saturating_sub(checked_in)
    }

    /// The check-in counter a token adds to.
    pub fn shard_of(&self, token: TokenId) -> u32 {
        u32::try_from(token.as_u128() % u128::from(self.shards.max(1))).unwrap_or(0)
    }

    pub fn holds(&self, place: u64) -> bool {
        (self.from..=self.through).contains(&place)
    }
}

/// Where a WAITING token's place stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Not let in yet (or its place is not known before the opening's draw).
    Waiting,
    /// Let in with this batch, whose check-in is open.
    CheckIn(Batch),
    /// Let in, and the check-in window passed: the place went back to the line.
    Missed,
}

impl LineCounters {
    /// The published commitment to the draw's seed (`fair_start::commitment`): the sealed
    /// seed's, or the committed one's before the seal; none before either.
    pub fn draw_commitment(&self) -> Option<String> {
        self.draw.map(|d| d.seed).or(self.committed_seed).map(|seed| crate::rules::fair_start::commitment(&seed))
    }

    /// The place number (from 1) of a spot; unknown for the cohort until the draw.
    pub fn place_of(&self, spot: Spot) -> Option<u64> {
        match spot {
            Spot::Arrival(number) => self.draw.map(|d| d.cohort + number),
            Spot::Cohort(index) => {
                let dense = self.cohort_stripes.dense_index(index + 1)?;
                self.draw.and_then(|d| d.place_of(dense)).map(|p| p + 1)
            }
        }
    }

    /// Users ahead of a spot (unknown in the pre-queue): the places between the serving
    /// number and its own, less the empty ones (`empty_places`).
    pub fn position_of(&self, spot: Spot) -> Option<u64> {
        let place = self.place_of(spot)?;
        let empty = self.empty_places();
        Some(positions_ahead(place, self.admitted_through, &empty))
    }

    /// The places nobody holds that are not let in yet: the levelling's hole runs, each a
    /// run of places `STRIPES` apart (a run of ranks on one stripe), after the cohort.
    pub fn empty_places(&self) -> Vec<EmptyPlaces> {
        let Some(draw) = self.draw else { return Vec::new() };
        self.holes.iter().map(|h| h.places(draw.cohort)).collect()
    }

    /// Where a WAITING token at `spot` stands at `now`.
    pub fn standing(&self, spot: Spot, now: Timestamp) -> Standing {
        let Some(place) = self.place_of(spot).filter(|p| *p <= self.admitted_through) else {
            return Standing::Waiting;
        };
        match self.batches.iter().find(|b| b.holds(place)) {
            Some(b) if now < b.check_in_until => Standing::CheckIn(*b),
            _ => Standing::Missed,
        }
    }
}

/// Fans ahead of place `place` once every place through `serving_through` is let in: the
/// places between, less those nobody holds.
pub fn positions_ahead(place: u64, serving_through: u64, empty: &[EmptyPlaces]) -> u64 {
    let between = place.saturating_sub(serving_through).saturating_sub(1);
    between.saturating_sub(empty.iter().map(|e| e.between(serving_through, place)).sum())
}

/// The line's running totals at an instant: every fan who ever joined, every place passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LineTotals {
    pub joined: u64,
    pub admitted: u64,
}

impl LineCounters {
    /// Holes among places `from..=through` (arrivals' places follow the cohort's).
    pub fn holes_within(&self, cohort: u64, from: u64, through: u64) -> u64 {
        let (from, through) = (from.saturating_sub(cohort).max(1), through.saturating_sub(cohort));
        self.holes.iter().map(|r| r.count_within(from, through)).sum()
    }

    pub fn totals(&self) -> LineTotals {
        let joined = match self.draw {
            Some(_) => self.issued,
            None => self.prequeued,
        };
        LineTotals { joined, admitted: self.admitted_fans }
    }
}

/// The next batch, if any: the next places of the dense line, as many as hold `room`
/// fans (holes take no slot), in one write however many. A fan learns they are in from
/// the serving number, and checks in with their first request. With it, the hole runs it
/// lets in entirely.
pub fn next_batch(
    counters: &LineCounters,
    cohort: u64,
    arrivals: &Arrivals,
    room: u64,
    policy: &QueuePolicy,
    now: Timestamp,
) -> Option<(Batch, Vec<HoleRun>)> {
    let dense = cohort + arrivals.dense_through();
    let from = counters.admitted_through + 1;
    if room == 0 || dense < from {
        return None;
    }
    let holes_through = |through: u64| counters.holes_within(cohort, from, through);
    let mut through = (from - 1 + room).min(dense);
    loop {
        let further = (from - 1 + room + holes_through(through)).min(dense);
        if further == through {
            break;
        }
        through = further;
    }
    let batch =
        Batch::new(from, through, now.plus(policy.check_in_for.min(policy.active_for)), now.plus(policy.active_for))
            .with_holes(holes_through(through));
    let passed = counters
        .holes
        .iter()
        .filter(|r| cohort + r.last() <= through)
        .take(MAX_RUNS_FORGOTTEN_PER_ADMISSION)
        .copied()
        .collect();
    Some((batch, passed))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::rules::arrivals::STRIPES;

    #[test]
    fn an_admission_forgets_at_most_its_share_of_hole_runs_and_the_next_the_rest() {
        // 300 one-place hole runs on stripe 0, ranks 1..=300 (places 1, 33, 65...), every
        // stripe counted to rank 400: a batch of 20,000 places passes all 300.
        let holes: Vec<HoleRun> = (0..300).map(|r| HoleRun { stripe: 0, after: r, through: r + 1 }).collect();
        let mut counters = LineCounters {
            draw: Some(Draw { cohort: 0, seed: [0; 16] }),
            holes: holes.clone(),
            ..LineCounters::default()
        };
        let arrivals = Arrivals::new(vec![400; STRIPES as usize]);
        let policy = QueuePolicy {
            admit_per_tick: 20_000,
            active_cap: 100_000,
            active_for: Duration::from_secs(600),
            check_in_for: Duration::from_secs(60),
            idle_for: Duration::from_secs(300),
            tick_every: Duration::from_secs(5),
        };
        let now = Timestamp::from_millis(0);
        let (batch, passed) = next_batch(&counters, 0, &arrivals, 10_000, &policy, now).expect("a batch");
        assert_eq!(passed.len(), MAX_RUNS_FORGOTTEN_PER_ADMISSION, "the write stays far below 4 KB");
        assert_eq!(batch.holes, 300, "every hole in the batch takes no slot, forgotten or not");
        // The admission applied: the serving number moved, the forgotten runs are gone.
        counters.admitted_through = batch.through;
        counters.holes.retain(|r| !passed.contains(r));
        let (_, rest) = next_batch(&counters, 0, &arrivals, 10, &policy, now).expect("the next batch");
        assert_eq!(rest.len(), 100, "the runs left below the serving number go with the next admission");
        assert_eq!(counters.holes_within(0, batch.through + 1, batch.through + 10), 0, "and count for nothing there");
    }
}
