//! The sockets of [`Pool`]: `async_io::Async<T>` over the `std` sockets,
//! implementing the traits of [`anyloop_core::net`].
//!
//! # Examples
//!
//! ```
//! use anyloop_core::net::{Net, TcpListener as _};
//! use anyloop_core::{BlockOn, Spawn};
//! use futures_lite::{AsyncReadExt, AsyncWriteExt};
//!
//! let runtime = anyloop_pool::Runtime::new(1)?;
//! let pool = runtime.handle();
//! let reply = runtime.block_on(async move {
//!     let listener = pool.bind_tcp("127.0.0.1:0".parse().unwrap())?;
//!     let addr = listener.local_addr()?;
//!     let server = pool.spawn(async move {
//!         let (mut stream, _) = listener.accept().await?;
//!         stream.write_all(b"hi").await
//!     });
//!     let mut client = pool.connect_tcp(addr).await?;
//!     let mut reply = Vec::new();
//!     client.read_to_end(&mut reply).await?;
//!     server.await??;
//!     std::io::Result::Ok(reply)
//! })?;
//! assert_eq!(reply, b"hi");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::io::{self, IoSlice, IoSliceMut};
use std::net::{Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr};
#[cfg(unix)]
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use anyloop_core::net::{self as core_net, DEFAULT_BACKLOG, Net};
use async_io::Async;
use futures_io::{AsyncRead, AsyncWrite};

use crate::Pool;

/// Waits for a non-blocking connect of `socket` (made and set up by the
/// caller) to `addr`: the part of a connect that needs the reactor.
async fn connect_socket(
    socket: socket2::Socket,
    addr: &socket2::SockAddr,
) -> io::Result<Async<socket2::Socket>> {
    socket.set_nonblocking(true)?;
    match socket.connect(addr) {
        Ok(()) => {}
        Err(err) if err.raw_os_error() == Some(libc::EINPROGRESS) => {}
        // A full Unix backlog (EAGAIN) is an error at once, as on tokio.
        Err(err) => return Err(err),
    }
    let socket = Async::new_nonblocking(socket)?;
    socket.writable().await?;
    if let Some(err) = socket.get_ref().take_error()? {
        return Err(err);
    }
    // Still not connected (a spurious wake-up): the peer's error, if any.
    socket.get_ref().peer_addr()?;
    Ok(socket)
}

/// Returns the `std` socket of an `Async`, in blocking mode.
fn into_blocking<T: std::os::fd::AsFd>(io: Async<T>) -> io::Result<T> {
    let io = io.into_inner()?;
    socket2::SockRef::from(&io).set_nonblocking(false)?;
    Ok(io)
}

/// The byte-stream impls of a stream type `$stream` over `Async<$std>` and
/// of its split halves (`Arc<Async<$std>>`); dropping the write half shuts
/// down the write side.
macro_rules! byte_stream {
    ($stream:ident, $read:ident, $write:ident, $std:ty) => {
        impl AsyncRead for $stream {
            fn poll_read(
                mut self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: &mut [u8],
            ) -> Poll<io::Result<usize>> {
                Pin::new(&mut self.0).poll_read(cx, buf)
            }

            fn poll_read_vectored(
                mut self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                bufs: &mut [IoSliceMut<'_>],
            ) -> Poll<io::Result<usize>> {
                Pin::new(&mut self.0).poll_read_vectored(cx, bufs)
            }
        }

        impl AsyncWrite for $stream {
            fn poll_write(
                mut self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: &[u8],
            ) -> Poll<io::Result<usize>> {
                Pin::new(&mut self.0).poll_write(cx, buf)
            }

            fn poll_write_vectored(
                mut self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                bufs: &[IoSlice<'_>],
            ) -> Poll<io::Result<usize>> {
                Pin::new(&mut self.0).poll_write_vectored(cx, bufs)
            }

            fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                Pin::new(&mut self.0).poll_flush(cx)
            }

            fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
                Poll::Ready(self.0.get_ref().shutdown(Shutdown::Write))
            }
        }

        /// The read half of a split stream.
        #[derive(Debug)]
        pub struct $read(Arc<Async<$std>>);

        /// The write half of a split stream; dropping it shuts down the
        /// write side.
        #[derive(Debug)]
        pub struct $write(Arc<Async<$std>>);

        impl AsyncRead for $read {
            fn poll_read(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: &mut [u8],
            ) -> Poll<io::Result<usize>> {
                Pin::new(&mut &*self.0).poll_read(cx, buf)
            }
        }

        impl AsyncWrite for $write {
            fn poll_write(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: &[u8],
            ) -> Poll<io::Result<usize>> {
                Pin::new(&mut &*self.0).poll_write(cx, buf)
            }

            fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                Pin::new(&mut &*self.0).poll_flush(cx)
            }

            fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
                Poll::Ready(self.0.get_ref().shutdown(Shutdown::Write))
            }
        }

        impl Drop for $write {
            fn drop(&mut self) {
                let _ = self.0.get_ref().shutdown(Shutdown::Write);
            }
        }

        impl $stream {
            fn split(self) -> ($read, $write) {
                let shared = Arc::new(self.0);
                ($read(shared.clone()), $write(shared))
            }
        }
    };
}

/// A TCP listener.
#[derive(Debug)]
pub struct TcpListener(Async<std::net::TcpListener>);

/// A TCP connection.
#[derive(Debug)]
pub struct TcpStream(Async<std::net::TcpStream>);

byte_stream!(TcpStream, TcpReadHalf, TcpWriteHalf, std::net::TcpStream);

impl core_net::TcpListener for TcpListener {
    type Stream = TcpStream;

    fn from_std(listener: std::net::TcpListener) -> io::Result<Self> {
        Async::new(listener).map(TcpListener)
    }

    fn into_std(self) -> io::Result<std::net::TcpListener> {
        into_blocking(self.0)
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.get_ref().local_addr()
    }

    fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(TcpStream, SocketAddr)>> {
        loop {
            match self.0.get_ref().accept() {
                Ok((stream, addr)) => {
                    return Poll::Ready(Ok((TcpStream(Async::new(stream)?), addr)));
                }
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                    ready!(self.0.poll_readable(cx))?;
                }
                Err(err) => return Poll::Ready(Err(err)),
            }
        }
    }

    // async-io's `accept` lets any number of tasks wait on one listener.
    async fn accept(&self) -> io::Result<(TcpStream, SocketAddr)> {
        let (stream, addr) = self.0.accept().await?;
        Ok((TcpStream(stream), addr))
    }
}

impl core_net::TcpStream for TcpStream {
    type OwnedReadHalf = TcpReadHalf;
    type OwnedWriteHalf = TcpWriteHalf;

    fn from_std(stream: std::net::TcpStream) -> io::Result<Self> {
        Async::new(stream).map(TcpStream)
    }

    fn into_std(self) -> io::Result<std::net::TcpStream> {
        into_blocking(self.0)
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.get_ref().local_addr()
    }

    fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.0.get_ref().peer_addr()
    }

    fn nodelay(&self) -> io::Result<bool> {
        self.0.get_ref().nodelay()
    }

    fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.0.get_ref().set_nodelay(nodelay)
    }

    fn ttl(&self) -> io::Result<u32> {
        self.0.get_ref().ttl()
    }

    fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.0.get_ref().set_ttl(ttl)
    }

    fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.0.get_ref().shutdown(how)
    }

    async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.peek(buf).await
    }

    fn into_split(self) -> (TcpReadHalf, TcpWriteHalf) {
        self.split()
    }
}

/// A UDP socket.
#[derive(Debug)]
pub struct UdpSocket(Async<std::net::UdpSocket>);

impl core_net::UdpSocket for UdpSocket {
    fn from_std(socket: std::net::UdpSocket) -> io::Result<Self> {
        Async::new(socket).map(UdpSocket)
    }

    fn into_std(self) -> io::Result<std::net::UdpSocket> {
        into_blocking(self.0)
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.get_ref().local_addr()
    }

    fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.0.get_ref().peer_addr()
    }

    fn connect(&self, addr: SocketAddr) -> io::Result<()> {
        self.0.get_ref().connect(addr)
    }

    async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        self.0.send(buf).await
    }

    async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.recv(buf).await
    }

    async fn send_to(&self, buf: &[u8], target: SocketAddr) -> io::Result<usize> {
        self.0.send_to(buf, target).await
    }

    async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.0.recv_from(buf).await
    }

    async fn peek_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.0.peek_from(buf).await
    }

    fn broadcast(&self) -> io::Result<bool> {
        self.0.get_ref().broadcast()
    }

    fn set_broadcast(&self, on: bool) -> io::Result<()> {
        self.0.get_ref().set_broadcast(on)
    }

    fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.0.get_ref().set_ttl(ttl)
    }

    fn ttl(&self) -> io::Result<u32> {
        self.0.get_ref().ttl()
    }

    fn join_multicast_v4(&self, group: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()> {
        self.0.get_ref().join_multicast_v4(&group, &interface)
    }

    fn leave_multicast_v4(&self, group: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()> {
        self.0.get_ref().leave_multicast_v4(&group, &interface)
    }

    fn join_multicast_v6(&self, group: &Ipv6Addr, interface: u32) -> io::Result<()> {
        self.0.get_ref().join_multicast_v6(group, interface)
    }

    fn leave_multicast_v6(&self, group: &Ipv6Addr, interface: u32) -> io::Result<()> {
        self.0.get_ref().leave_multicast_v6(group, interface)
    }

    fn multicast_loop_v4(&self) -> io::Result<bool> {
        self.0.get_ref().multicast_loop_v4()
    }

    fn set_multicast_loop_v4(&self, on: bool) -> io::Result<()> {
        self.0.get_ref().set_multicast_loop_v4(on)
    }
}

#[cfg(unix)]
pub use unix::{UnixDatagram, UnixListener, UnixReadHalf, UnixStream, UnixWriteHalf};

#[cfg(unix)]
mod unix {
    use std::os::unix::net::{self as std_unix, SocketAddr};

    use super::*;

    /// A Unix-domain stream listener.
    #[derive(Debug)]
    pub struct UnixListener(pub(super) Async<std_unix::UnixListener>);

    /// A Unix-domain stream connection.
    #[derive(Debug)]
    pub struct UnixStream(pub(super) Async<std_unix::UnixStream>);

    byte_stream!(
        UnixStream,
        UnixReadHalf,
        UnixWriteHalf,
        std_unix::UnixStream
    );

    /// A Unix-domain datagram socket.
    #[derive(Debug)]
    pub struct UnixDatagram(pub(super) Async<std_unix::UnixDatagram>);

    impl core_net::UnixListener for UnixListener {
        type Stream = UnixStream;

        fn from_std(listener: std_unix::UnixListener) -> io::Result<Self> {
            Async::new(listener).map(UnixListener)
        }

        fn into_std(self) -> io::Result<std_unix::UnixListener> {
            into_blocking(self.0)
        }

        fn local_addr(&self) -> io::Result<SocketAddr> {
            self.0.get_ref().local_addr()
        }

        fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(UnixStream, SocketAddr)>> {
            loop {
                match self.0.get_ref().accept() {
                    Ok((stream, addr)) => {
                        return Poll::Ready(Ok((UnixStream(Async::new(stream)?), addr)));
                    }
                    Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                        ready!(self.0.poll_readable(cx))?;
                    }
                    Err(err) => return Poll::Ready(Err(err)),
                }
            }
        }

        async fn accept(&self) -> io::Result<(UnixStream, SocketAddr)> {
            let (stream, addr) = self.0.accept().await?;
            Ok((UnixStream(stream), addr))
        }
    }

    impl core_net::UnixStream for UnixStream {
        type OwnedReadHalf = UnixReadHalf;
        type OwnedWriteHalf = UnixWriteHalf;

        fn from_std(stream: std_unix::UnixStream) -> io::Result<Self> {
            Async::new(stream).map(UnixStream)
        }

        fn into_std(self) -> io::Result<std_unix::UnixStream> {
            into_blocking(self.0)
        }

        fn pair() -> io::Result<(Self, Self)> {
            let (a, b) = std_unix::UnixStream::pair()?;
            Ok((UnixStream(Async::new(a)?), UnixStream(Async::new(b)?)))
        }

        fn local_addr(&self) -> io::Result<SocketAddr> {
            self.0.get_ref().local_addr()
        }

        fn peer_addr(&self) -> io::Result<SocketAddr> {
            self.0.get_ref().peer_addr()
        }

        fn shutdown(&self, how: Shutdown) -> io::Result<()> {
            self.0.get_ref().shutdown(how)
        }

        fn into_split(self) -> (UnixReadHalf, UnixWriteHalf) {
            self.split()
        }
    }

    impl core_net::UnixDatagram for UnixDatagram {
        fn from_std(socket: std_unix::UnixDatagram) -> io::Result<Self> {
            Async::new(socket).map(UnixDatagram)
        }

        fn into_std(self) -> io::Result<std_unix::UnixDatagram> {
            into_blocking(self.0)
        }

        fn unbound() -> io::Result<Self> {
            Async::new(std_unix::UnixDatagram::unbound()?).map(UnixDatagram)
        }

        fn pair() -> io::Result<(Self, Self)> {
            let (a, b) = std_unix::UnixDatagram::pair()?;
            Ok((UnixDatagram(Async::new(a)?), UnixDatagram(Async::new(b)?)))
        }

        fn connect(&self, path: &Path) -> io::Result<()> {
            self.0.get_ref().connect(path)
        }

        fn local_addr(&self) -> io::Result<SocketAddr> {
            self.0.get_ref().local_addr()
        }

        fn peer_addr(&self) -> io::Result<SocketAddr> {
            self.0.get_ref().peer_addr()
        }

        async fn send(&self, buf: &[u8]) -> io::Result<usize> {
            self.0.send(buf).await
        }

        async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
            self.0.recv(buf).await
        }

        async fn send_to(&self, buf: &[u8], path: &Path) -> io::Result<usize> {
            self.0.send_to(buf, path).await
        }

        async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
            self.0.recv_from(buf).await
        }

        fn shutdown(&self, how: Shutdown) -> io::Result<()> {
            self.0.get_ref().shutdown(how)
        }
    }
}

impl Net for Pool {
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
        let listener = core_net::std_tcp_listener(addr, DEFAULT_BACKLOG)?;
        <TcpListener as core_net::TcpListener>::from_std(listener)
    }

    async fn connect_tcp(&self, addr: SocketAddr) -> io::Result<TcpStream> {
        let socket = socket2::Socket::new(
            socket2::Domain::for_address(addr),
            socket2::Type::STREAM,
            Some(socket2::Protocol::TCP),
        )?;
        self.connect_tcp_socket(socket.into(), addr).await
    }

    async fn connect_tcp_socket(
        &self,
        socket: std::net::TcpStream,
        addr: SocketAddr,
    ) -> io::Result<TcpStream> {
        let socket = connect_socket(socket.into(), &addr.into()).await?;
        let socket: socket2::Socket = socket.into_inner()?;
        Async::new_nonblocking(std::net::TcpStream::from(socket)).map(TcpStream)
    }

    fn bind_udp(&self, addr: SocketAddr) -> io::Result<UdpSocket> {
        <UdpSocket as core_net::UdpSocket>::from_std(std::net::UdpSocket::bind(addr)?)
    }

    #[cfg(unix)]
    fn bind_unix(&self, path: &Path) -> io::Result<UnixListener> {
        Async::<std::os::unix::net::UnixListener>::bind(path).map(UnixListener)
    }

    #[cfg(unix)]
    async fn connect_unix(&self, path: &Path) -> io::Result<UnixStream> {
        let socket = socket2::Socket::new(socket2::Domain::UNIX, socket2::Type::STREAM, None)?;
        let socket = connect_socket(socket, &socket2::SockAddr::unix(path)?).await?;
        let socket: socket2::Socket = socket.into_inner()?;
        Async::new_nonblocking(std::os::unix::net::UnixStream::from(socket)).map(UnixStream)
    }

    #[cfg(unix)]
    fn bind_unix_datagram(&self, path: &Path) -> io::Result<UnixDatagram> {
        Async::<std::os::unix::net::UnixDatagram>::bind(path).map(UnixDatagram)
    }
}
