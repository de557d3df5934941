//! TCP.

use std::future::Future;
use std::io;
use std::net::{Shutdown, SocketAddr};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use anyloop_core::net::{self as core_net, Net};

use super::{ToSocketAddrs, byte_stream, each_addr, make, on_io, on_socket as on, socket_types};
use crate::rt::Current;

socket_types! {
    /// A TCP listener on the runtime that runs the caller.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::net::TcpListener;
    ///
    /// anyloop::run(async {
    ///     let listener = TcpListener::bind("localhost:0").await?;
    ///     assert!(listener.local_addr()?.ip().is_loopback());
    ///     std::io::Result::Ok(())
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    TcpListener(ListenerInner: ListenerNative, DynTcpListener);

    /// A TCP connection on the runtime that runs the caller; a byte stream
    /// ([`AsyncRead`](crate::io::AsyncRead) + [`AsyncWrite`](crate::io::AsyncWrite)).
    ///
    /// See the [module docs](crate::net) for an example.
    TcpStream(StreamInner: StreamNative, DynTcpStream);

    /// The read half of a [`TcpStream`], made by [`TcpStream::into_split`].
    OwnedReadHalf(ReadHalfInner: ReadHalfNative, DynReadHalf);

    /// The write half of a [`TcpStream`], made by
    /// [`TcpStream::into_split`]. Dropping it shuts down the write side.
    OwnedWriteHalf(WriteHalfInner: WriteHalfNative, DynWriteHalf);
}

byte_stream!(read: TcpStream(StreamInner: StreamNative), OwnedReadHalf(ReadHalfInner: ReadHalfNative));
byte_stream!(write: TcpStream(StreamInner: StreamNative), OwnedWriteHalf(WriteHalfInner: WriteHalfNative));

impl TcpListener {
    /// Binds to `addr`, trying each address it resolves to in turn. Port 0
    /// picks a free port; read it back with
    /// [`local_addr`](TcpListener::local_addr).
    ///
    /// The listener has room for 1024 connections not accepted yet (tokio's
    /// backlog, on every backend; the kernel caps it at its maximum,
    /// `somaxconn` on Linux), and `SO_REUSEADDR` set on Unix. For another
    /// backlog or other options, use [`TcpSocket`](super::TcpSocket).
    ///
    /// # Errors
    ///
    /// `AddrInUse` if the address is taken; `InvalidInput` for a malformed
    /// address; the resolver's error for an unknown host.
    pub async fn bind(addr: impl ToSocketAddrs) -> io::Result<TcpListener> {
        each_addr(&addr, |addr| std::future::ready(Current.bind_tcp(addr))).await
    }

    /// Waits for a connection and returns it with the peer's address.
    ///
    /// Cancel safe: a connection is only taken from the queue when this
    /// returns it.
    pub async fn accept(&self) -> io::Result<(TcpStream, SocketAddr)> {
        // The backend's own `accept`: async-io's lets several tasks wait on
        // one listener without waking each other in a loop.
        let (stream, addr) = match &self.0 {
            #[cfg(feature = "tokio")]
            ListenerInner::Native(ListenerNative::Tokio(l)) => {
                super::tokio_here()?;
                let (stream, addr) = core_net::TcpListener::accept(l).await?;
                (stream.into(), addr)
            }
            #[cfg(any(feature = "smol", feature = "async-std"))]
            ListenerInner::Native(ListenerNative::AsyncIo(l)) => {
                let (stream, addr) = core_net::TcpListener::accept(l).await?;
                (stream.into(), addr)
            }
            ListenerInner::Dyn(l) => {
                super::cold();
                let (stream, addr) = core_net::TcpListener::accept(l).await?;
                (stream.into(), addr)
            }
        };
        Ok((stream, addr))
    }

    /// Polls for a connection. The listener keeps the waker of the last
    /// caller only: to wait from several tasks, use `accept`.
    pub fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(TcpStream, SocketAddr)>> {
        on_io!(ListenerInner: ListenerNative, &self.0, l => core_net::TcpListener::poll_accept(l, cx)
            .map_ok(|(stream, addr)| (stream.into(), addr)))
    }

    /// A stream of the connections, as [`accept`](TcpListener::accept) gives
    /// them. It never ends; an error is an item, not the end.
    pub fn incoming(&self) -> Incoming<'_> {
        Incoming { listener: self }
    }

    /// The address the listener is bound to.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        on!(ListenerInner: ListenerNative, &self.0, l => core_net::TcpListener::local_addr(l))
    }

    /// Wraps a `std` listener, on the runtime that runs the caller.
    pub fn from_std(listener: std::net::TcpListener) -> io::Result<TcpListener> {
        make!(R => <<R as Net>::TcpListener as core_net::TcpListener>::from_std(listener))
    }

    /// Returns the `std` listener, in blocking mode.
    pub fn into_std(self) -> io::Result<std::net::TcpListener> {
        on!(ListenerInner: ListenerNative, self.0, l => core_net::TcpListener::into_std(l))
    }
}

/// The connections of a [`TcpListener`], as a stream; made by
/// [`TcpListener::incoming`].
#[derive(Debug)]
#[must_use = "streams do nothing unless polled"]
pub struct Incoming<'a> {
    listener: &'a TcpListener,
}

impl futures_core::Stream for Incoming<'_> {
    type Item = io::Result<TcpStream>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.listener
            .poll_accept(cx)
            .map(|accepted| Some(accepted.map(|(stream, _)| stream)))
    }
}

impl TcpStream {
    /// Connects to `addr`, trying each address it resolves to in turn (as
    /// `std` does) and returning the first connection or the last error.
    ///
    /// # Errors
    ///
    /// `ConnectionRefused` when nothing listens there; `InvalidInput` for a
    /// malformed address; the resolver's error for an unknown host.
    pub async fn connect(addr: impl ToSocketAddrs) -> io::Result<TcpStream> {
        each_addr(&addr, |addr| Current.connect_tcp(addr)).await
    }

    /// Connects as [`connect`](TcpStream::connect) does, giving up after
    /// `timeout` (for the lookup and every attempt together).
    ///
    /// # Errors
    ///
    /// `TimedOut` when the time is up; otherwise as `connect`.
    pub async fn connect_timeout(
        addr: impl ToSocketAddrs,
        timeout: Duration,
    ) -> io::Result<TcpStream> {
        crate::time::timeout(timeout, TcpStream::connect(addr)).await?
    }

    /// The local address.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        on!(StreamInner: StreamNative, &self.0, s => core_net::TcpStream::local_addr(s))
    }

    /// The peer's address.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        on!(StreamInner: StreamNative, &self.0, s => core_net::TcpStream::peer_addr(s))
    }

    /// Whether Nagle's algorithm is off (`TCP_NODELAY`).
    pub fn nodelay(&self) -> io::Result<bool> {
        on!(StreamInner: StreamNative, &self.0, s => core_net::TcpStream::nodelay(s))
    }

    /// Turns Nagle's algorithm off (`true`) or on.
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        on!(StreamInner: StreamNative, &self.0, s => core_net::TcpStream::set_nodelay(s, nodelay))
    }

    /// The IP time-to-live.
    pub fn ttl(&self) -> io::Result<u32> {
        on!(StreamInner: StreamNative, &self.0, s => core_net::TcpStream::ttl(s))
    }

    /// Sets the IP time-to-live.
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        on!(StreamInner: StreamNative, &self.0, s => core_net::TcpStream::set_ttl(s, ttl))
    }

    /// Shuts down the read side, the write side, or both. After
    /// `Shutdown::Write` the peer reads the end of the stream while this side
    /// can still read.
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        on!(StreamInner: StreamNative, &self.0, s => core_net::TcpStream::shutdown(s, how))
    }

    /// Reads without consuming: the next read returns the same bytes. Cancel
    /// safe.
    pub async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        match &self.0 {
            #[cfg(feature = "tokio")]
            StreamInner::Native(StreamNative::Tokio(s)) => {
                super::tokio_here()?;
                core_net::TcpStream::peek(s, buf).await
            }
            #[cfg(any(feature = "smol", feature = "async-std"))]
            StreamInner::Native(StreamNative::AsyncIo(s)) => {
                core_net::TcpStream::peek(s, buf).await
            }
            StreamInner::Dyn(s) => {
                super::cold();
                core_net::TcpStream::peek(s, buf).await
            }
        }
    }

    /// Splits the stream into halves that two tasks can own: one reads while
    /// the other writes. Dropping the write half shuts down the write side.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::io::{AsyncReadExt, AsyncWriteExt};
    /// use anyloop::net::{TcpListener, TcpStream};
    ///
    /// anyloop::run(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0").await?;
    ///     let client = TcpStream::connect(listener.local_addr()?).await?;
    ///     let (mut server, _) = listener.accept().await?;
    ///     let (mut read, mut write) = client.into_split();
    ///     let writer = anyloop::spawn(async move { write.write_all(b"ping").await });
    ///     let mut got = [0; 4];
    ///     server.read_exact(&mut got).await?;
    ///     server.write_all(b"pong").await?;
    ///     read.read_exact(&mut got).await?;
    ///     assert_eq!(&got, b"pong");
    ///     writer.await??;
    ///     Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
    /// })?;
    /// # Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
    /// ```
    pub fn into_split(self) -> (OwnedReadHalf, OwnedWriteHalf) {
        on!(StreamInner: StreamNative, self.0, s => {
            let (read, write) = core_net::TcpStream::into_split(s);
            (read.into(), write.into())
        })
    }

    /// Wraps a connected `std` stream, on the runtime that runs the caller.
    pub fn from_std(stream: std::net::TcpStream) -> io::Result<TcpStream> {
        make!(R => <<R as Net>::TcpStream as core_net::TcpStream>::from_std(stream))
    }

    /// Returns the `std` stream, in blocking mode.
    pub fn into_std(self) -> io::Result<std::net::TcpStream> {
        on!(StreamInner: StreamNative, self.0, s => core_net::TcpStream::into_std(s))
    }
}

impl core_net::TcpListener for TcpListener {
    type Stream = TcpStream;

    fn from_std(listener: std::net::TcpListener) -> io::Result<Self> {
        TcpListener::from_std(listener)
    }

    fn into_std(self) -> io::Result<std::net::TcpListener> {
        TcpListener::into_std(self)
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        TcpListener::local_addr(self)
    }

    fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(TcpStream, SocketAddr)>> {
        TcpListener::poll_accept(self, cx)
    }

    // The inherent `accept`, which lets several tasks wait on one listener
    // (the trait's default, over `poll_accept`, keeps one waker only).
    fn accept(&self) -> impl Future<Output = io::Result<(TcpStream, SocketAddr)>> + Send {
        TcpListener::accept(self)
    }
}

impl core_net::TcpStream for TcpStream {
    type OwnedReadHalf = OwnedReadHalf;
    type OwnedWriteHalf = OwnedWriteHalf;

    fn from_std(stream: std::net::TcpStream) -> io::Result<Self> {
        TcpStream::from_std(stream)
    }

    fn into_std(self) -> io::Result<std::net::TcpStream> {
        TcpStream::into_std(self)
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        TcpStream::local_addr(self)
    }

    fn peer_addr(&self) -> io::Result<SocketAddr> {
        TcpStream::peer_addr(self)
    }

    fn nodelay(&self) -> io::Result<bool> {
        TcpStream::nodelay(self)
    }

    fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        TcpStream::set_nodelay(self, nodelay)
    }

    fn ttl(&self) -> io::Result<u32> {
        TcpStream::ttl(self)
    }

    fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        TcpStream::set_ttl(self, ttl)
    }

    fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        TcpStream::shutdown(self, how)
    }

    fn peek(&self, buf: &mut [u8]) -> impl Future<Output = io::Result<usize>> + Send {
        TcpStream::peek(self, buf)
    }

    fn into_split(self) -> (OwnedReadHalf, OwnedWriteHalf) {
        TcpStream::into_split(self)
    }
}
