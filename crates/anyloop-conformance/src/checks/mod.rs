//! The checks, one `async fn` per behaviour, by area. Run them through
//! [`tests!`](crate::tests) or [`Kit`](crate::Kit); the list of them is
//! `__for_each_check!` in the crate root.

pub mod task;
pub mod tcp;
pub mod time;
pub mod types;
pub mod udp;
#[cfg(unix)]
pub mod unix;
