//! The [tokio] backend of [anyloop].
//!
//! [`Tokio`] implements the runtime-agnostic traits of `anyloop-core` with
//! tokio's own calls (`tokio::spawn`, `tokio::task::spawn_blocking`,
//! `tokio::time::sleep_until`), so generic code over
//! [`Runtime`](anyloop_core::Runtime) compiles to what the native call would.
//! [`Runtime`] builds a tokio runtime that anyloop's ambient API recognises.
//!
//! Applications normally reach this crate through `anyloop` with the `tokio`
//! feature.
//!
//! # Examples
//!
//! ```
//! use anyloop::rt::{BlockOn, Spawn};
//! use anyloop_tokio::{Runtime, Tokio};
//!
//! let rt = Runtime::current_thread()?;
//! let answer = rt.block_on(async { Tokio.spawn(async { 42 }).await.unwrap() });
//! assert_eq!(answer, 42);
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! [tokio]: https://docs.rs/tokio
//! [anyloop]: https://docs.rs/anyloop

#![deny(missing_docs)]
#![warn(missing_debug_implementations, rust_2018_idioms, unreachable_pub)]
#![forbid(unsafe_code)]

pub mod fs;
mod local;
pub mod net;
pub mod process;
pub mod signal;

pub use local::{in_local_context, try_spawn_local};

use std::cell::Cell;
use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use anyloop_core::task::{JoinError, TaskHandle};
use anyloop_core::{BlockOn, Spawn, Timer};

/// The tokio runtime that runs the caller.
///
/// Spawning and timers go to tokio's ambient context, exactly as
/// `tokio::spawn` and `tokio::time::sleep` do: calling them outside a tokio
/// runtime panics (check [`Tokio::is_current`] first).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tokio;

thread_local! {
    // Set on the threads of runtimes built by `Runtime`, so that detecting
    // them costs no reference count on tokio's handle.
    static IN_RUNTIME: Cell<bool> = const { Cell::new(false) };
}

impl Tokio {
    /// Returns `true` if the calling thread is inside a tokio runtime,
    /// whether anyloop or the application started it.
    pub fn is_current() -> bool {
        Tokio::is_anyloop_thread() || tokio::runtime::Handle::try_current().is_ok()
    }

    /// Returns `true` on the threads of a [`Runtime`] (its workers, its
    /// blocking threads, and inside its `block_on`): the cheap part of
    /// [`is_current`](Tokio::is_current), a thread-local read.
    #[inline]
    pub fn is_anyloop_thread() -> bool {
        IN_RUNTIME.get()
    }
}

/// Whether the calling thread may block waiting for a future, as far as
/// tokio's public API tells; see [`blocking_context`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BlockingContext {
    /// No tokio runtime on this thread: blocking is the caller's business.
    Outside,
    /// Inside a multi-thread runtime: blocking is safe inside
    /// [`block_in_place`], which hands a worker's tasks to another thread
    /// (and just runs the closure on a blocking thread or in `block_on`).
    InPlace,
    /// Inside a current-thread runtime, whose only thread may be the one
    /// that must run the awaited future: blocking could deadlock. (A native
    /// `spawn_blocking` thread of such a runtime looks the same from here.)
    Forbidden,
}

/// Tells whether the calling thread may block waiting for a future.
///
/// # Examples
///
/// ```
/// use anyloop_tokio::{BlockingContext, blocking_context};
///
/// assert_eq!(blocking_context(), BlockingContext::Outside);
/// let rt = tokio::runtime::Builder::new_current_thread().build()?;
/// assert_eq!(rt.block_on(async { blocking_context() }), BlockingContext::Forbidden);
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn blocking_context() -> BlockingContext {
    match tokio::runtime::Handle::try_current() {
        Err(_) => BlockingContext::Outside,
        Ok(handle) => match handle.runtime_flavor() {
            tokio::runtime::RuntimeFlavor::CurrentThread => BlockingContext::Forbidden,
            _ => BlockingContext::InPlace,
        },
    }
}

/// Runs blocking code on a worker thread of a multi-thread runtime without
/// stalling the runtime: tokio's `block_in_place`.
///
/// # Panics
///
/// On a current-thread runtime's thread (check [`blocking_context`]).
///
/// # Examples
///
/// ```
/// use anyloop::rt::BlockOn;
///
/// let rt = anyloop_tokio::Runtime::multi_thread(Some(1))?;
/// let sum = rt.block_on(async {
///     anyloop::spawn(async {
///         // The only worker blocks; its other tasks move to another thread.
///         anyloop_tokio::block_in_place(|| (1..=4).sum::<u32>())
///     })
///     .await
///     .unwrap()
/// });
/// assert_eq!(sum, 10);
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn block_in_place<R>(f: impl FnOnce() -> R) -> R {
    tokio::task::block_in_place(f)
}

/// An owned permission to join a task; see
/// [`TaskHandle`] for its semantics.
pub struct JoinHandle<T>(tokio::task::JoinHandle<T>);

impl<T> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    #[inline]
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0).poll(cx).map(|result| {
            result.map_err(|err| match err.try_into_panic() {
                Ok(payload) => JoinError::panic(payload),
                Err(_) => JoinError::cancelled(),
            })
        })
    }
}

impl<T> TaskHandle for JoinHandle<T> {
    fn abort(&self) {
        self.0.abort();
    }

    fn is_finished(&self) -> bool {
        self.0.is_finished()
    }
}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinHandle")
            .field("id", &self.0.id())
            .finish()
    }
}

/// Spawns `future` on the runtime of `handle`, from any thread.
///
/// A runtime that has shut down cancels the task at once: awaiting the
/// handle gives [`JoinError::is_cancelled`].
pub fn spawn_on<F>(handle: &tokio::runtime::Handle, future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    JoinHandle(handle.spawn(future))
}

/// tokio's handle to a runtime, as [`spawn_on`] takes it.
pub use tokio::runtime::Handle as TokioHandle;

impl Spawn for Tokio {
    type JoinHandle<T: Send + 'static> = JoinHandle<T>;

    #[inline]
    fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        JoinHandle(tokio::spawn(future))
    }

    #[inline]
    fn spawn_blocking<F, T>(&self, f: F) -> JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        JoinHandle(tokio::task::spawn_blocking(f))
    }
}

impl Timer for Tokio {
    type Delay = tokio::time::Sleep;

    #[inline]
    fn delay_until(&self, deadline: Instant) -> tokio::time::Sleep {
        tokio::time::sleep_until(representable(deadline).into())
    }

    #[inline]
    fn reset(&self, delay: Pin<&mut tokio::time::Sleep>, deadline: Instant) {
        delay.reset(representable(deadline).into());
    }
}

/// A deadline tokio's timer can take: it rounds every deadline up to its
/// next 1 ms tick, and panics when that overflows `Instant`. A deadline that
/// close to the end of the clock becomes tokio's own "far future", 30 years
/// on, which is as good as never.
#[inline]
fn representable(deadline: Instant) -> Instant {
    if deadline.checked_add(Duration::from_millis(1)).is_some() {
        return deadline;
    }
    let far_future = Instant::now().checked_add(Duration::from_secs(86_400 * 365 * 30));
    far_future.map_or(deadline, |far| far.min(deadline))
}

/// A tokio runtime with the I/O and time drivers enabled, whose threads
/// anyloop's ambient API recognises.
///
/// Dropping it shuts it down: outside async code it waits for its worker
/// threads to stop, as tokio does; inside async code (a task of another
/// runtime, where tokio would panic because blocking is not allowed there)
/// it shuts down in the background, without waiting. Either way every task
/// that has not completed is dropped.
///
/// # Examples
///
/// ```
/// use anyloop::rt::BlockOn;
///
/// let rt = anyloop_tokio::Runtime::multi_thread(Some(2))?;
/// assert_eq!(rt.block_on(async { 1 + 1 }), 2);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct Runtime {
    // `None` only while dropping.
    inner: Option<tokio::runtime::Runtime>,
}

impl Runtime {
    /// A runtime that runs every task on the thread that calls
    /// [`block_on`](BlockOn::block_on).
    pub fn current_thread() -> io::Result<Runtime> {
        Self::build(tokio::runtime::Builder::new_current_thread())
    }

    /// A work-stealing runtime with `worker_threads` threads (default: one
    /// per CPU).
    ///
    /// # Errors
    ///
    /// `InvalidInput` if `worker_threads` is `Some(0)`, or the I/O error of a
    /// failed start.
    pub fn multi_thread(worker_threads: Option<usize>) -> io::Result<Runtime> {
        let mut builder = tokio::runtime::Builder::new_multi_thread();
        match worker_threads {
            Some(0) => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "a multi-thread runtime needs at least one worker thread",
                ));
            }
            Some(n) => {
                builder.worker_threads(n);
            }
            None => {}
        }
        Self::build(builder)
    }

    fn build(mut builder: tokio::runtime::Builder) -> io::Result<Runtime> {
        let inner = builder
            .enable_all()
            .on_thread_start(|| IN_RUNTIME.set(true))
            .build()?;
        Ok(Runtime { inner: Some(inner) })
    }

    fn tokio(&self) -> &tokio::runtime::Runtime {
        self.inner
            .as_ref()
            .expect("the runtime is only taken by drop")
    }

    /// Returns tokio's handle to this runtime.
    pub fn handle(&self) -> &tokio::runtime::Handle {
        self.tokio().handle()
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        let Some(runtime) = self.inner.take() else {
            return;
        };
        // tokio panics when a runtime is dropped where blocking is not
        // allowed: inside any tokio runtime's async context. `try_current`
        // also answers on blocking threads, where waiting would be allowed;
        // shutting down in the background there too is still correct.
        if tokio::runtime::Handle::try_current().is_ok() {
            runtime.shutdown_background();
        }
    }
}

impl BlockOn for Runtime {
    /// Runs `future` on this thread in a local context: [`try_spawn_local`]
    /// works inside it.
    fn block_on<F: Future>(&self, future: F) -> F::Output {
        let was = IN_RUNTIME.replace(true);
        let _restore = Restore(was);
        // The thread runs tokio's async code (and, on a current-thread
        // runtime, its tasks): the umbrella's tasks polled here find the
        // mark set (see `anyloop_core::mark`). Not on worker threads:
        // `on_thread_start` also runs on blocking threads.
        let _mark = anyloop_core::mark::Enter::new(anyloop_core::mark::Mark::new(
            anyloop_core::mark::Mark::TOKIO,
            0,
            true,
        ));
        let future = std::pin::pin!(future);
        self.tokio().block_on(local::scope(future))
    }
}

struct Restore(bool);

impl Drop for Restore {
    fn drop(&mut self) {
        IN_RUNTIME.set(self.0);
    }
}
