//! The tables' vocabulary, defined once: for each table its keys (`queue`, `catalog`,
//! `reservation`, `wallet`: key builders, fixed keys, prefixes, stored status strings,
//! how long TTL keeps its items), and the attribute names every table's items use
//! (`attr`). Items, conditions and updates are built from these names, never from
//! literals; docs/data-model.md describes the same tables.

pub mod attr;
pub mod catalog;
pub mod queue;
pub mod reservation;
pub mod wallet;
