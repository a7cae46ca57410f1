//! A venue: its stage and its sections, each seated (rows of numbered seats, each seat at a
//! position of the map) or standing (a capacity of numbered places: the order of entry).
//! An operator lays a venue out once and sells many concerts in it; what a layout must
//! satisfy is checked here, once, when it is made (docs/venues.md).

use std::collections::{HashMap, HashSet};

use crate::catalog::spec::is_readable;
use crate::error::{Error, Result};
use crate::values::ids::{SectionId, VenueId};

/// The most seats and standing places a venue (so a date) may have.
pub const MAX_PLACES: u32 = 70_000;
pub const MAX_SECTIONS: usize = 300;
/// The most seats of one run (one straight stretch of a row).
pub const MAX_RUN: u32 = 500;
const MAX_NAME: usize = 100;
const MAX_ROW_LABEL: usize = 8;
const MAX_TIER: usize = 16;
/// How far from the origin the map reaches, either way, in seat widths.
const MAX_COORD: i32 = 1_000_000;

/// A point of the map, in seat widths: each seat fills the unit square at its point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Point {
    pub x: i32,
    pub y: i32,
}

/// A rectangle of the map: the stage, a standing area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Area {
    pub x: i32,
    pub y: i32,
    pub width: u32,
    pub height: u32,
}

impl Area {
    fn right(&self) -> i64 {
        i64::from(self.x) + i64::from(self.width)
    }

    fn bottom(&self) -> i64 {
        i64::from(self.y) + i64::from(self.height)
    }

    fn covers(&self, p: Point) -> bool {
        self.x <= p.x && i64::from(p.x) < self.right() && self.y <= p.y && i64::from(p.y) < self.bottom()
    }

    fn overlaps(&self, other: &Area) -> bool {
        i64::from(self.x) < other.right()
            && i64::from(other.x) < self.right()
            && i64::from(self.y) < other.bottom()
            && i64::from(other.y) < self.bottom()
    }

    /// Twice its centre, so that it stays in whole numbers.
    pub fn centre_doubled(&self) -> (i64, i64) {
        (i64::from(self.x) * 2 + i64::from(self.width), i64::from(self.y) * 2 + i64::from(self.height))
    }
}

/// A name as fans read it, in English and in Korean.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Names {
    pub en: String,
    pub ko: String,
}

/// One straight stretch of a row: seats `first`, `first + 1`, ... from `at`, each `step`
/// from the one before. A row broken by an aisle is two runs with one label; seats are
/// side by side only within a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub row: String,
    pub first: u32,
    pub seats: u32,
    pub at: Point,
    pub step: (i32, i32),
}

impl Run {
    /// The `i`-th seat's number and position (`i < seats`).
    pub fn seat(&self, i: u32) -> (u32, Point) {
        let i = i as i32;
        (self.first + i as u32, Point { x: self.at.x + i * self.step.0, y: self.at.y + i * self.step.1 })
    }

    pub fn seat_numbers(&self) -> std::ops::Range<u32> {
        self.first..self.first + self.seats
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seating {
    /// Rows of numbered seats, in the order the layout gave them.
    Rows(Vec<Run>),
    /// Places numbered 1..=capacity, in the order of entry, in one area of the map.
    Standing { capacity: u32, area: Area },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub id: SectionId,
    pub name: Names,
    /// The price tier its seats sell at; each concert prices its tiers.
    pub tier: String,
    pub seating: Seating,
}

impl Section {
    /// Its seats, or its standing places.
    pub fn places(&self) -> u32 {
        match &self.seating {
            Seating::Rows(runs) => runs.iter().map(|r| r.seats).sum(),
            Seating::Standing { capacity, .. } => *capacity,
        }
    }

    /// Whether seat `number` of `row` (a standing place: no row) is one of its own.
    pub fn has(&self, row: Option<&str>, number: u32) -> bool {
        match (&self.seating, row) {
            (Seating::Rows(runs), Some(row)) => runs.iter().any(|r| r.row == row && r.seat_numbers().contains(&number)),
            (Seating::Standing { capacity, .. }, None) => (1..=*capacity).contains(&number),
            _ => false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Venue {
    pub id: VenueId,
    pub name: String,
    pub stage: Area,
    pub sections: Vec<Section>,
}

fn invalid(what: impl Into<String>) -> Error {
    Error::InvalidInput(what.into())
}

fn check_text(what: &str, text: &str, max: usize) -> Result<()> {
    if text.chars().count() > max || !is_readable(text) || text.trim() != text {
        return Err(invalid(format!("{what} must be 1 to {max} readable characters, without spaces around")));
    }
    Ok(())
}

impl Venue {
    /// A venue as laid out, if the layout holds together: at least one section, each with
    /// seats or places, no seat named twice, no two seats (or a seat and the stage or a
    /// standing area) in one place, at most `MAX_PLACES` in all.
    pub fn new(id: VenueId, name: String, stage: Area, sections: Vec<Section>) -> Result<Self> {
        check_text("the venue's name", &name, MAX_NAME)?;
        if !on_map(&stage) {
            return Err(invalid("the stage must be at least 1 by 1, within the map"));
        }
        if sections.is_empty() || sections.len() > MAX_SECTIONS {
            return Err(invalid(format!("a venue has 1 to {MAX_SECTIONS} sections")));
        }
        let mut ids = HashSet::new();
        let mut total: u64 = 0;
        for s in &sections {
            if !ids.insert(&s.id) {
                return Err(invalid(format!("section {} appears twice", s.id)));
            }
            check_section(s)?;
            total += u64::from(s.places());
        }
        if total > u64::from(MAX_PLACES) {
            return Err(invalid(format!("the venue has {total} seats and places; at most {MAX_PLACES}")));
        }
        let venue = Self { id, name, stage, sections };
        venue.check_map()?;
        Ok(venue)
    }

    pub fn places(&self) -> u32 {
        self.sections.iter().map(Section::places).sum()
    }

    pub fn section(&self, id: &SectionId) -> Option<&Section> {
        self.sections.iter().find(|s| &s.id == id)
    }

    /// No seat on another, on the stage or in a standing area; no standing area on the
    /// stage or on another.
    fn check_map(&self) -> Result<()> {
        let areas: Vec<(&SectionId, &Area)> = self
            .sections
            .iter()
            .filter_map(|s| match &s.seating {
                Seating::Standing { area, .. } => Some((&s.id, area)),
                Seating::Rows(_) => None,
            })
            .collect();
        for (i, (id, area)) in areas.iter().enumerate() {
            if area.overlaps(&self.stage) {
                return Err(invalid(format!("standing section {id} overlaps the stage")));
            }
            if let Some((other, _)) = areas[i + 1..].iter().find(|(_, a)| a.overlaps(area)) {
                return Err(invalid(format!("standing sections {id} and {other} overlap")));
            }
        }
        let mut taken: HashMap<Point, (&SectionId, &str, u32)> = HashMap::new();
        for s in &self.sections {
            let Seating::Rows(runs) = &s.seating else { continue };
            for run in runs {
                for i in 0..run.seats {
                    let (number, at) = run.seat(i);
                    let here = format!("section {} row {} seat {number}", s.id, run.row);
                    if self.stage.covers(at) {
                        return Err(invalid(format!("{here} is on the stage")));
                    }
                    if let Some((area, _)) = areas.iter().find(|(_, a)| a.covers(at)) {
                        return Err(invalid(format!("{here} is in standing section {area}")));
                    }
                    if let Some((other, row, n)) = taken.insert(at, (&s.id, &run.row, number)) {
                        return Err(invalid(format!(
                            "{here} and section {other} row {row} seat {n} are in one place ({}, {})",
                            at.x, at.y
                        )));
                    }
                }
            }
        }
        Ok(())
    }
}

/// At least 1 by 1, and within `MAX_COORD` of the origin.
fn on_map(a: &Area) -> bool {
    let near = |v: i32| v.abs() <= MAX_COORD;
    a.width > 0
        && a.height > 0
        && near(a.x)
        && near(a.y)
        && a.width <= 2 * MAX_COORD as u32
        && a.height <= 2 * MAX_COORD as u32
}

fn check_section(s: &Section) -> Result<()> {
    let what = format!("section {}", s.id);
    check_text(&format!("{what}'s English name"), &s.name.en, MAX_NAME)?;
    check_text(&format!("{what}'s Korean name"), &s.name.ko, MAX_NAME)?;
    if s.tier.is_empty() || s.tier.len() > MAX_TIER || !s.tier.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err(invalid(format!("{what}'s tier must be 1-{MAX_TIER} characters of A-Z, a-z, 0-9 and '-'")));
    }
    match &s.seating {
        Seating::Standing { capacity, area } => {
            if *capacity == 0 || !on_map(area) {
                return Err(invalid(format!("{what} is empty: a standing section needs places and an area")));
            }
        }
        Seating::Rows(runs) => {
            if runs.is_empty() {
                return Err(invalid(format!("{what} is empty: it has no seats")));
            }
            let mut named = HashSet::new();
            for run in runs {
                check_text(&format!("{what}'s row label"), &run.row, MAX_ROW_LABEL)?;
                if run.seats == 0 || run.seats > MAX_RUN || run.first == 0 || run.step == (0, 0) {
                    return Err(invalid(format!(
                        "{what} row {}: a run has 1 to {MAX_RUN} seats numbered from 1 or more, each a step apart",
                        run.row
                    )));
                }
                let far = run.at.x.abs() > MAX_COORD || run.at.y.abs() > MAX_COORD;
                if run.step.0.abs() > 100 || run.step.1.abs() > 100 || run.first > 100_000 || far {
                    return Err(invalid(format!("{what} row {}: a step or a seat number out of range", run.row)));
                }
                for number in run.seat_numbers() {
                    if !named.insert((run.row.as_str(), number)) {
                        return Err(invalid(format!("{what} row {} seat {number} appears twice", run.row)));
                    }
                }
            }
        }
    }
    Ok(())
}

/// How a date without a venue is laid out: one section of its seats in rows of
/// `HALL_ROW` (as the web app draws them), row 1 nearest the stage; seat numbers run on
/// from row to row. Best available works on it as on any section.
pub const HALL_ROW: u32 = 10;

/// The one section of a date of `seats` seats without a venue, and its stage.
pub fn hall(seats: u32) -> (Section, Area) {
    let runs = (0..seats.div_ceil(HALL_ROW))
        .map(|r| Run {
            row: (r + 1).to_string(),
            first: r * HALL_ROW + 1,
            seats: HALL_ROW.min(seats - r * HALL_ROW),
            at: Point { x: 0, y: r as i32 + 2 },
            step: (1, 0),
        })
        .collect();
    let section = Section {
        id: SectionId::parse("HALL").unwrap_or_else(|_| unreachable!("a valid id")),
        name: Names { en: "Hall".into(), ko: "홀".into() },
        tier: "ALL".into(),
        seating: Seating::Rows(runs),
    };
    (section, Area { x: 0, y: 0, width: HALL_ROW, height: 1 })
}

/// A seat or standing place of a venue, as a ticket names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Spot {
    pub section: SectionId,
    /// The row; none for a standing place.
    pub row: Option<String>,
    /// The seat's number in its row, or the standing place's (its order of entry).
    pub number: u32,
}

impl Spot {
    /// What a fan reads, in both languages: "Floor A, row 12, seat 7" and
    /// "플로어 A 12열 7번"; "Standing A, no. 1234" and "스탠딩 A 입장번호 1234번".
    pub fn label(&self, section: &Names) -> Names {
        let n = self.number;
        match &self.row {
            Some(row) => Names {
                en: format!("{}, row {row}, seat {n}", section.en),
                ko: format!("{} {row}열 {n}번", section.ko),
            },
            None => Names { en: format!("{}, no. {n}", section.en), ko: format!("{} 입장번호 {n}번", section.ko) },
        }
    }
}

#[cfg(test)]
mod tests;
