//! Smoke tests of the async-io sockets over loopback. The behaviour shared
//! by every backend is pinned by the conformance suite in
//! `crates/anyloop/tests`; these check this crate alone.

use std::future::Future;
use std::io::{self, ErrorKind, Read};
use std::net::{Ipv4Addr, SocketAddr};
use std::pin::pin;
use std::task::{Context, Waker};
use std::time::Duration;

use anyloop::rt::net::{TcpListener as _, TcpStream as _, UdpSocket as _};
use anyloop_async_io::net::{TcpListener, TcpStream, UdpSocket};
use smol::io::{AsyncReadExt, AsyncWriteExt};

fn loopback() -> SocketAddr {
    SocketAddr::from((Ipv4Addr::LOCALHOST, 0))
}

/// A connected pair: (client, server).
async fn tcp_pair() -> io::Result<(TcpStream, TcpStream)> {
    let listener = TcpListener::bind(loopback())?;
    let client = TcpStream::connect(listener.local_addr()?).await?;
    let (server, peer) = listener.accept().await?;
    assert_eq!(peer, client.local_addr()?);
    Ok((client, server))
}

#[test]
fn echo_round_trip() -> io::Result<()> {
    smol::block_on(async {
        let listener = TcpListener::bind(loopback())?;
        let addr = listener.local_addr()?;
        let server = smol::spawn(async move {
            let (mut peer, _) = listener.accept().await?;
            let mut buf = Vec::new();
            peer.read_to_end(&mut buf).await?;
            peer.write_all(&buf).await?;
            peer.close().await
        });
        let mut client = TcpStream::connect(addr).await?;
        client.write_all(b"hello, ").await?;
        client.write_vectored(&[io::IoSlice::new(b"world")]).await?;
        client.close().await?;
        let mut echoed = String::new();
        client.read_to_string(&mut echoed).await?;
        assert_eq!(echoed, "hello, world");
        server.await
    })
}

#[test]
fn peek_leaves_the_bytes() -> io::Result<()> {
    smol::block_on(async {
        let (mut client, mut server) = tcp_pair().await?;
        client.write_all(b"abc").await?;
        let mut buf = [0; 8];
        let n = server.peek(&mut buf).await?;
        assert_eq!(&buf[..n], &b"abc"[..n]);
        let mut all = [0; 3];
        server.read_exact(&mut all).await?;
        assert_eq!(&all, b"abc");
        Ok(())
    })
}

#[test]
fn split_halves_in_two_tasks() -> io::Result<()> {
    smol::block_on(async {
        let (client, mut server) = tcp_pair().await?;
        let (mut read, mut write) = client.into_split();
        let writer = smol::spawn(async move { write.write_all(b"ping").await });
        let reader = smol::spawn(async move {
            let mut buf = [0; 4];
            read.read_exact(&mut buf).await.map(|()| buf)
        });
        let mut buf = [0; 4];
        server.read_exact(&mut buf).await?;
        assert_eq!(&buf, b"ping");
        server.write_all(b"pong").await?;
        writer.await?;
        assert_eq!(&reader.await?, b"pong");
        Ok(())
    })
}

#[test]
fn dropping_the_write_half_gives_the_peer_eof() -> io::Result<()> {
    smol::block_on(async {
        let (client, mut server) = tcp_pair().await?;
        let (mut read, mut write) = client.into_split();
        write.write_all(b"bye").await?;
        drop(write);
        let mut buf = Vec::new();
        server.read_to_end(&mut buf).await?;
        assert_eq!(buf, b"bye");
        // The read half still works.
        server.write_all(b"still here").await?;
        let mut reply = [0; 10];
        read.read_exact(&mut reply).await?;
        assert_eq!(&reply, b"still here");
        Ok(())
    })
}

#[test]
fn listener_into_std_is_blocking() -> io::Result<()> {
    let listener = TcpListener::bind(loopback())?.into_std()?;
    let addr = listener.local_addr()?;
    let client = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        std::net::TcpStream::connect(addr)
    });
    // Non-blocking, this would be `WouldBlock` at once.
    let (mut peer, _) = listener.accept()?;
    drop(client.join().unwrap()?);
    assert_eq!(peer.read(&mut [0; 1])?, 0);
    Ok(())
}

#[test]
fn accept_is_cancel_safe_and_shared() -> io::Result<()> {
    smol::block_on(async {
        let listener = TcpListener::bind(loopback())?;
        let addr = listener.local_addr()?;
        {
            // A poll with no connection pending, then dropped.
            let mut accept = pin!(listener.accept());
            let mut cx = Context::from_waker(Waker::noop());
            assert!(accept.as_mut().poll(&mut cx).is_pending());
        }
        let listener = std::sync::Arc::new(listener);
        let tasks: Vec<_> = (0..2)
            .map(|_| {
                let listener = listener.clone();
                smol::spawn(async move { listener.accept().await.map(|(_, addr)| addr) })
            })
            .collect();
        let a = TcpStream::connect(addr).await?;
        let b = TcpStream::connect(addr).await?;
        let mut accepted = Vec::new();
        for task in tasks {
            accepted.push(task.await?);
        }
        accepted.sort();
        let mut expected = vec![a.local_addr()?, b.local_addr()?];
        expected.sort();
        assert_eq!(accepted, expected);
        Ok(())
    })
}

#[test]
fn udp_send_to_recv_from() -> io::Result<()> {
    smol::block_on(async {
        let a = UdpSocket::bind(loopback())?;
        let b = UdpSocket::bind(loopback())?;
        a.send_to(b"ping", b.local_addr()?).await?;
        let mut buf = [0; 16];
        let (n, from) = b.peek_from(&mut buf).await?;
        assert_eq!((&buf[..n], from), (&b"ping"[..], a.local_addr()?));
        let (n, from) = b.recv_from(&mut buf).await?;
        assert_eq!((&buf[..n], from), (&b"ping"[..], a.local_addr()?));
        b.connect(a.local_addr()?)?;
        b.send(b"pong").await?;
        let n = a.recv(&mut buf).await?;
        assert_eq!(&buf[..n], b"pong");
        Ok(())
    })
}

#[test]
fn refused_connection_is_connection_refused() -> io::Result<()> {
    // A port that was free a moment ago and has no listener now.
    let addr = TcpListener::bind(loopback())?.local_addr()?;
    let err = smol::block_on(TcpStream::connect(addr)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ConnectionRefused, "{err}");
    Ok(())
}

#[test]
fn second_bind_is_addr_in_use() -> io::Result<()> {
    let listener = TcpListener::bind(loopback())?;
    let err = TcpListener::bind(listener.local_addr()?).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AddrInUse, "{err}");
    let socket = UdpSocket::bind(loopback())?;
    let err = UdpSocket::bind(socket.local_addr()?).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AddrInUse, "{err}");
    Ok(())
}

#[cfg(unix)]
mod unix {
    use anyloop::rt::net::{UnixDatagram as _, UnixListener as _, UnixStream as _};
    use anyloop_async_io::net::{UnixDatagram, UnixListener, UnixStream};

    use super::*;

    #[test]
    fn stream_pair_round_trip() -> io::Result<()> {
        smol::block_on(async {
            let (a, mut b) = UnixStream::pair()?;
            let (mut read, mut write) = a.into_split();
            write.write_all(b"one").await?;
            drop(write);
            let mut got = Vec::new();
            b.read_to_end(&mut got).await?;
            assert_eq!(got, b"one");
            b.write_all(b"two").await?;
            b.close().await?;
            let mut got = Vec::new();
            read.read_to_end(&mut got).await?;
            assert_eq!(got, b"two");
            Ok(())
        })
    }

    #[test]
    fn listener_and_datagram_by_path() -> io::Result<()> {
        let dir = std::env::temp_dir().join(format!("anyloop-async-io-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let result = smol::block_on(async {
            let path = dir.join("stream.sock");
            let listener = UnixListener::bind(&path)?;
            let err = UnixListener::bind(&path).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::AddrInUse, "{err}");
            let mut client = UnixStream::connect(&path).await?;
            let (mut server, _) = listener.accept().await?;
            client.write_all(b"hi").await?;
            let mut buf = [0; 2];
            server.read_exact(&mut buf).await?;
            assert_eq!(&buf, b"hi");

            let err = UnixStream::connect(&dir.join("missing.sock"))
                .await
                .unwrap_err();
            assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");

            let path = dir.join("dgram.sock");
            let socket = UnixDatagram::bind(&path)?;
            let sender = UnixDatagram::unbound()?;
            sender.send_to(b"dgram", &path).await?;
            let mut buf = [0; 8];
            let (n, _) = socket.recv_from(&mut buf).await?;
            assert_eq!(&buf[..n], b"dgram");
            io::Result::Ok(())
        });
        std::fs::remove_dir_all(&dir)?;
        result
    }
}
