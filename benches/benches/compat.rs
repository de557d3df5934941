//! The cost of `anyloop::compat`: tokio code run on native tokio, and the
//! same code through `compat::tokio` on every backend, in one run.
//!
//! Rows: `tokio/native` (no wrapper), `tokio/compat` (the wrapper on the
//! tokio backend, where it is a no-op), `smol/compat` and `async-std/compat`
//! (polled in a task of that backend, inside the context of the background
//! tokio runtime, whose thread drives tokio's timer and reactor).
//!
//! - `compat_ready`: one poll of a ready future, with (`compat`) and without
//!   (`bare`) the wrapper: the price of entering tokio's context once.
//! - `compat_yield`: `tokio::task::yield_now()`, one wrapper per iteration
//!   (two polls), no I/O; `<backend>/bare` is the same call without the
//!   wrapper (outside a tokio runtime tokio's `yield_now` needs no context).
//!   Native tokio's is slower by design: its current-thread scheduler defers
//!   a yielded task's wake-up to its next driver turn.
//! - `compat_sleep_zero`: `tokio::time::sleep(ZERO)`, one wrapper per
//!   iteration: a timer entry that tokio's timer fires on its next tick; on
//!   smol and async-std that is the background thread's, which wakes the
//!   task across threads.
//! - `compat_tcp_ping_pong`: a `tokio::net::TcpStream` client, 64 bytes out
//!   and their echo back per iteration, against an echo server on
//!   `anyloop::net` of the same runtime. The client's loop runs in one
//!   wrapper (as an application wraps a tokio-only client); every read is an
//!   I/O event of the background reactor, so a cross-thread wake-up. The
//!   `<backend>/anyloop-net` rows run the same client on `anyloop::net`
//!   instead, for reference: what the backend does without tokio's sockets.

use std::future::ready;
use std::hint::black_box;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyloop::compat;
use anyloop_benches::{RUNTIMES, Runtimes, bench_in, bench_timed, criterion};
use criterion::Criterion;

const ZERO: Duration = Duration::ZERO;
/// The size of a ping-pong message.
const MESSAGE: usize = 64;

fn compat_yield(c: &mut Criterion, rts: &'static Runtimes) {
    let mut g = c.benchmark_group("compat_yield");
    bench_in!(
        g,
        "tokio/native",
        &rts.tokio,
        tokio::task::yield_now().await
    );
    bench_in!(
        g,
        "tokio/compat",
        &rts.tokio,
        compat::tokio(async { tokio::task::yield_now().await }).await
    );
    bench_in!(
        g,
        "smol/compat",
        &rts.smol,
        compat::tokio(async { tokio::task::yield_now().await }).await
    );
    bench_in!(
        g,
        "async-std/compat",
        &rts.async_std,
        compat::tokio(async { tokio::task::yield_now().await }).await
    );
    // Outside a tokio runtime, tokio's `yield_now` wakes its task at once
    // and needs no context: the same call without the wrapper.
    bench_in!(g, "smol/bare", &rts.smol, tokio::task::yield_now().await);
    bench_in!(
        g,
        "async-std/bare",
        &rts.async_std,
        tokio::task::yield_now().await
    );
    g.finish();
}

/// The wrapper alone: one poll of a ready future, with and without it.
fn compat_ready(c: &mut Criterion, rts: &'static Runtimes) {
    let mut g = c.benchmark_group("compat_ready");
    bench_in!(g, "tokio/bare", &rts.tokio, ready(1u8).await);
    bench_in!(
        g,
        "tokio/compat",
        &rts.tokio,
        compat::tokio(ready(1u8)).await
    );
    bench_in!(g, "smol/bare", &rts.smol, ready(1u8).await);
    bench_in!(g, "smol/compat", &rts.smol, compat::tokio(ready(1u8)).await);
    bench_in!(g, "async-std/bare", &rts.async_std, ready(1u8).await);
    bench_in!(
        g,
        "async-std/compat",
        &rts.async_std,
        compat::tokio(ready(1u8)).await
    );
    g.finish();
}

fn compat_sleep_zero(c: &mut Criterion, rts: &'static Runtimes) {
    let mut g = c.benchmark_group("compat_sleep_zero");
    bench_in!(
        g,
        "tokio/native",
        &rts.tokio,
        tokio::time::sleep(ZERO).await
    );
    bench_in!(
        g,
        "tokio/compat",
        &rts.tokio,
        compat::tokio(async { tokio::time::sleep(ZERO).await }).await
    );
    bench_in!(
        g,
        "smol/compat",
        &rts.smol,
        compat::tokio(async { tokio::time::sleep(ZERO).await }).await
    );
    bench_in!(
        g,
        "async-std/compat",
        &rts.async_std,
        compat::tokio(async { tokio::time::sleep(ZERO).await }).await
    );
    g.finish();
}

/// An echo server on `anyloop::net`, on the runtime that runs the caller:
/// one connection, until it ends.
mod server {
    use std::net::SocketAddr;

    use anyloop::io::{AsyncReadExt as _, AsyncWriteExt as _};
    use anyloop::net::TcpListener;

    pub(crate) async fn echo_once() -> (SocketAddr, anyloop::task::JoinHandle<()>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local_addr");
        let server = anyloop::spawn(async move {
            let (mut stream, _) = listener.accept().await.expect("accept");
            stream.set_nodelay(true).expect("set_nodelay");
            let mut buf = vec![0u8; 4096];
            loop {
                let n = stream.read(&mut buf).await.expect("read");
                if n == 0 {
                    return;
                }
                stream.write_all(&buf[..n]).await.expect("write");
            }
        });
        (addr, server)
    }

    /// The reference client: `iters` ping-pongs on `anyloop::net`.
    pub(crate) async fn anyloop_client(iters: u64, addr: SocketAddr) -> std::time::Duration {
        let mut stream = anyloop::net::TcpStream::connect(addr)
            .await
            .expect("connect");
        stream.set_nodelay(true).expect("set_nodelay");
        let ping = [7u8; super::MESSAGE];
        let mut pong = [0u8; super::MESSAGE];
        let start = std::time::Instant::now();
        for _ in 0..iters {
            stream.write_all(&ping).await.expect("write the ping");
            stream.read_exact(&mut pong).await.expect("read the pong");
        }
        let elapsed = start.elapsed();
        assert_eq!(std::hint::black_box(pong), ping);
        elapsed
    }
}

/// `iters` ping-pongs of a `tokio::net::TcpStream` client with `addr`.
async fn tokio_client(iters: u64, addr: SocketAddr) -> Duration {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stream.set_nodelay(true).expect("set_nodelay");
    let ping = [7u8; MESSAGE];
    let mut pong = [0u8; MESSAGE];
    let start = Instant::now();
    for _ in 0..iters {
        stream.write_all(&ping).await.expect("write the ping");
        stream.read_exact(&mut pong).await.expect("read the pong");
    }
    let elapsed = start.elapsed();
    assert_eq!(black_box(pong), ping);
    elapsed
}

/// The tokio client, natively or through `compat`, against the echo server.
async fn ping_pong(iters: u64, through_compat: bool) -> Duration {
    let (addr, server) = server::echo_once().await;
    let elapsed = if through_compat {
        compat::tokio(tokio_client(iters, addr)).await
    } else {
        tokio_client(iters, addr).await
    };
    server.await.expect("the echo server failed");
    elapsed
}

/// The `anyloop::net` client against the same server.
async fn ping_pong_anyloop(iters: u64) -> Duration {
    let (addr, server) = server::echo_once().await;
    let elapsed = server::anyloop_client(iters, addr).await;
    server.await.expect("the echo server failed");
    elapsed
}

fn compat_tcp_ping_pong(c: &mut Criterion, rts: &'static Runtimes) {
    let mut g = c.benchmark_group("compat_tcp_ping_pong");
    bench_timed!(g, "tokio/native", &rts.tokio, |n| ping_pong(n, false));
    bench_timed!(g, "tokio/compat", &rts.tokio, |n| ping_pong(n, true));
    bench_timed!(g, "smol/compat", &rts.smol, |n| ping_pong(n, true));
    bench_timed!(g, "smol/anyloop-net", &rts.smol, |n| ping_pong_anyloop(n));
    bench_timed!(g, "async-std/compat", &rts.async_std, |n| ping_pong(
        n, true
    ));
    bench_timed!(g, "async-std/anyloop-net", &rts.async_std, |n| {
        ping_pong_anyloop(n)
    });
    g.finish();
}

fn main() {
    let rts = &*RUNTIMES;
    let mut c = criterion();
    compat_ready(&mut c, rts);
    compat_yield(&mut c, rts);
    compat_sleep_zero(&mut c, rts);
    compat_tcp_ping_pong(&mut c, rts);
    c.final_summary();
}
