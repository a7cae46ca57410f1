use super::*;
use proptest::prelude::*;

fn filled(a: &Arrivals, fills: &[Fill]) -> Arrivals {
    let mut counts = a.counts.clone();
    for f in fills {
        assert_eq!(counts[f.stripe as usize], f.from, "a fill starts where the stripe stands");
        counts[f.stripe as usize] = f.to;
    }
    Arrivals::new(counts)
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
    assert_eq!(a.catch_up(10), None);
    assert!(!a.is_taken(0) && !a.is_taken(1));
}

#[test]
fn stripes_that_moved_together_leave_no_gap() {
    let a = Arrivals::new(vec![3; STRIPES as usize]);
    assert_eq!((a.dense_through(), a.highest()), (96, 96));
    assert_eq!(a.catch_up(5), None, "nobody beyond the dense prefix");
}

#[test]
fn two_fans_on_an_idle_line_are_caught_up_with_the_numbers_between_as_holes() {
    // Stripes 5 and 17 took numbers 6 and 18: nothing below is taken.
    let mut counts = vec![0; STRIPES as usize];
    counts[5] = 1;
    counts[17] = 1;
    let a = Arrivals::new(counts);
    assert_eq!(a.dense_through(), 0);
    let c = a.catch_up(10).expect("two fans stand beyond");
    assert_eq!((c.through, c.holes), (18, 16));
    let after = filled(&a, &c.fills);
    assert_eq!(after.dense_through(), 18, "every number through 18 is now taken");
    // The next arrival on a filled stripe is numbered after them.
    assert!(number(0, after.counts[0] + 1) > 18);
    // Room for one fan: only the first, and the holes before it.
    let one = a.catch_up(1).expect("one");
    assert_eq!((one.through, one.holes), (6, 5));
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
    fn a_catch_up_lets_in_at_most_the_fans_asked_and_counts_its_holes(
        counts in proptest::collection::vec(0u64..4, 0..40),
        fans in 1u64..50,
    ) {
        let a = Arrivals::new(counts);
        let d = a.dense_through();
        match a.catch_up(fans) {
            None => prop_assert_eq!(a.highest(), d, "nobody stands beyond the dense prefix"),
            Some(c) => {
                let found = (d + 1..=c.through).filter(|n| a.is_taken(*n)).count() as u64;
                prop_assert!(found >= 1 && found <= fans);
                prop_assert!(a.is_taken(c.through), "a catch-up ends on a fan");
                prop_assert_eq!(c.holes, (c.through - d) - found);
                let after = filled(&a, &c.fills);
                prop_assert!(after.dense_through() >= c.through, "nothing below is left to take");
                prop_assert_eq!(after.taken() - a.taken(), c.holes, "the fills are exactly the holes");
                // Fewer fans asked than stand there: the next one is left for later.
                if found < fans {
                    prop_assert!((c.through + 1..=a.highest()).all(|n| !a.is_taken(n)));
                }
            }
        }
    }
}
