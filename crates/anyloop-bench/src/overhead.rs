//! anyloop against each runtime's own calls, in one interleaved run.
//!
//! Every operation is written once (`ops!`) and stamped into one module per
//! way of calling it: the runtime's own API (`native_*`), anyloop's static
//! face (`static_*`: the backend's handle and the `anyloop::rt` traits) and
//! the ambient face (`ambient`: `anyloop::spawn`, `anyloop::net`, ...). The
//! runtimes are the criterion benches' (`benches/`): current-thread tokio
//! and smol, async-std with one worker, so that the two agree.
//!
//! Each face's `spawn` is inlined and returns the runtime's own handle,
//! which the face's `join!` awaits where it was built, as `benches/spawn.rs`
//! does (`spawn(f).await.unwrap()`). A wrapper out of line, or an `async
//! move` block around the handle, would move the handle once more right
//! after building it, a stalled load for anyloop's 32–56-byte handles that
//! native's 8–24 bytes pay less (see ARCHITECTURE.md, "Store forwarding").
//! An adapter future around the handle (futures-util's `map`) is a poll of
//! its own that LLVM inlined for the native handles and not for anyloop's
//! larger poll: +31 instructions per spawn + join on smol's static face and
//! +41 on its ambient one, which a user who awaits the handle does not pay.

use std::future::Future;
use std::hint::black_box;
use std::pin::Pin;
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use anyloop::rt::BlockOn;
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell as TableCell, Table};
use serde::Serialize;

use crate::report::{Machine, machine, now_utc};
use crate::stats::{Summary, paired_ratios};
use crate::{Error, Mode};

const MESSAGE: usize = 64;

/// The operations, written once against the names each module brings in:
/// `spawn`, `yield_now`, `sleep0`, `timeout_ready`, `bind_tcp`, `accept`,
/// `connect`, `bind_udp`, `send_to`, `recv_from`, and the read/write traits.
macro_rules! ops {
    () => {
        use std::hint::black_box;
        use std::time::{Duration, Instant};

        use super::MESSAGE;

        pub(super) async fn spawn_join(n: u64) -> Duration {
            let start = Instant::now();
            for i in 0..n {
                let out = join!(spawn(async move { black_box(i) }));
                assert_eq!(out, i, "a task returned the wrong value");
            }
            start.elapsed()
        }

        pub(super) async fn yields(n: u64) -> Duration {
            let start = Instant::now();
            for _ in 0..n {
                yield_now().await;
            }
            start.elapsed()
        }

        pub(super) async fn sleeps(n: u64) -> Duration {
            let start = Instant::now();
            for _ in 0..n {
                sleep0().await;
            }
            start.elapsed()
        }

        pub(super) async fn timeouts(n: u64) -> Duration {
            let start = Instant::now();
            let mut ready = 0;
            for i in 0..n {
                ready += u64::from(timeout_ready(black_box(i)).await);
            }
            let time = start.elapsed();
            assert_eq!(ready, n, "a timeout fired on a ready future");
            time
        }

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
            join!(server);
            time
        }

        pub(super) async fn udp(n: u64) -> Duration {
            let server = bind_udp().await;
            let client = bind_udp().await;
            let server_addr = server.local_addr().expect("local_addr");
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
            join!(echo);
            time
        }
    };
}

/// tokio's own calls.
mod native_tokio {
    use std::future::Future;
    use std::net::SocketAddr;

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpStream, UdpSocket};

    #[inline(always)]
    fn spawn<T: Send + 'static>(
        f: impl Future<Output = T> + Send + 'static,
    ) -> tokio::task::JoinHandle<T> {
        tokio::spawn(f)
    }
    /// Awaits a handle of `spawn` for its output.
    macro_rules! join {
        ($task:expr) => {
            $task.await.expect("a task failed")
        };
    }
    async fn yield_now() {
        tokio::task::yield_now().await
    }
    async fn sleep0() {
        tokio::time::sleep(Duration::ZERO).await
    }
    async fn timeout_ready(i: u64) -> bool {
        tokio::time::timeout(Duration::from_secs(1), async { i })
            .await
            .is_ok()
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

/// smol's own calls: the runtime's executor, async-io's timer and sockets.
mod native_smol {
    use std::future::Future;
    use std::net::SocketAddr;

    use smol::io::{AsyncReadExt, AsyncWriteExt};
    use smol::net::{TcpListener, TcpStream, UdpSocket};

    #[inline(always)]
    fn spawn<T: Send + 'static>(f: impl Future<Output = T> + Send + 'static) -> smol::Task<T> {
        super::RUNTIMES.smol.executor().spawn(f)
    }
    /// Awaits a handle of `spawn` for its output (the native handle gives it as it is).
    macro_rules! join {
        ($task:expr) => {
            $task.await
        };
    }
    async fn yield_now() {
        smol::future::yield_now().await
    }
    async fn sleep0() {
        smol::Timer::after(Duration::ZERO).await;
    }
    async fn timeout_ready(i: u64) -> bool {
        let timer = smol::Timer::after(Duration::from_secs(1));
        smol::future::or(async { Some(i) }, async {
            timer.await;
            None
        })
        .await
        .is_some()
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

/// async-std's own calls.
mod native_async_std {
    use std::future::Future;
    use std::net::SocketAddr;

    use async_std::io::{ReadExt, WriteExt};
    use async_std::net::{TcpListener, TcpStream, UdpSocket};

    #[inline(always)]
    fn spawn<T: Send + 'static>(
        f: impl Future<Output = T> + Send + 'static,
    ) -> async_std::task::JoinHandle<T> {
        async_std::task::spawn(f)
    }
    /// Awaits a handle of `spawn` for its output (the native handle gives it as it is).
    macro_rules! join {
        ($task:expr) => {
            $task.await
        };
    }
    async fn yield_now() {
        async_std::task::yield_now().await
    }
    async fn sleep0() {
        async_std::task::sleep(Duration::ZERO).await
    }
    async fn timeout_ready(i: u64) -> bool {
        async_std::future::timeout(Duration::from_secs(1), async { i })
            .await
            .is_ok()
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

/// anyloop's static face: generic code over `anyloop::rt` with a backend's
/// handle `RT`.
macro_rules! static_face {
    ($name:ident, $handle:ident) => {
        mod $name {
            use std::future::Future;
            use std::net::SocketAddr;

            use anyloop::io::{AsyncReadExt, AsyncWriteExt};
            use anyloop::rt::net::{TcpListener as _, TcpStream as _, UdpSocket as _};
            use anyloop::rt::{Net, Spawn, TimerExt, $handle};

            const RT: $handle = $handle;
            type Listener = <$handle as Net>::TcpListener;
            type Stream = <$handle as Net>::TcpStream;
            type Udp = <$handle as Net>::UdpSocket;

            #[inline(always)]
            fn spawn<T: Send + 'static>(
                f: impl Future<Output = T> + Send + 'static,
            ) -> <$handle as Spawn>::JoinHandle<T> {
                RT.spawn(f)
            }
            /// Awaits a handle of `spawn` for its output.
            macro_rules! join {
                ($task:expr) => {
                    $task.await.expect("a task failed")
                };
            }
            async fn yield_now() {
                anyloop::task::yield_now().await
            }
            async fn sleep0() {
                RT.sleep(Duration::ZERO).await
            }
            async fn timeout_ready(i: u64) -> bool {
                RT.timeout(Duration::from_secs(1), async { i })
                    .await
                    .is_ok()
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
    use std::future::Future;
    use std::net::SocketAddr;

    use anyloop::io::{AsyncReadExt, AsyncWriteExt};
    use anyloop::net::{TcpListener, TcpStream, UdpSocket};

    #[inline(always)]
    fn spawn<T: Send + 'static>(
        f: impl Future<Output = T> + Send + 'static,
    ) -> anyloop::task::JoinHandle<T> {
        anyloop::spawn(f)
    }
    /// Awaits a handle of `spawn` for its output.
    macro_rules! join {
        ($task:expr) => {
            $task.await.expect("a task failed")
        };
    }
    async fn yield_now() {
        anyloop::task::yield_now().await
    }
    async fn sleep0() {
        anyloop::time::sleep(Duration::ZERO).await
    }
    async fn timeout_ready(i: u64) -> bool {
        anyloop::time::timeout(Duration::from_secs(1), async { i })
            .await
            .is_ok()
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

/// The runtimes of the comparison, built once, as the criterion benches'.
struct Runtimes {
    tokio: anyloop_tokio::Runtime,
    smol: anyloop_smol::Runtime,
    async_std: anyloop_async_std::Runtime,
}

static RUNTIMES: LazyLock<Runtimes> = LazyLock::new(|| Runtimes {
    tokio: anyloop_tokio::Runtime::current_thread().expect("cannot start a tokio runtime"),
    smol: anyloop_smol::Runtime::current_thread(),
    async_std: anyloop_async_std::Runtime::new(Some(1)),
});

type Body = fn(u64) -> Pin<Box<dyn Future<Output = Duration> + Send>>;

/// The operations: (name, is a socket op, iterations in default mode, the
/// bodies per backend `[native, static, ambient]`).
struct Op {
    name: &'static str,
    socket: bool,
    n: u64,
    bodies: [[Body; 3]; 3],
}

macro_rules! bodies {
    ($f:ident) => {
        [
            [
                |n| Box::pin(native_tokio::$f(n)),
                |n| Box::pin(static_tokio::$f(n)),
                |n| Box::pin(ambient::$f(n)),
            ],
            [
                |n| Box::pin(native_smol::$f(n)),
                |n| Box::pin(static_smol::$f(n)),
                |n| Box::pin(ambient::$f(n)),
            ],
            [
                |n| Box::pin(native_async_std::$f(n)),
                |n| Box::pin(static_async_std::$f(n)),
                |n| Box::pin(ambient::$f(n)),
            ],
        ]
    };
}

fn ops() -> Vec<Op> {
    vec![
        Op {
            name: "spawn + join",
            socket: false,
            n: 100_000,
            bodies: bodies!(spawn_join),
        },
        Op {
            name: "yield_now",
            socket: false,
            n: 200_000,
            bodies: bodies!(yields),
        },
        Op {
            name: "sleep(0)",
            socket: false,
            n: 1_000,
            bodies: bodies!(sleeps),
        },
        Op {
            name: "timeout, ready future",
            socket: false,
            n: 200_000,
            bodies: bodies!(timeouts),
        },
        Op {
            name: "TCP ping-pong",
            socket: true,
            n: 5_000,
            bodies: bodies!(tcp),
        },
        Op {
            name: "UDP ping-pong",
            socket: true,
            n: 5_000,
            bodies: bodies!(udp),
        },
    ]
}

const BACKENDS: [&str; 3] = ["tokio", "smol", "async-std"];
const FACES: [&str; 3] = ["native", "static", "ambient"];

/// Times anyloop against each runtime's own calls: spawn + join, yield,
/// `sleep(0)`, a timeout on a ready future, TCP and UDP ping-pong, each
/// natively and through the static and the ambient face, interleaved.
///
/// # Examples
///
/// ```
/// use anyloop_bench::{Mode, Overhead};
///
/// let report = Overhead::new(Mode::Quick).repeat(1).run()?;
/// assert_eq!(report.rows.len(), 6);
/// println!("{}", report.table());
/// # Ok::<(), anyloop_bench::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Overhead {
    mode: Mode,
    repeat: usize,
    warmup: usize,
}

impl Overhead {
    /// The comparison in `mode` (quick: 1/20 of the iterations), 10
    /// measured rounds (3 in quick mode) after one warm-up round.
    ///
    /// # Examples
    ///
    /// ```
    /// let overhead = anyloop_bench::Overhead::new(anyloop_bench::Mode::Default);
    /// # let _ = overhead;
    /// ```
    pub fn new(mode: Mode) -> Overhead {
        Overhead {
            mode,
            repeat: if mode == Mode::Quick { 3 } else { 10 },
            warmup: 1,
        }
    }

    /// Measured rounds (at least 1).
    ///
    /// # Examples
    ///
    /// ```
    /// let overhead = anyloop_bench::Overhead::new(anyloop_bench::Mode::Default).repeat(20);
    /// # let _ = overhead;
    /// ```
    pub fn repeat(mut self, repeat: usize) -> Overhead {
        self.repeat = repeat;
        self
    }

    /// Unrecorded rounds before them.
    ///
    /// # Examples
    ///
    /// ```
    /// let overhead = anyloop_bench::Overhead::new(anyloop_bench::Mode::Default).warmup(2);
    /// # let _ = overhead;
    /// ```
    pub fn warmup(mut self, warmup: usize) -> Overhead {
        self.warmup = warmup;
        self
    }

    /// Runs the comparison: for each operation, round after round, every
    /// backend in turn and, for each, native, static, ambient.
    ///
    /// # Errors
    ///
    /// [`Error::BadRepeat`] for a repeat of 0; [`Error::Panicked`] or
    /// [`Error::TimedOut`] if an operation failed.
    ///
    /// # Examples
    ///
    /// ```
    /// let err = anyloop_bench::Overhead::new(anyloop_bench::Mode::Quick).repeat(0).run().unwrap_err();
    /// assert!(matches!(err, anyloop_bench::Error::BadRepeat(_)));
    /// ```
    pub fn run(&self) -> Result<OverheadReport, Error> {
        if self.repeat == 0 {
            return Err(Error::BadRepeat("0".to_owned()));
        }
        let started = Instant::now();
        let date = now_utc();
        let rts = &*RUNTIMES;
        let scale = match self.mode {
            Mode::Quick => 20,
            Mode::Default => 1,
            Mode::Full => 1,
        };
        let rounds = self.warmup + self.repeat;
        let total = ops().len() * rounds * 9;
        let bar = crate::engine::progress(total, true);
        let mut rows = Vec::new();
        for op in ops() {
            let n = (op.n / scale).max(10);
            // samples[backend][face], in ns per operation
            let mut samples = vec![vec![Vec::new(); 3]; 3];
            for round in 0..rounds {
                for b in 0..3 {
                    // The faces in a rotating order (native first, then
                    // static first, ...), so that no face always runs
                    // right after another backend's runs.
                    for f in (0..3).map(|i| (i + round) % 3) {
                        bar.set_message(format!("{} on {} ({})", op.name, BACKENDS[b], FACES[f]));
                        let body = op.bodies[b][f];
                        let time = match b {
                            0 => time(&rts.tokio, body, n),
                            1 => time(&rts.smol, body, n),
                            _ => time(&rts.async_std, body, n),
                        }
                        .map_err(|failure| failure.into_error(op.name, BACKENDS[b], FACES[f]))?;
                        bar.inc(1);
                        if round >= self.warmup {
                            samples[b][f].push(time.as_secs_f64() * 1e9 / n as f64);
                        }
                    }
                }
            }
            let mut cells = Vec::new();
            for (b, backend) in BACKENDS.iter().enumerate() {
                let native = Summary::of(&samples[b][0]).unwrap_or_else(zero);
                for f in 1..3 {
                    let face = Summary::of(&samples[b][f]).unwrap_or_else(zero);
                    // Round by round: the three faces of a backend run back
                    // to back, so each round's ratio cancels the machine's
                    // slower phases.
                    let ratios = paired_ratios(&samples[b][f], &samples[b][0]).unwrap_or_else(zero);
                    cells.push(OverheadCell {
                        backend: (*backend).to_owned(),
                        face: FACES[f].to_owned(),
                        ratio: ratios.median,
                        ratio_spread: ratios.iqr() / 2.0,
                        ratios,
                        native_ns: native,
                        anyloop_ns: face,
                    });
                }
            }
            rows.push(OverheadRow {
                operation: op.name.to_owned(),
                iterations: n,
                socket: op.socket,
                cells,
            });
        }
        bar.finish_and_clear();
        Ok(OverheadReport {
            schema: "anyloop-bench-overhead/2".to_owned(),
            date,
            machine: machine(),
            repeat: self.repeat,
            warmup: self.warmup,
            wall_time_s: started.elapsed().as_secs_f64(),
            rows,
        })
    }
}

fn zero() -> Summary {
    Summary::of(&[0.0]).unwrap_or_else(|| unreachable!("one sample always has a summary"))
}

enum OpFailure {
    Panic(String),
    TimedOut(Duration),
}

impl OpFailure {
    fn into_error(self, op: &str, backend: &'static str, face: &str) -> Error {
        match self {
            OpFailure::Panic(message) => Error::Panicked {
                workload: "overhead".to_owned(),
                case: format!("{op}, {face}"),
                backend,
                message,
            },
            OpFailure::TimedOut(limit) => Error::TimedOut {
                workload: "overhead".to_owned(),
                case: format!("{op}, {face}"),
                backend,
                limit,
            },
        }
    }
}

/// Runs `body(n)` as a task of `rt` (so that async-std's joins are not
/// cross-thread wake-ups from its `block_on` thread), bounded in time.
fn time<R: BlockOn>(rt: &R, body: Body, n: u64) -> Result<Duration, OpFailure> {
    const LIMIT: Duration = Duration::from_secs(120);
    rt.block_on(async move {
        // A short untimed run of the same body first, so that each sample
        // starts warm (caches, allocator) as a criterion sample does, not
        // right after another backend's or face's runs.
        let warm = async move {
            body((n / 5).max(1)).await;
            body(n).await
        };
        let mut task = anyloop::spawn(warm);
        match anyloop::time::timeout(LIMIT, &mut task).await {
            Ok(Ok(time)) => Ok(black_box(time)),
            Ok(Err(err)) => Err(OpFailure::Panic(err.to_string())),
            Err(_) => {
                task.abort();
                Err(OpFailure::TimedOut(LIMIT))
            }
        }
    })
}

/// Runs one operation of the table once, `n` times over, as a task of the
/// table's runtime for `backend`, without the warm-up `--overhead` adds:
/// what `benches/examples/count_net.rs` counts under callgrind, so that the
/// instruction counts are of the same code as the table's times. `op` is
/// `spawn`, `yield`, `sleep0`, `timeout`, `tcp` or `udp`; `backend` and
/// `face` are the table's names. `None` for a name it does not know.
pub fn run_op(op: &str, backend: &str, face: &str, n: u64) -> Option<Duration> {
    const KEYS: [&str; 6] = ["spawn", "yield", "sleep0", "timeout", "tcp", "udp"];
    let op = KEYS.iter().position(|key| *key == op)?;
    let b = BACKENDS.iter().position(|name| *name == backend)?;
    let f = FACES.iter().position(|name| *name == face)?;
    let body = ops().swap_remove(op).bodies[b][f];
    let rts = &*RUNTIMES;
    let run = async move { anyloop::spawn(body(n)).await };
    let out = match b {
        0 => rts.tokio.block_on(run),
        1 => rts.smol.block_on(run),
        _ => rts.async_std.block_on(run),
    };
    Some(out.expect("the operation panicked"))
}

/// The overhead table: anyloop / native per operation, backend and face.
///
/// # Examples
///
/// ```
/// let report = anyloop_bench::Overhead::new(anyloop_bench::Mode::Quick).repeat(1).run()?;
/// let json: serde_json::Value = serde_json::from_str(&report.json()).unwrap();
/// assert_eq!(json["rows"][0]["cells"].as_array().unwrap().len(), 6);
/// assert!(report.markdown().contains("| spawn + join |"));
/// # Ok::<(), anyloop_bench::Error>(())
/// ```
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct OverheadReport {
    /// `anyloop-bench-overhead/2` (version 1 had no `ratios`, and its
    /// `ratio` was the ratio of the two medians).
    pub schema: String,
    /// When it ran (UTC).
    pub date: String,
    /// Where it ran.
    pub machine: Machine,
    /// Measured rounds.
    pub repeat: usize,
    /// Warm-up rounds.
    pub warmup: usize,
    /// How long it took, in seconds.
    pub wall_time_s: f64,
    /// One row per operation.
    pub rows: Vec<OverheadRow>,
}

/// One operation's ratios.
///
/// # Examples
///
/// ```
/// let report = anyloop_bench::Overhead::new(anyloop_bench::Mode::Quick).repeat(1).run()?;
/// assert_eq!(report.rows[4].operation, "TCP ping-pong");
/// assert!(report.rows[4].socket);
/// # Ok::<(), anyloop_bench::Error>(())
/// ```
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct OverheadRow {
    /// The operation.
    pub operation: String,
    /// Iterations per sample.
    pub iterations: u64,
    /// Whether it is a socket operation (target ≤ 1.03×).
    pub socket: bool,
    /// tokio static, tokio ambient, smol static, ...
    pub cells: Vec<OverheadCell>,
}

/// anyloop / native for one backend and face.
///
/// # Examples
///
/// ```
/// let report = anyloop_bench::Overhead::new(anyloop_bench::Mode::Quick).repeat(1).run()?;
/// let cell = &report.rows[0].cells[0];
/// assert_eq!((cell.backend.as_str(), cell.face.as_str()), ("tokio", "static"));
/// assert!(cell.ratio > 0.0);
/// # Ok::<(), anyloop_bench::Error>(())
/// ```
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct OverheadCell {
    /// The backend.
    pub backend: String,
    /// `static` or `ambient`.
    pub face: String,
    /// The median of the rounds' ratios, time through anyloop over the
    /// native time of the same round.
    pub ratio: f64,
    /// Its spread: half the interquartile range of the rounds' ratios.
    pub ratio_spread: f64,
    /// The rounds' ratios.
    pub ratios: Summary,
    /// The native time per operation, in ns.
    pub native_ns: Summary,
    /// The time per operation through anyloop, in ns.
    pub anyloop_ns: Summary,
}

impl OverheadCell {
    /// The target ratio of this cell: sockets 1.03, the static face 1.02,
    /// the ambient face 1.05.
    fn target(&self, socket: bool) -> f64 {
        if socket {
            1.03
        } else if self.face == "static" {
            1.02
        } else {
            1.05
        }
    }
}

impl OverheadReport {
    fn columns(&self) -> Vec<String> {
        self.rows
            .first()
            .map(|r| {
                r.cells
                    .iter()
                    .map(|c| format!("{} {}", c.backend, c.face))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn cell_text(row: &OverheadRow, cell: &OverheadCell) -> String {
        let mark = if cell.ratio <= cell.target(row.socket) {
            "✓"
        } else {
            "✗"
        };
        format!("{:.3}× ±{:.3} {mark}", cell.ratio, cell.ratio_spread)
    }

    fn legend(&self) -> String {
        format!(
            "anyloop / native: the median of {} interleaved rounds' ratios (after {} warm-up; each round runs a backend's native, static and ambient samples back to back), ± half their interquartile range; ✓ within the target (static ≤ 1.02×, ambient ≤ 1.05×, sockets ≤ 1.03×). Runtimes as in benches/: current-thread tokio and smol, async-std with 1 worker. yield_now and sleep(0) compare different semantics, not only costs: anyloop's sleep(0) is exactly one yield on every backend (tokio's waits for its 1 ms timer tick, async-io's does not yield at all), and anyloop's yield_now is one runtime-independent future (tokio's defers its wake-up behind the I/O driver). {}, {} cores, {}; {}.",
            self.repeat,
            self.warmup,
            self.date,
            self.machine.cores,
            self.machine.cpu,
            self.machine.rustc
        )
    }

    /// The table for a terminal: rows = operations, columns = backend ×
    /// face, cells = anyloop / native.
    ///
    /// # Examples
    ///
    /// ```
    /// let report = anyloop_bench::Overhead::new(anyloop_bench::Mode::Quick).repeat(1).run()?;
    /// assert!(report.table().contains("smol ambient"));
    /// # Ok::<(), anyloop_bench::Error>(())
    /// ```
    pub fn table(&self) -> String {
        let mut table = Table::new();
        table.load_preset(UTF8_FULL_CONDENSED);
        let mut header = vec![TableCell::new("operation"), TableCell::new("native / op")];
        header.extend(self.columns().into_iter().map(TableCell::new));
        table.set_header(header);
        for row in &self.rows {
            let natives = row
                .cells
                .iter()
                .step_by(2)
                .map(|c| {
                    format!(
                        "{} {}",
                        c.backend,
                        crate::report::fmt_secs(c.native_ns.median * 1e-9)
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            let mut cells = vec![TableCell::new(&row.operation), TableCell::new(natives)];
            cells.extend(
                row.cells
                    .iter()
                    .map(|c| TableCell::new(Self::cell_text(row, c))),
            );
            table.add_row(cells);
        }
        format!("{table}\n{}\n", self.legend())
    }

    /// The same table in Markdown.
    ///
    /// # Examples
    ///
    /// ```
    /// let report = anyloop_bench::Overhead::new(anyloop_bench::Mode::Quick).repeat(1).run()?;
    /// assert!(report.markdown().contains("| operation |"));
    /// # Ok::<(), anyloop_bench::Error>(())
    /// ```
    pub fn markdown(&self) -> String {
        let columns = self.columns();
        let mut out = String::from("| operation |");
        for c in &columns {
            out.push_str(&format!(" {c} |"));
        }
        out.push_str("\n|---|");
        out.push_str(&"---|".repeat(columns.len()));
        out.push('\n');
        for row in &self.rows {
            out.push_str(&format!("| {} |", row.operation));
            for cell in &row.cells {
                out.push_str(&format!(" {} |", Self::cell_text(row, cell)));
            }
            out.push('\n');
        }
        out.push_str(&format!("\n{}\n", self.legend()));
        out
    }

    /// The report as pretty-printed JSON.
    ///
    /// # Examples
    ///
    /// ```
    /// let report = anyloop_bench::Overhead::new(anyloop_bench::Mode::Quick).repeat(1).run()?;
    /// assert!(report.json().contains("anyloop-bench-overhead/2"));
    /// # Ok::<(), anyloop_bench::Error>(())
    /// ```
    pub fn json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_op_runs_every_socket_body_and_refuses_unknown_names() {
        for backend in BACKENDS {
            for face in FACES {
                for op in ["tcp", "udp"] {
                    let time = run_op(op, backend, face, 3);
                    assert!(time.is_some(), "{op} on {backend} ({face}) did not run");
                }
            }
        }
        assert_eq!(run_op("tcp", "glommio", "native", 1), None);
        assert_eq!(run_op("tcp", "smol", "dyn", 1), None);
        assert_eq!(run_op("quic", "smol", "native", 1), None);
    }
}
