//! The fair start: the random order in which the pre-queue cohort is placed when a sale opens.
//!
//! Drawing must cost one write however large the cohort, so nothing is shuffled or stored per
//! fan: a [`Draw`] seals only the cohort size N and a secret 16-byte seed, and each fan's place
//! is computed on read by a keyed pseudorandom permutation of their pre-queue index over
//! [0, N) (a 12-round Feistel network with cycle-walking, round function SHA-256). Publishing
//! the seed after the sale lets anyone recompute every place; `docs/fair-start.md` specifies
//! the algorithm byte for byte.

use sha2::{Digest, Sha256};

/// Feistel rounds. Luby–Rackoff's four (or six) rounds are about large halves; on the smallest
/// domains (1- and 2-bit halves) few rounds leave the order measurably unfair even with an ideal
/// round function: with 6 rounds the last of 5 fans keeps the last place 8% more often than a
/// fair draw would. Each two more rounds cut that bias about fourfold; 12 leave under 0.2% (see
/// `docs/fair-start.md`). Changing it changes every draw, including those already published.
const ROUNDS: u8 = 12;

/// How a published draw names its algorithm.
pub const ALGORITHM: &str = "feistel-sha256, 12 rounds, cycle-walking (docs/fair-start.md)";

/// The draw's commitment: SHA-256 of the seed's 16 bytes, as 64 lowercase hex digits.
/// Published from the sale's first admitter tick, long before the pre-queue closes, and
/// the seed itself once the sale is over: anyone can check that the seed was fixed before
/// the cohort was known (docs/fair-start.md, "Checking the commitment").
pub fn commitment(seed: &[u8; 16]) -> String {
    crate::values::hex::encode(&Sha256::digest(seed))
}

/// A sealed draw: the cohort size and the secret seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Draw {
    pub cohort: u64,
    pub seed: [u8; 16],
}

impl Draw {
    /// The place (0-based) of pre-queue index `index` (< cohort); None if out of range.
    pub fn place_of(&self, index: u64) -> Option<u64> {
        let network = self.network_for(index)?;
        Some(network.walk(index, Feistel::forward))
    }

    /// The pre-queue index at place `place` (< cohort); None if out of range.
    pub fn index_at(&self, place: u64) -> Option<u64> {
        let network = self.network_for(place)?;
        Some(network.walk(place, Feistel::backward))
    }

    /// The seed as 32 lowercase hex characters (how it is published), and back.
    pub fn seed_hex(&self) -> String {
        crate::values::hex::encode(&self.seed)
    }

    /// Exactly 32 hex digits (either case, nothing around them); anything else is None.
    pub fn parse_seed_hex(hex: &str) -> Option<[u8; 16]> {
        crate::values::hex::decode(hex)?.try_into().ok()
    }

    /// The network for this cohort, if `value` is inside it (which also rules out N = 0).
    fn network_for(&self, value: u64) -> Option<Feistel<'_>> {
        (value < self.cohort).then(|| Feistel::for_cohort(self.cohort, &self.seed))
    }
}

/// A balanced Feistel network on 2h-bit values, keyed by the seed.
struct Feistel<'a> {
    seed: &'a [u8; 16],
    cohort: u64,
    /// Bits in each half; 1..=32, so a whole value (2h bits) always fits in a u64.
    half_bits: u32,
    half_mask: u64,
}

impl<'a> Feistel<'a> {
    /// `cohort` >= 1. The domain 2^(2h) is the smallest power of four >= max(N, 2), hence < 4N
    /// for N >= 2 (and 4 for N = 1), which bounds the expected cycle walk below 4 steps.
    fn for_cohort(cohort: u64, seed: &'a [u8; 16]) -> Self {
        // ceil(log2 N) for N >= 1; at most 64.
        let bits = u64::BITS - (cohort - 1).leading_zeros();
        let half_bits = bits.div_ceil(2).max(1);
        let half_mask = u64::MAX >> (u64::BITS - half_bits);
        Feistel { seed, cohort, half_bits, half_mask }
    }

    /// Cycle-walking: apply `step` until the value lands back inside [0, N). `step` is a
    /// bijection on the domain, so the walk from a value inside [0, N) returns inside it
    /// before it could revisit its start; walking with the inverse undoes it exactly.
    fn walk(&self, start: u64, step: fn(&Self, u64) -> u64) -> u64 {
        // From outside [0, N) the walk may never come back (N = 0 never does): fail loudly.
        debug_assert!(start < self.cohort, "cycle-walking from {start}, outside a cohort of {}", self.cohort);
        let mut value = step(self, start);
        while value >= self.cohort {
            value = step(self, value);
        }
        value
    }

    fn forward(&self, value: u64) -> u64 {
        let (mut left, mut right) = self.split(value);
        for round in 0..ROUNDS {
            (left, right) = (right, left ^ self.round_function(round, right));
        }
        self.join(left, right)
    }

    fn backward(&self, value: u64) -> u64 {
        let (mut left, mut right) = self.split(value);
        for round in (0..ROUNDS).rev() {
            (left, right) = (right ^ self.round_function(round, left), left);
        }
        self.join(left, right)
    }

    fn split(&self, value: u64) -> (u64, u64) {
        // half_bits <= 32, so the shift is in range.
        ((value >> self.half_bits) & self.half_mask, value & self.half_mask)
    }

    fn join(&self, left: u64, right: u64) -> u64 {
        (left << self.half_bits) | right
    }

    /// F(round, right) = first 8 bytes (big-endian) of SHA-256(seed || round || right as u64 BE),
    /// masked to h bits.
    fn round_function(&self, round: u8, right: u64) -> u64 {
        let mut message = [0u8; 25];
        message[..16].copy_from_slice(self.seed);
        message[16] = round;
        message[17..].copy_from_slice(&right.to_be_bytes());
        let digest = Sha256::digest(message);
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        u64::from_be_bytes(first) & self.half_mask
    }
}

#[cfg(test)]
mod tests;
