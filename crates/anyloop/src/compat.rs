//! Tokio-only crates on every backend (feature `compat`).
//!
//! Much of the ecosystem (reqwest, tonic, hyper-util's legacy client, many
//! database drivers) calls tokio directly: `tokio::spawn`, `tokio::time`,
//! `tokio::net`. Called from a task of the smol or async-std backend, such a
//! call finds no tokio runtime and panics with tokio's message:
//!
//! ```text
//! there is no reactor running, must be called from the context of a Tokio 1.x runtime
//! ```
//!
//! The fix is to wrap the future that makes the call in [`tokio`](tokio()) (or
//! [`.compat()`](CompatExt::compat)):
//!
//! ```
//! use std::time::Duration;
//!
//! // Any backend: "smol" when it is compiled in, else the default one.
//! let backend: anyloop::Backend = "smol".parse().unwrap_or_default();
//! let rt = anyloop::Runtime::builder().backend(backend).build()?;
//! rt.block_on(async {
//!     // Without `compat::tokio`, this `tokio::time::sleep` panics on smol
//!     // and async-std with the message above.
//!     anyloop::compat::tokio(async {
//!         tokio::time::sleep(Duration::from_millis(1)).await;
//!         tokio::spawn(async { 6 * 7 }).await
//!     })
//!     .await
//!     .map(|answer| assert_eq!(answer, 42))
//! })
//! .expect("the tokio task panicked");
//! # Ok::<(), anyloop::BuildError>(())
//! ```
//!
//! The tokio calls must be made *inside* the wrapped future:
//! `compat::tokio(async { tokio::time::sleep(d).await })`, not
//! `compat::tokio(tokio::time::sleep(d))`, whose argument calls tokio before
//! `compat` applies (on smol and async-std, that is the panic above).
//!
//! Whole programs are wrapped the same way: `compat::tokio(async { ...
//! reqwest, tonic, ... })` around the part that uses them, or around the
//! whole body of `main`.
//!
//! # What it does on each backend
//!
//! The wrapped future is still polled by the task that awaits it, on the
//! backend that runs that task. The backend is asked at every poll, so a
//! wrapped future may be made in one place and polled in another.
//!
//! | | tokio | smol, async-std |
//! |---|---|---|
//! | a poll of the wrapped future | polled as it is: a no-op (one thread-local read) | polled inside the context of the running tokio runtime if there is one, else of the background runtime below ([async-compat]) |
//! | `tokio::time`, `tokio::net` | the backend's own tokio runtime | the background runtime's timer and reactor, driven by its thread |
//! | `tokio::spawn` | onto the backend's runtime | onto the background runtime: the task runs on its thread, not on the backend's |
//! | dropping the wrapped future | as it is | inside the same context, so destructors that call tokio work |
//!
//! # The background runtime
//!
//! It is [async-compat]'s: a current-thread tokio runtime with every driver
//! enabled, run by one thread named `async-compat/tokio-1`, which drives its
//! reactor and timer and runs the tasks spawned into it. It is started
//! lazily, the first time a wrapped future is polled where no tokio runtime
//! is current, and lives until the process exits (it is never shut down).
//! One runtime serves the whole process, every backend and every thread.
//!
//! Because it is current-thread, `tokio::task::block_in_place` panics in the
//! tasks spawned into it (`spawn_blocking` works: it has a blocking pool).
//! If any crate of the build enables async-compat's own `multi-thread`
//! feature, the background runtime is instead a multi-thread tokio runtime
//! with one worker per available core, its threads named the same way; cargo
//! features are additive, so that choice is the whole program's.
//!
//! Values made inside the wrapped future keep working when polled outside it:
//! a `tokio::net::TcpStream` connected inside `compat::tokio` stays
//! registered with the reactor that made it, so it can be read and written
//! later from any task of any backend.
//!
//! # Cost
//!
//! On tokio, a few nanoseconds a poll: the future is polled as it is, after
//! one thread-local read. On smol and async-std each poll enters the tokio
//! context (async-compat looks for a current runtime, then clones and
//! installs the background one's handle), and every I/O event or timer of
//! the wrapped future is seen by the background runtime's thread, which then
//! wakes the anyloop task on its own thread: a **cross-thread wake-up per
//! I/O event** (measured: two context switches per request and answer of
//! the ping-pong below, where native tokio and anyloop's own sockets need
//! none).
//!
//! `benches/benches/compat.rs` measures it, against the same code on native
//! tokio, on the criterion benches' runtimes (current-thread tokio and
//! smol, async-std with one worker). Medians and [min … max] of five runs on
//! a shared, loaded 2-core machine:
//!
//! | through `compat::tokio` | tokio (no-op) | smol | async-std |
//! |---|---|---|---|
//! | the wrapper alone: one poll of a ready future | +5 ns [4 … 7] | +58 ns [46 … 69] | +48 ns [33 … 64] |
//! | `tokio::task::yield_now()`: two polls, no I/O | 1.02× native [0.79 … 1.32] | +126 ns [107 … 163] over the same call bare | +101 ns [52 … 124] |
//! | `tokio::time::sleep(ZERO)`: one tick of tokio's timer, ≈ 1.1 ms | 1.00× [0.98 … 1.05] | 1.02× [0.96 … 1.11] | 1.06× [0.98 … 1.14] |
//! | tokio TCP ping-pong, 64 B (one read event each) | ≈ 1× (0.85 … 1.15 between series) | 1.4 … 2.0× native tokio | 1.9 … 2.0× |
//!
//! The ping-pong's spread is wide on a loaded machine (single runs from
//! 0.7× to 5×); its medians are 1.5 … 1.6× native tokio for the same client
//! written on anyloop's own sockets ([`net`](crate::net)) on smol and
//! async-std. So the compat layer is for using a tokio-only crate from code
//! that otherwise runs on smol or async-std; I/O-heavy code is best written
//! on [`net`](crate::net), which needs none of this on any backend, or run
//! on the tokio backend.
//!
//! [async-compat]: https://docs.rs/async-compat

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

pin_project_lite::pin_project! {
    /// A future polled inside a tokio context on every backend: what
    /// [`tokio`](tokio()) and [`CompatExt::compat`] return.
    ///
    /// See the [module docs](self) for what it does on each backend.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::compat::Compat;
    ///
    /// let answer = anyloop::run(Compat::new(async {
    ///     tokio::spawn(async { 42 }).await.expect("the task panicked")
    /// }));
    /// assert_eq!(answer, 42);
    /// ```
    #[must_use = "futures do nothing unless polled"]
    pub struct Compat<F> {
        // `None` once it completed, or `into_inner` took it.
        #[pin]
        future: Option<F>,
    }

    impl<F> PinnedDrop for Compat<F> {
        fn drop(this: Pin<&mut Self>) {
            let mut future = this.project().future;
            if future.is_none() || on_tokio_backend() {
                return;
            }
            // Dropped inside async-compat's context: a future polled ready
            // at once, with a waker that is never used.
            let mut dropping = async_compat::Compat::new(std::future::poll_fn(|_| {
                future.set(None);
                Poll::Ready(())
            }));
            let _ = Pin::new(&mut dropping).poll(&mut Context::from_waker(Waker::noop()));
            drop(dropping.into_inner());
        }
    }
}

/// Wraps `future` so that it runs inside a tokio context on every backend:
/// the call that lets tokio-only crates run on smol and async-std.
///
/// On the tokio backend it changes nothing; elsewhere the future's tokio
/// calls use one shared background tokio runtime. See the [module
/// docs](self).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// let backend: anyloop::Backend = "async-std".parse().unwrap_or_default();
/// let rt = anyloop::Runtime::builder().backend(backend).build()?;
/// let slept = rt.block_on(anyloop::compat::tokio(async {
///     let start = tokio::time::Instant::now();
///     tokio::time::sleep(Duration::from_millis(5)).await;
///     start.elapsed()
/// }));
/// assert!(slept >= Duration::from_millis(5));
/// # Ok::<(), anyloop::BuildError>(())
/// ```
pub fn tokio<F: Future>(future: F) -> Compat<F> {
    Compat::new(future)
}

impl<F> Compat<F> {
    /// Wraps `future`; the same as [`tokio`](tokio())`(future)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::compat::Compat;
    ///
    /// let elapsed = anyloop::run(Compat::new(async {
    ///     let start = tokio::time::Instant::now();
    ///     tokio::task::yield_now().await;
    ///     start.elapsed()
    /// }));
    /// # let _ = elapsed;
    /// ```
    pub fn new(future: F) -> Compat<F> {
        Compat {
            future: Some(future),
        }
    }

    /// The wrapped future.
    ///
    /// # Panics
    ///
    /// If the future has completed: it is dropped as soon as it does.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::Ready;
    ///
    /// use anyloop::compat::Compat;
    ///
    /// let wrapped: Compat<Ready<u8>> = anyloop::compat::tokio(std::future::ready(7));
    /// assert_eq!(wrapped.get_ref().clone().into_inner(), 7);
    /// ```
    pub fn get_ref(&self) -> &F {
        self.future.as_ref().expect(TAKEN)
    }

    /// The wrapped future, mutably.
    ///
    /// # Panics
    ///
    /// If the future has completed: it is dropped as soon as it does.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::compat::Compat;
    ///
    /// let mut wrapped = Compat::new(Box::pin(async { 7 }));
    /// let _inner: &mut std::pin::Pin<Box<_>> = wrapped.get_mut();
    /// assert_eq!(anyloop::run(wrapped), 7);
    /// ```
    pub fn get_mut(&mut self) -> &mut F {
        self.future.as_mut().expect(TAKEN)
    }

    /// Unwraps the future, which then runs outside tokio's context again
    /// on smol and async-std.
    ///
    /// # Panics
    ///
    /// If the future has completed: it is dropped as soon as it does.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::compat::CompatExt;
    ///
    /// let wrapped = async { 7 }.compat();
    /// assert_eq!(anyloop::run(wrapped.into_inner()), 7);
    /// ```
    pub fn into_inner(mut self) -> F {
        self.future.take().expect(TAKEN)
    }
}

const TAKEN: &str = "`Compat` used after its future completed (and was dropped)";

impl<F: Future> Future for Compat<F> {
    type Output = F::Output;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let mut future = self.project().future;
        // A completed future is dropped at once, in the same context, so
        // that dropping the wrapper later has nothing left to do.
        let mut poll_and_drop = move |cx: &mut Context<'_>| {
            let poll = future.as_mut().as_pin_mut().expect(TAKEN).poll(cx);
            if poll.is_ready() {
                future.set(None);
            }
            poll
        };
        if on_tokio_backend() {
            return poll_and_drop(cx);
        }
        // async-compat decides the context (the current tokio runtime, else
        // its background one) and enters it around this one poll.
        let mut entered = async_compat::Compat::new(std::future::poll_fn(poll_and_drop));
        let poll = Pin::new(&mut entered).poll(cx);
        // Unwrapped, so that dropping it does not enter the context again.
        drop(entered.into_inner());
        poll
    }
}

impl<F> fmt::Debug for Compat<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Compat").finish_non_exhaustive()
    }
}

/// [`compat`](CompatExt::compat) on every future: the method form of
/// [`tokio`](tokio()).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// use anyloop::compat::CompatExt;
///
/// let backend: anyloop::Backend = "smol".parse().unwrap_or_default();
/// let rt = anyloop::Runtime::builder().backend(backend).build()?;
/// rt.block_on(async {
///     // The tokio call is made inside the wrapped future.
///     async { tokio::time::sleep(Duration::from_millis(1)).await }
///         .compat()
///         .await;
/// });
/// # Ok::<(), anyloop::BuildError>(())
/// ```
///
/// `tokio::time::sleep(d).compat()` is not the same: it calls
/// `tokio::time::sleep` *before* `compat` applies, so on smol and async-std
/// it panics as it would without `compat`.
pub trait CompatExt: Future + Sized {
    /// Wraps this future so that it runs inside a tokio context on every
    /// backend; the same as [`tokio`](tokio())`(self)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::compat::CompatExt;
    ///
    /// let backend: anyloop::Backend = "smol".parse().unwrap_or_default();
    /// let rt = anyloop::Runtime::builder().backend(backend).build()?;
    /// let handle = rt.block_on(async { tokio::runtime::Handle::current() }.compat());
    /// assert_eq!(handle.block_on(async { 1 + 1 }), 2);
    /// # Ok::<(), anyloop::BuildError>(())
    /// ```
    fn compat(self) -> Compat<Self> {
        Compat::new(self)
    }
}

impl<F: Future> CompatExt for F {}

/// Whether the caller runs on the tokio backend, whose own runtime is then
/// the current tokio context.
#[inline]
fn on_tokio_backend() -> bool {
    #[cfg(feature = "tokio")]
    {
        matches!(crate::Backend::current(), Some(crate::Backend::Tokio))
    }
    #[cfg(not(feature = "tokio"))]
    {
        false
    }
}
