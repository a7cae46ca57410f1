//! The local stand-in for CloudFront's cache in front of the API. A GET whose answer says
//! `Cache-Control: public, max-age=N` is answered from here for the next N seconds, keyed
//! on its path and query alone (as template.yaml's LineStatusCachePolicy keys it). Every
//! answer that went through says which it was in `x-cache`, as CloudFront's do, and
//! `GET /dev/edge` counts hits and misses, so the bench can report what the origin saw.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use http::{HeaderMap, HeaderValue, StatusCode};
use hyper::body::Bytes;

#[derive(Clone)]
struct Kept {
    until: Instant,
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

#[derive(Default)]
pub struct EdgeCache {
    kept: Mutex<HashMap<String, Kept>>,
    hits: AtomicU64,
    misses: AtomicU64,
}

/// `max-age` of a `Cache-Control` that lets shared caches keep the answer.
fn shared_max_age(headers: &HeaderMap) -> Option<u64> {
    let value = headers.get(http::header::CACHE_CONTROL)?.to_str().ok()?;
    let parts: Vec<&str> = value.split(',').map(str::trim).collect();
    if !parts.contains(&"public") {
        return None;
    }
    parts.iter().find_map(|p| p.strip_prefix("max-age=")?.parse().ok()).filter(|s| *s > 0)
}

impl EdgeCache {
    /// A kept answer for `key`, if one is still fresh.
    pub fn lookup(&self, key: &str) -> Option<(StatusCode, HeaderMap, Bytes)> {
        let kept = self.kept.lock().ok()?.get(key).filter(|k| k.until > Instant::now()).cloned()?;
        self.hits.fetch_add(1, Ordering::Relaxed);
        let mut headers = kept.headers;
        headers.insert("x-cache", HeaderValue::from_static("Hit from local-edge"));
        Some((kept.status, headers, kept.body))
    }

    /// Keep the origin's answer for as long as it allows; mark it a miss either way.
    pub fn store(&self, key: String, status: StatusCode, headers: &mut HeaderMap, body: &Bytes) {
        let Some(age) = shared_max_age(headers) else { return };
        self.misses.fetch_add(1, Ordering::Relaxed);
        let kept = Kept {
            until: Instant::now() + Duration::from_secs(age),
            status,
            headers: headers.clone(),
            body: body.clone(),
        };
        if let Ok(mut map) = self.kept.lock() {
            map.retain(|_, k| k.until > Instant::now());
            map.insert(key, kept);
        }
        headers.insert("x-cache", HeaderValue::from_static("Miss from local-edge"));
    }

    pub fn counts(&self) -> serde_json::Value {
        serde_json::json!({
            "hits": self.hits.load(Ordering::Relaxed),
            "misses": self.misses.load(Ordering::Relaxed),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(cache_control: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(http::header::CACHE_CONTROL, HeaderValue::from_str(cache_control).unwrap());
        h
    }

    #[test]
    fn only_public_answers_with_a_max_age_are_kept_and_only_that_long() {
        let edge = EdgeCache::default();
        let body = Bytes::from_static(b"{}");
        for private in ["no-store", "private, max-age=5", "public, max-age=0", "public"] {
            edge.store("/p".into(), StatusCode::OK, &mut headers(private), &body);
            assert!(edge.lookup("/p").is_none(), "{private}");
        }
        let mut h = headers("public, max-age=1");
        edge.store("/concerts/c/line".into(), StatusCode::OK, &mut h, &body);
        assert_eq!(h["x-cache"], "Miss from local-edge");
        let (status, hit, got) = edge.lookup("/concerts/c/line").expect("kept");
        assert_eq!((status, hit["x-cache"].to_str().unwrap(), got), (StatusCode::OK, "Hit from local-edge", body));
        assert!(edge.lookup("/concerts/other/line").is_none(), "keyed on the path");
        assert_eq!(edge.counts(), serde_json::json!({ "hits": 1, "misses": 1 }));
        std::thread::sleep(Duration::from_millis(1_050));
        assert!(edge.lookup("/concerts/c/line").is_none(), "stale after max-age");
    }
}
