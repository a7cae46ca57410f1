//! The waiting room in the queue table. Keys (single `pk`):
//! `LINE#<concert>` counters (with one `batch_<from>` map per unsettled batch),
//! `ARRIVALS#<concert>#<stripe>` one arrival stripe's count (`taken`),
//! `PREQUEUE#<concert>#<stripe>` one pre-queue stripe's count (`taken`, `sealed` once frozen),
//! `BATCH#<concert>#<from>#<shard>` a batch's check-ins, `HOLDER#<concert>#<user>` the user's live
//! token, `TOKEN#<id>` tokens, `MINUTE#<concert>#<minute>` the operator's totals. GSI
//! `BySlot` (concertId, slotUntil) is sparse: only checked-in tokens holding a slot are in it.

mod admitter;
mod fan;
mod items;

use crate::dynamo::schema::queue::line_pk;

use std::collections::HashMap;

use aws_sdk_dynamodb::types::ReturnValue;

use crate::dynamo::schema::attr::*;
use crate::dynamo::{applied, batch_get, condition_failed, get_n, get_s, key, n, opt_n, sdk, Item, Tables};
use domain::error::{Error, Result};
use domain::rules::arrivals::{Arrivals, STRIPES};
use domain::values::ids::ConcertId;

pub struct DynamoQueue {
    pub(super) t: Tables,
}

impl DynamoQueue {
    pub fn new(t: Tables) -> Self {
        Self { t }
    }

    /// Every stripe's count of a family (`pk` of stripe `i`): one consistent BatchGetItem.
    async fn stripes(&self, pk: impl Fn(u32) -> String) -> Result<Arrivals> {
        Ok(Arrivals::new(self.stripe_items(pk).await?.into_iter().map(|(count, _)| count).collect()))
    }

    /// Every stripe's count and whether it is sealed, stripe by stripe.
    async fn stripe_items(&self, pk: impl Fn(u32) -> String) -> Result<Vec<(u64, bool)>> {
        let keys: Vec<Item> = (0..STRIPES).map(|i| key(pk(i))).collect();
        let wanted: HashMap<String, usize> = (0..STRIPES).map(|i| (pk(i), i as usize)).collect();
        let items = batch_get(&self.t.client, self.table(), keys).await?;
        let mut stripes = vec![(0, false); STRIPES as usize];
        for item in &items {
            let pk = get_s(item, PK)?;
            let Some(stripe) = wanted.get(pk) else {
                return Err(Error::Infrastructure(format!("a stripe with an unexpected key {pk}")));
            };
            stripes[*stripe] = (opt_n(item, TAKEN)?.unwrap_or(0), item.contains_key(SEALED));
        }
        Ok(stripes)
    }

    /// `ADD taken :ranks` on a stripe (if `condition` holds): the stripe's new count, or
    /// None when the condition refused it. The ranks `new - ranks + 1 ..= new` are the caller's.
    async fn add_taken(&self, pk: String, ranks: u64, condition: Option<&str>) -> Result<Option<u64>> {
        let out = self
            .t
            .client
            .update_item()
            .table_name(self.table())
            .set_key(Some(key(pk)))
            .update_expression(format!("ADD {TAKEN} :ranks"))
            .set_condition_expression(condition.map(str::to_owned))
            .expression_attribute_values(":ranks", n(ranks))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await;
        match out {
            Ok(o) => Ok(Some(get_n(&o.attributes().cloned().unwrap_or_default(), TAKEN)?)),
            Err(e) if condition_failed(&e) => Ok(None),
            Err(e) => Err(sdk(e)),
        }
    }

    /// `SET <attribute> = :n` on the line, unless it already notes as many.
    async fn note_at_least(&self, concert: &ConcertId, attribute: &str, value: u64) -> Result<()> {
        let out = self
            .t
            .client
            .update_item()
            .table_name(self.table())
            .set_key(Some(key(line_pk(concert))))
            .update_expression("SET #a = :n")
            .condition_expression("attribute_not_exists(#a) OR #a < :n")
            .expression_attribute_names("#a", attribute)
            .expression_attribute_values(":n", n(value))
            .send()
            .await;
        // Refused: a larger number is noted already.
        applied(out).map(|_| ())
    }

    fn table(&self) -> &str {
        &self.t.names.queue_table
    }
}
