//! `net::TcpSocket` (options set before listening or connecting) behaves
//! the same on every backend. `Net::connect_tcp_socket` through both faces
//! is the kit's `tcp::connect_tcp_socket`, run by `tests/conformance.rs`.

mod common;

use std::io::ErrorKind;
use std::net::{Ipv4Addr, SocketAddr};

use anyloop::io::{AsyncReadExt, AsyncWriteExt};
use anyloop::net::{TcpListener, TcpSocket};
use common::{backend, within};

const LOCALHOST: SocketAddr = SocketAddr::new(std::net::IpAddr::V4(Ipv4Addr::LOCALHOST), 0);

#[anyloop::test]
async fn options_bind_listen_and_connect() {
    let server = TcpSocket::new_v4().unwrap();
    server.set_reuseaddr(true).unwrap();
    assert!(server.reuseaddr().unwrap(), "on {}", backend());
    server.set_recv_buffer_size(128 * 1024).unwrap();
    assert!(
        server.recv_buffer_size().unwrap() >= 128 * 1024,
        "on {}",
        backend()
    );
    server.bind(LOCALHOST).unwrap();
    let addr = server.local_addr().unwrap();
    assert_ne!(addr.port(), 0, "on {}", backend());
    let listener = server.listen(16).unwrap();
    assert_eq!(listener.local_addr().unwrap(), addr, "on {}", backend());

    let client = TcpSocket::new_v4().unwrap();
    client.set_send_buffer_size(96 * 1024).unwrap();
    assert!(
        client.send_buffer_size().unwrap() >= 96 * 1024,
        "on {}",
        backend()
    );
    client.set_nodelay(true).unwrap();
    client.bind(LOCALHOST).unwrap();
    let from = client.local_addr().unwrap();
    let mut stream = within("a connect", client.connect(addr)).await.unwrap();
    assert_eq!(stream.local_addr().unwrap(), from, "on {}", backend());
    assert!(
        stream.nodelay().unwrap(),
        "the option carried over on {}",
        backend()
    );
    let (mut peer, peer_addr) = within("an accept", listener.accept()).await.unwrap();
    assert_eq!(peer_addr, from, "on {}", backend());

    // Both ends are live sockets of the running backend.
    stream.write_all(b"ping").await.unwrap();
    let mut buf = [0; 4];
    within("a read", peer.read_exact(&mut buf)).await.unwrap();
    assert_eq!(&buf, b"ping", "on {}", backend());
    peer.write_all(b"pong").await.unwrap();
    within("a read", stream.read_exact(&mut buf)).await.unwrap();
    assert_eq!(&buf, b"pong", "on {}", backend());
}

#[anyloop::test]
async fn connect_to_nothing_is_connection_refused() {
    // A port that was free a moment ago, and that nobody listens on now.
    let addr = std::net::TcpListener::bind(LOCALHOST)
        .unwrap()
        .local_addr()
        .unwrap();
    let err = within(
        "a refused connect",
        TcpSocket::new_v4().unwrap().connect(addr),
    )
    .await
    .unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::ConnectionRefused,
        "on {}: {err}",
        backend()
    );
}

#[anyloop::test]
async fn bad_input_is_an_error() {
    let socket = TcpSocket::new_v4().unwrap();
    let err = socket.set_send_buffer_size(u32::MAX).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "on {}", backend());
    let err = socket.set_recv_buffer_size(u32::MAX).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "on {}", backend());
    // An IPv6 address on an IPv4 socket.
    assert!(
        socket.bind("[::1]:0".parse().unwrap()).is_err(),
        "on {}",
        backend()
    );
    socket.bind(LOCALHOST).unwrap();
    let err = socket.bind(LOCALHOST).unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::InvalidInput,
        "a second bind on {}",
        backend()
    );
    let err = socket.listen(u32::MAX).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "on {}", backend());
}

#[cfg(unix)]
#[anyloop::test]
async fn reuseport_lets_two_listeners_share_a_port() {
    let first = TcpSocket::new_v4().unwrap();
    first.bind(LOCALHOST).unwrap();
    let addr = first.local_addr().unwrap();
    let _first = first.listen(16).unwrap();
    let plain = TcpSocket::new_v4().unwrap();
    assert_eq!(
        plain.bind(addr).unwrap_err().kind(),
        ErrorKind::AddrInUse,
        "without SO_REUSEPORT on {}",
        backend()
    );

    let (a, b) = (TcpSocket::new_v4().unwrap(), TcpSocket::new_v4().unwrap());
    for socket in [&a, &b] {
        socket.set_reuseport(true).unwrap();
        assert!(socket.reuseport().unwrap(), "on {}", backend());
    }
    a.bind(LOCALHOST).unwrap();
    let shared = a.local_addr().unwrap();
    b.bind(shared).unwrap();
    let (a, b) = (a.listen(16).unwrap(), b.listen(16).unwrap());
    assert_eq!(
        (a.local_addr().unwrap(), b.local_addr().unwrap()),
        (shared, shared),
        "on {}",
        backend()
    );
}

#[anyloop::test]
async fn bind_listens_with_reuseaddr() {
    // `TcpListener::bind` sets SO_REUSEADDR on Unix, as `std` and tokio do.
    let listener = TcpListener::bind(LOCALHOST)
        .await
        .unwrap()
        .into_std()
        .unwrap();
    let reuse = socket2::SockRef::from(&listener).reuse_address().unwrap();
    assert_eq!(reuse, cfg!(unix), "on {}", backend());
}
