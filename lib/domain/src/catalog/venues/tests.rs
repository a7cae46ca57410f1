//! Unit tests of making venues: once per id, a repeat answers the same, another layout
//! under a taken id changes nothing.

use std::sync::Arc;

use super::*;
use crate::catalog::venue::{Area, Names, Point, Run, Seating, Section};
use crate::testkit::memory::Memory;
use crate::values::ids::SectionId;

fn hall(seats: u32) -> Venue {
    let a = Section {
        id: SectionId::parse("A").unwrap(),
        name: Names { en: "Floor A".into(), ko: "A구역".into() },
        tier: "R".into(),
        seating: Seating::Rows(vec![Run { row: "1".into(), first: 1, seats, at: Point { x: 0, y: 5 }, step: (1, 0) }]),
    };
    let stage = Area { x: 0, y: 0, width: 10, height: 3 };
    Venue::new(VenueId::parse("hall").unwrap(), "Hall".into(), stage, vec![a]).unwrap()
}

#[tokio::test]
async fn a_venue_is_made_once_and_a_repeat_of_its_create_answers_the_same() {
    let mem = Arc::new(Memory::default());
    let venues = VenueService::new(mem.clone());
    assert_eq!(venues.create(&hall(10)).await, Ok(hall(10)));
    assert_eq!(venues.create(&hall(10)).await, Ok(hall(10)), "the same layout again");
    assert_eq!(venues.create(&hall(11)).await, Err(Error::VenueExists), "another layout, same id");
    assert_eq!(venues.venue(&hall(10).id).await, Ok(hall(10)), "unchanged");
    let list = venues.venues().await.unwrap();
    assert_eq!((list.len(), list[0].places, list[0].sections), (1, 10, 1));
    assert_eq!(venues.venue(&VenueId::parse("nowhere").unwrap()).await, Err(Error::VenueNotFound));
}

#[tokio::test]
async fn a_create_whose_answer_was_lost_is_sent_again_and_answers_as_made() {
    let mem = Arc::new(Memory::default());
    let venues = VenueService::new(mem.clone());
    mem.inject("add_venue", Error::Unavailable, true);
    assert_eq!(venues.create(&hall(10)).await, Err(Error::Unavailable), "stored, its answer lost");
    assert_eq!(venues.create(&hall(10)).await, Ok(hall(10)), "the client's resend finds it made");
}
