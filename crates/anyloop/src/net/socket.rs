//! `TcpSocket`: a TCP socket set up before it listens or connects.

use std::fmt;
use std::io;
use std::net::SocketAddr;

use anyloop_core::net::Net;

use super::{TcpListener, TcpStream};
use crate::rt::Current;

/// A TCP socket that is neither listening nor connected yet, to set options
/// that must come first: the listen backlog, address and port reuse, buffer
/// sizes, a bind before a connect. Named and shaped like tokio's
/// `TcpSocket`, on every backend.
///
/// [`listen`](TcpSocket::listen) makes a [`TcpListener`] and
/// [`connect`](TcpSocket::connect) a [`TcpStream`], on the runtime that runs
/// the caller. Until then the socket belongs to no runtime (it is a
/// socket2 socket; options are set with blocking system calls that return at
/// once).
///
/// [`TcpListener::bind`] is this with `SO_REUSEADDR` on Unix and a backlog
/// of 1024 (`DEFAULT_BACKLOG`, tokio's).
///
/// # Examples
///
/// A listener with a backlog of 4096 (the kernel caps it at its own
/// maximum), and a client whose source address is chosen first:
///
/// ```
/// use std::net::SocketAddr;
/// use anyloop::net::TcpSocket;
///
/// anyloop::run(async {
///     let socket = TcpSocket::new_v4()?;
///     socket.set_reuseaddr(true)?;
///     socket.bind("127.0.0.1:0".parse()?)?;
///     let listener = socket.listen(4096)?;
///     let addr = listener.local_addr()?;
///
///     let client = TcpSocket::new_v4()?;
///     client.bind("127.0.0.1:0".parse()?)?;
///     let from: SocketAddr = client.local_addr()?;
///     let stream = client.connect(addr).await?;
///     let (_, peer) = listener.accept().await?;
///     assert_eq!((stream.local_addr()?, peer), (from, from));
///     Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
/// })?;
/// # Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
/// ```
pub struct TcpSocket {
    inner: socket2::Socket,
}

impl TcpSocket {
    /// Makes an IPv4 TCP socket.
    ///
    /// # Errors
    ///
    /// The error of the `socket` call (out of file descriptors: `EMFILE`).
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::net::TcpSocket;
    ///
    /// let socket = TcpSocket::new_v4()?;
    /// socket.bind("127.0.0.1:0".parse().unwrap())?;
    /// assert!(socket.local_addr()?.is_ipv4());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn new_v4() -> io::Result<TcpSocket> {
        TcpSocket::new(socket2::Domain::IPV4)
    }

    /// Makes an IPv6 TCP socket.
    ///
    /// # Errors
    ///
    /// The error of the `socket` call, such as `EAFNOSUPPORT` on a host
    /// without IPv6.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::net::TcpSocket;
    ///
    /// // A host may have IPv6 disabled: then there is no socket to make.
    /// if let Ok(socket) = TcpSocket::new_v6() {
    ///     if socket.bind("[::1]:0".parse().unwrap()).is_ok() {
    ///         assert!(socket.local_addr()?.is_ipv6());
    ///     }
    /// }
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn new_v6() -> io::Result<TcpSocket> {
        TcpSocket::new(socket2::Domain::IPV6)
    }

    fn new(domain: socket2::Domain) -> io::Result<TcpSocket> {
        // socket2 sets close-on-exec (and, where there is one, no SIGPIPE).
        let inner =
            socket2::Socket::new(domain, socket2::Type::STREAM, Some(socket2::Protocol::TCP))?;
        Ok(TcpSocket { inner })
    }

    /// Wraps a `std` stream that is not connected yet (made with socket2,
    /// for example, to set an option this type does not offer).
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::net::TcpSocket;
    ///
    /// let raw = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)?;
    /// raw.set_tcp_keepalive(&socket2::TcpKeepalive::new())?;
    /// let socket = TcpSocket::from_std_stream(raw.into());
    /// socket.bind("127.0.0.1:0".parse().unwrap())?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn from_std_stream(stream: std::net::TcpStream) -> TcpSocket {
        TcpSocket {
            inner: stream.into(),
        }
    }

    /// Lets the socket bind an address that a closed connection still holds
    /// (`SO_REUSEADDR`): a restarted server can listen again at once.
    ///
    /// # Errors
    ///
    /// The error of the `setsockopt` call.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::net::TcpSocket;
    ///
    /// let socket = TcpSocket::new_v4()?;
    /// socket.set_reuseaddr(true)?;
    /// assert!(socket.reuseaddr()?);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn set_reuseaddr(&self, reuseaddr: bool) -> io::Result<()> {
        self.inner.set_reuse_address(reuseaddr)
    }

    /// Whether `SO_REUSEADDR` is set.
    ///
    /// # Errors
    ///
    /// The error of the `getsockopt` call.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::net::TcpSocket;
    ///
    /// let socket = TcpSocket::new_v4()?;
    /// socket.set_reuseaddr(false)?;
    /// assert!(!socket.reuseaddr()?);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn reuseaddr(&self) -> io::Result<bool> {
        self.inner.reuse_address()
    }

    /// Lets several sockets bind the same address and port
    /// (`SO_REUSEPORT`): the kernel spreads incoming connections over their
    /// listeners. Unix only.
    ///
    /// # Errors
    ///
    /// The error of the `setsockopt` call.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::net::TcpSocket;
    ///
    /// anyloop::run(async {
    ///     let first = TcpSocket::new_v4()?;
    ///     first.set_reuseport(true)?;
    ///     first.bind("127.0.0.1:0".parse().unwrap())?;
    ///     let addr = first.local_addr()?;
    ///     let second = TcpSocket::new_v4()?;
    ///     second.set_reuseport(true)?;
    ///     second.bind(addr)?; // the same port
    ///     assert!(second.reuseport()?);
    ///     let (_a, _b) = (first.listen(128)?, second.listen(128)?);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[cfg(all(
        unix,
        not(any(target_os = "solaris", target_os = "illumos", target_os = "cygwin"))
    ))]
    pub fn set_reuseport(&self, reuseport: bool) -> io::Result<()> {
        self.inner.set_reuse_port(reuseport)
    }

    /// Whether `SO_REUSEPORT` is set. Unix only.
    ///
    /// # Errors
    ///
    /// The error of the `getsockopt` call.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::net::TcpSocket;
    ///
    /// let socket = TcpSocket::new_v4()?;
    /// assert!(!socket.reuseport()?);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[cfg(all(
        unix,
        not(any(target_os = "solaris", target_os = "illumos", target_os = "cygwin"))
    ))]
    pub fn reuseport(&self) -> io::Result<bool> {
        self.inner.reuse_port()
    }

    /// Sets the size of the kernel's send buffer (`SO_SNDBUF`). The kernel
    /// may round it (Linux doubles it for its own bookkeeping and applies a
    /// minimum and a maximum): read the result back with
    /// [`send_buffer_size`](TcpSocket::send_buffer_size).
    ///
    /// # Errors
    ///
    /// The error of the `setsockopt` call; `InvalidInput` for a size above
    /// `i32::MAX`.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::net::TcpSocket;
    ///
    /// let socket = TcpSocket::new_v4()?;
    /// socket.set_send_buffer_size(64 * 1024)?;
    /// assert!(socket.send_buffer_size()? >= 64 * 1024);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn set_send_buffer_size(&self, size: u32) -> io::Result<()> {
        self.inner.set_send_buffer_size(buffer_size(size)?)
    }

    /// The size of the kernel's send buffer (`SO_SNDBUF`).
    ///
    /// # Errors
    ///
    /// The error of the `getsockopt` call.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::net::TcpSocket;
    ///
    /// assert!(TcpSocket::new_v4()?.send_buffer_size()? > 0);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn send_buffer_size(&self) -> io::Result<u32> {
        self.inner.send_buffer_size().map(saturate)
    }

    /// Sets the size of the kernel's receive buffer (`SO_RCVBUF`); the
    /// kernel may round it, as for
    /// [`set_send_buffer_size`](TcpSocket::set_send_buffer_size).
    ///
    /// # Errors
    ///
    /// The error of the `setsockopt` call; `InvalidInput` for a size above
    /// `i32::MAX`.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::net::TcpSocket;
    ///
    /// let socket = TcpSocket::new_v4()?;
    /// socket.set_recv_buffer_size(64 * 1024)?;
    /// assert!(socket.recv_buffer_size()? >= 64 * 1024);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn set_recv_buffer_size(&self, size: u32) -> io::Result<()> {
        self.inner.set_recv_buffer_size(buffer_size(size)?)
    }

    /// The size of the kernel's receive buffer (`SO_RCVBUF`).
    ///
    /// # Errors
    ///
    /// The error of the `getsockopt` call.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::net::TcpSocket;
    ///
    /// assert!(TcpSocket::new_v4()?.recv_buffer_size()? > 0);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn recv_buffer_size(&self) -> io::Result<u32> {
        self.inner.recv_buffer_size().map(saturate)
    }

    /// Turns Nagle's algorithm off (`true`) or on for the connection to
    /// come (`TCP_NODELAY`).
    ///
    /// # Errors
    ///
    /// The error of the `setsockopt` call.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::net::TcpSocket;
    ///
    /// let socket = TcpSocket::new_v4()?;
    /// socket.set_nodelay(true)?;
    /// assert!(socket.nodelay()?);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.inner.set_tcp_nodelay(nodelay)
    }

    /// Whether Nagle's algorithm is off (`TCP_NODELAY`).
    ///
    /// # Errors
    ///
    /// The error of the `getsockopt` call.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::net::TcpSocket;
    ///
    /// assert!(!TcpSocket::new_v4()?.nodelay()?);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn nodelay(&self) -> io::Result<bool> {
        self.inner.tcp_nodelay()
    }

    /// Binds the socket to `addr` (port 0: any free port), before it listens
    /// or connects.
    ///
    /// # Errors
    ///
    /// `AddrInUse` if the address is taken, `AddrNotAvailable` if it is not
    /// this host's, `InvalidInput` for an address of the other family or a
    /// second bind.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::net::TcpSocket;
    ///
    /// let socket = TcpSocket::new_v4()?;
    /// socket.bind("127.0.0.1:0".parse().unwrap())?;
    /// assert_ne!(socket.local_addr()?.port(), 0);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn bind(&self, addr: SocketAddr) -> io::Result<()> {
        self.inner.bind(&addr.into())
    }

    /// The address the socket is bound to.
    ///
    /// # Errors
    ///
    /// The error of the `getsockname` call.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::net::TcpSocket;
    ///
    /// let socket = TcpSocket::new_v4()?;
    /// // Not bound yet: the unspecified address, port 0.
    /// assert_eq!(socket.local_addr()?, "0.0.0.0:0".parse().unwrap());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner
            .local_addr()?
            .as_socket()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "not an IP socket address"))
    }

    /// Listens with room for `backlog` connections that are established but
    /// not accepted yet (the kernel caps it at its maximum, `somaxconn` on
    /// Linux), on the runtime that runs the caller. An unbound socket
    /// listens on a free port.
    ///
    /// # Errors
    ///
    /// The error of the `listen` call; `InvalidInput` for a backlog above
    /// `i32::MAX`.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::net::{TcpSocket, TcpStream};
    ///
    /// anyloop::run(async {
    ///     let socket = TcpSocket::new_v4()?;
    ///     socket.bind("127.0.0.1:0".parse().unwrap())?;
    ///     let listener = socket.listen(1024)?;
    ///     let _client = TcpStream::connect(listener.local_addr()?).await?;
    ///     listener.accept().await?;
    ///     std::io::Result::Ok(())
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn listen(self, backlog: u32) -> io::Result<TcpListener> {
        let backlog = i32::try_from(backlog)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "a backlog above i32::MAX"))?;
        self.inner.listen(backlog)?;
        TcpListener::from_std(self.inner.into())
    }

    /// Connects to `addr`, on the runtime that runs the caller.
    ///
    /// # Errors
    ///
    /// `ConnectionRefused` when nothing listens there; the error of the
    /// connection otherwise.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::net::{TcpListener, TcpSocket};
    ///
    /// anyloop::run(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0").await?;
    ///     let socket = TcpSocket::new_v4()?;
    ///     socket.set_nodelay(true)?;
    ///     let stream = socket.connect(listener.local_addr()?).await?;
    ///     assert!(stream.nodelay()?);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub async fn connect(self, addr: SocketAddr) -> io::Result<TcpStream> {
        Current.connect_tcp_socket(self.inner.into(), addr).await
    }
}

/// A buffer size as the system call takes it.
fn buffer_size(size: u32) -> io::Result<usize> {
    if i32::try_from(size).is_err() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "a buffer size above i32::MAX",
        ));
    }
    Ok(size as usize)
}

fn saturate(size: usize) -> u32 {
    u32::try_from(size).unwrap_or(u32::MAX)
}

impl fmt::Debug for TcpSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TcpSocket")
            .field("local_addr", &self.local_addr().ok())
            .finish()
    }
}

#[cfg(unix)]
impl std::os::fd::AsFd for TcpSocket {
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        self.inner.as_fd()
    }
}

#[cfg(unix)]
impl std::os::fd::AsRawFd for TcpSocket {
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        self.inner.as_raw_fd()
    }
}

#[cfg(unix)]
impl From<TcpSocket> for std::os::fd::OwnedFd {
    fn from(socket: TcpSocket) -> Self {
        socket.inner.into()
    }
}
