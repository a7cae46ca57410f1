//! The door's store in memory: a check-in is one step on the reservation, as its
//! conditional write is on DynamoDB, and a transfer one step on everything it moves.

use async_trait::async_trait;

use crate::booking::reservation::{CheckIn, Reservation, ReservationState};
use crate::door::store::DoorStore;
use crate::error::Result;
use crate::rules::door::TransferPlan;
use crate::rules::seat_limit::SlotUse;
use crate::values::clock::Timestamp;
use crate::values::ids::{ConcertId, ReservationId, UserId};
use crate::wallet::statement::WalletLine;

use super::Memory;

#[async_trait]
impl DoorStore for Memory {
    async fn check_in(&self, ticket: &Reservation, check_in: &CheckIn) -> Result<bool> {
        self.step("check_in", |s| {
            let Some(stored) = s.reservations.get_mut(&ticket.id) else { return Ok(false) };
            let admits = matches!(stored.state, ReservationState::Confirmed { .. })
                && stored.user == ticket.user
                && stored.checked_in.is_none();
            if admits {
                stored.checked_in = Some(check_in.clone());
                let gates = s.check_ins.entry(ticket.concert.clone()).or_default();
                *gates.entry(check_in.gate.as_str().to_owned()).or_default() += 1;
            }
            Ok(admits)
        })
    }

    async fn transfer(&self, plan: &TransferPlan, lines: &[WalletLine; 2], now: Timestamp) -> Result<bool> {
        self.step("transfer", |s| {
            let t = &plan.ticket;
            let unchanged = s.reservations.get(&t.id).is_some_and(|x| {
                matches!(x.state, ReservationState::Confirmed { .. })
                    && x.user == t.user
                    && x.slot == t.slot
                    && x.checked_in.is_none()
            });
            let sender_slot = s
                .accounts
                .get(&(t.concert.clone(), t.user))
                .and_then(|a| a.slots.get(usize::from(t.slot)).copied().flatten())
                .is_some_and(|u| u.reservation == t.id);
            let wallets = lines.iter().all(|l| s.wallet_is(l.user, l.expected));
            let receiver = s.accounts.entry((t.concert.clone(), plan.to)).or_default();
            let to = usize::from(plan.slot);
            let room = receiver.slots.get(to).copied().flatten().is_none_or(|u| u.is_free_at(now));
            if !(unchanged && sender_slot && room && wallets) {
                return Ok(false);
            }
            if receiver.slots.len() <= to {
                receiver.slots.resize(to + 1, None);
            }
            receiver.slots[to] = Some(SlotUse { reservation: t.id, until: SlotUse::FOREVER });
            if let Some(slot) =
                s.accounts.get_mut(&(t.concert.clone(), t.user)).and_then(|a| a.slots.get_mut(usize::from(t.slot)))
            {
                *slot = None;
            }
            if let Some(r) = s.reservations.get_mut(&t.id) {
                r.user = plan.to;
                r.slot = plan.slot;
                r.transferred_from = (!plan.returning).then_some(t.user);
            }
            for l in lines {
                s.put_entry(l.user, &l.entry);
            }
            let received = s.received.entry(plan.to).or_default();
            if !received.contains(&t.id) {
                received.push(t.id);
            }
            Ok(true)
        })
    }

    async fn check_ins(&self, concert: &ConcertId) -> Result<Vec<(String, u64)>> {
        self.step("check_ins", |s| {
            Ok(s.check_ins.get(concert).map(|g| g.iter().map(|(k, v)| (k.clone(), *v)).collect()).unwrap_or_default())
        })
    }

    async fn received(&self, holder: UserId) -> Result<Vec<ReservationId>> {
        self.step("received", |s| Ok(s.received.get(&holder).cloned().unwrap_or_default()))
    }

    async fn booking(&self, number: &str) -> Result<Option<ReservationId>> {
        self.step("booking", |s| Ok(s.bookings.get(number).copied()))
    }
}
