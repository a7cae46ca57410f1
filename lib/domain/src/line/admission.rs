//! The admitter's tick for one concert: release ended slots, seal the draw at the
//! opening, level the arrival stripes, settle batches whose check-in window closed, and
//! let the next batch in, in one write however many (docs/adr/0008, 0009). Safe to run in
//! several places at once: one tick holds a concert's lease, and every write is
//! conditional on what it read.

use std::sync::Arc;

use crate::catalog::concert::Concert;
use crate::catalog::store::CatalogStore;
use crate::error::{Error, Result};
use crate::line::store::{AdmissionPlan, AdmitterStore, Release, MAX_RELEASE_PER_TRANSACTION};
use crate::retry::{repeating, retrying};
use crate::rules::arrivals::Arrivals;
use crate::rules::line::{next_batch, Batch, LineCounters, MAX_PENDING_HOLE_RUNS};
use crate::rules::sale::{Phase, QueuePolicy};
use crate::values::clock::{Clock, Timestamp};
use crate::values::ids::ConcertId;

/// Lets fans in: one per deployment, ticking every live concert (functions/admitter).
pub struct Admitter {
    pub(crate) store: Arc<dyn AdmitterStore>,
    pub(crate) catalog: Arc<dyn CatalogStore>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) policy: QueuePolicy,
}

/// What one admitter tick did for one concert.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TickReport {
    /// Another admitter held the concert's tick: this one did nothing.
    pub busy: bool,
    /// Slots of checked-in tokens that ended.
    pub released: usize,
    /// Places of no-shows given back by settled batches.
    pub no_shows: u64,
    /// The batch let in, if any.
    pub admitted: Option<Batch>,
}

impl TickReport {
    pub fn admitted_count(&self) -> u64 {
        self.admitted.map_or(0, |b| b.slots())
    }
}

/// How long an admitter's lease on a concert's tick keeps other admitters out: past it (the
/// admitter died mid-tick), the next tick takes it. Far longer than a tick takes.
pub(crate) const TICK_LEASE: std::time::Duration = std::time::Duration::from_secs(15);

/// A tick's lease while the tick runs: dropped still held (the tick was cancelled), it
/// sends the release from a task of its own, so that the next tick need not wait for the
/// lease to lapse.
pub(crate) struct TickLease {
    pub(crate) store: Arc<dyn AdmitterStore>,
    pub(crate) concert: ConcertId,
    pub(crate) ticker: String,
    pub(crate) held: bool,
}

impl Drop for TickLease {
    fn drop(&mut self) {
        if !self.held {
            return;
        }
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let (store, concert, ticker) = (self.store.clone(), self.concert.clone(), std::mem::take(&mut self.ticker));
            runtime.spawn(async move { give_back_tick(store.as_ref(), &concert, &ticker).await });
        }
    }
}

/// Give a tick's lease back; should that fail, the lease lapses after TICK_LEASE.
async fn give_back_tick(store: &dyn AdmitterStore, concert: &ConcertId, ticker: &str) {
    if let Err(e) = repeating(|| store.end_tick(concert, ticker)).await {
        tracing::warn!(concert = %concert, error = %e, "the tick's lease lapses instead");
    }
}

impl Admitter {
    pub fn new(
        store: Arc<dyn AdmitterStore>,
        catalog: Arc<dyn CatalogStore>,
        clock: Arc<dyn Clock>,
        policy: QueuePolicy,
    ) -> Self {
        Self { store, catalog, clock, policy }
    }

    /// The concert, or CONCERT_NOT_FOUND.
    pub(crate) async fn concert(&self, concert: &ConcertId) -> Result<Concert> {
        retrying(|| self.catalog.concert(concert)).await?.ok_or(Error::ConcertNotFound)
    }

    /// One admitter step for one concert: release ended slots; once the sale has opened,
    /// seal the draw if nobody has, and while it is on sale admit the next waiting tokens
    /// in place order within the sale's rate and cap; notice a sell-out. Safe to run in
    /// several places at once: every write is conditional on the counters it read.
    pub async fn tick(&self, concert_id: &ConcertId) -> Result<TickReport> {
        // One admitter ticks a concert at a time (ADR 0009): an admitter whose batch was
        // worked out between another's levelling and its note would count the fresh holes as
        // fans. Taking and giving back the lease name this tick, so both are sent again on
        // any failure; a lease whose release was lost lapses after TICK_LEASE.
        let ticker = uuid::Uuid::new_v4().simple().to_string();
        let now = self.clock.now();
        if !repeating(|| self.store.claim_tick(concert_id, &ticker, now, now.plus(TICK_LEASE))).await? {
            tracing::info!(concert = %concert_id, "another admitter is ticking this concert");
            return Ok(TickReport { busy: true, ..TickReport::default() });
        }
        // Should this tick be dropped midway (the admitter's step budget ran out), the
        // guard gives the lease back from a task of its own.
        let mut lease = TickLease { store: self.store.clone(), concert: concert_id.clone(), ticker, held: true };
        let report = self.tick_leased(concert_id, now).await;
        lease.held = false;
        give_back_tick(self.store.as_ref(), concert_id, &lease.ticker).await;
        report
    }

    /// The tick, under its lease.
    pub(crate) async fn tick_leased(&self, concert_id: &ConcertId, now: Timestamp) -> Result<TickReport> {
        let mut report = TickReport::default();
        'releasing: loop {
            let mut leases = retrying(|| self.store.ended_slots(concert_id, now, MAX_RELEASE_PER_TRANSACTION)).await?;
            // The slots are listed from an index that may lag: one renewed or released since
            // would cancel the whole release, so it is released again without them.
            while !leases.is_empty() {
                match self.store.release_slots(concert_id, &leases).await? {
                    Release::Done => {
                        report.released += leases.len();
                        continue 'releasing;
                    }
                    Release::Stale(stale) => leases.retain(|l| !stale.contains(&l.token)),
                    Release::Raced => break 'releasing,
                }
            }
            break;
        }
        let concert = self.concert(concert_id).await?;
        let phase = concert.phase_at(now);
        if phase.is_open() {
            self.seal(concert_id).await?;
        }
        // The stripes before the line: a levelling by another admitter in between then
        // understates who joined (the next tick corrects it), never overstates it. Before the
        // opening nobody has an arrival number: nothing to read.
        let mut arrivals = match phase {
            Phase::Scheduled | Phase::PreQueue => Arrivals::new(Vec::new()),
            _ => retrying(|| self.store.arrivals(concert_id)).await?,
        };
        let mut counters = retrying(|| self.store.counters(concert_id)).await?;
        if counters.draw.is_none() && counters.committed_seed.is_none() {
            // The draw's seed is fixed, and its hash published, at the sale's first tick:
            // before the pre-queue closes, so before anyone knows the cohort (ADR 0016).
            let seed = repeating(|| self.store.commit_seed(concert_id, *uuid::Uuid::new_v4().as_bytes())).await?;
            counters.committed_seed = Some(seed);
            tracing::info!(concert = %concert_id, commitment = %crate::rules::fair_start::commitment(&seed), "draw seed committed");
        }
        if self.settle(concert_id, &counters, now, &mut report).await? {
            counters = retrying(|| self.store.counters(concert_id)).await?;
        }
        // How many joined, from the stripes (a join writes nothing on the line).
        let arrivals = match counters.draw {
            Some(draw) => {
                let joined = draw.cohort + arrivals.taken().saturating_sub(counters.holes_taken);
                if joined > counters.issued {
                    repeating(|| self.store.note_issued(concert_id, joined)).await?;
                    counters.issued = joined;
                }
                if matches!(phase, Phase::OnSale | Phase::Paused) {
                    self.level(concert_id, &mut arrivals, &mut counters).await?;
                }
                Some((draw, arrivals))
            }
            None => {
                let prequeued = retrying(|| self.store.prequeue(concert_id)).await?.taken();
                if prequeued > counters.prequeued {
                    repeating(|| self.store.note_prequeued(concert_id, prequeued)).await?;
                    counters.prequeued = prequeued;
                }
                None
            }
        };
        // The operator's per-minute numbers: one write a tick, never one per fan.
        let minute = now.millis().div_euclid(60_000);
        if let Err(e) = retrying(|| self.store.record_minute(concert_id, minute, counters.totals())).await {
            tracing::warn!(concert = %concert_id, error = %e, "could not note the minute's totals");
        }
        if matches!(phase, Phase::OnSale | Phase::Paused) && self.all_sold(concert_id).await? {
            self.catalog.mark_sold_out(concert_id, concert.refunds).await?;
            tracing::info!(concert = %concert_id, "sold out");
            return Ok(report);
        }
        if !phase.admits() {
            return Ok(report);
        }
        let Some((draw, arrivals)) = arrivals else { return Ok(report) };
        let policy = concert.control.policy(self.policy);
        let room = u64::from(policy.active_cap.saturating_sub(counters.active).min(policy.admit_per_tick));
        let Some((batch, passed)) = next_batch(&counters, draw.cohort, &arrivals, room, &policy, now) else {
            return Ok(report);
        };
        let plan = AdmissionPlan { concert: concert_id.clone(), batch, cap: policy.active_cap, passed };
        // False: another admitter moved first (or our write applied and its answer was lost:
        // the line has the batch all the same, and the report is only the report).
        if self.store.admit(&plan).await? {
            tracing::info!(concert = %concert_id, from = batch.from, through = batch.through, "admitted");
            report.admitted = Some(batch);
        }
        Ok(report)
    }

    /// Settle every batch whose check-in window has closed: its no-shows' slots go back to
    /// the line in one write per batch. Whether any batch was settled.
    pub(crate) async fn settle(
        &self,
        concert: &ConcertId,
        counters: &LineCounters,
        now: Timestamp,
        report: &mut TickReport,
    ) -> Result<bool> {
        let mut settled = false;
        for batch in counters.batches.iter().filter(|b| b.check_in_until <= now) {
            let checked_in = retrying(|| self.store.checked_in(concert, batch)).await?;
            // False: a late check-in or another admitter got there first; the next tick sees.
            if self.store.settle(concert, batch, &checked_in).await? {
                report.no_shows += batch.no_shows(checked_in.iter().sum());
                settled = true;
            }
        }
        Ok(settled)
    }

    /// Level the arrival stripes, so that a fan counting on a lagging stripe is not numbered
    /// ahead of fans who came before: the ranks taken are holes, noted for their batch. (A
    /// levelling whose note is lost leaves holes counted as fans: no-shows of their batch,
    /// whose slots come back when its check-in window closes.)
    pub(crate) async fn level(
        &self,
        concert: &ConcertId,
        arrivals: &mut Arrivals,
        counters: &mut LineCounters,
    ) -> Result<()> {
        let levelling = arrivals.levelling();
        // The runs wait on the line item until let in: while admission is far behind, stop
        // adding them (order is then exact only to the stripes' spread) rather than grow it.
        if levelling.is_empty() || counters.holes.len() + levelling.len() > MAX_PENDING_HOLE_RUNS {
            return Ok(());
        }
        // One stripe after the other: a tick has seconds, the table's other callers need them
        // more. A fill refused (throttled) applied nothing and is sent again; one whose
        // outcome is unknown ends the levelling, and the runs taken so far are still noted.
        let mut runs = Vec::with_capacity(levelling.len());
        let mut failed = None;
        for (stripe, ranks) in levelling {
            match retrying(|| self.store.fill(concert, stripe, ranks)).await {
                Ok(run) => runs.push(run),
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            }
        }
        if !runs.is_empty() {
            retrying(|| self.store.note_holes(concert, &runs)).await?;
        }
        if let Some(e) = failed {
            return Err(e);
        }
        for run in &runs {
            arrivals.raise(run.stripe, run.through);
        }
        counters.holes_taken += runs.iter().map(|r| r.through - r.after).sum::<u64>();
        counters.holes.extend(runs);
        Ok(())
    }

    /// Every seat of every date sold (one bounded query of the concert's seats).
    pub(crate) async fn all_sold(&self, concert: &ConcertId) -> Result<bool> {
        let seats = retrying(|| self.catalog.concert_seats(concert)).await?.unwrap_or_default();
        Ok(!seats.is_empty()
            && seats.iter().all(|s| s.status_at(self.clock.now()) == crate::catalog::concert::SeatStatus::Sold))
    }
}
