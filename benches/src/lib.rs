//! Shared set-up of the benchmarks: one runtime per backend, and a way to
//! time a loop inside it.
//!
//! Every benchmark runs the same body three ways on each backend, in the same
//! run: `native` (the runtime's own call), `static` (generic code over
//! `anyloop::rt::Runtime` with the backend's handle) and `ambient`
//! (`anyloop::spawn`, `anyloop::time::...`). Read the ratios off one report.
//! The socket benchmarks (`tcp.rs`, `udp.rs`) have two rows per backend,
//! `native` (the runtime's own socket types) and `anyloop` (`anyloop::net`):
//! see [`native_vs_anyloop!`].

use std::future::Future;
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use anyloop::rt::BlockOn;
use criterion::Criterion;

/// The runtimes under test, each built by its backend crate so that the
/// native calls have what they need (tokio's context, smol's executor).
#[derive(Debug)]
pub struct Runtimes {
    /// tokio, current-thread.
    pub tokio: anyloop_tokio::Runtime,
    /// smol, current-thread.
    pub smol: anyloop_smol::Runtime,
    /// async-std's global runtime (it has no current-thread flavour), with
    /// one worker thread: tasks then stay on one thread, as on the others.
    pub async_std: anyloop_async_std::Runtime,
}

impl Runtimes {
    /// Builds one runtime per backend.
    pub fn new() -> Runtimes {
        Runtimes {
            tokio: anyloop_tokio::Runtime::current_thread().expect("tokio runtime"),
            smol: anyloop_smol::Runtime::current_thread(),
            async_std: anyloop_async_std::Runtime::new(Some(1)),
        }
    }
}

impl Default for Runtimes {
    fn default() -> Self {
        Runtimes::new()
    }
}

/// The runtimes, built once per benchmark binary.
pub static RUNTIMES: LazyLock<Runtimes> = LazyLock::new(Runtimes::new);

/// Times `iters` runs of `body` inside `rt`, excluding the runtime's start.
///
/// The loop runs in a task, as application code does, so that on async-std
/// (whose `block_on` thread is not a pool thread) every join is not a
/// cross-thread wake-up.
pub fn time_in<R, F, Fut>(rt: &R, iters: u64, mut body: F) -> Duration
where
    R: BlockOn,
    F: FnMut() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    let timed = async move {
        let start = Instant::now();
        for _ in 0..iters {
            body().await;
        }
        start.elapsed()
    };
    // Spawned from inside `block_on`, so onto `rt`.
    rt.block_on(async move { anyloop::spawn(timed).await })
        .expect("the benchmark loop panicked")
}

/// Runs `bench` as a task inside `rt` and returns the time it measured.
///
/// For benchmarks with set-up that must not be timed (sockets, a server
/// task): `bench` sets up, times its own loop, tears down, and returns the
/// loop's time. Like [`time_in`], it runs in a task spawned from inside
/// `rt.block_on`.
pub fn timed_in<R, F>(rt: &R, bench: F) -> Duration
where
    R: BlockOn,
    F: Future<Output = Duration> + Send + 'static,
{
    rt.block_on(async move { anyloop::spawn(bench).await })
        .expect("the benchmark panicked")
}

/// Criterion settings sized for a shared two-core machine.
pub fn criterion() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30)
        .configure_from_args()
}

/// `bench_in!(group, "name", &runtime, expression)`: benchmarks evaluating
/// `expression` (which may `.await`) inside `runtime`.
#[macro_export]
macro_rules! bench_in {
    ($group:expr, $name:literal, $rt:expr, $body:expr) => {
        $group.bench_function($name, |b| {
            b.iter_custom(|n| {
                $crate::time_in($rt, n, move || async move {
                    let _ = ::std::hint::black_box($body);
                })
            })
        })
    };
}

/// `bench_timed!(group, "name", &runtime, |iters| future)`: benchmarks a
/// future that times its own loop of `iters` runs (see [`timed_in`]).
#[macro_export]
macro_rules! bench_timed {
    ($group:expr, $name:expr, $rt:expr, |$iters:ident| $bench:expr) => {
        $group.bench_function($name, |b| {
            b.iter_custom(|$iters| $crate::timed_in($rt, $bench))
        })
    };
}

/// `native_vs_anyloop!(group, runtimes, function(args..))`: the six rows of a
/// group, `<backend>/native` and `<backend>/anyloop` for each backend.
///
/// `function(iters, args..)` is an `async fn` returning the time of its
/// loop, written once and stamped into four modules of the calling file:
/// `native_tokio`, `native_smol` and `native_async_std` (each runtime's own
/// types) and `ambient` (anyloop's, on whichever runtime runs it).
#[macro_export]
macro_rules! native_vs_anyloop {
    ($group:expr, $rts:expr, $function:ident($($arg:expr),* $(,)?)) => {{
        let rts: &'static $crate::Runtimes = $rts;
        $crate::bench_timed!($group, "tokio/native", &rts.tokio, |n| native_tokio::$function(n $(, $arg)*));
        $crate::bench_timed!($group, "tokio/anyloop", &rts.tokio, |n| ambient::$function(n $(, $arg)*));
        $crate::bench_timed!($group, "smol/native", &rts.smol, |n| native_smol::$function(n $(, $arg)*));
        $crate::bench_timed!($group, "smol/anyloop", &rts.smol, |n| ambient::$function(n $(, $arg)*));
        $crate::bench_timed!($group, "async-std/native", &rts.async_std, |n| native_async_std::$function(n $(, $arg)*));
        $crate::bench_timed!($group, "async-std/anyloop", &rts.async_std, |n| ambient::$function(n $(, $arg)*));
    }};
}
