//! What a function instance read from the store lately, kept for a while so that hot items
//! are not read by every request: the sale and its line for joins and check-ins (ADR 0009),
//! the sale and the seat prices for holds (ADR 0010). Nothing decided from a glance can
//! break an invariant: every write made from one is conditional on what it assumed.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::Duration;

use crate::values::clock::Timestamp;

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

    /// The value kept for `key` while `fresh`, else what `read` gives, kept when `keep(&it)`
    /// says so. The flag: whether the value is the kept glance (no round trip was made).
    pub async fn get_or_read<E>(
        &self,
        key: &K,
        now: Timestamp,
        fresh: impl Fn(&V, Duration) -> bool,
        keep: impl FnOnce(&V) -> bool,
        read: impl Future<Output = Result<V, E>>,
    ) -> Result<(V, bool), E>
    where
        K: Clone,
    {
        if let Some(kept) = self.get(key, now, &fresh) {
            return Ok((kept, true));
        }
        let value = read.await?;
        if keep(&value) {
            self.keep(key.clone(), value.clone(), now, fresh);
        }
        Ok((value, false))
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

    #[tokio::test]
    async fn get_or_read_reads_once_while_fresh_and_keeps_only_what_it_is_told_to() {
        let glances: Glances<&str, u32> = Glances::default();
        let young = |_: &u32, age: Duration| age < Duration::from_secs(1);
        let at = |ms| Timestamp::from_millis(ms);
        let read = |v: u32| async move { Ok::<_, ()>(v) };
        assert_eq!(glances.get_or_read(&"a", at(0), young, |_| true, read(1)).await, Ok((1, false)));
        assert_eq!(glances.get_or_read(&"a", at(500), young, |_| true, read(2)).await, Ok((1, true)), "kept");
        assert_eq!(glances.get_or_read(&"a", at(1000), young, |_| true, read(3)).await, Ok((3, false)), "stale");
        assert_eq!(glances.get_or_read(&"b", at(1000), young, |v| *v > 10, read(4)).await, Ok((4, false)));
        assert_eq!(glances.get(&"b", at(1000), young), None, "not kept: keep said no");
        let failed = glances.get_or_read(&"c", at(1000), young, |_| true, async { Err::<u32, _>(()) }).await;
        assert_eq!((failed, glances.get(&"c", at(1000), young)), (Err(()), None), "a failed read keeps nothing");
    }
}
