//! The [async-io] sockets shared by anyloop's smol and async-std backends.
//!
//! smol and async-std both drive their I/O with async-io's reactor, so their
//! sockets are written once, here: the types of [`net`], each a thin wrapper
//! over [`async_io::Async`] around the `std` socket, implementing the
//! traits of [`anyloop_core::net`] with the meaning shared by every anyloop
//! backend (error kinds preserved, `close` shuts down the write side,
//! `accept` and reads cancel safe, a dropped write half shuts down the write
//! side, `into_std` gives back a blocking socket).
//!
//! `anyloop-smol` and `anyloop-async-std` name these types in their
//! [`Net`](anyloop_core::net::Net) implementations and re-export the
//! module, so `anyloop_smol::net::TcpStream` is [`net::TcpStream`].
//! Applications normally use `anyloop::net`, whose sockets belong to the
//! runtime that runs the caller. async-io's sockets work from any thread:
//! its reactor runs in whichever thread is waiting, or in its own.
//!
//! # Examples
//!
//! An echo over loopback, through smol's [`Net`](anyloop_core::net::Net):
//!
//! ```
//! use anyloop::rt::net::{TcpListener as _, TcpStream as _};
//! use anyloop::rt::{BlockOn, Net};
//! use anyloop_smol::{Runtime, Smol};
//! use smol::io::{AsyncReadExt, AsyncWriteExt};
//!
//! Runtime::current_thread().block_on(async {
//!     let listener = Smol.bind_tcp("127.0.0.1:0".parse().unwrap())?;
//!     let mut client: anyloop_smol::net::TcpStream =
//!         Smol.connect_tcp(listener.local_addr()?).await?;
//!     let (mut server, peer) = listener.accept().await?;
//!     assert_eq!(peer, client.local_addr()?);
//!
//!     client.write_all(b"hello").await?;
//!     client.close().await?; // shuts down the write side
//!     let mut received = Vec::new();
//!     server.read_to_end(&mut received).await?;
//!     assert_eq!(received, b"hello");
//!     std::io::Result::Ok(())
//! })?;
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! [async-io]: https://docs.rs/async-io

#![deny(missing_docs)]
#![warn(missing_debug_implementations, rust_2018_idioms, unreachable_pub)]
#![forbid(unsafe_code)]

mod reactor;
pub use reactor::start_reactor;

pub mod fs;
pub mod local;
pub mod net;
pub mod process;
pub mod signal;

/// Implements [`Net`](anyloop_core::net::Net) with async-io's sockets for a
/// backend handle type: `anyloop_async_io::impl_net!(Smol);`. Used by the
/// smol and async-std backends, whose reactor this is.
#[macro_export]
macro_rules! impl_net {
    ($handle:ty) => {
        impl $crate::__private::Net for $handle {
            type TcpListener = $crate::net::TcpListener;
            type TcpStream = $crate::net::TcpStream;
            type UdpSocket = $crate::net::UdpSocket;
            #[cfg(unix)]
            type UnixListener = $crate::net::UnixListener;
            #[cfg(unix)]
            type UnixStream = $crate::net::UnixStream;
            #[cfg(unix)]
            type UnixDatagram = $crate::net::UnixDatagram;

            fn bind_tcp(
                &self,
                addr: ::std::net::SocketAddr,
            ) -> ::std::io::Result<$crate::net::TcpListener> {
                $crate::net::TcpListener::bind(addr)
            }

            fn connect_tcp(
                &self,
                addr: ::std::net::SocketAddr,
            ) -> impl ::std::future::Future<Output = ::std::io::Result<$crate::net::TcpStream>> + Send
            {
                $crate::net::TcpStream::connect(addr)
            }

            fn connect_tcp_socket(
                &self,
                socket: ::std::net::TcpStream,
                addr: ::std::net::SocketAddr,
            ) -> impl ::std::future::Future<Output = ::std::io::Result<$crate::net::TcpStream>> + Send
            {
                $crate::net::TcpStream::connect_socket(socket, addr)
            }

            fn bind_udp(
                &self,
                addr: ::std::net::SocketAddr,
            ) -> ::std::io::Result<$crate::net::UdpSocket> {
                $crate::net::UdpSocket::bind(addr)
            }

            #[cfg(unix)]
            fn bind_unix(
                &self,
                path: &::std::path::Path,
            ) -> ::std::io::Result<$crate::net::UnixListener> {
                $crate::net::UnixListener::bind(path)
            }

            #[cfg(unix)]
            fn connect_unix(
                &self,
                path: &::std::path::Path,
            ) -> impl ::std::future::Future<Output = ::std::io::Result<$crate::net::UnixStream>> + Send
            {
                $crate::net::UnixStream::connect(path)
            }

            #[cfg(unix)]
            fn bind_unix_datagram(
                &self,
                path: &::std::path::Path,
            ) -> ::std::io::Result<$crate::net::UnixDatagram> {
                $crate::net::UnixDatagram::bind(path)
            }
        }
    };
}

#[doc(hidden)]
pub mod __private {
    pub use anyloop_core::local_keys;
    pub use anyloop_core::net::Net;
}
