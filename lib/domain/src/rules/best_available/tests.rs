//! Unit tests of best-available selection: side by side within a run, nearest the stage
//! first, spread over disjoint blocks, standing places by order of entry, never a seat
//! that is not free.

use std::cell::RefCell;
use std::collections::HashSet;

use super::*;
use crate::catalog::venue::{Area, Names, Point, Run};
use crate::values::ids::SectionId;

/// The stage spans x 0..20 at y 0..4: its doubled centre.
const STAGE: (i64, i64) = (20, 4);

fn section(id: &str, runs: Vec<Run>) -> Section {
    Section {
        id: SectionId::parse(id).unwrap(),
        name: Names { en: id.into(), ko: id.into() },
        tier: "R".into(),
        seating: Seating::Rows(runs),
    }
}

fn run(row: &str, first: u32, seats: u32, x: i32, y: i32) -> Run {
    Run { row: row.into(), first, seats, at: Point { x, y }, step: (1, 0) }
}

fn numbers(block: &[Spot]) -> Vec<(String, u32)> {
    block.iter().map(|s| (s.row.clone().unwrap_or_default(), s.number)).collect()
}

fn all_free(_: &Spot) -> bool {
    true
}

#[test]
fn a_block_is_side_by_side_in_one_run_never_across_a_taken_seat_or_an_aisle() {
    // Row 1: seats 1-3, an aisle, seats 4-6. Seat 5 is taken.
    let a = section("A", vec![run("1", 1, 3, 7, 6), run("1", 4, 3, 11, 6)]);
    let taken = |s: &Spot| s.number != 5;
    for pick in 0..20 {
        let block = best_available(&[&a], STAGE, 3, taken, pick).expect("seats 1-3 are together");
        assert_eq!(numbers(&block), [("1".into(), 1), ("1".into(), 2), ("1".into(), 3)], "the only block of 3");
    }
    assert_eq!(best_available(&[&a], STAGE, 4, all_free, 0), None, "no 4 together: the aisle breaks the row");
    assert_eq!(best_available(&[&a], STAGE, 0, all_free, 0), None);
}

#[test]
fn the_blocks_offered_are_the_nearest_to_the_stage_and_spread_over_disjoint_ones() {
    // Rows 1 (near) to 5 (far), 20 seats each, centred on the stage.
    let a = section("A", (1..=5).map(|r| run(&r.to_string(), 1, 20, 0, 5 + r)).collect());
    let offered: Vec<Vec<Spot>> =
        (0..SPREAD as u64).map(|pick| best_available(&[&a], STAGE, 2, all_free, pick).unwrap()).collect();
    let mut seen = HashSet::new();
    for block in &offered {
        assert_eq!(block.len(), 2);
        let row = block[0].row.clone().unwrap_or_default();
        assert!(row == "1" || row == "2", "the middle of the nearest rows beats the ends of row 1: {block:?}");
        assert_eq!(block[1].number, block[0].number + 1, "side by side");
        for s in block {
            assert!(seen.insert(s.clone()), "no seat in two of the blocks offered");
        }
    }
    // The middle of the row is nearest the stage's centre (x 10): seats 11 and 12 sit at x 10 and 11.
    let best = offered.iter().map(|b| b[0].number).collect::<HashSet<_>>();
    assert!(best.contains(&10) || best.contains(&11), "the centre is among them: {best:?}");
    assert!(!best.contains(&1) && !best.contains(&19), "not the ends of the row: {best:?}");
    assert_eq!(
        best_available(&[&a], STAGE, 2, all_free, 3),
        best_available(&[&a], STAGE, 2, all_free, 3 + SPREAD as u64),
        "the pick alone decides"
    );
}

#[test]
fn a_rush_of_requests_sells_a_section_out_without_a_seat_twice() {
    let a = section("A", (1..=10).map(|r| run(&r.to_string(), 1, 30, -5, 5 + r)).collect());
    let taken: RefCell<HashSet<Spot>> = RefCell::new(HashSet::new());
    let mut seed = 7u64;
    let mut sold = 0;
    loop {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let count = 1 + (seed >> 60) as u32 % 4;
        let free = |s: &Spot| !taken.borrow().contains(s);
        let Some(block) = best_available(&[&a], STAGE, count, free, seed >> 17) else {
            if best_available(&[&a], STAGE, 1, |s: &Spot| !taken.borrow().contains(s), 0).is_none() {
                break;
            }
            continue;
        };
        assert_eq!(block.len() as u32, count, "all or none");
        for s in block {
            assert!(taken.borrow_mut().insert(s), "never a seat twice");
            sold += 1;
        }
    }
    assert_eq!(sold, 300, "sold out to the last seat");
}

#[test]
fn standing_places_go_by_order_of_entry_in_disjoint_sets() {
    let floor = Section {
        id: SectionId::parse("F").unwrap(),
        name: Names { en: "F".into(), ko: "F".into() },
        tier: "R".into(),
        seating: Seating::Standing { capacity: 1000, area: Area { x: 0, y: 10, width: 10, height: 10 } },
    };
    let free = |s: &Spot| s.number > 100 && s.number != 103;
    let mut seen = HashSet::new();
    for pick in 0..SPREAD as u64 {
        let set = best_available(&[&floor], STAGE, 4, free, pick).unwrap();
        assert!(set.iter().all(|s| s.row.is_none() && free(s) && s.number <= 100 + 4 * SPREAD as u32 + 1), "{set:?}");
        assert!(set.iter().all(|s| seen.insert(s.number)), "disjoint sets");
    }
    assert_eq!(best_available(&[&floor], STAGE, 4, |s: &Spot| s.number > 997, 0), None, "3 places left");
}

#[test]
fn across_sections_the_nearest_block_wins_whatever_the_section() {
    let near = section("N", vec![run("1", 1, 4, 8, 5)]);
    let far = section("F", (1..=4).map(|r| run(&r.to_string(), 1, 40, -10, 30 + r)).collect());
    let one: Vec<_> =
        (0..SPREAD as u64).filter_map(|p| best_available(&[&far, &near], STAGE, 4, all_free, p)).collect();
    assert!(one.iter().any(|b| b[0].section.as_str() == "N"), "the near section's block is among the best");
    assert!(one.iter().all(|b| b.iter().all(|s| s.section == b[0].section)), "a block lies in one section");
    assert!(one.iter().all(|b| b.iter().all(|s| s.row.as_deref() != Some("4"))), "not the far section's back row");
}
