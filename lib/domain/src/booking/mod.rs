//! Booking: a fan holds seats (`hold`), pays for them from the wallet (`payment`), and may
//! refund a paid seat by the concert's schedule (`refund`); `reservation` is what each of
//! them acts on, `store` what they need of storage.

pub mod hold;
pub mod payment;
pub mod records;
pub mod refund;
pub mod reservation;
pub mod store;
