//! Sockets on the runtime that runs the caller: TCP, UDP, Unix domain, and
//! name resolution.
//!
//! Written once, these work on every backend with one meaning:
//!
//! - Errors are `io::Error`s with the kind of the failure, the same on every
//!   backend: a refused connection is `ConnectionRefused`, an address in use
//!   `AddrInUse`, a write to a connection the peer reset `BrokenPipe` or
//!   `ConnectionReset`; a read after the peer closed its side gives `Ok(0)`.
//!   Bad input (an unparsable address, a port out of range) is an
//!   `InvalidInput` error, never a panic.
//! - Byte streams implement `futures-io`'s `AsyncRead`/`AsyncWrite` (see
//!   [`crate::io`] for the extension traits), the traits that runtime-
//!   independent crates accept; with the `tokio-io` feature they implement
//!   tokio's too, and with the `hyper` feature hyper's (`anyloop::hyper`).
//! - **Cancel safety**: `accept`, `read`, `recv`, `recv_from` and `peek`
//!   are cancel safe: dropping the future before it completes loses no
//!   connection and no byte. Writes and `send` are not: a dropped write may
//!   have sent part of its buffer.
//! - Dropping an owned write half ([`TcpStream::into_split`]) shuts down the
//!   write side, so the peer reads the end of the stream.
//! - [`TcpListener::bind`] has room for 1024 connections that are not
//!   accepted yet (tokio's backlog; `std`'s is 128), on every backend; for
//!   another backlog, address or port reuse, buffer sizes or a bind before a
//!   connect, set the socket up with [`TcpSocket`] first.
//!
//! # One runtime per socket
//!
//! A socket belongs to the runtime that runs the code creating it: tokio's
//! reactor under tokio, async-io's under smol and async-std. async-io's
//! sockets work from any thread. tokio's need their tokio runtime to be
//! running: a tokio socket used from a task of another backend is an
//! `io::Error` naming both runtimes, not a hang. The check is made on every
//! poll of a read, a write or a datagram call (`send_to`, `recv_from`,
//! ...), so a read fails there also when the bytes are already waiting, and
//! takes none of them.
//!
//! # On a plug-in runtime
//!
//! Under a plug-in runtime ([`Runtime::from_dyn`](crate::Runtime::from_dyn)),
//! with any feature set (tokio alone too), the sockets are the plug-in's
//! own: made by its `DynRuntime` socket constructors (`dyn_bind_tcp`,
//! `dyn_connect_tcp`, `dyn_bind_udp`, `dyn_bind_unix`, ...) and driven by
//! its reactor, behind the dyn face's boxed socket types
//! (`rt::dyn_rt::DynTcpStream`, ...). Everything the dyn sockets do works
//! as on the built-in backends: `from_std`/`into_std` (`from_std` and the
//! Unix `pair`/`unbound` are made by the plug-in in context, the one
//! running the caller), `into_split` and the owned halves (dropping the
//! write half shuts the write side down), `peer_addr` and the socket
//! options, [`TcpSocket`] (its connect goes through
//! `dyn_connect_tcp_socket`, its listener through `from_std`), Unix
//! sockets, and the `tokio-io` and `hyper` traits (they forward to
//! `futures-io`'s). Errors keep the kind the plug-in gives them. Outside
//! the plug-in's context (which a thread marked as the plug-in's always
//! has), making a socket is an `Unsupported` error naming the rule, never
//! a panic; a plug-in's socket is polled from wherever it is used, as
//! async-io's are.
//!
//! # Examples
//!
//! ```
//! use anyloop::io::{AsyncReadExt, AsyncWriteExt};
//! use anyloop::net::{TcpListener, TcpStream};
//!
//! anyloop::run(async {
//!     let listener = TcpListener::bind("127.0.0.1:0").await?;
//!     let addr = listener.local_addr()?;
//!     let server = anyloop::spawn(async move {
//!         let (mut peer, _) = listener.accept().await?;
//!         let mut buf = [0; 5];
//!         peer.read_exact(&mut buf).await?;
//!         peer.write_all(&buf).await?;
//!         std::io::Result::Ok(())
//!     });
//!     let mut client = TcpStream::connect(addr).await?;
//!     client.write_all(b"hello").await?;
//!     let mut echoed = [0; 5];
//!     client.read_exact(&mut echoed).await?;
//!     assert_eq!(&echoed, b"hello");
//!     server.await??;
//!     Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
//! })?;
//! # Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
//! ```

mod addr;
mod socket;
mod tcp;
mod udp;
#[cfg(unix)]
mod unix;

#[doc(hidden)]
pub use addr::Resolve;
pub use addr::{ToSocketAddrs, lookup_host};
pub use socket::TcpSocket;
pub use tcp::{Incoming, OwnedReadHalf, OwnedWriteHalf, TcpListener, TcpStream};
pub use udp::UdpSocket;
#[cfg(unix)]
pub use unix::{UnixDatagram, UnixListener, UnixOwnedReadHalf, UnixOwnedWriteHalf, UnixStream};

pub(crate) use addr::each_addr;

/// Declares socket types: a struct over a private enum `$inner` of two
/// variants: `Native`, the built-in backends' socket (`$native`: one variant
/// per reactor, `anyloop_tokio::net::X`, `anyloop_async_io::net::X`), and,
/// last, `Dyn`, a plug-in runtime's own socket (`$dyn`, a boxed socket of
/// the dyn face); `From` each of them, and `Debug`.
///
/// Two levels rather than three variants side by side: the discriminant of
/// a flat enum is computed with arithmetic on the niche, a few instructions
/// more on every built-in dispatch (measured with `count_net`); nested, each
/// `match` is one comparison, so the built-in arms keep their cost.
macro_rules! socket_types {
    ($($(#[$doc:meta])* $name:ident($inner:ident: $native:ident, $dyn:ident);)*) => {$(
        $(#[$doc])*
        pub struct $name($inner);

        enum $inner {
            Native($native),
            // Reached through `crate::net::cold()`.
            Dyn(anyloop_core::dyn_rt::$dyn),
        }

        enum $native {
            #[cfg(feature = "tokio")]
            Tokio(anyloop_tokio::net::$name),
            #[cfg(any(feature = "smol", feature = "async-std"))]
            AsyncIo(anyloop_async_io::net::$name),
        }

        #[cfg(feature = "tokio")]
        impl From<anyloop_tokio::net::$name> for $name {
            #[inline]
            fn from(io: anyloop_tokio::net::$name) -> Self {
                $name($inner::Native($native::Tokio(io)))
            }
        }

        #[cfg(any(feature = "smol", feature = "async-std"))]
        impl From<anyloop_async_io::net::$name> for $name {
            #[inline]
            fn from(io: anyloop_async_io::net::$name) -> Self {
                $name($inner::Native($native::AsyncIo(io)))
            }
        }

        impl From<anyloop_core::dyn_rt::$dyn> for $name {
            fn from(io: anyloop_core::dyn_rt::$dyn) -> Self {
                $name($inner::Dyn(io))
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                crate::net::on_socket!($inner: $native, &self.0, io => io.fmt(f))
            }
        }
    )*};
}

/// Marks the path that calls it as unlikely (`#[cold]`): the `Dyn` arms of
/// the socket dispatch that `.await` call it first, so that the compiler
/// lays the built-in backends' arms out as the hot path.
#[cold]
#[inline(never)]
pub(crate) fn cold() {}

/// Runs `f` out of line, as an unlikely path: the `Dyn` arm of
/// `on_socket!`/`on_io!`, so that the plug-in's code is not inlined into the
/// built-in backends' dispatch (where it took registers and instructions
/// from their path).
#[cold]
#[inline(never)]
pub(crate) fn cold_path<T>(f: impl FnOnce() -> T) -> T {
    f()
}

/// `on_socket!(Inner: Native, value, socket => body)` (imported as `on!` by the
/// socket modules): runs `body` with the backend's socket, or the
/// plug-in's.
macro_rules! on_socket {
    ($inner:ident: $native:ident, $value:expr, $socket:ident => $body:expr) => {
        match $value {
            $inner::Native(native) => match native {
                #[cfg(feature = "tokio")]
                $native::Tokio($socket) => $body,
                #[cfg(any(feature = "smol", feature = "async-std"))]
                $native::AsyncIo($socket) => $body,
            },
            $inner::Dyn($socket) => crate::net::cold_path(|| $body),
        }
    };
}

/// `on!(Inner, value, x => body)`: the same dispatch over the two reactors,
/// for the types of `crate::io::io_types!` (files, processes, signals),
/// which have no plug-in variant.
macro_rules! on {
    ($inner:ident, $value:expr, $socket:ident => $body:expr) => {
        match $value {
            #[cfg(feature = "tokio")]
            $inner::Tokio($socket) => $body,
            #[cfg(any(feature = "smol", feature = "async-std"))]
            $inner::AsyncIo($socket) => $body,
        }
    };
}

/// `on_io!(Inner: Native, value, socket => poll expression)`: as `on_socket!`, but a
/// tokio socket polled from a task of another backend gives an error (see
/// the module docs) instead of waiting on a reactor that may not be running.
/// A plug-in's socket is polled wherever it is (its reactor is its own).
///
/// The check is made on every poll (a ready read must fail where a waiting
/// one would), so it is kept to one thread-local read and one test
/// (`tokio_ok`), and the two built-in arms are the only ones inlined: the
/// plug-in's arm and the wrong-runtime error (which checks again, for the
/// error) run out of line, in one `cold_path`, which keeps the poll small
/// (measured with `count_net`: 52 instructions per TCP round trip less on
/// tokio, 29 on smol, than an arm per variant with the check inside).
macro_rules! on_io {
    ($inner:ident: $native:ident, $value:expr, $socket:ident => $body:expr) => {
        match $value {
            #[cfg(feature = "tokio")]
            $inner::Native($native::Tokio($socket)) if crate::net::tokio_ok() => $body,
            #[cfg(any(feature = "smol", feature = "async-std"))]
            $inner::Native($native::AsyncIo($socket)) => $body,
            other => crate::net::cold_path(move || match other {
                #[cfg(feature = "tokio")]
                $inner::Native($native::Tokio($socket)) => match crate::net::tokio_here() {
                    Ok(()) => $body,
                    Err(err) => std::task::Poll::Ready(Err(err)),
                },
                #[cfg(any(feature = "smol", feature = "async-std"))]
                $inner::Native($native::AsyncIo($socket)) => $body,
                $inner::Dyn($socket) => $body,
            }),
        }
    };
}

/// A tokio socket's `poll_read`, out of line: `byte_stream!`'s tokio arm
/// jumps to it (a tail call), which kept the ambient `read_exact` loop
/// shorter than the same code inlined next to async-io's.
#[cfg(feature = "tokio")]
#[inline(never)]
pub(crate) fn tokio_poll_read<S: futures_io::AsyncRead + Unpin>(
    s: &mut S,
    cx: &mut std::task::Context<'_>,
    buf: &mut [u8],
) -> std::task::Poll<std::io::Result<usize>> {
    std::pin::Pin::new(s).poll_read(cx, buf)
}

/// A tokio socket's `poll_write`, out of line, as [`tokio_poll_read`].
#[cfg(feature = "tokio")]
#[inline(never)]
pub(crate) fn tokio_poll_write<S: futures_io::AsyncWrite + Unpin>(
    s: &mut S,
    cx: &mut std::task::Context<'_>,
    buf: &[u8],
) -> std::task::Poll<std::io::Result<usize>> {
    std::pin::Pin::new(s).poll_write(cx, buf)
}

/// Whether a tokio socket may be polled here: `tokio_here().is_ok()`, as
/// one test of the thread's backend mark (`None` and `Some(Tokio)` pass).
#[cfg(feature = "tokio")]
#[inline(always)]
pub(crate) fn tokio_ok() -> bool {
    matches!(crate::rt::polling(), None | Some(crate::Backend::Tokio))
}

/// Checks that a tokio socket is used from tokio (or from code anyloop did
/// not spawn, which it cannot tell apart).
#[cfg(feature = "tokio")]
#[inline]
pub(crate) fn tokio_here() -> std::io::Result<()> {
    match crate::rt::polling() {
        Some(backend) if backend != crate::Backend::Tokio => Err(wrong_runtime(backend)),
        _ => Ok(()),
    }
}

#[cfg(feature = "tokio")]
#[cold]
fn wrong_runtime(backend: crate::Backend) -> std::io::Error {
    std::io::Error::other(format!(
        "a socket created under tokio was used from a task of the {backend} backend: \
         a socket belongs to the runtime that created it"
    ))
}

/// `make!(R => expression)`: evaluates the expression (which may `.await`)
/// with `R` naming the backend handle type (`Tokio`, `Smol`, `AsyncStd`) of
/// the runtime that runs the caller, and converts its `io::Result`.
macro_rules! make {
    ($R:ident => $body:expr) => {
        match crate::rt::current_backend() {
            #[cfg(feature = "tokio")]
            crate::Backend::Tokio => {
                type $R = crate::rt::Tokio;
                $body.map(Into::into)
            }
            #[cfg(feature = "smol")]
            crate::Backend::Smol => {
                type $R = crate::rt::Smol;
                $body.map(Into::into)
            }
            #[cfg(feature = "async-std")]
            crate::Backend::AsyncStd => {
                type $R = crate::rt::AsyncStd;
                $body.map(Into::into)
            }
            // A plug-in runtime's sockets are its own, made by its
            // `DynRuntime` constructors (see `PluginNet`).
            crate::Backend::Custom(_) => {
                crate::net::cold();
                type $R = crate::net::PluginNet;
                $body.map(Into::into)
            }
        }
    };
}

/// The sockets of the plug-in runtime that runs the caller
/// (`Backend::Custom`): its own, made by its [`DynRuntime`] constructors
/// (`dyn_bind_tcp`, `dyn_connect_tcp`, ...; `from_std` and the Unix pairs
/// through the dyn context), so that a plug-in whose reactor is its own
/// (io_uring, an in-house one) serves `anyloop::net`.
///
/// [`DynRuntime`]: anyloop_core::dyn_rt::DynRuntime
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct PluginNet;

/// The plug-in runtime in context, or an `Unsupported` error naming the
/// rule (a thread marked with a plug-in's name always has it in context:
/// `Runtime::from_dyn`'s `block_on` and the plug-in's tasks set both).
#[cold]
fn plugin() -> std::io::Result<std::sync::Arc<dyn anyloop_core::dyn_rt::DynRuntime>> {
    anyloop_core::dyn_rt::current().ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::Unsupported,
            "anyloop::net: the plug-in runtime that runs this code is not in context \
             (run it inside `Runtime::from_dyn(..).block_on` or the plug-in's tasks)",
        )
    })
}

impl anyloop_core::net::Net for PluginNet {
    type TcpListener = anyloop_core::dyn_rt::DynTcpListener;
    type TcpStream = anyloop_core::dyn_rt::DynTcpStream;
    type UdpSocket = anyloop_core::dyn_rt::DynUdpSocket;
    #[cfg(unix)]
    type UnixListener = anyloop_core::dyn_rt::DynUnixListener;
    #[cfg(unix)]
    type UnixStream = anyloop_core::dyn_rt::DynUnixStream;
    #[cfg(unix)]
    type UnixDatagram = anyloop_core::dyn_rt::DynUnixDatagram;

    fn bind_tcp(&self, addr: std::net::SocketAddr) -> std::io::Result<Self::TcpListener> {
        plugin()?.dyn_bind_tcp(addr)
    }

    async fn connect_tcp(&self, addr: std::net::SocketAddr) -> std::io::Result<Self::TcpStream> {
        let connect = plugin()?.dyn_connect_tcp(addr);
        connect.await
    }

    async fn connect_tcp_socket(
        &self,
        socket: std::net::TcpStream,
        addr: std::net::SocketAddr,
    ) -> std::io::Result<Self::TcpStream> {
        let connect = plugin()?.dyn_connect_tcp_socket(socket, addr);
        connect.await
    }

    fn bind_udp(&self, addr: std::net::SocketAddr) -> std::io::Result<Self::UdpSocket> {
        plugin()?.dyn_bind_udp(addr)
    }

    #[cfg(unix)]
    fn bind_unix(&self, path: &std::path::Path) -> std::io::Result<Self::UnixListener> {
        plugin()?.dyn_bind_unix(path)
    }

    #[cfg(unix)]
    async fn connect_unix(&self, path: &std::path::Path) -> std::io::Result<Self::UnixStream> {
        let connect = plugin()?.dyn_connect_unix(path);
        connect.await
    }

    #[cfg(unix)]
    fn bind_unix_datagram(&self, path: &std::path::Path) -> std::io::Result<Self::UnixDatagram> {
        plugin()?.dyn_bind_unix_datagram(path)
    }
}

/// Implements the futures-io traits (and tokio's, with `tokio-io`; hyper's,
/// with `hyper`) for socket types by dispatch.
///
/// `poll_read` and `poll_write`, the calls of every `read_exact` and
/// `write_all` loop, dispatch by hand rather than with `on_io!`: the tokio
/// arm (checked, see `on_io!`) jumps to `tokio_poll_read`/`_write`, the
/// async-io arm is inlined, and the rest (a plug-in's socket, a tokio
/// socket polled from another backend) is one cold method of the inner
/// enum, so that none of them takes registers or code from the others;
/// `poll_write` is not inlined into `write_all`'s loop, which then is into
/// the caller's (measured with `count_net`, tokio's ambient TCP round trip:
/// 30 instructions less than with `on_io!` inlined everywhere).
macro_rules! byte_stream {
    (read: $($name:ident($inner:ident: $native:ident)),*) => {$(
        impl futures_io::AsyncRead for $name {
            #[inline]
            fn poll_read(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &mut [u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                match &mut self.get_mut().0 {
                    #[cfg(feature = "tokio")]
                    $inner::Native($native::Tokio(s)) if crate::net::tokio_ok() => {
                        crate::net::tokio_poll_read(s, cx, buf)
                    }
                    #[cfg(any(feature = "smol", feature = "async-std"))]
                    $inner::Native($native::AsyncIo(s)) => std::pin::Pin::new(s).poll_read(cx, buf),
                    other => other.slow_poll_read(cx, buf),
                }
            }

            #[inline]
            fn poll_read_vectored(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                bufs: &mut [std::io::IoSliceMut<'_>],
            ) -> std::task::Poll<std::io::Result<usize>> {
                crate::net::on_io!($inner: $native, &mut self.get_mut().0, s => std::pin::Pin::new(s).poll_read_vectored(cx, bufs))
            }
        }

        impl $inner {
            #[cold]
            #[inline(never)]
            fn slow_poll_read(
                &mut self,
                cx: &mut std::task::Context<'_>,
                buf: &mut [u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                crate::net::on_io!($inner: $native, self, s => futures_io::AsyncRead::poll_read(std::pin::Pin::new(s), cx, buf))
            }
        }

        crate::io::tokio_io!(read: $name);
        crate::io::hyper_io!(read: $name);
    )*};
    (write: $($name:ident($inner:ident: $native:ident)),*) => {$(
        impl futures_io::AsyncWrite for $name {
            #[inline(never)]
            fn poll_write(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &[u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                match &mut self.get_mut().0 {
                    #[cfg(feature = "tokio")]
                    $inner::Native($native::Tokio(s)) if crate::net::tokio_ok() => {
                        crate::net::tokio_poll_write(s, cx, buf)
                    }
                    #[cfg(any(feature = "smol", feature = "async-std"))]
                    $inner::Native($native::AsyncIo(s)) => std::pin::Pin::new(s).poll_write(cx, buf),
                    other => other.slow_poll_write(cx, buf),
                }
            }

            #[inline]
            fn poll_write_vectored(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                bufs: &[std::io::IoSlice<'_>],
            ) -> std::task::Poll<std::io::Result<usize>> {
                crate::net::on_io!($inner: $native, &mut self.get_mut().0, s => std::pin::Pin::new(s).poll_write_vectored(cx, bufs))
            }

            #[inline]
            fn poll_flush(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                crate::net::on_io!($inner: $native, &mut self.get_mut().0, s => std::pin::Pin::new(s).poll_flush(cx))
            }

            #[inline]
            fn poll_close(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                crate::net::on_io!($inner: $native, &mut self.get_mut().0, s => std::pin::Pin::new(s).poll_close(cx))
            }
        }

        impl $inner {
            #[cold]
            #[inline(never)]
            fn slow_poll_write(
                &mut self,
                cx: &mut std::task::Context<'_>,
                buf: &[u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                crate::net::on_io!($inner: $native, self, s => futures_io::AsyncWrite::poll_write(std::pin::Pin::new(s), cx, buf))
            }
        }

        crate::io::tokio_io!(write: $name);
        crate::io::hyper_io!(write: $name);
    )*};
}

pub(crate) use {byte_stream, make, on, on_io, on_socket, socket_types};

impl anyloop_core::net::Net for crate::rt::Current {
    type TcpListener = TcpListener;
    type TcpStream = TcpStream;
    type UdpSocket = UdpSocket;
    #[cfg(unix)]
    type UnixListener = UnixListener;
    #[cfg(unix)]
    type UnixStream = UnixStream;
    #[cfg(unix)]
    type UnixDatagram = UnixDatagram;

    fn bind_tcp(&self, addr: std::net::SocketAddr) -> std::io::Result<TcpListener> {
        make!(R => R::default().bind_tcp(addr))
    }

    async fn connect_tcp(&self, addr: std::net::SocketAddr) -> std::io::Result<TcpStream> {
        make!(R => R::default().connect_tcp(addr).await)
    }

    async fn connect_tcp_socket(
        &self,
        socket: std::net::TcpStream,
        addr: std::net::SocketAddr,
    ) -> std::io::Result<TcpStream> {
        make!(R => R::default().connect_tcp_socket(socket, addr).await)
    }

    fn bind_udp(&self, addr: std::net::SocketAddr) -> std::io::Result<UdpSocket> {
        make!(R => R::default().bind_udp(addr))
    }

    #[cfg(unix)]
    fn bind_unix(&self, path: &std::path::Path) -> std::io::Result<UnixListener> {
        make!(R => R::default().bind_unix(path))
    }

    #[cfg(unix)]
    async fn connect_unix(&self, path: &std::path::Path) -> std::io::Result<UnixStream> {
        make!(R => R::default().connect_unix(path).await)
    }

    #[cfg(unix)]
    fn bind_unix_datagram(&self, path: &std::path::Path) -> std::io::Result<UnixDatagram> {
        make!(R => R::default().bind_unix_datagram(path))
    }
}
