//! What every Lambda shares: `config` reads the settings once per cold start, `wiring`
//! builds the services on AWS, `identity` reads the caller from the JWT authorizer's
//! claims, `http` parses requests into domain types and maps every domain error to a
//! problem, `wire` gives the operator's JSON shapes.

pub mod config;
pub mod http;
pub mod identity;
pub mod wire;
pub mod wiring;
