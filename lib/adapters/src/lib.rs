//! The domain's storage traits on AWS: `dynamo` for the tables (every condition the
//! domain relies on is written there), `sqs` for delayed hold releases and outbox events.

pub mod dynamo;
pub mod sqs;

/// Where the data lives.
#[derive(Debug, Clone)]
pub struct Resources {
    pub queue_table: String,
    pub catalog_table: String,
    pub reservation_table: String,
    pub wallet_table: String,
    pub hold_expiry_queue_url: String,
    pub payment_events_queue_url: String,
}
