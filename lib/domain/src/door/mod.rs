//! From payment to the door (docs/tickets.md): every paid seat is a ticket with a booking
//! number and a rotating code only its holder's app can show (`tickets`), a gate lets
//! each ticket in once (`gate`), and a holder may pass a ticket on at face value
//! (`transfer`).

pub mod gate;
pub mod store;
pub mod tickets;
pub mod transfer;
