//! UDP over loopback: each runtime's own sockets (`native`) vs anyloop's
//! (`anyloop`, the ambient `anyloop::net`), on every backend, in one run.
//!
//! `udp_ping_pong`: two sockets on 127.0.0.1, a 64-byte datagram and its
//! echo per iteration. As in `tcp.rs`, the body is written once
//! (`udp_bodies!`) and stamped into one module per implementation; the echo
//! task is set up before the timed loop and stopped (by an empty datagram)
//! after it.

use anyloop_benches::{RUNTIMES, Runtimes, criterion, native_vs_anyloop};
use criterion::Criterion;

/// The size of a datagram.
const MESSAGE: usize = 64;

/// The benchmark body, written once against the name `UdpSocket` and a
/// `spawn` function that the invoking module brings into scope.
macro_rules! udp_bodies {
    () => {
        use std::hint::black_box;
        use std::time::{Duration, Instant};

        use super::MESSAGE;

        /// `iters` datagrams sent to an echo task, each echo awaited.
        pub(super) async fn ping_pong(iters: u64) -> Duration {
            let server = UdpSocket::bind("127.0.0.1:0").await.expect("bind");
            let server_addr = server.local_addr().expect("local_addr");
            let server = spawn(echo(server));
            let client = UdpSocket::bind("127.0.0.1:0").await.expect("bind");
            client.connect(server_addr).await.expect("connect");
            let ping = [7u8; MESSAGE];
            let mut pong = [0u8; MESSAGE];

            let start = Instant::now();
            for _ in 0..iters {
                client.send(&ping).await.expect("send");
                let n = client.recv(&mut pong).await.expect("recv");
                assert_eq!(n, MESSAGE);
            }
            let elapsed = start.elapsed();

            assert_eq!(black_box(pong), ping);
            client.send(&[]).await.expect("send the stop datagram");
            server.await;
            elapsed
        }

        /// Sends every datagram back to its sender, until an empty one.
        async fn echo(socket: UdpSocket) {
            let mut buf = [0u8; 2048];
            loop {
                let (n, peer) = socket.recv_from(&mut buf).await.expect("recv_from");
                if n == 0 {
                    return;
                }
                socket.send_to(&buf[..n], peer).await.expect("send_to");
            }
        }
    };
}

/// tokio's socket and `tokio::spawn`.
mod native_tokio {
    use tokio::net::UdpSocket;

    fn spawn(task: impl Future<Output = ()> + Send + 'static) -> impl Future<Output = ()> {
        let task = tokio::spawn(task);
        async move { task.await.expect("the echo task failed") }
    }

    udp_bodies!();
}

/// smol's socket (async-io's `Async<std::net::UdpSocket>`) and the smol
/// runtime's executor.
mod native_smol {
    use smol::net::UdpSocket;

    fn spawn(task: impl Future<Output = ()> + Send + 'static) -> impl Future<Output = ()> {
        anyloop_benches::RUNTIMES.smol.executor().spawn(task)
    }

    udp_bodies!();
}

/// async-std's socket and `async_std::task::spawn`.
mod native_async_std {
    use async_std::net::UdpSocket;

    fn spawn(task: impl Future<Output = ()> + Send + 'static) -> impl Future<Output = ()> {
        async_std::task::spawn(task)
    }

    udp_bodies!();
}

/// anyloop's socket and `anyloop::spawn`, on whichever runtime runs them.
mod ambient {
    use anyloop::net::UdpSocket;

    fn spawn(task: impl Future<Output = ()> + Send + 'static) -> impl Future<Output = ()> {
        let task = anyloop::spawn(task);
        async move { task.await.expect("the echo task failed") }
    }

    udp_bodies!();
}

fn udp_ping_pong(c: &mut Criterion, rts: &'static Runtimes) {
    let mut g = c.benchmark_group("udp_ping_pong");
    native_vs_anyloop!(g, rts, ping_pong());
    g.finish();
}

fn main() {
    let rts = &*RUNTIMES;
    let mut c = criterion();
    udp_ping_pong(&mut c, rts);
    c.final_summary();
}
