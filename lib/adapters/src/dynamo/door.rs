//! The door: a check-in is one conditional update of the reservation item, so a ticket
//! lets its holder in once however many gates scan it, and never after a refund (whose
//! transaction is conditioned on no check-in in turn). A transfer is one transaction of
//! eight items: the reservation, both accounts' seat slots, the receiver's received list,
//! and both wallets' statement lines (each wallet's count of entries moved, conditioned
//! on the count read, as every balance change is).

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, Update};

use super::reservation::slot_use;
use super::wallet::move_balance;
use super::{key, n, s, sdk, transact, updates, Tables};
use crate::dynamo::schema::attr::*;
use crate::dynamo::schema::reservation::status as reservation_status;
use crate::dynamo::schema::reservation::{
    account_pk, booking_pk, check_ins_pk, gate_attr, received_pk, slot_attr, GATE_PREFIX,
};
use domain::booking::reservation::{CheckIn, Reservation};
use domain::door::store::DoorStore;
use domain::error::Result;
use domain::rules::door::TransferPlan;
use domain::rules::seat_limit::SlotUse;
use domain::values::clock::Timestamp;
use domain::values::ids::{ConcertId, ReservationId, UserId};
use domain::wallet::statement::WalletLine;

pub struct DynamoDoor {
    t: Tables,
}

impl DynamoDoor {
    pub fn new(t: Tables) -> Self {
        Self { t }
    }
}

#[async_trait]
impl DoorStore for DynamoDoor {
    async fn check_in(&self, ticket: &Reservation, check_in: &CheckIn) -> Result<bool> {
        let table = &self.t.names.reservation_table;
        let admitted = Update::builder()
            .table_name(table)
            .set_key(Some(key(ticket.id.to_string())))
            .update_expression(format!("SET {CHECKED_IN_AT} = :at, {GATE} = :gate"))
            .condition_expression(format!(
                "#status = :confirmed AND {USER_ID} = :holder AND attribute_not_exists({CHECKED_IN_AT})"
            ))
            .expression_attribute_names("#status", STATUS)
            .expression_attribute_values(":at", n(check_in.at.millis()))
            .expression_attribute_values(":gate", s(check_in.gate.as_str()))
            .expression_attribute_values(":confirmed", s(reservation_status::CONFIRMED))
            .expression_attribute_values(":holder", s(ticket.user.to_string()));
        // The concert's count for the gate, in the same transaction: counted exactly once.
        // (At a stadium's doors, some tens of check-ins a second: far below one item's
        // 1,000 writes a second.)
        let counted = Update::builder()
            .table_name(table)
            .set_key(Some(key(check_ins_pk(&ticket.concert))))
            .update_expression("ADD #gate :one")
            .expression_attribute_names("#gate", gate_attr(check_in.gate.as_str()))
            .expression_attribute_values(":one", n(1));
        Ok(transact(&self.t.client, updates([admitted, counted])?).await?.is_ok())
    }

    async fn check_ins(&self, concert: &ConcertId) -> Result<Vec<(String, u64)>> {
        let out = self
            .t
            .client
            .get_item()
            .table_name(&self.t.names.reservation_table)
            .set_key(Some(key(check_ins_pk(concert))))
            .send()
            .await
            .map_err(sdk)?;
        let mut gates: Vec<(String, u64)> = out
            .item()
            .into_iter()
            .flatten()
            .filter_map(|(name, v)| Some((name.strip_prefix(GATE_PREFIX)?.to_owned(), v.as_n().ok()?.parse().ok()?)))
            .collect();
        gates.sort();
        Ok(gates)
    }

    async fn transfer(&self, plan: &TransferPlan, lines: &[WalletLine; 2], now: Timestamp) -> Result<bool> {
        let (t, table) = (&plan.ticket, &self.t.names.reservation_table);
        let holder = if plan.returning {
            format!("SET {USER_ID} = :to, {SLOT} = :slot REMOVE {TRANSFERRED_FROM} ADD {TRANSFERS} :one")
        } else {
            format!("SET {USER_ID} = :to, {SLOT} = :slot, {TRANSFERRED_FROM} = :from ADD {TRANSFERS} :one")
        };
        let ticket = Update::builder()
            .table_name(table)
            .set_key(Some(key(t.id.to_string())))
            .update_expression(holder)
            .condition_expression(format!(
                "#status = :confirmed AND {USER_ID} = :from AND attribute_not_exists({CHECKED_IN_AT})"
            ))
            .expression_attribute_names("#status", STATUS)
            .expression_attribute_values(":confirmed", s(reservation_status::CONFIRMED))
            .expression_attribute_values(":to", s(plan.to.to_string()))
            .expression_attribute_values(":from", s(t.user.to_string()))
            .expression_attribute_values(":slot", n(plan.slot))
            .expression_attribute_values(":one", n(1));
        let sender = Update::builder()
            .table_name(table)
            .set_key(Some(key(account_pk(&t.concert, t.user))))
            .update_expression("REMOVE #slot")
            .condition_expression("#slot.#r = :r")
            .expression_attribute_names("#slot", slot_attr(t.slot))
            .expression_attribute_names("#r", R)
            .expression_attribute_values(":r", s(t.id.to_string()));
        let receiver = Update::builder()
            .table_name(table)
            .set_key(Some(key(account_pk(&t.concert, plan.to))))
            .update_expression("SET #slot = :use")
            .condition_expression("attribute_not_exists(#slot) OR #slot.#until <= :now")
            .expression_attribute_names("#slot", slot_attr(plan.slot))
            .expression_attribute_names("#until", UNTIL)
            .expression_attribute_values(":use", slot_use(t.id, SlotUse::FOREVER))
            .expression_attribute_values(":now", n(now.millis()));
        let received = Update::builder()
            .table_name(table)
            .set_key(Some(key(received_pk(plan.to))))
            .update_expression(format!("ADD {TICKETS} :t"))
            .expression_attribute_values(":t", AttributeValue::Ss(vec![t.id.to_string()]));
        let mut items = updates([ticket, sender, receiver, received])?;
        for l in lines {
            items.extend(move_balance(&self.t.names.wallet_table, l.user, l.expected, &l.entry)?);
        }
        Ok(transact(&self.t.client, items).await?.is_ok())
    }

    async fn received(&self, holder: UserId) -> Result<Vec<ReservationId>> {
        let out = self
            .t
            .client
            .get_item()
            .table_name(&self.t.names.reservation_table)
            .set_key(Some(key(received_pk(holder))))
            .consistent_read(true)
            .send()
            .await
            .map_err(sdk)?;
        let mut ids: Vec<String> =
            out.item().and_then(|i| i.get(TICKETS)).and_then(|v| v.as_ss().ok()).cloned().unwrap_or_default();
        ids.sort();
        ids.iter().map(|id| ReservationId::parse(id)).collect()
    }

    async fn booking(&self, number: &str) -> Result<Option<ReservationId>> {
        let out = self
            .t
            .client
            .get_item()
            .table_name(&self.t.names.reservation_table)
            .set_key(Some(key(booking_pk(number))))
            .send()
            .await
            .map_err(sdk)?;
        out.item()
            .and_then(|i| i.get(RESERVATION_ID))
            .and_then(|v| v.as_s().ok())
            .map(|id| ReservationId::parse(id))
            .transpose()
    }
}
