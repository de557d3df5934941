//! Unix-domain sockets.

use std::future::Future;
use std::io;
use std::net::Shutdown;
use std::os::unix::net::SocketAddr;
use std::path::Path;
use std::task::{Context, Poll};

use anyloop_core::net::{self as core_net, Net};

use super::{byte_stream, make, on_io, on_socket as on, socket_types};
use crate::rt::Current;

socket_types! {
    /// A Unix-domain stream listener on the runtime that runs the caller.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::io::{AsyncReadExt, AsyncWriteExt};
    /// use anyloop::net::{UnixListener, UnixStream};
    ///
    /// anyloop::run(async {
    ///     let dir = std::env::temp_dir().join(format!("anyloop-doc-{}", std::process::id()));
    ///     std::fs::create_dir_all(&dir)?;
    ///     let path = dir.join("echo.sock");
    ///     let _ = std::fs::remove_file(&path);
    ///     let listener = UnixListener::bind(&path)?;
    ///     let mut client = UnixStream::connect(&path).await?;
    ///     let (mut server, _) = listener.accept().await?;
    ///     client.write_all(b"hi").await?;
    ///     let mut buf = [0; 2];
    ///     server.read_exact(&mut buf).await?;
    ///     assert_eq!(&buf, b"hi");
    ///     std::fs::remove_dir_all(&dir)
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    UnixListener(ListenerInner: ListenerNative, DynUnixListener);

    /// A Unix-domain stream connection on the runtime that runs the caller;
    /// a byte stream.
    UnixStream(StreamInner: StreamNative, DynUnixStream);

    /// The read half of a [`UnixStream`], made by
    /// [`UnixStream::into_split`].
    UnixOwnedReadHalf(ReadHalfInner: ReadHalfNative, DynReadHalf);

    /// The write half of a [`UnixStream`], made by
    /// [`UnixStream::into_split`]. Dropping it shuts down the write side.
    UnixOwnedWriteHalf(WriteHalfInner: WriteHalfNative, DynWriteHalf);

    /// A Unix-domain datagram socket on the runtime that runs the caller.
    /// Every method takes `&self`.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::net::UnixDatagram;
    ///
    /// anyloop::run(async {
    ///     let (a, b) = UnixDatagram::pair()?;
    ///     a.send(b"ping").await?;
    ///     let mut buf = [0; 4];
    ///     assert_eq!(b.recv(&mut buf).await?, 4);
    ///     assert_eq!(&buf, b"ping");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    UnixDatagram(DatagramInner: DatagramNative, DynUnixDatagram);
}

byte_stream!(read: UnixStream(StreamInner: StreamNative), UnixOwnedReadHalf(ReadHalfInner: ReadHalfNative));
byte_stream!(write: UnixStream(StreamInner: StreamNative), UnixOwnedWriteHalf(WriteHalfInner: WriteHalfNative));

impl UnixListener {
    /// Binds to the file `path`, which must not exist yet.
    ///
    /// # Errors
    ///
    /// `AddrInUse` if the file exists.
    pub fn bind(path: impl AsRef<Path>) -> io::Result<UnixListener> {
        Current.bind_unix(path.as_ref())
    }

    /// Waits for a connection. Cancel safe.
    pub async fn accept(&self) -> io::Result<(UnixStream, SocketAddr)> {
        // The backend's own `accept`: async-io's lets several tasks wait on
        // one listener without waking each other in a loop.
        let (stream, addr) = match &self.0 {
            #[cfg(feature = "tokio")]
            ListenerInner::Native(ListenerNative::Tokio(l)) => {
                super::tokio_here()?;
                let (stream, addr) = core_net::UnixListener::accept(l).await?;
                (stream.into(), addr)
            }
            #[cfg(any(feature = "smol", feature = "async-std"))]
            ListenerInner::Native(ListenerNative::AsyncIo(l)) => {
                let (stream, addr) = core_net::UnixListener::accept(l).await?;
                (stream.into(), addr)
            }
            ListenerInner::Dyn(l) => {
                super::cold();
                let (stream, addr) = core_net::UnixListener::accept(l).await?;
                (stream.into(), addr)
            }
        };
        Ok((stream, addr))
    }

    /// Polls for a connection. The listener keeps the waker of the last
    /// caller only: to wait from several tasks, use `accept`.
    pub fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(UnixStream, SocketAddr)>> {
        on_io!(ListenerInner: ListenerNative, &self.0, l => core_net::UnixListener::poll_accept(l, cx)
            .map_ok(|(stream, addr)| (stream.into(), addr)))
    }

    /// The address it is bound to.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        on!(ListenerInner: ListenerNative, &self.0, l => core_net::UnixListener::local_addr(l))
    }

    /// Wraps a `std` listener, on the runtime that runs the caller.
    pub fn from_std(listener: std::os::unix::net::UnixListener) -> io::Result<UnixListener> {
        make!(R => <<R as Net>::UnixListener as core_net::UnixListener>::from_std(listener))
    }

    /// Returns the `std` listener, in blocking mode.
    pub fn into_std(self) -> io::Result<std::os::unix::net::UnixListener> {
        on!(ListenerInner: ListenerNative, self.0, l => core_net::UnixListener::into_std(l))
    }
}

impl UnixStream {
    /// Connects to the listener at `path`.
    ///
    /// # Errors
    ///
    /// `NotFound` if nothing is there; `ConnectionRefused` if the file is a
    /// socket nobody listens on; `WouldBlock` at once if the listener's
    /// backlog is full (the connect is not queued: try again later), on every
    /// backend.
    pub async fn connect(path: impl AsRef<Path>) -> io::Result<UnixStream> {
        Current.connect_unix(path.as_ref()).await
    }

    /// A connected pair.
    pub fn pair() -> io::Result<(UnixStream, UnixStream)> {
        make!(R => <<R as Net>::UnixStream as core_net::UnixStream>::pair()
            .map(|(a, b)| (a.into(), b.into())))
    }

    /// The local address.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        on!(StreamInner: StreamNative, &self.0, s => core_net::UnixStream::local_addr(s))
    }

    /// The peer's address.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        on!(StreamInner: StreamNative, &self.0, s => core_net::UnixStream::peer_addr(s))
    }

    /// Shuts down the read side, the write side, or both.
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        on!(StreamInner: StreamNative, &self.0, s => core_net::UnixStream::shutdown(s, how))
    }

    /// Splits into halves that two tasks can own. Dropping the write half
    /// shuts down the write side.
    pub fn into_split(self) -> (UnixOwnedReadHalf, UnixOwnedWriteHalf) {
        on!(StreamInner: StreamNative, self.0, s => {
            let (read, write) = core_net::UnixStream::into_split(s);
            (read.into(), write.into())
        })
    }

    /// Wraps a connected `std` stream, on the runtime that runs the caller.
    pub fn from_std(stream: std::os::unix::net::UnixStream) -> io::Result<UnixStream> {
        make!(R => <<R as Net>::UnixStream as core_net::UnixStream>::from_std(stream))
    }

    /// Returns the `std` stream, in blocking mode.
    pub fn into_std(self) -> io::Result<std::os::unix::net::UnixStream> {
        on!(StreamInner: StreamNative, self.0, s => core_net::UnixStream::into_std(s))
    }
}

/// Runs an async method of the backend socket, checking first that a tokio
/// socket is used from tokio.
macro_rules! datagram_io {
    ($socket:expr, $s:ident => $body:expr) => {
        match &$socket.0 {
            #[cfg(feature = "tokio")]
            DatagramInner::Native(DatagramNative::Tokio($s)) => {
                super::tokio_here()?;
                $body.await
            }
            #[cfg(any(feature = "smol", feature = "async-std"))]
            DatagramInner::Native(DatagramNative::AsyncIo($s)) => $body.await,
            DatagramInner::Dyn($s) => {
                super::cold();
                $body.await
            }
        }
    };
}

impl UnixDatagram {
    /// Binds to the file `path`, which must not exist yet.
    pub fn bind(path: impl AsRef<Path>) -> io::Result<UnixDatagram> {
        Current.bind_unix_datagram(path.as_ref())
    }

    /// A socket bound to no address.
    pub fn unbound() -> io::Result<UnixDatagram> {
        make!(R => <<R as Net>::UnixDatagram as core_net::UnixDatagram>::unbound())
    }

    /// A connected pair.
    pub fn pair() -> io::Result<(UnixDatagram, UnixDatagram)> {
        make!(R => <<R as Net>::UnixDatagram as core_net::UnixDatagram>::pair()
            .map(|(a, b)| (a.into(), b.into())))
    }

    /// Sets the default peer.
    pub fn connect(&self, path: impl AsRef<Path>) -> io::Result<()> {
        on!(DatagramInner: DatagramNative, &self.0, s => core_net::UnixDatagram::connect(s, path.as_ref()))
    }

    /// Sends to the connected peer.
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        datagram_io!(self, s => core_net::UnixDatagram::send(s, buf))
    }

    /// Receives from the connected peer. Cancel safe.
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        datagram_io!(self, s => core_net::UnixDatagram::recv(s, buf))
    }

    /// Sends to the socket bound at `path`.
    pub async fn send_to(&self, buf: &[u8], path: impl AsRef<Path>) -> io::Result<usize> {
        datagram_io!(self, s => core_net::UnixDatagram::send_to(s, buf, path.as_ref()))
    }

    /// Receives a datagram and its source. Cancel safe.
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        datagram_io!(self, s => core_net::UnixDatagram::recv_from(s, buf))
    }

    /// The local address.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        on!(DatagramInner: DatagramNative, &self.0, s => core_net::UnixDatagram::local_addr(s))
    }

    /// The connected peer's address.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        on!(DatagramInner: DatagramNative, &self.0, s => core_net::UnixDatagram::peer_addr(s))
    }

    /// Shuts down the read side, the write side, or both.
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        on!(DatagramInner: DatagramNative, &self.0, s => core_net::UnixDatagram::shutdown(s, how))
    }

    /// Wraps a `std` socket, on the runtime that runs the caller.
    pub fn from_std(socket: std::os::unix::net::UnixDatagram) -> io::Result<UnixDatagram> {
        make!(R => <<R as Net>::UnixDatagram as core_net::UnixDatagram>::from_std(socket))
    }

    /// Returns the `std` socket, in blocking mode.
    pub fn into_std(self) -> io::Result<std::os::unix::net::UnixDatagram> {
        on!(DatagramInner: DatagramNative, self.0, s => core_net::UnixDatagram::into_std(s))
    }
}

impl core_net::UnixListener for UnixListener {
    type Stream = UnixStream;

    fn from_std(listener: std::os::unix::net::UnixListener) -> io::Result<Self> {
        UnixListener::from_std(listener)
    }

    fn into_std(self) -> io::Result<std::os::unix::net::UnixListener> {
        UnixListener::into_std(self)
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        UnixListener::local_addr(self)
    }

    fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(UnixStream, SocketAddr)>> {
        UnixListener::poll_accept(self, cx)
    }

    // The inherent `accept`, which lets several tasks wait on one listener
    // (the trait's default, over `poll_accept`, keeps one waker only).
    fn accept(&self) -> impl Future<Output = io::Result<(UnixStream, SocketAddr)>> + Send {
        UnixListener::accept(self)
    }
}

impl core_net::UnixStream for UnixStream {
    type OwnedReadHalf = UnixOwnedReadHalf;
    type OwnedWriteHalf = UnixOwnedWriteHalf;

    fn from_std(stream: std::os::unix::net::UnixStream) -> io::Result<Self> {
        UnixStream::from_std(stream)
    }

    fn into_std(self) -> io::Result<std::os::unix::net::UnixStream> {
        UnixStream::into_std(self)
    }

    fn pair() -> io::Result<(Self, Self)> {
        UnixStream::pair()
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        UnixStream::local_addr(self)
    }

    fn peer_addr(&self) -> io::Result<SocketAddr> {
        UnixStream::peer_addr(self)
    }

    fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        UnixStream::shutdown(self, how)
    }

    fn into_split(self) -> (UnixOwnedReadHalf, UnixOwnedWriteHalf) {
        UnixStream::into_split(self)
    }
}

impl core_net::UnixDatagram for UnixDatagram {
    fn from_std(socket: std::os::unix::net::UnixDatagram) -> io::Result<Self> {
        UnixDatagram::from_std(socket)
    }

    fn into_std(self) -> io::Result<std::os::unix::net::UnixDatagram> {
        UnixDatagram::into_std(self)
    }

    fn unbound() -> io::Result<Self> {
        UnixDatagram::unbound()
    }

    fn pair() -> io::Result<(Self, Self)> {
        UnixDatagram::pair()
    }

    fn connect(&self, path: &Path) -> io::Result<()> {
        UnixDatagram::connect(self, path)
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        UnixDatagram::local_addr(self)
    }

    fn peer_addr(&self) -> io::Result<SocketAddr> {
        UnixDatagram::peer_addr(self)
    }

    fn send(&self, buf: &[u8]) -> impl Future<Output = io::Result<usize>> + Send {
        UnixDatagram::send(self, buf)
    }

    fn recv(&self, buf: &mut [u8]) -> impl Future<Output = io::Result<usize>> + Send {
        UnixDatagram::recv(self, buf)
    }

    fn send_to(&self, buf: &[u8], path: &Path) -> impl Future<Output = io::Result<usize>> + Send {
        UnixDatagram::send_to(self, buf, path)
    }

    fn recv_from(
        &self,
        buf: &mut [u8],
    ) -> impl Future<Output = io::Result<(usize, SocketAddr)>> + Send {
        UnixDatagram::recv_from(self, buf)
    }

    fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        UnixDatagram::shutdown(self, how)
    }
}
