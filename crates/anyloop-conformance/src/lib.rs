//! The conformance kit of [anyloop]: every behaviour anyloop pins, written
//! once against the core traits, to run against any backend.
//!
//! anyloop promises a library author "write once, it behaves the same
//! everywhere". This crate is that promise as code: each *check* is an
//! `async fn` generic over [`R: Runtime`](anyloop_core::Runtime) that uses
//! only the runtime value it is given, so it runs on tokio, smol and
//! async-std (which anyloop's own CI runs it on) and on a backend you write
//! yourself. Two ways to run it:
//!
//! - [`tests!`] stamps one `#[test]` per behaviour for your runtime, like
//!   tokio's `rt_test!`: `cargo test` lists and runs them one by one;
//! - [`run_all`] (or [`Kit`], to choose checks and the time limit) runs them
//!   all and returns a [`Report`], for a CI job or a `--check` command.
//!
//! Each check runs on a thread of its own with a fresh runtime, under a time
//! limit (120 s, or `ANYLOOP_CONFORMANCE_TIME_LIMIT` seconds): a hang is a
//! failure, not a hang of the kit. Failure messages name the backend.
//!
//! # Examples
//!
//! In a backend crate's `tests/conformance.rs` (with this crate as a
//! dev-dependency), one `#[test]` per behaviour:
//!
//! ```
//! mod smol {
//!     anyloop_conformance::tests!(
//!         backend = "smol",
//!         block_on = anyloop::Runtime::builder()
//!             .backend(anyloop::Backend::Smol)
//!             .build()
//!             .unwrap(),
//!         runtime = anyloop::rt::Smol,
//!     );
//! }
//! # fn main() {}
//! ```
//!
//! For a runtime type that is both the handle and the driver
//! (`R: Runtime + BlockOn`), `anyloop_conformance::tests!(MyRuntime::new());`
//! is enough. The tests are then named `smol::task::abort_before_first_poll`,
//! `smol::tcp::half_close`, ...
//!
//! A report instead, for a program:
//!
//! ```
//! use anyloop::Backend;
//!
//! let report = anyloop_conformance::Kit::new("smol")
//!     .only("time::")
//!     .run_with(|| {
//!         let driver = anyloop::Runtime::builder().backend(Backend::Smol).build().unwrap();
//!         (driver, anyloop::rt::Smol)
//!     });
//! print!("{report}");
//! assert!(report.is_success());
//! ```
//!
//! # Writing a backend
//!
//! A backend is a handle type (cheap to clone, `Send + Sync + 'static`) that
//! implements the three ideas of `anyloop-core` plus sockets; the blanket
//! [`Runtime`] then applies and every
//! runtime-generic library runs on it. What each trait must guarantee, and
//! which checks hold you to it:
//!
//! - [`Spawn`](anyloop_core::Spawn) (`task::*`): `spawn` starts the future
//!   without being awaited; its `JoinHandle` is a
//!   `Future<Output = Result<T, JoinError>>` and a
//!   [`TaskHandle`](anyloop_core::task::TaskHandle), `Send + Sync + Unpin`.
//!   **Dropping the handle detaches** the task. `abort(&self)` cancels: the
//!   handle then resolves to [`JoinError::cancelled`] *after* the task's
//!   future has been dropped; a task that had completed keeps its output.
//!   `is_finished(&self)` peeks without losing the output. A panic in a task
//!   is [`JoinError::panic`] with its payload and never unwinds into a
//!   worker; a destructor that panics while an aborted task is dropped is
//!   that task's `JoinError::panic`, not an abort of the process.
//!   `spawn_blocking` runs the closure on a thread that runs no async tasks.
//! - [`Timer`](anyloop_core::Timer) (`time::*`): only the raw native timer,
//!   `delay_until(deadline)` (completes at or after it, never before) and
//!   `reset`. Everything else (`sleep(0)` is one yield, past deadlines are
//!   ready at once, `timeout`, `interval` and its missed-tick behaviours) is
//!   written once by [`TimerExt`](anyloop_core::TimerExt) over your timer.
//!   A deadline far in the future (up to the end of `Instant`) must just
//!   wait: no panic, no early wake-up.
//! - [`Net`](anyloop_core::net::Net) and the socket traits of
//!   [`anyloop_core::net`] (`tcp::*`, `udp::*`, `unix::*`): byte streams
//!   implement the `futures-io` traits; errors keep their `ErrorKind`
//!   (`ConnectionRefused`, `AddrInUse`, `AddrNotAvailable`, `NotFound`, a
//!   full Unix backlog is `WouldBlock`); a read after the peer closed is
//!   `Ok(0)`; `accept` and reads are cancel safe; dropping an owned write
//!   half shuts down the write side; listeners from `bind_tcp` listen with
//!   [`DEFAULT_BACKLOG`](anyloop_core::net::DEFAULT_BACKLOG)
//!   ([`std_tcp_listener`](anyloop_core::net::std_tcp_listener) makes
//!   them).
//! - [`BlockOn`]: drives a future on the calling
//!   thread while the runtime runs the tasks it spawns. The kit only uses
//!   it to drive each check.
//!
//! Building blocks in [`anyloop_core::backend`], for a native task handle
//! that cancels on drop or only asynchronously (async-task's, as in
//! async-executor): [`CancellableTask`](anyloop_core::backend::CancellableTask)
//! over a [`NativeTask`](anyloop_core::backend::NativeTask) gives the
//! handle semantics above; wrap each task's future in
//! [`CatchDropPanic`](anyloop_core::backend::CatchDropPanic) and cancel with
//! [`cancel_watched`](anyloop_core::backend::cancel_watched) for the
//! destructor-panic rule, and poll a handle that re-raises the task's panic
//! with [`poll_propagated`](anyloop_core::backend::poll_propagated).
//! `crates/anyloop-pool` in anyloop's repository is a complete backend
//! written this way (async-executor on its own threads, async-io, blocking)
//! that passes the whole kit.
//!
//! What the traits' signatures do not show, and a backend over a raw
//! reactor (async-io's `Async<T>`, mio, io_uring) has to do itself (the
//! fourth backend met each):
//!
//! - **connects**: a non-blocking `connect` that returns `EINPROGRESS` is
//!   waited for (writable), then `SO_ERROR` (`take_error`) is the result:
//!   `ConnectionRefused` comes from there. A Unix connect that returns
//!   `EAGAIN` (a full backlog) is that error at once, not a wait.
//! - **`accept` from several tasks**: `poll_accept` may keep one waker, but
//!   `accept()` must let any number of tasks wait; override the trait's
//!   default (written over `poll_accept`) when it does not.
//! - **halves**: `poll_close` and dropping an owned write half shut down
//!   the write side; `into_std` hands back a socket in blocking mode.
//! - **panics**: [`poll_propagated`](anyloop_core::backend::poll_propagated)
//!   assumes the native handle re-raises the task's panic when polled
//!   (async-task's `propagate_panic`, which async-executor and blocking
//!   use); a runtime that aborts or swallows it instead must catch the
//!   panic in the task itself.
//! - **handles that outlive the runtime**: a handle that keeps the executor
//!   alive keeps every pending task's future alive too; a `Weak` one lets
//!   dropping the runtime drop them (and its handles then give
//!   `is_cancelled`).
//!
//! Run the kit on every flavour you ship (multi-thread and current-thread,
//! one worker and several); CI should run `cargo test` with the stamped
//! tests, or fail on `!report.is_success()`.
//!
//! # The behaviours
//!
//! Each is one check, named `area::name` in tests and reports:
//!
//! | area | checks |
//! |---|---|
//! | `task` | `spawn_returns_output`, `dropped_handle_detaches`, `abort_cancels_and_drops_the_future`, `abort_before_first_poll`, `abort_after_completion_keeps_the_output`, `is_finished_tracks_completion`, `abort_on_drop_guard_cancels`, `panic_becomes_join_error_with_payload`, `panics_do_not_take_down_the_runtime`, `abort_reports_a_panicking_destructor`, `nested_spawn`, `spawn_blocking_runs_off_the_async_threads`, `many_tasks` (100,000) |
//! | `time` | `sleep_zero_yields_exactly_once`, `sleep_until_a_past_deadline_is_ready_at_once`, `sleep_lasts_at_least_its_duration`, `sleep_reset_moves_the_deadline`, `timeout_gives_elapsed_and_drops_the_future`, `timeout_polls_the_future_first`, `interval_ticks_on_schedule`, `interval_missed_ticks`, `interval_with_zero_period_yields_each_tick`, `nested_code_reads_the_callers_deadline`, `interval_past_the_end_of_the_clock_ticks_once`, `deadlines_at_the_end_of_the_clock_just_wait` |
//! | `tcp` | `echo_round_trip`, `one_mebibyte_byte_for_byte`, `half_close`, `split_halves_from_two_tasks`, `two_hundred_concurrent_clients`, `connect_tcp_socket`, `connect_refused`, `bind_errors`, `read_after_peer_closed_is_zero`, `peek_does_not_consume`, `stream_options`, `from_std_and_into_std`, `cancelled_accept_loses_no_connection`, `cancelled_read_loses_no_byte`, `two_tasks_accept_on_one_listener`, `listener_holds_1000_unaccepted_connects` |
//! | `udp` | `ping_pong`, `one_socket_sends_and_receives_from_two_tasks`, `peek_from_does_not_consume`, `connected_send_and_recv`, `socket_options`, `from_std_and_into_std` |
//! | `unix` (Unix only) | `stream_round_trip`, `datagram_round_trip`, `pairs_and_split`, `errors_are_typed`, `from_std_and_into_std`, `connect_to_a_full_backlog_is_would_block`, `two_tasks_accept_on_one_listener` |
//! | `types` | `auto_traits` (checked when the kit compiles for the runtime) |
//!
//! Network checks use loopback only, port 0. `tcp::listener_holds_1000_unaccepted_connects`
//! raises the soft `RLIMIT_NOFILE` towards the hard limit (at most 65,536), and is
//! skipped where that is below 8,000 or the kernel caps backlogs below 1024.
//! `task::abort_reports_a_panicking_destructor` on a backend that gets it
//! wrong may abort the process (async-task aborts when dropping a future
//! panics): the test run then stops there.
//!
//! [anyloop]: https://docs.rs/anyloop
//! [`JoinError::cancelled`]: anyloop_core::task::JoinError::cancelled
//! [`JoinError::panic`]: anyloop_core::task::JoinError::panic

#![deny(missing_docs)]
#![warn(missing_debug_implementations, rust_2018_idioms, unreachable_pub)]
#![forbid(unsafe_code)]

#[doc(hidden)]
pub mod checks;
mod report;
mod runner;
mod support;

use std::sync::Arc;
use std::time::Duration;

use anyloop_core::{BlockOn, Runtime};

pub use report::{Outcome, Report, Status};

/// The list of checks, in one place: both [`tests!`] and [`Kit`] expand it,
/// so they cannot drift apart. Calls `$crate::$callback! { $args <list> }`.
#[doc(hidden)]
#[macro_export]
macro_rules! __for_each_check {
    ($callback:ident! $args:tt) => {
        $crate::$callback! {
            $args
            task [
                spawn_returns_output,
                dropped_handle_detaches,
                abort_cancels_and_drops_the_future,
                abort_before_first_poll,
                abort_after_completion_keeps_the_output,
                is_finished_tracks_completion,
                abort_on_drop_guard_cancels,
                panic_becomes_join_error_with_payload,
                panics_do_not_take_down_the_runtime,
                abort_reports_a_panicking_destructor,
                nested_spawn,
                spawn_blocking_runs_off_the_async_threads,
                many_tasks,
            ]
            time [
                sleep_zero_yields_exactly_once,
                sleep_until_a_past_deadline_is_ready_at_once,
                sleep_lasts_at_least_its_duration,
                sleep_reset_moves_the_deadline,
                timeout_gives_elapsed_and_drops_the_future,
                timeout_polls_the_future_first,
                interval_ticks_on_schedule,
                interval_missed_ticks,
                interval_with_zero_period_yields_each_tick,
                nested_code_reads_the_callers_deadline,
                interval_past_the_end_of_the_clock_ticks_once,
                deadlines_at_the_end_of_the_clock_just_wait,
            ]
            tcp [
                echo_round_trip,
                one_mebibyte_byte_for_byte,
                half_close,
                split_halves_from_two_tasks,
                two_hundred_concurrent_clients,
                connect_tcp_socket,
                connect_refused,
                bind_errors,
                read_after_peer_closed_is_zero,
                peek_does_not_consume,
                stream_options,
                from_std_and_into_std,
                cancelled_accept_loses_no_connection,
                cancelled_read_loses_no_byte,
                two_tasks_accept_on_one_listener,
                listener_holds_1000_unaccepted_connects,
            ]
            udp [
                ping_pong,
                one_socket_sends_and_receives_from_two_tasks,
                peek_from_does_not_consume,
                connected_send_and_recv,
                socket_options,
                from_std_and_into_std,
            ]
            #[cfg(unix)]
            unix [
                stream_round_trip,
                datagram_round_trip,
                pairs_and_split,
                errors_are_typed,
                from_std_and_into_std,
                connect_to_a_full_backlog_is_would_block,
                two_tasks_accept_on_one_listener,
            ]
            types [
                auto_traits,
            ]
        }
    };
}

/// Stamps one `#[test]` per behaviour of the kit for a runtime.
///
/// Invoke it in a module of its own (it defines a module per area, `task`,
/// `time`, `tcp`, `udp`, `unix`, `types`, which see the invoking module's
/// items). Three forms:
///
/// - `tests!(EXPR)`: `EXPR` makes a value that is both the runtime and its
///   driver (`Runtime + BlockOn`); the backend is named after `EXPR` in
///   messages.
/// - `tests!(backend = NAME, runtime = EXPR)`: the same, named `NAME`.
/// - `tests!(backend = NAME, block_on = DRIVER, runtime = EXPR)`: `DRIVER`
///   is anything with a `block_on(future)` method (a `BlockOn`, a runtime's
///   own type) that drives each check while `EXPR`, the handle under test,
///   spawns and sleeps on it.
/// - `tests!(backend = NAME, block_on = DRIVER, handle = |driver| EXPR)`:
///   the runtime under test is made from the driver, for a runtime split
///   as tokio's `Runtime` and `Handle` are (`handle = |rt| rt.handle()`).
///
/// The expressions are evaluated once per test, on the test's own thread,
/// so each test gets a fresh runtime.
///
/// # Examples
///
/// ```
/// mod smol_ambient {
///     // The ambient face (`rt::Current`) inside a one-worker smol runtime.
///     anyloop_conformance::tests!(
///         backend = "smol (rt::Current)",
///         block_on = anyloop::Runtime::builder()
///             .backend(anyloop::Backend::Smol)
///             .worker_threads(1)
///             .build()
///             .unwrap(),
///         runtime = anyloop::rt::Current,
///     );
/// }
/// # fn main() {}
/// ```
#[macro_export]
macro_rules! tests {
    (backend = $backend:expr, block_on = $driver:expr, runtime = $runtime:expr $(,)?) => {
        $crate::__for_each_check! { __stamp_tests! ({ $backend } { $driver } { $runtime }) }
    };
    (backend = $backend:expr, block_on = $driver:expr, handle = $handle:expr $(,)?) => {
        $crate::__for_each_check! { __stamp_tests! ({ $backend } { $driver } { @handle $handle }) }
    };
    (backend = $backend:expr, runtime = $runtime:expr $(,)?) => {
        $crate::__for_each_check! { __stamp_tests! ({ $backend } { @same } { $runtime }) }
    };
    ($runtime:expr $(,)?) => {
        $crate::__for_each_check! {
            __stamp_tests! ({ ::core::stringify!($runtime) } { @same } { $runtime })
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __stamp_tests {
    (
        ({ $backend:expr } $driver:tt $runtime:tt)
        $( $(#[$meta:meta])* $area:ident [ $($check:ident),* $(,)? ] )*
    ) => {
        $(
            $(#[$meta])*
            mod $area {
                #[allow(unused_imports)]
                use super::*;
                $(
                    #[test]
                    fn $check() {
                        $crate::__private::run_test(
                            $backend,
                            ::core::stringify!($area),
                            ::core::stringify!($check),
                            move || {
                                // A driver's own `block_on`, else the core's.
                                #[allow(unused_imports)]
                                use $crate::__private::BlockOn as _;
                                $crate::__drive!(
                                    $driver $runtime $crate::__private::checks::$area::$check
                                )
                            },
                        );
                    }
                )*
            }
        )*
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __drive {
    ({ @same } { $runtime:expr } $check:path) => {{
        let runtime = $runtime;
        let handle = ::core::clone::Clone::clone(&runtime);
        runtime.block_on($check(handle))
    }};
    ({ $driver:expr } { @handle $handle:expr } $check:path) => {{
        let driver = $driver;
        let runtime = $crate::__private::handle_of(&driver, $handle);
        driver.block_on($check(runtime))
    }};
    ({ $driver:expr } { $runtime:expr } $check:path) => {{
        let driver = $driver;
        let runtime = $runtime;
        driver.block_on($check(runtime))
    }};
}

/// Runs every check of the kit on a runtime that is its own driver, each
/// with a fresh runtime from `make`, and returns the report.
///
/// The same as `Kit::new(backend).run(make)`; see [`Kit`] to run a part of
/// the kit, or a runtime whose driver is another type.
///
/// # Examples
///
/// A runtime type that is both the handle and the driver, here a thin one
/// over smol (a real backend is its own type):
///
/// ```
/// # use std::future::Future;
/// use anyloop::rt::BlockOn;
///
/// #[derive(Clone, Debug)]
/// struct Smol(std::sync::Arc<anyloop::Runtime>);
/// # impl anyloop::rt::Spawn for Smol {
/// #     type JoinHandle<T: Send + 'static> = <anyloop::rt::Smol as anyloop::rt::Spawn>::JoinHandle<T>;
/// #     fn spawn<F: Future + Send + 'static>(&self, f: F) -> Self::JoinHandle<F::Output> where F::Output: Send + 'static { anyloop::rt::Smol.spawn(f) }
/// #     fn spawn_blocking<F: FnOnce() -> T + Send + 'static, T: Send + 'static>(&self, f: F) -> Self::JoinHandle<T> { anyloop::rt::Smol.spawn_blocking(f) }
/// # }
/// # impl anyloop::rt::Timer for Smol {
/// #     type Delay = <anyloop::rt::Smol as anyloop::rt::Timer>::Delay;
/// #     fn delay_until(&self, d: std::time::Instant) -> Self::Delay { anyloop::rt::Smol.delay_until(d) }
/// #     fn reset(&self, delay: std::pin::Pin<&mut Self::Delay>, d: std::time::Instant) { anyloop::rt::Smol.reset(delay, d) }
/// # }
/// # impl anyloop::rt::Net for Smol {
/// #     type TcpListener = <anyloop::rt::Smol as anyloop::rt::Net>::TcpListener;
/// #     type TcpStream = <anyloop::rt::Smol as anyloop::rt::Net>::TcpStream;
/// #     type UdpSocket = <anyloop::rt::Smol as anyloop::rt::Net>::UdpSocket;
/// #     type UnixListener = <anyloop::rt::Smol as anyloop::rt::Net>::UnixListener;
/// #     type UnixStream = <anyloop::rt::Smol as anyloop::rt::Net>::UnixStream;
/// #     type UnixDatagram = <anyloop::rt::Smol as anyloop::rt::Net>::UnixDatagram;
/// #     fn bind_tcp(&self, a: std::net::SocketAddr) -> std::io::Result<Self::TcpListener> { anyloop::rt::Smol.bind_tcp(a) }
/// #     fn connect_tcp(&self, a: std::net::SocketAddr) -> impl Future<Output = std::io::Result<Self::TcpStream>> + Send { anyloop::rt::Smol.connect_tcp(a) }
/// #     fn connect_tcp_socket(&self, s: std::net::TcpStream, a: std::net::SocketAddr) -> impl Future<Output = std::io::Result<Self::TcpStream>> + Send { anyloop::rt::Smol.connect_tcp_socket(s, a) }
/// #     fn bind_udp(&self, a: std::net::SocketAddr) -> std::io::Result<Self::UdpSocket> { anyloop::rt::Smol.bind_udp(a) }
/// #     fn bind_unix(&self, p: &std::path::Path) -> std::io::Result<Self::UnixListener> { anyloop::rt::Smol.bind_unix(p) }
/// #     fn connect_unix(&self, p: &std::path::Path) -> impl Future<Output = std::io::Result<Self::UnixStream>> + Send { anyloop::rt::Smol.connect_unix(p) }
/// #     fn bind_unix_datagram(&self, p: &std::path::Path) -> std::io::Result<Self::UnixDatagram> { anyloop::rt::Smol.bind_unix_datagram(p) }
/// # }
///
/// impl BlockOn for Smol {
///     fn block_on<F: Future>(&self, future: F) -> F::Output {
///         self.0.block_on(future)
///     }
/// }
///
/// let report = anyloop_conformance::run_all("smol", || {
///     let driver = anyloop::Runtime::builder().backend(anyloop::Backend::Smol).build().unwrap();
///     Smol(std::sync::Arc::new(driver))
/// });
/// assert!(report.is_success(), "{report}");
/// ```
pub fn run_all<R, F>(backend: &str, make: F) -> Report
where
    R: Runtime + BlockOn,
    F: Fn() -> R + Send + Sync + 'static,
{
    Kit::new(backend).run(make)
}

/// A run of the kit: which backend, which checks, what time limit.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use anyloop::Backend;
///
/// let report = anyloop_conformance::Kit::new("tokio")
///     .only("tcp::echo_round_trip")
///     .only("udp::ping_pong")
///     .time_limit(Duration::from_secs(30))
///     .run_with(|| {
///         let driver = anyloop::Runtime::builder().backend(Backend::Tokio).build().unwrap();
///         (driver, anyloop::rt::Tokio)
///     });
/// assert_eq!(report.outcomes().len(), 2);
/// assert!(report.is_success(), "{report}");
/// ```
#[derive(Debug, Clone)]
pub struct Kit {
    backend: String,
    only: Vec<String>,
    time_limit: Duration,
}

impl Kit {
    /// The whole kit, for the backend named `backend` (in the report and
    /// messages), each check limited to 120 s (or
    /// `ANYLOOP_CONFORMANCE_TIME_LIMIT` seconds).
    pub fn new(backend: impl Into<String>) -> Kit {
        Kit {
            backend: backend.into(),
            only: Vec::new(),
            time_limit: runner::time_limit_from_env(),
        }
    }

    /// Runs only the checks whose `area::name` starts with `prefix`
    /// (`"tcp::"`, `"task::abort"`); called again, adds to the selection.
    pub fn only(&mut self, prefix: impl Into<String>) -> &mut Kit {
        self.only.push(prefix.into());
        self
    }

    /// Limits each check to `limit`; one that takes longer fails (a hang).
    pub fn time_limit(&mut self, limit: Duration) -> &mut Kit {
        self.time_limit = limit;
        self
    }

    /// The `area::name` of every check this run would run, in order.
    pub fn checks(&self) -> Vec<String> {
        let mut all = Vec::new();
        __for_each_check! { __list_checks! ((all)) }
        all.into_iter().filter(|name| self.selects(name)).collect()
    }

    fn selects(&self, name: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|prefix| name.starts_with(prefix))
    }

    /// Runs the selected checks on a runtime that is its own driver, each
    /// with a fresh runtime from `make`.
    pub fn run<R, F>(&self, make: F) -> Report
    where
        R: Runtime + BlockOn,
        F: Fn() -> R + Send + Sync + 'static,
    {
        self.run_with(move || {
            let runtime = make();
            (runtime.clone(), runtime)
        })
    }

    /// Runs the selected checks, each with a fresh driver and runtime from
    /// `make`: the driver's `block_on` drives the check, which uses the
    /// runtime.
    pub fn run_with<D, R, F>(&self, make: F) -> Report
    where
        D: BlockOn,
        R: Runtime,
        F: Fn() -> (D, R) + Send + Sync + 'static,
    {
        let make = Arc::new(make);
        let mut outcomes = Vec::new();
        macro_rules! run {
            ($area:ident $check:ident) => {{
                let name = concat!(stringify!($area), "::", stringify!($check));
                if self.selects(name) {
                    let make = make.clone();
                    outcomes.push(runner::run_job(
                        stringify!($area),
                        stringify!($check),
                        self.time_limit,
                        move || {
                            let (driver, runtime) = make();
                            driver.block_on(checks::$area::$check(runtime));
                        },
                    ));
                }
            }};
        }
        __for_each_check! { __run_checks! ((run)) }
        Report {
            backend: self.backend.clone(),
            outcomes,
        }
    }
}

#[doc(hidden)]
#[macro_export]
macro_rules! __list_checks {
    (
        (($all:ident))
        $( $(#[$meta:meta])* $area:ident [ $($check:ident),* $(,)? ] )*
    ) => {
        $(
            $(#[$meta])*
            {
                $( $all.push(::std::format!("{}::{}", ::core::stringify!($area), ::core::stringify!($check))); )*
            }
        )*
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __run_checks {
    (
        (($run:ident))
        $( $(#[$meta:meta])* $area:ident [ $($check:ident),* $(,)? ] )*
    ) => {
        $(
            $(#[$meta])*
            {
                $( $run!($area $check); )*
            }
        )*
    };
}

/// Internals of the macros; not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use crate::checks;
    pub use anyloop_core::BlockOn;

    /// What a stamped `#[test]` runs: `job` on a thread of its own, under
    /// the time limit; panics with the failure, naming the backend.
    pub fn run_test(
        backend: &str,
        area: &'static str,
        name: &'static str,
        job: impl FnOnce() + Send + 'static,
    ) {
        crate::runner::run_test(backend, area, name, job);
    }

    /// The runtime of `tests!(.., handle = f)`: `f(driver)`.
    pub fn handle_of<D, R>(driver: &D, f: impl FnOnce(&D) -> R) -> R {
        f(driver)
    }
}

#[cfg(test)]
mod tests {
    /// The docs' list of behaviours names every check of the kit.
    #[test]
    fn the_docs_list_every_check() {
        let docs = include_str!("lib.rs");
        let checks = crate::Kit::new("none").checks();
        assert!(checks.len() > 50, "{checks:?}");
        for check in checks {
            let (area, name) = check.split_once("::").unwrap();
            let row = docs
                .lines()
                .find(|line| line.starts_with(&format!("//! | `{area}`")))
                .unwrap_or_else(|| panic!("no row for {area} in the docs"));
            assert!(
                row.contains(&format!("`{name}`")),
                "{check} is not in the docs' list"
            );
        }
    }

    #[test]
    fn only_selects_by_prefix() {
        let mut kit = crate::Kit::new("none");
        kit.only("task::abort");
        assert_eq!(kit.checks().len(), 5, "{:?}", kit.checks());
        kit.only("udp::");
        assert_eq!(kit.checks().len(), 11, "{:?}", kit.checks());
    }
}
