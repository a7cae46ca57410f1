//! A cost for bots: a join may have to carry a proof of work. The service hands the fan a
//! challenge signed with the admission key (for this fan, this concert, this difficulty,
//! a few minutes), the fan's browser finds a `nonce` such that
//! `SHA-256(challenge + "." + nonce)` starts with `bits` zero bits (about 2^bits hashes),
//! and the join checks it in-process: one HMAC and one hash, no database read. One
//! account pays about a second on a phone; a farm of 10,000 accounts pays 10,000 times
//! that (docs/join-cost.md).
//!
//! Reuse: a challenge names its fan and concert and lasts `CHALLENGE_LIFETIME`, so a
//! solution works for nobody else, and the same fan's repeat finds their live token (a
//! join of a fan already in line is answered with their token, costing nothing more).

use std::time::Duration;

use hmac::Mac;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::values::clock::Timestamp;
use crate::values::ids::{ConcertId, UserId};
use crate::values::signing_key::SigningKey;

const VERSION: &str = "w1";
/// The most bits an operator may ask for: 2^24 hashes is already about 10 s on a laptop.
pub const MAX_BITS: u8 = 24;
/// How long a challenge may be solved and used.
pub const CHALLENGE_LIFETIME: Duration = Duration::from_secs(300);

/// What a challenge says: who must solve it, for which sale, how hard, until when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    pub concert: ConcertId,
    pub user: UserId,
    pub bits: u8,
    pub expires: Timestamp,
    /// Random, so that no two challenges are alike (no solution computed in advance).
    pub salt: [u8; 8],
}

impl Challenge {
    pub fn issue(concert: ConcertId, user: UserId, bits: u8, now: Timestamp, salt: [u8; 8]) -> Self {
        Self { concert, user, bits, expires: now.plus(CHALLENGE_LIFETIME), salt }
    }

    /// The signed wire form the fan solves and sends back.
    pub fn seal(&self, key: &SigningKey) -> String {
        let body = format!(
            "{VERSION}.{}.{}.{}.{}.{}",
            self.concert.as_str(),
            self.user,
            self.bits,
            self.expires.millis(),
            crate::values::hex::encode(&self.salt)
        );
        let tag = key.mac(&format!("join-work|{body}")).finalize().into_bytes();
        format!("{body}.{}", crate::values::hex::encode(&tag))
    }

    /// The challenge a wire form carries if `key` signed exactly it (constant time);
    /// PROOF_OF_WORK_INVALID for anything else.
    pub fn open(raw: &str, key: &SigningKey) -> Result<Self> {
        let (body, tag) = raw.rsplit_once('.').ok_or(Error::WorkInvalid)?;
        let tag = crate::values::hex::decode(tag).ok_or(Error::WorkInvalid)?;
        key.mac(&format!("join-work|{body}")).verify_slice(&tag).map_err(|_| Error::WorkInvalid)?;
        let fields: Vec<&str> = body.split('.').collect();
        let [VERSION, concert, user, bits, expires, salt] = fields.as_slice() else { return Err(Error::WorkInvalid) };
        let salt = crate::values::hex::decode(salt).and_then(|s| s.try_into().ok()).ok_or(Error::WorkInvalid)?;
        Ok(Self {
            concert: ConcertId::parse(concert).map_err(|_| Error::WorkInvalid)?,
            user: UserId::parse(user).map_err(|_| Error::WorkInvalid)?,
            bits: bits.parse().map_err(|_| Error::WorkInvalid)?,
            expires: Timestamp::from_millis(expires.parse().map_err(|_| Error::WorkInvalid)?),
            salt,
        })
    }
}

/// Zero bits at the start of `digest`.
pub fn leading_zero_bits(digest: &[u8]) -> u32 {
    let mut bits = 0;
    for byte in digest {
        if *byte == 0 {
            bits += 8;
        } else {
            return bits + byte.leading_zeros();
        }
    }
    bits
}

/// Whether `nonce` solves the challenge's wire form at `bits`.
pub fn solves(challenge: &str, nonce: u64, bits: u8) -> bool {
    leading_zero_bits(&Sha256::digest(format!("{challenge}.{nonce}"))) >= u32::from(bits)
}

/// A join's proof: the challenge as handed out and the nonce found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proof {
    pub challenge: String,
    pub nonce: u64,
}

/// Whether `proof` lets `user` join `concert` at `now` when the sale asks `required` bits:
/// signed by the service, for them, for this sale, unexpired, at least as hard as asked
/// now, and solved.
pub fn check(
    proof: Option<&Proof>,
    key: &SigningKey,
    (concert, user): (&ConcertId, UserId),
    required: u8,
    now: Timestamp,
) -> Result<()> {
    if required == 0 {
        return Ok(());
    }
    let proof = proof.ok_or(Error::WorkRequired { bits: required })?;
    let c = Challenge::open(&proof.challenge, key)?;
    if &c.concert != concert || c.user != user || now >= c.expires || c.bits < required {
        return Err(Error::WorkInvalid);
    }
    if !solves(&proof.challenge, proof.nonce, c.bits) {
        return Err(Error::WorkInvalid);
    }
    Ok(())
}

#[cfg(test)]
mod tests;
