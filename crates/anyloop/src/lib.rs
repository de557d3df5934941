//! One async API, any event loop.
//!
//! anyloop lets a library be written once and run on **tokio**, **smol** or
//! **async-std** (legacy), and lets the application pick the runtime with a
//! cargo feature or at run time — what AnyIO does for Python's asyncio and
//! trio.
//!
//! # How do I write a library that runs on any runtime?
//!
//! Depend on `anyloop` without default features and use the ambient API: it
//! works inside whichever runtime runs the caller, including one the
//! application started itself (`#[tokio::main]`, `smol::block_on`, ...).
//!
//! ```
//! use std::time::Duration;
//!
//! pub async fn fetch_all(ids: Vec<u32>) -> Vec<u32> {
//!     let tasks: Vec<_> = ids.into_iter().map(|id| anyloop::spawn(async move {
//!         anyloop::time::sleep(Duration::from_millis(1)).await;
//!         id * 10
//!     })).collect();
//!     let mut out = Vec::new();
//!     for task in tasks { out.push(task.await.expect("task failed")); }
//!     out
//! }
//! # assert_eq!(anyloop::run(fetch_all(vec![1, 2])), vec![10, 20]);
//! ```
//!
//! For zero dispatch, write it generic over [`rt::Runtime`] instead (the
//! *static face*, see [`rt`]).
//!
//! # How do I pick the runtime?
//!
//! Enable its feature (`tokio` is the default; `smol`, `async-std`, or
//! `full` for all three — features are additive) and start it:
//!
//! ```
//! # fn fetch() -> impl Future<Output = u32> { async { 42 } }
//! // The default backend: $ANYLOOP_BACKEND, else tokio > smol > async-std.
//! let answer = anyloop::run(fetch());
//!
//! // Or a chosen one, with chosen threads:
//! let backend: anyloop::Backend = "smol".parse().unwrap_or_default();
//! let rt = anyloop::Runtime::builder().backend(backend).worker_threads(2).build()?;
//! assert_eq!(rt.block_on(fetch()), answer);
//! # Ok::<(), anyloop::BuildError>(())
//! ```
//!
//! With no backend feature at all, the crate does not compile and says which
//! features to enable. Tests use [`#[anyloop::test]`](test), which runs the
//! test once on every enabled backend.
//!
//! # Which face do I use?
//!
//! The same runtimes, three ways to reach them:
//!
//! - **static** ([`rt`]): generic code over [`rt::Runtime`], given a
//!   backend's handle. Zero cost: it compiles to the runtime's own calls.
//!   For libraries whose hot paths matter and whose users accept a type
//!   parameter.
//! - **ambient** ([`spawn`], [`time`], [`net`], ...): no generics and no
//!   value to pass; the runtime running the caller is found per call (one
//!   thread-local read inside anyloop's tasks).
//! - **dyn** ([`rt::DynRuntime`]): the runtime as a value,
//!   `Arc<dyn DynRuntime>`, to keep in a struct without a type parameter, or
//!   to hand anyloop a runtime of your own ([`Runtime::from_dyn`] then runs
//!   the ambient API on it). Every `Runtime` is one, and
//!   `Arc<dyn DynRuntime>` is a `Runtime` again.
//!
//! ```
//! use std::sync::Arc;
//! use anyloop::rt::{Current, DynRuntime, Runtime, Spawn};
//!
//! // static: generic over the runtime
//! async fn answer<R: Runtime>(rt: &R) -> u32 {
//!     rt.spawn(async { 42 }).await.unwrap()
//! }
//!
//! // dyn: a value in a struct
//! struct Service {
//!     rt: Arc<dyn DynRuntime>,
//! }
//!
//! anyloop::run(async {
//!     assert_eq!(answer(&Current).await, 42);
//!     // ambient: no runtime in sight
//!     assert_eq!(anyloop::spawn(async { 42 }).await.unwrap(), 42);
//!     let service = Service { rt: Arc::new(Current) };
//!     assert_eq!(answer(&service.rt).await, 42);
//! });
//! ```
//!
//! What each costs, per spawn + join of a task on a current-thread runtime
//! (async-std: one worker): the time as a ratio to the runtime's own call
//! (criterion, `benches/dyn_face.rs`, two runs on a shared 2-core machine),
//! and instructions and heap allocations (valgrind,
//! `benches/examples/count_spawn.rs`):
//!
//! | face | tokio | smol | async-std | allocations |
//! |---|---|---|---|---|
//! | static | 0.89–1.08× (2295 instr.) | 1.05–1.09× (1997) | 1.33–1.45× (2359) | 1 |
//! | ambient | 0.96–1.20× (2384) | 1.00–1.21× (2076) | 1.41–1.43× (2460) | 1 |
//! | dyn | 1.18–1.35× (3216) | 1.24–1.36× (2688) | 1.60–1.61× (3047) | 3 |
//!
//! The dyn face's two extra allocations are the task's box (future and
//! output together) and the box of the backend's join handle; about 700
//! instructions, 50–80 ns. `sleep(0)`, a timeout on a ready future and a
//! TCP ping-pong cost the same through all three faces, within the runs'
//! noise (the timer is boxed only for a sleep that really waits).
//!
//! **Plug-in runtimes.** [`Runtime::from_dyn`] runs the ambient API on a
//! runtime of your own: spawns and timers go to its `DynRuntime`, and
//! [`net`]'s sockets are its own, made by its socket constructors
//! (`dyn_bind_tcp`, `dyn_connect_tcp`, ...), so a plug-in with a reactor of
//! its own (io_uring, an in-house one) serves `anyloop::net`, with any
//! feature set. [`#[anyloop::test(plugin(name = path))]`](test) stamps one
//! more test on it:
//!
//! ```
//! use std::sync::{Arc, OnceLock};
//! use anyloop::rt::DynRuntime;
//!
//! // The plug-in: here `anyloop-pool`, the fourth backend in anyloop's
//! // repository, one pool for every test of the binary.
//! fn pool() -> Arc<dyn DynRuntime> {
//!     static POOL: OnceLock<anyloop_pool::Runtime> = OnceLock::new();
//!     Arc::new(POOL.get_or_init(|| anyloop_pool::Runtime::new(2).unwrap()).handle())
//! }
//!
//! // `echo::tokio`, `echo::smol`, `echo::async_std` and `echo::pool`.
//! #[anyloop::test(plugin(pool = pool))]
//! async fn echo() {
//!     use anyloop::io::{AsyncReadExt, AsyncWriteExt};
//!     let listener = anyloop::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
//!     let mut client = anyloop::net::TcpStream::connect(listener.local_addr().unwrap())
//!         .await
//!         .unwrap();
//!     let (mut server, _) = listener.accept().await.unwrap();
//!     client.write_all(b"hi").await.unwrap();
//!     let mut buf = [0; 2];
//!     server.read_exact(&mut buf).await.unwrap();
//!     assert_eq!(&buf, b"hi");
//! }
//!
//! # fn main() -> Result<(), anyloop::BuildError> {
//! // The same body, run by hand:
//! let rt = anyloop::Runtime::from_dyn("pool", pool())?;
//! rt.block_on(echo());
//! # Ok(())
//! # }
//! ```
//!
//! # What each backend does
//!
//! Every behaviour below is the same on all backends and pinned by the
//! conformance suite; the cells say what anyloop does to get there.
//!
//! | | tokio | smol | async-std (legacy) |
//! |---|---|---|---|
//! | spawn, spawn_blocking | `tokio::spawn`, `spawn_blocking` | `Executor::spawn`, `blocking::unblock` | `task::spawn`, `spawn_blocking` |
//! | drop a `JoinHandle` | detaches (native) | detaches (native `Task` would cancel: we `detach()`) | detaches (native) |
//! | panic in a task | `JoinError` (native) | `JoinError` (we catch the unwind) | `JoinError` (we catch the unwind) |
//! | `abort()` | native | cancels through smol's `Task::cancel` | through `JoinHandle::cancel` |
//! | ambient API from a native runtime | ✅ any tokio runtime | ✅ anyloop's runtimes; elsewhere smol's global executor | ✅ any async-std task |
//! | timer | tokio's wheel: rounds deadlines up to the next 1 ms tick | async-io: no rounding | async-io: no rounding |
//! | `sleep(Duration::ZERO)` | one yield (native: ≈ 1 ms) | one yield (native: no yield) | one yield (native: no yield) |
//! | virtual time ([`time::pause`], `start_paused`) | ✅ anyloop's clock (native: tokio's `start_paused`, tokio timers only) | ✅ anyloop's clock (native: none) | ✅ anyloop's clock (native: none) |
//! | sockets | `tokio::net` | async-io's `Async<T>` | async-io's `Async<T>` (as async-std's own) |
//! | `close()` a stream | shuts down the write side (native) | shuts down (native only flushes) | same as smol |
//! | drop an owned write half | shuts down the write side (native) | shuts down (added) | same as smol |
//! | several tasks on one `accept` | ✅ | ✅ | ✅ |
//! | socket used from another backend's task | `io::Error` (its reactor may not run) | works (async-io runs anywhere) | works |
//! | `tokio-io` feature | native traits | adapter | adapter |
//! | `hyper` feature (`anyloop::hyper`) | `tokio::spawn`, tokio's timer | smol's executor, async-io's timer | `task::spawn`, async-io's timer |
//! | `compat` feature ([`compat::tokio`]) | a no-op: tokio's own context | one shared background tokio runtime (async-compat) | same as smol |
//! | files | `tokio::fs` (tokio's blocking pool) | async-fs (`blocking`'s pool) | async-fs, as smol |
//! | processes | `tokio::process` | async-process | async-process, as smol |
//! | `ctrl_c` | `tokio::signal` | async-signal | async-signal, as smol |
//! | current-thread runtime | ✅ | ✅ | ❌ one global pool |
//! | worker-thread count | ✅ | ✅ | ✅ first runtime of the process only |
//! | a task's destructor panics when aborted | `JoinError::is_panic` (native) | `JoinError::is_panic` (native would abort the process: we catch it) | same as smol |
//! | dropping a `Runtime` with pending tasks | drops them; in async code, in the background | drops them | drops them at their next poll, which it wakes them for (the pool itself is global and never stops; tasks spawned natively are not the runtime's) |
//! | [`task::spawn_local`] (`!Send` tasks) | on a tokio `LocalSet` of the `block_on`, made at the first local spawn | on an async-executor `LocalExecutor` of the `block_on`, made at the first local spawn | as smol (async-std's own `spawn_local` would keep a pending task past its `block_on`) |
//! | task names ([`task::Builder::name`]) | in the `tracing` span only (tokio's own names need `--cfg tokio_unstable`) | in the `tracing` span only (smol's tasks have none) | the `tracing` span and async-std's task name (`spawn` only) |
//! | feature `tracing` | every task runs in the span of its spawner | same | same |
//! | `Runtime` build with no file descriptor left | `BuildError::Io` (native) | `BuildError::Io` (we start async-io's reactor at build) | same as smol |
//!
//! async-std is discontinued upstream (RUSTSEC-2025-0052, "use smol"); its
//! backend is complete, for migrations and comparisons.
//!
//! # From asyncio
//!
//! | asyncio | anyloop |
//! |---|---|
//! | `asyncio.run(main())` | [`run`]`(main())`, [`#[anyloop::main]`](main) |
//! | `asyncio.create_task(coro)` | [`spawn`]`(fut)` (a [`JoinHandle`](task::JoinHandle); dropping it does not cancel) |
//! | `asyncio.gather(*aws)` | [`gather`], fail-fast [`try_gather`] |
//! | `asyncio.wait(..., FIRST_COMPLETED)`, `as_completed` | [`race`], [`as_completed`] |
//! | `asyncio.wait_for(aw, t)`, `asyncio.timeout(t)` | [`time::timeout`], [`time::timeout_at`] |
//! | `asyncio.sleep(0)` | [`time::sleep`]`(Duration::ZERO)` (one yield) or [`task::yield_now`] |
//! | `asyncio.TaskGroup` | [`task::TaskGroup`], [`task::scope`] |
//! | a semaphore around a crawl | [`map_concurrent`], [`map_concurrent_unordered`] |
//! | `asyncio.Queue`, `Event`, `Lock`, `Semaphore` | [`sync::queue::bounded`], [`sync::Event`], [`sync::Mutex`], [`sync::Semaphore`] |
//! | `asyncio.to_thread(f)` | [`spawn_blocking`]`(f)` |
//! | `asyncio.run_coroutine_threadsafe(coro, loop)` | [`Handle::block_on`], [`Handle::spawn`] |
//! | `asyncio.get_running_loop()` | [`Handle::current`], [`Backend::current`] |
//! | `asyncio.open_connection`, `start_server` | [`net::TcpStream::connect`], [`net::TcpListener::bind`] |
//! | `asyncio.create_subprocess_exec` | [`process::Command`] |
//! | `loop.add_signal_handler(SIGINT, ...)` | [`signal::ctrl_c`] |
//!
//! # From AnyIO
//!
//! | AnyIO | anyloop |
//! |---|---|
//! | `anyio.run(main, backend="trio")` | `Runtime::builder().backend(b).build()?.block_on(main())`, or `ANYLOOP_BACKEND` |
//! | the pytest plugin's `anyio_backend` | [`#[anyloop::test]`](test) |
//! | `create_task_group()`, `start_soon`, `start` | [`task::TaskGroup`]: `spawn`, [`start`](task::TaskGroup::start) |
//! | `fail_after(t)`, `move_on_after(t)` | [`time::timeout`], and `.ok()` on its result |
//! | `current_effective_deadline()` | [`time::current_deadline`] |
//! | `to_thread.run_sync`, `from_thread.run` | [`spawn_blocking`], [`Handle::block_on`] |
//! | `CapacityLimiter` | [`sync::CapacityLimiter`] |
//! | `create_memory_object_stream(n)` | [`sync::queue::bounded`]`(n)` |
//! | `connect_tcp`, `create_tcp_listener`, `create_udp_socket` | [`net`] |
//! | `open_process`, `run_process` | [`process::Command`] |
//! | `open_file`, `Path` | [`fs`] |
//! | `open_signal_receiver` | [`signal::ctrl_c`] |
//!
//! # Cancellation
//!
//! In Rust a future is cancelled by dropping it: it stops at the await point
//! where it was suspended, and its destructors run. Everything above maps
//! onto that. [`time::timeout`] drops its future when the deadline passes (a
//! cancel scope with a deadline); the deadline is visible to the code inside
//! through [`time::current_deadline`], so a library can respect its caller's
//! deadline. A [`task::TaskGroup`] cancels its children by dropping them at
//! their next await point, when a sibling fails, when it is cancelled, or
//! when the group itself is dropped; a [`task::scope`]'s body is cancelled
//! the same way, and the children see the deadline around their group. A spawned task is not part of the
//! future that spawned it: dropping its [`JoinHandle`](task::JoinHandle)
//! detaches it, [`abort`](task::JoinHandle::abort) cancels it, and
//! [`abort_on_drop`](task::JoinHandle::abort_on_drop) ties it to its
//! owner.
//!
//! # Using anyloop with the ecosystem
//!
//! Most async crates need one of three things from a runtime: byte streams
//! with a known I/O trait, a way to spawn and a timer (hyper), or tokio
//! itself. anyloop gives each, on every backend:
//!
//! | the crate needs | examples | on every backend, with |
//! |---|---|---|
//! | `futures-io` streams | async-tungstenite (its `futures-io` API), futures-rustls, async-native-tls, `futures::io` codecs | nothing: anyloop's streams implement `AsyncRead`/`AsyncWrite` of `futures-io` |
//! | tokio's I/O traits only | tokio-util's `Framed`/codecs, tokio-rustls, async-tungstenite's `tokio` API | feature `tokio-io`: the streams also implement tokio's `AsyncRead`/`AsyncWrite` |
//! | hyper's `rt` traits | hyper 1.x HTTP/1 and HTTP/2 clients and servers; tower services (an axum `Router`) served through hyper's connection builders | feature `hyper`: [`hyper::Executor`], [`hyper::Timer`]; the streams are hyper I/O (no `TokioIo`) |
//! | a tokio runtime (`tokio::spawn`, `tokio::time`, `tokio::net`) | reqwest, tonic, hyper-util's legacy client, tokio-based database drivers | feature `compat`: wrap the code that calls them in [`compat::tokio`] |
//! | `!Send` futures | `Rc`/`RefCell` state, single-threaded GUI or interpreter bindings | [`task::spawn_local`] inside any `block_on` |
//! | task spans | `tracing` subscribers (`tracing-subscriber`'s fmt, OpenTelemetry exporters) | feature `tracing`: every task runs in its spawner's span; [`task::Builder::name`] |
//!
//! On the tokio backend all of these are native or no-ops: `compat::tokio`
//! polls its future as it is, and hyper's executor is `tokio::spawn`. On
//! smol and async-std, the `compat` layer costs a cross-thread wake-up per
//! I/O event of the tokio-only code (its reactor runs on a background
//! thread), so prefer a runtime-independent crate where one exists; the
//! [`compat`] module gives the figures. A crate that calls tokio without
//! `compat` panics on smol and async-std with tokio's "there is no reactor
//! running" message: the fix is in the [`compat`] docs.
//!
//! ```
//! # #[cfg(feature = "compat")]
//! # {
//! // A tokio-only call, made on whichever backend runs this.
//! anyloop::run(async {
//!     let answer = anyloop::compat::tokio(async {
//!         tokio::task::spawn(async { 6 * 7 }).await
//!     })
//!     .await;
//!     assert_eq!(answer.unwrap(), 42);
//! });
//! # }
//! ```
//!
//! `examples/src/bin/http.rs` is an HTTP/1.1 and HTTP/2 server and client
//! written with hyper on anyloop, run on every backend.

#![deny(missing_docs)]
#![warn(missing_debug_implementations, rust_2018_idioms, unreachable_pub)]
#![forbid(unsafe_code)]

#[cfg(not(any(feature = "tokio", feature = "smol", feature = "async-std")))]
compile_error!(
    "anyloop needs a backend: enable at least one of its cargo features `tokio`, `smol`, \
     `async-std` (or `full` for all three), e.g. `anyloop = { version = \"0.1\", features = [\"smol\"] }`"
);

mod backend;
mod combinators;
#[cfg(feature = "compat")]
pub mod compat;
pub mod fs;
mod group;
mod handle;
#[cfg(feature = "hyper")]
pub mod hyper;
pub mod io;
pub mod net;
pub mod pipeline;
pub mod process;
pub mod rt;
mod runtime;
pub mod signal;
pub mod sync;
pub mod task;
pub mod time;

/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// #[anyloop::main(worker_threads = 2)]
/// async fn main() -> Result<(), anyloop::time::Elapsed> {
///     let answer = anyloop::time::timeout(Duration::from_secs(1), async { 42 }).await?;
///     assert_eq!(answer, 42);
///     Ok(())
/// }
/// ```
pub use anyloop_macros::main;
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// // Runs as `slept::tokio`, `slept::smol` and `slept::async_std`, one
/// // fresh runtime each, with the backends that are enabled.
/// #[anyloop::test]
/// async fn slept() {
///     anyloop::time::sleep(Duration::from_millis(1)).await;
/// }
///
/// // Only on some backends, on two worker threads:
/// #[anyloop::test(backends = ["tokio", "smol"], worker_threads = 2)]
/// async fn spawned() {
///     assert_eq!(anyloop::spawn(async { 1 }).await.unwrap(), 1);
/// }
/// # fn main() {}
/// ```
///
/// On a plug-in runtime too ([`Runtime::from_dyn`]): `plugin(NAME = PATH)`
/// stamps `name::NAME`, which runs the body on
/// `Runtime::from_dyn("NAME", PATH())`; `PATH` names a
/// `fn() -> Arc<dyn DynRuntime>`. With `backends = []`, on the plug-in
/// alone. `start_paused` applies to it; `flavor` and `worker_threads` are
/// for the built-in backends (a plug-in's threads are its own).
///
/// ```
/// use std::sync::{Arc, OnceLock};
/// use std::time::Duration;
/// use anyloop::Backend;
/// use anyloop::rt::DynRuntime;
///
/// fn pool() -> Arc<dyn DynRuntime> {
///     static POOL: OnceLock<anyloop_pool::Runtime> = OnceLock::new();
///     Arc::new(POOL.get_or_init(|| anyloop_pool::Runtime::new(2).unwrap()).handle())
/// }
///
/// // `paused::pool` only: an hour of virtual time at once, on the plug-in.
/// #[anyloop::test(backends = [], plugin(pool = pool), start_paused = true)]
/// async fn paused() {
///     assert_eq!(Backend::current().map(Backend::name), Some("pool"));
///     let start = anyloop::time::Instant::now();
///     anyloop::time::sleep(Duration::from_secs(3600)).await;
///     assert_eq!(start.elapsed(), Duration::from_secs(3600));
/// }
/// # fn main() {}
/// ```
pub use anyloop_macros::test;
pub use backend::{BACKEND_ENV, Backend, BackendError, PluginName};
pub use combinators::{
    as_completed, gather, map_concurrent, map_concurrent_unordered, race, try_gather,
};
pub use handle::{BlockOnError, Handle};
pub use runtime::{BuildError, Builder, Runtime, run};
pub use task::{spawn, spawn_blocking};

#[doc(hidden)]
pub mod __private {
    use std::future::Future;

    pub use crate::Backend;

    /// `#[anyloop::test(start_paused = true)]`: `future`, run with the
    /// runtime's clock paused from its start.
    pub async fn start_paused<F: Future>(future: F) -> F::Output {
        crate::time::pause();
        future.await
    }

    /// What `#[anyloop::main]` and `#[anyloop::test]` expand to.
    #[track_caller]
    pub fn block_on<F: Future>(
        backend: Option<Backend>,
        multi_thread: bool,
        worker_threads: Option<usize>,
        future: F,
    ) -> F::Output {
        let mut builder = crate::Runtime::builder();
        if let Some(backend) = backend {
            builder.backend(backend);
        }
        if !multi_thread {
            builder.current_thread();
        }
        if let Some(count) = worker_threads {
            builder.worker_threads(count);
        }
        match builder.build() {
            Ok(rt) => rt.block_on(future),
            Err(err) => panic!("anyloop: {err}"),
        }
    }

    /// What `#[anyloop::test(plugin(name = make))]` expands to: `future` on
    /// `Runtime::from_dyn(name, make())`.
    #[track_caller]
    pub fn block_on_plugin<F: Future>(
        name: &'static str,
        make: fn() -> std::sync::Arc<dyn crate::rt::DynRuntime>,
        future: F,
    ) -> F::Output {
        match crate::Runtime::from_dyn(name, make()) {
            Ok(rt) => rt.block_on(future),
            Err(err) => panic!("anyloop: {err}"),
        }
    }
}

/// Expands to its first group if the `tokio` feature is enabled, else to its
/// second: `__if_tokio!({ .. } else { .. })`. Used by the attribute macros.
#[cfg(feature = "tokio")]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_tokio {
    ({ $($enabled:tt)* } else { $($disabled:tt)* }) => { $($enabled)* };
}

#[cfg(not(feature = "tokio"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_tokio {
    ({ $($enabled:tt)* } else { $($disabled:tt)* }) => { $($disabled)* };
}

/// Expands to its first group if the `smol` feature is enabled, else to its
/// second: `__if_smol!({ .. } else { .. })`. Used by the attribute macros.
#[cfg(feature = "smol")]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_smol {
    ({ $($enabled:tt)* } else { $($disabled:tt)* }) => { $($enabled)* };
}

#[cfg(not(feature = "smol"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_smol {
    ({ $($enabled:tt)* } else { $($disabled:tt)* }) => { $($disabled)* };
}

/// Expands to its first group if the `async-std` feature is enabled, else to its
/// second: `__if_async_std!({ .. } else { .. })`. Used by the attribute macros.
#[cfg(feature = "async-std")]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_async_std {
    ({ $($enabled:tt)* } else { $($disabled:tt)* }) => { $($enabled)* };
}

#[cfg(not(feature = "async-std"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_async_std {
    ({ $($enabled:tt)* } else { $($disabled:tt)* }) => { $($disabled)* };
}

/// The examples of README.md, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;
