//! `TcpSocket::listen` honours its backlog, on every backend. (That a
//! listener from `bind` holds 1000 connects nobody accepted yet, through
//! both faces, is the kit's `tcp::listener_holds_1000_unaccepted_connects`,
//! run by `tests/conformance.rs`.)
//!
//! With `std`'s backlog of 128, the connects past the 129th wait for the
//! kernel's SYN retransmits and never complete while nobody accepts: the
//! bounded wait below fails.
//!
//! Each test runs alone in a child process of the test binary (2,000 file
//! descriptors each, under the process's own `RLIMIT_NOFILE`).

#[path = "common/child.rs"]
mod child;
mod common;

use std::collections::HashSet;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyloop::net::TcpSocket;
use anyloop::rt::Runtime;
use anyloop::rt::net::TcpStream as _;
use common::{backend, within};

const LOCALHOST: SocketAddr = SocketAddr::new(std::net::IpAddr::V4(Ipv4Addr::LOCALHOST), 0);

/// The clients that connect before anyone accepts.
const CLIENTS: usize = 1000;

/// How long the connects may take, together: generous for a busy machine
/// (they take milliseconds), far shorter than the SYN retransmits
/// (1 s, 3 s, 7 s, ...) that never succeed while the queue stays full.
const CONNECT_WAIT: Duration = Duration::from_secs(10);

/// Whether this host can run the test: enough file descriptors (raising the
/// soft limit if needed) and a kernel maximum backlog of at least 1024.
fn host_can_run() -> bool {
    // Each connection is two descriptors (client and accepted), plus the
    // runtime's and the test harness's.
    let needed = 2 * CLIENTS as u64 + 256;
    match rlimit::getrlimit(rlimit::Resource::NOFILE) {
        Ok((soft, _)) if soft >= needed => {}
        Ok((_, hard)) if hard >= needed => {
            rlimit::setrlimit(rlimit::Resource::NOFILE, needed, hard)
                .expect("raise the soft RLIMIT_NOFILE");
        }
        Ok((_, hard)) => {
            eprintln!("skipped: needs {needed} file descriptors, the hard limit is {hard}");
            return false;
        }
        Err(err) => panic!("getrlimit(RLIMIT_NOFILE): {err}"),
    }
    if let Ok(max) = std::fs::read_to_string("/proc/sys/net/core/somaxconn") {
        let max: u64 = max.trim().parse().expect("somaxconn is a number");
        if max < 1024 {
            eprintln!("skipped: the kernel caps backlogs at {max} (net.core.somaxconn)");
            return false;
        }
    }
    true
}

/// Connects `CLIENTS` clients at once to `addr`, where nobody accepts yet;
/// every connect must complete within `CONNECT_WAIT`. Returns the clients'
/// local addresses.
async fn connect_all<R: Runtime>(
    rt: &R,
    addr: SocketAddr,
) -> (Vec<R::TcpStream>, HashSet<SocketAddr>) {
    let connected = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (rt2, connected) = (rt.clone(), connected.clone());
            rt.spawn(async move {
                let stream = rt2.connect_tcp(addr).await?;
                connected.fetch_add(1, Ordering::SeqCst);
                std::io::Result::Ok(stream)
            })
        })
        .collect();
    let all = anyloop::time::timeout(CONNECT_WAIT, async {
        let mut streams = Vec::with_capacity(CLIENTS);
        for task in tasks {
            streams.push(task.await.unwrap().expect("connect"));
        }
        streams
    })
    .await
    .unwrap_or_else(|_| {
        panic!(
            "only {} of {CLIENTS} connects to a listener nobody accepts from completed \
             within {CONNECT_WAIT:?} on {}: is the listen backlog below {CLIENTS}?",
            connected.load(Ordering::SeqCst),
            backend()
        )
    });
    let locals = all
        .iter()
        .map(|stream| stream.local_addr().unwrap())
        .collect();
    (all, locals)
}

/// Accepts every client and checks that each is one of `locals`.
async fn accept_all<L: anyloop::rt::net::TcpListener>(listener: &L, locals: &HashSet<SocketAddr>) {
    let mut peers = HashSet::with_capacity(CLIENTS);
    for _ in 0..CLIENTS {
        let (_stream, peer) = within("an accept", listener.accept()).await.unwrap();
        peers.insert(peer);
    }
    assert_eq!(
        &peers,
        locals,
        "every client was accepted once on {}",
        backend()
    );
}

#[anyloop::test]
async fn tcp_socket_listen_honours_its_backlog() {
    if !child::in_child("tcp_socket_listen_honours_its_backlog").await || !host_can_run() {
        return;
    }
    let socket = TcpSocket::new_v4().unwrap();
    socket.set_reuseaddr(true).unwrap();
    socket.bind(LOCALHOST).unwrap();
    let listener = socket.listen(2048).unwrap();
    let addr = listener.local_addr().unwrap();
    let (clients, locals) = connect_all(&anyloop::rt::Current, addr).await;
    accept_all(&listener, &locals).await;
    drop(clients);
}
