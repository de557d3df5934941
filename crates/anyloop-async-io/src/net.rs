//! TCP, UDP and Unix-domain sockets on async-io's reactor.
//!
//! Each type wraps [`Async`] around the `std` socket of the same name and
//! implements the trait of the same name in [`anyloop_core::net`], which
//! gives the methods (bring the traits into scope, e.g. through
//! `anyloop::rt::net`). The halves of a split stream share its `Async` in an
//! [`Arc`]. `get_ref`, `get_mut` and `into_inner` reach the `Async`.
//!
//! Where async-io's own behaviour differs from the meaning shared by every
//! anyloop backend, these types follow anyloop:
//!
//! - `close` (`poll_close`) shuts down the write side; `Async`'s only
//!   flushes.
//! - Dropping an owned write half shuts down the write side.
//! - `into_std` hands the socket back in blocking mode; `Async::into_inner`
//!   leaves it non-blocking.
//!
//! `poll_accept` keeps one waker per listener (async-io's `poll_readable`):
//! two tasks polling the same listener would keep waking each other. Tasks
//! that share a listener should await `accept`, which any number of tasks
//! may wait on at once.

use std::fmt;
use std::future::Future;
use std::io::{self, IoSlice, IoSliceMut};
use std::net::{Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use anyloop_core::net as core_net;
use async_io::Async;
use futures_io::{AsyncRead, AsyncWrite};

/// What the shared code needs of a `std` socket.
trait StdSocket {
    fn set_nonblocking(&self, nonblocking: bool) -> io::Result<()>;
}

/// What the shared code needs of a `std` byte stream.
trait StdStream: StdSocket {
    fn shutdown(&self, how: Shutdown) -> io::Result<()>;
}

macro_rules! std_socket {
    ($($ty:ty),* $(,)?) => {$(
        impl StdSocket for $ty {
            #[inline]
            fn set_nonblocking(&self, nonblocking: bool) -> io::Result<()> {
                <$ty>::set_nonblocking(self, nonblocking)
            }
        }
    )*};
}

macro_rules! std_stream {
    ($($ty:ty),* $(,)?) => {$(
        impl StdStream for $ty {
            #[inline]
            fn shutdown(&self, how: Shutdown) -> io::Result<()> {
                <$ty>::shutdown(self, how)
            }
        }
    )*};
}

std_socket!(
    std::net::TcpListener,
    std::net::TcpStream,
    std::net::UdpSocket
);
std_stream!(std::net::TcpStream);

/// `Async::into_inner`, then back to blocking mode: async-io leaves the
/// socket non-blocking, the traits promise a blocking one.
fn into_blocking<T: StdSocket>(io: Async<T>) -> io::Result<T> {
    let io = io.into_inner()?;
    io.set_nonblocking(false)?;
    Ok(io)
}

/// Runs the non-blocking `op` until it does anything but `WouldBlock`,
/// waiting for readability in between.
///
/// Cancel safe: `op` takes nothing from the socket unless it succeeds, and
/// then its result is returned at once.
///
/// [`poll_stream_read`] with nowhere to keep the wait between calls (a
/// listener's accept takes `&self`): the tick of a wake-up is not spent, so
/// an accept after a wait may make one failing call more.
#[inline]
fn poll_read_with<T, R>(
    io: &Async<T>,
    cx: &mut Context<'_>,
    op: impl FnMut(&T) -> io::Result<R>,
) -> Poll<io::Result<R>> {
    poll_stream_read(io, &mut Waited::default(), cx, op)
}

/// Whether a stream's last read waited for readiness, so that async-io
/// still holds the tick of the wake-up that ended the wait.
///
/// async-io's `poll_readable` keeps that tick until it is next called, and
/// then answers `Ready` at once, for a readiness that the read after the
/// wake-up already used. A stream read through async-io's own `AsyncRead`
/// therefore makes a second, failing system call at the start of every
/// wait after the first (`recv` says `EAGAIN`, the tick says ready, `recv`
/// says `EAGAIN` again, then it registers). The read that succeeds after a
/// wait spends the tick at once instead, with no system call.
#[derive(Debug, Default, Clone, Copy)]
struct Waited(bool);

/// A stream's `poll_read`: `op` until it does anything but `WouldBlock`,
/// waiting for readability in between, and the tick of a wake-up spent by
/// the read that follows it (see [`Waited`]). Cancel safe, as
/// [`poll_read_with`].
#[inline]
fn poll_stream_read<T, R>(
    io: &Async<T>,
    waited: &mut Waited,
    cx: &mut Context<'_>,
    mut op: impl FnMut(&T) -> io::Result<R>,
) -> Poll<io::Result<R>> {
    loop {
        match op(io.get_ref()) {
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => match io.poll_readable(cx) {
                Poll::Ready(ready) => ready?,
                Poll::Pending => {
                    waited.0 = true;
                    return Poll::Pending;
                }
            },
            res => {
                if std::mem::take(&mut waited.0) {
                    // `Ready` at once when the wake-up came from the
                    // reactor, which is what it spends; otherwise it
                    // registers the task, which at worst wakes it once
                    // more for nothing.
                    let _ = io.poll_readable(cx);
                }
                return Poll::Ready(res);
            }
        }
    }
}

/// Shuts down the write side. `NotConnected` (the connection is already
/// gone: macOS reports so once the peer has reset it, Linux once the
/// connection is closed) leaves nothing to shut down, so it counts as done.
fn shutdown_write<T: StdStream>(io: &T) -> io::Result<()> {
    match io.shutdown(Shutdown::Write) {
        Err(err) if err.kind() == io::ErrorKind::NotConnected => Ok(()),
        res => res,
    }
}

/// `get_ref`, `get_mut`, `into_inner`, `From` and `Debug` for a type that
/// owns its `Async`.
macro_rules! wrapper {
    ($($ty:ident => $std:ty $(; $rest:expr)?),* $(,)?) => {$(
        impl $ty {
            /// Returns a reference to the `Async` socket.
            #[inline]
            pub fn get_ref(&self) -> &Async<$std> {
                &self.0
            }

            /// Returns a mutable reference to the `Async` socket.
            #[inline]
            pub fn get_mut(&mut self) -> &mut Async<$std> {
                &mut self.0
            }

            /// Returns the `Async` socket.
            #[inline]
            pub fn into_inner(self) -> Async<$std> {
                self.0
            }
        }

        impl From<Async<$std>> for $ty {
            #[inline]
            fn from(io: Async<$std>) -> Self {
                $ty(io $(, $rest)?)
            }
        }

        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(self.0.get_ref(), f)
            }
        }
    )*};
}

/// The futures-io traits of a byte stream and of its owned halves, the
/// halves' accessors and `Debug`, and the write half's shutdown on drop.
macro_rules! byte_stream {
    ($stream:ident, $read:ident, $write:ident, $std:ty) => {
        impl AsyncRead for $stream {
            #[inline]
            fn poll_read(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: &mut [u8],
            ) -> Poll<io::Result<usize>> {
                let this = self.get_mut();
                poll_stream_read(&this.0, &mut this.1, cx, |mut io| {
                    io::Read::read(&mut io, buf)
                })
            }

            #[inline]
            fn poll_read_vectored(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                bufs: &mut [IoSliceMut<'_>],
            ) -> Poll<io::Result<usize>> {
                let this = self.get_mut();
                poll_stream_read(&this.0, &mut this.1, cx, |mut io| {
                    io::Read::read_vectored(&mut io, bufs)
                })
            }
        }

        impl AsyncWrite for $stream {
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

            /// Shuts down the write side (`Async`'s own `poll_close` only
            /// flushes).
            fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
                Poll::Ready(shutdown_write(self.0.get_ref()))
            }
        }

        impl $stream {
            fn split(self) -> ($read, $write) {
                let io = Arc::new(self.0);
                ($read(io.clone(), self.1), $write(io))
            }
        }

        impl $read {
            /// Returns a reference to the `Async` socket, shared with the
            /// write half.
            #[inline]
            pub fn get_ref(&self) -> &Async<$std> {
                &self.0
            }
        }

        impl AsyncRead for $read {
            #[inline]
            fn poll_read(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: &mut [u8],
            ) -> Poll<io::Result<usize>> {
                let this = self.get_mut();
                poll_stream_read(&this.0, &mut this.1, cx, |mut io| {
                    io::Read::read(&mut io, buf)
                })
            }

            #[inline]
            fn poll_read_vectored(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                bufs: &mut [IoSliceMut<'_>],
            ) -> Poll<io::Result<usize>> {
                let this = self.get_mut();
                poll_stream_read(&this.0, &mut this.1, cx, |mut io| {
                    io::Read::read_vectored(&mut io, bufs)
                })
            }
        }

        impl fmt::Debug for $read {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_tuple(stringify!($read))
                    .field(self.0.get_ref())
                    .finish()
            }
        }

        impl $write {
            /// Returns a reference to the `Async` socket, shared with the
            /// read half.
            #[inline]
            pub fn get_ref(&self) -> &Async<$std> {
                &self.0
            }
        }

        impl AsyncWrite for $write {
            #[inline]
            fn poll_write(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: &[u8],
            ) -> Poll<io::Result<usize>> {
                Pin::new(&mut &*self.0).poll_write(cx, buf)
            }

            #[inline]
            fn poll_write_vectored(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                bufs: &[IoSlice<'_>],
            ) -> Poll<io::Result<usize>> {
                Pin::new(&mut &*self.0).poll_write_vectored(cx, bufs)
            }

            #[inline]
            fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                Pin::new(&mut &*self.0).poll_flush(cx)
            }

            /// Shuts down the write side; the read half can still read.
            fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
                Poll::Ready(shutdown_write(self.0.get_ref()))
            }
        }

        impl Drop for $write {
            /// Shuts down the write side, so the peer reads the end of the
            /// stream even while the read half lives on.
            fn drop(&mut self) {
                let _ = shutdown_write(self.0.get_ref());
            }
        }

        impl fmt::Debug for $write {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_tuple(stringify!($write))
                    .field(self.0.get_ref())
                    .finish()
            }
        }
    };
}

/// A TCP listener on async-io's reactor.
///
/// Made by [`bind`](TcpListener::bind) or
/// [`from_std`](core_net::TcpListener::from_std); its other methods are
/// those of [`anyloop_core::net::TcpListener`].
pub struct TcpListener(Async<std::net::TcpListener>);

/// A TCP connection on async-io's reactor: a byte stream (futures-io
/// [`AsyncRead`] + [`AsyncWrite`]).
///
/// Made by [`connect`](TcpStream::connect), an accept, or
/// [`from_std`](core_net::TcpStream::from_std); its other methods are those
/// of [`anyloop_core::net::TcpStream`].
pub struct TcpStream(Async<std::net::TcpStream>, Waited);

/// The read half of a [`TcpStream`], made by
/// [`into_split`](core_net::TcpStream::into_split).
pub struct OwnedReadHalf(Arc<Async<std::net::TcpStream>>, Waited);

/// The write half of a [`TcpStream`], made by
/// [`into_split`](core_net::TcpStream::into_split). Dropping it shuts down
/// the write side.
pub struct OwnedWriteHalf(Arc<Async<std::net::TcpStream>>);

/// A UDP socket on async-io's reactor.
///
/// Made by [`bind`](UdpSocket::bind) or
/// [`from_std`](core_net::UdpSocket::from_std); its other methods are those
/// of [`anyloop_core::net::UdpSocket`]. Any number of tasks may send and
/// receive at once.
pub struct UdpSocket(Async<std::net::UdpSocket>);

wrapper! {
    TcpListener => std::net::TcpListener,
    TcpStream => std::net::TcpStream; Waited(false),
    UdpSocket => std::net::UdpSocket,
}
byte_stream!(
    TcpStream,
    OwnedReadHalf,
    OwnedWriteHalf,
    std::net::TcpStream
);

impl TcpListener {
    /// Binds a listener to `addr` (port 0: any free port).
    ///
    /// # Errors
    ///
    /// The error of the bind, such as `AddrInUse`.
    pub fn bind(addr: SocketAddr) -> io::Result<TcpListener> {
        // With tokio's backlog, not `std`'s (which `Async::bind` takes).
        let listener = core_net::std_tcp_listener(addr, core_net::DEFAULT_BACKLOG)?;
        Async::new(listener).map(TcpListener)
    }
}

impl TcpStream {
    /// Connects to `addr`.
    ///
    /// # Errors
    ///
    /// The error of the connection, such as `ConnectionRefused`.
    pub async fn connect(addr: SocketAddr) -> io::Result<TcpStream> {
        Async::<std::net::TcpStream>::connect(addr)
            .await
            .map(TcpStream::from)
    }

    /// Connects `socket`, a TCP socket that is not connected yet (set up
    /// with socket2, perhaps bound), to `addr`.
    ///
    /// # Errors
    ///
    /// The error of the connection, such as `ConnectionRefused`.
    pub async fn connect_socket(
        socket: std::net::TcpStream,
        addr: SocketAddr,
    ) -> io::Result<TcpStream> {
        let stream = Async::new(socket)?;
        match socket2::SockRef::from(stream.get_ref()).connect(&addr.into()) {
            Ok(()) => {}
            #[cfg(unix)]
            Err(err) if err.raw_os_error() == Some(libc::EINPROGRESS) => {}
            // Windows says a connect is under way so.
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => {}
            Err(err) => return Err(err),
        }
        // Writable once connected, or once the connect failed.
        stream.writable().await?;
        if let Some(err) = stream.get_ref().take_error()? {
            return Err(err);
        }
        // Linux may report writable without an error for a failed connect
        // (async-io checks the same way).
        stream.get_ref().peer_addr()?;
        Ok(TcpStream::from(stream))
    }
}

impl UdpSocket {
    /// Binds a socket to `addr` (port 0: any free port).
    ///
    /// # Errors
    ///
    /// The error of the bind, such as `AddrInUse`.
    pub fn bind(addr: SocketAddr) -> io::Result<UdpSocket> {
        Async::<std::net::UdpSocket>::bind(addr).map(UdpSocket)
    }
}

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
        let (stream, addr) = ready!(poll_read_with(&self.0, cx, std::net::TcpListener::accept))?;
        Poll::Ready(Ok((TcpStream::from(Async::new(stream)?), addr)))
    }

    /// Waits with async-io's `read_with`, which any number of tasks may
    /// wait on at once (`poll_accept` keeps one waker).
    async fn accept(&self) -> io::Result<(TcpStream, SocketAddr)> {
        let (stream, addr) = self.0.read_with(std::net::TcpListener::accept).await?;
        Ok((TcpStream::from(Async::new(stream)?), addr))
    }
}

impl core_net::TcpStream for TcpStream {
    type OwnedReadHalf = OwnedReadHalf;
    type OwnedWriteHalf = OwnedWriteHalf;

    fn from_std(stream: std::net::TcpStream) -> io::Result<Self> {
        Async::new(stream).map(TcpStream::from)
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

    fn peek(&self, buf: &mut [u8]) -> impl Future<Output = io::Result<usize>> + Send {
        self.0.peek(buf)
    }

    fn into_split(self) -> (OwnedReadHalf, OwnedWriteHalf) {
        self.split()
    }
}

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
pub use self::unix::*;

#[cfg(unix)]
mod unix {
    use std::os::unix::net::SocketAddr;
    use std::path::Path;

    use super::*;

    std_socket!(
        std::os::unix::net::UnixListener,
        std::os::unix::net::UnixStream,
        std::os::unix::net::UnixDatagram,
    );
    std_stream!(std::os::unix::net::UnixStream);

    /// A Unix-domain stream listener on async-io's reactor.
    ///
    /// Made by [`bind`](UnixListener::bind) or
    /// [`from_std`](core_net::UnixListener::from_std); its other methods are
    /// those of [`anyloop_core::net::UnixListener`].
    pub struct UnixListener(Async<std::os::unix::net::UnixListener>);

    /// A Unix-domain stream connection on async-io's reactor: a byte stream
    /// (futures-io [`AsyncRead`] + [`AsyncWrite`]).
    ///
    /// Made by [`connect`](UnixStream::connect),
    /// [`pair`](core_net::UnixStream::pair), an accept, or
    /// [`from_std`](core_net::UnixStream::from_std); its other methods are
    /// those of [`anyloop_core::net::UnixStream`].
    pub struct UnixStream(Async<std::os::unix::net::UnixStream>, Waited);

    /// The read half of a [`UnixStream`], made by
    /// [`into_split`](core_net::UnixStream::into_split).
    pub struct UnixOwnedReadHalf(Arc<Async<std::os::unix::net::UnixStream>>, Waited);

    /// The write half of a [`UnixStream`], made by
    /// [`into_split`](core_net::UnixStream::into_split). Dropping it shuts
    /// down the write side.
    pub struct UnixOwnedWriteHalf(Arc<Async<std::os::unix::net::UnixStream>>);

    /// A Unix-domain datagram socket on async-io's reactor.
    ///
    /// Made by [`bind`](UnixDatagram::bind),
    /// [`unbound`](core_net::UnixDatagram::unbound),
    /// [`pair`](core_net::UnixDatagram::pair) or
    /// [`from_std`](core_net::UnixDatagram::from_std); its other methods are
    /// those of [`anyloop_core::net::UnixDatagram`].
    pub struct UnixDatagram(Async<std::os::unix::net::UnixDatagram>);

    wrapper! {
        UnixListener => std::os::unix::net::UnixListener,
        UnixStream => std::os::unix::net::UnixStream; Waited(false),
        UnixDatagram => std::os::unix::net::UnixDatagram,
    }
    byte_stream!(
        UnixStream,
        UnixOwnedReadHalf,
        UnixOwnedWriteHalf,
        std::os::unix::net::UnixStream
    );

    impl UnixListener {
        /// Binds a listener to the file `path`, which must not exist yet.
        ///
        /// # Errors
        ///
        /// The error of the bind, such as `AddrInUse` if `path` exists.
        pub fn bind(path: &Path) -> io::Result<UnixListener> {
            Async::<std::os::unix::net::UnixListener>::bind(path).map(UnixListener)
        }
    }

    impl UnixStream {
        /// Connects to the listener at `path`.
        ///
        /// # Errors
        ///
        /// The error of the connection: `NotFound` if nothing is at `path`,
        /// `ConnectionRefused` if no listener is, `WouldBlock` if the
        /// listener's backlog is full (as tokio says; async-io's own
        /// `connect` waits, then reports `NotConnected`).
        pub async fn connect(path: &Path) -> io::Result<UnixStream> {
            let socket = socket2::Socket::new(socket2::Domain::UNIX, socket2::Type::STREAM, None)?;
            socket.set_nonblocking(true)?;
            // On Linux a non-blocking Unix-domain connect is done at once or
            // not at all: with a full backlog it is `WouldBlock` (`EAGAIN`),
            // given back as it is. Where it may be under way instead
            // (`EINPROGRESS`), wait for it as for TCP.
            let in_progress = match socket.connect(&socket2::SockAddr::unix(path)?) {
                Ok(()) => false,
                Err(err) if err.raw_os_error() == Some(libc::EINPROGRESS) => true,
                Err(err) => return Err(err),
            };
            let stream = Async::new(std::os::unix::net::UnixStream::from(socket))?;
            if in_progress {
                stream.writable().await?;
                if let Some(err) = stream.get_ref().take_error()? {
                    return Err(err);
                }
                stream.get_ref().peer_addr()?;
            }
            Ok(UnixStream::from(stream))
        }
    }

    impl UnixDatagram {
        /// Binds a socket to the file `path`, which must not exist yet.
        ///
        /// # Errors
        ///
        /// The error of the bind, such as `AddrInUse` if `path` exists.
        pub fn bind(path: &Path) -> io::Result<UnixDatagram> {
            Async::<std::os::unix::net::UnixDatagram>::bind(path).map(UnixDatagram)
        }
    }

    impl core_net::UnixListener for UnixListener {
        type Stream = UnixStream;

        fn from_std(listener: std::os::unix::net::UnixListener) -> io::Result<Self> {
            Async::new(listener).map(UnixListener)
        }

        fn into_std(self) -> io::Result<std::os::unix::net::UnixListener> {
            into_blocking(self.0)
        }

        fn local_addr(&self) -> io::Result<SocketAddr> {
            self.0.get_ref().local_addr()
        }

        fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(UnixStream, SocketAddr)>> {
            let (stream, addr) = ready!(poll_read_with(
                &self.0,
                cx,
                std::os::unix::net::UnixListener::accept
            ))?;
            Poll::Ready(Ok((UnixStream::from(Async::new(stream)?), addr)))
        }

        /// Waits with async-io's `read_with`, which any number of tasks may
        /// wait on at once (`poll_accept` keeps one waker).
        async fn accept(&self) -> io::Result<(UnixStream, SocketAddr)> {
            let (stream, addr) = self
                .0
                .read_with(std::os::unix::net::UnixListener::accept)
                .await?;
            Ok((UnixStream::from(Async::new(stream)?), addr))
        }
    }

    impl core_net::UnixStream for UnixStream {
        type OwnedReadHalf = UnixOwnedReadHalf;
        type OwnedWriteHalf = UnixOwnedWriteHalf;

        fn from_std(stream: std::os::unix::net::UnixStream) -> io::Result<Self> {
            Async::new(stream).map(UnixStream::from)
        }

        fn into_std(self) -> io::Result<std::os::unix::net::UnixStream> {
            into_blocking(self.0)
        }

        fn pair() -> io::Result<(Self, Self)> {
            let (a, b) = Async::<std::os::unix::net::UnixStream>::pair()?;
            Ok((UnixStream::from(a), UnixStream::from(b)))
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

        fn into_split(self) -> (UnixOwnedReadHalf, UnixOwnedWriteHalf) {
            self.split()
        }
    }

    impl core_net::UnixDatagram for UnixDatagram {
        fn from_std(socket: std::os::unix::net::UnixDatagram) -> io::Result<Self> {
            Async::new(socket).map(UnixDatagram)
        }

        fn into_std(self) -> io::Result<std::os::unix::net::UnixDatagram> {
            into_blocking(self.0)
        }

        fn unbound() -> io::Result<Self> {
            Async::<std::os::unix::net::UnixDatagram>::unbound().map(UnixDatagram)
        }

        fn pair() -> io::Result<(Self, Self)> {
            let (a, b) = Async::<std::os::unix::net::UnixDatagram>::pair()?;
            Ok((UnixDatagram(a), UnixDatagram(b)))
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

        fn recv_from(
            &self,
            buf: &mut [u8],
        ) -> impl Future<Output = io::Result<(usize, SocketAddr)>> + Send {
            self.0.recv_from(buf)
        }

        fn shutdown(&self, how: Shutdown) -> io::Result<()> {
            self.0.get_ref().shutdown(how)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::io::{Read, Write};

    use super::*;

    /// Polls `poll_stream_read` once with a counting read, returning what it
    /// gave and how many reads it made.
    fn poll_counted(
        io: &Async<std::net::TcpStream>,
        waited: &mut Waited,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> (Poll<io::Result<usize>>, usize) {
        let reads = Cell::new(0);
        let polled = poll_stream_read(io, waited, cx, |mut stream| {
            reads.set(reads.get() + 1);
            stream.read(buf)
        });
        (polled, reads.get())
    }

    #[test]
    fn a_wait_after_a_woken_read_costs_one_failing_read_not_two() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let mut peer = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let io = Async::new(listener.accept().unwrap().0).unwrap();
        let (go, wait_for_go) = std::sync::mpsc::channel::<()>();
        // Writes a ping each time it is told to, once the reader waits.
        let writer = std::thread::spawn(move || {
            while wait_for_go.recv().is_ok() {
                peer.write_all(b"ping").unwrap();
            }
        });
        async_io::block_on(async {
            let mut waited = Waited::default();
            let mut buf = [0u8; 4];
            for round in 0..3 {
                // Nothing to read: one read, then the wait. (Without the
                // tick spent, every round after the first makes two.)
                let (polled, reads) = futures_lite::future::poll_fn(|cx| {
                    Poll::Ready(poll_counted(&io, &mut waited, cx, &mut buf))
                })
                .await;
                assert!(polled.is_pending(), "round {round}: {polled:?}");
                assert_eq!(reads, 1, "round {round}: reads before the wait");
                // The peer writes; the reactor sees it and wakes the read.
                go.send(()).unwrap();
                let read = futures_lite::future::poll_fn(|cx| {
                    poll_stream_read(&io, &mut waited, cx, |mut stream| stream.read(&mut buf))
                });
                let lost = async {
                    async_io::Timer::after(std::time::Duration::from_secs(10)).await;
                    panic!("round {round}: the wake-up was lost");
                };
                let got = futures_lite::future::or(read, lost).await.unwrap();
                assert_eq!((got, &buf), (4, b"ping"), "round {round}");
            }
        });
        drop(go);
        writer.join().unwrap();
    }
}
