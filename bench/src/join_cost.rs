//! `join-cost`: what the join's proof of work costs each side (docs/join-cost.md). The
//! service's side: one `join_work::check` per join, in-process (an HMAC and a SHA-256),
//! timed over many joins. The fan's side: hashes to solve a challenge at each difficulty,
//! on this machine's CPU in native code (a browser is slower: web/e2e/results/join-cost.json
//! measures Chromium), and what a farm of 10,000 accounts then pays. Prints Markdown.

use std::time::Instant;

use domain::rules::join_work::{check, solves, Challenge, Proof};
use domain::values::clock::Timestamp;
use domain::values::ids::{ConcertId, UserId};
use domain::values::signing_key::SigningKey;

const FARM: f64 = 10_000.0;

fn main() {
    let key = SigningKey::new(&[7; 32]).unwrap_or_else(|e| panic!("a key: {e}"));
    let concert = ConcertId::parse("join-cost").unwrap_or_else(|e| panic!("{e}"));
    let (user, now) = (UserId::random(), Timestamp::from_millis(1_800_000_000_000));

    // The fan's side: solve challenges at 12 to 20 bits, several each (solving is random:
    // about 2^bits hashes on average, so the mean of a few runs).
    println!("| bits | challenges solved | mean hashes | mean native solve (ms) | native hashes/s | a farm of 10,000 accounts, native (CPU-hours) |");
    println!("|---|---|---|---|---|---|");
    let mut verified = None;
    for bits in [12u8, 14, 16, 18, 20] {
        let runs = if bits >= 18 { 4 } else { 16 };
        let (mut hashes, started) = (0u64, Instant::now());
        for i in 0..runs {
            let wire = Challenge::issue(concert.clone(), user, bits, now, [i as u8; 8]).seal(&key);
            let nonce = (0..).find(|&n| solves(&wire, n, bits)).unwrap_or(0);
            hashes += nonce + 1;
            verified.get_or_insert((bits, Proof { challenge: wire, nonce }));
        }
        let secs = started.elapsed().as_secs_f64();
        let mean_hashes = hashes as f64 / runs as f64;
        let per_sec = hashes as f64 / secs;
        let farm_hours = FARM * (2f64.powi(i32::from(bits)) / per_sec) / 3600.0;
        println!(
            "| {bits} | {runs} | {mean_hashes:.0} | {:.1} | {per_sec:.0} | {farm_hours:.2} |",
            secs * 1000.0 / runs as f64
        );
    }

    // The service's side: the check of a valid proof, in-process, many times.
    let Some((bits, proof)) = verified else { return };
    let joins = 200_000u32;
    let started = Instant::now();
    for _ in 0..joins {
        if check(Some(&proof), &key, (&concert, user), bits, now).is_err() {
            panic!("a solved proof must pass");
        }
    }
    let micros = started.elapsed().as_secs_f64() * 1e6 / f64::from(joins);
    println!();
    println!("Verifying one join's proof (HMAC-SHA256 of the challenge, then one SHA-256), in-process with no database read: **{micros:.2} µs** (mean of {joins} checks, release build, one core).");
}
