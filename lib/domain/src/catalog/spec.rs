//! What an operator sets about a concert (`ConcertSpec`) and the bounds it must keep, the
//! standard hall's price tiers and seats, and the demo concert `make run` creates.

use std::collections::BTreeSet;

use crate::catalog::concert::Concert;
use crate::catalog::concert::{Seat, SeatState, Summary};
use crate::error::{Error, Result};
use crate::rules::refund_policy::RefundPolicy;
use crate::rules::sale::{SaleControl, SaleWindow};
use crate::values::clock::Timestamp;
use crate::values::ids::{ConcertDate, ConcertId, SeatNumber};
use crate::values::money::Won;

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
    /// The proof of work a join costs, in bits; 0: none.
    pub join_work: u8,
    pub refund_policy: RefundPolicy,
    /// The concert's picture for its card: an `https://` URL (the operator's own host).
    pub image: Option<String>,
}

/// Bounds of what an operator may set.
pub const MAX_DATES: usize = 30;
pub const MAX_TEXT: usize = 200;
pub const MAX_IMAGE_URL: usize = 500;
pub const MAX_PRICE: i64 = 10_000_000;
pub const MAX_ADMIT_PER_TICK: u32 = 10_000;
pub const MAX_ACTIVE_CAP: u32 = 100_000;
/// Minutes of per-minute numbers the operator's view shows.
pub const PER_MINUTE_WINDOW: i64 = 15;

fn invalid(what: impl Into<String>) -> Error {
    Error::InvalidInput(what.into())
}

/// Text a fan can read as the operator meant it: no control characters, no bidirectional
/// overrides or isolates (which reorder what follows them), and at least one character
/// that is neither blank nor invisible (a zero-width space, joiner or byte-order mark).
pub(crate) fn is_readable(text: &str) -> bool {
    let direction = |c: char| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    let invisible = |c: char| c.is_whitespace() || matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}');
    !text.chars().any(|c| c.is_control() || direction(c)) && text.chars().any(|c| !invisible(c))
}

impl ConcertSpec {
    /// Every rule a concert must satisfy at `now`, with a sentence for the first one broken.
    pub fn validate(&self, now: Timestamp) -> Result<()> {
        for (name, text) in [("title", &self.title), ("venue", &self.venue)] {
            if text.trim().is_empty() || text.chars().count() > MAX_TEXT {
                return Err(invalid(format!("{name} must be 1 to {MAX_TEXT} characters")));
            }
            if !is_readable(text) {
                return Err(invalid(format!(
                    "{name} must be readable text: no control or direction-override characters, and more than invisible ones"
                )));
            }
        }
        if let Some(url) = &self.image {
            let plain = url.chars().all(|c| c.is_ascii_graphic() && !matches!(c, '"' | '\'' | '<' | '>' | '\\' | '`'));
            if !url.starts_with("https://") || url.len() > MAX_IMAGE_URL || url.len() <= "https://".len() || !plain {
                return Err(invalid(format!(
                    "imageUrl must be an https:// URL of at most {MAX_IMAGE_URL} printable ASCII characters"
                )));
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
        // A show already over can sell nothing a fan could use, and a sale that outlives
        // the last show sells seats for a night gone.
        if let Some((past, _)) = self.dates.iter().find(|(d, _)| d.end() <= now) {
            return Err(invalid(format!("{past} is over: every date must be today or later")));
        }
        if self.dates.iter().map(|(d, _)| d.end()).max().is_some_and(|last| self.sale.closes_at > last) {
            return Err(invalid("the sale must close by the end of the last date (closesAt)"));
        }
        if self.admit_per_tick.is_some_and(|k| !(1..=MAX_ADMIT_PER_TICK).contains(&k)) {
            return Err(invalid(format!("admitPerTick is 1 to {MAX_ADMIT_PER_TICK}")));
        }
        if self.join_work > crate::rules::join_work::MAX_BITS {
            return Err(invalid(format!("proofOfWorkBits is 0 to {}", crate::rules::join_work::MAX_BITS)));
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
    pub(crate) fn concert(&self, before: Option<&Concert>) -> Concert {
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
                join_work: self.join_work,
            },
            sold_out: before.is_some_and(|b| b.sold_out),
            version: before.map_or(0, |b| b.version + 1),
            refunds: before.map_or(0, |b| b.refunds),
            refund_policy: self.refund_policy.clone(),
            summary: Summary { image: self.image.clone(), ..Summary::of(&self.seats()) },
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
        join_work: 0,
        refund_policy: RefundPolicy::standard(),
        image: None,
    })
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

/// The price of a seat in the standard hall (`standard_tiers`).
pub fn tier_price(seat: SeatNumber) -> Won {
    standard_tiers().iter().find(|t| t.from <= seat && seat <= t.to).map_or(Won::ZERO, |t| t.price)
}

/// A concert with `dates`, each with seats 1..=50 priced by tier, all available.
pub fn new_concert_seats(dates: &[ConcertDate]) -> Vec<Seat> {
    dates
        .iter()
        .flat_map(|d| {
            SeatNumber::all().map(move |n| Seat {
                date: *d,
                number: n,
                price: tier_price(n),
                state: SeatState::Available,
            })
        })
        .collect()
}

/// The last instant a concert with these seats can be on sale: the end of its last date.
pub fn sale_ends(seats: &[Seat]) -> Option<Timestamp> {
    seats.iter().map(|s| s.date).max().map(ConcertDate::end)
}
