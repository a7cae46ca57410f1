//! The fan's side of the line: one service that joins, checks in, authorizes protected
//! routes and answers the line's status (`join`, `check_in`, `status`), reading the sale
//! and the line from a glance where it may (ADR 0009).

use std::sync::Arc;

use crate::catalog::concert::Concert;
use crate::catalog::store::CatalogStore;
use crate::error::{Error, Result};
use crate::glance::Glances;
use crate::line::store::FanStore;
use crate::retry::retrying;
use crate::rules::line::LineCounters;
use crate::rules::pass::PassKey;
use crate::rules::sale::QueuePolicy;
use crate::values::clock::Clock;
use crate::values::ids::ConcertId;

pub struct QueueService {
    pub(crate) store: Arc<dyn FanStore>,
    pub(crate) catalog: Arc<dyn CatalogStore>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) policy: QueuePolicy,
    pub(crate) key: PassKey,
    /// The key passes were signed with before the last rotation, still accepted (never
    /// used to sign): passes live minutes, and no fan is refused mid-rotation.
    pub(crate) previous_key: Option<PassKey>,
    /// How long a join may answer from a glance (none by default; `glancing_for`).
    pub(crate) glance_for: std::time::Duration,
    pub(crate) glances: Glances<ConcertId, Glance>,
}

/// A sale and its line as this instance read them, for the answer to a join: its phase,
/// its place and position. Kept for a second in production (the line status' CDN max-age)
/// so that 20,000 joins a second do not each read the concert's two hottest items
/// (ADR 0009). Nothing a join decides from it can break an invariant: the number comes from
/// a stripe's `ADD` (a pre-queue stripe refuses once frozen, and the join takes an arrival
/// number instead), the token from its own transaction; a stale glance only makes the
/// answer's position a second old, which the fan's next poll of the line corrects, or lets
/// a join in the second after an operator closed the sale take a place nobody admits.
#[derive(Debug, Clone)]
pub(crate) struct Glance {
    pub(crate) concert: Concert,
    pub(crate) counters: LineCounters,
    /// Kept from an earlier read (so possibly `glance_for` old), not read for this request.
    pub(crate) kept: bool,
}

impl QueueService {
    pub fn new(
        store: Arc<dyn FanStore>,
        catalog: Arc<dyn CatalogStore>,
        clock: Arc<dyn Clock>,
        policy: QueuePolicy,
        key: PassKey,
    ) -> Self {
        Self {
            store,
            catalog,
            clock,
            policy,
            key,
            previous_key: None,
            glance_for: std::time::Duration::ZERO,
            glances: Default::default(),
        }
    }

    /// Accept passes signed with `previous` too, during a key rotation (ADR 0007).
    #[must_use]
    pub fn accepting_previous_key(mut self, previous: Option<PassKey>) -> Self {
        self.previous_key = previous;
        self
    }

    /// Let joins answer from a glance at the sale and its line up to `glance_for` old.
    #[must_use]
    pub fn glancing_for(mut self, glance_for: std::time::Duration) -> Self {
        self.glance_for = glance_for;
        self
    }

    /// The sale and its line for a join's answer: as this instance last read them, if less
    /// than `glance_for` ago, else read now (at once) and kept. Between the opening and the
    /// seal (a tick at most) a glance without the draw is kept a quarter as long: joins at
    /// the opening peak do not each read the hot items, and learn their place soon after
    /// the draw is sealed.
    pub(crate) async fn glance(&self, concert_id: &ConcertId) -> Result<Glance> {
        let now = self.clock.now();
        let fresh = |g: &Glance, age: std::time::Duration| {
            let awaiting_draw = g.counters.draw.is_none() && g.concert.phase_at(now).is_open();
            age < if awaiting_draw { self.glance_for / 4 } else { self.glance_for }
        };
        let read = async {
            let (concert, counters) =
                tokio::try_join!(self.concert(concert_id), retrying(|| self.store.counters(concert_id)))?;
            Ok::<_, Error>(Glance { concert, counters, kept: false })
        };
        let glancing = |_: &Glance| !self.glance_for.is_zero();
        let (glance, kept) = self.glances.get_or_read(concert_id, now, fresh, glancing, read).await?;
        Ok(Glance { kept, ..glance })
    }

    /// The concert, or CONCERT_NOT_FOUND.
    pub(crate) async fn concert(&self, concert: &ConcertId) -> Result<Concert> {
        retrying(|| self.catalog.concert(concert)).await?.ok_or(Error::ConcertNotFound)
    }
}
