//! `make run`'s service on 127.0.0.1: every route, the admitter ticking, hold releases
//! consumed, the demo concert seeded.
//!
//! usage: local-gateway ROUTES_JSON
//! env: PORT, SEED_DEMO, DEV_JWT_KEY_FILE, DEV_JWT_ISSUER, DEV_JWT_AUDIENCE (the last three
//! written by `scripts/local-aws.sh start`), WEB_DIST (the built web app, default `web/dist`),
//! plus the functions' own variables.

use std::net::SocketAddr;
use std::sync::Arc;

use domain::catalog::spec::demo_spec;
use domain::values::clock::SystemClock;
use edge::config::Settings;
use edge::wiring::init_tracing;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use local_gateway::{admitter_loop, hold_expiry_loop, serve, DevIdentity, EdgeCache, Functions, Route};
use tokio::net::TcpListener;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    init_tracing();
    let routes_file = std::env::args().nth(1).ok_or("usage: gateway ROUTES_JSON")?;
    let routes: Vec<Route> = serde_json::from_str(&std::fs::read_to_string(routes_file)?)?;
    // Before anything else starts: without its issuer the gateway could only refuse everyone.
    let identity = match DevIdentity::from_env() {
        Ok(identity) => Arc::new(identity),
        Err(e) => {
            eprintln!("local-gateway: cannot issue or verify dev tokens: {e}");
            std::process::exit(2);
        }
    };
    let functions = Arc::new(Functions::connect(Settings::from_env()?, Arc::new(SystemClock)).await);
    if std::env::var("SEED_DEMO").is_ok_and(|v| v == "1") {
        // Through the operator function, as an operator would put a concert on sale.
        let operator = &functions.of("operator").operator;
        match operator.create(&demo_spec(operator.now())?).await {
            Ok(concert) => tracing::info!(concert = %concert.id, "demo concert created, on sale now"),
            Err(domain::Error::ConcertExists) => tracing::info!("demo concert already there"),
            Err(e) => return Err(e.into()),
        }
    }
    let aws = aws_config::load_from_env().await;
    tokio::spawn(admitter_loop(functions.of("admitter").clone()));
    // The event source mapping polls with AWS's own client, as Lambda's poller does.
    tokio::spawn(hold_expiry_loop(functions.of("hold-expiry").clone(), aws_sdk_sqs::Client::new(&aws)));

    let port: u16 = std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(3000);
    let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port))).await?;
    tracing::info!(port, routes = routes.len(), "serving the HttpApi routes of template.yaml");
    tracing::info!(issuer = identity.issuer(), audience = identity.audience(), "dev login: POST /dev/login");
    let routes = Arc::new(routes);
    let edge = Arc::new(EdgeCache::default());
    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => accepted?,
            _ = tokio::signal::ctrl_c() => return Ok(()),
        };
        let (s, r, id, e) = (functions.clone(), routes.clone(), identity.clone(), edge.clone());
        tokio::spawn(async move {
            let svc = service_fn(move |req| serve(s.clone(), r.clone(), id.clone(), e.clone(), req));
            if let Err(e) = http1::Builder::new().serve_connection(TokioIo::new(stream), svc).await {
                tracing::debug!(error = %e, "connection closed");
            }
        });
    }
}
