//! Runtime-agnostic traits and types of [anyloop].
//!
//! This crate depends on no async runtime. It defines:
//!
//! - the ideas every backend implements: [`Spawn`] (run a future or a
//!   blocking closure as a task), [`Timer`] (fire at a deadline),
//!   [`net::Net`] (sockets, as `futures-io` byte streams) and [`BlockOn`]
//!   (drive a future to completion on the current thread);
//! - the shared task types: [`task::JoinError`], [`task::TaskHandle`],
//!   [`task::AbortOnDrop`] and [`task::yield_now`];
//! - the shared time types, written once over any [`Timer`]:
//!   [`time::Sleep`], [`time::Timeout`], [`time::Interval`] and
//!   [`time::Elapsed`].
//! - the object-safe face, [`dyn_rt::DynRuntime`]: every [`Runtime`] as a
//!   value behind `Arc<dyn DynRuntime>`, which is a [`Runtime`] again.
//!
//! Application and library code normally uses the `anyloop` crate, which
//! re-exports these traits and adds the ambient API (`anyloop::spawn`,
//! `anyloop::time::sleep`, ...). Depend on this crate directly when writing
//! a backend, or when a library wants the *static face* only: generic code
//! over `R: Runtime`, which compiles to the backend's native calls.
//!
//! # Examples
//!
//! A library function written once, generic over the runtime:
//!
//! ```
//! use std::time::Duration;
//! use anyloop::rt::{Runtime, Spawn, TimerExt};
//!
//! async fn fetch_twice<R: Runtime>(rt: &R) -> u32 {
//!     let first = rt.spawn(async { 20 });
//!     rt.sleep(Duration::from_millis(1)).await;
//!     first.await.unwrap() + 22
//! }
//!
//! let answer = anyloop::run(fetch_twice(&anyloop::rt::Smol));
//! assert_eq!(answer, 42);
//! ```
//!
//! [anyloop]: https://docs.rs/anyloop

#![deny(missing_docs)]
#![warn(missing_debug_implementations, rust_2018_idioms, unreachable_pub)]
#![deny(unsafe_code)]

pub mod backend;
pub mod dyn_rt;
pub mod local;
#[doc(hidden)]
pub mod mark;
pub mod net;
pub mod task;
pub mod time;

use std::future::Future;
use std::time::Instant;

use task::{JoinError, TaskHandle};

/// Runs futures and blocking closures as tasks.
///
/// Implemented by every backend's handle type (`Tokio`, `AsyncStd`, `Smol`).
/// The handles returned have one meaning on every backend: dropping one
/// detaches the task, [`TaskHandle::abort`] cancels it, and a panic in the
/// task is returned as a [`JoinError`] instead of unwinding into the runtime.
pub trait Spawn {
    /// The handle returned by [`spawn`](Spawn::spawn) and
    /// [`spawn_blocking`](Spawn::spawn_blocking).
    type JoinHandle<T: Send + 'static>: TaskHandle
        + Future<Output = Result<T, JoinError>>
        + Send
        + Sync
        + Unpin
        + 'static;

    /// Spawns `future` as a new task and returns a handle to its output.
    ///
    /// The task starts running without being awaited. Dropping the handle
    /// detaches the task: it still runs to completion.
    fn spawn<F>(&self, future: F) -> Self::JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static;

    /// Runs the blocking closure `f` on the runtime's blocking thread pool,
    /// never on a thread that runs async tasks.
    fn spawn_blocking<F, T>(&self, f: F) -> Self::JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static;
}

/// The runtime's timer: a future that completes at a deadline.
///
/// Backends implement this with their native timer. The uniform semantics
/// (`sleep(Duration::ZERO)` yields once, a past deadline is ready at once)
/// are added once, by [`time::Sleep`]; use it through [`TimerExt`].
pub trait Timer {
    /// The native timer future. Its output is ignored.
    type Delay: Future + Send + Sync + 'static;

    /// Creates a native timer that completes at or after `deadline`.
    fn delay_until(&self, deadline: Instant) -> Self::Delay;

    /// Moves a native timer to a new deadline.
    fn reset(&self, delay: std::pin::Pin<&mut Self::Delay>, deadline: Instant);
}

/// Drives a future to completion on the current thread.
pub trait BlockOn {
    /// Runs `future` to completion, blocking the current thread, and returns
    /// its output. Tasks spawned meanwhile run on the runtime.
    fn block_on<F: Future>(&self, future: F) -> F::Output;
}

/// A runtime: spawning, timers and sockets, cheap to clone and shareable.
///
/// This is the bound a runtime-generic library writes against:
/// `async fn work<R: Runtime>(rt: &R)`. It is implemented for every type
/// that implements its supertraits.
pub trait Runtime: Spawn + Timer + net::Net + Clone + Send + Sync + 'static {}

impl<R: Spawn + Timer + net::Net + Clone + Send + Sync + 'static> Runtime for R {}

pub use time::TimerExt;
