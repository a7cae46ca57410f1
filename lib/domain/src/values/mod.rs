//! The values every layer speaks, each parsed once at the edge: ids, dates and seat
//! numbers (`ids`), money (`money`), instants and the injected clock (`clock`).

pub mod clock;
pub mod hex;
pub mod ids;
pub mod money;
