//! Counts what one timer operation costs, for callgrind:
//! `valgrind --tool=callgrind target/release/examples/count_timer <backend> <face> <op> <n>`
//! with `op` one of `sleep0` (`sleep(Duration::ZERO)`, one yield),
//! `timeout` (a timeout around a ready future), `timeout_yield` (a timeout
//! around a future that yields once: the native timer is armed, then
//! cancelled) and `sleep1us` (a real 1 µs sleep on the native timer; its
//! count includes the runtime's parking, so it is noisier), run with two
//! values of `n`:
//! the difference of the instruction counts divided by the difference of
//! `n` is the cost of one operation. Used to check that the clock behind
//! virtual time costs nothing measurable while no clock is paused.

use std::hint::black_box;
use std::time::Duration;

use anyloop::rt::{AsyncStd, Smol, TimerExt, Tokio};
use anyloop_benches::{RUNTIMES, time_in};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (backend, face, op) = (args[1].as_str(), args[2].as_str(), args[3].as_str());
    let n: u64 = args[4].parse().unwrap();
    let rts = &*RUNTIMES;
    macro_rules! on {
        ($rt:expr, $timer:expr) => {{
            let timer = $timer;
            match op {
                "sleep0" => time_in($rt, n, move || async move {
                    timer.sleep(Duration::ZERO).await;
                }),
                "timeout" => time_in($rt, n, move || async move {
                    let ready = async { black_box(1u64) };
                    black_box(timer.timeout(Duration::from_secs(1), ready).await.unwrap());
                }),
                "timeout_yield" => time_in($rt, n, move || async move {
                    let once = anyloop::task::yield_now();
                    timer.timeout(Duration::from_secs(1), once).await.unwrap();
                }),
                "sleep1us" => time_in($rt, n, move || async move {
                    timer.sleep(Duration::from_micros(1)).await;
                }),
                other => panic!("unknown op {other:?}"),
            }
        }};
    }
    let time = match (backend, face) {
        ("tokio", "static") => on!(&rts.tokio, Tokio),
        ("smol", "static") => on!(&rts.smol, Smol),
        ("async-std", "static") => on!(&rts.async_std, AsyncStd),
        ("tokio", "ambient") => on!(&rts.tokio, anyloop::rt::Current),
        ("smol", "ambient") => on!(&rts.smol, anyloop::rt::Current),
        ("async-std", "ambient") => on!(&rts.async_std, anyloop::rt::Current),
        other => panic!("unknown backend and face {other:?}"),
    };
    println!("{:.1}", time.as_secs_f64() * 1e9 / n as f64);
}
