//! DynamoDB adapters of the domain's storage traits. Every write that the domain relies
//! on for correctness is a condition expression or a transaction here; the exact
//! conditions are listed in docs/data-model.md.

mod catalog;
mod door;
mod line;
mod payment;
mod refund;
mod reservation;
pub mod schema;
#[cfg(test)]
mod tests;
mod venue;
mod wallet;

use std::collections::HashMap;
use std::str::FromStr;

use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::builders::UpdateBuilder;
use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes, Put, TransactWriteItem};
use aws_sdk_dynamodb::Client;

use crate::Resources;
use domain::error::{Error, Result};
use schema::attr::{PK, SK};

pub use catalog::DynamoCatalog;
pub use door::DynamoDoor;
pub use line::DynamoQueue;
pub use payment::DynamoPayments;
pub use refund::DynamoRefunds;
pub use reservation::DynamoHolds;
pub use wallet::DynamoWallet;

pub(crate) type Item = HashMap<String, AttributeValue>;

/// Every DynamoDB-backed store, sharing one client.
#[derive(Clone)]
pub struct Tables {
    pub client: Client,
    pub names: Resources,
}

impl Tables {
    pub fn new(client: Client, names: Resources) -> Self {
        Self { client, names }
    }
}

pub(crate) fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

pub(crate) fn n(v: impl ToString) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

pub(crate) fn key(pk: impl Into<String>) -> Item {
    HashMap::from([(PK.to_owned(), s(pk))])
}

pub(crate) fn key2(pk: impl Into<String>, sk: impl Into<String>) -> Item {
    HashMap::from([(PK.to_owned(), s(pk)), (SK.to_owned(), s(sk))])
}

fn corrupt(name: &str) -> Error {
    Error::Infrastructure(format!("stored item lacks a valid `{name}`"))
}

pub(crate) fn get_s<'a>(item: &'a Item, name: &str) -> Result<&'a str> {
    item.get(name).and_then(|v| v.as_s().ok()).map(String::as_str).ok_or_else(|| corrupt(name))
}

/// The sort key of an item, empty for items of single-key tables.
pub(crate) fn sk_of(item: &Item) -> &str {
    item.get(SK).and_then(|v| v.as_s().ok()).map_or("", String::as_str)
}

pub(crate) fn get_n<T: FromStr>(item: &Item, name: &str) -> Result<T> {
    opt_n(item, name)?.ok_or_else(|| corrupt(name))
}

pub(crate) fn opt_n<T: FromStr>(item: &Item, name: &str) -> Result<Option<T>> {
    match item.get(name) {
        None => Ok(None),
        Some(v) => v.as_n().ok().and_then(|x| x.parse().ok()).map(Some).ok_or_else(|| corrupt(name)),
    }
}

pub(crate) fn infra<E: std::fmt::Debug>(e: E) -> Error {
    Error::infrastructure(e)
}

/// True when a single-item write failed only because its condition was false.
pub(crate) fn condition_failed<E, R>(e: &SdkError<E, R>) -> bool
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata,
{
    matches!(e, SdkError::ServiceError(se) if se.err().code() == Some("ConditionalCheckFailedException"))
}

/// Whether a conditional single-item write was applied: false when only its condition
/// failed, any other failure read as `sdk` reads it.
pub(crate) fn applied<T, E, R>(out: std::result::Result<T, SdkError<E, R>>) -> Result<bool>
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata + std::fmt::Debug,
    R: std::fmt::Debug,
{
    match out {
        Ok(_) => Ok(true),
        Err(e) if condition_failed(&e) => Ok(false),
        Err(e) => Err(sdk(e)),
    }
}

/// The domain's reading of a failed call, after the SDK's own retries (docs/failure-modes.md):
/// - `TransactionConflictException` (a single-item write met a transaction in flight; the
///   SDK does not retry it): `Contention`, nothing applied.
/// - throttling: `Throttled`, nothing applied.
/// - a 5xx, a timeout or a broken connection: `Unavailable`, a write may have been applied.
/// - anything else (validation, access) is a defect: `Infrastructure`.
pub(crate) fn sdk<E, R>(e: SdkError<E, R>) -> Error
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata + std::fmt::Debug,
    R: std::fmt::Debug,
{
    match &e {
        SdkError::ServiceError(se) => match se.err().code() {
            Some(code) => match error_kind(code) {
                Some(kind) => {
                    tracing::warn!(code, "DynamoDB refused a request");
                    kind
                }
                None => infra(e),
            },
            None => infra(e),
        },
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => {
            tracing::warn!(error = ?e, "DynamoDB did not answer");
            Error::Unavailable
        }
        _ => infra(e),
    }
}

/// The retryable DynamoDB error codes, by what they mean for the request.
pub(crate) fn error_kind(code: &str) -> Option<Error> {
    match code {
        "TransactionConflictException" | "TransactionInProgressException" => Some(Error::Contention),
        "ProvisionedThroughputExceededException" | "ThrottlingException" | "RequestLimitExceeded" => {
            Some(Error::Throttled)
        }
        "InternalServerError" | "InternalFailure" | "ServiceUnavailable" => Some(Error::Unavailable),
        _ => None,
    }
}

/// What a cancelled transaction's reasons mean: `Ok(failed)` lists the items whose condition
/// was false (a decided outcome); `Err` is a retryable kind or a defect.
pub(crate) fn cancellation(reasons: &[Option<&str>]) -> std::result::Result<Vec<usize>, Error> {
    let failed: Vec<usize> =
        reasons.iter().enumerate().filter(|(_, r)| **r == Some("ConditionalCheckFailed")).map(|(i, _)| i).collect();
    if !failed.is_empty() {
        return Ok(failed);
    }
    let other = |code: &str| reasons.contains(&Some(code));
    if other("TransactionConflict") {
        Err(Error::Contention)
    } else if other("ThrottlingError") || other("ProvisionedThroughputExceeded") {
        Err(Error::Throttled)
    } else {
        // ValidationError, ItemCollectionSizeLimitExceeded, ...: retrying cannot help.
        Err(Error::Infrastructure(format!("transaction cancelled: {reasons:?}")))
    }
}

/// Run a transaction. `Ok(Err(failed))` lists the indexes of items whose condition failed.
/// The SDK gives every call a `ClientRequestToken`, so its own retries of a transaction
/// that was applied but answered with an error are answered, not applied again.
pub(crate) async fn transact(
    client: &Client,
    items: Vec<TransactWriteItem>,
) -> Result<std::result::Result<(), Vec<usize>>> {
    match client.transact_write_items().set_transact_items(Some(items)).send().await {
        Ok(_) => Ok(Ok(())),
        Err(e) => {
            if let SdkError::ServiceError(se) = &e {
                if let TransactWriteItemsError::TransactionCanceledException(tc) = se.err() {
                    let reasons: Vec<Option<&str>> = tc.cancellation_reasons().iter().map(|r| r.code()).collect();
                    return cancellation(&reasons).map(Err);
                }
            }
            Err(sdk(e))
        }
    }
}

/// Every item of a Query, following pages.
pub(crate) async fn query_all(
    client: &Client,
    table: &str,
    key_condition: &str,
    values: Item,
    newest_first: bool,
) -> Result<Vec<Item>> {
    let mut out = Vec::new();
    let mut start: Option<Item> = None;
    loop {
        let page = client
            .query()
            .table_name(table)
            .key_condition_expression(key_condition)
            .set_expression_attribute_values(Some(values.clone()))
            .consistent_read(true)
            .scan_index_forward(!newest_first)
            .set_exclusive_start_key(start.take())
            .send()
            .await
            .map_err(sdk)?;
        out.extend(page.items().iter().cloned());
        match page.last_evaluated_key() {
            Some(k) if !k.is_empty() => start = Some(k.clone()),
            _ => return Ok(out),
        }
    }
}

/// Strongly consistent BatchGetItem of up to 100 keys of one table. Unprocessed keys (the
/// table was throttled) are asked again with backoff, then the request is `Throttled`.
pub(crate) async fn batch_get(client: &Client, table: &str, keys: Vec<Item>) -> Result<Vec<Item>> {
    let mut out = Vec::new();
    let mut pending = keys;
    for attempt in 0.. {
        if pending.is_empty() {
            return Ok(out);
        }
        if attempt > 0 {
            match domain::retry::decide(&Error::Throttled, attempt - 1) {
                domain::retry::Decision::RetryWithin(cap) => domain::retry::pause(cap).await,
                domain::retry::Decision::GiveUp => break,
            }
        }
        let request = KeysAndAttributes::builder()
            .set_keys(Some(std::mem::take(&mut pending)))
            .consistent_read(true)
            .build()
            .map_err(infra)?;
        let resp = client.batch_get_item().request_items(table, request).send().await.map_err(sdk)?;
        if let Some(items) = resp.responses().and_then(|r| r.get(table)) {
            out.extend(items.iter().cloned());
        }
        if let Some(left) = resp.unprocessed_keys().and_then(|u| u.get(table)) {
            pending = left.keys().to_vec();
        }
    }
    Err(Error::Throttled)
}

/// Transaction items of the updates built so far, in their order (a failed condition's
/// index in the transaction names its update).
pub(crate) fn updates(builders: impl IntoIterator<Item = UpdateBuilder>) -> Result<Vec<TransactWriteItem>> {
    builders
        .into_iter()
        .map(|u| u.build().map(|u| TransactWriteItem::builder().update(u).build()).map_err(infra))
        .collect()
}

/// A transaction item that creates `item`, which must not exist yet.
pub(crate) fn put(table: &str, item: Item) -> Result<TransactWriteItem> {
    let p = Put::builder()
        .table_name(table)
        .set_item(Some(item))
        .condition_expression(format!("attribute_not_exists({PK})"))
        .build()
        .map_err(infra)?;
    Ok(TransactWriteItem::builder().put(p).build())
}
