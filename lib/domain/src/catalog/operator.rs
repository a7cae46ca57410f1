//! The operator's side of a sale: create and edit a concert (its dates and seats, price
//! tiers, seat limit, sale window and admission numbers), hold and release admission, close
//! early, and read the live numbers. Every change is one conditional write on the concert's
//! version, so two operators never overwrite each other unseen; the seat layout is fixed
//! once the pre-queue starts, and a seat that is held or sold is never changed.

use std::sync::Arc;

use crate::booking::store::RefundStore;
use crate::catalog::concert::{Concert, Seat, SeatStatus};
use crate::catalog::numbers::{per_minute, DateNumbers, SaleNumbers};
use crate::catalog::spec::{tiers_of, ConcertSpec, MAX_ACTIVE_CAP, MAX_ADMIT_PER_TICK, PER_MINUTE_WINDOW};
use crate::catalog::store::CatalogStore;
use crate::door::store::DoorStore;
use crate::error::{Error, Result};
use crate::line::store::LineStore;
use crate::retry::{optimistic, retrying, Round};
use crate::rules::sale::Phase;
use crate::rules::sale::QueuePolicy;
use crate::values::clock::{Clock, Timestamp};
use crate::values::ids::ConcertId;
use crate::values::money::Won;

pub struct OperatorService {
    catalog: Arc<dyn CatalogStore>,
    line: Arc<dyn LineStore>,
    refunds: Arc<dyn RefundStore>,
    door: Arc<dyn DoorStore>,
    clock: Arc<dyn Clock>,
    defaults: QueuePolicy,
}

impl OperatorService {
    pub fn new(
        catalog: Arc<dyn CatalogStore>,
        line: Arc<dyn LineStore>,
        refunds: Arc<dyn RefundStore>,
        door: Arc<dyn DoorStore>,
        clock: Arc<dyn Clock>,
        defaults: QueuePolicy,
    ) -> Self {
        Self { catalog, line, refunds, door, clock, defaults }
    }

    async fn current(&self, id: &ConcertId) -> Result<Concert> {
        retrying(|| self.catalog.concert(id)).await?.ok_or(Error::ConcertNotFound)
    }

    /// Put a new concert in the catalog. 409 CONCERT_EXISTS if the id is taken by a
    /// different concert. The same create sent again (a retry after a timeout, or after
    /// DynamoDB applied the write and answered with an error) finds its own concert and
    /// answers as the first one did.
    pub async fn create(&self, spec: &ConcertSpec) -> Result<Concert> {
        spec.validate(self.clock.now())?;
        let concert = spec.concert(None);
        let seats = spec.seats();
        if !retrying(|| self.catalog.add_concert(&concert, &seats)).await? {
            let existing = self.current(&concert.id).await?;
            if existing != concert {
                return Err(Error::ConcertExists);
            }
            return Ok(existing);
        }
        tracing::info!(concert = %concert.id, opens = %concert.sale.opens_at.to_rfc3339(), "concert created");
        Ok(concert)
    }

    /// Replace a concert's settings. The seat layout (dates, seats, prices) may change only
    /// before the pre-queue starts and only for seats nobody holds or owns; the opening
    /// cannot be moved once the pre-queue has started.
    pub async fn edit(&self, spec: &ConcertSpec) -> Result<Concert> {
        spec.validate(self.clock.now())?;
        let before = self.current(&spec.id).await?;
        let now = self.clock.now();
        let phase = before.phase_at(now);
        let seats = retrying(|| self.catalog.concert_seats(&spec.id)).await?.unwrap_or_default();
        let wanted = spec.seats();
        let unchanged =
            |s: &Seat| wanted.iter().any(|w| w.date == s.date && w.number == s.number && w.price == s.price);
        let remove: Vec<Seat> = seats.iter().filter(|s| !unchanged(s)).cloned().collect();
        let put: Vec<Seat> = wanted
            .iter()
            .filter(|w| !seats.iter().any(|s| s.date == w.date && s.number == w.number && s.price == w.price))
            .cloned()
            .collect();
        let layout_changes = !remove.is_empty() || !put.is_empty();
        if layout_changes && remove.iter().any(|s| s.status_at(now) != SeatStatus::Available) {
            return Err(Error::SeatInUse);
        }
        let started = phase != Phase::Scheduled;
        let window_moved =
            spec.sale.prequeue_at != before.sale.prequeue_at || spec.sale.opens_at != before.sale.opens_at;
        if started && (layout_changes || window_moved) {
            return Err(Error::SaleStarted);
        }
        let after = spec.concert(Some(&before));
        if layout_changes {
            // Seats removed here are re-added by `put` when only their price changed.
            let gone: Vec<Seat> =
                remove.into_iter().filter(|s| !put.iter().any(|p| p.date == s.date && p.number == s.number)).collect();
            if !self.catalog.replace_seats(&before, &put, &gone).await? {
                return Err(Error::EditConflict);
            }
        }
        self.save(&before, after).await
    }

    /// Hold admission (PAUSED): fans keep their places, nobody new is let in.
    pub async fn pause(&self, id: &ConcertId) -> Result<Concert> {
        self.change(id, |c| c.control.paused = true).await
    }

    pub async fn resume(&self, id: &ConcertId) -> Result<Concert> {
        self.change(id, |c| c.control.paused = false).await
    }

    /// Close the sale now (waiting fans learn it at their next poll).
    pub async fn close(&self, id: &ConcertId) -> Result<Concert> {
        let now = self.clock.now();
        self.change(id, |c| c.sale.closes_at = c.sale.closes_at.min(now)).await
    }

    /// New admission numbers, effective at the admitter's next tick.
    pub async fn set_admission(
        &self,
        id: &ConcertId,
        admit_per_tick: Option<u32>,
        active_cap: Option<u32>,
        join_work: Option<u8>,
    ) -> Result<Concert> {
        if admit_per_tick.is_some_and(|k| !(1..=MAX_ADMIT_PER_TICK).contains(&k))
            || active_cap.is_some_and(|c| !(1..=MAX_ACTIVE_CAP).contains(&c))
            || join_work.is_some_and(|w| w > crate::rules::join_work::MAX_BITS)
        {
            return Err(Error::InvalidInput(format!(
                "admitPerTick is 1 to {MAX_ADMIT_PER_TICK}, activeCap 1 to {MAX_ACTIVE_CAP}, proofOfWorkBits 0 to {}",
                crate::rules::join_work::MAX_BITS
            )));
        }
        // Nobody is admitted any more: numbers set now would only mislead the operator.
        if self.current(id).await?.phase_at(self.clock.now()) == Phase::Closed {
            return Err(Error::SaleClosed);
        }
        self.change(id, |c| {
            c.control.admit_per_tick = admit_per_tick.or(c.control.admit_per_tick);
            c.control.active_cap = active_cap.or(c.control.active_cap);
            c.control.join_work = join_work.unwrap_or(c.control.join_work);
        })
        .await
    }

    /// Apply `edit` to the current concert, on its version (read again if it moved).
    async fn change(&self, id: &ConcertId, edit: impl Fn(&mut Concert)) -> Result<Concert> {
        optimistic(async |_| {
            let before = self.current(id).await?;
            let mut after = before.clone();
            edit(&mut after);
            after.version = before.version + 1;
            match self.save(&before, after).await {
                Err(Error::EditConflict) => Ok(Round::Lost),
                other => other.map(Round::Done),
            }
        })
        .await
    }

    /// Write `after` over `before`. A retry that finds `after` already in place (DynamoDB
    /// applied the first attempt and answered with an error) is the same success.
    async fn save(&self, before: &Concert, after: Concert) -> Result<Concert> {
        if !retrying(|| self.catalog.update_concert(before, &after)).await? && self.current(&after.id).await? != after {
            return Err(Error::EditConflict);
        }
        tracing::info!(concert = %after.id, version = after.version, phase = after.phase_at(self.clock.now()).as_str(), "concert changed");
        Ok(after)
    }

    /// The sale as its operator watches it.
    pub async fn numbers(&self, id: &ConcertId) -> Result<SaleNumbers> {
        let concert = self.current(id).await?;
        let now = self.clock.now();
        let counters = retrying(|| self.line.counters(id)).await?;
        let seats = retrying(|| self.catalog.concert_seats(id)).await?.unwrap_or_default();
        let mut dates: Vec<DateNumbers> = Vec::new();
        for seat in &seats {
            let entry = match dates.iter_mut().find(|d| d.date == seat.date) {
                Some(e) => e,
                None => {
                    dates.push(DateNumbers {
                        date: seat.date,
                        total: 0,
                        available: 0,
                        held: 0,
                        sold: 0,
                        revenue: Won::ZERO,
                    });
                    dates.last_mut().ok_or_else(|| Error::Infrastructure("unreachable".into()))?
                }
            };
            entry.total += 1;
            match seat.status_at(now) {
                SeatStatus::Available => entry.available += 1,
                SeatStatus::Held => entry.held += 1,
                SeatStatus::Sold => {
                    entry.sold += 1;
                    entry.revenue = entry.revenue.checked_add(seat.price).unwrap_or(entry.revenue);
                }
            }
        }
        dates.sort_by_key(|d| d.date);
        let this_minute = now.millis().div_euclid(60_000);
        let noted = retrying(|| self.line.minutes(id, this_minute - PER_MINUTE_WINDOW, this_minute)).await?;
        let refunds = retrying(|| self.refunds.totals(id)).await?;
        let check_ins = retrying(|| self.door.check_ins(id)).await?;
        let sold = dates.iter().try_fold(Won::ZERO, |sum, d| sum.checked_add(d.revenue));
        let net_revenue = sold.and_then(|s| s.checked_add(refunds.fees)).unwrap_or(Won::ZERO);
        Ok(SaleNumbers {
            phase: concert.phase_at(now),
            policy: concert.control.policy(self.defaults),
            prequeued: counters.prequeued,
            cohort: counters.draw.map(|d| d.cohort),
            waiting: counters.totals().joined.saturating_sub(counters.totals().admitted),
            admitted: counters.totals().admitted,
            active: counters.active,
            dates,
            per_minute: per_minute(&noted),
            refunds,
            net_revenue,
            tiers: tiers_of(&seats),
            check_ins,
            concert,
        })
    }

    /// The opening's draw, published once the sale is over so anyone can recompute every
    /// place (docs/fair-start.md): with the pre-queue's stripe counts as the seal froze
    /// them, which number the cohort densely. 409 DRAW_NOT_PUBLISHED before.
    pub async fn published_draw(&self, id: &ConcertId) -> Result<Option<(crate::rules::fair_start::Draw, Vec<u64>)>> {
        let concert = self.current(id).await?;
        if !matches!(concert.phase_at(self.clock.now()), Phase::Closed | Phase::SoldOut) {
            return Err(Error::DrawNotPublished);
        }
        let counters = retrying(|| self.line.counters(id)).await?;
        Ok(counters.draw.map(|d| (d, counters.cohort_stripes.counts().to_vec())))
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }
}

#[cfg(test)]
mod tests;
