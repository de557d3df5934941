//! tokio's sockets behind the traits of [`anyloop_core::net`].
//!
//! Each type wraps the tokio type of the same name and implements the
//! `futures-io` traits over tokio's own (no extra copy: tokio reads straight
//! into the caller's buffer). `get_ref`, `get_mut` and `into_inner` reach
//! the tokio type.

use std::fmt;
use std::future::Future;
use std::io::{self, IoSlice};
use std::net::{Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr};
#[cfg(unix)]
use std::path::Path;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use anyloop_core::net::{self as core_net, AsyncRead, AsyncWrite};
use tokio::io::{AsyncRead as TokioRead, AsyncWrite as TokioWrite, ReadBuf};

use crate::Tokio;

/// `poll_read` of futures-io over tokio's.
pub(crate) fn poll_read<R: TokioRead + ?Sized>(
    reader: Pin<&mut R>,
    cx: &mut Context<'_>,
    buf: &mut [u8],
) -> Poll<io::Result<usize>> {
    let mut buf = ReadBuf::new(buf);
    ready!(reader.poll_read(cx, &mut buf))?;
    Poll::Ready(Ok(buf.filled().len()))
}

/// Implements the futures-io traits for a wrapper over a tokio I/O type.
macro_rules! futures_io {
    ($($ty:ident),* $(,)?) => {$(
        impl AsyncRead for $ty {
            #[inline]
            fn poll_read(
                mut self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: &mut [u8],
            ) -> Poll<io::Result<usize>> {
                poll_read(Pin::new(&mut self.0), cx, buf)
            }
        }
    )*};
}

macro_rules! futures_io_write {
    ($($ty:ident),* $(,)?) => {$(
        impl AsyncWrite for $ty {
            #[inline]
            fn poll_write(
                mut self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: &[u8],
            ) -> Poll<io::Result<usize>> {
                Pin::new(&mut self.0).poll_write(cx, buf)
            }

            #[inline]
            fn poll_write_vectored(
                mut self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                bufs: &[IoSlice<'_>],
            ) -> Poll<io::Result<usize>> {
                Pin::new(&mut self.0).poll_write_vectored(cx, bufs)
            }

            #[inline]
            fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                Pin::new(&mut self.0).poll_flush(cx)
            }

            #[inline]
            fn poll_close(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                Pin::new(&mut self.0).poll_shutdown(cx)
            }
        }
    )*};
}

/// `get_ref`, `get_mut`, `into_inner` and `Debug` for a wrapper.
macro_rules! wrapper {
    ($($ty:ident => $inner:ty),* $(,)?) => {$(
        impl $ty {
            /// Returns a reference to the tokio type.
            pub fn get_ref(&self) -> &$inner {
                &self.0
            }

            /// Returns a mutable reference to the tokio type.
            pub fn get_mut(&mut self) -> &mut $inner {
                &mut self.0
            }

            /// Returns the tokio type.
            pub fn into_inner(self) -> $inner {
                self.0
            }
        }

        impl From<$inner> for $ty {
            fn from(inner: $inner) -> Self {
                $ty(inner)
            }
        }

        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

// Shared with the other modules of this crate (`fs`, `process`).
pub(crate) use {futures_io, futures_io_write, wrapper};

/// A TCP listener on tokio's reactor.
pub struct TcpListener(tokio::net::TcpListener);
/// A TCP connection on tokio's reactor.
pub struct TcpStream(tokio::net::TcpStream);
/// The read half of [`TcpStream`], owned.
pub struct OwnedReadHalf(tokio::net::tcp::OwnedReadHalf);
/// The write half of [`TcpStream`], owned; dropping it shuts down the write
/// side.
pub struct OwnedWriteHalf(tokio::net::tcp::OwnedWriteHalf);
/// A UDP socket on tokio's reactor.
pub struct UdpSocket(tokio::net::UdpSocket);

wrapper! {
    TcpListener => tokio::net::TcpListener,
    TcpStream => tokio::net::TcpStream,
    OwnedReadHalf => tokio::net::tcp::OwnedReadHalf,
    OwnedWriteHalf => tokio::net::tcp::OwnedWriteHalf,
    UdpSocket => tokio::net::UdpSocket,
}
futures_io!(TcpStream, OwnedReadHalf);
futures_io_write!(TcpStream, OwnedWriteHalf);

/// `into_std` of tokio returns the socket still non-blocking.
fn blocking<S>(socket: S, set: impl FnOnce(&S, bool) -> io::Result<()>) -> io::Result<S> {
    set(&socket, false)?;
    Ok(socket)
}

impl core_net::TcpListener for TcpListener {
    type Stream = TcpStream;

    fn from_std(listener: std::net::TcpListener) -> io::Result<Self> {
        listener.set_nonblocking(true)?;
        tokio::net::TcpListener::from_std(listener).map(TcpListener)
    }

    fn into_std(self) -> io::Result<std::net::TcpListener> {
        blocking(self.0.into_std()?, std::net::TcpListener::set_nonblocking)
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }

    #[inline]
    fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(TcpStream, SocketAddr)>> {
        self.0
            .poll_accept(cx)
            .map_ok(|(stream, addr)| (TcpStream(stream), addr))
    }

    // tokio's own `accept`, which several tasks can wait on at once
    // (`poll_accept` keeps one waker).
    async fn accept(&self) -> io::Result<(TcpStream, SocketAddr)> {
        let (stream, addr) = self.0.accept().await?;
        Ok((TcpStream(stream), addr))
    }
}

impl core_net::TcpStream for TcpStream {
    type OwnedReadHalf = OwnedReadHalf;
    type OwnedWriteHalf = OwnedWriteHalf;

    fn from_std(stream: std::net::TcpStream) -> io::Result<Self> {
        stream.set_nonblocking(true)?;
        tokio::net::TcpStream::from_std(stream).map(TcpStream)
    }

    fn into_std(self) -> io::Result<std::net::TcpStream> {
        blocking(self.0.into_std()?, std::net::TcpStream::set_nonblocking)
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }

    fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.0.peer_addr()
    }

    fn nodelay(&self) -> io::Result<bool> {
        self.0.nodelay()
    }

    fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.0.set_nodelay(nodelay)
    }

    fn ttl(&self) -> io::Result<u32> {
        self.0.ttl()
    }

    fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.0.set_ttl(ttl)
    }

    fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        socket2::SockRef::from(&self.0).shutdown(how)
    }

    fn peek(&self, buf: &mut [u8]) -> impl Future<Output = io::Result<usize>> + Send {
        self.0.peek(buf)
    }

    fn into_split(self) -> (OwnedReadHalf, OwnedWriteHalf) {
        let (read, write) = self.0.into_split();
        (OwnedReadHalf(read), OwnedWriteHalf(write))
    }
}

impl core_net::UdpSocket for UdpSocket {
    fn from_std(socket: std::net::UdpSocket) -> io::Result<Self> {
        socket.set_nonblocking(true)?;
        tokio::net::UdpSocket::from_std(socket).map(UdpSocket)
    }

    fn into_std(self) -> io::Result<std::net::UdpSocket> {
        blocking(self.0.into_std()?, std::net::UdpSocket::set_nonblocking)
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }

    fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.0.peer_addr()
    }

    fn connect(&self, addr: SocketAddr) -> io::Result<()> {
        socket2::SockRef::from(&self.0).connect(&addr.into())
    }

    fn send(&self, buf: &[u8]) -> impl Future<Output = io::Result<usize>> + Send {
        self.0.send(buf)
    }

    fn recv(&self, buf: &mut [u8]) -> impl Future<Output = io::Result<usize>> + Send {
        self.0.recv(buf)
    }

    fn send_to(
        &self,
        buf: &[u8],
        target: SocketAddr,
    ) -> impl Future<Output = io::Result<usize>> + Send {
        self.0.send_to(buf, target)
    }

    fn recv_from(
        &self,
        buf: &mut [u8],
    ) -> impl Future<Output = io::Result<(usize, SocketAddr)>> + Send {
        self.0.recv_from(buf)
    }

    fn peek_from(
        &self,
        buf: &mut [u8],
    ) -> impl Future<Output = io::Result<(usize, SocketAddr)>> + Send {
        self.0.peek_from(buf)
    }

    fn broadcast(&self) -> io::Result<bool> {
        self.0.broadcast()
    }

    fn set_broadcast(&self, on: bool) -> io::Result<()> {
        self.0.set_broadcast(on)
    }

    fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.0.set_ttl(ttl)
    }

    fn ttl(&self) -> io::Result<u32> {
        self.0.ttl()
    }

    fn join_multicast_v4(&self, group: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()> {
        self.0.join_multicast_v4(group, interface)
    }

    fn leave_multicast_v4(&self, group: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()> {
        self.0.leave_multicast_v4(group, interface)
    }

    fn join_multicast_v6(&self, group: &Ipv6Addr, interface: u32) -> io::Result<()> {
        self.0.join_multicast_v6(group, interface)
    }

    fn leave_multicast_v6(&self, group: &Ipv6Addr, interface: u32) -> io::Result<()> {
        self.0.leave_multicast_v6(group, interface)
    }

    fn multicast_loop_v4(&self) -> io::Result<bool> {
        self.0.multicast_loop_v4()
    }

    fn set_multicast_loop_v4(&self, on: bool) -> io::Result<()> {
        self.0.set_multicast_loop_v4(on)
    }
}

#[cfg(unix)]
pub use self::unix::*;

#[cfg(unix)]
mod unix {
    use std::os::unix::net::SocketAddr;

    use super::*;

    /// A Unix-domain listener on tokio's reactor.
    pub struct UnixListener(tokio::net::UnixListener);
    /// A Unix-domain stream on tokio's reactor.
    pub struct UnixStream(tokio::net::UnixStream);
    /// The read half of [`UnixStream`], owned.
    pub struct UnixOwnedReadHalf(tokio::net::unix::OwnedReadHalf);
    /// The write half of [`UnixStream`], owned; dropping it shuts down the
    /// write side.
    pub struct UnixOwnedWriteHalf(tokio::net::unix::OwnedWriteHalf);
    /// A Unix-domain datagram socket on tokio's reactor.
    pub struct UnixDatagram(tokio::net::UnixDatagram);

    wrapper! {
        UnixListener => tokio::net::UnixListener,
        UnixStream => tokio::net::UnixStream,
        UnixOwnedReadHalf => tokio::net::unix::OwnedReadHalf,
        UnixOwnedWriteHalf => tokio::net::unix::OwnedWriteHalf,
        UnixDatagram => tokio::net::UnixDatagram,
    }
    futures_io!(UnixStream, UnixOwnedReadHalf);
    futures_io_write!(UnixStream, UnixOwnedWriteHalf);

    impl core_net::UnixListener for UnixListener {
        type Stream = UnixStream;

        fn from_std(listener: std::os::unix::net::UnixListener) -> io::Result<Self> {
            listener.set_nonblocking(true)?;
            tokio::net::UnixListener::from_std(listener).map(UnixListener)
        }

        fn into_std(self) -> io::Result<std::os::unix::net::UnixListener> {
            blocking(
                self.0.into_std()?,
                std::os::unix::net::UnixListener::set_nonblocking,
            )
        }

        fn local_addr(&self) -> io::Result<SocketAddr> {
            self.0.local_addr().map(Into::into)
        }

        fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(UnixStream, SocketAddr)>> {
            self.0
                .poll_accept(cx)
                .map_ok(|(stream, addr)| (UnixStream(stream), addr.into()))
        }

        async fn accept(&self) -> io::Result<(UnixStream, SocketAddr)> {
            let (stream, addr) = self.0.accept().await?;
            Ok((UnixStream(stream), addr.into()))
        }
    }

    impl core_net::UnixStream for UnixStream {
        type OwnedReadHalf = UnixOwnedReadHalf;
        type OwnedWriteHalf = UnixOwnedWriteHalf;

        fn from_std(stream: std::os::unix::net::UnixStream) -> io::Result<Self> {
            stream.set_nonblocking(true)?;
            tokio::net::UnixStream::from_std(stream).map(UnixStream)
        }

        fn into_std(self) -> io::Result<std::os::unix::net::UnixStream> {
            blocking(
                self.0.into_std()?,
                std::os::unix::net::UnixStream::set_nonblocking,
            )
        }

        fn pair() -> io::Result<(Self, Self)> {
            let (a, b) = tokio::net::UnixStream::pair()?;
            Ok((UnixStream(a), UnixStream(b)))
        }

        fn local_addr(&self) -> io::Result<SocketAddr> {
            self.0.local_addr().map(Into::into)
        }

        fn peer_addr(&self) -> io::Result<SocketAddr> {
            self.0.peer_addr().map(Into::into)
        }

        fn shutdown(&self, how: Shutdown) -> io::Result<()> {
            socket2::SockRef::from(&self.0).shutdown(how)
        }

        fn into_split(self) -> (UnixOwnedReadHalf, UnixOwnedWriteHalf) {
            let (read, write) = self.0.into_split();
            (UnixOwnedReadHalf(read), UnixOwnedWriteHalf(write))
        }
    }

    impl core_net::UnixDatagram for UnixDatagram {
        fn from_std(socket: std::os::unix::net::UnixDatagram) -> io::Result<Self> {
            socket.set_nonblocking(true)?;
            tokio::net::UnixDatagram::from_std(socket).map(UnixDatagram)
        }

        fn into_std(self) -> io::Result<std::os::unix::net::UnixDatagram> {
            blocking(
                self.0.into_std()?,
                std::os::unix::net::UnixDatagram::set_nonblocking,
            )
        }

        fn unbound() -> io::Result<Self> {
            tokio::net::UnixDatagram::unbound().map(UnixDatagram)
        }

        fn pair() -> io::Result<(Self, Self)> {
            let (a, b) = tokio::net::UnixDatagram::pair()?;
            Ok((UnixDatagram(a), UnixDatagram(b)))
        }

        fn connect(&self, path: &Path) -> io::Result<()> {
            self.0.connect(path)
        }

        fn local_addr(&self) -> io::Result<SocketAddr> {
            self.0.local_addr().map(Into::into)
        }

        fn peer_addr(&self) -> io::Result<SocketAddr> {
            self.0.peer_addr().map(Into::into)
        }

        fn send(&self, buf: &[u8]) -> impl Future<Output = io::Result<usize>> + Send {
            self.0.send(buf)
        }

        fn recv(&self, buf: &mut [u8]) -> impl Future<Output = io::Result<usize>> + Send {
            self.0.recv(buf)
        }

        fn send_to(
            &self,
            buf: &[u8],
            path: &Path,
        ) -> impl Future<Output = io::Result<usize>> + Send {
            self.0.send_to(buf, path)
        }

        async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
            let (n, addr) = self.0.recv_from(buf).await?;
            Ok((n, addr.into()))
        }

        fn shutdown(&self, how: Shutdown) -> io::Result<()> {
            self.0.shutdown(how)
        }
    }
}

impl anyloop_core::net::Net for Tokio {
    type TcpListener = TcpListener;
    type TcpStream = TcpStream;
    type UdpSocket = UdpSocket;
    #[cfg(unix)]
    type UnixListener = UnixListener;
    #[cfg(unix)]
    type UnixStream = UnixStream;
    #[cfg(unix)]
    type UnixDatagram = UnixDatagram;

    fn bind_tcp(&self, addr: SocketAddr) -> io::Result<TcpListener> {
        core_net::TcpListener::from_std(core_net::std_tcp_listener(
            addr,
            core_net::DEFAULT_BACKLOG,
        )?)
    }

    async fn connect_tcp(&self, addr: SocketAddr) -> io::Result<TcpStream> {
        tokio::net::TcpStream::connect(addr).await.map(TcpStream)
    }

    async fn connect_tcp_socket(
        &self,
        socket: std::net::TcpStream,
        addr: SocketAddr,
    ) -> io::Result<TcpStream> {
        // tokio's `TcpSocket` expects a non-blocking socket.
        socket.set_nonblocking(true)?;
        tokio::net::TcpSocket::from_std_stream(socket)
            .connect(addr)
            .await
            .map(TcpStream)
    }

    fn bind_udp(&self, addr: SocketAddr) -> io::Result<UdpSocket> {
        core_net::UdpSocket::from_std(std::net::UdpSocket::bind(addr)?)
    }

    #[cfg(unix)]
    fn bind_unix(&self, path: &Path) -> io::Result<UnixListener> {
        tokio::net::UnixListener::bind(path).map(UnixListener::from)
    }

    #[cfg(unix)]
    async fn connect_unix(&self, path: &Path) -> io::Result<UnixStream> {
        tokio::net::UnixStream::connect(path)
            .await
            .map(UnixStream::from)
    }

    #[cfg(unix)]
    fn bind_unix_datagram(&self, path: &Path) -> io::Result<UnixDatagram> {
        tokio::net::UnixDatagram::bind(path).map(UnixDatagram::from)
    }
}
