//! Counts what one socket round trip costs, for callgrind:
//! `valgrind --tool=callgrind target/release/examples/count_net <backend> <face> <op> <n>`
//! with `op` one of `tcp` (a 64-byte message written on one connection and
//! its echo read back, `write_all` + `read_exact` on both sides) and `udp`
//! (a 64-byte datagram sent with `send_to` and its echo received with
//! `recv_from`), run with two values of `n`: the difference of the
//! instruction counts, divided by the difference of `n`, is the cost of one
//! round trip (both sides, client and echo server, one runtime, loopback,
//! port 0). Set-up (bind, connect, the server's spawn) is the same in both
//! runs and cancels out.
//!
//! The kernel's work is not counted (callgrind counts user-space
//! instructions only), which is what anyloop can add: the system calls are
//! the same on every face. It also prints the loop's time per round trip in
//! nanoseconds.
//!
//! Faces: `native` (the runtime's own sockets and I/O extension traits),
//! `static` (`<Backend as Net>` types through `anyloop::rt`) and `ambient`
//! (`anyloop::net`).

use anyloop_benches::{RUNTIMES, timed_in};

/// The size of a message.
const MESSAGE: usize = 64;

/// The two round trips, written once against the names each module brings
/// in: `spawn`, `bind_tcp`, `accept`, `connect`, `bind_udp`, `send_to`,
/// `recv_from`, and the read/write extension traits.
macro_rules! ops {
    () => {
        use std::net::SocketAddr;
        use std::time::{Duration, Instant};

        use super::MESSAGE;

        pub(super) async fn tcp(n: u64) -> Duration {
            let listener = bind_tcp().await;
            let addr = listener.local_addr().expect("local_addr");
            let server = spawn(async move {
                let mut stream = accept(&listener).await;
                stream.set_nodelay(true).expect("set_nodelay");
                let mut buf = [0u8; MESSAGE];
                while stream.read_exact(&mut buf).await.is_ok() {
                    stream.write_all(&buf).await.expect("write the echo");
                }
            });
            let mut client = connect(addr).await;
            client.set_nodelay(true).expect("set_nodelay");
            let ping = [7u8; MESSAGE];
            let mut pong = [0u8; MESSAGE];
            let start = Instant::now();
            for _ in 0..n {
                client.write_all(&ping).await.expect("write the ping");
                client.read_exact(&mut pong).await.expect("read the pong");
            }
            let time = start.elapsed();
            assert_eq!(pong, ping, "the echo differs");
            drop(client);
            server.await;
            time
        }

        pub(super) async fn udp(n: u64) -> Duration {
            let server = bind_udp().await;
            let client = bind_udp().await;
            let server_addr: SocketAddr = server.local_addr().expect("local_addr");
            let echo = spawn(async move {
                let mut buf = [0u8; MESSAGE];
                loop {
                    let (len, peer) = recv_from(&server, &mut buf).await;
                    if len == 1 {
                        return;
                    }
                    send_to(&server, &buf[..len], peer).await;
                }
            });
            let ping = [7u8; MESSAGE];
            let mut pong = [0u8; MESSAGE];
            let start = Instant::now();
            for _ in 0..n {
                send_to(&client, &ping, server_addr).await;
                let (len, _) = recv_from(&client, &mut pong).await;
                assert_eq!(len, MESSAGE, "a short echo");
            }
            let time = start.elapsed();
            send_to(&client, &[0], server_addr).await;
            echo.await;
            time
        }
    };
}

/// tokio's own sockets and extension traits.
mod native_tokio {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpStream, UdpSocket};

    fn spawn(f: impl Future<Output = ()> + Send + 'static) -> impl Future<Output = ()> {
        let task = tokio::spawn(f);
        async move { task.await.expect("the server failed") }
    }
    async fn bind_tcp() -> TcpListener {
        TcpListener::bind("127.0.0.1:0").await.expect("bind")
    }
    async fn accept(listener: &TcpListener) -> TcpStream {
        listener.accept().await.expect("accept").0
    }
    async fn connect(addr: SocketAddr) -> TcpStream {
        TcpStream::connect(addr).await.expect("connect")
    }
    async fn bind_udp() -> UdpSocket {
        UdpSocket::bind("127.0.0.1:0").await.expect("bind")
    }
    async fn send_to(socket: &UdpSocket, buf: &[u8], to: SocketAddr) {
        socket.send_to(buf, to).await.expect("send_to");
    }
    async fn recv_from(socket: &UdpSocket, buf: &mut [u8]) -> (usize, SocketAddr) {
        socket.recv_from(buf).await.expect("recv_from")
    }

    ops!();
}

/// smol's own sockets (async-net over async-io) and the runtime's executor.
mod native_smol {
    use smol::io::{AsyncReadExt, AsyncWriteExt};
    use smol::net::{TcpListener, TcpStream, UdpSocket};

    fn spawn(f: impl Future<Output = ()> + Send + 'static) -> impl Future<Output = ()> {
        anyloop_benches::RUNTIMES.smol.executor().spawn(f)
    }
    async fn bind_tcp() -> TcpListener {
        TcpListener::bind("127.0.0.1:0").await.expect("bind")
    }
    async fn accept(listener: &TcpListener) -> TcpStream {
        listener.accept().await.expect("accept").0
    }
    async fn connect(addr: SocketAddr) -> TcpStream {
        TcpStream::connect(addr).await.expect("connect")
    }
    async fn bind_udp() -> UdpSocket {
        UdpSocket::bind("127.0.0.1:0").await.expect("bind")
    }
    async fn send_to(socket: &UdpSocket, buf: &[u8], to: SocketAddr) {
        socket.send_to(buf, to).await.expect("send_to");
    }
    async fn recv_from(socket: &UdpSocket, buf: &mut [u8]) -> (usize, SocketAddr) {
        socket.recv_from(buf).await.expect("recv_from")
    }

    ops!();
}

/// async-std's own sockets and extension traits.
mod native_async_std {
    use async_std::io::{ReadExt, WriteExt};
    use async_std::net::{TcpListener, TcpStream, UdpSocket};

    fn spawn(f: impl Future<Output = ()> + Send + 'static) -> impl Future<Output = ()> {
        async_std::task::spawn(f)
    }
    async fn bind_tcp() -> TcpListener {
        TcpListener::bind("127.0.0.1:0").await.expect("bind")
    }
    async fn accept(listener: &TcpListener) -> TcpStream {
        listener.accept().await.expect("accept").0
    }
    async fn connect(addr: SocketAddr) -> TcpStream {
        TcpStream::connect(addr).await.expect("connect")
    }
    async fn bind_udp() -> UdpSocket {
        UdpSocket::bind("127.0.0.1:0").await.expect("bind")
    }
    async fn send_to(socket: &UdpSocket, buf: &[u8], to: SocketAddr) {
        socket.send_to(buf, to).await.expect("send_to");
    }
    async fn recv_from(socket: &UdpSocket, buf: &mut [u8]) -> (usize, SocketAddr) {
        socket.recv_from(buf).await.expect("recv_from")
    }

    ops!();
}

/// anyloop's static face: a backend's `Net` types through `anyloop::rt`.
macro_rules! static_face {
    ($name:ident, $handle:ident) => {
        mod $name {
            use anyloop::io::{AsyncReadExt, AsyncWriteExt};
            use anyloop::rt::net::{TcpListener as _, TcpStream as _, UdpSocket as _};
            use anyloop::rt::{Net, Spawn, $handle};

            const RT: $handle = $handle;
            type Listener = <$handle as Net>::TcpListener;
            type Stream = <$handle as Net>::TcpStream;
            type Udp = <$handle as Net>::UdpSocket;

            fn spawn(f: impl Future<Output = ()> + Send + 'static) -> impl Future<Output = ()> {
                let task = RT.spawn(f);
                async move { task.await.expect("the server failed") }
            }
            fn local() -> SocketAddr {
                SocketAddr::from(([127, 0, 0, 1], 0))
            }
            async fn bind_tcp() -> Listener {
                RT.bind_tcp(local()).expect("bind")
            }
            async fn accept(listener: &Listener) -> Stream {
                listener.accept().await.expect("accept").0
            }
            async fn connect(addr: SocketAddr) -> Stream {
                RT.connect_tcp(addr).await.expect("connect")
            }
            async fn bind_udp() -> Udp {
                RT.bind_udp(local()).expect("bind")
            }
            async fn send_to(socket: &Udp, buf: &[u8], to: SocketAddr) {
                socket.send_to(buf, to).await.expect("send_to");
            }
            async fn recv_from(socket: &Udp, buf: &mut [u8]) -> (usize, SocketAddr) {
                socket.recv_from(buf).await.expect("recv_from")
            }

            ops!();
        }
    };
}

static_face!(static_tokio, Tokio);
static_face!(static_smol, Smol);
static_face!(static_async_std, AsyncStd);

/// anyloop's ambient face, on whichever runtime runs it.
mod ambient {
    use anyloop::io::{AsyncReadExt, AsyncWriteExt};
    use anyloop::net::{TcpListener, TcpStream, UdpSocket};

    fn spawn(f: impl Future<Output = ()> + Send + 'static) -> impl Future<Output = ()> {
        let task = anyloop::spawn(f);
        async move { task.await.expect("the server failed") }
    }
    async fn bind_tcp() -> TcpListener {
        TcpListener::bind("127.0.0.1:0").await.expect("bind")
    }
    async fn accept(listener: &TcpListener) -> TcpStream {
        listener.accept().await.expect("accept").0
    }
    async fn connect(addr: SocketAddr) -> TcpStream {
        TcpStream::connect(addr).await.expect("connect")
    }
    async fn bind_udp() -> UdpSocket {
        UdpSocket::bind("127.0.0.1:0").await.expect("bind")
    }
    async fn send_to(socket: &UdpSocket, buf: &[u8], to: SocketAddr) {
        socket.send_to(buf, to).await.expect("send_to");
    }
    async fn recv_from(socket: &UdpSocket, buf: &mut [u8]) -> (usize, SocketAddr) {
        socket.recv_from(buf).await.expect("recv_from")
    }

    ops!();
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: count_net <tokio|smol|async-std> <native|static|ambient> <tcp|udp> <n>";
    let [_, backend, face, op, n] = &args[..] else {
        panic!("{usage}");
    };
    let n: u64 = n.parse().expect(usage);
    let rts = &*RUNTIMES;
    macro_rules! run {
        ($rt:expr, $module:ident) => {
            match op.as_str() {
                "tcp" => timed_in($rt, $module::tcp(n)),
                "udp" => timed_in($rt, $module::udp(n)),
                other => panic!("unknown op {other:?}; {usage}"),
            }
        };
    }
    let time = match (backend.as_str(), face.as_str()) {
        ("tokio", "native") => run!(&rts.tokio, native_tokio),
        ("tokio", "static") => run!(&rts.tokio, static_tokio),
        ("tokio", "ambient") => run!(&rts.tokio, ambient),
        ("smol", "native") => run!(&rts.smol, native_smol),
        ("smol", "static") => run!(&rts.smol, static_smol),
        ("smol", "ambient") => run!(&rts.smol, ambient),
        ("async-std", "native") => run!(&rts.async_std, native_async_std),
        ("async-std", "static") => run!(&rts.async_std, static_async_std),
        ("async-std", "ambient") => run!(&rts.async_std, ambient),
        other => panic!("unknown backend and face {other:?}; {usage}"),
    };
    println!("{:.1}", time.as_secs_f64() * 1e9 / n as f64);
}
