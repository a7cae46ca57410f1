//! The values every layer speaks, each parsed once at the edge: ids, dates and seat
//! numbers (`ids`), money (`money`), instants and the injected clock (`clock`), the keys the service signs with
//! (`signing_key`).

pub mod clock;
pub mod hex;
pub mod ids;
pub mod money;
pub mod signing_key;
