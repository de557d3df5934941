//! Sockets: the traits that every backend's socket types implement.
//!
//! A backend's [`Net`] implementation names its socket types; each type
//! implements the trait of the same name below, with one meaning on every
//! backend:
//!
//! - I/O is `io::Result`, keeping the `ErrorKind` of the failure
//!   (`ConnectionRefused`, `AddrInUse`, `BrokenPipe`, ...); a read after the
//!   peer closed its side gives `Ok(0)`.
//! - Byte streams implement the `futures-io` traits
//!   [`AsyncRead`]/[`AsyncWrite`]; `poll_close` shuts down the write side.
//! - `accept` and reads are cancel safe: dropping the future loses no
//!   connection and no byte. Writes are not: a dropped write may have sent
//!   part of its buffer.
//! - Dropping an owned write half shuts down the write side, so the peer
//!   sees the end of the stream (tokio's rule, kept on every backend).
//!
//! A socket belongs to the runtime that created it. async-io's sockets (smol,
//! async-std) work from any thread; tokio's need the tokio runtime that
//! created them to be running.

use std::fmt::Debug;
use std::future::Future;
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr};
#[cfg(unix)]
use std::path::Path;
use std::task::{Context, Poll};

pub use futures_io::{AsyncRead, AsyncWrite};

/// The runtime's sockets: which types they are, and how to make them.
pub trait Net {
    /// A TCP listener.
    type TcpListener: TcpListener<Stream = Self::TcpStream>;
    /// A TCP connection.
    type TcpStream: TcpStream;
    /// A UDP socket.
    type UdpSocket: UdpSocket;
    /// A Unix-domain stream listener.
    #[cfg(unix)]
    type UnixListener: UnixListener<Stream = Self::UnixStream>;
    /// A Unix-domain stream connection.
    #[cfg(unix)]
    type UnixStream: UnixStream;
    /// A Unix-domain datagram socket.
    #[cfg(unix)]
    type UnixDatagram: UnixDatagram;

    /// Binds a TCP listener to `addr` (port 0: any free port).
    fn bind_tcp(&self, addr: SocketAddr) -> io::Result<Self::TcpListener>;

    /// Connects to `addr`.
    fn connect_tcp(
        &self,
        addr: SocketAddr,
    ) -> impl Future<Output = io::Result<Self::TcpStream>> + Send;

    /// Connects `socket`, a TCP socket that is not connected yet (made and
    /// set up with socket2, perhaps bound), to `addr`: what a `TcpSocket`'s
    /// `connect` needs of the runtime. The socket is made non-blocking here.
    fn connect_tcp_socket(
        &self,
        socket: std::net::TcpStream,
        addr: SocketAddr,
    ) -> impl Future<Output = io::Result<Self::TcpStream>> + Send;

    /// Binds a UDP socket to `addr`.
    fn bind_udp(&self, addr: SocketAddr) -> io::Result<Self::UdpSocket>;

    /// Binds a Unix-domain listener to the file `path`.
    #[cfg(unix)]
    fn bind_unix(&self, path: &Path) -> io::Result<Self::UnixListener>;

    /// Connects to the Unix-domain listener at `path`.
    #[cfg(unix)]
    fn connect_unix(
        &self,
        path: &Path,
    ) -> impl Future<Output = io::Result<Self::UnixStream>> + Send;

    /// Binds a Unix-domain datagram socket to the file `path`.
    #[cfg(unix)]
    fn bind_unix_datagram(&self, path: &Path) -> io::Result<Self::UnixDatagram>;
}

/// The backlog that every backend's [`Net::bind_tcp`] listens with: tokio's
/// default (`std` uses 128). The kernel caps it at its own maximum
/// (`net.core.somaxconn` on Linux).
pub const DEFAULT_BACKLOG: u32 = 1024;

/// A `std` listener bound to `addr` and listening with `backlog`, as `std`'s
/// `TcpListener::bind` makes it (`SO_REUSEADDR` on Unix, close-on-exec) but
/// for the backlog: what every backend's [`Net::bind_tcp`] wraps.
///
/// # Errors
///
/// The error of the socket, bind or listen call (`AddrInUse`, ...);
/// `InvalidInput` for a backlog above `i32::MAX`.
///
/// # Examples
///
/// ```
/// use anyloop_core::net::{DEFAULT_BACKLOG, std_tcp_listener};
///
/// let listener = std_tcp_listener("127.0.0.1:0".parse()?, DEFAULT_BACKLOG)?;
/// assert_ne!(listener.local_addr()?.port(), 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn std_tcp_listener(addr: SocketAddr, backlog: u32) -> io::Result<std::net::TcpListener> {
    let backlog = i32::try_from(backlog)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "a backlog above i32::MAX"))?;
    let socket = socket2::Socket::new(
        socket2::Domain::for_address(addr),
        socket2::Type::STREAM,
        Some(socket2::Protocol::TCP),
    )?;
    // As `std` and mio do: a restarted server can bind again at once.
    #[cfg(not(windows))]
    socket.set_reuse_address(true)?;
    socket.bind(&addr.into())?;
    socket.listen(backlog)?;
    Ok(socket.into())
}

/// A TCP listener.
pub trait TcpListener: Debug + Send + Sync + Sized + 'static {
    /// The connections it accepts.
    type Stream: TcpStream;

    /// Wraps a bound `std` listener (made non-blocking here).
    fn from_std(listener: std::net::TcpListener) -> io::Result<Self>;

    /// Returns the `std` listener, in blocking mode.
    fn into_std(self) -> io::Result<std::net::TcpListener>;

    /// The address it is bound to.
    fn local_addr(&self) -> io::Result<SocketAddr>;

    /// Polls for the next connection. The listener keeps the waker of the
    /// last caller only: one task at a time may poll it.
    fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(Self::Stream, SocketAddr)>>;

    /// Waits for the next connection. Cancel safe; any number of tasks may
    /// wait on one listener.
    fn accept(&self) -> impl Future<Output = io::Result<(Self::Stream, SocketAddr)>> + Send {
        std::future::poll_fn(move |cx| self.poll_accept(cx))
    }
}

/// A TCP connection: a byte stream.
pub trait TcpStream:
    AsyncRead + AsyncWrite + Debug + Send + Sync + Unpin + Sized + 'static
{
    /// The read half of [`into_split`](TcpStream::into_split).
    type OwnedReadHalf: AsyncRead + Debug + Send + Sync + Unpin + 'static;
    /// The write half of [`into_split`](TcpStream::into_split).
    type OwnedWriteHalf: AsyncWrite + Debug + Send + Sync + Unpin + 'static;

    /// Wraps a connected `std` stream (made non-blocking here).
    fn from_std(stream: std::net::TcpStream) -> io::Result<Self>;

    /// Returns the `std` stream, in blocking mode.
    fn into_std(self) -> io::Result<std::net::TcpStream>;

    /// The local address.
    fn local_addr(&self) -> io::Result<SocketAddr>;

    /// The peer's address.
    fn peer_addr(&self) -> io::Result<SocketAddr>;

    /// Whether Nagle's algorithm is off.
    fn nodelay(&self) -> io::Result<bool>;

    /// Turns Nagle's algorithm off (`true`) or on.
    fn set_nodelay(&self, nodelay: bool) -> io::Result<()>;

    /// The IP time-to-live.
    fn ttl(&self) -> io::Result<u32>;

    /// Sets the IP time-to-live.
    fn set_ttl(&self, ttl: u32) -> io::Result<()>;

    /// Shuts down the read side, the write side, or both.
    fn shutdown(&self, how: Shutdown) -> io::Result<()>;

    /// Reads without consuming: the next read returns the same bytes.
    fn peek(&self, buf: &mut [u8]) -> impl Future<Output = io::Result<usize>> + Send;

    /// Splits into halves that two tasks can own. Dropping the write half
    /// shuts down the write side.
    fn into_split(self) -> (Self::OwnedReadHalf, Self::OwnedWriteHalf);
}

/// A UDP socket. Every method takes `&self`: one task may send while
/// another receives.
pub trait UdpSocket: Debug + Send + Sync + Sized + 'static {
    /// Wraps a bound `std` socket (made non-blocking here).
    fn from_std(socket: std::net::UdpSocket) -> io::Result<Self>;

    /// Returns the `std` socket, in blocking mode.
    fn into_std(self) -> io::Result<std::net::UdpSocket>;

    /// The local address.
    fn local_addr(&self) -> io::Result<SocketAddr>;

    /// The address of the connected peer.
    fn peer_addr(&self) -> io::Result<SocketAddr>;

    /// Sets the default peer for `send` and the only source for `recv`.
    fn connect(&self, addr: SocketAddr) -> io::Result<()>;

    /// Sends to the connected peer.
    fn send(&self, buf: &[u8]) -> impl Future<Output = io::Result<usize>> + Send;

    /// Receives from the connected peer. Cancel safe.
    fn recv(&self, buf: &mut [u8]) -> impl Future<Output = io::Result<usize>> + Send;

    /// Sends to `target`.
    fn send_to(
        &self,
        buf: &[u8],
        target: SocketAddr,
    ) -> impl Future<Output = io::Result<usize>> + Send;

    /// Receives a datagram and its source. Cancel safe.
    fn recv_from(
        &self,
        buf: &mut [u8],
    ) -> impl Future<Output = io::Result<(usize, SocketAddr)>> + Send;

    /// Receives without consuming. Cancel safe.
    fn peek_from(
        &self,
        buf: &mut [u8],
    ) -> impl Future<Output = io::Result<(usize, SocketAddr)>> + Send;

    /// Whether broadcast sends are allowed.
    fn broadcast(&self) -> io::Result<bool>;

    /// Allows or forbids broadcast sends.
    fn set_broadcast(&self, on: bool) -> io::Result<()>;

    /// Sets the IP time-to-live.
    fn set_ttl(&self, ttl: u32) -> io::Result<()>;

    /// The IP time-to-live.
    fn ttl(&self) -> io::Result<u32>;

    /// Joins an IPv4 multicast group on `interface` (`UNSPECIFIED`: any).
    fn join_multicast_v4(&self, group: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()>;

    /// Leaves an IPv4 multicast group.
    fn leave_multicast_v4(&self, group: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()>;

    /// Joins an IPv6 multicast group on the interface of index `interface`
    /// (0: any).
    fn join_multicast_v6(&self, group: &Ipv6Addr, interface: u32) -> io::Result<()>;

    /// Leaves an IPv6 multicast group.
    fn leave_multicast_v6(&self, group: &Ipv6Addr, interface: u32) -> io::Result<()>;

    /// Whether multicast sends loop back to this host (IPv4).
    fn multicast_loop_v4(&self) -> io::Result<bool>;

    /// Sets whether multicast sends loop back to this host (IPv4).
    fn set_multicast_loop_v4(&self, on: bool) -> io::Result<()>;
}

/// A Unix-domain stream listener.
#[cfg(unix)]
pub trait UnixListener: Debug + Send + Sync + Sized + 'static {
    /// The connections it accepts.
    type Stream: UnixStream;

    /// Wraps a bound `std` listener (made non-blocking here).
    fn from_std(listener: std::os::unix::net::UnixListener) -> io::Result<Self>;

    /// Returns the `std` listener, in blocking mode.
    fn into_std(self) -> io::Result<std::os::unix::net::UnixListener>;

    /// The address it is bound to.
    fn local_addr(&self) -> io::Result<std::os::unix::net::SocketAddr>;

    /// Polls for the next connection. The listener keeps the waker of the
    /// last caller only: one task at a time may poll it.
    fn poll_accept(
        &self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<(Self::Stream, std::os::unix::net::SocketAddr)>>;

    /// Waits for the next connection. Cancel safe; any number of tasks may
    /// wait on one listener.
    fn accept(
        &self,
    ) -> impl Future<Output = io::Result<(Self::Stream, std::os::unix::net::SocketAddr)>> + Send
    {
        std::future::poll_fn(move |cx| self.poll_accept(cx))
    }
}

/// A Unix-domain stream connection: a byte stream.
#[cfg(unix)]
pub trait UnixStream:
    AsyncRead + AsyncWrite + Debug + Send + Sync + Unpin + Sized + 'static
{
    /// The read half of [`into_split`](UnixStream::into_split).
    type OwnedReadHalf: AsyncRead + Debug + Send + Sync + Unpin + 'static;
    /// The write half of [`into_split`](UnixStream::into_split).
    type OwnedWriteHalf: AsyncWrite + Debug + Send + Sync + Unpin + 'static;

    /// Wraps a connected `std` stream (made non-blocking here).
    fn from_std(stream: std::os::unix::net::UnixStream) -> io::Result<Self>;

    /// Returns the `std` stream, in blocking mode.
    fn into_std(self) -> io::Result<std::os::unix::net::UnixStream>;

    /// A connected pair.
    fn pair() -> io::Result<(Self, Self)>;

    /// The local address.
    fn local_addr(&self) -> io::Result<std::os::unix::net::SocketAddr>;

    /// The peer's address.
    fn peer_addr(&self) -> io::Result<std::os::unix::net::SocketAddr>;

    /// Shuts down the read side, the write side, or both.
    fn shutdown(&self, how: Shutdown) -> io::Result<()>;

    /// Splits into halves that two tasks can own. Dropping the write half
    /// shuts down the write side.
    fn into_split(self) -> (Self::OwnedReadHalf, Self::OwnedWriteHalf);
}

/// A Unix-domain datagram socket. Every method takes `&self`.
#[cfg(unix)]
pub trait UnixDatagram: Debug + Send + Sync + Sized + 'static {
    /// Wraps a `std` socket (made non-blocking here).
    fn from_std(socket: std::os::unix::net::UnixDatagram) -> io::Result<Self>;

    /// Returns the `std` socket, in blocking mode.
    fn into_std(self) -> io::Result<std::os::unix::net::UnixDatagram>;

    /// A socket bound to no address.
    fn unbound() -> io::Result<Self>;

    /// A connected pair.
    fn pair() -> io::Result<(Self, Self)>;

    /// Sets the default peer.
    fn connect(&self, path: &Path) -> io::Result<()>;

    /// The local address.
    fn local_addr(&self) -> io::Result<std::os::unix::net::SocketAddr>;

    /// The address of the connected peer.
    fn peer_addr(&self) -> io::Result<std::os::unix::net::SocketAddr>;

    /// Sends to the connected peer.
    fn send(&self, buf: &[u8]) -> impl Future<Output = io::Result<usize>> + Send;

    /// Receives from the connected peer. Cancel safe.
    fn recv(&self, buf: &mut [u8]) -> impl Future<Output = io::Result<usize>> + Send;

    /// Sends to the socket bound at `path`.
    fn send_to(&self, buf: &[u8], path: &Path) -> impl Future<Output = io::Result<usize>> + Send;

    /// Receives a datagram and its source. Cancel safe.
    fn recv_from(
        &self,
        buf: &mut [u8],
    ) -> impl Future<Output = io::Result<(usize, std::os::unix::net::SocketAddr)>> + Send;

    /// Shuts down the read side, the write side, or both.
    fn shutdown(&self, how: Shutdown) -> io::Result<()>;
}
