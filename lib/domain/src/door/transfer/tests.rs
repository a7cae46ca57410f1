//! Unit tests of transfers: the ticket moves with its code, the receiver's seat limit
//! counts it, a decline gives it back, and nothing of it is refunded to anyone else.

use std::time::Duration;

use super::*;
use crate::booking::reservation::Gate;
use crate::rules::ticket_code::{step_of, Scan};
use crate::testkit::world::{world, World, TRANSFER_CLOSES};
use crate::values::ids::SeatNumber;
use crate::wallet::statement::EntryKind;

/// The code `user`'s app shows for ticket `id` now, if their list gives them its secret.
async fn code(w: &World, user: UserId, id: ReservationId) -> Option<String> {
    let tickets = w.tickets.tickets(user).await.unwrap();
    let secret = tickets.iter().find(|t| t.reservation.id == id)?.secret.clone()?;
    Some(Scan { ticket: id, code: secret.code_at(step_of(w.clock.now())) }.payload())
}

async fn status(w: &World, user: UserId, id: ReservationId) -> &'static str {
    w.tickets.tickets(user).await.unwrap().into_iter().find(|t| t.reservation.id == id).map_or("NONE", |t| t.status())
}

fn doors(w: &World) {
    w.clock.set(w.date.start().plus(Duration::from_secs(18 * 3600)));
}

#[tokio::test]
async fn a_passed_ticket_opens_the_door_to_its_new_holder_only() {
    let w = world().await;
    let (a, r) = w.paid(1).await;
    let b = UserId::random();
    let old_code = code(&w, a.user, r.id).await.expect("A's code");
    let moved = w.transfers.transfer(a.user, r.id, b).await.unwrap();
    assert_eq!((moved.user, moved.transferred_from), (b, Some(a.user)));
    assert_eq!((status(&w, a.user, r.id).await, status(&w, b, r.id).await), ("TRANSFERRED", "VALID"));
    assert_eq!(code(&w, a.user, r.id).await, None, "the sender is given no secret any more");
    doors(&w);
    let gate = Gate::parse("1").unwrap();
    assert_eq!(
        w.gate.scan(&old_code, gate.clone(), None).await,
        Err(Error::TicketCodeInvalid),
        "the old holder's code"
    );
    let new_code = code(&w, b, r.id).await.expect("B's code");
    assert!(w.gate.scan(&new_code, gate, None).await.is_ok());
}

#[tokio::test]
async fn the_receivers_seat_limit_counts_a_passed_ticket() {
    let w = world().await;
    let (a, r) = w.paid(1).await;
    let (c, r2) = w.paid(2).await;
    let (b, _) = w.fan().await;
    for n in 11..=13 {
        w.holds.hold(&b, w.date, SeatNumber::new(n).unwrap()).await.unwrap();
    }
    w.transfers.transfer(a.user, r.id, b.user).await.unwrap();
    let fifth = w.holds.hold(&b, w.date, SeatNumber::new(20).unwrap()).await.map(|_| ());
    assert_eq!(fifth, Err(Error::SeatLimitReached { limit: 4 }), "three holds and the passed ticket");
    let refused = w.transfers.transfer(c.user, r2.id, b.user).await.map(|_| ());
    assert_eq!(refused, Err(Error::ReceiverSeatLimitReached { limit: 4 }));
    assert_eq!(status(&w, c.user, r2.id).await, "VALID", "nothing moved");
}

#[tokio::test]
async fn a_declined_ticket_goes_back_and_a_transfer_repeated_after_a_lost_answer_is_the_same_move() {
    let w = world().await;
    let (a, r) = w.paid(3).await;
    let b = UserId::random();
    w.mem.inject("transfer", Error::Unavailable, true);
    assert_eq!(w.transfers.transfer(a.user, r.id, b).await.map(|_| ()), Err(Error::Unavailable));
    assert_eq!(w.transfers.transfer(a.user, r.id, b).await.map(|t| t.user), Ok(b), "applied once, answered now");
    assert_eq!(
        w.transfers.decline(a.user, r.id).await.map(|_| ()),
        Err(Error::NotTransferred),
        "only its holder declines"
    );
    let back = w.transfers.decline(b, r.id).await.unwrap();
    assert_eq!((back.user, back.transferred_from), (a.user, None));
    assert_eq!((status(&w, a.user, r.id).await, status(&w, b, r.id).await), ("VALID", "TRANSFERRED"));
    // A repeated decline finds nothing to give back (the lists say where the ticket is).
    assert_eq!(w.transfers.decline(b, r.id).await.map(|_| ()), Err(Error::NotTransferred));
    assert_eq!(w.transfers.decline(a.user, r.id).await.map(|_| ()), Err(Error::NotTransferred), "bought, not received");
}

#[tokio::test]
async fn transfers_close_before_the_show_and_a_passed_ticket_is_refunded_to_nobody() {
    let w = world().await;
    let (a, r) = w.paid(4).await;
    let b = UserId::random();
    w.transfers.transfer(a.user, r.id, b).await.unwrap();
    assert_eq!(w.refunds.refund(b, r.id, None).await.map(|_| ()), Err(Error::TransferredTicket));
    assert_eq!(
        w.refunds.refund(a.user, r.id, None).await.map(|_| ()),
        Err(Error::ReservationNotFound),
        "no longer A's"
    );
    w.clock.set(w.date.start().minus(TRANSFER_CLOSES));
    assert_eq!(
        w.transfers.transfer(b, r.id, UserId::random()).await.map(|_| ()),
        Err(Error::TransferClosed { hours: 3 })
    );
}

/// `user`'s statement, oldest first, as (kind, amount, reference).
async fn statement(w: &World, user: UserId) -> Vec<(EntryKind, i64, Option<String>)> {
    let page = w.wallet.statement(user, None, None).await.unwrap();
    page.entries.into_iter().rev().map(|e| (e.kind, e.amount, e.reference)).collect()
}

#[tokio::test]
async fn both_statements_show_a_transfer_and_its_decline_once_with_no_money_moved() {
    let w = world().await;
    let (a, r) = w.paid(5).await;
    let b = UserId::random();
    let before = w.wallet.balance(a.user).await.unwrap();
    w.mem.inject("transfer", Error::Unavailable, true);
    assert!(w.transfers.transfer(a.user, r.id, b).await.is_err(), "applied, answer lost");
    w.transfers.transfer(a.user, r.id, b).await.unwrap();
    w.transfers.decline(b, r.id).await.unwrap();
    let ticket = Some(r.id.to_string());
    let a_lines = statement(&w, a.user).await;
    assert_eq!(
        a_lines[a_lines.len() - 2..],
        [(EntryKind::TicketSent, 0, ticket.clone()), (EntryKind::TicketReceived, 0, ticket.clone())],
        "passed on, then given back: once each, though the transfer was sent twice"
    );
    assert_eq!(
        statement(&w, b).await,
        [(EntryKind::TicketReceived, 0, ticket.clone()), (EntryKind::TicketSent, 0, ticket)]
    );
    assert_eq!((w.wallet.balance(a.user).await.unwrap(), w.wallet.balance(b).await.unwrap().get()), (before, 0));
}

#[tokio::test]
async fn a_transfer_planned_on_a_wallet_that_moved_since_is_not_applied() {
    use crate::door::store::DoorStore;
    use crate::wallet::store::WalletStore;
    let w = world().await;
    let (a, r) = w.paid(6).await;
    let b = UserId::random();
    let ticket = w.mem.reservation(r.id).await.unwrap().unwrap();
    let seats = w.mem.account(&ticket.concert, b).await.unwrap();
    let now = w.clock.now();
    let plan = crate::rules::door::plan_transfer(&ticket, (a.user, b), (&seats, 4), now, TRANSFER_CLOSES).unwrap();
    let stale = w.mem.wallet(a.user).await.unwrap();
    w.wallet.charge(a.user, crate::values::money::Won::new(100).unwrap(), None).await.unwrap();
    let lines = plan.statement_lines((stale, w.mem.wallet(b).await.unwrap()), now);
    assert!(!w.mem.transfer(&plan, &lines, now).await.unwrap(), "the sender's wallet moved since it was read");
    assert_eq!(status(&w, a.user, r.id).await, "VALID", "nothing moved");
    assert!(statement(&w, b).await.is_empty());
    // The service reads again and moves it.
    assert_eq!(w.transfers.transfer(a.user, r.id, b).await.map(|t| t.user), Ok(b));
}
