//! The local stand-in for CloudFront's cache in front of the API. A GET whose answer says
//! `Cache-Control: public, max-age=N` is answered from here for the next N seconds, keyed
//! on its path and query alone (as template.yaml's LineStatusCachePolicy keys it). Every
//! answer that went through says which it was in `x-cache`, as CloudFront's do, and
//! `GET /dev/edge` counts hits and misses, so the bench can report what the origin saw.
//! Like CloudFront, it collapses simultaneous misses of a path it has cached before: one
//! request goes to the origin, the others wait for its answer.

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
    /// Paths whose answers were cacheable, and those with a request at the origin now.
    cacheable: Mutex<std::collections::HashSet<String>>,
    in_flight: Mutex<std::collections::HashSet<String>>,
    hits: AtomicU64,
    misses: AtomicU64,
}

/// How long a collapsed request waits for the one at the origin before going itself.
const COLLAPSE_WAIT: Duration = Duration::from_secs(5);

/// `max-age` of a `Cache-Control` that lets shared caches keep the answer.
fn shared_max_age(headers: &HeaderMap) -> Option<u64> {
    // An answer that varies with a request header (the web app's files, by
    // Accept-Encoding) is not kept: this stand-in keys on the URL alone, so it could hand a
    // brotli body to a client that cannot read it. CloudFront keys on the normalized
    // Accept-Encoding instead; locally those files are answered from disk anyway.
    if headers.contains_key(http::header::VARY) {
        return None;
    }
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

    /// A fresh kept answer for `key`, waiting for one if another request for it is at the
    /// origin; `None`: this request goes to the origin (and `store` ends its turn).
    pub async fn fetch(&self, key: &str) -> Option<(StatusCode, HeaderMap, Bytes)> {
        let until = Instant::now() + COLLAPSE_WAIT;
        loop {
            if let Some(hit) = self.lookup(key) {
                return Some(hit);
            }
            let known = self.cacheable.lock().is_ok_and(|c| c.contains(key));
            // Lead (go to the origin) unless another request for the path is there now.
            let lead = !known
                || Instant::now() >= until
                || self.in_flight.lock().map_or(true, |mut flying| flying.insert(key.to_owned()));
            if lead {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Keep the origin's answer for as long as it allows; mark it a miss either way. The
    /// request's turn at the origin ends last, once its answer can be found.
    pub fn store(&self, key: String, status: StatusCode, headers: &mut HeaderMap, body: &Bytes) {
        if let Some(age) = shared_max_age(headers) {
            self.misses.fetch_add(1, Ordering::Relaxed);
            if let Ok(mut c) = self.cacheable.lock() {
                c.insert(key.clone());
            }
            let kept = Kept {
                until: Instant::now() + Duration::from_secs(age),
                status,
                headers: headers.clone(),
                body: body.clone(),
            };
            if let Ok(mut map) = self.kept.lock() {
                map.retain(|_, k| k.until > Instant::now());
                map.insert(key.clone(), kept);
            }
            headers.insert("x-cache", HeaderValue::from_static("Miss from local-edge"));
        }
        if let Ok(mut flying) = self.in_flight.lock() {
            flying.remove(&key);
        }
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
        let mut varies = headers("public, max-age=31536000, immutable");
        varies.insert(http::header::VARY, HeaderValue::from_static("accept-encoding"));
        edge.store("/assets/app.js".into(), StatusCode::OK, &mut varies, &body);
        assert!(edge.lookup("/assets/app.js").is_none(), "an answer that varies by a request header");
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

    #[tokio::test]
    async fn simultaneous_misses_of_a_cached_path_go_to_the_origin_once() {
        let edge = std::sync::Arc::new(EdgeCache::default());
        let body = Bytes::from_static(b"{}");
        let key = "/concerts/c/line";
        // Never cached yet: nothing is known to collapse, every request goes.
        assert!(edge.fetch(key).await.is_none());
        assert!(edge.fetch(key).await.is_none());
        edge.store(key.into(), StatusCode::OK, &mut headers("public, max-age=1"), &body);
        std::thread::sleep(Duration::from_millis(1_050));
        // Stale: the first request leads, the next ones wait for its answer.
        assert!(edge.fetch(key).await.is_none(), "the leader goes to the origin");
        let waiters: Vec<_> = (0..3)
            .map(|_| {
                let edge = edge.clone();
                tokio::spawn(async move { edge.fetch(key).await })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(50)).await;
        edge.store(key.into(), StatusCode::OK, &mut headers("public, max-age=1"), &body);
        for w in waiters {
            assert!(w.await.unwrap().is_some(), "answered from the leader's answer");
        }
        assert_eq!(edge.counts()["misses"], 2, "one origin request per expiry");
        // A path whose answers are not cacheable is never held back.
        let other = "/concerts/c/dates";
        edge.store(other.into(), StatusCode::OK, &mut headers("no-store"), &body);
        assert!(edge.fetch(other).await.is_none());
        assert!(edge.fetch(other).await.is_none());
    }
}
