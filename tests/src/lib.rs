//! Harness for the integration tests: one test `App` (services wired to the local emulators,
//! the environment `make test` writes, and template.yaml's routes to the functions' own
//! handlers) with a typed helper per request the tests send, `swarm` worker processes for
//! multi-instance claims, and the local DynamoDB's fault control. Each test makes its own
//! concert and users, so tests share the emulator safely.

mod app;
mod call;
mod faults;
mod swarm;

pub use app::{setup, App, Fan, Request};
pub use call::{faults_on, identity, jwt, routes, Answer, Call, SignIn};
pub use faults::{add_fault, fault_left};
pub use swarm::{split, swarm, Job};
