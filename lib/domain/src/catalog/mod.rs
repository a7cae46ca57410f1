//! The catalog and its sales: concerts, their dates and seats (`concert`), browsing them
//! (`browse`), the operator's side (`spec`, `operator`, `numbers`), and the venues they
//! play in (`venue`, `venues`).

pub mod browse;
pub mod concert;
pub mod numbers;
pub mod operator;
pub mod spec;
pub mod store;
pub mod venue;
pub mod venues;
