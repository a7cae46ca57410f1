//! Unit tests of `seat_limit`: the slot arithmetic at the exact millisecond.

use super::*;

fn held(until: i64) -> Option<SlotUse> {
    Some(SlotUse { reservation: ReservationId::random(), until: Timestamp::from_millis(until) })
}

#[test]
fn an_empty_account_has_every_slot_free() {
    let a = AccountSeats::default();
    assert_eq!(a.free_slot(4, Timestamp::from_millis(0)), Some(0));
    assert_eq!(a.in_use_at(Timestamp::from_millis(0)), 0);
    assert_eq!(a.free_slot(0, Timestamp::from_millis(0)), None, "a limit of zero allows nothing");
}

#[test]
fn a_hold_stops_counting_at_its_expiry_instant_exactly() {
    let a = AccountSeats { slots: vec![held(1_000), held(2_000)] };
    assert_eq!(a.free_slot(2, Timestamp::from_millis(999)), None);
    assert_eq!(a.in_use_at(Timestamp::from_millis(999)), 2);
    assert_eq!(a.free_slot(2, Timestamp::from_millis(1_000)), Some(0), "free from `until` on");
    assert_eq!(a.in_use_at(Timestamp::from_millis(1_000)), 1);
}

#[test]
fn a_paid_seat_never_frees_its_slot() {
    let paid = Some(SlotUse { reservation: ReservationId::random(), until: SlotUse::FOREVER });
    let a = AccountSeats { slots: vec![paid, None, held(5)] };
    assert_eq!(a.free_slot(3, Timestamp::from_millis(i64::MAX / 4)), Some(1));
    assert_eq!(a.free_slot(1, Timestamp::from_millis(i64::MAX / 4)), None);
}

#[test]
fn only_slots_below_the_limit_are_handed_out() {
    // A limit lowered below slots already in use: nothing new until enough end.
    let a = AccountSeats { slots: vec![held(100), held(100), None, None] };
    assert_eq!(a.free_slot(2, Timestamp::from_millis(50)), None);
    assert_eq!(a.free_slot(3, Timestamp::from_millis(50)), Some(2));
}

#[test]
fn the_free_slot_is_always_free_and_below_the_limit() {
    // Exhaustive over small accounts: whatever is returned is usable, and None means full.
    for mask in 0u32..(1 << 8) {
        let slots: Vec<Option<SlotUse>> = (0..4)
            .map(|i| match (mask >> (2 * i)) & 3 {
                0 => None,
                1 => held(10),
                2 => held(20),
                _ => Some(SlotUse { reservation: ReservationId::random(), until: SlotUse::FOREVER }),
            })
            .collect();
        let a = AccountSeats { slots };
        for limit in 0..=4u8 {
            for now in [9, 10, 19, 20] {
                let now = Timestamp::from_millis(now);
                let free_below =
                    (0..usize::from(limit)).filter(|&i| a.slots[i].is_none_or(|s| s.is_free_at(now))).count();
                match a.free_slot(limit, now) {
                    Some(i) => {
                        assert!(i < limit);
                        assert!(a.slots[usize::from(i)].is_none_or(|s| s.is_free_at(now)));
                    }
                    None => assert_eq!(free_below, 0),
                }
            }
        }
    }
}
