//! Conformance: socket errors have the same `ErrorKind` on every backend,
//! and bad input is an error, never a panic.

mod common;

use std::io::ErrorKind;
use std::net::Shutdown;
use std::time::Duration;

use anyloop::io::{AsyncReadExt, AsyncWriteExt};
use anyloop::net::{TcpListener, TcpStream, UdpSocket};
use common::backend;

/// A loopback port with nothing listening on it.
async fn closed_port() -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap()
}

#[anyloop::test]
async fn refused_connection() {
    let addr = closed_port().await;
    let err = TcpStream::connect(addr).await.unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::ConnectionRefused,
        "on {}: {err}",
        backend()
    );
}

#[anyloop::test]
async fn address_in_use() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let err = TcpListener::bind(addr).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AddrInUse, "on {}: {err}", backend());
    let udp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let err = UdpSocket::bind(udp.local_addr().unwrap())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AddrInUse, "on {}: {err}", backend());
}

#[anyloop::test]
async fn bad_addresses_are_invalid_input() {
    for bad in [
        "no-port",
        "127.0.0.1:70000",
        "127.0.0.1:-1",
        "127.0.0.1:",
        ":80",
        "[::1",
        "",
    ] {
        let err = TcpStream::connect(bad).await.unwrap_err();
        assert_eq!(
            err.kind(),
            ErrorKind::InvalidInput,
            "{bad:?} on {}: {err}",
            backend()
        );
        let err = TcpListener::bind(bad).await.unwrap_err();
        assert_eq!(
            err.kind(),
            ErrorKind::InvalidInput,
            "{bad:?} on {}: {err}",
            backend()
        );
    }
    let err = TcpStream::connect("127.0.0.1:70000").await.unwrap_err();
    assert!(err.to_string().contains("invalid port `70000`"), "{err}");
    let empty: &[std::net::SocketAddr] = &[];
    let err = TcpStream::connect(empty).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "on {}", backend());
}

#[anyloop::test]
async fn lookup_of_literals_and_localhost() {
    let addrs: Vec<_> = anyloop::net::lookup_host("127.0.0.1:9")
        .await
        .unwrap()
        .collect();
    assert_eq!(addrs, ["127.0.0.1:9".parse().unwrap()]);
    let addrs: Vec<_> = anyloop::net::lookup_host(("localhost", 9))
        .await
        .unwrap()
        .collect();
    assert!(!addrs.is_empty() && addrs.iter().all(|a| a.ip().is_loopback() && a.port() == 9));
}

#[anyloop::test]
async fn read_after_peer_closed_is_zero() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let mut client = TcpStream::connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (server, _) = listener.accept().await.unwrap();
    drop(server);
    let mut buf = [0; 8];
    assert_eq!(client.read(&mut buf).await.unwrap(), 0, "on {}", backend());
    assert_eq!(client.read(&mut buf).await.unwrap(), 0, "on {}", backend());
}

#[anyloop::test]
async fn write_after_peer_reset_is_broken_pipe_or_reset() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let mut client = TcpStream::connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (server, _) = listener.accept().await.unwrap();
    // Unread data makes the close a reset.
    client.write_all(b"unread").await.unwrap();
    anyloop::time::sleep(Duration::from_millis(10)).await;
    drop(server);
    let mut last = None;
    for _ in 0..100 {
        match client.write_all(&[0; 1024]).await {
            Ok(()) => anyloop::time::sleep(Duration::from_millis(2)).await,
            Err(err) => {
                last = Some(err);
                break;
            }
        }
    }
    let err = last.unwrap_or_else(|| panic!("writes kept succeeding on {}", backend()));
    assert!(
        matches!(
            err.kind(),
            ErrorKind::BrokenPipe | ErrorKind::ConnectionReset
        ),
        "on {}: {err:?}",
        backend()
    );
}

#[anyloop::test]
async fn closed_sockets_give_errors_not_panics() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let mut client = TcpStream::connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (_server, _) = listener.accept().await.unwrap();
    client.shutdown(Shutdown::Both).unwrap();
    let err = client.write_all(b"after shutdown").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BrokenPipe, "on {}: {err}", backend());
    assert_eq!(
        client.read(&mut [0; 4]).await.unwrap(),
        0,
        "on {}",
        backend()
    );
    // Closing twice is harmless.
    let _ = client.close().await;
    let _ = client.close().await;
}

#[anyloop::test]
async fn connect_timeout_connects_within_its_budget() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let ok = TcpStream::connect_timeout(addr, Duration::from_secs(5)).await;
    assert!(ok.is_ok(), "on {}", backend());
    let err = TcpStream::connect_timeout(closed_port().await, Duration::from_secs(5))
        .await
        .unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::ConnectionRefused,
        "on {}: {err}",
        backend()
    );
}

/// A tokio socket used from a task of another backend is an error naming
/// the rule, not a hang.
/// The current-thread tokio runtime that owns the sockets of the tests
/// below, which then use them from the other backends.
#[cfg(all(feature = "tokio", any(feature = "smol", feature = "async-std")))]
fn tokio_current_thread() -> anyloop::Runtime {
    anyloop::Runtime::builder()
        .backend(anyloop::Backend::Tokio)
        .current_thread()
        .build()
        .unwrap()
}

#[cfg(all(feature = "tokio", any(feature = "smol", feature = "async-std")))]
#[test]
fn a_socket_stays_with_its_runtime() {
    use anyloop::{Backend, Runtime};

    let tokio_rt = tokio_current_thread();
    let listener = tokio_rt.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
    for &other in Backend::available()
        .iter()
        .filter(|b| **b != Backend::Tokio)
    {
        let rt = Runtime::builder().backend(other).build().unwrap();
        let err = rt.block_on(async { listener.accept().await.unwrap_err() });
        assert!(
            err.to_string()
                .contains("a socket belongs to the runtime that created it"),
            "{other}: {err}"
        );
    }
}

/// Reads, writes and datagrams of tokio sockets polled from a task of
/// another backend are errors naming the rule too, also when the bytes or
/// the datagram are there to take already (the check is made on every
/// poll, not only before waiting), and they take nothing: the bytes are
/// still there for tokio afterwards.
#[cfg(all(feature = "tokio", any(feature = "smol", feature = "async-std")))]
#[test]
fn socket_io_stays_with_its_runtime() {
    use anyloop::{Backend, Runtime};

    let rule = "a socket belongs to the runtime that created it";
    let tokio_rt = tokio_current_thread();
    let (mut client, mut server, a, b) = tokio_rt
        .block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await?;
            let client = TcpStream::connect(listener.local_addr()?).await?;
            let (mut server, _) = listener.accept().await?;
            server.write_all(b"ready").await?;
            let a = UdpSocket::bind("127.0.0.1:0").await?;
            let b = UdpSocket::bind("127.0.0.1:0").await?;
            a.send_to(b"ready", b.local_addr()?).await?;
            std::io::Result::Ok((client, server, a, b))
        })
        .unwrap();
    let b_addr = b.local_addr().unwrap();
    for &other in Backend::available()
        .iter()
        .filter(|b| **b != Backend::Tokio)
    {
        let rt = Runtime::builder().backend(other).build().unwrap();
        rt.block_on(async {
            let mut buf = [0; 5];
            let errors = [
                client.read_exact(&mut buf).await.unwrap_err(),
                client.write_all(b"late").await.unwrap_err(),
                server.flush().await.unwrap_err(),
                b.recv_from(&mut buf).await.unwrap_err(),
                a.send_to(b"late", b_addr).await.unwrap_err(),
                b.peek_from(&mut buf).await.unwrap_err(),
            ];
            for (i, err) in errors.iter().enumerate() {
                assert!(err.to_string().contains(rule), "{other}, call {i}: {err}");
            }
        });
    }
    // Nothing was taken or sent from the other backends.
    tokio_rt
        .block_on(async {
            let mut buf = [0; 5];
            client.read_exact(&mut buf).await?;
            assert_eq!(&buf, b"ready", "the bytes, read back on tokio");
            let (n, from) = b.recv_from(&mut buf).await?;
            assert_eq!(
                (&buf[..n], from),
                (&b"ready"[..], a.local_addr()?),
                "the datagram, received back on tokio"
            );
            std::io::Result::Ok(())
        })
        .unwrap();
}

/// A tokio socket's read or datagram call that started waiting under tokio
/// and is polled again from a task of another backend is an error there
/// too: the check is made on every poll, not once per call.
#[cfg(all(feature = "tokio", any(feature = "smol", feature = "async-std")))]
#[test]
fn a_waiting_call_moved_to_another_backend_fails() {
    use std::future::Future;
    use std::task::{Context, Poll, Waker};

    use anyloop::{Backend, Runtime};

    let rule = "a socket belongs to the runtime that created it";
    let tokio_rt = tokio_current_thread();
    let (mut client, _server, socket) = tokio_rt
        .block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await?;
            let client = TcpStream::connect(listener.local_addr()?).await?;
            let (server, _) = listener.accept().await?;
            let socket = UdpSocket::bind("127.0.0.1:0").await?;
            std::io::Result::Ok((client, server, socket))
        })
        .unwrap();
    for &other in Backend::available()
        .iter()
        .filter(|b| **b != Backend::Tokio)
    {
        let mut bytes = [0; 4];
        let mut datagram = [0; 4];
        let mut read = Box::pin(client.read_exact(&mut bytes));
        let mut recv = Box::pin(socket.recv_from(&mut datagram));
        // Nothing was sent: both wait, under tokio.
        tokio_rt.block_on(async {
            let mut cx = Context::from_waker(Waker::noop());
            assert!(read.as_mut().poll(&mut cx).is_pending(), "the read waits");
            assert!(
                recv.as_mut().poll(&mut cx).is_pending(),
                "the receive waits"
            );
        });
        let rt = Runtime::builder().backend(other).build().unwrap();
        let (read_err, recv_err) = rt.block_on(async {
            let mut cx = Context::from_waker(Waker::noop());
            let read = match read.as_mut().poll(&mut cx) {
                Poll::Ready(Err(err)) => err.to_string(),
                other_poll => format!("{other_poll:?}"),
            };
            let recv = match recv.as_mut().poll(&mut cx) {
                Poll::Ready(Err(err)) => err.to_string(),
                other_poll => format!("{other_poll:?}"),
            };
            (read, recv)
        });
        assert!(read_err.contains(rule), "{other}: the read gave {read_err}");
        assert!(
            recv_err.contains(rule),
            "{other}: the receive gave {recv_err}"
        );
    }
}
