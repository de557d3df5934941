//! TCP: echo, large transfers, half-close, split halves, many clients,
//! error kinds, cancel safety, the backlog.

use std::collections::HashSet;
use std::io::ErrorKind;
use std::net::{Ipv4Addr, Shutdown, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyloop_core::net::{TcpListener as _, TcpStream as _, UdpSocket as _};
use anyloop_core::{Runtime, TimerExt};
use futures_lite::{AsyncReadExt, AsyncWriteExt};

use crate::support::{LOCALHOST, pattern, skip, within};

/// A server task echoes what a client writes, in several messages.
pub async fn echo_round_trip<R: Runtime>(rt: R) {
    let listener = rt.bind_tcp(LOCALHOST).unwrap();
    let addr = listener.local_addr().unwrap();
    let server = rt.spawn(async move {
        let (mut stream, peer) = listener.accept().await?;
        assert_eq!(stream.peer_addr()?, peer, "accept's address is the peer's");
        let mut buf = vec![0; 64];
        loop {
            let n = stream.read(&mut buf).await?;
            if n == 0 {
                return std::io::Result::Ok(());
            }
            stream.write_all(&buf[..n]).await?;
        }
    });
    let mut client = rt.connect_tcp(addr).await.unwrap();
    assert_eq!(client.peer_addr().unwrap(), addr);
    for message in [
        &b"hello"[..],
        b"",
        b"a longer message than the server buffer of 64 bytes, to be sure",
    ] {
        client.write_all(message).await.unwrap();
        let mut echoed = vec![0; message.len()];
        within(&rt, "an echo", client.read_exact(&mut echoed))
            .await
            .unwrap();
        assert_eq!(echoed, message);
    }
    client.close().await.unwrap();
    within(&rt, "the server", server).await.unwrap().unwrap();
}

/// 1 MiB sent in 64 KiB writes arrives whole, byte for byte.
pub async fn one_mebibyte_byte_for_byte<R: Runtime>(rt: R) {
    let len = 1 << 20;
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
    within(&rt, "the transfer", client.read_to_end(&mut received))
        .await
        .unwrap();
    sender.await.unwrap().unwrap();
    assert_eq!(received.len(), len);
    assert!(received == *data, "the bytes differ");
}

/// After `shutdown(Write)` the peer reads the end of the stream and can
/// still answer; reading past the end keeps giving `Ok(0)`.
pub async fn half_close<R: Runtime>(rt: R) {
    let listener = rt.bind_tcp(LOCALHOST).unwrap();
    let addr = listener.local_addr().unwrap();
    let server = rt.spawn(async move {
        let (mut stream, _) = listener.accept().await?;
        let mut request = Vec::new();
        stream.read_to_end(&mut request).await?; // ends at the client's shutdown
        stream.write_all(&request).await?;
        stream.write_all(b"!").await?;
        std::io::Result::Ok(())
    });
    let mut client = rt.connect_tcp(addr).await.unwrap();
    client.write_all(b"question").await.unwrap();
    client.shutdown(Shutdown::Write).unwrap();
    let mut reply = Vec::new();
    within(&rt, "the reply", client.read_to_end(&mut reply))
        .await
        .unwrap();
    assert_eq!(reply, b"question!");
    server.await.unwrap().unwrap();
    assert_eq!(
        client.read(&mut [0; 8]).await.unwrap(),
        0,
        "a read after the end"
    );
}

/// The halves of `into_split`, owned by two tasks, read and write at once;
/// dropping the write half shuts down the write side.
pub async fn split_halves_from_two_tasks<R: Runtime>(rt: R) {
    const ROUNDS: usize = 100;
    let listener = rt.bind_tcp(LOCALHOST).unwrap();
    let addr = listener.local_addr().unwrap();
    let echo = rt.spawn(async move {
        let (stream, _) = listener.accept().await?;
        let (read, mut write) = stream.into_split();
        futures_lite::io::copy(read, &mut write).await
    });
    let client = rt.connect_tcp(addr).await.unwrap();
    let (mut read, mut write) = client.into_split();
    let writer = rt.spawn(async move {
        for i in 0..ROUNDS {
            write.write_all(format!("{i:04}").as_bytes()).await?;
        }
        std::io::Result::Ok(()) // dropping the half shuts down the write side
    });
    let reader = rt.spawn(async move {
        let mut all = String::new();
        read.read_to_string(&mut all).await.map(|_| all)
    });
    writer.await.unwrap().unwrap();
    let all = within(&rt, "the reader", reader).await.unwrap().unwrap();
    let expected: String = (0..ROUNDS).map(|i| format!("{i:04}")).collect();
    assert_eq!(all, expected);
    assert_eq!(echo.await.unwrap().unwrap(), expected.len() as u64);
}

/// 200 clients at once, each served by a task of its own.
pub async fn two_hundred_concurrent_clients<R: Runtime>(rt: R) {
    const CLIENTS: usize = 200;
    let listener = rt.bind_tcp(LOCALHOST).unwrap();
    let addr = listener.local_addr().unwrap();
    let server_rt = rt.clone();
    let server = rt.spawn(async move {
        let mut handlers = Vec::new();
        for _ in 0..CLIENTS {
            let (mut stream, _) = listener.accept().await?;
            handlers.push(server_rt.spawn(async move {
                let mut id = [0; 8];
                stream.read_exact(&mut id).await?;
                stream.write_all(&id).await
            }));
        }
        for handler in handlers {
            handler.await.expect("handler task")?;
        }
        std::io::Result::Ok(())
    });
    let clients: Vec<_> = (0..CLIENTS as u64)
        .map(|id| {
            let rt2 = rt.clone();
            rt.spawn(async move {
                let mut stream = rt2.connect_tcp(addr).await?;
                stream.write_all(&id.to_le_bytes()).await?;
                let mut back = [0; 8];
                stream.read_exact(&mut back).await?;
                std::io::Result::Ok(u64::from_le_bytes(back))
            })
        })
        .collect();
    for (id, client) in clients.into_iter().enumerate() {
        let back = within(&rt, "a client", client).await.unwrap().unwrap();
        assert_eq!(back, id as u64);
    }
    within(&rt, "the server", server).await.unwrap().unwrap();
}

/// `Net::connect_tcp_socket` connects a socket made and bound beforehand.
pub async fn connect_tcp_socket<R: Runtime>(rt: R) {
    let listener = rt.bind_tcp(LOCALHOST).unwrap();
    let addr = listener.local_addr().unwrap();
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    socket.bind(&LOCALHOST.into()).unwrap();
    let from = socket.local_addr().unwrap().as_socket().unwrap();
    let mut stream = within(&rt, "a connect", rt.connect_tcp_socket(socket.into(), addr))
        .await
        .unwrap();
    assert_eq!(
        stream.local_addr().unwrap(),
        from,
        "the bound address was lost"
    );
    let (mut peer, _) = within(&rt, "an accept", listener.accept()).await.unwrap();
    stream.write_all(b"hi").await.unwrap();
    let mut buf = [0; 2];
    within(&rt, "a read", peer.read_exact(&mut buf))
        .await
        .unwrap();
    assert_eq!(&buf, b"hi");
}

/// A connect to a port nobody listens on is `ConnectionRefused`, through
/// `connect_tcp` and `connect_tcp_socket`.
pub async fn connect_refused<R: Runtime>(rt: R) {
    // A port that was free a moment ago, and that nobody listens on now.
    let addr = std::net::TcpListener::bind(LOCALHOST)
        .unwrap()
        .local_addr()
        .unwrap();
    let err = within(&rt, "a refused connect", rt.connect_tcp(addr))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ConnectionRefused, "{err}");
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    let connect = rt.connect_tcp_socket(socket.into(), addr);
    let err = within(&rt, "a refused connect", connect).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ConnectionRefused, "{err}");
}

/// Binding an address in use is `AddrInUse` (TCP and UDP); binding an
/// address of no local interface is `AddrNotAvailable`.
pub async fn bind_errors<R: Runtime>(rt: R) {
    let listener = rt.bind_tcp(LOCALHOST).unwrap();
    let err = rt.bind_tcp(listener.local_addr().unwrap()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AddrInUse, "TCP: {err}");
    let udp = rt.bind_udp(LOCALHOST).unwrap();
    let err = rt.bind_udp(udp.local_addr().unwrap()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AddrInUse, "UDP: {err}");
    // TEST-NET-1 (RFC 5737): never the address of a local interface.
    let foreign = SocketAddr::new(Ipv4Addr::new(192, 0, 2, 1).into(), 0);
    match rt.bind_tcp(foreign) {
        Err(err) => assert_eq!(err.kind(), ErrorKind::AddrNotAvailable, "{err}"),
        Ok(_) => skip("this host binds non-local addresses (ip_nonlocal_bind)"),
    }
}

/// A read after the peer closed the connection gives `Ok(0)`, again and
/// again.
pub async fn read_after_peer_closed_is_zero<R: Runtime>(rt: R) {
    let listener = rt.bind_tcp(LOCALHOST).unwrap();
    let mut client = rt
        .connect_tcp(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (server, _) = within(&rt, "an accept", listener.accept()).await.unwrap();
    drop(server);
    let mut buf = [0; 8];
    for _ in 0..2 {
        let n = within(&rt, "a read", client.read(&mut buf)).await.unwrap();
        assert_eq!(n, 0);
    }
}

/// `peek` returns bytes without consuming them.
pub async fn peek_does_not_consume<R: Runtime>(rt: R) {
    let listener = rt.bind_tcp(LOCALHOST).unwrap();
    let mut client = rt
        .connect_tcp(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (mut server, _) = within(&rt, "an accept", listener.accept()).await.unwrap();
    client.write_all(b"look").await.unwrap();
    let mut buf = [0; 4];
    let mut seen = 0;
    while seen < 4 {
        seen = within(&rt, "a peek", server.peek(&mut buf)).await.unwrap();
    }
    assert_eq!(&buf, b"look");
    let mut read = [0; 4];
    server.read_exact(&mut read).await.unwrap();
    assert_eq!(&read, b"look", "peek consumed bytes");
}

/// `nodelay` and `ttl` read back what was set.
pub async fn stream_options<R: Runtime>(rt: R) {
    let listener = rt.bind_tcp(LOCALHOST).unwrap();
    let client = rt
        .connect_tcp(listener.local_addr().unwrap())
        .await
        .unwrap();
    client.set_nodelay(true).unwrap();
    assert!(client.nodelay().unwrap(), "nodelay");
    client.set_nodelay(false).unwrap();
    assert!(!client.nodelay().unwrap(), "nodelay off");
    client.set_ttl(42).unwrap();
    assert_eq!(client.ttl().unwrap(), 42, "ttl");
    assert_eq!(client.local_addr().unwrap().ip(), Ipv4Addr::LOCALHOST);
}

/// `from_std` takes `std` sockets in, `into_std` hands them back in
/// blocking mode, with unread bytes still there.
pub async fn from_std_and_into_std<R: Runtime>(rt: R) {
    let std_listener = std::net::TcpListener::bind(LOCALHOST).unwrap();
    let addr = std_listener.local_addr().unwrap();
    let listener = R::TcpListener::from_std(std_listener).unwrap();
    let std_client = std::net::TcpStream::connect(addr).unwrap();
    let mut client = R::TcpStream::from_std(std_client).unwrap();
    let (server, _) = within(&rt, "an accept", listener.accept()).await.unwrap();
    client.write_all(b"std").await.unwrap();
    let mut server = server.into_std().unwrap();
    server
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut buf = [0; 3];
    std::io::Read::read_exact(&mut server, &mut buf).expect("a blocking read of into_std");
    assert_eq!(&buf, b"std");
    let listener = listener.into_std().unwrap();
    assert_eq!(listener.local_addr().unwrap(), addr);
}

/// An `accept` dropped mid-way loses no connection.
pub async fn cancelled_accept_loses_no_connection<R: Runtime>(rt: R) {
    let listener = rt.bind_tcp(LOCALHOST).unwrap();
    let addr = listener.local_addr().unwrap();
    let early = rt
        .timeout(Duration::from_millis(5), listener.accept())
        .await;
    assert!(early.is_err(), "an accept with no client completed");
    let mut client = rt.connect_tcp(addr).await.unwrap();
    client.write_all(b"x").await.unwrap();
    let (mut server, _) = within(&rt, "an accept", listener.accept()).await.unwrap();
    let mut buf = [0; 1];
    server.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"x");
}

/// A read dropped mid-way loses no byte.
pub async fn cancelled_read_loses_no_byte<R: Runtime>(rt: R) {
    let listener = rt.bind_tcp(LOCALHOST).unwrap();
    let mut client = rt
        .connect_tcp(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (mut server, _) = within(&rt, "an accept", listener.accept()).await.unwrap();
    for round in 0..20u8 {
        let mut buf = [0; 16];
        let early = rt
            .timeout(Duration::from_millis(1), server.read(&mut buf))
            .await;
        assert!(
            early.is_err(),
            "round {round}: a read with nothing to read completed"
        );
        client.write_all(&[round; 3]).await.unwrap();
        let mut got = [0; 3];
        within(&rt, "a read", server.read_exact(&mut got))
            .await
            .unwrap();
        assert_eq!(got, [round; 3], "round {round}");
    }
}

/// Two tasks accept on one listener; each gets one of two connections.
pub async fn two_tasks_accept_on_one_listener<R: Runtime>(rt: R) {
    let listener = Arc::new(rt.bind_tcp(LOCALHOST).unwrap());
    let addr = listener.local_addr().unwrap();
    let acceptors: Vec<_> = (0..2)
        .map(|_| {
            let listener = listener.clone();
            rt.spawn(async move { listener.accept().await.map(|(_, peer)| peer) })
        })
        .collect();
    let clients = [
        rt.connect_tcp(addr).await.unwrap(),
        rt.connect_tcp(addr).await.unwrap(),
    ];
    let mut peers = Vec::new();
    for acceptor in acceptors {
        peers.push(within(&rt, "an acceptor", acceptor).await.unwrap().unwrap());
    }
    peers.sort();
    let mut expected: Vec<_> = clients.iter().map(|c| c.local_addr().unwrap()).collect();
    expected.sort();
    assert_eq!(peers, expected);
}

/// The clients of [`listener_holds_1000_unaccepted_connects`].
const BACKLOG_CLIENTS: usize = 1000;

/// Whether this host can run the backlog check: enough file descriptors
/// (raising the soft limit if needed) and a kernel maximum backlog of at
/// least 1024. Skips the check otherwise.
fn backlog_host_check() {
    // Each connection is two descriptors (client and accepted); other
    // checks (this one on other runtimes, under `cargo test`'s threads) may
    // run at once in the same process, so the soft limit is raised to the
    // hard one (at most 65,536) rather than to what one run needs.
    let needed = 8 * BACKLOG_CLIENTS as u64;
    let wanted = 1 << 16;
    match rlimit::getrlimit(rlimit::Resource::NOFILE) {
        Ok((soft, _)) if soft >= wanted => {}
        Ok((soft, hard)) if hard >= needed => {
            let raised = hard.min(wanted);
            if raised > soft {
                rlimit::setrlimit(rlimit::Resource::NOFILE, raised, hard)
                    .expect("raise the soft RLIMIT_NOFILE");
            }
        }
        Ok((_, hard)) => skip(format!(
            "needs {needed} file descriptors, the hard limit is {hard}"
        )),
        Err(err) => panic!("getrlimit(RLIMIT_NOFILE): {err}"),
    }
    if let Ok(max) = std::fs::read_to_string("/proc/sys/net/core/somaxconn") {
        let max: u64 = max.trim().parse().expect("somaxconn is a number");
        if max < 1024 {
            skip(format!(
                "the kernel caps backlogs at {max} (net.core.somaxconn)"
            ));
        }
    }
}

/// A listener from `bind_tcp` holds 1000 connects that nobody accepted yet
/// (a backlog of [`DEFAULT_BACKLOG`](anyloop_core::net::DEFAULT_BACKLOG),
/// not `std`'s 128), and then accepts each once.
pub async fn listener_holds_1000_unaccepted_connects<R: Runtime>(rt: R) {
    backlog_host_check();
    // Far shorter than the SYN retransmits (1 s, 3 s, 7 s, ...) that never
    // succeed while the queue stays full.
    const CONNECT_WAIT: Duration = Duration::from_secs(10);
    let listener = rt.bind_tcp(LOCALHOST).unwrap();
    let addr = listener.local_addr().unwrap();
    let connected = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..BACKLOG_CLIENTS)
        .map(|_| {
            let (rt2, connected) = (rt.clone(), connected.clone());
            rt.spawn(async move {
                let stream = rt2.connect_tcp(addr).await?;
                connected.fetch_add(1, Ordering::SeqCst);
                std::io::Result::Ok(stream)
            })
        })
        .collect();
    let clients = rt
        .timeout(CONNECT_WAIT, async {
            let mut streams = Vec::with_capacity(BACKLOG_CLIENTS);
            for task in tasks {
                streams.push(task.await.unwrap().expect("connect"));
            }
            streams
        })
        .await
        .unwrap_or_else(|_| {
            panic!(
                "only {} of {BACKLOG_CLIENTS} connects to a listener nobody accepts from \
                 completed within {CONNECT_WAIT:?}: is the listen backlog below \
                 {BACKLOG_CLIENTS}?",
                connected.load(Ordering::SeqCst)
            )
        });
    let locals: HashSet<SocketAddr> = clients
        .iter()
        .map(|stream| stream.local_addr().unwrap())
        .collect();
    let mut peers = HashSet::with_capacity(BACKLOG_CLIENTS);
    for _ in 0..BACKLOG_CLIENTS {
        let (_stream, peer) = within(&rt, "an accept", listener.accept()).await.unwrap();
        peers.insert(peer);
    }
    assert!(peers == locals, "not every client was accepted once");
    drop(clients);
}
