//! The sockets of the dyn face: each a box over a backend's socket type.

use std::fmt::Debug;
use std::io::{self, IoSlice, IoSliceMut};
use std::net::{Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr};
#[cfg(unix)]
use std::os::unix::net::SocketAddr as UnixSocketAddr;
#[cfg(unix)]
use std::path::Path;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_io::{AsyncRead, AsyncWrite};

use super::{BoxFuture, in_context};
use crate::net as core;

/// Forwards `futures-io`'s `AsyncRead` to the box in field 0.
macro_rules! forward_read {
    ($ty:ty) => {
        impl AsyncRead for $ty {
            fn poll_read(
                mut self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: &mut [u8],
            ) -> Poll<io::Result<usize>> {
                Pin::new(&mut *self.0).poll_read(cx, buf)
            }

            fn poll_read_vectored(
                mut self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                bufs: &mut [IoSliceMut<'_>],
            ) -> Poll<io::Result<usize>> {
                Pin::new(&mut *self.0).poll_read_vectored(cx, bufs)
            }
        }
    };
}

/// Forwards `futures-io`'s `AsyncWrite` to the box in field 0.
macro_rules! forward_write {
    ($ty:ty) => {
        impl AsyncWrite for $ty {
            fn poll_write(
                mut self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: &[u8],
            ) -> Poll<io::Result<usize>> {
                Pin::new(&mut *self.0).poll_write(cx, buf)
            }

            fn poll_write_vectored(
                mut self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                bufs: &[IoSlice<'_>],
            ) -> Poll<io::Result<usize>> {
                Pin::new(&mut *self.0).poll_write_vectored(cx, bufs)
            }

            fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                Pin::new(&mut *self.0).poll_flush(cx)
            }

            fn poll_close(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                Pin::new(&mut *self.0).poll_close(cx)
            }
        }
    };
}

trait ReadHalf: AsyncRead + Debug + Send + Sync + Unpin {}
impl<T: AsyncRead + Debug + Send + Sync + Unpin> ReadHalf for T {}

trait WriteHalf: AsyncWrite + Debug + Send + Sync + Unpin {}
impl<T: AsyncWrite + Debug + Send + Sync + Unpin> WriteHalf for T {}

/// The read half of a dyn byte stream's `into_split`.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use anyloop::rt::{DynRuntime, Net};
/// use anyloop::rt::net::{TcpListener as _, TcpStream as _};
/// use futures_lite::{AsyncReadExt, AsyncWriteExt};
///
/// let rt: Arc<dyn DynRuntime> = Arc::new(anyloop::rt::Smol);
/// anyloop::run(async move {
///     let listener = rt.bind_tcp("127.0.0.1:0".parse().unwrap()).unwrap();
///     let addr = listener.local_addr().unwrap();
///     let mut client = rt.connect_tcp(addr).await.unwrap();
///     let (server, _) = listener.accept().await.unwrap();
///     let (mut read, _write) = server.into_split();
///     client.write_all(b"hi").await.unwrap();
///     let mut buf = [0; 2];
///     read.read_exact(&mut buf).await.unwrap();
///     assert_eq!(&buf, b"hi");
/// });
/// ```
#[derive(Debug)]
pub struct DynReadHalf(Box<dyn ReadHalf>);

impl DynReadHalf {
    /// Boxes a read half.
    pub fn new<T: AsyncRead + Debug + Send + Sync + Unpin + 'static>(half: T) -> Self {
        DynReadHalf(Box::new(half))
    }
}

forward_read!(DynReadHalf);

/// The write half of a dyn byte stream's `into_split`; dropping it shuts
/// down the write side.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use anyloop::rt::{DynRuntime, Net};
/// use anyloop::rt::net::{TcpListener as _, TcpStream as _};
/// use futures_lite::{AsyncReadExt, AsyncWriteExt};
///
/// let rt: Arc<dyn DynRuntime> = Arc::new(anyloop::rt::Smol);
/// anyloop::run(async move {
///     let listener = rt.bind_tcp("127.0.0.1:0".parse().unwrap()).unwrap();
///     let client = rt.connect_tcp(listener.local_addr().unwrap()).await.unwrap();
///     let (mut server, _) = listener.accept().await.unwrap();
///     let (_read, mut write) = client.into_split();
///     write.write_all(b"bye").await.unwrap();
///     drop(write);
///     let mut all = Vec::new();
///     server.read_to_end(&mut all).await.unwrap();
///     assert_eq!(all, b"bye");
/// });
/// ```
#[derive(Debug)]
pub struct DynWriteHalf(Box<dyn WriteHalf>);

impl DynWriteHalf {
    /// Boxes a write half.
    pub fn new<T: AsyncWrite + Debug + Send + Sync + Unpin + 'static>(half: T) -> Self {
        DynWriteHalf(Box::new(half))
    }
}

forward_write!(DynWriteHalf);

// ---------------------------------------------------------------- TCP

trait ErasedTcpListener: Debug + Send + Sync {
    fn into_std(self: Box<Self>) -> io::Result<std::net::TcpListener>;
    fn local_addr(&self) -> io::Result<SocketAddr>;
    fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(DynTcpStream, SocketAddr)>>;
    fn accept(&self) -> BoxFuture<'_, io::Result<(DynTcpStream, SocketAddr)>>;
}

impl<L: core::TcpListener> ErasedTcpListener for L {
    fn into_std(self: Box<Self>) -> io::Result<std::net::TcpListener> {
        core::TcpListener::into_std(*self)
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        core::TcpListener::local_addr(self)
    }

    fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(DynTcpStream, SocketAddr)>> {
        core::TcpListener::poll_accept(self, cx)
            .map_ok(|(stream, addr)| (DynTcpStream::new(stream), addr))
    }

    fn accept(&self) -> BoxFuture<'_, io::Result<(DynTcpStream, SocketAddr)>> {
        Box::pin(async move {
            let (stream, addr) = core::TcpListener::accept(self).await?;
            Ok((DynTcpStream::new(stream), addr))
        })
    }
}

/// A TCP listener of the dyn face: a backend's listener, boxed.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use anyloop::rt::{DynRuntime, Net};
/// use anyloop::rt::net::TcpListener as _;
///
/// let rt: Arc<dyn DynRuntime> = Arc::new(anyloop::rt::Smol);
/// let listener = rt.bind_tcp("127.0.0.1:0".parse()?)?;
/// assert_ne!(listener.local_addr()?.port(), 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct DynTcpListener(Box<dyn ErasedTcpListener>);

impl DynTcpListener {
    /// Boxes a backend's listener.
    pub fn new<L: core::TcpListener>(listener: L) -> Self {
        DynTcpListener(Box::new(listener))
    }
}

impl core::TcpListener for DynTcpListener {
    type Stream = DynTcpStream;

    fn from_std(listener: std::net::TcpListener) -> io::Result<Self> {
        in_context(|rt| rt.tcp_listener_from_std(listener))
    }

    fn into_std(self) -> io::Result<std::net::TcpListener> {
        self.0.into_std()
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }

    fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(DynTcpStream, SocketAddr)>> {
        self.0.poll_accept(cx)
    }

    fn accept(&self) -> impl Future<Output = io::Result<(DynTcpStream, SocketAddr)>> + Send {
        self.0.accept()
    }
}

trait ErasedTcpStream: AsyncRead + AsyncWrite + Debug + Send + Sync + Unpin {
    fn into_std(self: Box<Self>) -> io::Result<std::net::TcpStream>;
    fn local_addr(&self) -> io::Result<SocketAddr>;
    fn peer_addr(&self) -> io::Result<SocketAddr>;
    fn nodelay(&self) -> io::Result<bool>;
    fn set_nodelay(&self, nodelay: bool) -> io::Result<()>;
    fn ttl(&self) -> io::Result<u32>;
    fn set_ttl(&self, ttl: u32) -> io::Result<()>;
    fn shutdown(&self, how: Shutdown) -> io::Result<()>;
    fn peek<'a>(&'a self, buf: &'a mut [u8]) -> BoxFuture<'a, io::Result<usize>>;
    fn into_split(self: Box<Self>) -> (DynReadHalf, DynWriteHalf);
}

impl<S: core::TcpStream> ErasedTcpStream for S {
    fn into_std(self: Box<Self>) -> io::Result<std::net::TcpStream> {
        core::TcpStream::into_std(*self)
    }
    fn local_addr(&self) -> io::Result<SocketAddr> {
        core::TcpStream::local_addr(self)
    }
    fn peer_addr(&self) -> io::Result<SocketAddr> {
        core::TcpStream::peer_addr(self)
    }
    fn nodelay(&self) -> io::Result<bool> {
        core::TcpStream::nodelay(self)
    }
    fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        core::TcpStream::set_nodelay(self, nodelay)
    }
    fn ttl(&self) -> io::Result<u32> {
        core::TcpStream::ttl(self)
    }
    fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        core::TcpStream::set_ttl(self, ttl)
    }
    fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        core::TcpStream::shutdown(self, how)
    }
    fn peek<'a>(&'a self, buf: &'a mut [u8]) -> BoxFuture<'a, io::Result<usize>> {
        Box::pin(core::TcpStream::peek(self, buf))
    }
    fn into_split(self: Box<Self>) -> (DynReadHalf, DynWriteHalf) {
        let (read, write) = core::TcpStream::into_split(*self);
        (DynReadHalf::new(read), DynWriteHalf::new(write))
    }
}

/// A TCP connection of the dyn face: a backend's stream, boxed.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use anyloop::rt::{DynRuntime, Net};
/// use anyloop::rt::net::{TcpListener as _, TcpStream as _};
///
/// let rt: Arc<dyn DynRuntime> = Arc::new(anyloop::rt::Smol);
/// anyloop::run(async move {
///     let listener = rt.bind_tcp("127.0.0.1:0".parse().unwrap()).unwrap();
///     let addr = listener.local_addr().unwrap();
///     let client = rt.connect_tcp(addr).await.unwrap();
///     assert_eq!(client.peer_addr().unwrap(), addr);
/// });
/// ```
#[derive(Debug)]
pub struct DynTcpStream(Box<dyn ErasedTcpStream>);

impl DynTcpStream {
    /// Boxes a backend's stream.
    pub fn new<S: core::TcpStream>(stream: S) -> Self {
        DynTcpStream(Box::new(stream))
    }
}

forward_read!(DynTcpStream);
forward_write!(DynTcpStream);

impl core::TcpStream for DynTcpStream {
    type OwnedReadHalf = DynReadHalf;
    type OwnedWriteHalf = DynWriteHalf;

    fn from_std(stream: std::net::TcpStream) -> io::Result<Self> {
        in_context(|rt| rt.tcp_stream_from_std(stream))
    }
    fn into_std(self) -> io::Result<std::net::TcpStream> {
        self.0.into_std()
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
        self.0.shutdown(how)
    }
    async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.peek(buf).await
    }
    fn into_split(self) -> (DynReadHalf, DynWriteHalf) {
        self.0.into_split()
    }
}

// ---------------------------------------------------------------- UDP

trait ErasedUdpSocket: Debug + Send + Sync {
    fn into_std(self: Box<Self>) -> io::Result<std::net::UdpSocket>;
    fn local_addr(&self) -> io::Result<SocketAddr>;
    fn peer_addr(&self) -> io::Result<SocketAddr>;
    fn connect(&self, addr: SocketAddr) -> io::Result<()>;
    fn send<'a>(&'a self, buf: &'a [u8]) -> BoxFuture<'a, io::Result<usize>>;
    fn recv<'a>(&'a self, buf: &'a mut [u8]) -> BoxFuture<'a, io::Result<usize>>;
    fn send_to<'a>(&'a self, buf: &'a [u8], to: SocketAddr) -> BoxFuture<'a, io::Result<usize>>;
    fn recv_from<'a>(&'a self, buf: &'a mut [u8])
    -> BoxFuture<'a, io::Result<(usize, SocketAddr)>>;
    fn peek_from<'a>(&'a self, buf: &'a mut [u8])
    -> BoxFuture<'a, io::Result<(usize, SocketAddr)>>;
    fn broadcast(&self) -> io::Result<bool>;
    fn set_broadcast(&self, on: bool) -> io::Result<()>;
    fn set_ttl(&self, ttl: u32) -> io::Result<()>;
    fn ttl(&self) -> io::Result<u32>;
    fn join_multicast_v4(&self, group: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()>;
    fn leave_multicast_v4(&self, group: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()>;
    fn join_multicast_v6(&self, group: &Ipv6Addr, interface: u32) -> io::Result<()>;
    fn leave_multicast_v6(&self, group: &Ipv6Addr, interface: u32) -> io::Result<()>;
    fn multicast_loop_v4(&self) -> io::Result<bool>;
    fn set_multicast_loop_v4(&self, on: bool) -> io::Result<()>;
}

impl<U: core::UdpSocket> ErasedUdpSocket for U {
    fn into_std(self: Box<Self>) -> io::Result<std::net::UdpSocket> {
        core::UdpSocket::into_std(*self)
    }
    fn local_addr(&self) -> io::Result<SocketAddr> {
        core::UdpSocket::local_addr(self)
    }
    fn peer_addr(&self) -> io::Result<SocketAddr> {
        core::UdpSocket::peer_addr(self)
    }
    fn connect(&self, addr: SocketAddr) -> io::Result<()> {
        core::UdpSocket::connect(self, addr)
    }
    fn send<'a>(&'a self, buf: &'a [u8]) -> BoxFuture<'a, io::Result<usize>> {
        Box::pin(core::UdpSocket::send(self, buf))
    }
    fn recv<'a>(&'a self, buf: &'a mut [u8]) -> BoxFuture<'a, io::Result<usize>> {
        Box::pin(core::UdpSocket::recv(self, buf))
    }
    fn send_to<'a>(&'a self, buf: &'a [u8], to: SocketAddr) -> BoxFuture<'a, io::Result<usize>> {
        Box::pin(core::UdpSocket::send_to(self, buf, to))
    }
    fn recv_from<'a>(
        &'a self,
        buf: &'a mut [u8],
    ) -> BoxFuture<'a, io::Result<(usize, SocketAddr)>> {
        Box::pin(core::UdpSocket::recv_from(self, buf))
    }
    fn peek_from<'a>(
        &'a self,
        buf: &'a mut [u8],
    ) -> BoxFuture<'a, io::Result<(usize, SocketAddr)>> {
        Box::pin(core::UdpSocket::peek_from(self, buf))
    }
    fn broadcast(&self) -> io::Result<bool> {
        core::UdpSocket::broadcast(self)
    }
    fn set_broadcast(&self, on: bool) -> io::Result<()> {
        core::UdpSocket::set_broadcast(self, on)
    }
    fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        core::UdpSocket::set_ttl(self, ttl)
    }
    fn ttl(&self) -> io::Result<u32> {
        core::UdpSocket::ttl(self)
    }
    fn join_multicast_v4(&self, group: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()> {
        core::UdpSocket::join_multicast_v4(self, group, interface)
    }
    fn leave_multicast_v4(&self, group: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()> {
        core::UdpSocket::leave_multicast_v4(self, group, interface)
    }
    fn join_multicast_v6(&self, group: &Ipv6Addr, interface: u32) -> io::Result<()> {
        core::UdpSocket::join_multicast_v6(self, group, interface)
    }
    fn leave_multicast_v6(&self, group: &Ipv6Addr, interface: u32) -> io::Result<()> {
        core::UdpSocket::leave_multicast_v6(self, group, interface)
    }
    fn multicast_loop_v4(&self) -> io::Result<bool> {
        core::UdpSocket::multicast_loop_v4(self)
    }
    fn set_multicast_loop_v4(&self, on: bool) -> io::Result<()> {
        core::UdpSocket::set_multicast_loop_v4(self, on)
    }
}

/// A UDP socket of the dyn face: a backend's socket, boxed.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use anyloop::rt::{DynRuntime, Net};
/// use anyloop::rt::net::UdpSocket as _;
///
/// let rt: Arc<dyn DynRuntime> = Arc::new(anyloop::rt::Smol);
/// anyloop::run(async move {
///     let a = rt.bind_udp("127.0.0.1:0".parse().unwrap()).unwrap();
///     let b = rt.bind_udp("127.0.0.1:0".parse().unwrap()).unwrap();
///     a.send_to(b"hi", b.local_addr().unwrap()).await.unwrap();
///     let mut buf = [0; 2];
///     let (n, from) = b.recv_from(&mut buf).await.unwrap();
///     assert_eq!((&buf[..n], from), (&b"hi"[..], a.local_addr().unwrap()));
/// });
/// ```
#[derive(Debug)]
pub struct DynUdpSocket(Box<dyn ErasedUdpSocket>);

impl DynUdpSocket {
    /// Boxes a backend's socket.
    pub fn new<U: core::UdpSocket>(socket: U) -> Self {
        DynUdpSocket(Box::new(socket))
    }
}

impl core::UdpSocket for DynUdpSocket {
    fn from_std(socket: std::net::UdpSocket) -> io::Result<Self> {
        in_context(|rt| rt.udp_socket_from_std(socket))
    }
    fn into_std(self) -> io::Result<std::net::UdpSocket> {
        self.0.into_std()
    }
    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }
    fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.0.peer_addr()
    }
    fn connect(&self, addr: SocketAddr) -> io::Result<()> {
        self.0.connect(addr)
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

// ---------------------------------------------------------------- Unix

#[cfg(unix)]
trait ErasedUnixListener: Debug + Send + Sync {
    fn into_std(self: Box<Self>) -> io::Result<std::os::unix::net::UnixListener>;
    fn local_addr(&self) -> io::Result<UnixSocketAddr>;
    fn poll_accept(
        &self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<(DynUnixStream, UnixSocketAddr)>>;
    fn accept(&self) -> BoxFuture<'_, io::Result<(DynUnixStream, UnixSocketAddr)>>;
}

#[cfg(unix)]
impl<L: core::UnixListener> ErasedUnixListener for L {
    fn into_std(self: Box<Self>) -> io::Result<std::os::unix::net::UnixListener> {
        core::UnixListener::into_std(*self)
    }
    fn local_addr(&self) -> io::Result<UnixSocketAddr> {
        core::UnixListener::local_addr(self)
    }
    fn poll_accept(
        &self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<(DynUnixStream, UnixSocketAddr)>> {
        core::UnixListener::poll_accept(self, cx)
            .map_ok(|(stream, addr)| (DynUnixStream::new(stream), addr))
    }
    fn accept(&self) -> BoxFuture<'_, io::Result<(DynUnixStream, UnixSocketAddr)>> {
        Box::pin(async move {
            let (stream, addr) = core::UnixListener::accept(self).await?;
            Ok((DynUnixStream::new(stream), addr))
        })
    }
}

/// A Unix-domain listener of the dyn face: a backend's listener, boxed.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use anyloop::rt::{DynRuntime, Net};
/// use anyloop::rt::net::UnixListener as _;
///
/// let dir = std::env::temp_dir().join(format!("anyloop-dyn-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let path = dir.join("listener.sock");
/// let _ = std::fs::remove_file(&path);
/// let rt: Arc<dyn DynRuntime> = Arc::new(anyloop::rt::Smol);
/// let listener = rt.bind_unix(&path)?;
/// assert_eq!(listener.local_addr()?.as_pathname(), Some(path.as_path()));
/// std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[cfg(unix)]
#[derive(Debug)]
pub struct DynUnixListener(Box<dyn ErasedUnixListener>);

#[cfg(unix)]
impl DynUnixListener {
    /// Boxes a backend's listener.
    pub fn new<L: core::UnixListener>(listener: L) -> Self {
        DynUnixListener(Box::new(listener))
    }
}

#[cfg(unix)]
impl core::UnixListener for DynUnixListener {
    type Stream = DynUnixStream;

    fn from_std(listener: std::os::unix::net::UnixListener) -> io::Result<Self> {
        in_context(|rt| rt.unix_listener_from_std(listener))
    }
    fn into_std(self) -> io::Result<std::os::unix::net::UnixListener> {
        self.0.into_std()
    }
    fn local_addr(&self) -> io::Result<UnixSocketAddr> {
        self.0.local_addr()
    }
    fn poll_accept(
        &self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<(DynUnixStream, UnixSocketAddr)>> {
        self.0.poll_accept(cx)
    }
    fn accept(&self) -> impl Future<Output = io::Result<(DynUnixStream, UnixSocketAddr)>> + Send {
        self.0.accept()
    }
}

#[cfg(unix)]
trait ErasedUnixStream: AsyncRead + AsyncWrite + Debug + Send + Sync + Unpin {
    fn into_std(self: Box<Self>) -> io::Result<std::os::unix::net::UnixStream>;
    fn local_addr(&self) -> io::Result<UnixSocketAddr>;
    fn peer_addr(&self) -> io::Result<UnixSocketAddr>;
    fn shutdown(&self, how: Shutdown) -> io::Result<()>;
    fn into_split(self: Box<Self>) -> (DynReadHalf, DynWriteHalf);
}

#[cfg(unix)]
impl<S: core::UnixStream> ErasedUnixStream for S {
    fn into_std(self: Box<Self>) -> io::Result<std::os::unix::net::UnixStream> {
        core::UnixStream::into_std(*self)
    }
    fn local_addr(&self) -> io::Result<UnixSocketAddr> {
        core::UnixStream::local_addr(self)
    }
    fn peer_addr(&self) -> io::Result<UnixSocketAddr> {
        core::UnixStream::peer_addr(self)
    }
    fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        core::UnixStream::shutdown(self, how)
    }
    fn into_split(self: Box<Self>) -> (DynReadHalf, DynWriteHalf) {
        let (read, write) = core::UnixStream::into_split(*self);
        (DynReadHalf::new(read), DynWriteHalf::new(write))
    }
}

/// A Unix-domain stream of the dyn face: a backend's stream, boxed.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use anyloop::rt::{DynRuntime, Spawn, dyn_rt::DynUnixStream};
/// use anyloop::rt::net::UnixStream as _;
/// use futures_lite::{AsyncReadExt, AsyncWriteExt};
///
/// let rt: Arc<dyn DynRuntime> = Arc::new(anyloop::rt::Smol);
/// let task = rt.spawn(async {
///     // `pair` is made by the dyn runtime whose task runs it.
///     let (mut a, mut b) = DynUnixStream::pair().unwrap();
///     a.write_all(b"hi").await.unwrap();
///     let mut buf = [0; 2];
///     b.read_exact(&mut buf).await.unwrap();
///     buf
/// });
/// assert_eq!(&anyloop::run(task).unwrap(), b"hi");
/// ```
#[cfg(unix)]
#[derive(Debug)]
pub struct DynUnixStream(Box<dyn ErasedUnixStream>);

#[cfg(unix)]
impl DynUnixStream {
    /// Boxes a backend's stream.
    pub fn new<S: core::UnixStream>(stream: S) -> Self {
        DynUnixStream(Box::new(stream))
    }
}

#[cfg(unix)]
forward_read!(DynUnixStream);
#[cfg(unix)]
forward_write!(DynUnixStream);

#[cfg(unix)]
impl core::UnixStream for DynUnixStream {
    type OwnedReadHalf = DynReadHalf;
    type OwnedWriteHalf = DynWriteHalf;

    fn from_std(stream: std::os::unix::net::UnixStream) -> io::Result<Self> {
        in_context(|rt| rt.unix_stream_from_std(stream))
    }
    fn into_std(self) -> io::Result<std::os::unix::net::UnixStream> {
        self.0.into_std()
    }
    fn pair() -> io::Result<(Self, Self)> {
        in_context(|rt| rt.unix_stream_pair())
    }
    fn local_addr(&self) -> io::Result<UnixSocketAddr> {
        self.0.local_addr()
    }
    fn peer_addr(&self) -> io::Result<UnixSocketAddr> {
        self.0.peer_addr()
    }
    fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.0.shutdown(how)
    }
    fn into_split(self) -> (DynReadHalf, DynWriteHalf) {
        self.0.into_split()
    }
}

#[cfg(unix)]
trait ErasedUnixDatagram: Debug + Send + Sync {
    fn into_std(self: Box<Self>) -> io::Result<std::os::unix::net::UnixDatagram>;
    fn connect(&self, path: &Path) -> io::Result<()>;
    fn local_addr(&self) -> io::Result<UnixSocketAddr>;
    fn peer_addr(&self) -> io::Result<UnixSocketAddr>;
    fn send<'a>(&'a self, buf: &'a [u8]) -> BoxFuture<'a, io::Result<usize>>;
    fn recv<'a>(&'a self, buf: &'a mut [u8]) -> BoxFuture<'a, io::Result<usize>>;
    fn send_to<'a>(&'a self, buf: &'a [u8], path: &'a Path) -> BoxFuture<'a, io::Result<usize>>;
    fn recv_from<'a>(
        &'a self,
        buf: &'a mut [u8],
    ) -> BoxFuture<'a, io::Result<(usize, UnixSocketAddr)>>;
    fn shutdown(&self, how: Shutdown) -> io::Result<()>;
}

#[cfg(unix)]
impl<U: core::UnixDatagram> ErasedUnixDatagram for U {
    fn into_std(self: Box<Self>) -> io::Result<std::os::unix::net::UnixDatagram> {
        core::UnixDatagram::into_std(*self)
    }
    fn connect(&self, path: &Path) -> io::Result<()> {
        core::UnixDatagram::connect(self, path)
    }
    fn local_addr(&self) -> io::Result<UnixSocketAddr> {
        core::UnixDatagram::local_addr(self)
    }
    fn peer_addr(&self) -> io::Result<UnixSocketAddr> {
        core::UnixDatagram::peer_addr(self)
    }
    fn send<'a>(&'a self, buf: &'a [u8]) -> BoxFuture<'a, io::Result<usize>> {
        Box::pin(core::UnixDatagram::send(self, buf))
    }
    fn recv<'a>(&'a self, buf: &'a mut [u8]) -> BoxFuture<'a, io::Result<usize>> {
        Box::pin(core::UnixDatagram::recv(self, buf))
    }
    fn send_to<'a>(&'a self, buf: &'a [u8], path: &'a Path) -> BoxFuture<'a, io::Result<usize>> {
        Box::pin(core::UnixDatagram::send_to(self, buf, path))
    }
    fn recv_from<'a>(
        &'a self,
        buf: &'a mut [u8],
    ) -> BoxFuture<'a, io::Result<(usize, UnixSocketAddr)>> {
        Box::pin(core::UnixDatagram::recv_from(self, buf))
    }
    fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        core::UnixDatagram::shutdown(self, how)
    }
}

/// A Unix-domain datagram socket of the dyn face: a backend's socket, boxed.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use anyloop::rt::{DynRuntime, Spawn, dyn_rt::DynUnixDatagram};
/// use anyloop::rt::net::UnixDatagram as _;
///
/// let rt: Arc<dyn DynRuntime> = Arc::new(anyloop::rt::Smol);
/// let task = rt.spawn(async {
///     let (a, b) = DynUnixDatagram::pair().unwrap();
///     a.send(b"hi").await.unwrap();
///     let mut buf = [0; 2];
///     let n = b.recv(&mut buf).await.unwrap();
///     buf[..n].to_vec()
/// });
/// assert_eq!(anyloop::run(task).unwrap(), b"hi");
/// ```
#[cfg(unix)]
#[derive(Debug)]
pub struct DynUnixDatagram(Box<dyn ErasedUnixDatagram>);

#[cfg(unix)]
impl DynUnixDatagram {
    /// Boxes a backend's socket.
    pub fn new<U: core::UnixDatagram>(socket: U) -> Self {
        DynUnixDatagram(Box::new(socket))
    }
}

#[cfg(unix)]
impl core::UnixDatagram for DynUnixDatagram {
    fn from_std(socket: std::os::unix::net::UnixDatagram) -> io::Result<Self> {
        in_context(|rt| rt.unix_datagram_from_std(socket))
    }
    fn into_std(self) -> io::Result<std::os::unix::net::UnixDatagram> {
        self.0.into_std()
    }
    fn unbound() -> io::Result<Self> {
        in_context(|rt| rt.unix_datagram_unbound())
    }
    fn pair() -> io::Result<(Self, Self)> {
        in_context(|rt| rt.unix_datagram_pair())
    }
    fn connect(&self, path: &Path) -> io::Result<()> {
        self.0.connect(path)
    }
    fn local_addr(&self) -> io::Result<UnixSocketAddr> {
        self.0.local_addr()
    }
    fn peer_addr(&self) -> io::Result<UnixSocketAddr> {
        self.0.peer_addr()
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
    async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, UnixSocketAddr)> {
        self.0.recv_from(buf).await
    }
    fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.0.shutdown(how)
    }
}
