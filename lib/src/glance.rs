//! What a function instance read from the store lately, kept for a while so that hot items
//! are not read by every request: the sale and its line for joins and check-ins (ADR 0009),
//! the sale and the seat prices for holds (ADR 0010). Nothing decided from a glance can
//! break an invariant: every write made from one is conditional on what it assumed.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::Duration;

use crate::clock::Timestamp;

/// Values by key, each with the instant it was read.
pub struct Glances<K, V> {
    seen: Mutex<HashMap<K, (Timestamp, V)>>,
}

impl<K, V> Default for Glances<K, V> {
    fn default() -> Self {
        Self { seen: Mutex::new(HashMap::new()) }
    }
}

impl<K: Eq + Hash, V: Clone> Glances<K, V> {
    /// The value kept for `key`, if `fresh(value, its age at now)`.
    pub fn get(&self, key: &K, now: Timestamp, fresh: impl Fn(&V, Duration) -> bool) -> Option<V> {
        let seen = self.seen.lock().ok()?;
        seen.get(key).filter(|(read_at, v)| fresh(v, read_at.until(now))).map(|(_, v)| v.clone())
    }

    /// Keep `value`, read at `now`, for `key`; what is no longer fresh is dropped.
    pub fn keep(&self, key: K, value: V, now: Timestamp, fresh: impl Fn(&V, Duration) -> bool) {
        if let Ok(mut seen) = self.seen.lock() {
            seen.retain(|_, (read_at, v)| fresh(v, read_at.until(now)));
            seen.insert(key, (now, value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_glance_is_given_while_fresh_and_dropped_once_stale() {
        let glances: Glances<&str, u32> = Glances::default();
        let young = |_: &u32, age: Duration| age < Duration::from_secs(1);
        let at = |ms| Timestamp::from_millis(ms);
        assert_eq!(glances.get(&"a", at(0), young), None);
        glances.keep("a", 1, at(0), young);
        assert_eq!(glances.get(&"a", at(999), young), Some(1));
        assert_eq!(glances.get(&"a", at(1000), young), None, "too old");
        glances.keep("b", 2, at(1500), young);
        assert_eq!(glances.seen.lock().unwrap().len(), 1, "the stale glance was dropped");
        assert_eq!(glances.get(&"a", at(0), |v, _| *v == 1), None, "dropped, whatever the test");
    }
}
