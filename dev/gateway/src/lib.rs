//! Local stand-ins for what AWS does around the functions: API Gateway's routing (the
//! HttpApi routes of template.yaml, mounted on the very handlers the Lambda binaries run),
//! EventBridge's schedule (the admitter tick) and the SQS event source (hold releases).

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use serde::Deserialize;
use ticketing::http::{problem, MAX_BODY_BYTES};
use ticketing::wiring::Services;
use ticketing::Error;

#[derive(Debug, Deserialize, Clone)]
pub struct Route {
    pub method: String,
    pub path: String,
    pub function: String,
}

impl Route {
    pub fn matches(&self, method: &str, path: &str) -> bool {
        let want: Vec<&str> = self.path.split('/').filter(|s| !s.is_empty()).collect();
        let got: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        self.method == method
            && want.len() == got.len()
            && want.iter().zip(&got).all(|(w, g)| (w.starts_with('{') && w.ends_with('}')) || w == g)
    }
}

pub type Reply = hyper::Response<Full<Bytes>>;

/// Hand a request to the named function's handler, as API Gateway would invoke it.
pub async fn dispatch(
    s: &Services,
    function: &str,
    req: lambda_http::Request,
) -> lambda_http::Response<lambda_http::Body> {
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

pub async fn serve(
    s: Arc<Services>,
    routes: Arc<Vec<Route>>,
    req: hyper::Request<Incoming>,
) -> Result<Reply, Infallible> {
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
pub async fn admitter_loop(s: Arc<Services>) {
    loop {
        if let Err(e) = fn_admitter::tick(&s).await {
            tracing::warn!(error = %e, "admitter tick failed");
        }
        tokio::time::sleep(s.settings.queue.tick_every).await;
    }
}

/// The SQS event source's part: receive hold-release messages and hand them to the consumer.
pub async fn hold_expiry_loop(s: Arc<Services>, sqs: aws_sdk_sqs::Client) {
    let url = s.settings.resources.hold_expiry_queue_url.clone();
    loop {
        let received =
            sqs.receive_message().queue_url(&url).max_number_of_messages(10).wait_time_seconds(1).send().await;
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
