//! The dyn face's cost: each operation natively, through the static face
//! (the backend's handle), the ambient face (`anyloop::...`) and the dyn face
//! (the handle as an `Arc<dyn DynRuntime>`), per backend, in one run.
//!
//! - `dyn_spawn_join`: spawn a task returning a `u64` and await it;
//! - `dyn_sleep_zero`: `sleep(Duration::ZERO)` (one yield in anyloop);
//! - `dyn_timeout_ready`: a timeout of 1 s around a ready future;
//! - `dyn_tcp_ping_pong`: one loopback connection, a 64-byte message and
//!   its echo per iteration (the echo server is a task of the same runtime).

use std::hint::black_box;
use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

use anyloop::rt::net::{TcpListener as _, TcpStream as _};
use anyloop::rt::{AsyncStd, Current, DynRuntime, Runtime, Smol, Spawn, TimerExt, Tokio};
use anyloop_benches::{RUNTIMES, Runtimes, bench_in, bench_timed, criterion};
use criterion::Criterion;
use futures_lite::{AsyncReadExt, AsyncWriteExt};

static DYN_TOKIO: LazyLock<Arc<dyn DynRuntime>> = LazyLock::new(|| Arc::new(Tokio));
static DYN_SMOL: LazyLock<Arc<dyn DynRuntime>> = LazyLock::new(|| Arc::new(Smol));
static DYN_ASYNC_STD: LazyLock<Arc<dyn DynRuntime>> = LazyLock::new(|| Arc::new(AsyncStd));

const MESSAGE: usize = 64;

fn spawn_join(c: &mut Criterion, rts: &'static Runtimes) {
    let mut g = c.benchmark_group("dyn_spawn_join");
    let task = || async { black_box(1u64) };
    let (dt, ds, da): (&'static Arc<dyn DynRuntime>, _, _) =
        (&DYN_TOKIO, &DYN_SMOL, &DYN_ASYNC_STD);

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
    bench_in!(g, "tokio/dyn", &rts.tokio, dt.spawn(task()).await.unwrap());

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
    bench_in!(g, "smol/dyn", &rts.smol, ds.spawn(task()).await.unwrap());

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
    bench_in!(g, "async-std/dyn", rt, da.spawn(task()).await.unwrap());
    g.finish();
}

fn sleep_zero(c: &mut Criterion, rts: &'static Runtimes) {
    let mut g = c.benchmark_group("dyn_sleep_zero");
    let zero = Duration::ZERO;
    let (dt, ds, da): (&'static Arc<dyn DynRuntime>, _, _) =
        (&DYN_TOKIO, &DYN_SMOL, &DYN_ASYNC_STD);

    bench_in!(
        g,
        "tokio/native",
        &rts.tokio,
        tokio::time::sleep(zero).await
    );
    bench_in!(g, "tokio/static", &rts.tokio, Tokio.sleep(zero).await);
    bench_in!(
        g,
        "tokio/ambient",
        &rts.tokio,
        anyloop::time::sleep(zero).await
    );
    bench_in!(g, "tokio/dyn", &rts.tokio, dt.sleep(zero).await);

    bench_in!(g, "smol/native", &rts.smol, smol::Timer::after(zero).await);
    bench_in!(g, "smol/static", &rts.smol, Smol.sleep(zero).await);
    bench_in!(
        g,
        "smol/ambient",
        &rts.smol,
        anyloop::time::sleep(zero).await
    );
    bench_in!(g, "smol/dyn", &rts.smol, ds.sleep(zero).await);

    let rt = &rts.async_std;
    bench_in!(
        g,
        "async-std/native",
        rt,
        async_std::task::sleep(zero).await
    );
    bench_in!(g, "async-std/static", rt, AsyncStd.sleep(zero).await);
    bench_in!(g, "async-std/ambient", rt, anyloop::time::sleep(zero).await);
    bench_in!(g, "async-std/dyn", rt, da.sleep(zero).await);
    g.finish();
}

fn timeout_ready(c: &mut Criterion, rts: &'static Runtimes) {
    let mut g = c.benchmark_group("dyn_timeout_ready");
    let second = Duration::from_secs(1);
    let ready = || async { black_box(1u64) };
    let (dt, ds, da): (&'static Arc<dyn DynRuntime>, _, _) =
        (&DYN_TOKIO, &DYN_SMOL, &DYN_ASYNC_STD);

    bench_in!(
        g,
        "tokio/native",
        &rts.tokio,
        tokio::time::timeout(second, ready()).await.unwrap()
    );
    bench_in!(
        g,
        "tokio/static",
        &rts.tokio,
        Tokio.timeout(second, ready()).await.unwrap()
    );
    bench_in!(
        g,
        "tokio/ambient",
        &rts.tokio,
        anyloop::time::timeout(second, ready()).await.unwrap()
    );
    bench_in!(
        g,
        "tokio/dyn",
        &rts.tokio,
        dt.timeout(second, ready()).await.unwrap()
    );

    // smol has no timeout of its own: its documented idiom, a race with a timer.
    bench_in!(
        g,
        "smol/native",
        &rts.smol,
        smol::future::or(async { Some(ready().await) }, async {
            smol::Timer::after(second).await;
            None
        })
        .await
        .unwrap()
    );
    bench_in!(
        g,
        "smol/static",
        &rts.smol,
        Smol.timeout(second, ready()).await.unwrap()
    );
    bench_in!(
        g,
        "smol/ambient",
        &rts.smol,
        anyloop::time::timeout(second, ready()).await.unwrap()
    );
    bench_in!(
        g,
        "smol/dyn",
        &rts.smol,
        ds.timeout(second, ready()).await.unwrap()
    );

    let rt = &rts.async_std;
    bench_in!(
        g,
        "async-std/native",
        rt,
        async_std::future::timeout(second, ready()).await.unwrap()
    );
    bench_in!(
        g,
        "async-std/static",
        rt,
        AsyncStd.timeout(second, ready()).await.unwrap()
    );
    bench_in!(
        g,
        "async-std/ambient",
        rt,
        anyloop::time::timeout(second, ready()).await.unwrap()
    );
    bench_in!(
        g,
        "async-std/dyn",
        rt,
        da.timeout(second, ready()).await.unwrap()
    );
    g.finish();
}

/// `iters` ping-pongs over one connection of `rt`'s sockets, echoed by a
/// task of `rt`: the static, ambient and dyn rows.
async fn ping_pong<R: Runtime>(rt: R, iters: u64) -> Duration {
    let listener = rt.bind_tcp("127.0.0.1:0".parse().unwrap()).unwrap();
    let addr = listener.local_addr().unwrap();
    let server = rt.spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut buf = [0u8; MESSAGE];
        while stream.read_exact(&mut buf).await.is_ok() {
            stream.write_all(&buf).await.unwrap();
        }
    });
    let mut client = rt.connect_tcp(addr).await.unwrap();
    client.set_nodelay(true).unwrap();
    let (ping, mut pong) = ([7u8; MESSAGE], [0u8; MESSAGE]);
    let start = Instant::now();
    for _ in 0..iters {
        client.write_all(&ping).await.unwrap();
        client.read_exact(&mut pong).await.unwrap();
    }
    let elapsed = start.elapsed();
    drop(client);
    server.await.unwrap();
    elapsed
}

/// The echo server's future, boxed for `spawn` (outside the timed loop).
type Server = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

/// The same loop on a runtime's own sockets (futures-io ones: smol's and
/// async-std's), the server spawned with `spawn`.
macro_rules! native_ping_pong {
    ($name:ident, $listener:ty, $stream:ty) => {
        async fn $name<H: std::future::Future>(
            iters: u64,
            spawn: impl FnOnce(Server) -> H,
        ) -> Duration {
            let listener = <$listener>::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let server = spawn(Box::pin(async move {
                let (mut stream, _) = listener.accept().await.unwrap();
                let mut buf = [0u8; MESSAGE];
                while stream.read_exact(&mut buf).await.is_ok() {
                    stream.write_all(&buf).await.unwrap();
                }
            }));
            let mut client = <$stream>::connect(addr).await.unwrap();
            client.set_nodelay(true).unwrap();
            let (ping, mut pong) = ([7u8; MESSAGE], [0u8; MESSAGE]);
            let start = Instant::now();
            for _ in 0..iters {
                client.write_all(&ping).await.unwrap();
                client.read_exact(&mut pong).await.unwrap();
            }
            let elapsed = start.elapsed();
            drop(client);
            server.await;
            elapsed
        }
    };
}

native_ping_pong!(smol_native, smol::net::TcpListener, smol::net::TcpStream);
native_ping_pong!(
    async_std_native,
    async_std::net::TcpListener,
    async_std::net::TcpStream
);

async fn tokio_native(iters: u64) -> Duration {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut buf = [0u8; MESSAGE];
        while stream.read_exact(&mut buf).await.is_ok() {
            stream.write_all(&buf).await.unwrap();
        }
    });
    let mut client = tokio::net::TcpStream::connect(addr).await.unwrap();
    client.set_nodelay(true).unwrap();
    let (ping, mut pong) = ([7u8; MESSAGE], [0u8; MESSAGE]);
    let start = Instant::now();
    for _ in 0..iters {
        client.write_all(&ping).await.unwrap();
        client.read_exact(&mut pong).await.unwrap();
    }
    let elapsed = start.elapsed();
    drop(client);
    server.await.unwrap();
    elapsed
}

fn tcp_ping_pong(c: &mut Criterion, rts: &'static Runtimes) {
    let mut g = c.benchmark_group("dyn_tcp_ping_pong");
    bench_timed!(g, "tokio/native", &rts.tokio, |n| tokio_native(n));
    bench_timed!(g, "tokio/static", &rts.tokio, |n| ping_pong(Tokio, n));
    bench_timed!(g, "tokio/ambient", &rts.tokio, |n| ping_pong(Current, n));
    bench_timed!(g, "tokio/dyn", &rts.tokio, |n| ping_pong(
        DYN_TOKIO.clone(),
        n
    ));

    // `smol::spawn` is smol's global executor: the server runs on the
    // runtime's own executor instead, as the other rows' servers do.
    let executor = rts.smol.executor();
    bench_timed!(g, "smol/native", &rts.smol, |n| {
        let executor = executor.clone();
        async move { smol_native(n, |server| executor.spawn(server)).await }
    });
    bench_timed!(g, "smol/static", &rts.smol, |n| ping_pong(Smol, n));
    bench_timed!(g, "smol/ambient", &rts.smol, |n| ping_pong(Current, n));
    bench_timed!(g, "smol/dyn", &rts.smol, |n| ping_pong(DYN_SMOL.clone(), n));

    let rt = &rts.async_std;
    bench_timed!(g, "async-std/native", rt, |n| async_std_native(
        n,
        async_std::task::spawn
    ));
    bench_timed!(g, "async-std/static", rt, |n| ping_pong(AsyncStd, n));
    bench_timed!(g, "async-std/ambient", rt, |n| ping_pong(Current, n));
    bench_timed!(g, "async-std/dyn", rt, |n| ping_pong(
        DYN_ASYNC_STD.clone(),
        n
    ));
    g.finish();
}

fn main() {
    let rts = &*RUNTIMES;
    let mut c = criterion();
    spawn_join(&mut c, rts);
    sleep_zero(&mut c, rts);
    timeout_ready(&mut c, rts);
    tcp_ping_pong(&mut c, rts);
    c.final_summary();
}
