//! `make run`'s service on 127.0.0.1: the HttpApi routes of template.yaml mounted on the
//! very handlers the Lambda binaries run, the admitter on its tick, the hold-release
//! queue polled like the SQS event source, and the demo concert seeded.
//!
//! usage: gateway ROUTES_JSON   (env: PORT, SEED_DEMO, plus the functions' own variables)

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde::Deserialize;
use ticketing::catalog::{demo_concert, CatalogStore};
use ticketing::http::{problem, MAX_BODY_BYTES};
use ticketing::wiring::{init_tracing, Services};
use ticketing::Error;
use tokio::net::TcpListener;

#[derive(Debug, Deserialize, Clone)]
struct Route {
    method: String,
    path: String,
    function: String,
}

impl Route {
    fn matches(&self, method: &str, path: &str) -> bool {
        let want: Vec<&str> = self.path.split('/').filter(|s| !s.is_empty()).collect();
        let got: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        self.method == method
            && want.len() == got.len()
            && want.iter().zip(&got).all(|(w, g)| (w.starts_with('{') && w.ends_with('}')) || w == g)
    }
}

type Reply = hyper::Response<Full<Bytes>>;

async fn dispatch(s: &Services, function: &str, req: lambda_http::Request) -> lambda_http::Response<lambda_http::Body> {
    match function {
        "queue" => fn_queue::handle(s, req).await,
        "availability" => fn_availability::handle(s, req).await,
        "reservation" => fn_reservation::handle(s, req).await,
        "balance" => fn_balance::handle(s, req).await,
        "payment" => fn_payment::handle(s, req).await,
        _ => problem(&Error::RouteNotFound),
    }
}

fn to_hyper(resp: lambda_http::Response<lambda_http::Body>) -> Reply {
    let (parts, body) = resp.into_parts();
    hyper::Response::from_parts(parts, Full::new(Bytes::from(body.to_vec())))
}

async fn serve(s: Arc<Services>, routes: Arc<Vec<Route>>, req: hyper::Request<Incoming>) -> Result<Reply, Infallible> {
    let method = req.method().as_str().to_owned();
    let path = req.uri().path().to_owned();
    let Some(route) = routes.iter().find(|r| r.matches(&method, &path)) else {
        return Ok(to_hyper(problem(&Error::RouteNotFound)));
    };
    let (parts, body) = req.into_parts();
    let bytes = match Limited::new(body, MAX_BODY_BYTES + 1).collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => return Ok(to_hyper(problem(&Error::BodyTooLarge(MAX_BODY_BYTES)))),
    };
    let body = if bytes.is_empty() { lambda_http::Body::Empty } else { lambda_http::Body::from(bytes.to_vec()) };
    let started = std::time::Instant::now();
    let resp = dispatch(&s, &route.function, http::Request::from_parts(parts, body)).await;
    tracing::debug!(%method, %path, status = resp.status().as_u16(), ms = started.elapsed().as_millis() as u64, "request");
    Ok(to_hyper(resp))
}

/// EventBridge's part: tick the admitter every TICK_SECONDS.
async fn admitter_loop(s: Arc<Services>) {
    loop {
        if let Err(e) = fn_admitter::tick(&s).await {
            tracing::warn!(error = %e, "admitter tick failed");
        }
        tokio::time::sleep(s.settings.queue.tick_every).await;
    }
}

/// The SQS event source's part: receive hold-release messages and hand them to the consumer.
async fn hold_expiry_loop(s: Arc<Services>, sqs: aws_sdk_sqs::Client) {
    let url = s.settings.resources.hold_expiry_queue_url.clone();
    loop {
        let received = sqs.receive_message().queue_url(&url).max_number_of_messages(10).wait_time_seconds(1).send().await;
        let messages = match received {
            Ok(r) => r.messages.unwrap_or_default(),
            Err(e) => {
                tracing::warn!(error = ?e, "receiving hold-release messages failed");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        for m in messages {
            match fn_hold_expiry::process(&s, m.body().unwrap_or_default()).await {
                Ok(()) => {
                    if let Some(handle) = m.receipt_handle() {
                        let _ = sqs.delete_message().queue_url(&url).receipt_handle(handle).send().await;
                    }
                }
                Err(e) => tracing::warn!(error = %e, "hold-release message failed; it will be redelivered"),
            }
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    init_tracing();
    let routes_file = std::env::args().nth(1).ok_or("usage: gateway ROUTES_JSON")?;
    let routes: Vec<Route> = serde_json::from_str(&std::fs::read_to_string(routes_file)?)?;
    let services = Arc::new(Services::from_env().await?);
    if std::env::var("SEED_DEMO").is_ok_and(|v| v == "1") {
        let (concert, seats) = demo_concert();
        services.catalog_store.add_concert(&concert, &seats).await?;
        tracing::info!(concert = %concert.id, seats = seats.len(), "demo concert seeded");
    }
    let aws = aws_config::load_from_env().await;
    tokio::spawn(admitter_loop(services.clone()));
    tokio::spawn(hold_expiry_loop(services.clone(), aws_sdk_sqs::Client::new(&aws)));

    let port: u16 = std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(3000);
    let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port))).await?;
    tracing::info!(port, routes = routes.len(), "serving the HttpApi routes of template.yaml");
    let routes = Arc::new(routes);
    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => accepted?,
            _ = tokio::signal::ctrl_c() => return Ok(()),
        };
        let (s, r) = (services.clone(), routes.clone());
        tokio::spawn(async move {
            let svc = service_fn(move |req| serve(s.clone(), r.clone(), req));
            if let Err(e) = http1::Builder::new().serve_connection(TokioIo::new(stream), svc).await {
                tracing::debug!(error = %e, "connection closed");
            }
        });
    }
}
