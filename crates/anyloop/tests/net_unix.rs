//! Conformance: Unix-domain sockets behave the same on every backend,
//! through both faces.
#![cfg(unix)]

mod common;

use std::path::PathBuf;

use anyloop::io::{AsyncReadExt, AsyncWriteExt};
use anyloop::net::{UnixDatagram, UnixListener, UnixStream};
use anyloop::rt::Runtime;
use anyloop::rt::net::{UnixDatagram as _, UnixListener as _};
use common::{backend, both_faces};

/// A fresh directory for socket files, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("anyloop-{name}-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn path(&self, file: &str) -> PathBuf {
        self.0.join(file)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[anyloop::test]
async fn stream_round_trip() {
    both_faces!(check_stream_round_trip);
}

async fn check_stream_round_trip<R: Runtime>(rt: R) {
    let dir = TempDir::new("stream");
    let path = dir.path("echo.sock");
    let listener = rt.bind_unix(&path).unwrap();
    assert_eq!(
        listener.local_addr().unwrap().as_pathname(),
        Some(path.as_path())
    );
    let server = rt.spawn(async move {
        let (mut stream, _) = listener.accept().await?;
        let mut request = Vec::new();
        stream.read_to_end(&mut request).await?;
        stream.write_all(&request).await
    });
    let mut client = rt.connect_unix(&path).await.unwrap();
    client.write_all(b"over a file").await.unwrap();
    client.close().await.unwrap();
    let mut reply = Vec::new();
    client.read_to_end(&mut reply).await.unwrap();
    assert_eq!(reply, b"over a file", "on {}", backend());
    server.await.unwrap().unwrap();
}

#[anyloop::test]
async fn datagram_round_trip() {
    both_faces!(check_datagram_round_trip);
}

async fn check_datagram_round_trip<R: Runtime>(rt: R) {
    let dir = TempDir::new("dgram");
    let (a_path, b_path) = (dir.path("a.sock"), dir.path("b.sock"));
    let a = rt.bind_unix_datagram(&a_path).unwrap();
    let b = rt.bind_unix_datagram(&b_path).unwrap();
    a.send_to(b"to b", &b_path).await.unwrap();
    let mut buf = [0; 8];
    let (n, from) = b.recv_from(&mut buf).await.unwrap();
    assert_eq!(&buf[..n], b"to b", "on {}", backend());
    assert_eq!(from.as_pathname(), Some(a_path.as_path()));
    b.connect(&a_path).unwrap();
    b.send(b"back").await.unwrap();
    let n = a.recv(&mut buf).await.unwrap();
    assert_eq!(&buf[..n], b"back", "on {}", backend());
}

#[anyloop::test]
async fn pairs_and_split() {
    let (a, mut b) = UnixStream::pair().unwrap();
    let (mut read, mut write) = a.into_split();
    let writer = anyloop::spawn(async move { write.write_all(b"split").await });
    let mut got = [0; 5];
    b.read_exact(&mut got).await.unwrap();
    assert_eq!(&got, b"split", "on {}", backend());
    writer.await.unwrap().unwrap();
    // The write half was dropped: b reads the end after its data.
    b.write_all(b"!").await.unwrap();
    let mut rest = Vec::new();
    read.read_exact(&mut got[..1]).await.unwrap();
    assert_eq!(got[0], b'!');
    drop(b);
    read.read_to_end(&mut rest).await.unwrap();
    assert!(rest.is_empty(), "on {}", backend());

    let (x, y) = UnixDatagram::pair().unwrap();
    x.send(b"dgram").await.unwrap();
    let mut buf = [0; 5];
    assert_eq!(y.recv(&mut buf).await.unwrap(), 5);
    let unbound = UnixDatagram::unbound().unwrap();
    assert!(unbound.send(b"nowhere").await.is_err(), "on {}", backend());
}

#[anyloop::test]
async fn errors_are_typed() {
    let dir = TempDir::new("errors");
    let path = dir.path("taken.sock");
    let _listener = UnixListener::bind(&path).unwrap();
    let err = UnixListener::bind(&path).unwrap_err();
    assert_eq!(
        err.kind(),
        std::io::ErrorKind::AddrInUse,
        "on {}",
        backend()
    );
    let err = UnixStream::connect(dir.path("missing.sock"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::NotFound, "on {}", backend());
}

#[anyloop::test]
async fn from_std_and_into_std() {
    let (a, b) = std::os::unix::net::UnixStream::pair().unwrap();
    let mut a = UnixStream::from_std(a).unwrap();
    a.write_all(b"std").await.unwrap();
    let mut b = UnixStream::from_std(b).unwrap().into_std().unwrap();
    let mut buf = [0; 3];
    std::io::Read::read_exact(&mut b, &mut buf).unwrap();
    assert_eq!(&buf, b"std", "on {}", backend());
}

#[anyloop::test]
async fn connect_to_a_full_backlog_is_would_block() {
    both_faces!(check_connect_to_a_full_backlog_is_would_block);
}

/// A listener with a backlog of one that nobody accepts from: the kernel
/// queues a connection or two, then refuses the next at once with `EAGAIN`,
/// which every backend reports as `WouldBlock` (tokio's kind; async-io's own
/// connect said `NotConnected`).
async fn check_connect_to_a_full_backlog_is_would_block<R: Runtime>(rt: R) {
    let dir = TempDir::new("backlog");
    let path = dir.path("full.sock");
    let listener =
        socket2::Socket::new(socket2::Domain::UNIX, socket2::Type::STREAM, None).unwrap();
    listener
        .bind(&socket2::SockAddr::unix(&path).unwrap())
        .unwrap();
    listener.listen(1).unwrap();

    let mut queued = Vec::new();
    let err = loop {
        match common::within("a connect", rt.connect_unix(&path)).await {
            Ok(stream) => queued.push(stream),
            Err(err) => break err,
        }
        assert!(
            queued.len() < 64,
            "64 connects to a backlog of 1 all succeeded on {}",
            backend()
        );
    };
    assert!(!queued.is_empty(), "on {}: {err}", backend());
    assert_eq!(
        err.kind(),
        std::io::ErrorKind::WouldBlock,
        "a connect to a full backlog on {}: {err}",
        backend()
    );
}
