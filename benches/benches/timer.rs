//! sleep(0) and timeout on a ready future: native vs static face vs ambient
//! face, per backend.
//!
//! `sleep(0)` differs by design: natively it costs a 1 ms timer tick on tokio
//! and no yield at all on smol and async-std; anyloop's is one yield on every
//! backend. The ratios show what that decision costs or saves.

use std::future::ready;
use std::time::Duration;

use anyloop::rt::{AsyncStd, Smol, TimerExt, Tokio};
use anyloop_benches::{RUNTIMES, Runtimes, bench_in, criterion};
use criterion::Criterion;
use smol::future::FutureExt as _;

const ZERO: Duration = Duration::ZERO;
const LONG: Duration = Duration::from_secs(60);

fn sleep_zero(c: &mut Criterion, rts: &'static Runtimes) {
    let mut g = c.benchmark_group("sleep_zero");
    bench_in!(
        g,
        "tokio/native",
        &rts.tokio,
        tokio::time::sleep(ZERO).await
    );
    bench_in!(g, "tokio/static", &rts.tokio, Tokio.sleep(ZERO).await);
    bench_in!(
        g,
        "tokio/ambient",
        &rts.tokio,
        anyloop::time::sleep(ZERO).await
    );
    bench_in!(g, "smol/native", &rts.smol, smol::Timer::after(ZERO).await);
    bench_in!(g, "smol/static", &rts.smol, Smol.sleep(ZERO).await);
    bench_in!(
        g,
        "smol/ambient",
        &rts.smol,
        anyloop::time::sleep(ZERO).await
    );
    let rt = &rts.async_std;
    bench_in!(
        g,
        "async-std/native",
        rt,
        async_std::task::sleep(ZERO).await
    );
    bench_in!(g, "async-std/static", rt, AsyncStd.sleep(ZERO).await);
    bench_in!(g, "async-std/ambient", rt, anyloop::time::sleep(ZERO).await);
    g.finish();
}

fn timeout_ready(c: &mut Criterion, rts: &'static Runtimes) {
    let mut g = c.benchmark_group("timeout_ready");
    let rt = &rts.tokio;
    bench_in!(
        g,
        "tokio/native",
        rt,
        tokio::time::timeout(LONG, ready(1)).await
    );
    bench_in!(g, "tokio/static", rt, Tokio.timeout(LONG, ready(1)).await);
    bench_in!(
        g,
        "tokio/ambient",
        rt,
        anyloop::time::timeout(LONG, ready(1)).await
    );
    // smol has no timeout function; this is how smol code writes one (the
    // timer starts when the timeout is created, as in tokio and anyloop).
    let smol_timeout = || {
        let timer = smol::Timer::after(LONG);
        async { Ok(ready(1).await) }.or(async move {
            timer.await;
            Err(())
        })
    };
    bench_in!(g, "smol/native", &rts.smol, smol_timeout().await);
    bench_in!(
        g,
        "smol/static",
        &rts.smol,
        Smol.timeout(LONG, ready(1)).await
    );
    bench_in!(
        g,
        "smol/ambient",
        &rts.smol,
        anyloop::time::timeout(LONG, ready(1)).await
    );
    let rt = &rts.async_std;
    bench_in!(
        g,
        "async-std/native",
        rt,
        async_std::future::timeout(LONG, ready(1)).await
    );
    bench_in!(
        g,
        "async-std/static",
        rt,
        AsyncStd.timeout(LONG, ready(1)).await
    );
    bench_in!(
        g,
        "async-std/ambient",
        rt,
        anyloop::time::timeout(LONG, ready(1)).await
    );
    g.finish();
}

fn main() {
    let rts = &*RUNTIMES;
    let mut c = criterion();
    sleep_zero(&mut c, rts);
    timeout_ready(&mut c, rts);
    c.final_summary();
}
