//! Unit tests of venue layouts: what holds together, each way one does not, and labels.

use super::*;

fn names(en: &str, ko: &str) -> Names {
    Names { en: en.into(), ko: ko.into() }
}

fn run(row: &str, first: u32, seats: u32, x: i32, y: i32) -> Run {
    Run { row: row.into(), first, seats, at: Point { x, y }, step: (1, 0) }
}

fn seated(id: &str, runs: Vec<Run>) -> Section {
    Section {
        id: SectionId::parse(id).unwrap(),
        name: names(&format!("Floor {id}"), &format!("플로어 {id}")),
        tier: "VIP".into(),
        seating: Seating::Rows(runs),
    }
}

fn standing(id: &str, capacity: u32, area: Area) -> Section {
    Section {
        id: SectionId::parse(id).unwrap(),
        name: names(&format!("Standing {id}"), &format!("스탠딩 {id}")),
        tier: "R".into(),
        seating: Seating::Standing { capacity, area },
    }
}

const STAGE: Area = Area { x: 0, y: 0, width: 20, height: 4 };

fn venue(sections: Vec<Section>) -> Result<Venue> {
    Venue::new(VenueId::parse("hall").unwrap(), "Hall".into(), STAGE, sections)
}

fn refusal(sections: Vec<Section>) -> String {
    match venue(sections) {
        Err(Error::InvalidInput(why)) => why,
        other => panic!("refused as bad input, not {other:?}"),
    }
}

#[test]
fn a_layout_of_rows_with_an_aisle_and_a_standing_area_holds_together() {
    // Row 1 of A is broken by an aisle: seats 1-10 and 11-20, two runs with one label.
    let a = seated("A", vec![run("1", 1, 10, 0, 6), run("1", 11, 10, 11, 6), run("2", 1, 21, 0, 7)]);
    let floor = standing("F", 500, Area { x: 0, y: 20, width: 20, height: 10 });
    let v = venue(vec![a, floor]).unwrap();
    assert_eq!((v.places(), v.sections[0].places(), v.sections[1].places()), (541, 41, 500));
    let a = v.section(&SectionId::parse("A").unwrap()).unwrap();
    assert!(a.has(Some("1"), 20) && !a.has(Some("1"), 21) && a.has(Some("2"), 21) && !a.has(None, 1));
    assert!(v.sections[1].has(None, 500) && !v.sections[1].has(None, 501) && !v.sections[1].has(Some("1"), 1));
}

#[test]
fn labels_read_as_a_fan_reads_them_in_english_and_korean() {
    let seat = Spot { section: SectionId::parse("A").unwrap(), row: Some("12".into()), number: 7 };
    assert_eq!(seat.label(&names("Floor A", "A구역")), names("Floor A, row 12, seat 7", "A구역 12열 7번"));
    let place = Spot { section: SectionId::parse("F").unwrap(), row: None, number: 1234 };
    assert_eq!(
        place.label(&names("Standing F", "스탠딩 F")),
        names("Standing F, no. 1234", "스탠딩 F 입장번호 1234번")
    );
}

#[test]
fn a_seat_named_twice_in_a_section_is_refused_but_not_across_sections() {
    let twice = seated("A", vec![run("1", 1, 10, 0, 6), run("1", 10, 5, 0, 8)]);
    assert_eq!(refusal(vec![twice]), "section A row 1 seat 10 appears twice");
    let a = seated("A", vec![run("1", 1, 10, 0, 6)]);
    let b = seated("B", vec![run("1", 1, 10, 0, 8)]);
    assert!(venue(vec![a.clone(), b]).is_ok(), "row 1 seat 1 of A and of B are two seats");
    assert_eq!(refusal(vec![a.clone(), a]), "section A appears twice");
}

#[test]
fn seats_in_one_place_on_the_stage_or_in_a_standing_area_are_refused() {
    let a = seated("A", vec![run("1", 1, 10, 0, 6)]);
    let b = seated("B", vec![run("9", 1, 3, 9, 6)]);
    assert_eq!(
        refusal(vec![a.clone(), b]),
        "section B row 9 seat 1 and section A row 1 seat 10 are in one place (9, 6)"
    );
    let on_stage = seated("S", vec![run("1", 1, 3, 5, 3)]);
    assert_eq!(refusal(vec![on_stage]), "section S row 1 seat 1 is on the stage");
    let pit = standing("F", 100, Area { x: 0, y: 5, width: 5, height: 5 });
    assert_eq!(refusal(vec![a.clone(), pit]), "section A row 1 seat 1 is in standing section F");
    let over_stage = standing("F", 100, Area { x: 19, y: 3, width: 5, height: 5 });
    assert_eq!(refusal(vec![over_stage]), "standing section F overlaps the stage");
    let one = standing("F", 100, Area { x: 0, y: 20, width: 5, height: 5 });
    let two = standing("G", 100, Area { x: 4, y: 24, width: 5, height: 5 });
    assert_eq!(refusal(vec![one.clone(), two]), "standing sections F and G overlap");
    let beside = standing("G", 100, Area { x: 5, y: 20, width: 5, height: 5 });
    assert!(venue(vec![one, beside, a]).is_ok(), "areas that touch do not overlap");
}

#[test]
fn an_empty_section_or_venue_is_refused() {
    assert_eq!(refusal(vec![seated("A", vec![])]), "section A is empty: it has no seats");
    let nobody = standing("F", 0, Area { x: 0, y: 20, width: 5, height: 5 });
    assert_eq!(refusal(vec![nobody]), "section F is empty: a standing section needs places and an area");
    assert_eq!(refusal(vec![]), "a venue has 1 to 300 sections");
    let no_seats = seated("A", vec![run("1", 1, 0, 0, 6)]);
    assert!(refusal(vec![no_seats]).contains("a run has 1 to 500 seats"));
}

#[test]
fn more_than_seventy_thousand_seats_and_places_are_refused() {
    let big = |id: &str, x: i32, capacity| standing(id, capacity, Area { x, y: 10, width: 10, height: 10 });
    assert!(venue(vec![big("F", 0, 60_000), big("G", 10, 10_000)]).is_ok(), "exactly the most");
    assert_eq!(
        refusal(vec![big("F", 0, 60_000), big("G", 10, 10_001)]),
        "the venue has 70001 seats and places; at most 70000"
    );
}

#[test]
fn names_tiers_and_steps_must_be_usable() {
    let mut a = seated("A", vec![run("1", 1, 3, 0, 6)]);
    a.tier = "V I P".into();
    assert!(refusal(vec![a.clone()]).contains("tier"));
    a.tier = "VIP".into();
    a.name.ko = " ".into();
    assert!(refusal(vec![a.clone()]).contains("Korean name"));
    a.name.ko = "A구역".into();
    a.seating = Seating::Rows(vec![Run { step: (0, 0), ..run("1", 1, 3, 0, 6) }]);
    assert!(refusal(vec![a.clone()]).contains("each a step apart"));
    a.seating = Seating::Rows(vec![run("1\u{202E}", 1, 3, 0, 6)]);
    assert!(refusal(vec![a]).contains("row label"));
    let far = seated("A", vec![run("1", 1, 3, i32::MAX - 1, 6)]);
    assert!(refusal(vec![far]).contains("out of range"), "no overflow far from the origin");
}
