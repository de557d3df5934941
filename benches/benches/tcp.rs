//! TCP over loopback: each runtime's own sockets (`native`) vs anyloop's
//! (`anyloop`, the ambient `anyloop::net`), on every backend, in one run.
//!
//! Every body is written once, in `tcp_bodies!`, and stamped into four
//! modules that differ only in their imports and their `spawn`: the rows of
//! a group run the same source text. Each iteration's sockets and server
//! tasks are set up before the timed loop and torn down after it (the echo
//! server runs as tasks of the same runtime, ending at the end of the
//! stream); only the loop is timed.
//!
//! - `tcp_ping_pong`: one connection, a 64-byte message and its echo per
//!   iteration.
//! - `tcp_ping_pong_64`: 64 connections, each with a 64-byte message and its
//!   echo in flight at once per iteration (all written, then all read).
//! - `tcp_throughput`: a stream of 64 KiB writes, all read by the other side,
//!   which then acknowledges with one byte.

use std::sync::LazyLock;

use anyloop_benches::{RUNTIMES, Runtimes, criterion, native_vs_anyloop};
use criterion::{Criterion, SamplingMode, Throughput};

/// The size of a ping-pong message.
const MESSAGE: usize = 64;
/// The size of each write (and read buffer) of the throughput benchmark.
const CHUNK: usize = 64 * 1024;
/// The connections of `tcp_ping_pong_64`.
const CONNECTIONS: usize = 64;

/// The bytes streamed per iteration of `tcp_throughput`: 64 MiB, so that
/// a run stays short (the rate is the same once the sockets' buffers are
/// full). For the 1 GiB figure, set `ANYLOOP_BENCH_STREAM_MIB=1024`.
static STREAM_BYTES: LazyLock<u64> = LazyLock::new(|| {
    let mib = match std::env::var("ANYLOOP_BENCH_STREAM_MIB") {
        Ok(value) => value
            .parse::<u64>()
            .ok()
            .filter(|&mib| mib > 0)
            .expect("ANYLOOP_BENCH_STREAM_MIB is a number of MiB, at least 1"),
        Err(_) => 64,
    };
    mib << 20
});

/// The benchmark bodies, written once against the names `TcpListener`,
/// `TcpStream`, the read/write extension traits and a `spawn` function that
/// the invoking module brings into scope.
macro_rules! tcp_bodies {
    () => {
        use std::future::Future;
        use std::hint::black_box;
        use std::net::SocketAddr;
        use std::time::{Duration, Instant};

        use super::{CHUNK, MESSAGE};

        /// `iters` rounds over `connections` connections: each round writes
        /// a message on every connection, then reads every echo.
        pub(super) async fn ping_pong(iters: u64, connections: usize) -> Duration {
            let (listener, addr) = bind().await;
            let server = spawn(serve(listener, connections, echo));
            let mut clients = Vec::with_capacity(connections);
            for _ in 0..connections {
                clients.push(connect(addr).await);
            }
            let ping = [7u8; MESSAGE];
            let mut pong = [0u8; MESSAGE];

            let start = Instant::now();
            for _ in 0..iters {
                for client in &mut clients {
                    client.write_all(&ping).await.expect("write the ping");
                }
                for client in &mut clients {
                    client.read_exact(&mut pong).await.expect("read the pong");
                }
            }
            let elapsed = start.elapsed();

            assert_eq!(black_box(pong), ping);
            drop(clients);
            server.await;
            elapsed
        }

        /// `iters` times: streams `bytes` bytes in `CHUNK`-byte writes and
        /// waits for the reader's acknowledgement.
        pub(super) async fn throughput(iters: u64, bytes: u64) -> Duration {
            let (listener, addr) = bind().await;
            let server = spawn(serve(listener, 1, move |stream| sink(stream, bytes)));
            let mut client = connect(addr).await;
            let chunk = vec![7u8; CHUNK];
            let mut ack = [0u8; 1];

            let start = Instant::now();
            for _ in 0..iters {
                let mut left = bytes;
                while left > 0 {
                    let n = left.min(CHUNK as u64) as usize;
                    client.write_all(&chunk[..n]).await.expect("write");
                    left -= n as u64;
                }
                client.read_exact(&mut ack).await.expect("read the ack");
            }
            let elapsed = start.elapsed();

            drop(client);
            server.await;
            elapsed
        }

        async fn bind() -> (TcpListener, SocketAddr) {
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
            let addr = listener.local_addr().expect("local_addr");
            (listener, addr)
        }

        async fn connect(addr: SocketAddr) -> TcpStream {
            let stream = TcpStream::connect(addr).await.expect("connect");
            stream.set_nodelay(true).expect("set_nodelay");
            stream
        }

        /// Accepts `connections` connections, runs `handler` on each in its
        /// own task, and ends when they all have.
        async fn serve<H, F>(listener: TcpListener, connections: usize, handler: H)
        where
            H: Fn(TcpStream) -> F,
            F: Future<Output = ()> + Send + 'static,
        {
            let mut tasks = Vec::with_capacity(connections);
            for _ in 0..connections {
                let (stream, _) = listener.accept().await.expect("accept");
                stream.set_nodelay(true).expect("set_nodelay");
                tasks.push(spawn(handler(stream)));
            }
            for task in tasks {
                task.await;
            }
        }

        /// Writes back what it reads, until the end of the stream.
        async fn echo(mut stream: TcpStream) {
            let mut buf = vec![0u8; CHUNK];
            loop {
                let n = stream.read(&mut buf).await.expect("read");
                if n == 0 {
                    return;
                }
                stream.write_all(&buf[..n]).await.expect("write");
            }
        }

        /// Reads `bytes` bytes and acknowledges them with one byte, until
        /// the end of the stream.
        async fn sink(mut stream: TcpStream, bytes: u64) {
            let mut buf = vec![0u8; CHUNK];
            loop {
                let mut left = bytes;
                while left > 0 {
                    let n = stream.read(&mut buf).await.expect("read") as u64;
                    if n == 0 {
                        assert_eq!(left, bytes, "the stream ended mid-transfer");
                        return;
                    }
                    left = left.checked_sub(n).expect("more bytes than sent");
                }
                stream.write_all(&[1]).await.expect("write the ack");
            }
        }
    };
}

/// tokio's sockets and `tokio::spawn`.
mod native_tokio {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpStream};

    fn spawn(task: impl Future<Output = ()> + Send + 'static) -> impl Future<Output = ()> {
        let task = tokio::spawn(task);
        async move { task.await.expect("a server task failed") }
    }

    tcp_bodies!();
}

/// smol's sockets (async-io's `Async<std::net::TcpStream>`) and the smol
/// runtime's executor.
mod native_smol {
    use smol::io::{AsyncReadExt, AsyncWriteExt};
    use smol::net::{TcpListener, TcpStream};

    fn spawn(task: impl Future<Output = ()> + Send + 'static) -> impl Future<Output = ()> {
        anyloop_benches::RUNTIMES.smol.executor().spawn(task)
    }

    tcp_bodies!();
}

/// async-std's sockets and `async_std::task::spawn`.
mod native_async_std {
    use async_std::io::{ReadExt, WriteExt};
    use async_std::net::{TcpListener, TcpStream};

    fn spawn(task: impl Future<Output = ()> + Send + 'static) -> impl Future<Output = ()> {
        async_std::task::spawn(task)
    }

    tcp_bodies!();
}

/// anyloop's sockets and `anyloop::spawn`, on whichever runtime runs them.
mod ambient {
    use anyloop::io::{AsyncReadExt, AsyncWriteExt};
    use anyloop::net::{TcpListener, TcpStream};

    fn spawn(task: impl Future<Output = ()> + Send + 'static) -> impl Future<Output = ()> {
        let task = anyloop::spawn(task);
        async move { task.await.expect("a server task failed") }
    }

    tcp_bodies!();
}

fn tcp_ping_pong(c: &mut Criterion, rts: &'static Runtimes) {
    let mut g = c.benchmark_group("tcp_ping_pong");
    native_vs_anyloop!(g, rts, ping_pong(1));
    g.finish();
}

fn tcp_ping_pong_64(c: &mut Criterion, rts: &'static Runtimes) {
    let mut g = c.benchmark_group("tcp_ping_pong_64");
    native_vs_anyloop!(g, rts, ping_pong(CONNECTIONS));
    g.finish();
}

fn tcp_throughput(c: &mut Criterion, rts: &'static Runtimes) {
    let bytes = *STREAM_BYTES;
    let mut g = c.benchmark_group("tcp_throughput");
    // An iteration takes tens of milliseconds: the fewest samples criterion
    // allows, each of the same few iterations.
    g.throughput(Throughput::Bytes(bytes))
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat);
    native_vs_anyloop!(g, rts, throughput(bytes));
    g.finish();
}

fn main() {
    let rts = &*RUNTIMES;
    let mut c = criterion();
    tcp_ping_pong(&mut c, rts);
    tcp_ping_pong_64(&mut c, rts);
    tcp_throughput(&mut c, rts);
    c.final_summary();
}
