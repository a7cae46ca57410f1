//! Unit tests of the layout file: the documented example parses into the venue it says,
//! a venue reads back as the file it came from, and a malformed file is a clear 400.

use super::*;

const ARENA: &str = include_str!("../../../../../docs/venues/arena.json");

fn parse(raw: &str) -> Result<Venue> {
    serde_json::from_str::<LayoutBody>(raw).map_err(|e| Error::InvalidInput(e.to_string()))?.into_venue()
}

#[test]
fn the_documented_arena_layout_is_a_venue_of_about_fifteen_thousand() {
    let arena = parse(ARENA).unwrap();
    assert_eq!((arena.id.as_str(), arena.sections.len(), arena.places()), ("kspo-dome-like", 23, 14_896));
    let floor = &arena.sections[0];
    assert_eq!((floor.id.as_str(), floor.name.ko.as_str(), floor.places()), ("F1", "스탠딩 F1구역", 1_500));
    let first_seated = &arena.sections[2];
    assert_eq!(
        (first_seated.id.as_str(), first_seated.tier.as_str(), first_seated.name.en.as_str()),
        ("101", "R", "Section 101")
    );
}

#[test]
fn a_venue_reads_back_as_its_layout() {
    let arena = parse(ARENA).unwrap();
    let again = parse(&{
        let mut v = LayoutBody::of(&arena).to_json(arena.places());
        assert_eq!(v["places"], 14_896);
        v.as_object_mut().map(|o| o.remove("places"));
        v.to_string()
    })
    .unwrap();
    assert_eq!(again, arena);
}

#[test]
fn defaults_and_refusals_of_the_file_format() {
    let one_row = r#"{"venueId":"hall","name":"Hall","stage":{"x":0,"y":0,"width":10,"height":2},
        "sections":[{"id":"A","name":{"en":"Floor A"},"tier":"R","rows":[{"row":"1","seats":10,"x":0,"y":4}]}]}"#;
    let hall = parse(one_row).unwrap();
    let a = &hall.sections[0];
    assert_eq!(a.name.ko, "Floor A", "the English name when no Korean one is given");
    let Seating::Rows(runs) = &a.seating else { panic!("rows") };
    assert_eq!((runs[0].first, runs[0].step), (1, (1, 0)), "seats from 1, to the right");
    let both = one_row.replace(r#""rows""#, r#""standing":{"capacity":5,"x":0,"y":9,"width":2,"height":2},"rows""#);
    assert_eq!(
        parse(&both),
        Err(Error::InvalidInput("section A has either rows or standing, not both or neither".into()))
    );
    assert!(matches!(parse(&one_row.replace("\"tier\"", "\"tire\"")), Err(Error::InvalidInput(_))), "an unknown field");
    assert!(matches!(parse(&one_row.replace("\"hall\"", "\"Hall!\"")), Err(Error::InvalidInput(_))));
}
