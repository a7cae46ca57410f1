//! Venues in the catalog table: `VENUE#<id>`/`META` (name, stage, how many sections and
//! places, and which write of the sections is the venue's), one
//! `VENUE#<id>`/`SECTION#<write>#<index>` item per section with its layout, and
//! `VENUES`/`<id>` in the listing. Each create writes its sections under a fresh `write`
//! id and only then the marker naming it, so two creates of one id with different layouts
//! never mix, and a create that stopped half way leaves only sections nobody reads. A
//! section's rows are one string (JSON: a list of `[row, first, seats, x, y, dx, dy]`)
//! rather than a DynamoDB list of lists: a stadium's runs are thousands of values, which
//! DynamoDB's typed JSON would spell out one by one on every read. A stadium's layout is about 100 KB in all, so a section
//! per item keeps each far below DynamoDB's 400 KB item limit
//! (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html).

use async_trait::async_trait;
use aws_sdk_dynamodb::types::AttributeValue;

use super::catalog::DynamoCatalog;
use super::{get_n, get_s, infra, key2, n, put, s, sk_of, transact, Item};
use crate::dynamo::schema::attr::*;
use crate::dynamo::schema::catalog::{section_sk, sections_prefix, venue_pk, META_SK, VENUES_PK};
use domain::catalog::store::{VenueStore, VenueSummary};
use domain::catalog::venue::{Area, Names, Point, Run, Seating, Section, Venue};
use domain::error::{Error, Result};
use domain::values::ids::{SectionId, VenueId};
use serde_json::{json, Value};

fn numbers(values: &[i64]) -> AttributeValue {
    AttributeValue::L(values.iter().map(n).collect())
}

fn area_of(a: &Area) -> AttributeValue {
    numbers(&[a.x.into(), a.y.into(), a.width.into(), a.height.into()])
}

fn bad(what: &str) -> Error {
    Error::Infrastructure(format!("a stored venue's {what} does not read"))
}

/// The numbers of a stored list, each as `T`.
fn read_numbers<T: std::str::FromStr>(v: Option<&AttributeValue>, what: &str) -> Result<Vec<T>> {
    let AttributeValue::L(list) = v.ok_or_else(|| bad(what))? else { return Err(bad(what)) };
    list.iter()
        .map(|x| match x {
            AttributeValue::N(raw) => raw.parse().map_err(|_| bad(what)),
            _ => Err(bad(what)),
        })
        .collect()
}

fn read_area(v: Option<&AttributeValue>) -> Result<Area> {
    match read_numbers::<i64>(v, "area")?.as_slice() {
        &[x, y, width, height] => Ok(Area {
            x: i32::try_from(x).map_err(infra)?,
            y: i32::try_from(y).map_err(infra)?,
            width: u32::try_from(width).map_err(infra)?,
            height: u32::try_from(height).map_err(infra)?,
        }),
        _ => Err(bad("area")),
    }
}

fn section_item(venue: &VenueId, write: &str, index: usize, section: &Section) -> Item {
    let mut item = key2(venue_pk(venue), section_sk(write, index));
    item.insert(SECTION_ID.into(), s(section.id.as_str()));
    item.insert(NAME_EN.into(), s(&section.name.en));
    item.insert(NAME_KO.into(), s(&section.name.ko));
    item.insert(TIER.into(), s(&section.tier));
    match &section.seating {
        Seating::Rows(runs) => {
            let runs: Vec<Value> =
                runs.iter().map(|r| json!([r.row, r.first, r.seats, r.at.x, r.at.y, r.step.0, r.step.1])).collect();
            item.insert(RUNS.into(), s(Value::Array(runs).to_string()));
        }
        Seating::Standing { capacity, area } => {
            item.insert(CAPACITY.into(), n(capacity));
            item.insert(AREA.into(), area_of(area));
        }
    }
    item
}

fn read_runs(raw: &str) -> Result<Vec<Run>> {
    type Stored = (String, u32, u32, i32, i32, i32, i32);
    let runs: Vec<Stored> = serde_json::from_str(raw).map_err(|_| bad("rows"))?;
    Ok(runs
        .into_iter()
        .map(|(row, first, seats, x, y, dx, dy)| Run { row, first, seats, at: Point { x, y }, step: (dx, dy) })
        .collect())
}

fn read_section(item: &Item) -> Result<Section> {
    let seating = match item.get(RUNS) {
        Some(AttributeValue::S(runs)) => Seating::Rows(read_runs(runs)?),
        _ => Seating::Standing { capacity: get_n(item, CAPACITY)?, area: read_area(item.get(AREA))? },
    };
    Ok(Section {
        id: SectionId::parse(get_s(item, SECTION_ID)?)?,
        name: Names { en: get_s(item, NAME_EN)?.to_owned(), ko: get_s(item, NAME_KO)?.to_owned() },
        tier: get_s(item, TIER)?.to_owned(),
        seating,
    })
}

fn summary_attrs(venue: &Venue, mut item: Item) -> Item {
    item.insert(NAME.into(), s(&venue.name));
    item.insert(SECTIONS.into(), n(venue.sections.len()));
    item.insert(PLACES.into(), n(venue.places()));
    item
}

#[async_trait]
impl VenueStore for DynamoCatalog {
    async fn add_venue(&self, venue: &Venue) -> Result<bool> {
        if self.venue(&venue.id).await?.is_some() {
            return Ok(false);
        }
        let pk = venue_pk(&venue.id);
        let write = uuid::Uuid::new_v4().simple().to_string();
        let sections: Vec<Item> =
            venue.sections.iter().enumerate().map(|(i, section)| section_item(&venue.id, &write, i, section)).collect();
        for chunk in sections.chunks(25) {
            self.write_batch(chunk.to_vec()).await?;
        }
        // The marker and the listing last, in one transaction and once: a venue exists,
        // and is listed, once all its sections do.
        let mut meta = summary_attrs(venue, key2(pk, META_SK));
        meta.insert(STAGE.into(), area_of(&venue.stage));
        meta.insert(LAYOUT_WRITE.into(), s(&write));
        let listed = summary_attrs(venue, key2(VENUES_PK, venue.id.as_str()));
        let items = vec![put(self.table(), meta)?, put(self.table(), listed)?];
        Ok(transact(&self.t.client, items).await?.is_ok())
    }

    async fn venue(&self, id: &VenueId) -> Result<Option<Venue>> {
        let items = self.partition(venue_pk(id)).await?;
        let Some(meta) = items.iter().find(|i| sk_of(i) == META_SK) else { return Ok(None) };
        let count: usize = get_n(meta, SECTIONS)?;
        let ours = sections_prefix(get_s(meta, LAYOUT_WRITE)?);
        let sections =
            items.iter().filter(|i| sk_of(i).starts_with(&ours)).map(read_section).collect::<Result<Vec<_>>>()?;
        if sections.len() != count {
            return Err(bad("sections"));
        }
        let venue =
            Venue { id: id.clone(), name: get_s(meta, NAME)?.to_owned(), stage: read_area(meta.get(STAGE))?, sections };
        Ok(Some(venue))
    }

    async fn venues(&self) -> Result<Vec<VenueSummary>> {
        let items = self.partition(VENUES_PK).await?;
        items
            .iter()
            .map(|i| {
                Ok(VenueSummary {
                    id: VenueId::parse(sk_of(i)).map_err(|_| bad("id"))?,
                    name: get_s(i, NAME)?.to_owned(),
                    sections: get_n(i, SECTIONS)?,
                    places: get_n(i, PLACES)?,
                })
            })
            .collect()
    }
}
