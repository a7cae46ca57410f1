//! Whether a ticket lets its holder in: the gate's rule, pure (docs/tickets.md).

use std::time::Duration;

use crate::booking::reservation::{CheckIn, Gate, Reservation, ReservationState};
use crate::error::{Error, Result};
use crate::rules::seat_limit::AccountSeats;
use crate::rules::ticket_code::{Scan, TicketSecret};
use crate::values::clock::Timestamp;
use crate::values::ids::UserId;
use crate::values::signing_key::SigningKey;
use crate::wallet::statement::{EntryKind, Wallet, WalletLine};

/// How long before its date's (UTC) day starts and after it ends a ticket opens the door:
/// doors open hours before a show, in the venue's own time zone.
pub const DOORS_AROUND_THE_DAY: Duration = Duration::from_secs(12 * 3600);

/// The check-in `scan` of `ticket` at `gate` makes at `now`, or why not, in the order a
/// gate's staff can act on: not a ticket, given up, already in, another day, a bad code.
pub fn admits(ticket: &Reservation, scan: &Scan, key: &SigningKey, now: Timestamp, gate: Gate) -> Result<CheckIn> {
    match ticket.state {
        ReservationState::Confirmed { .. } => {}
        ReservationState::Cancelled => return Err(Error::TicketVoid),
        ReservationState::Held | ReservationState::Expired => return Err(Error::TicketNotFound),
    }
    if let Some(done) = &ticket.checked_in {
        return Err(Error::AlreadyCheckedIn { at: done.at.to_rfc3339(), gate: done.gate.as_str().to_owned() });
    }
    let opens = ticket.date.start().minus(DOORS_AROUND_THE_DAY);
    let closes = ticket.date.end().plus(DOORS_AROUND_THE_DAY);
    if now < opens || now >= closes {
        return Err(Error::TicketWrongDate { date: ticket.date.to_string() });
    }
    if !TicketSecret::derive(key, ticket.id, ticket.user).accepts(&scan.code, now) {
        return Err(Error::TicketCodeInvalid);
    }
    Ok(CheckIn { at: now, gate })
}

/// How late an offline scanner's scan is still taken when its network comes back.
pub const OFFLINE_SCANS_KEPT: Duration = Duration::from_secs(12 * 3600);
/// How far ahead of the service's clock a scanner's clock may run.
const SCANNER_CLOCK_AHEAD: Duration = Duration::from_secs(60);

/// The instant a scan is judged at: now for a live scan; for one a scanner made offline
/// and sends once its network is back, the instant it recorded (its code was current
/// then), within the last `OFFLINE_SCANS_KEPT`.
pub fn scan_instant(scanned_at: Option<Timestamp>, now: Timestamp) -> Result<Timestamp> {
    match scanned_at {
        None => Ok(now),
        Some(t) if t > now.plus(SCANNER_CLOCK_AHEAD) => {
            Err(Error::InvalidInput("scannedAt is ahead of the service's clock".into()))
        }
        Some(t) if t < now.minus(OFFLINE_SCANS_KEPT) => {
            Err(Error::InvalidInput("scannedAt is more than 12 hours old: such a scan is no longer taken".into()))
        }
        Some(t) => Ok(t),
    }
}

/// A ticket passed from one holder to another: the receiver's free slot it takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferPlan {
    pub ticket: Reservation,
    pub to: UserId,
    /// The receiver's account slot (below the concert's seat limit, free now).
    pub slot: u8,
    /// Given back to who passed it (a decline): the new holder keeps no `transferred_from`.
    pub returning: bool,
}

/// `from` passes `ticket` to `to` at `now`, or why not: it must be `from`'s paid ticket,
/// not yet used, before transfers close, and the receiver must have room under the
/// concert's seat limit (`receiver`'s slots).
pub fn plan_transfer(
    ticket: &Reservation,
    (from, to): (UserId, UserId),
    (receiver, limit): (&AccountSeats, u8),
    now: Timestamp,
    closes_before: Duration,
) -> Result<TransferPlan> {
    match ticket.state {
        ReservationState::Confirmed { .. } => {}
        ReservationState::Cancelled => return Err(Error::TicketVoid),
        ReservationState::Held | ReservationState::Expired => return Err(Error::TicketNotFound),
    }
    if ticket.user != from {
        return Err(Error::TicketNotFound);
    }
    if let Some(done) = &ticket.checked_in {
        return Err(Error::AlreadyCheckedIn { at: done.at.to_rfc3339(), gate: done.gate.as_str().to_owned() });
    }
    if to == from {
        return Err(Error::InvalidInput("a ticket is passed to another account than its holder's".into()));
    }
    if now >= ticket.date.start().minus(closes_before) {
        return Err(Error::TransferClosed { hours: closes_before.as_secs() / 3600 });
    }
    let slot = receiver.free_slot(limit, now).ok_or(Error::ReceiverSeatLimitReached { limit })?;
    Ok(TransferPlan { ticket: ticket.clone(), to, slot, returning: false })
}

/// The holder declines a ticket passed to them: it goes back to who passed it, by the
/// same rules (the sender needs room again).
pub fn plan_return(
    ticket: &Reservation,
    holder: UserId,
    (sender_seats, limit): (&AccountSeats, u8),
    now: Timestamp,
    closes_before: Duration,
) -> Result<TransferPlan> {
    let sender = ticket.transferred_from.filter(|_| ticket.user == holder).ok_or(Error::NotTransferred)?;
    let plan = plan_transfer(ticket, (holder, sender), (sender_seats, limit), now, closes_before)?;
    Ok(TransferPlan { returning: true, ..plan })
}

impl TransferPlan {
    /// The line the move writes in each wallet's statement, as the wallets were read
    /// (`sender`'s, then the receiver's): "sent" and "received", the ticket as reference,
    /// no money.
    pub fn statement_lines(&self, (sender, receiver): (Wallet, Wallet), now: Timestamp) -> [WalletLine; 2] {
        let reference = self.ticket.id.to_string();
        [
            WalletLine {
                user: self.ticket.user,
                expected: sender,
                entry: sender.note(EntryKind::TicketSent, reference.clone(), now),
            },
            WalletLine {
                user: self.to,
                expected: receiver,
                entry: receiver.note(EntryKind::TicketReceived, reference, now),
            },
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::seat_limit::SlotUse;
    use crate::rules::ticket_code::step_of;
    use crate::values::ids::{ConcertDate, ConcertId, PaymentId, ReservationId, SeatNumber};
    use crate::values::money::Won;

    fn key() -> SigningKey {
        SigningKey::new(&[7; 32]).unwrap()
    }

    fn ticket(state: ReservationState) -> Reservation {
        let date = ConcertDate::parse("2027-05-01").unwrap();
        Reservation {
            id: ReservationId::random(),
            user: UserId::random(),
            concert: ConcertId::parse("c").unwrap(),
            date,
            seat: SeatNumber::new(3).unwrap(),
            price: Won::new(100).unwrap(),
            created_at: date.start(),
            expires_at: date.start(),
            slot: 0,
            state,
            checked_in: None,
            transferred_from: None,
        }
    }

    fn paid() -> Reservation {
        ticket(ReservationState::Confirmed { payment: PaymentId::random() })
    }

    fn scan_of(t: &Reservation, at: Timestamp) -> Scan {
        Scan { ticket: t.id, code: TicketSecret::derive(&key(), t.id, t.user).code_at(step_of(at)) }
    }

    fn gate() -> Gate {
        Gate::parse("3").unwrap()
    }

    #[test]
    fn a_paid_tickets_current_code_on_its_day_lets_its_holder_in_once() {
        let t = paid();
        let now = t.date.start().plus(std::time::Duration::from_secs(19 * 3600));
        let done = admits(&t, &scan_of(&t, now), &key(), now, gate()).unwrap();
        assert_eq!(done, CheckIn { at: now, gate: gate() });
        let again = Reservation { checked_in: Some(done), ..t.clone() };
        assert_eq!(
            admits(&again, &scan_of(&t, now), &key(), now, Gate::parse("A").unwrap()),
            Err(Error::AlreadyCheckedIn { at: now.to_rfc3339(), gate: "3".into() })
        );
    }

    #[test]
    fn a_refunded_an_unpaid_another_days_or_a_stale_code_is_refused_with_its_reason() {
        let now = ConcertDate::parse("2027-05-01").unwrap().start().plus(std::time::Duration::from_secs(3600));
        let void = ticket(ReservationState::Cancelled);
        assert_eq!(admits(&void, &scan_of(&void, now), &key(), now, gate()), Err(Error::TicketVoid));
        for state in [ReservationState::Held, ReservationState::Expired] {
            let t = ticket(state);
            assert_eq!(admits(&t, &scan_of(&t, now), &key(), now, gate()), Err(Error::TicketNotFound));
        }
        let t = paid();
        let stale = scan_of(&t, now.minus(std::time::Duration::from_secs(60)));
        assert_eq!(admits(&t, &stale, &key(), now, gate()), Err(Error::TicketCodeInvalid), "a screenshot");
        let other_holder =
            Scan { ticket: t.id, code: TicketSecret::derive(&key(), t.id, UserId::random()).code_at(step_of(now)) };
        assert_eq!(admits(&t, &other_holder, &key(), now, gate()), Err(Error::TicketCodeInvalid), "a former holder");
        let early = t.date.start().minus(DOORS_AROUND_THE_DAY).minus(std::time::Duration::from_millis(1));
        assert_eq!(
            admits(&t, &scan_of(&t, early), &key(), early, gate()),
            Err(Error::TicketWrongDate { date: "2027-05-01".into() })
        );
        let late = t.date.end().plus(DOORS_AROUND_THE_DAY);
        assert!(matches!(admits(&t, &scan_of(&t, late), &key(), late, gate()), Err(Error::TicketWrongDate { .. })));
        let first = t.date.start().minus(DOORS_AROUND_THE_DAY);
        assert!(admits(&t, &scan_of(&t, first), &key(), first, gate()).is_ok(), "from the first instant");
    }

    #[test]
    fn an_offline_scan_is_judged_at_its_own_instant_within_twelve_hours() {
        let now = Timestamp::from_millis(1_800_000_000_000);
        assert_eq!(scan_instant(None, now), Ok(now));
        let earlier = now.minus(Duration::from_secs(3600));
        assert_eq!(scan_instant(Some(earlier), now), Ok(earlier));
        assert_eq!(scan_instant(Some(now.plus(Duration::from_secs(30))), now), Ok(now.plus(Duration::from_secs(30))));
        assert!(matches!(scan_instant(Some(now.plus(Duration::from_secs(61))), now), Err(Error::InvalidInput(_))));
        assert!(matches!(
            scan_instant(Some(now.minus(OFFLINE_SCANS_KEPT).minus(Duration::from_millis(1))), now),
            Err(Error::InvalidInput(_))
        ));
    }

    #[test]
    fn a_gate_name_is_short_and_plain() {
        assert_eq!(Gate::parse(" Gate 3 ").unwrap().as_str(), "Gate 3");
        for bad in ["", "   ", "a/b", "<script>", &"x".repeat(33)] {
            assert!(Gate::parse(bad).is_err(), "{bad:?}");
        }
    }

    const CLOSES: Duration = Duration::from_secs(3 * 3600);

    fn taken(n: usize) -> AccountSeats {
        let used = SlotUse { reservation: ReservationId::random(), until: SlotUse::FOREVER };
        AccountSeats { slots: vec![Some(used); n] }
    }

    #[test]
    fn a_holder_passes_a_paid_ticket_to_an_account_with_room_before_transfers_close() {
        let t = paid();
        let to = UserId::random();
        let now = t.date.start().minus(CLOSES).minus(Duration::from_millis(1));
        let plan = plan_transfer(&t, (t.user, to), (&taken(2), 4), now, CLOSES).unwrap();
        assert_eq!((plan.to, plan.slot, plan.returning), (to, 2, false), "the receiver's lowest free slot");
        let sender = Wallet { balance: Won::new(500).unwrap(), entries: 3 };
        let [sent, received] = plan.statement_lines((sender, Wallet::default()), now);
        assert_eq!(
            (sent.user, sent.expected, received.user, received.expected),
            (t.user, sender, to, Wallet::default())
        );
        assert_eq!(
            (sent.entry.kind, sent.entry.seq, sent.entry.amount, sent.entry.balance_after.get()),
            (EntryKind::TicketSent, 4, 0, 500),
            "the sender's next line, no money moved"
        );
        assert_eq!(
            (received.entry.kind, received.entry.seq, received.entry.amount, received.entry.balance_after.get()),
            (EntryKind::TicketReceived, 1, 0, 0)
        );
        let reference = Some(t.id.to_string());
        assert_eq!((&sent.entry.reference, &received.entry.reference, sent.entry.at), (&reference, &reference, now));
        assert_eq!(
            plan_transfer(&t, (t.user, to), (&taken(4), 4), now, CLOSES),
            Err(Error::ReceiverSeatLimitReached { limit: 4 })
        );
        let closed = t.date.start().minus(CLOSES);
        assert_eq!(
            plan_transfer(&t, (t.user, to), (&taken(0), 4), closed, CLOSES),
            Err(Error::TransferClosed { hours: 3 })
        );
        assert_eq!(
            plan_transfer(&t, (to, t.user), (&taken(0), 4), now, CLOSES),
            Err(Error::TicketNotFound),
            "not theirs"
        );
        assert!(matches!(
            plan_transfer(&t, (t.user, t.user), (&taken(0), 4), now, CLOSES),
            Err(Error::InvalidInput(_))
        ));
        let used = Reservation { checked_in: Some(CheckIn { at: now, gate: gate() }), ..t.clone() };
        assert!(matches!(
            plan_transfer(&used, (t.user, to), (&taken(0), 4), now, CLOSES),
            Err(Error::AlreadyCheckedIn { .. })
        ));
        let void = ticket(ReservationState::Cancelled);
        assert_eq!(plan_transfer(&void, (void.user, to), (&taken(0), 4), now, CLOSES), Err(Error::TicketVoid));
    }

    #[test]
    fn only_a_ticket_passed_to_its_holder_is_declined_back_to_who_passed_it() {
        let sender = UserId::random();
        let t = Reservation { transferred_from: Some(sender), ..paid() };
        let now = t.date.start().minus(Duration::from_secs(24 * 3600));
        let plan = plan_return(&t, t.user, (&taken(1), 4), now, CLOSES).unwrap();
        assert_eq!((plan.to, plan.slot, plan.returning), (sender, 1, true));
        assert_eq!(
            plan_return(&paid(), t.user, (&taken(0), 4), now, CLOSES),
            Err(Error::NotTransferred),
            "bought, not received"
        );
        assert_eq!(
            plan_return(&t, UserId::random(), (&taken(0), 4), now, CLOSES),
            Err(Error::NotTransferred),
            "not the holder"
        );
        assert_eq!(
            plan_return(&t, t.user, (&taken(4), 4), now, CLOSES),
            Err(Error::ReceiverSeatLimitReached { limit: 4 }),
            "the sender filled their seats meanwhile"
        );
    }
}
