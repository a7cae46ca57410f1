//! The opening's seal: the pre-queue frozen and the draw fixed, once, by whichever
//! admitter gets there first (docs/fair-start.md).

use crate::error::{Error, Result};
use crate::line::admission::Admitter;
use crate::retry::{pause_before_retry, repeating, retrying, MAX_ATTEMPTS};
use crate::rules::fair_start::Draw;
use crate::values::ids::ConcertId;

/// How long a sealer's claim keeps others from sealing: past it (the sealer died), the
/// next caller seals.
const SEAL_LEASE: std::time::Duration = std::time::Duration::from_secs(10);

impl Admitter {
    /// Seal the opening's draw if nobody has, waiting for a sealer already at it. Several
    /// sealers racing seal once.
    pub async fn seal(&self, concert: &ConcertId) -> Result<Draw> {
        for attempt in 0..MAX_ATTEMPTS * 4 {
            if let Some(draw) = self.try_seal(concert).await? {
                return Ok(draw);
            }
            pause_before_retry(attempt).await;
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        Err(Error::Contention)
    }

    /// Seal the opening's draw if nobody has and nobody is at it: the caller claims the
    /// seal (one conditional write, a lease: overlapping admitters seal once), freezes the
    /// pre-queue's stripes (a write each, however many fans) and fixes the cohort and a
    /// secret seed with one conditional write. None while another sealer holds the claim.
    pub(crate) async fn try_seal(&self, concert: &ConcertId) -> Result<Option<Draw>> {
        let counters = retrying(|| self.store.counters(concert)).await?;
        if let Some(draw) = counters.draw {
            return Ok(Some(draw));
        }
        // The claim names this sealer, so it is sent again on any failure: a claim that
        // applied and lost its answer is taken again, not waited out.
        let sealer = uuid::Uuid::new_v4().simple().to_string();
        let now = self.clock.now();
        if !repeating(|| self.store.claim_seal(concert, &sealer, now, now.plus(SEAL_LEASE))).await? {
            return Ok(retrying(|| self.store.counters(concert)).await?.draw);
        }
        // The seed committed to before the pre-queue closed (the admitter's first tick of
        // the sale fixed it and published its hash); one fixed now if no tick came earlier.
        let seed = match counters.committed_seed {
            Some(seed) => seed,
            None => repeating(|| self.store.commit_seed(concert, *uuid::Uuid::new_v4().as_bytes())).await?,
        };
        let cohort = repeating(|| self.store.freeze_prequeue(concert)).await?;
        let draw = Draw { cohort: cohort.taken(), seed };
        if retrying(|| self.store.seal(concert, &draw, &cohort)).await? {
            tracing::info!(concert = %concert, cohort = draw.cohort, "opening draw sealed");
            return Ok(Some(draw));
        }
        Ok(retrying(|| self.store.counters(concert)).await?.draw)
    }
}
