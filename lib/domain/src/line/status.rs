//! The line as anyone may see it (cached by the CDN), and a token's view: position,
//! place and wait.

use crate::catalog::concert::Concert;
use crate::error::Result;
use crate::line::service::QueueService;
use crate::line::token::{Token, TokenStatus, TokenView};
use crate::retry::retrying;
use crate::rules::arrivals::EmptyPlaces;
use crate::rules::line::{positions_ahead, LineCounters, Spot};
use crate::rules::pace::{LinePace, PACE_MINUTES};
use crate::rules::sale::Phase;
use crate::values::clock::Timestamp;
use crate::values::ids::ConcertId;

/// How often a waiting client should ask again, and how long a cache may keep the
/// line's public status.
pub const POLL_SECONDS: u64 = 2;
pub const LINE_STATUS_MAX_AGE_SECONDS: u64 = 1;

/// A concert's line as anyone may see it, the same for every fan: what a waiting fan polls
/// (through a CDN) to work out their own position and wait from their place number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineStatus {
    pub concert: ConcertId,
    pub phase: Phase,
    pub opens_at: Timestamp,
    /// Every place up to this number has been let in (or skipped).
    pub serving_through: u64,
    /// Places handed out so far.
    pub joined: u64,
    pub active: u32,
    pub active_cap: u32,
    pub pace: LinePace,
    /// Places not let in yet that nobody holds, for the fans' own positions.
    pub empty: Vec<EmptyPlaces>,
    /// SHA-256 of the draw's seed, published before the pre-queue closes.
    pub draw_commitment: Option<String>,
}

impl LineStatus {
    /// Fans ahead of place `place`.
    pub fn position_of(&self, place: u64) -> u64 {
        positions_ahead(place, self.serving_through, &self.empty)
    }
}

impl QueueService {
    pub(crate) fn view(
        &self,
        token: &Token,
        counters: Option<&LineCounters>,
        concert: &Concert,
        pace: &LinePace,
        now: Timestamp,
    ) -> TokenView {
        let status = token.status_at(now);
        let phase = concert.phase_at(now);
        let place = counters.and_then(|c| c.place_of(token.spot));
        let (position, estimated_wait_seconds) = match (status, counters) {
            (TokenStatus::Waiting, Some(c)) => match c.position_of(token.spot) {
                Some(p) => (Some(p), pace.wait_seconds(p)),
                // Before the draw: the wait is at least until the opening.
                None => (None, Some(now.until(concert.sale.opens_at).as_secs())),
            },
            _ => (Some(0), Some(0)),
        };
        let prequeue_index = match token.spot {
            Spot::Cohort(i) => Some(i),
            Spot::Arrival(_) => None,
        };
        TokenView {
            token: token.id,
            status,
            position,
            place,
            estimated_wait_seconds,
            phase,
            opens_at: concert.sale.opens_at,
            prequeue_index,
            pass: None,
        }
    }

    /// The line's pace: nominal from the sale's settings; while the cap is full, measured
    /// from the per-minute totals the admitter notes (one bounded read, never one per fan),
    /// because then fans get in only as fast as others finish. Below the cap the admitter
    /// lets in its full rate each tick, and the nominal pace is the true one.
    pub(crate) async fn pace(&self, concert: &Concert, counters: &LineCounters, now: Timestamp) -> Result<LinePace> {
        let policy = concert.control.policy(self.policy);
        let mut pace = LinePace::nominal(&policy);
        if counters.active < policy.active_cap {
            return Ok(pace);
        }
        let this_minute = now.millis().div_euclid(60_000);
        let noted = retrying(|| self.store.minutes(&concert.id, this_minute - PACE_MINUTES, this_minute - 1)).await?;
        // The oldest minute of the latest run of minutes in which fans were waiting.
        let waiting_since = noted.iter().rev().take_while(|(_, t)| t.joined > t.admitted).last();
        if let Some(&(minute, then)) = waiting_since {
            let span = u64::try_from(this_minute - minute).unwrap_or(1).max(1);
            let passed = counters.admitted_fans.saturating_sub(then.admitted);
            // Slow is not stopped: one fan in five minutes is a pace of 1 a minute, not 0.
            pace.measured_per_minute = Some(if passed == 0 { 0 } else { (passed / span).max(1) });
        }
        Ok(pace)
    }

    /// The line's public status: the same for every fan, so a CDN can answer the polls.
    pub async fn line(&self, concert_id: &ConcertId) -> Result<LineStatus> {
        let concert = self.concert(concert_id).await?;
        let counters = retrying(|| self.store.counters(concert_id)).await?;
        let now = self.clock.now();
        let pace = self.pace(&concert, &counters, now).await?;
        Ok(LineStatus {
            concert: concert_id.clone(),
            phase: concert.phase_at(now),
            opens_at: concert.sale.opens_at,
            serving_through: counters.admitted_through,
            joined: counters.totals().joined,
            active: counters.active,
            active_cap: concert.control.policy(self.policy).active_cap,
            pace,
            empty: counters.empty_places(),
            draw_commitment: counters.draw_commitment(),
        })
    }
}
