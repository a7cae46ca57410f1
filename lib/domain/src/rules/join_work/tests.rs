//! Unit tests of the join's proof of work: the wire form, what a solution is, and every
//! way a proof is refused.

use super::*;

fn key() -> SigningKey {
    SigningKey::new(&[9; 32]).unwrap()
}

fn concert() -> ConcertId {
    ConcertId::parse("winter-gala").unwrap()
}

/// The first nonce that solves `challenge` at `bits` (what the fan's browser does).
fn solve(challenge: &str, bits: u8) -> u64 {
    (0..).find(|&n| solves(challenge, n, bits)).unwrap()
}

#[test]
fn leading_zero_bits_count_across_bytes() {
    assert_eq!(leading_zero_bits(&[0x80]), 0);
    assert_eq!(leading_zero_bits(&[0x00, 0x10]), 11);
    assert_eq!(leading_zero_bits(&[0x00, 0x00, 0x01]), 23);
    assert_eq!(leading_zero_bits(&[0, 0]), 16);
}

#[test]
fn a_solution_is_a_nonce_whose_hash_starts_with_the_bits_asked() {
    // docs/join-cost.md's check value: SHA-256("w1-example.0") and on, at 8 bits.
    let nonce = solve("w1-example", 8);
    assert_eq!(nonce, 45, "computed independently with Python's hashlib");
    assert!((0..nonce).all(|n| !solves("w1-example", n, 8)), "the first one");
    assert!(solves("w1-example", 0, 0), "0 bits: anything solves");
}

#[test]
fn a_solved_challenge_for_this_fan_and_sale_lets_them_join_and_nothing_else_does() {
    let (user, now) = (UserId::random(), Timestamp::from_millis(1_000_000));
    let wire = Challenge::issue(concert(), user, 10, now, [1; 8]).seal(&key());
    let proof = Proof { challenge: wire.clone(), nonce: solve(&wire, 10) };
    assert_eq!(check(Some(&proof), &key(), (&concert(), user), 10, now), Ok(()));
    assert_eq!(check(Some(&proof), &key(), (&concert(), user), 8, now), Ok(()), "harder than asked is fine");
    assert_eq!(check(None, &key(), (&concert(), user), 0, now), Ok(()), "a sale that asks nothing");
    assert_eq!(check(None, &key(), (&concert(), user), 10, now), Err(Error::WorkRequired { bits: 10 }));
    let refused = |p: &Proof, who: UserId, sale: &ConcertId, bits: u8, at: Timestamp| {
        check(Some(p), &key(), (sale, who), bits, at) == Err(Error::WorkInvalid)
    };
    assert!(refused(&proof, UserId::random(), &concert(), 10, now), "another fan's solution");
    assert!(refused(&proof, user, &ConcertId::parse("other").unwrap(), 10, now), "another sale's");
    assert!(refused(&proof, user, &concert(), 12, now), "easier than the sale asks now");
    assert!(refused(&proof, user, &concert(), 10, now.plus(CHALLENGE_LIFETIME)), "expired");
    let unsolved = Proof { nonce: (0..).find(|&n| !solves(&wire, n, 10)).unwrap(), ..proof.clone() };
    assert!(refused(&unsolved, user, &concert(), 10, now), "a wrong nonce");
    let forged = Proof { challenge: wire.replacen(".10.", ".1.", 1), nonce: proof.nonce };
    assert!(refused(&forged, user, &concert(), 1, now), "bits lowered by the client: the signature breaks");
    let other_key = SigningKey::new(&[8; 32]).unwrap();
    assert_eq!(check(Some(&proof), &other_key, (&concert(), user), 10, now), Err(Error::WorkInvalid));
    assert!(refused(&Proof { challenge: "garbage".into(), nonce: 1 }, user, &concert(), 10, now));
}

#[test]
fn a_challenge_reads_back_as_issued() {
    let c = Challenge::issue(concert(), UserId::random(), 16, Timestamp::from_millis(5), [7; 8]);
    assert_eq!(Challenge::open(&c.seal(&key()), &key()), Ok(c));
}
