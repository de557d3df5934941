//! UDP: datagrams both ways, one socket shared by two tasks, peeking,
//! connected sockets, `std` conversions.

use std::sync::Arc;
use std::time::Duration;

use anyloop_core::net::UdpSocket as _;
use anyloop_core::{Runtime, TimerExt};

use crate::support::{LOCALHOST, within};

/// Ten datagrams sent and echoed back, each from the expected address.
pub async fn ping_pong<R: Runtime>(rt: R) {
    let a = rt.bind_udp(LOCALHOST).unwrap();
    let b = rt.bind_udp(LOCALHOST).unwrap();
    let (a_addr, b_addr) = (a.local_addr().unwrap(), b.local_addr().unwrap());
    let ponger = rt.spawn(async move {
        let mut buf = [0; 64];
        for _ in 0..10 {
            let (n, from) = b.recv_from(&mut buf).await?;
            b.send_to(&buf[..n], from).await?;
        }
        std::io::Result::Ok(())
    });
    let mut buf = [0; 64];
    for i in 0..10u8 {
        a.send_to(&[i; 7], b_addr).await.unwrap();
        let (n, from) = within(&rt, "a pong", a.recv_from(&mut buf)).await.unwrap();
        assert_eq!((&buf[..n], from), (&[i; 7][..], b_addr), "datagram {i}");
    }
    ponger.await.unwrap().unwrap();
    assert_eq!(a.local_addr().unwrap(), a_addr);
}

/// One connected socket, shared: a task receives while another sends; no
/// datagram is lost.
pub async fn one_socket_sends_and_receives_from_two_tasks<R: Runtime>(rt: R) {
    const DATAGRAMS: u32 = 200;
    let echo = rt.bind_udp(LOCALHOST).unwrap();
    let echo_addr = echo.local_addr().unwrap();
    let echoer = rt.spawn(async move {
        let mut buf = [0; 16];
        for _ in 0..DATAGRAMS {
            let (n, from) = echo.recv_from(&mut buf).await?;
            echo.send_to(&buf[..n], from).await?;
        }
        std::io::Result::Ok(())
    });
    let socket = Arc::new(rt.bind_udp(LOCALHOST).unwrap());
    socket.connect(echo_addr).unwrap();
    let receiver = {
        let socket = socket.clone();
        rt.spawn(async move {
            let mut seen = vec![false; DATAGRAMS as usize];
            let mut buf = [0; 16];
            for _ in 0..DATAGRAMS {
                let n = socket.recv(&mut buf).await?;
                let i = u32::from_le_bytes(buf[..n].try_into().unwrap());
                seen[i as usize] = true;
            }
            std::io::Result::Ok(seen.into_iter().all(|s| s))
        })
    };
    // Sends paced so that loopback buffers never drop a datagram.
    for i in 0..DATAGRAMS {
        socket.send(&i.to_le_bytes()).await.unwrap();
        if i % 20 == 19 {
            rt.sleep(Duration::from_millis(1)).await;
        }
    }
    let all = within(&rt, "the receiver", receiver)
        .await
        .unwrap()
        .unwrap();
    assert!(all, "a datagram was lost");
    echoer.await.unwrap().unwrap();
    assert_eq!(socket.peer_addr().unwrap(), echo_addr);
}

/// `peek_from` returns a datagram without consuming it.
pub async fn peek_from_does_not_consume<R: Runtime>(rt: R) {
    let a = rt.bind_udp(LOCALHOST).unwrap();
    let b = rt.bind_udp(LOCALHOST).unwrap();
    a.send_to(b"peek", b.local_addr().unwrap()).await.unwrap();
    let mut buf = [0; 8];
    let (n, from) = within(&rt, "a peek", b.peek_from(&mut buf)).await.unwrap();
    assert_eq!((&buf[..n], from), (&b"peek"[..], a.local_addr().unwrap()));
    let (n, _) = b.recv_from(&mut buf).await.unwrap();
    assert_eq!(&buf[..n], b"peek", "peek consumed the datagram");
}

/// Connected sockets `send` and `recv`; sending without a peer is an error,
/// not a panic.
pub async fn connected_send_and_recv<R: Runtime>(rt: R) {
    let a = rt.bind_udp(LOCALHOST).unwrap();
    let b = rt.bind_udp(LOCALHOST).unwrap();
    a.connect(b.local_addr().unwrap()).unwrap();
    b.connect(a.local_addr().unwrap()).unwrap();
    a.send(b"hi").await.unwrap();
    let mut buf = [0; 2];
    assert_eq!(within(&rt, "a recv", b.recv(&mut buf)).await.unwrap(), 2);
    assert_eq!(&buf, b"hi");
    let lone = rt.bind_udp(LOCALHOST).unwrap();
    assert!(
        lone.send(b"x").await.is_err(),
        "a send with no peer succeeded"
    );
    assert!(lone.peer_addr().is_err(), "a peer_addr with no peer");
}

/// Broadcast, TTL and multicast-loop options read back what was set.
pub async fn socket_options<R: Runtime>(rt: R) {
    let socket = rt.bind_udp("0.0.0.0:0".parse().unwrap()).unwrap();
    socket.set_broadcast(true).unwrap();
    assert!(socket.broadcast().unwrap(), "broadcast");
    socket.set_ttl(7).unwrap();
    assert_eq!(socket.ttl().unwrap(), 7, "ttl");
    socket.set_multicast_loop_v4(false).unwrap();
    assert!(!socket.multicast_loop_v4().unwrap(), "multicast_loop_v4");
}

/// `from_std` and `into_std` keep a socket's datagrams.
pub async fn from_std_and_into_std<R: Runtime>(rt: R) {
    let std_socket = std::net::UdpSocket::bind(LOCALHOST).unwrap();
    let addr = std_socket.local_addr().unwrap();
    let socket = R::UdpSocket::from_std(std_socket).unwrap();
    let peer = rt.bind_udp(LOCALHOST).unwrap();
    peer.send_to(b"std", addr).await.unwrap();
    let std_socket = socket.into_std().unwrap();
    std_socket
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut buf = [0; 3];
    assert_eq!(std_socket.recv(&mut buf).expect("a blocking recv"), 3);
    assert_eq!(&buf, b"std");
}
