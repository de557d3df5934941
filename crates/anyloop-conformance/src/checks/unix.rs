//! Unix-domain sockets: streams, datagrams, pairs and split halves, error
//! kinds.

use std::io::ErrorKind;
use std::sync::Arc;

use anyloop_core::Runtime;
use anyloop_core::net::{UnixDatagram as _, UnixListener as _, UnixStream as _};
use futures_lite::{AsyncReadExt, AsyncWriteExt};

use crate::support::{TempDir, within};

/// A listener bound to a file echoes what a client wrote before closing.
pub async fn stream_round_trip<R: Runtime>(rt: R) {
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
    let mut client = within(&rt, "a connect", rt.connect_unix(&path))
        .await
        .unwrap();
    client.write_all(b"over a file").await.unwrap();
    client.close().await.unwrap();
    let mut reply = Vec::new();
    within(&rt, "the reply", client.read_to_end(&mut reply))
        .await
        .unwrap();
    assert_eq!(reply, b"over a file");
    server.await.unwrap().unwrap();
}

/// Datagrams between two bound sockets, by path and connected.
pub async fn datagram_round_trip<R: Runtime>(rt: R) {
    let dir = TempDir::new("dgram");
    let (a_path, b_path) = (dir.path("a.sock"), dir.path("b.sock"));
    let a = rt.bind_unix_datagram(&a_path).unwrap();
    let b = rt.bind_unix_datagram(&b_path).unwrap();
    a.send_to(b"to b", &b_path).await.unwrap();
    let mut buf = [0; 8];
    let (n, from) = within(&rt, "a recv_from", b.recv_from(&mut buf))
        .await
        .unwrap();
    assert_eq!(&buf[..n], b"to b");
    assert_eq!(from.as_pathname(), Some(a_path.as_path()));
    b.connect(&a_path).unwrap();
    b.send(b"back").await.unwrap();
    let n = within(&rt, "a recv", a.recv(&mut buf)).await.unwrap();
    assert_eq!(&buf[..n], b"back");
}

/// Stream pairs, their split halves (dropping the write half ends the
/// stream), datagram pairs, and an unbound socket's send error.
pub async fn pairs_and_split<R: Runtime>(rt: R) {
    let (a, mut b) = R::UnixStream::pair().unwrap();
    let (mut read, mut write) = a.into_split();
    let writer = rt.spawn(async move { write.write_all(b"split").await });
    let mut got = [0; 5];
    within(&rt, "a read", b.read_exact(&mut got)).await.unwrap();
    assert_eq!(&got, b"split");
    writer.await.unwrap().unwrap();
    b.write_all(b"!").await.unwrap();
    read.read_exact(&mut got[..1]).await.unwrap();
    assert_eq!(got[0], b'!');
    drop(b);
    let mut rest = Vec::new();
    within(&rt, "the end", read.read_to_end(&mut rest))
        .await
        .unwrap();
    assert!(rest.is_empty());

    let (x, y) = R::UnixDatagram::pair().unwrap();
    x.send(b"dgram").await.unwrap();
    let mut buf = [0; 5];
    assert_eq!(within(&rt, "a recv", y.recv(&mut buf)).await.unwrap(), 5);
    let unbound = R::UnixDatagram::unbound().unwrap();
    assert!(
        unbound.send(b"nowhere").await.is_err(),
        "a send from an unconnected socket succeeded"
    );
}

/// Binding a path in use is `AddrInUse`; connecting to a missing file is
/// `NotFound`.
pub async fn errors_are_typed<R: Runtime>(rt: R) {
    let dir = TempDir::new("errors");
    let path = dir.path("taken.sock");
    let _listener = rt.bind_unix(&path).unwrap();
    let err = rt.bind_unix(&path).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AddrInUse, "{err}");
    let err = within(&rt, "a connect", rt.connect_unix(&dir.path("missing.sock")))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
}

/// `from_std` and `into_std` keep a stream's bytes.
pub async fn from_std_and_into_std<R: Runtime>(_rt: R) {
    let (a, b) = std::os::unix::net::UnixStream::pair().unwrap();
    let mut a = R::UnixStream::from_std(a).unwrap();
    a.write_all(b"std").await.unwrap();
    let mut b = R::UnixStream::from_std(b).unwrap().into_std().unwrap();
    b.set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .unwrap();
    let mut buf = [0; 3];
    std::io::Read::read_exact(&mut b, &mut buf).expect("a blocking read of into_std");
    assert_eq!(&buf, b"std");
}

/// A connect to a full backlog fails at once with `WouldBlock` (the
/// kernel's `EAGAIN`), instead of waiting or another kind.
pub async fn connect_to_a_full_backlog_is_would_block<R: Runtime>(rt: R) {
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
        match within(&rt, "a connect", rt.connect_unix(&path)).await {
            Ok(stream) => queued.push(stream),
            Err(err) => break err,
        }
        assert!(
            queued.len() < 64,
            "64 connects to a backlog of 1 all succeeded"
        );
    };
    assert!(!queued.is_empty(), "the first connect failed: {err}");
    assert_eq!(
        err.kind(),
        ErrorKind::WouldBlock,
        "a connect to a full backlog: {err}"
    );
}

/// Two tasks accept on one listener; each gets one of two connections.
pub async fn two_tasks_accept_on_one_listener<R: Runtime>(rt: R) {
    let dir = TempDir::new("accept");
    let path = dir.path("shared.sock");
    let listener = Arc::new(rt.bind_unix(&path).unwrap());
    let acceptors: Vec<_> = (0..2)
        .map(|_| {
            let listener = listener.clone();
            rt.spawn(async move { listener.accept().await.map(|_| ()) })
        })
        .collect();
    let _clients = [
        within(&rt, "a connect", rt.connect_unix(&path))
            .await
            .unwrap(),
        within(&rt, "a connect", rt.connect_unix(&path))
            .await
            .unwrap(),
    ];
    for acceptor in acceptors {
        within(&rt, "an acceptor", acceptor).await.unwrap().unwrap();
    }
}
