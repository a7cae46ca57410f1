//! The per-account seat limit. An account's share of a concert is a fixed row of N slots
//! (N = the concert's limit); a hold takes a free slot in the same transaction that takes
//! the seat, conditioned on that slot being free *at this instant*, so the limit holds
//! under any concurrency without a read-then-check, and a hold's slot frees itself at the
//! hold's expiry with no cleanup. Payment makes the slot permanent; cancelling frees it.

use crate::values::clock::Timestamp;
use crate::values::ids::ReservationId;

/// What occupies one slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotUse {
    pub reservation: ReservationId,
    /// The slot is free from this instant on; a paid seat's never comes.
    pub until: Timestamp,
}

impl SlotUse {
    /// A paid seat occupies its slot for good.
    pub const FOREVER: Timestamp = Timestamp::from_millis(i64::MAX / 2);

    pub fn is_free_at(&self, now: Timestamp) -> bool {
        self.until <= now
    }
}

/// The slots of one account for one concert, by index (`None`: never used).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountSeats {
    pub slots: Vec<Option<SlotUse>>,
}

impl AccountSeats {
    /// Seats held (unexpired) or owned at `now`.
    pub fn in_use_at(&self, now: Timestamp) -> usize {
        self.slots.iter().flatten().filter(|s| !s.is_free_at(now)).count()
    }

    /// The lowest slot below `limit` that is free at `now`, if any.
    pub fn free_slot(&self, limit: u8, now: Timestamp) -> Option<u8> {
        self.free_slots(limit, now).next()
    }

    /// The slots below `limit` free at `now`, lowest first.
    pub fn free_slots(&self, limit: u8, now: Timestamp) -> impl Iterator<Item = u8> + '_ {
        (0..limit).filter(move |&i| self.slots.get(usize::from(i)).copied().flatten().is_none_or(|s| s.is_free_at(now)))
    }
}

#[cfg(test)]
mod tests;
