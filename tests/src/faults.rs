//! The local DynamoDB's fault control (scripts/moto_server.py): targeted faults a test adds
//! for its own concert, user or reservation.

use std::process::Command;

use serde_json::Value;

/// Add a targeted fault to the local DynamoDB (scripts/moto_server.py, `POST
/// /_faults/rules`): the next `times` requests of operation `op` whose body contains `match`
/// (a test's own concert, user or reservation id, so that one test's faults never reach
/// another's) meet `fault` (`after_commit`, `conflict`, `throttle`). Returns the rule's id.
pub fn add_fault(op: &str, matching: &str, fault: &str, times: u32) -> u64 {
    let rule = serde_json::json!({ "op": op, "match": matching, "fault": fault, "times": times });
    fault_control("/_faults/rules", &["-X", "POST", "-d", &rule.to_string()])["id"].as_u64().expect("rule id")
}

/// How many more times rule `id` will fire (0 once every fault it promised was injected).
pub fn fault_left(id: u64) -> u64 {
    let rules = fault_control("/_faults/rules", &[]);
    rules["rules"].as_array().expect("rules").iter().find(|r| r["id"] == id).map_or(0, |r| r["times"].as_u64().unwrap())
}

fn fault_control(path: &str, args: &[&str]) -> Value {
    let endpoint = std::env::var("AWS_ENDPOINT_URL").expect("AWS_ENDPOINT_URL");
    let out = Command::new("curl")
        .args(["-sf", &format!("{endpoint}{path}")])
        .args(args)
        .output()
        .expect("curl the local DynamoDB's fault control");
    assert!(out.status.success(), "fault control refused: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("fault control answers JSON")
}
