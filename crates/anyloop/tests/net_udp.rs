//! UDP through the ambient `anyloop::net::UdpSocket`'s inherent methods.
//! UDP through the core traits on every backend and both faces is the kit's
//! `udp::*` checks, run by `tests/conformance.rs`.

mod common;

use std::net::{IpAddr, Ipv4Addr, SocketAddr, SocketAddrV4};
use std::time::Duration;

use anyloop::net::UdpSocket;
use common::backend;

#[anyloop::test]
async fn peek_from_does_not_consume() {
    let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    a.send_to(b"peek", b.local_addr().unwrap()).await.unwrap();
    let mut buf = [0; 8];
    let (n, from) = b.peek_from(&mut buf).await.unwrap();
    assert_eq!((&buf[..n], from), (&b"peek"[..], a.local_addr().unwrap()));
    let (n, _) = b.recv_from(&mut buf).await.unwrap();
    assert_eq!(
        &buf[..n],
        b"peek",
        "peek consumed the datagram on {}",
        backend()
    );
}

/// `send_to` takes every address form: the socket address types as they
/// are (no lookup), strings and host names resolved first, and a bad
/// address is `InvalidInput` with nothing sent.
#[anyloop::test]
async fn send_to_every_address_form() {
    let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let to = b.local_addr().unwrap();
    let SocketAddr::V4(to_v4) = to else {
        panic!("a v4 socket has the v6 address {to} on {}", backend());
    };
    let port = to.port();
    let sent = [
        a.send_to(b"0", to).await,
        a.send_to(b"1", &to).await,
        a.send_to(b"2", to_v4).await,
        a.send_to(b"3", SocketAddrV4::new(Ipv4Addr::LOCALHOST, port))
            .await,
        a.send_to(b"4", (Ipv4Addr::LOCALHOST, port)).await,
        a.send_to(b"5", (IpAddr::from(Ipv4Addr::LOCALHOST), port))
            .await,
        a.send_to(b"6", format!("127.0.0.1:{port}")).await,
        a.send_to(b"7", ("127.0.0.1", port)).await,
        a.send_to(b"8", &[to][..]).await,
    ];
    for (i, sent) in sent.into_iter().enumerate() {
        assert_eq!(sent.unwrap(), 1, "datagram {i} on {}", backend());
    }
    let err = a.send_to(b"x", "127.0.0.1:port").await.unwrap_err();
    assert_eq!(
        err.kind(),
        std::io::ErrorKind::InvalidInput,
        "on {}: {err}",
        backend()
    );
    let mut buf = [0; 8];
    for i in 0..9u8 {
        let (n, from) = b.recv_from(&mut buf).await.unwrap();
        assert_eq!(
            (&buf[..n], from),
            (&[b'0' + i][..], a.local_addr().unwrap()),
            "datagram {i} on {}",
            backend()
        );
    }
}

#[anyloop::test]
async fn connected_send_and_recv() {
    let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    a.connect(b.local_addr().unwrap()).await.unwrap();
    b.connect(a.local_addr().unwrap()).await.unwrap();
    a.send(b"hi").await.unwrap();
    let mut buf = [0; 2];
    assert_eq!(b.recv(&mut buf).await.unwrap(), 2);
    assert_eq!(&buf, b"hi", "on {}", backend());
    // Sending without a peer is an error, not a panic.
    let lone = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    assert!(lone.send(b"x").await.is_err(), "on {}", backend());
    assert!(lone.peer_addr().is_err(), "on {}", backend());
}

#[anyloop::test]
async fn options_broadcast_and_multicast() {
    let socket = UdpSocket::bind("0.0.0.0:0").await.unwrap();
    socket.set_broadcast(true).unwrap();
    assert!(socket.broadcast().unwrap(), "on {}", backend());
    socket.set_ttl(7).unwrap();
    assert_eq!(socket.ttl().unwrap(), 7);
    socket.set_multicast_loop_v4(false).unwrap();
    assert!(!socket.multicast_loop_v4().unwrap());
    let group = Ipv4Addr::new(239, 255, 42, 99);
    match socket.join_multicast_v4(group, Ipv4Addr::LOCALHOST) {
        Ok(()) => socket
            .leave_multicast_v4(group, Ipv4Addr::LOCALHOST)
            .unwrap(),
        // Some sandboxes have no multicast-capable interface: an error, not a panic.
        Err(err) => eprintln!("skipped multicast join on {}: {err}", backend()),
    }
}

#[anyloop::test]
async fn from_std_and_into_std() {
    let std_socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = std_socket.local_addr().unwrap();
    let socket = UdpSocket::from_std(std_socket).unwrap();
    let peer = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    peer.send_to(b"std", addr).await.unwrap();
    let std_socket = socket.into_std().unwrap();
    std_socket
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut buf = [0; 3];
    assert_eq!(std_socket.recv(&mut buf).unwrap(), 3, "on {}", backend());
    assert_eq!(&buf, b"std");
}
