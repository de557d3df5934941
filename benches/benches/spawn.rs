//! spawn + join and yield: native vs static face vs ambient face, per backend.

use std::hint::black_box;

use anyloop::rt::{AsyncStd, Smol, Spawn, Tokio};
use anyloop_benches::{RUNTIMES, Runtimes, bench_in, criterion};
use criterion::Criterion;

fn spawn_join(c: &mut Criterion, rts: &'static Runtimes) {
    let mut g = c.benchmark_group("spawn_join");
    let task = || async { black_box(1u64) };

    bench_in!(
        g,
        "tokio/native",
        &rts.tokio,
        tokio::spawn(task()).await.unwrap()
    );
    bench_in!(
        g,
        "tokio/static",
        &rts.tokio,
        Tokio.spawn(task()).await.unwrap()
    );
    bench_in!(
        g,
        "tokio/ambient",
        &rts.tokio,
        anyloop::spawn(task()).await.unwrap()
    );

    let executor = rts.smol.executor();
    bench_in!(g, "smol/native", &rts.smol, executor.spawn(task()).await);
    bench_in!(
        g,
        "smol/static",
        &rts.smol,
        Smol.spawn(task()).await.unwrap()
    );
    bench_in!(
        g,
        "smol/ambient",
        &rts.smol,
        anyloop::spawn(task()).await.unwrap()
    );

    let rt = &rts.async_std;
    bench_in!(
        g,
        "async-std/native",
        rt,
        async_std::task::spawn(task()).await
    );
    bench_in!(
        g,
        "async-std/static",
        rt,
        AsyncStd.spawn(task()).await.unwrap()
    );
    bench_in!(
        g,
        "async-std/ambient",
        rt,
        anyloop::spawn(task()).await.unwrap()
    );
    g.finish();
}

fn yield_now(c: &mut Criterion, rts: &'static Runtimes) {
    // `anyloop::task::yield_now` is one runtime-independent future, shared by
    // the static and the ambient face.
    let mut g = c.benchmark_group("yield_now");
    bench_in!(
        g,
        "tokio/native",
        &rts.tokio,
        tokio::task::yield_now().await
    );
    bench_in!(
        g,
        "tokio/anyloop",
        &rts.tokio,
        anyloop::task::yield_now().await
    );
    bench_in!(g, "smol/native", &rts.smol, smol::future::yield_now().await);
    bench_in!(
        g,
        "smol/anyloop",
        &rts.smol,
        anyloop::task::yield_now().await
    );
    let rt = &rts.async_std;
    bench_in!(
        g,
        "async-std/native",
        rt,
        async_std::task::yield_now().await
    );
    bench_in!(g, "async-std/anyloop", rt, anyloop::task::yield_now().await);
    g.finish();
}

fn main() {
    let rts = &*RUNTIMES;
    let mut c = criterion();
    spawn_join(&mut c, rts);
    yield_now(&mut c, rts);
    c.final_summary();
}
