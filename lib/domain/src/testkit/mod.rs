//! Test support, never in a Lambda: every store in memory (`memory`) and a whole service on
//! it with a manual clock (`world`).

pub mod memory;
#[cfg(test)]
pub mod world;
