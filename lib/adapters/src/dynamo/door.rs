//! The door: a check-in is one conditional update of the reservation item, so a ticket
//! lets its holder in once however many gates scan it, and never after a refund (whose
//! transaction is conditioned on no check-in in turn).

use async_trait::async_trait;

use super::{applied, key, n, s, Tables};
use crate::dynamo::schema::attr::*;
use crate::dynamo::schema::reservation::status as reservation_status;
use domain::booking::reservation::{CheckIn, Reservation};
use domain::door::store::DoorStore;
use domain::error::Result;

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
        let out = self
            .t
            .client
            .update_item()
            .table_name(&self.t.names.reservation_table)
            .set_key(Some(key(ticket.id.to_string())))
            .update_expression(format!("SET {CHECKED_IN_AT} = :at, {GATE} = :gate"))
            .condition_expression(format!(
                "#status = :confirmed AND {USER_ID} = :holder AND attribute_not_exists({CHECKED_IN_AT})"
            ))
            .expression_attribute_names("#status", STATUS)
            .expression_attribute_values(":at", n(check_in.at.millis()))
            .expression_attribute_values(":gate", s(check_in.gate.as_str()))
            .expression_attribute_values(":confirmed", s(reservation_status::CONFIRMED))
            .expression_attribute_values(":holder", s(ticket.user.to_string()))
            .send()
            .await;
        applied(out)
    }
}
