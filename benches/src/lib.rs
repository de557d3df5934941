//! Shared set-up of the benchmarks: one runtime per backend, and a way to
//! time a loop inside it.
//!
//! Every benchmark runs the same body three ways on each backend, in the same
//! run: `native` (the runtime's own call), `static` (generic code over
//! `anyloop::rt::Runtime` with the backend's handle) and `ambient`
//! (`anyloop::spawn`, `anyloop::time::...`). Read the ratios off one report.

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
