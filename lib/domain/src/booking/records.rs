//! What booking leaves behind: payments and refunds (each also the body of its event),
//! and the outbox events their transactions write.

use crate::values::clock::Timestamp;
use crate::values::ids::{ConcertDate, ConcertId, PaymentId, RefundId, ReservationId, SeatNumber, UserId};
use crate::values::money::Won;

/// One seat a payment bought.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaidSeat {
    pub reservation: ReservationId,
    pub date: ConcertDate,
    pub seat: SeatNumber,
    pub price: Won,
}

/// A completed payment; also the body of its PaymentCompleted event (event id = payment id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub id: PaymentId,
    pub user: UserId,
    pub concert: ConcertId,
    /// In the order the fan asked for them; never empty.
    pub seats: Vec<PaidSeat>,
    /// The sum of the seats' prices.
    pub amount: Won,
    pub balance_after: Won,
    pub paid_at: Timestamp,
}

impl Payment {
    /// The payment as clients and event consumers see it (the API's answer and the body
    /// of the PaymentCompleted event share it). `reservationId`, `date` and `seatNumber`
    /// name the first seat, for clients that pay one at a time.
    pub fn to_json(&self) -> serde_json::Value {
        let first = self.seats.first();
        serde_json::json!({
            "paymentId": self.id.to_string(),
            "userId": self.user.to_string(),
            "concertId": self.concert.as_str(),
            "reservationId": first.map(|s| s.reservation.to_string()),
            "date": first.map(|s| s.date.to_string()),
            "seatNumber": first.map(|s| s.seat.get()),
            "reservationIds": self.seats.iter().map(|s| s.reservation.to_string()).collect::<Vec<_>>(),
            "seats": self.seats.iter().map(|s| serde_json::json!({
                "reservationId": s.reservation.to_string(),
                "date": s.date.to_string(),
                "seatNumber": s.seat.get(),
                "price": s.price.get(),
            })).collect::<Vec<_>>(),
            "amount": self.amount.get(),
            "balance": self.balance_after.get(),
            "paidAt": self.paid_at.to_rfc3339(),
        })
    }

    pub fn reservations(&self) -> impl Iterator<Item = ReservationId> + '_ {
        self.seats.iter().map(|s| s.reservation)
    }

    /// True when this payment paid exactly these reservations (in any order).
    pub fn paid_exactly(&self, ids: &[ReservationId]) -> bool {
        let mut mine: Vec<ReservationId> = self.reservations().collect();
        let mut asked = ids.to_vec();
        mine.sort();
        asked.sort();
        mine == asked
    }
}

/// An event written in the outbox by the very transaction that made it true, then handed
/// to the queue (at least once; `id` makes duplicates harmless to consumers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEvent {
    /// The payment's or the refund's id.
    pub id: String,
    /// `PaymentCompleted`, `ReservationCancelled`.
    pub kind: String,
    pub body: serde_json::Value,
}

impl OutboxEvent {
    pub fn new(id: String, kind: &str, mut body: serde_json::Value) -> Self {
        body["eventType"] = serde_json::json!(kind);
        body["eventId"] = serde_json::json!(id);
        Self { id, kind: kind.to_owned(), body }
    }

    pub fn payment_completed(p: &Payment) -> Self {
        Self::new(p.id.to_string(), "PaymentCompleted", p.to_json())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refund {
    pub id: RefundId,
    pub user: UserId,
    pub reservation: ReservationId,
    pub payment: PaymentId,
    pub concert: ConcertId,
    pub date: ConcertDate,
    pub seat: SeatNumber,
    pub price: Won,
    pub fee: Won,
    /// Credited to the wallet: `price - fee`.
    pub amount: Won,
    pub balance_after: Won,
    pub refunded_at: Timestamp,
}

/// What a refund would give back at `quoted_at` (`RefundService::quote`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundQuote {
    pub reservation: ReservationId,
    pub price: Won,
    pub fee: Won,
    /// `price - fee`.
    pub refund: Won,
    pub quoted_at: Timestamp,
}

impl RefundQuote {
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "reservationId": self.reservation.to_string(),
            "price": self.price.get(),
            "fee": self.fee.get(),
            "refund": self.refund.get(),
            "quotedAt": self.quoted_at.to_rfc3339(),
        })
    }
}

impl Refund {
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "refundId": self.id.to_string(),
            "userId": self.user.to_string(),
            "reservationId": self.reservation.to_string(),
            "paymentId": self.payment.to_string(),
            "concertId": self.concert.as_str(),
            "date": self.date.to_string(),
            "seatNumber": self.seat.get(),
            "price": self.price.get(),
            "fee": self.fee.get(),
            "refunded": self.amount.get(),
            "balance": self.balance_after.get(),
            "refundedAt": self.refunded_at.to_rfc3339(),
        })
    }

    pub fn cancelled_event(&self) -> OutboxEvent {
        OutboxEvent::new(self.id.to_string(), "ReservationCancelled", self.to_json())
    }
}
