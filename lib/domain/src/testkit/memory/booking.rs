//! Booking's stores in memory: holds, payments and their outbox, refunds.

use std::time::Duration;

use async_trait::async_trait;

use crate::booking::records::{OutboxEvent, Payment};
use crate::booking::store::{EventPublisher, PayConflict, PaymentPlan, PaymentSnapshot, PaymentStore};
use crate::catalog::concert::SeatState;
use crate::error::{Error, Result};
use crate::line::token::{Admission, TokenState};
use crate::values::clock::Timestamp;
use crate::values::ids::{ConcertId, IdempotencyKey};
use crate::values::ids::{PaymentId, ReservationId, UserId};

use crate::booking::records::Refund;
use crate::booking::reservation::{Reservation, ReservationState};
use crate::booking::store::{HoldExpiryScheduler, HoldOutcome, HoldStore};
use crate::booking::store::{RefundPlan, RefundSnapshot, RefundStore, RefundTotals};
use crate::rules::seat_limit::{AccountSeats, SlotUse};

use super::{Memory, State};

#[async_trait]
impl HoldStore for Memory {
    async fn hold(&self, rs: &[Reservation], now: Timestamp, who: &Admission, keep: Timestamp) -> Result<HoldOutcome> {
        self.step("hold", |s| {
            let slot_now = s.slots.get(&who.token).copied();
            let token_ok = s
                .tokens
                .get(&who.token)
                .is_some_and(|t| matches!(t.state, TokenState::Active { until, .. } if until > now))
                && slot_now.is_some_and(|end| end > now);
            // Every condition first, as the transaction checks them all before writing.
            for r in rs {
                let Some(seat) = s.seat_mut(&r.concert, r.date, r.seat) else { return Ok(HoldOutcome::NoSuchSeat) };
                let free = match seat.state {
                    SeatState::Available => true,
                    SeatState::Held { until, .. } => until <= now,
                    SeatState::Sold { .. } => false,
                };
                let slot_taken = s
                    .accounts
                    .get(&(r.concert.clone(), r.user))
                    .and_then(|a| a.slots.get(usize::from(r.slot)).copied().flatten())
                    .is_some_and(|u| !u.is_free_at(now));
                if !free || slot_taken {
                    return Ok(HoldOutcome::SeatTaken);
                }
            }
            if !token_ok {
                return Ok(HoldOutcome::TokenEnded);
            }
            s.slots.insert(who.token, keep);
            if let Some(TokenState::Active { slot_until, .. }) = s.tokens.get_mut(&who.token).map(|t| &mut t.state) {
                *slot_until = keep;
            }
            for r in rs {
                let account = s.accounts.entry((r.concert.clone(), r.user)).or_default();
                let slot = usize::from(r.slot);
                if account.slots.len() <= slot {
                    account.slots.resize(slot + 1, None);
                }
                account.slots[slot] = Some(SlotUse { reservation: r.id, until: r.expires_at });
                if let Some(seat) = s.seat_mut(&r.concert, r.date, r.seat) {
                    seat.state = SeatState::Held { by: r.user, reservation: r.id, until: r.expires_at };
                }
                s.reservations.insert(r.id, r.clone());
            }
            Ok(HoldOutcome::Held)
        })
    }

    async fn account(&self, concert: &ConcertId, user: UserId) -> Result<AccountSeats> {
        self.step("account", |s| Ok(s.accounts.get(&(concert.clone(), user)).cloned().unwrap_or_default()))
    }

    async fn cancel(&self, r: &Reservation, now: Timestamp) -> Result<bool> {
        self.step("cancel", |s| {
            let held = s
                .reservations
                .get(&r.id)
                .is_some_and(|x| x.state == ReservationState::Held && x.user == r.user && now < x.expires_at);
            if !held {
                return Ok(false);
            }
            if let Some(x) = s.reservations.get_mut(&r.id) {
                x.state = ReservationState::Cancelled;
            }
            if let Some(seat) = s.seat_mut(&r.concert, r.date, r.seat) {
                if matches!(seat.state, SeatState::Held { reservation, .. } if reservation == r.id) {
                    seat.state = SeatState::Available;
                }
            }
            if let Some(slot) =
                s.accounts.get_mut(&(r.concert.clone(), r.user)).and_then(|a| a.slots.get_mut(usize::from(r.slot)))
            {
                if slot.is_some_and(|u| u.reservation == r.id) {
                    *slot = None;
                }
            }
            Ok(true)
        })
    }

    async fn reservation(&self, id: ReservationId) -> Result<Option<Reservation>> {
        Ok(self.lock()?.reservations.get(&id).cloned())
    }

    async fn release(&self, r: &Reservation, now: Timestamp) -> Result<bool> {
        let mut s = self.lock()?;
        let marked = match s.reservations.get_mut(&r.id) {
            Some(stored) if stored.state == ReservationState::Held && stored.expires_at <= now => {
                stored.state = ReservationState::Expired;
                true
            }
            _ => false,
        };
        if let Some(seat) = s.seat_mut(&r.concert, r.date, r.seat) {
            if matches!(seat.state, SeatState::Held { reservation, until, .. } if reservation == r.id && until <= now) {
                seat.state = SeatState::Available;
            }
        }
        Ok(marked)
    }
}

#[async_trait]
impl HoldExpiryScheduler for Memory {
    async fn schedule(&self, reservation: ReservationId, delay: Duration) -> Result<()> {
        self.scheduled.lock().map_err(|_| Error::Infrastructure("poisoned".into()))?.push((reservation, delay));
        Ok(())
    }
}

#[async_trait]
impl PaymentStore for Memory {
    async fn snapshot(
        &self,
        user: UserId,
        reservations: &[ReservationId],
        key: Option<&IdempotencyKey>,
    ) -> Result<PaymentSnapshot> {
        self.fault("snapshot", false)?;
        let s = self.lock()?;
        Ok(PaymentSnapshot {
            reservations: reservations.iter().map(|id| s.reservations.get(id).cloned()).collect(),
            wallet: s.wallet(user),
            prior: key.and_then(|k| s.payment_keys.get(&(user, k.as_str().to_owned())).cloned()),
        })
    }

    async fn pay(&self, plan: &PaymentPlan) -> Result<std::result::Result<(), Vec<PayConflict>>> {
        self.step("pay", |s| Self::pay_in(s, plan))
    }

    async fn payment(&self, user: UserId, id: PaymentId) -> Result<Option<Payment>> {
        Ok(self.lock()?.payments.iter().find(|p| p.user == user && p.id == id).cloned())
    }
    async fn payments(&self, user: UserId) -> Result<Vec<Payment>> {
        let mut list: Vec<Payment> = self.lock()?.payments.iter().filter(|p| p.user == user).cloned().collect();
        list.sort_by_key(|p| std::cmp::Reverse(p.paid_at));
        Ok(list)
    }

    async fn undelivered(&self, limit: usize) -> Result<Vec<OutboxEvent>> {
        Ok(self.lock()?.outbox.iter().take(limit).cloned().collect())
    }

    async fn mark_delivered(&self, event: &OutboxEvent) -> Result<()> {
        self.step("mark_delivered", |s| {
            s.outbox.retain(|p| p.id != event.id);
            Ok(())
        })
    }
}

impl Memory {
    fn pay_in(s: &mut State, plan: &PaymentPlan) -> Result<std::result::Result<(), Vec<PayConflict>>> {
        let p = &plan.payment;
        let mut conflicts = Vec::new();
        if !s.wallet_is(p.user, plan.wallet) {
            conflicts.push(PayConflict::Wallet);
        }
        for r in &plan.reservations {
            let seat_held = s.seat_mut(&r.concert, r.date, r.seat).is_some_and(|seat| {
                matches!(seat.state, SeatState::Held { reservation, until, .. } if reservation == r.id && until > plan.now)
            });
            let slot_kept = s
                .accounts
                .get(&(r.concert.clone(), r.user))
                .and_then(|a| a.slots.get(usize::from(r.slot)).copied().flatten())
                .is_some_and(|u| u.reservation == r.id);
            if !seat_held || !slot_kept {
                conflicts.push(PayConflict::Seat);
            }
            if !s.reservations.get(&r.id).is_some_and(|x| x.state == ReservationState::Held && x.user == p.user) {
                conflicts.push(PayConflict::Reservation);
            }
        }
        let token_active = s
            .tokens
            .get(&plan.token)
            .is_some_and(|t| matches!(t.state, TokenState::Active { until, .. } if until > plan.now))
            && s.slots.get(&plan.token).is_some_and(|slot| *slot > plan.now);
        if !token_active {
            conflicts.push(PayConflict::Token);
        }
        if let Some(k) = &plan.key {
            if s.payment_keys.contains_key(&(p.user, k.as_str().to_owned())) {
                conflicts.push(PayConflict::Key);
            }
        }
        if !conflicts.is_empty() {
            return Ok(Err(conflicts));
        }
        s.put_entry(p.user, &plan.entry());
        for r in &plan.reservations {
            if let Some(seat) = s.seat_mut(&r.concert, r.date, r.seat) {
                seat.state = SeatState::Sold { by: p.user, reservation: r.id };
            }
            if let Some(x) = s.reservations.get_mut(&r.id) {
                x.state = ReservationState::Confirmed { payment: p.id };
            }
            s.bookings.insert(crate::rules::ticket_code::booking_number(r.id), r.id);
            if let Some(slot) = s
                .accounts
                .get_mut(&(r.concert.clone(), r.user))
                .and_then(|a| a.slots.get_mut(usize::from(r.slot)))
                .and_then(Option::as_mut)
            {
                slot.until = SlotUse::FOREVER;
            }
        }
        if let Some(t) = s.tokens.get_mut(&plan.token) {
            t.state = TokenState::Expired;
        }
        s.slots.insert(plan.token, plan.now);
        if let Some(k) = &plan.key {
            s.payment_keys.insert((p.user, k.as_str().to_owned()), p.clone());
        }
        s.payments.push(p.clone());
        s.outbox.push(OutboxEvent::payment_completed(p));
        Ok(Ok(()))
    }
}

#[async_trait]
impl RefundStore for Memory {
    async fn snapshot(
        &self,
        user: UserId,
        reservation: ReservationId,
        key: Option<&IdempotencyKey>,
    ) -> Result<RefundSnapshot> {
        let s = self.lock()?;
        Ok(RefundSnapshot {
            reservation: s.reservations.get(&reservation).cloned(),
            wallet: s.wallet(user),
            existing: s.refunds.get(&reservation).filter(|r| r.user == user).cloned(),
            prior: key.and_then(|k| s.refund_keys.get(&(user, k.as_str().to_owned())).cloned()),
        })
    }

    async fn refund(&self, plan: &RefundPlan) -> Result<bool> {
        self.step("refund", |s| {
            let (r, res) = (&plan.refund, &plan.reservation);
            let confirmed = s.reservations.get(&r.reservation).is_some_and(|x| {
                x.user == r.user
                    && x.state == ReservationState::Confirmed { payment: r.payment }
                    && x.checked_in.is_none()
            });
            let sold = s.seat_mut(&r.concert, r.date, r.seat).is_some_and(
                |seat| matches!(seat.state, SeatState::Sold { reservation, .. } if reservation == r.reservation),
            );
            let balance_ok = s.wallet_is(r.user, plan.wallet);
            let key_free =
                plan.key.as_ref().is_none_or(|k| !s.refund_keys.contains_key(&(r.user, k.as_str().to_owned())));
            if !confirmed || !sold || !balance_ok || !key_free || s.refunds.contains_key(&r.reservation) {
                return Ok(false);
            }
            if let Some(x) = s.reservations.get_mut(&r.reservation) {
                x.state = ReservationState::Cancelled;
            }
            if let Some(seat) = s.seat_mut(&r.concert, r.date, r.seat) {
                seat.state = SeatState::Available;
            }
            if let Some((c, _)) = s.concerts.get_mut(&r.concert) {
                c.sold_out = false;
                c.refunds += 1;
            }
            if let Some(slot) = s
                .accounts
                .get_mut(&(res.concert.clone(), res.user))
                .and_then(|a| a.slots.get_mut(usize::from(res.slot)))
            {
                *slot = None;
            }
            s.put_entry(r.user, &plan.entry());
            let totals = s.refund_totals.entry(r.concert.clone()).or_default();
            totals.count += 1;
            totals.refunded = totals.refunded.checked_add(r.amount).unwrap_or(totals.refunded);
            totals.fees = totals.fees.checked_add(r.fee).unwrap_or(totals.fees);
            s.refunds.insert(r.reservation, r.clone());
            if let Some(k) = &plan.key {
                s.refund_keys.insert((r.user, k.as_str().to_owned()), r.clone());
            }
            s.outbox.push(r.cancelled_event());
            Ok(true)
        })
    }

    async fn refunds(&self, user: UserId) -> Result<Vec<Refund>> {
        let mut list: Vec<Refund> = self.lock()?.refunds.values().filter(|r| r.user == user).cloned().collect();
        list.sort_by_key(|r| std::cmp::Reverse(r.refunded_at));
        Ok(list)
    }

    async fn totals(&self, concert: &ConcertId) -> Result<RefundTotals> {
        Ok(self.lock()?.refund_totals.get(concert).copied().unwrap_or_default())
    }
}

#[async_trait]
impl EventPublisher for Memory {
    async fn publish(&self, event: &OutboxEvent) -> Result<()> {
        if self.events_down.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(Error::Infrastructure("event queue unavailable".into()));
        }
        self.published.lock().map_err(|_| Error::Infrastructure("poisoned".into()))?.push(event.clone());
        Ok(())
    }
}
