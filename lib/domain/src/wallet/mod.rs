//! The prepaid wallet: balances, charges and the statement (`balance`), and what it needs
//! of storage (`store`).

pub mod balance;
pub mod statement;
pub mod store;
