//! Byte I/O: the `futures-io` traits that anyloop's streams implement, with
//! the extension traits and helpers to use them.
//!
//! These are the traits runtime-independent crates accept
//! (async-tungstenite, futures-rustls, async-compression, ...). The helpers
//! come from [`futures-lite`](https://docs.rs/futures-lite), smol's own
//! toolkit, and work on any backend. With the `tokio-io` feature, anyloop's
//! streams also implement tokio's `AsyncRead`/`AsyncWrite`, so tokio codecs
//! (tokio-util's `Framed`, ...) run on every backend.
//!
//! # Examples
//!
//! ```
//! use anyloop::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
//!
//! anyloop::run(async {
//!     let (a, b) = anyloop::net::UnixStream::pair()?;
//!     let (mut a, b) = (a, BufReader::new(b));
//!     a.write_all(b"one\ntwo\n").await?;
//!     a.close().await?;
//!     let lines: Vec<String> = {
//!         use anyloop::io::StreamExt;
//!         b.lines().map(|line| line.unwrap()).collect().await
//!     };
//!     assert_eq!(lines, ["one", "two"]);
//!     std::io::Result::Ok(())
//! })?;
//! # Ok::<(), std::io::Error>(())
//! ```

#[doc(no_inline)]
pub use futures_lite::io::{
    AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncSeek, AsyncSeekExt, AsyncWrite,
    AsyncWriteExt, BufReader, BufWriter, Cursor, ReadHalf, WriteHalf, copy, empty, repeat, sink,
    split,
};
#[doc(no_inline)]
pub use futures_lite::stream::StreamExt;

/// tokio's `poll_read` over futures-io's: fills the unfilled part of `buf`.
///
/// Only the part of the buffer that was never initialised is zeroed, once:
/// a reused buffer costs nothing.
#[cfg(feature = "tokio-io")]
pub(crate) fn poll_read_tokio<R: AsyncRead + ?Sized>(
    reader: std::pin::Pin<&mut R>,
    cx: &mut std::task::Context<'_>,
    buf: &mut tokio::io::ReadBuf<'_>,
) -> std::task::Poll<std::io::Result<()>> {
    let unfilled = buf.initialize_unfilled();
    let n = std::task::ready!(reader.poll_read(cx, unfilled))?;
    buf.advance(n);
    std::task::Poll::Ready(Ok(()))
}

/// Implements a write trait with the shape of futures-io's `AsyncWrite`
/// (tokio's `AsyncWrite` and hyper's `Write` have the same methods, with
/// `poll_close` named `poll_shutdown`) behind `feature`, by forwarding to
/// futures-io's.
macro_rules! forward_write {
    ($feature:literal, $trait:path, $name:ident) => {
        #[cfg(feature = $feature)]
        impl $trait for $name {
            #[inline]
            fn poll_write(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &[u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                futures_io::AsyncWrite::poll_write(self, cx, buf)
            }

            #[inline]
            fn poll_write_vectored(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                bufs: &[std::io::IoSlice<'_>],
            ) -> std::task::Poll<std::io::Result<usize>> {
                futures_io::AsyncWrite::poll_write_vectored(self, cx, bufs)
            }

            fn is_write_vectored(&self) -> bool {
                true
            }

            #[inline]
            fn poll_flush(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                futures_io::AsyncWrite::poll_flush(self, cx)
            }

            #[inline]
            fn poll_shutdown(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                futures_io::AsyncWrite::poll_close(self, cx)
            }
        }
    };
}

/// Implements tokio's `AsyncRead`/`AsyncWrite` (feature `tokio-io`) for
/// types that implement futures-io's, by forwarding to them.
macro_rules! tokio_io {
    (read: $($name:ident),*) => {$(
        #[cfg(feature = "tokio-io")]
        impl tokio::io::AsyncRead for $name {
            #[inline]
            fn poll_read(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &mut tokio::io::ReadBuf<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                crate::io::poll_read_tokio(self, cx, buf)
            }
        }
    )*};
    (write: $($name:ident),*) => {$(
        crate::io::forward_write!("tokio-io", tokio::io::AsyncWrite, $name);
    )*};
}

/// Declares I/O types: a struct over a private enum with one variant per
/// reactor, `From` the backends' types, and `Debug`.
macro_rules! io_types {
    ($($(#[$doc:meta])* $name:ident($inner:ident): $tokio:ty, $async_io:ty;)*) => {$(
        $(#[$doc])*
        pub struct $name($inner);

        enum $inner {
            #[cfg(feature = "tokio")]
            Tokio($tokio),
            #[cfg(any(feature = "smol", feature = "async-std"))]
            AsyncIo($async_io),
        }

        #[cfg(feature = "tokio")]
        impl From<$tokio> for $name {
            #[inline]
            fn from(io: $tokio) -> Self {
                $name($inner::Tokio(io))
            }
        }

        #[cfg(any(feature = "smol", feature = "async-std"))]
        impl From<$async_io> for $name {
            #[inline]
            fn from(io: $async_io) -> Self {
                $name($inner::AsyncIo(io))
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                crate::net::on!($inner, &self.0, io => io.fmt(f))
            }
        }
    )*};
}

/// Implements hyper's `Read`/`Write` (feature `hyper`) for types that
/// implement futures-io's, by forwarding to them.
macro_rules! hyper_io {
    (read: $($name:ident),*) => {$(
        #[cfg(feature = "hyper")]
        impl ::hyper::rt::Read for $name {
            #[inline]
            fn poll_read(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: ::hyper::rt::ReadBufCursor<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                crate::hyper::poll_read(self, cx, buf)
            }
        }
    )*};
    (write: $($name:ident),*) => {$(
        crate::io::forward_write!("hyper", ::hyper::rt::Write, $name);
    )*};
}

pub(crate) use {forward_write, hyper_io, io_types, tokio_io};
