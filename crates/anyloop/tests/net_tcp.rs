//! TCP through the ambient types (`anyloop::net::TcpListener`, ...): their
//! inherent methods, host names, IPv6, 64 MiB. TCP through the core traits
//! on every backend and both faces is the kit's `tcp::*` checks, run by
//! `tests/conformance.rs`.

mod common;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use anyloop::io::{AsyncReadExt, AsyncWriteExt};
use anyloop::net::{TcpListener, TcpStream};

use anyloop::rt::Runtime;
use anyloop::rt::net::TcpListener as _;
use common::backend;

const LOCALHOST: SocketAddr = SocketAddr::new(std::net::IpAddr::V4(Ipv4Addr::LOCALHOST), 0);

/// Bytes that differ from their neighbours, so that a lost, duplicated or
/// reordered chunk shows.
fn pattern(len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i % 251) as u8 ^ (i >> 12) as u8)
        .collect()
}

async fn transfer<R: Runtime>(rt: &R, len: usize) {
    let listener = rt.bind_tcp(LOCALHOST).unwrap();
    let addr = listener.local_addr().unwrap();
    let data = Arc::new(pattern(len));
    let sent = data.clone();
    let sender = rt.spawn(async move {
        let (mut stream, _) = listener.accept().await?;
        for chunk in sent.chunks(64 * 1024) {
            stream.write_all(chunk).await?;
        }
        stream.close().await
    });
    let mut client = rt.connect_tcp(addr).await.unwrap();
    let mut received = Vec::with_capacity(len);
    client.read_to_end(&mut received).await.unwrap();
    sender.await.unwrap().unwrap();
    assert_eq!(received.len(), len, "on {}", backend());
    assert!(received == *data, "the bytes differ on {}", backend());
}

#[anyloop::test(worker_threads = 2)]
async fn sixty_four_mebibytes_byte_for_byte() {
    transfer(&anyloop::rt::Current, 64 << 20).await;
}

#[anyloop::test]
async fn peek_does_not_consume() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let mut client = TcpStream::connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (mut server, _) = listener.accept().await.unwrap();
    client.write_all(b"look").await.unwrap();
    let mut buf = [0; 4];
    let mut seen = 0;
    while seen < 4 {
        seen = server.peek(&mut buf).await.unwrap();
    }
    assert_eq!(&buf, b"look", "on {}", backend());
    let mut read = [0; 4];
    server.read_exact(&mut read).await.unwrap();
    assert_eq!(&read, b"look", "peek consumed bytes on {}", backend());
}

#[anyloop::test]
async fn socket_options() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    client.set_nodelay(true).unwrap();
    assert!(client.nodelay().unwrap(), "on {}", backend());
    client.set_nodelay(false).unwrap();
    assert!(!client.nodelay().unwrap(), "on {}", backend());
    client.set_ttl(42).unwrap();
    assert_eq!(client.ttl().unwrap(), 42, "on {}", backend());
    assert_eq!(client.local_addr().unwrap().ip(), Ipv4Addr::LOCALHOST);
}

#[anyloop::test]
async fn from_std_and_into_std() {
    let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = std_listener.local_addr().unwrap();
    let listener = TcpListener::from_std(std_listener).unwrap();
    let std_client = std::net::TcpStream::connect(addr).unwrap();
    let mut client = TcpStream::from_std(std_client).unwrap();
    let (server, _) = listener.accept().await.unwrap();
    client.write_all(b"std").await.unwrap();
    // Back to std: blocking again, the bytes still there.
    let mut server = server.into_std().unwrap();
    server
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut buf = [0; 3];
    std::io::Read::read_exact(&mut server, &mut buf).unwrap();
    assert_eq!(&buf, b"std", "on {}", backend());
    let listener = listener.into_std().unwrap();
    assert_eq!(listener.local_addr().unwrap(), addr);
}

#[anyloop::test]
async fn incoming_yields_connections() {
    use anyloop::io::StreamExt;

    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let clients = anyloop::spawn(async move {
        let mut streams = Vec::new();
        for _ in 0..3 {
            streams.push(TcpStream::connect(addr).await?);
        }
        std::io::Result::Ok(streams)
    });
    let accepted: Vec<_> = listener.incoming().take(3).collect().await;
    assert_eq!(accepted.len(), 3);
    for stream in accepted {
        assert_eq!(
            stream.unwrap().local_addr().unwrap(),
            addr,
            "on {}",
            backend()
        );
    }
    clients.await.unwrap().unwrap();
}

#[anyloop::test]
async fn bind_and_connect_accept_host_names() {
    let listener = TcpListener::bind("localhost:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let client = TcpStream::connect(("localhost", port)).await.unwrap();
    assert!(
        client.peer_addr().unwrap().ip().is_loopback(),
        "on {}",
        backend()
    );
    let client = TcpStream::connect(format!("127.0.0.1:{port}"))
        .await
        .unwrap();
    assert_eq!(client.peer_addr().unwrap().port(), port);
}

#[anyloop::test]
async fn ipv6_loopback() {
    let listener = match TcpListener::bind("[::1]:0").await {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!(
                "skipped on {}: no IPv6 loopback on this machine ({err})",
                backend()
            );
            return;
        }
    };
    let addr = listener.local_addr().unwrap();
    assert!(addr.is_ipv6());
    let mut client = TcpStream::connect(addr).await.unwrap();
    let (mut server, _) = listener.accept().await.unwrap();
    client.write_all(b"v6").await.unwrap();
    let mut buf = [0; 2];
    server.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"v6", "on {}", backend());
}

#[anyloop::test]
async fn cancelled_accept_loses_no_connection() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    // An accept that times out is dropped mid-way...
    let early = anyloop::time::timeout(Duration::from_millis(5), listener.accept()).await;
    assert!(early.is_err());
    // ...and the connection that arrives next is still accepted.
    let mut client = TcpStream::connect(addr).await.unwrap();
    client.write_all(b"x").await.unwrap();
    let (mut server, _) = anyloop::time::timeout(Duration::from_secs(5), listener.accept())
        .await
        .unwrap()
        .unwrap();
    let mut buf = [0; 1];
    server.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"x", "on {}", backend());
}

#[anyloop::test]
async fn cancelled_read_loses_no_byte() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let mut client = TcpStream::connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (mut server, _) = listener.accept().await.unwrap();
    for round in 0..20u8 {
        let mut buf = [0; 16];
        // A read with nothing to read is dropped mid-way...
        let early = anyloop::time::timeout(Duration::from_millis(1), server.read(&mut buf)).await;
        assert!(early.is_err(), "round {round} on {}", backend());
        // ...and no byte sent afterwards is lost.
        client.write_all(&[round; 3]).await.unwrap();
        let mut got = [0; 3];
        server.read_exact(&mut got).await.unwrap();
        assert_eq!(got, [round; 3], "round {round} on {}", backend());
    }
}

#[anyloop::test(worker_threads = 2)]
async fn two_tasks_accept_on_one_listener() {
    let listener = Arc::new(TcpListener::bind("127.0.0.1:0").await.unwrap());
    let addr = listener.local_addr().unwrap();
    let acceptors: Vec<_> = (0..2)
        .map(|_| {
            let listener = listener.clone();
            anyloop::spawn(async move { listener.accept().await.map(|(_, peer)| peer) })
        })
        .collect();
    let clients = [
        TcpStream::connect(addr).await.unwrap(),
        TcpStream::connect(addr).await.unwrap(),
    ];
    let mut peers = Vec::new();
    for acceptor in acceptors {
        let accepted = anyloop::time::timeout(Duration::from_secs(5), acceptor).await;
        peers.push(accepted.unwrap().unwrap().unwrap());
    }
    peers.sort();
    let mut expected: Vec<_> = clients.iter().map(|c| c.local_addr().unwrap()).collect();
    expected.sort();
    assert_eq!(peers, expected, "on {}", backend());
}
