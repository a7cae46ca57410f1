//! Unit tests of the gate and the ticket list: a ticket lets its holder in once, a refund
//! and a check-in exclude each other, and only a good ticket's holder gets its secret.

use std::time::Duration;

use super::*;
use crate::booking::reservation::ReservationState;
use crate::line::token::Admission;
use crate::rules::ticket_code::{step_of, TicketSecret};
use crate::testkit::world::{ticket_key, world, World};
use crate::values::ids::SeatNumber;

/// What the holder's app shows now: the QR code's text.
async fn shown(w: &World, fan: &Admission, r: &Reservation) -> String {
    let tickets = w.tickets.tickets(fan.user).await.unwrap();
    let ticket = tickets.iter().find(|t| t.reservation.id == r.id).expect("the paid seat is a ticket");
    let secret = ticket.secret.clone().expect("a good ticket's holder gets its secret");
    Scan { ticket: r.id, code: secret.code_at(step_of(w.clock.now())) }.payload()
}

fn gate(name: &str) -> Gate {
    Gate::parse(name).unwrap()
}

/// Doors open: the show's day, early evening.
fn doors(w: &World) {
    w.clock.set(w.date.start().plus(Duration::from_secs(18 * 3600)));
}

#[tokio::test]
async fn a_ticket_lets_its_holder_in_once_and_says_when_and_where_after() {
    let w = world().await;
    let (fan, r) = w.paid(1).await;
    doors(&w);
    let code = shown(&w, &fan, &r).await;
    let admitted = w.gate.scan(&code, gate("3"), None).await.unwrap();
    assert_eq!(admitted.check_in, CheckIn { at: w.clock.now(), gate: gate("3") });
    let at = w.clock.now();
    w.clock.advance(Duration::from_secs(5));
    assert_eq!(
        w.gate.scan(&code, gate("1"), None).await,
        Err(Error::AlreadyCheckedIn { at: at.to_rfc3339(), gate: "3".into() }),
        "a second scan, at another gate, with the same code"
    );
    let listed = w.tickets.tickets(fan.user).await.unwrap();
    assert_eq!((listed[0].status(), listed[0].secret.is_none()), ("CHECKED_IN", true), "no code once in");
    assert!(
        matches!(w.refunds.refund(fan.user, r.id, None).await, Err(Error::AlreadyCheckedIn { .. })),
        "a ticket used at the door is not refunded"
    );
}

#[tokio::test]
async fn a_refunded_ticket_opens_no_door_and_its_holder_gets_no_code() {
    let w = world().await;
    let (fan, r) = w.paid(2).await;
    let code = shown(&w, &fan, &r).await;
    w.refunds.refund(fan.user, r.id, None).await.unwrap();
    let listed = w.tickets.tickets(fan.user).await.unwrap();
    assert_eq!((listed[0].status(), listed[0].secret.is_none()), ("VOID", true));
    doors(&w);
    assert_eq!(w.gate.scan(&code, gate("3"), None).await, Err(Error::TicketVoid));
}

#[tokio::test]
async fn a_copied_code_goes_stale_and_bad_text_is_no_ticket() {
    let w = world().await;
    let (fan, r) = w.paid(3).await;
    doors(&w);
    let code = shown(&w, &fan, &r).await;
    w.clock.advance(Duration::from_secs(60));
    assert_eq!(w.gate.scan(&code, gate("3"), None).await, Err(Error::TicketCodeInvalid), "a minute-old screenshot");
    assert_eq!(w.gate.scan("not a ticket", gate("3"), None).await, Err(Error::TicketCodeInvalid));
    let unknown = Scan { ticket: crate::values::ids::ReservationId::random(), code: "12345678".into() };
    assert_eq!(w.gate.scan(&unknown.payload(), gate("3"), None).await, Err(Error::TicketNotFound));
    let fresh = shown(&w, &fan, &r).await;
    assert!(w.gate.scan(&fresh, gate("3"), None).await.is_ok(), "the app's current code");
}

#[tokio::test]
async fn a_check_in_answered_with_an_error_is_found_done_when_scanned_again() {
    let w = world().await;
    let (fan, r) = w.paid(4).await;
    doors(&w);
    let code = shown(&w, &fan, &r).await;
    w.mem.inject("check_in", Error::Contention, false);
    assert!(w.gate.scan(&code, gate("3"), None).await.is_ok(), "a conflict is read again");
    let (fan2, r2) = w.paid(5).await;
    doors(&w);
    let code2 = shown(&w, &fan2, &r2).await;
    w.mem.inject("check_in", Error::Unavailable, true);
    assert_eq!(w.gate.scan(&code2, gate("3"), None).await, Err(Error::Unavailable));
    assert!(matches!(w.gate.scan(&code2, gate("3"), None).await, Err(Error::AlreadyCheckedIn { .. })), "applied once");
}

#[tokio::test]
async fn only_paid_seats_are_tickets_and_the_secret_is_the_holders() {
    let w = world().await;
    let (fan, r) = w.paid(6).await;
    let (other, _) = w.fan().await;
    w.holds.hold(&other, w.date, SeatNumber::new(7).unwrap()).await.unwrap();
    assert!(w.tickets.tickets(other.user).await.unwrap().is_empty(), "a hold is no ticket");
    let mine = w.tickets.tickets(fan.user).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert!(matches!(mine[0].reservation.state, ReservationState::Confirmed { .. }));
    assert_eq!(mine[0].secret, Some(TicketSecret::derive(&ticket_key(), r.id, fan.user)));
    let json = mine[0].to_json();
    assert_eq!((json["status"].as_str(), json["codeStepSeconds"].as_i64()), (Some("VALID"), Some(10)));
    assert_eq!(json["bookingNumber"].as_str().map(str::len), Some(11));
}

#[tokio::test]
async fn offline_scans_sent_later_admit_once_and_the_operator_counts_each_gate() {
    let w = world().await;
    let (fan, r) = w.paid(8).await;
    let (fan2, r2) = w.paid(9).await;
    doors(&w);
    let offline_at = w.clock.now();
    let code = shown(&w, &fan, &r).await;
    let code2 = shown(&w, &fan2, &r2).await;
    w.clock.advance(Duration::from_secs(40 * 60));
    // Gate B scanned the ticket offline, then gate C did too; B's network came back first.
    let first = w.gate.scan(&code, gate("B"), Some(offline_at)).await.unwrap();
    assert_eq!(first.check_in.at, offline_at, "recorded at the scanner's instant");
    let second = w.gate.scan(&code, gate("C"), Some(offline_at.plus(Duration::from_secs(5)))).await;
    assert_eq!(second, Err(Error::AlreadyCheckedIn { at: offline_at.to_rfc3339(), gate: "B".into() }));
    assert_eq!(w.gate.scan(&code2, gate("C"), None).await, Err(Error::TicketCodeInvalid), "live: the old code");
    w.gate.scan(&code2, gate("C"), Some(offline_at)).await.unwrap();
    let numbers = w.operator.numbers(&w.concert).await.unwrap();
    assert_eq!(numbers.check_ins, vec![("B".to_owned(), 1), ("C".to_owned(), 1)]);
}

#[tokio::test]
async fn staff_may_type_the_booking_number_and_the_code_under_the_qr_code() {
    let w = world().await;
    let (fan, r) = w.paid(10).await;
    doors(&w);
    let tickets = w.tickets.tickets(fan.user).await.unwrap();
    let secret = tickets[0].secret.clone().unwrap();
    let typed =
        format!("{} {}", crate::rules::ticket_code::booking_number(r.id), secret.code_at(step_of(w.clock.now())));
    let admitted = w.gate.scan(&typed, gate("2"), None).await.unwrap();
    assert_eq!(admitted.ticket.id, r.id);
    assert_eq!(
        w.gate.scan("00000-00000 12345678", gate("2"), None).await,
        Err(Error::TicketNotFound),
        "no such booking"
    );
}
