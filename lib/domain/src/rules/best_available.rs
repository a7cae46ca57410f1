//! "Best available N together": which seats to offer a fan who asks for N of them in some
//! sections rather than naming them. Pure: the sections' layout, which seats are free now,
//! and a random number the caller draws.
//!
//! A block is N free seats side by side in one run of a row (docs/venues.md); the best
//! blocks are the nearest to the stage (the sum of each seat's squared distance to its
//! centre). Many fans ask at once, and if each took the single best block they would all
//! race for it and all but one lose its condition. So the choice is random among the best
//! `SPREAD` blocks that share no seat: concurrent requests spread over that many blocks,
//! and the loser of a race asks again with what it lost now taken. In a standing section
//! places are equal but for their order of entry: N of the lowest free numbers, again one
//! of `SPREAD` disjoint sets at random.

use crate::catalog::venue::{Seating, Section, Spot};

/// How many disjoint best blocks a choice is spread over.
pub const SPREAD: usize = 8;

/// N places of `sections` free now (`is_free`), as the fan's best choice, or none if no
/// section has N free side by side. `pick` is a random number the caller drew.
pub fn best_available(
    sections: &[&Section],
    stage_centre_doubled: (i64, i64),
    count: u32,
    is_free: impl Fn(&Spot) -> bool,
    pick: u64,
) -> Option<Vec<Spot>> {
    if count == 0 {
        return None;
    }
    let mut blocks: Vec<(i64, Vec<Spot>)> = Vec::new();
    for section in sections {
        match &section.seating {
            Seating::Rows(runs) => {
                for run in runs {
                    let seats: Vec<(Spot, i64)> = (0..run.seats)
                        .map(|i| {
                            let (number, at) = run.seat(i);
                            let spot = Spot { section: section.id.clone(), row: Some(run.row.clone()), number };
                            // Centres, doubled like the stage's: 2x + 1.
                            let dx = i64::from(at.x) * 2 + 1 - stage_centre_doubled.0;
                            let dy = i64::from(at.y) * 2 + 1 - stage_centre_doubled.1;
                            (spot, dx * dx + dy * dy)
                        })
                        .collect();
                    blocks.extend(free_windows(&seats, count as usize, &is_free));
                }
            }
            Seating::Standing { capacity, .. } => {
                let free = (1..=*capacity)
                    .map(|number| Spot { section: section.id.clone(), row: None, number })
                    .filter(&is_free)
                    .take(SPREAD * count as usize);
                let free: Vec<Spot> = free.collect();
                // Consecutive sets of the lowest free numbers; a set's "distance" is its
                // first number, so earlier entry ranks first.
                for set in free.chunks_exact(count as usize) {
                    blocks.push((i64::from(set[0].number), set.to_vec()));
                }
            }
        }
    }
    blocks.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    let mut chosen: Vec<Vec<Spot>> = Vec::new();
    for (_, block) in blocks {
        if chosen.len() == SPREAD {
            break;
        }
        if !chosen.iter().any(|c| c.iter().any(|s| block.contains(s))) {
            chosen.push(block);
        }
    }
    if chosen.is_empty() {
        return None;
    }
    let i = (pick % chosen.len() as u64) as usize;
    Some(chosen.swap_remove(i))
}

/// Every window of `count` free seats side by side in one run, with its distance.
fn free_windows(seats: &[(Spot, i64)], count: usize, is_free: &impl Fn(&Spot) -> bool) -> Vec<(i64, Vec<Spot>)> {
    let free: Vec<bool> = seats.iter().map(|(s, _)| is_free(s)).collect();
    let mut out = Vec::new();
    let mut run_start = 0;
    for i in 0..seats.len() {
        if !free[i] {
            run_start = i + 1;
            continue;
        }
        if i + 1 - run_start >= count {
            let window = &seats[i + 1 - count..=i];
            out.push((window.iter().map(|(_, d)| d).sum(), window.iter().map(|(s, _)| s.clone()).collect()));
        }
    }
    out
}

#[cfg(test)]
mod tests;
