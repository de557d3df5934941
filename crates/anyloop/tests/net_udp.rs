//! Conformance: UDP behaves the same on every backend, through both faces.

mod common;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use anyloop::net::UdpSocket;
use anyloop::rt::net::UdpSocket as _;
use anyloop::rt::{Runtime, TimerExt};
use common::{backend, both_faces};

const LOCALHOST: SocketAddr = SocketAddr::new(std::net::IpAddr::V4(Ipv4Addr::LOCALHOST), 0);

#[anyloop::test]
async fn ping_pong() {
    both_faces!(check_ping_pong);
}

async fn check_ping_pong<R: Runtime>(rt: R) {
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
        let (n, from) = rt
            .timeout(Duration::from_secs(5), a.recv_from(&mut buf))
            .await
            .unwrap()
            .unwrap();
        assert_eq!((&buf[..n], from), (&[i; 7][..], b_addr), "on {}", backend());
    }
    ponger.await.unwrap().unwrap();
    assert_eq!(a.local_addr().unwrap(), a_addr);
}

#[anyloop::test(worker_threads = 2)]
async fn one_socket_sends_and_receives_from_two_tasks() {
    both_faces!(check_one_socket_sends_and_receives_from_two_tasks);
}

async fn check_one_socket_sends_and_receives_from_two_tasks<R: Runtime>(rt: R) {
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
    let all = rt
        .timeout(Duration::from_secs(10), receiver)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(all, "a datagram was lost on {}", backend());
    echoer.await.unwrap().unwrap();
    assert_eq!(socket.peer_addr().unwrap(), echo_addr);
}

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
