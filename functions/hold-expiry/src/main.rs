//! Lambda entry point for the SQS event source (partial batch responses).

use std::sync::Arc;

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent};
use edge::wiring::{init_tracing, Services};
use lambda_runtime::{run, service_fn, LambdaEvent};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    init_tracing();
    let services = Arc::new(Services::from_env().await?);
    run(service_fn(move |event: LambdaEvent<SqsEvent>| {
        let services = services.clone();
        async move {
            let mut response = SqsBatchResponse::default();
            for record in event.payload.records {
                let body = record.body.unwrap_or_default();
                if let Err(e) = fn_hold_expiry::process(&services, &body).await {
                    tracing::error!(error = %e, "hold-release message failed; SQS will redeliver");
                    let mut failure = BatchItemFailure::default();
                    failure.item_identifier = record.message_id.unwrap_or_default();
                    response.batch_item_failures.push(failure);
                }
            }
            Ok::<_, lambda_runtime::Error>(response)
        }
    }))
    .await
}
