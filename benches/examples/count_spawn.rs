//! Counts what one spawn + join costs, for callgrind:
//! `valgrind --tool=callgrind target/release/examples/count_spawn <backend> <face> <n>`,
//! run with two values of `n`: the difference of the instruction counts,
//! divided by the difference of `n`, is the cost of one spawn + join.
//! Use values far apart (20000 and 120000) and run each a few times: a run
//! lands in one of a few modes (≈ 10 instructions per task apart on smol and
//! async-std, ≈ 300 on tokio), so compare the minima.
//!
//! It also prints the loop's time per spawn + join in nanoseconds, so that
//! interleaved runs of two builds can be compared on a busy machine (take the
//! minimum or the median of many runs).
//!
//! Faces: `native`, `static`, `ambient`, and `dyn` (the handle as an
//! `Arc<dyn DynRuntime>`; its loop also clones the `Arc` once per run).

use std::hint::black_box;
use std::sync::Arc;

use anyloop::rt::{AsyncStd, DynRuntime, Smol, Spawn, Tokio};
use anyloop_benches::{RUNTIMES, time_in};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (backend, face) = (args[1].as_str(), args[2].as_str());
    let n: u64 = args[3].parse().unwrap();
    let rts = &*RUNTIMES;
    let task = || async { black_box(1u64) };
    let time = match (backend, face) {
        ("tokio", "native") => time_in(&rts.tokio, n, move || async move {
            tokio::spawn(task()).await.unwrap();
        }),
        ("tokio", "static") => time_in(&rts.tokio, n, move || async move {
            Tokio.spawn(task()).await.unwrap();
        }),
        ("smol", "native") => {
            let executor = rts.smol.executor();
            time_in(&rts.smol, n, move || async move {
                executor.spawn(task()).await;
            })
        }
        ("smol", "static") => time_in(&rts.smol, n, move || async move {
            Smol.spawn(task()).await.unwrap();
        }),
        ("async-std", "native") => time_in(&rts.async_std, n, move || async move {
            async_std::task::spawn(task()).await;
        }),
        ("async-std", "static") => time_in(&rts.async_std, n, move || async move {
            AsyncStd.spawn(task()).await.unwrap();
        }),
        ("tokio", "ambient") => time_in(&rts.tokio, n, move || async move {
            anyloop::spawn(task()).await.unwrap();
        }),
        ("smol", "ambient") => time_in(&rts.smol, n, move || async move {
            anyloop::spawn(task()).await.unwrap();
        }),
        ("async-std", "ambient") => time_in(&rts.async_std, n, move || async move {
            anyloop::spawn(task()).await.unwrap();
        }),
        ("tokio", "dyn") => {
            let rt: Arc<dyn DynRuntime> = Arc::new(Tokio);
            time_in(&rts.tokio, n, move || {
                let rt = rt.clone();
                async move {
                    rt.spawn(task()).await.unwrap();
                }
            })
        }
        ("smol", "dyn") => {
            let rt: Arc<dyn DynRuntime> = Arc::new(Smol);
            time_in(&rts.smol, n, move || {
                let rt = rt.clone();
                async move {
                    rt.spawn(task()).await.unwrap();
                }
            })
        }
        ("async-std", "dyn") => {
            let rt: Arc<dyn DynRuntime> = Arc::new(AsyncStd);
            time_in(&rts.async_std, n, move || {
                let rt = rt.clone();
                async move {
                    rt.spawn(task()).await.unwrap();
                }
            })
        }
        other => panic!("unknown backend and face {other:?}"),
    };
    println!("{:.1}", time.as_secs_f64() * 1e9 / n as f64);
}
