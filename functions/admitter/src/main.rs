//! Lambda entry point for the EventBridge schedule.

use std::sync::Arc;

use aws_lambda_events::event::eventbridge::EventBridgeEvent;
use edge::wiring::{init_tracing, Services};
use lambda_runtime::{run, service_fn, LambdaEvent};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    init_tracing();
    let services = Arc::new(Services::from_env().await?);
    run(service_fn(move |_event: LambdaEvent<EventBridgeEvent<serde_json::Value>>| {
        let services = services.clone();
        async move { fn_admitter::invocation(&services).await.map_err(lambda_runtime::Error::from) }
    }))
    .await
}
