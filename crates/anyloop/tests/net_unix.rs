//! Unix-domain sockets through the ambient types' inherent methods. Through
//! the core traits on every backend and both faces: the kit's `unix::*`
//! checks, run by `tests/conformance.rs`.
#![cfg(unix)]

mod common;

use std::path::PathBuf;

use anyloop::io::{AsyncReadExt, AsyncWriteExt};
use anyloop::net::{UnixDatagram, UnixListener, UnixStream};
use common::backend;

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
