//! Lambda entry point: build the services once per cold start, then serve requests.

use std::convert::Infallible;
use std::sync::Arc;

use lambda_http::{run, service_fn, Request};
use ticketing::wiring::{init_tracing, Services};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    init_tracing();
    let services = Arc::new(Services::from_env().await?);
    run(service_fn(move |req: Request| {
        let services = services.clone();
        async move { Ok::<_, Infallible>(fn_reservation::handle(&services, req).await) }
    }))
    .await
}
