//! The venue layout's JSON (docs/venues.md): the file an operator writes or generates,
//! sent as the body of `POST /venues` and answered back by `GET /venues/{venueId}`.
//! Parsing it into a `Venue` checks every rule of a layout; the view is the same shape.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use domain::catalog::store::VenueSummary;
use domain::catalog::venue::{Area, Names, Point, Run, Seating, Section, Venue};
use domain::error::{Error, Result};
use domain::values::ids::{SectionId, VenueId};

#[derive(Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LayoutBody {
    venue_id: String,
    name: String,
    stage: AreaBody,
    sections: Vec<SectionBody>,
}

#[derive(Deserialize, Serialize, Clone, Copy)]
#[serde(deny_unknown_fields)]
struct AreaBody {
    x: i32,
    y: i32,
    width: u32,
    height: u32,
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct NamesBody {
    en: String,
    /// The English name when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    ko: Option<String>,
}

#[derive(Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SectionBody {
    id: String,
    name: NamesBody,
    tier: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    rows: Option<Vec<RunBody>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    standing: Option<StandingBody>,
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct RunBody {
    row: String,
    /// The first seat's number: 1 when absent.
    #[serde(default = "one")]
    first: u32,
    seats: u32,
    x: i32,
    y: i32,
    /// From one seat to the next: `[1, 0]` (to the right) when absent.
    #[serde(default = "right")]
    step: [i32; 2],
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct StandingBody {
    capacity: u32,
    #[serde(flatten)]
    area: AreaBody,
}

fn one() -> u32 {
    1
}

fn right() -> [i32; 2] {
    [1, 0]
}

impl From<AreaBody> for Area {
    fn from(a: AreaBody) -> Self {
        Area { x: a.x, y: a.y, width: a.width, height: a.height }
    }
}

impl From<Area> for AreaBody {
    fn from(a: Area) -> Self {
        AreaBody { x: a.x, y: a.y, width: a.width, height: a.height }
    }
}

impl LayoutBody {
    /// The venue this layout describes, every rule checked.
    pub fn into_venue(self) -> Result<Venue> {
        let sections = self.sections.into_iter().map(SectionBody::into_section).collect::<Result<Vec<_>>>()?;
        Venue::new(VenueId::parse(&self.venue_id)?, self.name, self.stage.into(), sections)
    }

    /// A venue as its layout file reads.
    pub fn of(v: &Venue) -> Self {
        LayoutBody {
            venue_id: v.id.to_string(),
            name: v.name.clone(),
            stage: v.stage.into(),
            sections: v.sections.iter().map(SectionBody::of).collect(),
        }
    }

    /// The layout file, with how many seats and places it has in all.
    pub fn to_json(&self, places: u32) -> Value {
        let mut v = serde_json::to_value(self).unwrap_or(Value::Null);
        if let Value::Object(o) = &mut v {
            o.insert("places".into(), places.into());
        }
        v
    }
}

/// The most bytes of a layout file: a 70,000-seat stadium's is about 100 KB.
pub const MAX_LAYOUT_BYTES: usize = 1024 * 1024;

/// A venue in the list of venues.
pub fn venue_summary_json(v: &VenueSummary) -> Value {
    json!({ "venueId": v.id.as_str(), "name": v.name, "sections": v.sections, "places": v.places })
}

impl SectionBody {
    fn into_section(self) -> Result<Section> {
        let id = SectionId::parse(&self.id)?;
        let seating = match (self.rows, self.standing) {
            (Some(rows), None) => Seating::Rows(
                rows.into_iter()
                    .map(|r| Run {
                        row: r.row,
                        first: r.first,
                        seats: r.seats,
                        at: Point { x: r.x, y: r.y },
                        step: (r.step[0], r.step[1]),
                    })
                    .collect(),
            ),
            (None, Some(s)) => Seating::Standing { capacity: s.capacity, area: s.area.into() },
            _ => {
                return Err(Error::InvalidInput(format!(
                    "section {id} has either rows or standing, not both or neither"
                )))
            }
        };
        let ko = self.name.ko.unwrap_or_else(|| self.name.en.clone());
        Ok(Section { id, name: Names { en: self.name.en, ko }, tier: self.tier, seating })
    }

    fn of(s: &Section) -> Self {
        let (rows, standing) = match &s.seating {
            Seating::Rows(runs) => (
                Some(
                    runs.iter()
                        .map(|r| RunBody {
                            row: r.row.clone(),
                            first: r.first,
                            seats: r.seats,
                            x: r.at.x,
                            y: r.at.y,
                            step: [r.step.0, r.step.1],
                        })
                        .collect(),
                ),
                None,
            ),
            Seating::Standing { capacity, area } => {
                (None, Some(StandingBody { capacity: *capacity, area: (*area).into() }))
            }
        };
        SectionBody {
            id: s.id.to_string(),
            name: NamesBody { en: s.name.en.clone(), ko: Some(s.name.ko.clone()) },
            tier: s.tier.clone(),
            rows,
            standing,
        }
    }
}

#[cfg(test)]
mod tests;
