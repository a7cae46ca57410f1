//! The operator's side of a sale: create and edit a concert (its dates and seats, price
//! tiers, seat limit, sale window and admission numbers), hold and release admission, close
//! early, and read the live numbers. Every change is one conditional write on the concert's
//! version, so two operators never overwrite each other unseen; the seat layout is fixed
//! once the pre-queue starts, and a seat that is held or sold is never changed.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::catalog::{CatalogStore, Concert, Seat, SeatState, SeatStatus};
use crate::clock::{Clock, Timestamp};
use crate::error::{Error, Result};
use crate::ids::{ConcertDate, ConcertId, SeatNumber};
use crate::money::Won;
use crate::queue::{LineTotals, QueueStore};
use crate::refund::{RefundStore, RefundTotals};
use crate::refund_policy::RefundPolicy;
use crate::retry::retrying;
use crate::sale::QueuePolicy;
use crate::sale::{Phase, SaleControl, SaleWindow};

/// The price of seats `from..=to` (on every date).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PriceTier {
    pub from: SeatNumber,
    pub to: SeatNumber,
    pub price: Won,
}

/// Everything an operator sets about a concert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConcertSpec {
    pub id: ConcertId,
    pub title: String,
    pub venue: String,
    /// Each date with its number of seats (1 to 50, numbered from 1).
    pub dates: Vec<(ConcertDate, u8)>,
    pub tiers: Vec<PriceTier>,
    pub seat_limit: u8,
    pub sale: SaleWindow,
    pub admit_per_tick: Option<u32>,
    pub active_cap: Option<u32>,
    pub refund_policy: RefundPolicy,
}

/// Bounds of what an operator may set.
pub const MAX_DATES: usize = 30;
pub const MAX_TEXT: usize = 200;
pub const MAX_PRICE: i64 = 10_000_000;
pub const MAX_ADMIT_PER_TICK: u32 = 10_000;
pub const MAX_ACTIVE_CAP: u32 = 100_000;
/// Minutes of per-minute numbers the operator's view shows.
pub const PER_MINUTE_WINDOW: i64 = 15;

fn invalid(what: impl Into<String>) -> Error {
    Error::InvalidInput(what.into())
}

impl ConcertSpec {
    /// Every rule a concert must satisfy, with a sentence for the first one broken.
    pub fn validate(&self) -> Result<()> {
        for (name, text) in [("title", &self.title), ("venue", &self.venue)] {
            if text.trim().is_empty() || text.chars().count() > MAX_TEXT {
                return Err(invalid(format!("{name} must be 1 to {MAX_TEXT} characters")));
            }
        }
        if self.dates.is_empty() || self.dates.len() > MAX_DATES {
            return Err(invalid(format!("a concert has 1 to {MAX_DATES} dates")));
        }
        let distinct: BTreeSet<ConcertDate> = self.dates.iter().map(|(d, _)| *d).collect();
        if distinct.len() != self.dates.len() {
            return Err(invalid("a date is listed twice"));
        }
        if let Some((d, _)) = self.dates.iter().find(|(_, n)| !(1..=50).contains(n)) {
            return Err(invalid(format!("{d}: a date has 1 to 50 seats")));
        }
        let most = self.dates.iter().map(|(_, n)| *n).max().unwrap_or(0);
        self.check_tiers(most)?;
        if !(1..=Concert::MAX_SEAT_LIMIT).contains(&self.seat_limit) {
            return Err(invalid(format!("seatLimit is 1 to {}", Concert::MAX_SEAT_LIMIT)));
        }
        if !self.sale.is_ordered() {
            return Err(invalid("the sale must satisfy preQueueAt <= opensAt < closesAt"));
        }
        if self.admit_per_tick.is_some_and(|k| !(1..=MAX_ADMIT_PER_TICK).contains(&k)) {
            return Err(invalid(format!("admitPerTick is 1 to {MAX_ADMIT_PER_TICK}")));
        }
        if self.active_cap.is_some_and(|c| !(1..=MAX_ACTIVE_CAP).contains(&c)) {
            return Err(invalid(format!("activeCap is 1 to {MAX_ACTIVE_CAP}")));
        }
        Ok(())
    }

    /// Tiers must not overlap and must price every seat number up to `most`.
    fn check_tiers(&self, most: u8) -> Result<()> {
        let mut covered = [false; 51];
        for t in &self.tiers {
            if t.from > t.to {
                return Err(invalid(format!("price tier {}-{} runs backwards", t.from.get(), t.to.get())));
            }
            if t.price.get() <= 0 || t.price.get() > MAX_PRICE {
                return Err(invalid(format!("a price is 1 to {MAX_PRICE} KRW")));
            }
            for n in t.from.get()..=t.to.get() {
                if covered[usize::from(n)] {
                    return Err(invalid(format!("seat {n} is in two price tiers")));
                }
                covered[usize::from(n)] = true;
            }
        }
        match (1..=most).find(|n| !covered[usize::from(*n)]) {
            Some(n) => Err(invalid(format!("seat {n} has no price tier"))),
            None => Ok(()),
        }
    }

    fn price_of(&self, seat: SeatNumber) -> Won {
        self.tiers.iter().find(|t| t.from <= seat && seat <= t.to).map_or(Won::ZERO, |t| t.price)
    }

    /// The seats this layout gives, every one available.
    pub fn seats(&self) -> Vec<Seat> {
        self.dates
            .iter()
            .flat_map(|(date, count)| SeatNumber::all().take(usize::from(*count)).map(move |n| (*date, n)))
            .map(|(date, number)| Seat { date, number, price: self.price_of(number), state: SeatState::Available })
            .collect()
    }

    /// The concert these settings describe, keeping what only the sale itself changes.
    fn concert(&self, before: Option<&Concert>) -> Concert {
        Concert {
            id: self.id.clone(),
            title: self.title.trim().to_owned(),
            venue: self.venue.trim().to_owned(),
            seat_limit: self.seat_limit,
            sale: self.sale,
            control: SaleControl {
                paused: before.is_some_and(|b| b.control.paused),
                admit_per_tick: self.admit_per_tick,
                active_cap: self.active_cap,
            },
            sold_out: before.is_some_and(|b| b.sold_out),
            version: before.map_or(0, |b| b.version + 1),
            refunds: before.map_or(0, |b| b.refunds),
            refund_policy: self.refund_policy.clone(),
        }
    }
}

/// The standard hall's prices: VIP rows 1-10, R 11-30, S 31-50.
pub fn standard_tiers() -> Vec<PriceTier> {
    [(1, 10, 220_000), (11, 30, 165_000), (31, 50, 110_000)]
        .iter()
        .filter_map(|&(from, to, krw)| {
            Some(PriceTier {
                from: SeatNumber::new(from).ok()?,
                to: SeatNumber::new(to).ok()?,
                price: Won::new(krw).ok()?,
            })
        })
        .collect()
}

/// The concert `make run` creates through this service: three dates of 50 seats a month
/// ahead, on sale from `now` (no pre-queue) until the end of its last date.
pub fn demo_spec(now: Timestamp) -> Result<ConcertSpec> {
    let dates: Vec<(ConcertDate, u8)> =
        (30..33).filter_map(|days| ConcertDate::days_after(now, days)).map(|d| (d, 50)).collect();
    let closes_at = dates.iter().map(|(d, _)| d.end()).max().unwrap_or(now);
    Ok(ConcertSpec {
        id: ConcertId::parse("aurora-live-2026")?,
        title: "Aurora Live in Seoul".into(),
        venue: "Olympic Hall, Seoul".into(),
        dates,
        tiers: standard_tiers(),
        seat_limit: Concert::DEFAULT_SEAT_LIMIT,
        sale: SaleWindow { prequeue_at: now, opens_at: now, closes_at },
        admit_per_tick: None,
        active_cap: None,
        refund_policy: RefundPolicy::standard(),
    })
}

/// Seats of one date as the operator watches them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateNumbers {
    pub date: ConcertDate,
    pub total: u32,
    pub available: u32,
    pub held: u32,
    pub sold: u32,
    pub revenue: Won,
}

/// The live numbers of a sale, each read in O(1) (the line's counters, one bounded query
/// of the concert's own seats): never a scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaleNumbers {
    pub concert: Concert,
    pub phase: Phase,
    /// Fans who joined during the pre-queue (the opening's cohort once sealed).
    pub prequeued: u64,
    pub cohort: Option<u64>,
    /// Places handed out that the admitter has not reached yet.
    pub waiting: u64,
    /// Places the admitter has passed (admitted, or skipped as void).
    pub admitted: u64,
    pub active: u32,
    pub policy: QueuePolicy,
    pub dates: Vec<DateNumbers>,
    /// Fans who joined and places the admitter passed, in each of the last minutes noted.
    pub per_minute: Vec<MinuteNumbers>,
    pub refunds: RefundTotals,
    /// What the sale has earned: the seats sold now plus the fees kept on refunds.
    pub net_revenue: Won,
    /// The price tiers the seats carry (so that an edit can start from them).
    pub tiers: Vec<PriceTier>,
}

/// The tiers seats carry: runs of consecutive seat numbers at one price (as the first
/// date with the most seats has them; every date is priced by the same tiers).
pub fn tiers_of(seats: &[Seat]) -> Vec<PriceTier> {
    let mut widest: Vec<&Seat> = Vec::new();
    for date in seats.iter().map(|s| s.date).collect::<BTreeSet<_>>() {
        let of_date: Vec<&Seat> = seats.iter().filter(|s| s.date == date).collect();
        if of_date.len() > widest.len() {
            widest = of_date;
        }
    }
    widest.sort_by_key(|s| s.number);
    let mut tiers: Vec<PriceTier> = Vec::new();
    for s in widest {
        match tiers.last_mut() {
            Some(t) if t.price == s.price && t.to.get().checked_add(1) == Some(s.number.get()) => t.to = s.number,
            _ => tiers.push(PriceTier { from: s.number, to: s.number, price: s.price }),
        }
    }
    tiers
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MinuteNumbers {
    /// The minute's start.
    pub minute: Timestamp,
    pub joined: u64,
    pub admitted: u64,
}

/// Per-minute numbers from the running totals noted at the end of each minute.
pub fn per_minute(totals: &[(i64, LineTotals)]) -> Vec<MinuteNumbers> {
    totals
        .windows(2)
        .map(|w| MinuteNumbers {
            minute: Timestamp::from_millis(w[1].0.saturating_mul(60_000)),
            joined: w[1].1.joined.saturating_sub(w[0].1.joined),
            admitted: w[1].1.admitted.saturating_sub(w[0].1.admitted),
        })
        .collect()
}

pub struct OperatorService {
    catalog: Arc<dyn CatalogStore>,
    line: Arc<dyn QueueStore>,
    refunds: Arc<dyn RefundStore>,
    clock: Arc<dyn Clock>,
    defaults: QueuePolicy,
}

impl OperatorService {
    pub fn new(
        catalog: Arc<dyn CatalogStore>,
        line: Arc<dyn QueueStore>,
        refunds: Arc<dyn RefundStore>,
        clock: Arc<dyn Clock>,
        defaults: QueuePolicy,
    ) -> Self {
        Self { catalog, line, refunds, clock, defaults }
    }

    async fn current(&self, id: &ConcertId) -> Result<Concert> {
        retrying(|| self.catalog.concert(id)).await?.ok_or(Error::ConcertNotFound)
    }

    /// Put a new concert in the catalog. 409 CONCERT_EXISTS if the id is taken by a
    /// different concert. The same create sent again (a retry after a timeout, or after
    /// DynamoDB applied the write and answered with an error) finds its own concert and
    /// answers as the first one did.
    pub async fn create(&self, spec: &ConcertSpec) -> Result<Concert> {
        spec.validate()?;
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
        spec.validate()?;
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
    ) -> Result<Concert> {
        if admit_per_tick.is_some_and(|k| !(1..=MAX_ADMIT_PER_TICK).contains(&k))
            || active_cap.is_some_and(|c| !(1..=MAX_ACTIVE_CAP).contains(&c))
        {
            return Err(invalid(format!("admitPerTick is 1 to {MAX_ADMIT_PER_TICK}, activeCap 1 to {MAX_ACTIVE_CAP}")));
        }
        self.change(id, |c| {
            c.control.admit_per_tick = admit_per_tick.or(c.control.admit_per_tick);
            c.control.active_cap = active_cap.or(c.control.active_cap);
        })
        .await
    }

    /// Apply `edit` to the current concert, on its version (read again if it moved).
    async fn change(&self, id: &ConcertId, edit: impl Fn(&mut Concert)) -> Result<Concert> {
        for _ in 0..crate::retry::MAX_ATTEMPTS {
            let before = self.current(id).await?;
            let mut after = before.clone();
            edit(&mut after);
            after.version = before.version + 1;
            match self.save(&before, after).await {
                Err(Error::EditConflict) => continue,
                other => return other,
            }
        }
        Err(Error::Contention)
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
            concert,
        })
    }

    /// The opening's draw, published once the sale is over so anyone can recompute every
    /// place (docs/fair-start.md): with the pre-queue's stripe counts as the seal froze
    /// them, which number the cohort densely. 409 DRAW_NOT_PUBLISHED before.
    pub async fn published_draw(&self, id: &ConcertId) -> Result<Option<(crate::fair_start::Draw, Vec<u64>)>> {
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
