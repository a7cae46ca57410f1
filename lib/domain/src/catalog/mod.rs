//! The catalog and its sales: concerts, their dates and seats (`concert`), browsing them
//! (`browse`), and the operator's side (`spec`, `operator`, `numbers`).

pub mod browse;
pub mod concert;
pub mod numbers;
pub mod operator;
pub mod spec;
pub mod store;
