//! The wallet table (`pk`, `sk`): per user `USER#<id>`: `WALLET` the balance and the count
//! of statement entries, `LEDGER#<seq, 12 digits>` each entry, `PAYMENT#<ms, 13 digits>#<id>`
//! each payment, `REFUND#<reservation>` each refund, `IDEMPOTENCY#{CHARGE,PAYMENT,REFUND}#<key>`
//! the first outcome of a keyed request; `OUTBOX#<shard>`/`EVENT#<id>` events waiting for the
//! relay; `REFUNDS#<concert>`/`TOTALS` a concert's refund totals.

use std::time::Duration;

use domain::values::clock::Timestamp;
use domain::values::ids::{ConcertId, IdempotencyKey, PaymentId, ReservationId, UserId};

pub const WALLET_SK: &str = "WALLET";
pub const LEDGER_PREFIX: &str = "LEDGER#";
/// Sorts after every ledger entry: the upper bound of a statement read from its newest end.
pub const LEDGER_END: &str = "LEDGER$";
pub const PAYMENT_PREFIX: &str = "PAYMENT#";
pub const REFUND_PREFIX: &str = "REFUND#";
pub const TOTALS_SK: &str = "TOTALS";

/// Idempotency records outlive any client's retry window.
pub const KEEP_IDEMPOTENCY: Duration = Duration::from_secs(48 * 3600);

/// The outbox is spread over a few partitions so that it is never one hot key.
pub const OUTBOX_SHARDS: u32 = 4;

pub fn user_pk(u: UserId) -> String {
    format!("USER#{u}")
}

pub fn entry_sk(seq: u64) -> String {
    format!("{LEDGER_PREFIX}{seq:012}")
}

pub fn charge_key_sk(key: &IdempotencyKey) -> String {
    format!("IDEMPOTENCY#CHARGE#{}", key.as_str())
}

pub fn payment_key_sk(key: &IdempotencyKey) -> String {
    format!("IDEMPOTENCY#PAYMENT#{}", key.as_str())
}

pub fn refund_key_sk(key: &IdempotencyKey) -> String {
    format!("IDEMPOTENCY#REFUND#{}", key.as_str())
}

pub fn payment_sk(paid_at: Timestamp, id: PaymentId) -> String {
    format!("{PAYMENT_PREFIX}{:013}#{id}", paid_at.millis())
}

pub fn refund_sk(r: ReservationId) -> String {
    format!("{REFUND_PREFIX}{r}")
}

/// The concert's refund totals (count, refunded, fees), kept by the refunds themselves.
pub fn totals_pk(c: &ConcertId) -> String {
    format!("REFUNDS#{c}")
}

pub fn outbox_pk(shard: u32) -> String {
    format!("OUTBOX#{shard}")
}

/// The outbox shard of an event, from its id.
pub fn outbox_shard(event: &str) -> u32 {
    event.bytes().last().map_or(0, |b| u32::from(b) % OUTBOX_SHARDS)
}

pub fn event_sk(event: &str) -> String {
    format!("EVENT#{event}")
}
