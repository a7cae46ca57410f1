//! SQS adapters: delayed hold-release messages and the outbox's events (PaymentCompleted,
//! ReservationCancelled). Neither is
//! needed for correctness; both are delivered at least once, so consumers are idempotent.

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_sqs::types::MessageAttributeValue;
use aws_sdk_sqs::Client;
use serde::{Deserialize, Serialize};
use serde_json::json;

use domain::booking::records::OutboxEvent;
use domain::booking::store::EventPublisher;
use domain::booking::store::HoldExpiryScheduler;
use domain::error::{Error, Result};
use domain::values::ids::ReservationId;

/// SQS's longest delivery delay.
pub const MAX_DELAY: Duration = Duration::from_secs(900);

/// Body of a hold-release message.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HoldExpiryMessage {
    pub reservation_id: String,
}

impl HoldExpiryMessage {
    pub fn parse(body: &str) -> Result<ReservationId> {
        let m: HoldExpiryMessage = serde_json::from_str(body).map_err(|e| Error::InvalidInput(e.to_string()))?;
        ReservationId::parse(&m.reservation_id)
    }
}

pub struct SqsQueue {
    client: Client,
    url: String,
}

impl SqsQueue {
    pub fn new(client: Client, url: String) -> Self {
        Self { client, url }
    }

    async fn send(&self, body: String, delay: Duration, kind: &str) -> Result<()> {
        let delay_seconds = i32::try_from(delay.min(MAX_DELAY).as_secs()).unwrap_or(900);
        self.client
            .send_message()
            .queue_url(&self.url)
            .message_body(body)
            .delay_seconds(delay_seconds)
            .message_attributes(
                "eventType",
                MessageAttributeValue::builder()
                    .data_type("String")
                    .string_value(kind)
                    .build()
                    .map_err(Error::infrastructure)?,
            )
            .send()
            .await
            .map_err(Error::infrastructure)?;
        Ok(())
    }
}

#[async_trait]
impl HoldExpiryScheduler for SqsQueue {
    async fn schedule(&self, reservation: ReservationId, delay: Duration) -> Result<()> {
        let body = json!({ "reservationId": reservation.to_string() }).to_string();
        self.send(body, delay, "HoldExpiry").await
    }
}

#[async_trait]
impl EventPublisher for SqsQueue {
    async fn publish(&self, event: &OutboxEvent) -> Result<()> {
        self.send(event.body.to_string(), Duration::ZERO, &event.kind).await
    }
}
