//! Soak: 10,000 concurrent loopback TCP connections echoing on each
//! backend, then closed, with no error, every byte checked, and the open
//! file descriptors and resident memory of the processes back near where
//! they started.
//!
//! Full size only with `ANYLOOP_SOAK=1`, which `.ci/run` sets for its
//! release-mode run of this file; otherwise a small run of the same code, so
//! that the ordinary debug test run stays fast. Each backend's run is its
//! own test (`soak_tcp::tokio`, ...), and runs in child processes of the
//! test binary so that no other test moves the figures: the server in one,
//! the clients in another (both on the backend under test), so that each
//! process holds one descriptor per connection and 10,000 connections fit
//! under a hard `RLIMIT_NOFILE` of 20,000.
#![cfg(target_os = "linux")]

#[path = "common/child.rs"]
mod child;
mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyloop::io::{AsyncReadExt, AsyncWriteExt};
use anyloop::net::{TcpListener, TcpStream};
use common::backend;

/// Set in the clients' process: the address of the server.
const SERVER: &str = "ANYLOOP_SOAK_SERVER";

/// How long a whole soak (both processes) may take on one backend.
const SOAK_LIMIT: Duration = Duration::from_secs(120);

/// Connects in flight at once: few enough that the listener's backlog (1024)
/// never overflows while the server accepts, which would cost the clients
/// the kernel's 1 s SYN retransmit.
const CONNECT_WAVE: usize = 256;

/// The size of one run.
#[derive(Debug, Clone, Copy)]
struct Size {
    connections: usize,
    rounds: usize,
    message: usize,
}

impl Size {
    fn from_env() -> Size {
        let full = std::env::var("ANYLOOP_SOAK").is_ok_and(|v| v == "1");
        let number = |name: &str, default: usize| match std::env::var(name) {
            Ok(value) => value
                .parse()
                .unwrap_or_else(|_| panic!("{name} is a number, not {value:?}")),
            Err(_) => default,
        };
        if full {
            Size {
                connections: number("ANYLOOP_SOAK_CONNECTIONS", 10_000),
                rounds: number("ANYLOOP_SOAK_ROUNDS", 10),
                message: number("ANYLOOP_SOAK_MESSAGE", 512),
            }
        } else {
            Size {
                connections: 64,
                rounds: 4,
                message: 512,
            }
        }
    }
}

/// Open file descriptors of this process.
fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .expect("read /proc/self/fd")
        .count()
}

/// Resident memory of this process, in KiB.
fn resident_kib() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("read /proc/self/statm");
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|field| field.parse().ok())
        .expect("statm's second field is the resident size in pages");
    pages * 4
}

/// The peak resident memory of this process so far, in KiB (`VmHWM`).
fn peak_resident_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("read /proc/self/status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|kib| kib.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("/proc/self/status has VmHWM in kB")
}

/// Raises the soft `RLIMIT_NOFILE` to `needed` if it is lower, and the hard
/// limit too where the process may (root may, up to `fs.nr_open`); `false`
/// (after saying why) if the limit cannot reach `needed`.
fn enough_fds(needed: u64) -> bool {
    let (soft, hard) = rlimit::getrlimit(rlimit::Resource::NOFILE).expect("getrlimit");
    if soft >= needed {
        return true;
    }
    if hard >= needed {
        rlimit::setrlimit(rlimit::Resource::NOFILE, needed, hard)
            .expect("raise the soft RLIMIT_NOFILE");
        return true;
    }
    match rlimit::setrlimit(rlimit::Resource::NOFILE, needed, needed) {
        Ok(()) => true,
        Err(err) => {
            println!(
                "skipped: needs {needed} file descriptors; RLIMIT_NOFILE is {soft} \
                 (hard {hard}) and cannot be raised: {err}"
            );
            false
        }
    }
}

/// The descriptors a process of the soak needs: one per connection, and
/// room for the runtime and the test harness.
fn fds_needed(size: Size) -> u64 {
    size.connections as u64 + 512
}

/// The bytes that connection `id` sends in round `round`: different for
/// every connection and round, so a byte from another connection, a lost or
/// a repeated chunk shows.
fn message(id: usize, round: usize, len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u64 ^ (id as u64).wrapping_mul(31) ^ ((round as u64) << 5)) as u8)
        .collect()
}

/// Accepts `connections` connections and echoes each, in a task of its own,
/// until its end of stream; returns once every echo has ended.
async fn serve(listener: &TcpListener, connections: usize) {
    let mut echoes = Vec::with_capacity(connections);
    for _ in 0..connections {
        let (stream, _) = listener.accept().await.expect("accept");
        echoes.push(anyloop::spawn(echo(stream)));
    }
    for echo in echoes {
        echo.await.expect("an echo task");
    }
}

/// Writes back what it reads, until the end of the stream, through a
/// buffer of its own (small: 10,000 of them are alive at once).
async fn echo(mut stream: TcpStream) {
    let mut buf = [0; 1024];
    loop {
        let n = stream.read(&mut buf).await.expect("read");
        if n == 0 {
            return;
        }
        stream.write_all(&buf[..n]).await.expect("write the echo");
    }
}

/// Connection `id`: `rounds` round trips of a `len`-byte message, each
/// echo checked, then the end of stream both ways.
async fn client(mut stream: TcpStream, id: usize, rounds: usize, len: usize) {
    let mut echo = vec![0; len];
    for round in 0..rounds {
        let sent = message(id, round, len);
        stream.write_all(&sent).await.expect("write");
        stream.read_exact(&mut echo).await.expect("read the echo");
        assert!(echo == sent, "connection {id}, round {round}: a wrong echo");
    }
    stream.close().await.expect("shut down the write side");
    let mut rest = Vec::new();
    stream
        .read_to_end(&mut rest)
        .await
        .expect("read to the end");
    assert!(
        rest.is_empty(),
        "connection {id}: bytes after the last echo"
    );
}

/// `size.connections` clients of the server at `addr`: all connected (in
/// waves of `CONNECT_WAVE` connects), then all echoing at once, then
/// closed. Returns the time to connect and the time to echo.
async fn clients(addr: SocketAddr, size: Size) -> (Duration, Duration) {
    let start = Instant::now();
    let mut streams = Vec::with_capacity(size.connections);
    while streams.len() < size.connections {
        let wave = CONNECT_WAVE.min(size.connections - streams.len());
        let connects: Vec<_> = (0..wave)
            .map(|_| anyloop::spawn(TcpStream::connect(addr)))
            .collect();
        for connect in connects {
            streams.push(connect.await.unwrap().expect("connect"));
        }
    }
    let connected = start.elapsed();

    let start = Instant::now();
    let tasks: Vec<_> = streams
        .into_iter()
        .enumerate()
        .map(|(id, stream)| anyloop::spawn(client(stream, id, size.rounds, size.message)))
        .collect();
    for task in tasks {
        task.await.expect("a client task");
    }
    (connected, start.elapsed())
}

/// A small soak inside this process, so that what a backend starts once per
/// process (worker and blocking threads, its reactor) is in the starting
/// figures.
async fn warm_up(message: usize) {
    let size = Size {
        connections: 32,
        rounds: 2,
        message,
    };
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().unwrap();
    let server = anyloop::spawn(async move { serve(&listener, size.connections).await });
    clients(addr, size).await;
    server.await.expect("the warm-up's server");
}

/// The figures of one process: open fds and resident memory (KiB) at the
/// start and after each pass of the soak.
struct Figures {
    side: &'static str,
    start: (usize, u64),
    passes: Vec<(usize, u64)>,
    rss_budget_kib: u64,
}

impl Figures {
    fn start(side: &'static str, size: Size) -> Figures {
        Figures {
            side,
            start: (open_fds(), resident_kib()),
            passes: Vec::new(),
            rss_budget_kib: rss_budget_kib(size.connections),
        }
    }

    /// Records the figures after a pass, once the descriptors are back
    /// (waiting, bounded, for sockets a reactor closes asynchronously).
    async fn pass(&mut self) {
        common::eventually(|| open_fds() <= self.start.0 + FDS_MARGIN).await;
        self.passes.push((open_fds(), resident_kib()));
    }

    /// Checks the figures: after every pass the open fds are back within
    /// `FDS_MARGIN` of the start, and the resident memory within
    /// [`rss_budget_kib`] of the start.
    fn check(&self) -> String {
        let passes: Vec<String> = self
            .passes
            .iter()
            .map(|(fds, rss)| format!("{fds} fds, {rss} KiB"))
            .collect();
        let figures = format!(
            "{}: at the start {} fds, {} KiB resident; after each pass {}; peak {} KiB",
            self.side,
            self.start.0,
            self.start.1,
            passes.join(", then "),
            peak_resident_kib()
        );
        for (fds, _) in &self.passes {
            assert!(
                *fds <= self.start.0 + FDS_MARGIN,
                "the {}'s open fds did not come back on {}: {figures}",
                self.side,
                backend()
            );
        }
        for (_, rss) in &self.passes {
            assert!(
                *rss <= self.start.1 + self.rss_budget_kib,
                "the {}'s resident memory did not come back within {} KiB of the start on {}: \
                 {figures}",
                self.side,
                self.rss_budget_kib,
                backend()
            );
        }
        figures
    }
}

/// Descriptors a process may hold after a pass beyond what it held at the
/// start.
const FDS_MARGIN: usize = 16;

/// The resident memory a process may hold after a pass beyond what it held
/// at the start, in KiB: 8 MiB, and 3 KiB per connection.
///
/// glibc's allocator keeps what it freed for reuse instead of giving it back
/// to the kernel (and the runtimes keep their registration slabs): measured
/// here, each process ends every pass of 10,000 connections at about its
/// peak, 15 to 27 MiB above its start (about 2 KiB per connection), whatever
/// the number of passes. A leak of even half a KiB per connection adds 5 MiB
/// per pass, and three passes of it go past this budget.
fn rss_budget_kib(connections: usize) -> u64 {
    8 * 1024 + 3 * connections as u64
}

/// The passes of the soak in each process (`ANYLOOP_SOAK_PASSES`, 3 by
/// default): what a pass leaks adds up from pass to pass.
fn passes() -> usize {
    std::env::var("ANYLOOP_SOAK_PASSES")
        .map(|v| v.parse().expect("ANYLOOP_SOAK_PASSES is a number"))
        .unwrap_or(3)
        .max(1)
}

#[anyloop::test(flavor = "multi_thread", worker_threads = 2)]
async fn soak_tcp() {
    if !child::in_child("soak_tcp").await {
        return;
    }
    let size = Size::from_env();
    if !enough_fds(fds_needed(size)) {
        return;
    }
    match std::env::var(SERVER) {
        Ok(addr) => clients_process(addr.parse().expect("the server's address"), size).await,
        Err(_) => server_process(size).await,
    }
}

/// The server's process: serves [`passes`] rounds of `size.connections`
/// connections from the clients' process, which it starts.
async fn server_process(size: Size) {
    let started = Instant::now();
    warm_up(size.message).await;
    let mut figures = Figures::start("server", size);

    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().unwrap();
    let clients = anyloop::spawn(child::run_child(
        "soak_tcp",
        vec![(SERVER.into(), addr.to_string())],
    ));
    anyloop::time::timeout(SOAK_LIMIT, async {
        for _ in 0..passes() {
            serve(&listener, size.connections).await;
            figures.pass().await;
        }
    })
    .await
    .unwrap_or_else(|_| {
        panic!(
            "the soak did not end within {SOAK_LIMIT:?} on {}",
            backend()
        )
    });
    drop(listener);
    clients.await.expect("the clients' process");

    let figures = figures.check();
    println!(
        "soak_tcp on {}, in all: {:.2?}; {figures}",
        backend(),
        started.elapsed()
    );
}

/// The clients' process: [`passes`] rounds of `size.connections` connections
/// to the server at `addr`.
async fn clients_process(addr: SocketAddr, size: Size) {
    warm_up(size.message).await;
    let mut figures = Figures::start("clients", size);
    let mut times = Vec::new();
    for _ in 0..passes() {
        let (connected, echoed) = anyloop::time::timeout(SOAK_LIMIT, clients(addr, size))
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "the clients did not end within {SOAK_LIMIT:?} on {}",
                    backend()
                )
            });
        times.push(format!(
            "connected in {connected:.2?}, echoed and closed in {echoed:.2?}"
        ));
        figures.pass().await;
    }
    let figures = figures.check();
    println!(
        "soak_tcp on {}: {} passes of {} connections open at once, {} round trips of \
         {} B each, every byte checked: {}; {figures}",
        backend(),
        passes(),
        size.connections,
        size.rounds,
        size.message,
        times.join(", then "),
    );
}
