//! The sample events in events/ are what Lambda would deliver: each HTTP event converts into
//! a request that template.yaml routes to a function, and the others parse as their types.

use aws_lambda_events::event::eventbridge::EventBridgeEvent;
use aws_lambda_events::event::sqs::SqsEvent;
use lambda_http::request::LambdaRequest;

fn read(name: &str) -> String {
    std::fs::read_to_string(format!("{}/../events/{name}", env!("CARGO_MANIFEST_DIR"))).expect(name)
}

#[test]
fn every_http_sample_event_reaches_a_route_of_the_template() {
    let routes = integration_tests::routes();
    let dir = format!("{}/../events", env!("CARGO_MANIFEST_DIR"));
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name.starts_with("admitter") || name.starts_with("hold-expiry") {
            continue;
        }
        let event: LambdaRequest = serde_json::from_str(&read(&name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let req: lambda_http::Request = event.into();
        let route = routes.iter().find(|r| r.matches(req.method().as_str(), req.uri().path()));
        let route = route.unwrap_or_else(|| panic!("{name}: no route for {} {}", req.method(), req.uri().path()));
        assert!(name.starts_with(&route.function), "{name} is routed to {}", route.function);
        seen += 1;
    }
    assert_eq!(seen, routes.len(), "one sample per HTTP route");
}

#[test]
fn query_parameters_reach_the_handler_through_the_request_uri() {
    let event: LambdaRequest = serde_json::from_str(&read("balance-statement.json")).unwrap();
    let req: lambda_http::Request = event.into();
    assert_eq!(edge::http::query_param(&req, "limit"), Some("5"));
    assert_eq!(edge::http::query_param(&req, "cursor"), Some("42"));
    assert_eq!(edge::http::query_param(&req, "other"), None);
}

#[test]
fn scheduled_and_queue_sample_events_parse() {
    let _: EventBridgeEvent<serde_json::Value> = serde_json::from_str(&read("admitter-schedule.json")).unwrap();
    let sqs: SqsEvent = serde_json::from_str(&read("hold-expiry-sqs.json")).unwrap();
    let body = sqs.records[0].body.as_deref().unwrap();
    assert!(adapters::sqs::HoldExpiryMessage::parse(body).is_ok());
}

#[test]
fn the_openapi_document_describes_exactly_the_template_routes() {
    let text = std::fs::read_to_string(format!("{}/../docs/openapi.json", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let spec: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut documented: Vec<(String, String)> = spec["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, ops)| ops.as_object().unwrap().keys().map(move |m| (m.to_uppercase(), path.clone())))
        .collect();
    let mut routed: Vec<(String, String)> =
        integration_tests::routes().into_iter().map(|r| (r.method, r.path)).collect();
    documented.sort();
    routed.sort();
    assert_eq!(documented, routed);
    // Every code the service can answer (the one mapping, edge's `status_and_code`) is in
    // the document, and nothing else.
    let mut listed: Vec<&str> = spec["components"]["schemas"]["Problem"]["properties"]["code"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c.as_str())
        .collect();
    let mapping = std::fs::read_to_string(format!("{}/../lib/edge/src/http.rs", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let body = &mapping[mapping.find("pub fn status_and_code").unwrap()..];
    let body = &body[..body.find("\n}\n").unwrap()];
    let mut answered: Vec<&str> = body.split("=> (").skip(1).filter_map(|arm| arm.split('"').nth(1)).collect();
    listed.sort();
    answered.sort();
    answered.dedup();
    assert_eq!(listed, answered);
}
