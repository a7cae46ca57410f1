//! Consumer of the delayed hold-release messages.

use adapters::sqs::HoldExpiryMessage;
use domain::{Error, Result};
use edge::wiring::Services;

/// Handle one message body. A body that is not a release message is dropped with a log
/// line (retrying it could never succeed); infrastructure errors are returned so SQS
/// redelivers the message.
pub async fn process(s: &Services, body: &str) -> Result<()> {
    let id = match HoldExpiryMessage::parse(body) {
        Ok(id) => id,
        Err(Error::InvalidInput(why)) => {
            tracing::warn!(%why, "dropping malformed hold-release message");
            return Ok(());
        }
        Err(e) => return Err(e),
    };
    s.holds.on_expiry_message(id).await
}
