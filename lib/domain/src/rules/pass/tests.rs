use super::*;

fn key() -> PassKey {
    PassKey::new(b"a test key of thirty-two bytes!!").expect("key")
}

fn pass() -> Pass {
    Pass {
        token: TokenId::random(),
        user: UserId::random(),
        concert: ConcertId::parse("aurora-2026").expect("id"),
        active_until: Timestamp::from_millis(1_800_000_600_000),
        expires: Timestamp::from_millis(1_800_000_300_000),
    }
}

#[test]
fn the_mac_is_hmac_sha256() {
    // RFC 4231, test case 6: a key longer than SHA-256's block.
    let key = PassKey::new(&[0xaa; 131]).expect("key");
    let tag = key.mac("Test Using Larger Than Block-Size Key - Hash Key First").finalize().into_bytes();
    assert_eq!(crate::values::hex::encode(&tag), "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

#[test]
fn a_sealed_pass_opens_to_what_it_says() {
    let p = pass();
    let raw = p.seal(&key());
    assert!(raw.starts_with("v1.") && raw.is_ascii() && !raw.contains(' '));
    assert_eq!(Pass::open(&raw, &key()), Ok(p));
}

#[test]
fn changing_any_character_breaks_the_seal() {
    let raw = pass().seal(&key());
    for i in 0..raw.len() {
        let mut bytes = raw.clone().into_bytes();
        bytes[i] = if bytes[i] == b'1' { b'2' } else { b'1' };
        let tampered = String::from_utf8(bytes).expect("ascii");
        assert_eq!(Pass::open(&tampered, &key()), Err(Error::TokenInvalid), "character {i} changed: {tampered}");
    }
}

#[test]
fn a_longer_stay_written_into_the_pass_is_refused() {
    let p = pass();
    let raw = p.seal(&key());
    let forged = raw.replace(&p.expires.millis().to_string(), &(p.expires.millis() + 3_600_000).to_string());
    assert_ne!(forged, raw);
    assert_eq!(Pass::open(&forged, &key()), Err(Error::TokenInvalid));
}

#[test]
fn a_pass_signed_with_another_key_is_refused() {
    let other = PassKey::new(b"another key, also thirty-two b!!").expect("key");
    assert_eq!(Pass::open(&pass().seal(&other), &key()), Err(Error::TokenInvalid));
}

#[test]
fn malformed_passes_are_refused() {
    for raw in ["", ".", "v1", "v1.x.y", "not a pass", "v1....1.2.zz", &format!("v2{}", &pass().seal(&key())[2..])] {
        assert_eq!(Pass::open(raw, &key()), Err(Error::TokenInvalid), "{raw:?}");
    }
}

#[test]
fn a_short_key_is_refused() {
    assert!(PassKey::new(b"too short").is_err());
    assert!(!format!("{:?}", key()).contains("thirty"), "the key never shows in logs");
}
