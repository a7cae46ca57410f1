//! Unit tests of the ticket code, against the vectors docs/tickets.md publishes.

use super::*;

fn key() -> SigningKey {
    SigningKey::new(b"0123456789abcdef0123456789abcdef").unwrap()
}

fn ticket() -> ReservationId {
    ReservationId::parse("6f1c2b9e-3d4a-4c5b-9e8f-0a1b2c3d4e5f").unwrap()
}

fn holder() -> UserId {
    UserId::parse("11111111-2222-4333-8444-555555555555").unwrap()
}

#[test]
fn the_published_vectors_hold() {
    let secret = TicketSecret::derive(&key(), ticket(), holder());
    assert_eq!(secret.to_hex(), VECTOR_SECRET);
    for (step, code) in VECTOR_CODES {
        assert_eq!(secret.code_at(step), code, "step {step}");
    }
    assert_eq!(booking_number(ticket()), VECTOR_BOOKING);
}

/// The vectors of docs/tickets.md (key = the 32 ASCII bytes "0123456789abcdef" twice),
/// computed independently with Python's hmac and hashlib (the script is in the doc).
const VECTOR_SECRET: &str = "fc5876ba67b94e308f07b095e953645b07c0dbf6a3d2217da4e0d0d8bd626041";
const VECTOR_CODES: [(i64, &str); 3] = [(0, "98494366"), (1, "42124858"), (179_000_000, "86776490")];
const VECTOR_BOOKING: &str = "JR3AZ-JVSDA";

#[test]
fn a_code_is_accepted_one_step_either_side_and_not_beyond() {
    let secret = TicketSecret::derive(&key(), ticket(), holder());
    let now = Timestamp::from_millis(1_790_000_005_000);
    let step = step_of(now);
    for near in [step - 1, step, step + 1] {
        assert!(secret.accepts(&secret.code_at(near), now), "step {near}");
    }
    for far in [step - 2, step + 2, step - 100] {
        assert!(!secret.accepts(&secret.code_at(far), now), "step {far}");
    }
    assert!(!secret.accepts("", now));
    assert!(!secret.accepts(&format!("{}0", secret.code_at(step)), now), "a longer code");
}

#[test]
fn a_new_holder_or_another_key_gives_another_secret() {
    let secret = TicketSecret::derive(&key(), ticket(), holder());
    assert_ne!(secret, TicketSecret::derive(&key(), ticket(), UserId::random()));
    let other = SigningKey::new(b"another key of thirty-two bytes!").unwrap();
    assert_ne!(secret, TicketSecret::derive(&other, ticket(), holder()));
    assert_eq!(TicketSecret::from_hex(&secret.to_hex()), Some(secret));
    assert_eq!(TicketSecret::from_hex("abcd"), None, "32 bytes exactly");
}

#[test]
fn codes_are_eight_digits_and_change_every_step() {
    let secret = TicketSecret::derive(&key(), ticket(), holder());
    let codes: Vec<String> = (0..50).map(|s| secret.code_at(s)).collect();
    assert!(codes.iter().all(|c| c.len() == 8 && c.bytes().all(|b| b.is_ascii_digit())));
    let distinct: std::collections::HashSet<&String> = codes.iter().collect();
    assert!(distinct.len() >= 49, "a code repeats by chance one time in 10^8");
    assert_eq!(step_of(Timestamp::from_millis(9_999)), 0);
    assert_eq!(step_of(Timestamp::from_millis(10_000)), 1);
}

#[test]
fn a_scan_reads_only_a_well_formed_payload() {
    let scan = Scan { ticket: ticket(), code: "01234567".into() };
    assert_eq!(scan.payload(), format!("TK1.{}.01234567", ticket()));
    assert_eq!(Scan::parse(&format!("  {}\n", scan.payload())), Ok(scan));
    for bad in [
        String::new(),
        format!("TK2.{}.01234567", ticket()),
        format!("TK1.{}.0123456", ticket()),
        format!("TK1.{}.0123456a", ticket()),
        "TK1.not-a-uuid.01234567".into(),
        format!("TK1.{}.01234567.extra", ticket()),
    ] {
        assert_eq!(Scan::parse(&bad), Err(Error::TicketCodeInvalid), "{bad:?}");
    }
}

#[test]
fn a_booking_number_is_ten_unambiguous_characters() {
    let number = booking_number(ticket());
    assert_eq!(number.len(), 11);
    assert_eq!(&number[5..6], "-");
    assert!(number.chars().filter(|c| *c != '-').all(|c| CROCKFORD.contains(&(c as u8))));
    assert!(!number.contains(['I', 'L', 'O', 'U']));
    assert_ne!(booking_number(ReservationId::random()), number);
}

#[test]
fn staff_may_type_the_booking_number_and_the_code_instead() {
    let typed = Presented::Typed { booking: "JR3AZ-JVSDA".into(), code: "98494366".into() };
    for raw in ["JR3AZ-JVSDA 98494366", "jr3az-jvsda98494366", " JR3AZJVSDA 9849 4366 "] {
        assert_eq!(Presented::parse(raw), Ok(typed.clone()), "{raw:?}");
    }
    let scan = Scan { ticket: ticket(), code: "01234567".into() };
    assert_eq!(Presented::parse(&scan.payload()), Ok(Presented::Scanned(scan)));
    for bad in ["JR3AZ-JVSD 98494366", "JR3AZ-JVSDU 98494366", "JR3AZ-JVSDA 9849436", "", "TK1.nope.12345678"] {
        assert_eq!(Presented::parse(bad), Err(Error::TicketCodeInvalid), "{bad:?}");
    }
}
