use super::*;
use proptest::prelude::*;

fn levelled(a: &Arrivals) -> (Arrivals, Vec<HoleRun>) {
    let mut after = a.clone();
    let mut runs = Vec::new();
    for (stripe, ranks) in a.levelling() {
        let from = a.counts[stripe as usize];
        runs.push(HoleRun { stripe, after: from, through: from + ranks });
        after.raise(stripe, from + ranks);
    }
    (after, runs)
}

#[test]
fn each_stripe_hands_out_its_own_numbers_interleaved() {
    assert_eq!((number(0, 1), number(31, 1), number(0, 2), number(5, 3)), (1, 32, 33, 70));
    let a = Arrivals::new(vec![2, 1]);
    assert!(a.is_taken(1) && a.is_taken(2) && a.is_taken(33) && !a.is_taken(34) && !a.is_taken(3));
    assert_eq!((a.dense_through(), a.highest(), a.taken()), (2, 33, 3));
}

#[test]
fn no_arrivals_no_numbers() {
    let a = Arrivals::default();
    assert_eq!((a.dense_through(), a.highest(), a.taken()), (0, 0, 0));
    assert!(a.levelling().is_empty());
    assert!(!a.is_taken(0) && !a.is_taken(1));
}

#[test]
fn stripes_that_moved_together_need_no_levelling() {
    let a = Arrivals::new(vec![3; STRIPES as usize]);
    assert_eq!((a.dense_through(), a.highest()), (96, 96));
    assert!(a.levelling().is_empty());
}

#[test]
fn two_fans_on_an_idle_line_are_levelled_with_the_numbers_between_as_holes() {
    // Stripes 5 and 17 took numbers 6 and 18: nothing below is taken.
    let mut counts = vec![0; STRIPES as usize];
    counts[5] = 1;
    counts[17] = 1;
    let a = Arrivals::new(counts);
    assert_eq!(a.dense_through(), 0);
    let (after, runs) = levelled(&a);
    assert_eq!(after.dense_through(), 18, "every number through 18 is now taken");
    assert_eq!(runs.iter().map(|r| r.count_within(1, 18)).sum::<u64>(), 16, "16 holes");
    assert_eq!(runs.iter().map(|r| r.count_within(6, 17)).sum::<u64>(), 11, "6 is a fan, 7..=17 are holes");
    // The next arrival on a levelled stripe is numbered after them.
    assert!(number(0, after.counts[0] + 1) > 18);
}

#[test]
fn a_hole_run_counts_its_numbers_in_a_range() {
    let run = HoleRun { stripe: 2, after: 1, through: 4 }; // numbers 35, 67, 99
    assert_eq!(run.last(), 99);
    assert_eq!(run.count_within(1, 1000), 3);
    assert_eq!(run.count_within(35, 35), 1);
    assert_eq!(run.count_within(36, 98), 1);
    assert_eq!(run.count_within(1, 34), 0);
    assert_eq!(run.count_within(100, 1000), 0);
    assert_eq!(HoleRun { stripe: 31, after: 0, through: 1 }.count_within(1, 31), 0);
}

#[test]
fn empty_places_are_counted_between_two_places_on_their_stride() {
    let run = EmptyPlaces { first: 10, last: 74, every: 32 };
    assert_eq!(run.between(0, 100), 3, "10, 42 and 74");
    assert_eq!(run.between(10, 74), 1, "both ends excluded");
    assert_eq!(run.between(9, 11), 1);
    assert_eq!(run.between(11, 42), 0);
    assert_eq!(run.between(74, 1000), 0);
    assert_eq!(run.between(50, 20), 0, "an empty range");
    assert_eq!(EmptyPlaces { first: 5, last: 5, every: 32 }.between(4, 6), 1);
}

#[test]
fn a_hole_run_as_places_starts_after_the_cohort() {
    let run = HoleRun { stripe: 2, after: 1, through: 4 };
    assert_eq!(run.places(100), EmptyPlaces { first: 135, last: 199, every: 32 });
    assert_eq!(run.places(100).between(135, 199), 1, "167");
}

proptest! {
    #[test]
    fn the_dense_prefix_is_exactly_the_taken_numbers_from_one(counts in proptest::collection::vec(0u64..6, 0..40)) {
        let a = Arrivals::new(counts);
        let d = a.dense_through();
        prop_assert!((1..=d).all(|n| a.is_taken(n)));
        prop_assert!(!a.is_taken(d + 1));
        prop_assert_eq!((1..=a.highest()).filter(|n| a.is_taken(*n)).count() as u64, a.taken());
    }

    #[test]
    fn levelling_makes_every_number_up_to_the_highest_taken_and_its_runs_are_exactly_the_holes(
        counts in proptest::collection::vec(0u64..5, 0..40),
        from in 1u64..200,
        len in 0u64..200,
    ) {
        let a = Arrivals::new(counts);
        let (after, runs) = levelled(&a);
        prop_assert_eq!(after.dense_through(), a.highest());
        prop_assert_eq!(after.highest(), a.highest(), "no number past the highest");
        let through = from + len;
        let holes = (from..=through).filter(|n| after.is_taken(*n) && !a.is_taken(*n)).count() as u64;
        prop_assert_eq!(runs.iter().map(|r| r.count_within(from, through)).sum::<u64>(), holes);
    }
}

proptest! {
    #[test]
    fn frozen_counts_number_every_taken_number_densely_and_once(counts in proptest::collection::vec(0u64..6, 0..40)) {
        let a = Arrivals::new(counts);
        let mut seen: Vec<u64> = (1..=a.highest()).filter_map(|n| a.dense_index(n)).collect();
        seen.sort_unstable();
        prop_assert_eq!(seen, (0..a.taken()).collect::<Vec<u64>>());
        prop_assert_eq!(a.dense_index(a.highest() + 1), None);
    }
}
