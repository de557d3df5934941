//! Files and directories on the runtime that runs the caller.
//!
//! Every call runs on a blocking thread pool, never on a worker thread:
//! under tokio, tokio's own (`tokio::fs`); under smol and async-std, the
//! [`blocking`](https://docs.rs/blocking) pool of smol's
//! [async-fs](https://docs.rs/async-fs). The meaning is the same on every
//! backend:
//!
//! - Errors are `io::Error`s with the kind of the failure: a missing file is
//!   `NotFound`, an existing one `AlreadyExists` for
//!   [`OpenOptions::create_new`], and so on, exactly as `std::fs` reports
//!   them.
//! - [`File`] implements `futures-io`'s `AsyncRead`, `AsyncWrite` and
//!   `AsyncSeek` (see [`crate::io`] for the extension traits), and with the
//!   `tokio-io` feature tokio's `AsyncRead`/`AsyncWrite` too.
//! - A write completes once it is handed to the pool: **flush or close a
//!   file before dropping it**, to know the data reached the OS and to see
//!   the error of a failed write (as with `tokio::fs::File`).
//! - [`read_dir`] is a stream ([`futures_core::Stream`]) of
//!   `io::Result<DirEntry>`, read one entry at a time on the pool.
//!
//! The free functions are `async fn`s: they pick the backend when first
//! polled. Like sockets, a [`File`] belongs to the runtime it was opened on;
//! a file opened under tokio and used from a task of another backend is an
//! `io::Error`, not a hang or a panic.
//!
//! On a plug-in runtime ([`Runtime::from_dyn`](crate::Runtime::from_dyn)),
//! the files are async-io's (on the `blocking` pool, which needs no
//! runtime) when the `smol` or `async-std` feature is on. With tokio alone
//! (whose files need a tokio runtime), the free functions ([`read`],
//! [`write()`], [`metadata`], [`copy`], ...) run the `std::fs` call on the
//! plug-in's own [`spawn_blocking`](crate::spawn_blocking), so they work on
//! any plug-in; [`File::open`], [`File::create`], [`OpenOptions::open`] and
//! [`read_dir`] are an `Unsupported` error naming the fix (enable `smol` or
//! `async-std`), never a panic, and a [`File::from_std`] made there fails
//! each operation with an error.
//!
//! # Examples
//!
//! ```
//! use anyloop::fs::{self, File};
//! use anyloop::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};
//! use std::io::SeekFrom;
//!
//! anyloop::run(async {
//!     let dir = std::env::temp_dir().join(format!("anyloop-doc-fs-{}", std::process::id()));
//!     fs::create_dir_all(&dir).await?;
//!
//!     let mut file = File::create(dir.join("hello.txt")).await?;
//!     file.write_all(b"hello, world").await?;
//!     file.close().await?; // flushes
//!
//!     let mut file = File::open(dir.join("hello.txt")).await?;
//!     file.seek(SeekFrom::Start(7)).await?;
//!     let mut rest = String::new();
//!     file.read_to_string(&mut rest).await?;
//!     assert_eq!(rest, "world");
//!
//!     fs::remove_dir_all(&dir).await
//! })?;
//! # Ok::<(), std::io::Error>(())
//! ```

use std::fs::{FileType, Metadata};
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::task::{Context, Poll};

/// `on_backend!(m => body)`: evaluates `body` with `m` naming the backend
/// crate (`anyloop_tokio` or `anyloop_async_io`) of the runtime that runs
/// the caller; `on_backend!(fs: m => body)` for `anyloop::fs`, which on a
/// plug-in with tokio alone names `plugin` instead.
macro_rules! on_backend {
    // `anyloop::fs`: on a plug-in with tokio alone, the std call on the
    // plug-in's own `spawn_blocking` (see `plugin`).
    (fs: $m:ident => $body:expr) => {
        crate::fs::on_backend!(@arms $m => $body, name => {
            use crate::fs::plugin as $m;
            $body
        })
    };
    // Processes and signals: with tokio alone, a plug-in has none, and
    // `$body` is an `io::Result`: an `Unsupported` error naming the fix.
    ($what:literal, $m:ident => $body:expr) => {
        crate::fs::on_backend!(@arms $m => $body, name => {
            Err(crate::rt::unsupported_on_plugin(name, $what))
        })
    };
    (@arms $m:ident => $body:expr, $name:ident => $tokio_plugin:block) => {
        match crate::rt::current_backend() {
            #[cfg(feature = "tokio")]
            crate::Backend::Tokio => {
                use ::anyloop_tokio as $m;
                $body
            }
            #[cfg(feature = "smol")]
            crate::Backend::Smol => {
                use ::anyloop_async_io as $m;
                $body
            }
            #[cfg(feature = "async-std")]
            crate::Backend::AsyncStd => {
                use ::anyloop_async_io as $m;
                $body
            }
            // async-io's files run on the `blocking` pool, which needs no
            // runtime: a plug-in runtime gets them too.
            #[cfg(any(feature = "smol", feature = "async-std"))]
            crate::Backend::Custom(_) => {
                use ::anyloop_async_io as $m;
                $body
            }
            #[cfg(not(any(feature = "smol", feature = "async-std")))]
            #[allow(unused_variables)]
            crate::Backend::Custom($name) => $tokio_plugin,
        }
    };
}

/// What `anyloop::fs` does on a plug-in runtime when only the `tokio`
/// backend is compiled in (tokio's files need a tokio runtime): each free
/// function is the `std::fs` call on the plug-in's `spawn_blocking`, so it
/// works on any plug-in. `File` and `ReadDir` stay tokio's, which a
/// plug-in cannot drive: opening one is an `Unsupported` error naming the
/// fix (the `smol` or `async-std` feature, whose files need no runtime), and
/// a `File::from_std` made there is one whose every operation is an
/// error, as a tokio file used outside tokio is.
#[cfg(not(any(feature = "smol", feature = "async-std")))]
pub(crate) mod plugin {
    pub(crate) mod fs {
        use std::fs::Metadata;
        use std::io;
        use std::path::Path;

        /// Runs `f` on the plug-in's blocking pool.
        async fn unblock<T: Send + 'static>(
            f: impl FnOnce() -> io::Result<T> + Send + 'static,
        ) -> io::Result<T> {
            crate::spawn_blocking(f).await.map_err(io::Error::other)?
        }

        #[cold]
        fn unsupported(what: &str) -> io::Error {
            let name = crate::Backend::current().map_or_else(String::new, |b| b.to_string());
            io::Error::new(
                io::ErrorKind::Unsupported,
                format!(
                    "anyloop::fs: {what} on the plug-in runtime `{name}` needs anyloop's `smol` \
                     or `async-std` feature (with only `tokio`, a file belongs to a tokio runtime); \
                     the free functions (`read`, `write`, `metadata`, ...) work without it"
                ),
            )
        }

        macro_rules! by_path {
            ($($name:ident -> $out:ty;)*) => {$(
                pub(crate) async fn $name(path: impl AsRef<Path>) -> io::Result<$out> {
                    let path = path.as_ref().to_owned();
                    unblock(move || std::fs::$name(path)).await
                }
            )*};
        }

        by_path! {
            read -> Vec<u8>;
            read_to_string -> String;
            create_dir -> ();
            create_dir_all -> ();
            remove_file -> ();
            remove_dir -> ();
            remove_dir_all -> ();
            metadata -> Metadata;
            symlink_metadata -> Metadata;
        }

        pub(crate) async fn write(
            path: impl AsRef<Path>,
            contents: impl AsRef<[u8]>,
        ) -> io::Result<()> {
            let (path, contents) = (path.as_ref().to_owned(), contents.as_ref().to_owned());
            unblock(move || std::fs::write(path, contents)).await
        }

        pub(crate) async fn rename(from: impl AsRef<Path>, to: impl AsRef<Path>) -> io::Result<()> {
            let (from, to) = (from.as_ref().to_owned(), to.as_ref().to_owned());
            unblock(move || std::fs::rename(from, to)).await
        }

        pub(crate) async fn copy(from: impl AsRef<Path>, to: impl AsRef<Path>) -> io::Result<u64> {
            let (from, to) = (from.as_ref().to_owned(), to.as_ref().to_owned());
            unblock(move || std::fs::copy(from, to)).await
        }

        pub(crate) async fn read_dir(
            _path: impl AsRef<Path>,
        ) -> io::Result<anyloop_tokio::fs::ReadDir> {
            Err(unsupported("read_dir"))
        }

        /// `File::open`, `File::create` and `File::from_std`.
        pub(crate) struct File;

        impl File {
            pub(crate) async fn open(
                _path: impl AsRef<Path>,
            ) -> io::Result<anyloop_tokio::fs::File> {
                Err(unsupported("File::open"))
            }

            pub(crate) async fn create(
                _path: impl AsRef<Path>,
            ) -> io::Result<anyloop_tokio::fs::File> {
                Err(unsupported("File::create"))
            }

            pub(crate) fn from(file: std::fs::File) -> anyloop_tokio::fs::File {
                anyloop_tokio::fs::File::from(file)
            }
        }

        pub(crate) fn open_options() -> io::Error {
            unsupported("OpenOptions::open")
        }
    }
}

/// `checked!(Inner, "what", value, x => body)`: runs `body` with the
/// backend's value; a tokio value used from a task of another backend gives
/// an error naming `what` instead (its runtime may not be running, and tokio
/// would panic outside it). `body` is an `io::Result` or a
/// `Poll<io::Result>`.
macro_rules! checked {
    ($inner:ident, $what:expr, $value:expr, $x:ident => $body:expr) => {
        match $value {
            #[cfg(feature = "tokio")]
            $inner::Tokio($x) => match crate::fs::tokio_here($what) {
                Ok(()) => $body,
                Err(err) => crate::fs::IoFail::fail(err),
            },
            #[cfg(any(feature = "smol", feature = "async-std"))]
            $inner::AsyncIo($x) => $body,
        }
    };
}

/// Implements the futures-io traits (and tokio's read/write ones, with
/// `tokio-io`) by dispatch, for types declared by `crate::io::io_types!`.
macro_rules! io_traits {
    (read $what:literal: $($name:ident($inner:ident)),*) => {$(
        impl futures_io::AsyncRead for $name {
            #[inline]
            fn poll_read(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &mut [u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                crate::fs::checked!($inner, $what, &mut self.get_mut().0, io => std::pin::Pin::new(io).poll_read(cx, buf))
            }

            #[inline]
            fn poll_read_vectored(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                bufs: &mut [std::io::IoSliceMut<'_>],
            ) -> std::task::Poll<std::io::Result<usize>> {
                crate::fs::checked!($inner, $what, &mut self.get_mut().0, io => std::pin::Pin::new(io).poll_read_vectored(cx, bufs))
            }
        }

        crate::io::tokio_io!(read: $name);
    )*};
    (write $what:literal, close = $close:ident: $($name:ident($inner:ident)),*) => {$(
        impl futures_io::AsyncWrite for $name {
            #[inline]
            fn poll_write(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &[u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                crate::fs::checked!($inner, $what, &mut self.get_mut().0, io => std::pin::Pin::new(io).poll_write(cx, buf))
            }

            #[inline]
            fn poll_write_vectored(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                bufs: &[std::io::IoSlice<'_>],
            ) -> std::task::Poll<std::io::Result<usize>> {
                crate::fs::checked!($inner, $what, &mut self.get_mut().0, io => std::pin::Pin::new(io).poll_write_vectored(cx, bufs))
            }

            #[inline]
            fn poll_flush(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                crate::fs::checked!($inner, $what, &mut self.get_mut().0, io => std::pin::Pin::new(io).poll_flush(cx))
            }

            #[inline]
            fn poll_close(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                crate::fs::checked!($inner, $what, &mut self.get_mut().0, io => std::pin::Pin::new(io).$close(cx))
            }
        }

        crate::io::tokio_io!(write: $name);
    )*};
}

pub(crate) use {checked, io_traits, on_backend};

/// An error for the tokio arm of `checked!`, as an `io::Result` or a poll.
#[cfg(feature = "tokio")]
pub(crate) trait IoFail {
    fn fail(err: io::Error) -> Self;
}

#[cfg(feature = "tokio")]
impl<T> IoFail for io::Result<T> {
    #[inline]
    fn fail(err: io::Error) -> Self {
        Err(err)
    }
}

#[cfg(feature = "tokio")]
impl<T> IoFail for Poll<io::Result<T>> {
    #[inline]
    fn fail(err: io::Error) -> Self {
        Poll::Ready(Err(err))
    }
}

/// For streams: the error is an item.
#[cfg(feature = "tokio")]
impl<T> IoFail for Poll<Option<io::Result<T>>> {
    #[inline]
    fn fail(err: io::Error) -> Self {
        Poll::Ready(Some(Err(err)))
    }
}

/// Checks that a tokio resource (`what`: "a file opened", ...) is used from
/// tokio, or from code anyloop did not spawn (which it cannot tell apart).
#[cfg(feature = "tokio")]
#[inline]
pub(crate) fn tokio_here(what: &str) -> io::Result<()> {
    match crate::rt::polling() {
        Some(backend) if backend != crate::Backend::Tokio => Err(wrong_runtime(what, backend)),
        _ => Ok(()),
    }
}

#[cfg(feature = "tokio")]
#[cold]
fn wrong_runtime(what: &str, backend: crate::Backend) -> io::Error {
    io::Error::other(format!(
        "{what} under tokio was used from a task of the {backend} backend: \
         it belongs to the runtime that created it"
    ))
}

crate::io::io_types! {
    /// An open file on the runtime that runs the caller: `futures-io`'s
    /// [`AsyncRead`](crate::io::AsyncRead), [`AsyncWrite`](crate::io::AsyncWrite)
    /// and [`AsyncSeek`](crate::io::AsyncSeek).
    ///
    /// Flush or close it before dropping it after a write (see the
    /// [module docs](crate::fs)). Closing it only flushes it, on every
    /// backend: the file stays usable, and is closed when dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::fs::File;
    /// use anyloop::io::{AsyncReadExt, AsyncWriteExt};
    ///
    /// anyloop::run(async {
    ///     let path = std::env::temp_dir().join(format!("anyloop-doc-file-{}", std::process::id()));
    ///     let mut file = File::create(&path).await?;
    ///     file.write_all(b"one two").await?;
    ///     file.flush().await?;
    ///     file.set_len(3).await?;
    ///     assert_eq!(file.metadata().await?.len(), 3);
    ///
    ///     let mut text = String::new();
    ///     File::open(&path).await?.read_to_string(&mut text).await?;
    ///     assert_eq!(text, "one");
    ///     anyloop::fs::remove_file(&path).await
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    File(FileInner): anyloop_tokio::fs::File, anyloop_async_io::fs::File;

    /// The entries of a directory: a [`Stream`](futures_core::Stream) of
    /// `io::Result<DirEntry>`, made by [`read_dir`]. Entries come in the
    /// order the OS gives them, without `.` and `..`.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::io::StreamExt;
    ///
    /// anyloop::run(async {
    ///     let dir = std::env::temp_dir().join(format!("anyloop-doc-readdir-{}", std::process::id()));
    ///     anyloop::fs::create_dir_all(&dir).await?;
    ///     anyloop::fs::write(dir.join("a"), "").await?;
    ///     let entries: Vec<_> = anyloop::fs::read_dir(&dir).await?.collect().await;
    ///     assert_eq!(entries.len(), 1);
    ///     assert_eq!(entries[0].as_ref().unwrap().file_name(), "a");
    ///     anyloop::fs::remove_dir_all(&dir).await
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    ReadDir(ReadDirInner): anyloop_tokio::fs::ReadDir, anyloop_async_io::fs::ReadDir;

    /// An entry of a directory, an item of [`ReadDir`].
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::io::StreamExt;
    ///
    /// anyloop::run(async {
    ///     let dir = std::env::temp_dir().join(format!("anyloop-doc-direntry-{}", std::process::id()));
    ///     anyloop::fs::create_dir_all(dir.join("sub")).await?;
    ///     let mut entries = anyloop::fs::read_dir(&dir).await?;
    ///     let entry = entries.next().await.unwrap()?;
    ///     assert_eq!(entry.path(), dir.join("sub"));
    ///     assert!(entry.file_type().await?.is_dir());
    ///     assert!(entry.metadata().await?.is_dir());
    ///     anyloop::fs::remove_dir_all(&dir).await
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    DirEntry(DirEntryInner): anyloop_tokio::fs::DirEntry, anyloop_async_io::fs::DirEntry;
}

io_traits!(read "a file opened": File(FileInner));
// `close` only flushes: the file stays usable (tokio's `File` does so;
// async-fs's would panic on the next operation) and is closed when dropped.
io_traits!(write "a file opened", close = poll_flush: File(FileInner));

impl futures_io::AsyncSeek for File {
    #[inline]
    fn poll_seek(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        pos: io::SeekFrom,
    ) -> Poll<io::Result<u64>> {
        checked!(FileInner, "a file opened", &mut self.get_mut().0, f => Pin::new(f).poll_seek(cx, pos))
    }
}

impl File {
    /// Opens a file for reading.
    ///
    /// # Errors
    ///
    /// `NotFound` if it does not exist; `PermissionDenied`, ... as
    /// `std::fs::File::open` reports them.
    ///
    /// # Examples
    ///
    /// ```
    /// anyloop::run(async {
    ///     let err = anyloop::fs::File::open("/no/such/file").await.unwrap_err();
    ///     assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    /// });
    /// ```
    pub async fn open(path: impl AsRef<Path>) -> io::Result<File> {
        on_backend!(fs: m => m::fs::File::open(path).await.map(File::from))
    }

    /// Creates a file for writing, truncating it if it exists.
    ///
    /// # Errors
    ///
    /// `NotFound` if the directory does not exist; as
    /// `std::fs::File::create` otherwise.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::io::AsyncWriteExt;
    ///
    /// anyloop::run(async {
    ///     let path = std::env::temp_dir().join(format!("anyloop-doc-create-{}", std::process::id()));
    ///     let mut file = anyloop::fs::File::create(&path).await?;
    ///     file.write_all(b"data").await?;
    ///     file.close().await?;
    ///     assert_eq!(anyloop::fs::read(&path).await?, b"data");
    ///     anyloop::fs::remove_file(&path).await
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub async fn create(path: impl AsRef<Path>) -> io::Result<File> {
        on_backend!(fs: m => m::fs::File::create(path).await.map(File::from))
    }

    /// Wraps a `std` file, on the runtime that runs the caller.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::io::AsyncReadExt;
    ///
    /// anyloop::run(async {
    ///     let path = std::env::temp_dir().join(format!("anyloop-doc-fromstd-{}", std::process::id()));
    ///     std::fs::write(&path, "std")?;
    ///     let mut file = anyloop::fs::File::from_std(std::fs::File::open(&path)?);
    ///     let mut text = String::new();
    ///     file.read_to_string(&mut text).await?;
    ///     assert_eq!(text, "std");
    ///     anyloop::fs::remove_file(&path).await
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn from_std(file: std::fs::File) -> File {
        on_backend!(fs: m => File::from(m::fs::File::from(file)))
    }

    /// The file's metadata.
    ///
    /// # Examples
    ///
    /// ```
    /// anyloop::run(async {
    ///     let path = std::env::temp_dir().join(format!("anyloop-doc-fmeta-{}", std::process::id()));
    ///     anyloop::fs::write(&path, "12345").await?;
    ///     let file = anyloop::fs::File::open(&path).await?;
    ///     assert_eq!(file.metadata().await?.len(), 5);
    ///     anyloop::fs::remove_file(&path).await
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub async fn metadata(&self) -> io::Result<Metadata> {
        checked!(FileInner, "a file opened", &self.0, f => f.metadata().await)
    }

    /// Truncates or extends the file to `size` bytes (extending with
    /// zeros). Waits for the writes in flight first.
    ///
    /// # Errors
    ///
    /// As `std::fs::File::set_len`: e.g. a file not opened for writing.
    ///
    /// # Examples
    ///
    /// ```
    /// anyloop::run(async {
    ///     let path = std::env::temp_dir().join(format!("anyloop-doc-setlen-{}", std::process::id()));
    ///     let file = anyloop::fs::File::create(&path).await?;
    ///     file.set_len(1024).await?;
    ///     assert_eq!(anyloop::fs::metadata(&path).await?.len(), 1024);
    ///     anyloop::fs::remove_file(&path).await
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub async fn set_len(&self, size: u64) -> io::Result<()> {
        checked!(FileInner, "a file opened", &self.0, f => f.set_len(size).await)
    }

    /// Flushes the writes in flight, then the file's data and metadata to
    /// the disk (`fsync`).
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::io::AsyncWriteExt;
    ///
    /// anyloop::run(async {
    ///     let path = std::env::temp_dir().join(format!("anyloop-doc-sync-{}", std::process::id()));
    ///     let mut file = anyloop::fs::File::create(&path).await?;
    ///     file.write_all(b"durable").await?;
    ///     file.sync_all().await?;
    ///     assert_eq!(anyloop::fs::read(&path).await?, b"durable");
    ///     anyloop::fs::remove_file(&path).await
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub async fn sync_all(&self) -> io::Result<()> {
        checked!(FileInner, "a file opened", &self.0, f => f.sync_all().await)
    }

    /// As [`sync_all`](File::sync_all), but the metadata may not be
    /// flushed (`fdatasync`).
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::io::AsyncWriteExt;
    ///
    /// anyloop::run(async {
    ///     let path = std::env::temp_dir().join(format!("anyloop-doc-syncdata-{}", std::process::id()));
    ///     let mut file = anyloop::fs::File::create(&path).await?;
    ///     file.write_all(b"data").await?;
    ///     file.sync_data().await?;
    ///     anyloop::fs::remove_file(&path).await
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub async fn sync_data(&self) -> io::Result<()> {
        checked!(FileInner, "a file opened", &self.0, f => f.sync_data().await)
    }
}

/// Sets the options of `$this` (an [`OpenOptions`]) on a backend's
/// options, which have the same methods.
macro_rules! configure {
    ($this:expr, $options:ident) => {
        $options
            .read($this.read)
            .write($this.write)
            .append($this.append)
            .truncate($this.truncate)
            .create($this.create)
            .create_new($this.create_new);
        #[cfg(unix)]
        if let Some(mode) = $this.mode {
            $options.mode(mode);
        }
    };
}

/// How to open a file: the options of `std::fs::OpenOptions`, for
/// [`File`]. Nothing is opened until [`open`](OpenOptions::open).
///
/// # Examples
///
/// ```
/// use anyloop::fs::OpenOptions;
/// use anyloop::io::AsyncWriteExt;
///
/// anyloop::run(async {
///     let path = std::env::temp_dir().join(format!("anyloop-doc-options-{}", std::process::id()));
///     let mut file = OpenOptions::new().create(true).append(true).open(&path).await?;
///     file.write_all(b"a").await?;
///     file.close().await?;
///     let mut file = OpenOptions::new().append(true).open(&path).await?;
///     file.write_all(b"b").await?;
///     file.close().await?;
///     assert_eq!(anyloop::fs::read(&path).await?, b"ab");
///
///     let err = OpenOptions::new().write(true).create_new(true).open(&path).await.unwrap_err();
///     assert_eq!(err.kind(), std::io::ErrorKind::AlreadyExists);
///     anyloop::fs::remove_file(&path).await
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct OpenOptions {
    read: bool,
    write: bool,
    append: bool,
    truncate: bool,
    create: bool,
    create_new: bool,
    #[cfg(unix)]
    mode: Option<u32>,
}

impl OpenOptions {
    /// No option set: set at least `read`, `write` or `append`.
    ///
    /// # Examples
    ///
    /// ```
    /// let options = anyloop::fs::OpenOptions::new();
    /// # drop(options);
    /// ```
    pub fn new() -> OpenOptions {
        OpenOptions::default()
    }

    /// Opens for reading.
    ///
    /// # Examples
    ///
    /// ```
    /// anyloop::run(async {
    ///     let err = anyloop::fs::OpenOptions::new().read(true).open("/no/such/file").await.unwrap_err();
    ///     assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    /// });
    /// ```
    pub fn read(&mut self, read: bool) -> &mut OpenOptions {
        self.read = read;
        self
    }

    /// Opens for writing (from the start, without truncating).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut options = anyloop::fs::OpenOptions::new();
    /// options.read(true).write(true);
    /// ```
    pub fn write(&mut self, write: bool) -> &mut OpenOptions {
        self.write = write;
        self
    }

    /// Opens for appending: every write goes to the end of the file.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut options = anyloop::fs::OpenOptions::new();
    /// options.append(true).create(true);
    /// ```
    pub fn append(&mut self, append: bool) -> &mut OpenOptions {
        self.append = append;
        self
    }

    /// Truncates the file to 0 bytes when opening it (needs `write`).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut options = anyloop::fs::OpenOptions::new();
    /// options.write(true).truncate(true);
    /// ```
    pub fn truncate(&mut self, truncate: bool) -> &mut OpenOptions {
        self.truncate = truncate;
        self
    }

    /// Creates the file if it does not exist (needs `write` or `append`).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut options = anyloop::fs::OpenOptions::new();
    /// options.write(true).create(true);
    /// ```
    pub fn create(&mut self, create: bool) -> &mut OpenOptions {
        self.create = create;
        self
    }

    /// Creates the file, failing with `AlreadyExists` if it exists (needs
    /// `write` or `append`).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut options = anyloop::fs::OpenOptions::new();
    /// options.write(true).create_new(true);
    /// ```
    pub fn create_new(&mut self, create_new: bool) -> &mut OpenOptions {
        self.create_new = create_new;
        self
    }

    /// The permissions of a file this creates (Unix; before the umask).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut options = anyloop::fs::OpenOptions::new();
    /// options.write(true).create(true).mode(0o600);
    /// ```
    #[cfg(unix)]
    pub fn mode(&mut self, mode: u32) -> &mut OpenOptions {
        self.mode = Some(mode);
        self
    }

    /// Opens `path` with these options.
    ///
    /// # Errors
    ///
    /// As `std::fs::OpenOptions::open`: `NotFound`, `AlreadyExists` (with
    /// `create_new`), `InvalidInput` for a contradictory set of options,
    /// `PermissionDenied`, ...
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::io::AsyncReadExt;
    ///
    /// anyloop::run(async {
    ///     let path = std::env::temp_dir().join(format!("anyloop-doc-open-{}", std::process::id()));
    ///     anyloop::fs::write(&path, "x").await?;
    ///     let mut file = anyloop::fs::OpenOptions::new().read(true).open(&path).await?;
    ///     let mut text = String::new();
    ///     file.read_to_string(&mut text).await?;
    ///     assert_eq!(text, "x");
    ///     anyloop::fs::remove_file(&path).await
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub async fn open(&self, path: impl AsRef<Path>) -> io::Result<File> {
        match crate::rt::current_backend() {
            #[cfg(feature = "tokio")]
            crate::Backend::Tokio => {
                let mut options = anyloop_tokio::fs::OpenOptions::new();
                configure!(self, options);
                let file = options.open(path).await?;
                Ok(File::from(anyloop_tokio::fs::File::from(file)))
            }
            #[cfg(feature = "smol")]
            crate::Backend::Smol => self.open_async_io(path.as_ref()).await,
            #[cfg(feature = "async-std")]
            crate::Backend::AsyncStd => self.open_async_io(path.as_ref()).await,
            #[cfg(any(feature = "smol", feature = "async-std"))]
            crate::Backend::Custom(_) => self.open_async_io(path.as_ref()).await,
            #[cfg(not(any(feature = "smol", feature = "async-std")))]
            crate::Backend::Custom(_) => Err(plugin::fs::open_options()),
        }
    }

    #[cfg(any(feature = "smol", feature = "async-std"))]
    async fn open_async_io(&self, path: &Path) -> io::Result<File> {
        #[cfg(unix)]
        use anyloop_async_io::fs::OpenOptionsExt as _;

        let mut options = anyloop_async_io::fs::OpenOptions::new();
        configure!(self, options);
        options.open(path).await.map(File::from)
    }
}

/// Reads a whole file.
///
/// # Errors
///
/// `NotFound` if it does not exist; as `std::fs::read` otherwise.
///
/// # Examples
///
/// ```
/// anyloop::run(async {
///     let path = std::env::temp_dir().join(format!("anyloop-doc-read-{}", std::process::id()));
///     anyloop::fs::write(&path, [1, 2, 3]).await?;
///     assert_eq!(anyloop::fs::read(&path).await?, [1, 2, 3]);
///     anyloop::fs::remove_file(&path).await
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub async fn read(path: impl AsRef<Path>) -> io::Result<Vec<u8>> {
    on_backend!(fs: m => m::fs::read(path).await)
}

/// Reads a whole file as UTF-8.
///
/// # Errors
///
/// `InvalidData` if it is not UTF-8; as [`read`] otherwise.
///
/// # Examples
///
/// ```
/// anyloop::run(async {
///     let path = std::env::temp_dir().join(format!("anyloop-doc-readstr-{}", std::process::id()));
///     anyloop::fs::write(&path, "text").await?;
///     assert_eq!(anyloop::fs::read_to_string(&path).await?, "text");
///     anyloop::fs::remove_file(&path).await
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub async fn read_to_string(path: impl AsRef<Path>) -> io::Result<String> {
    on_backend!(fs: m => m::fs::read_to_string(path).await)
}

/// Writes `contents` to a file, creating it or replacing what it held.
///
/// # Errors
///
/// `NotFound` if the directory does not exist; as `std::fs::write`
/// otherwise.
///
/// # Examples
///
/// ```
/// anyloop::run(async {
///     let path = std::env::temp_dir().join(format!("anyloop-doc-write-{}", std::process::id()));
///     anyloop::fs::write(&path, "first").await?;
///     anyloop::fs::write(&path, "second").await?;
///     assert_eq!(anyloop::fs::read_to_string(&path).await?, "second");
///     anyloop::fs::remove_file(&path).await
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub async fn write(path: impl AsRef<Path>, contents: impl AsRef<[u8]>) -> io::Result<()> {
    on_backend!(fs: m => m::fs::write(path, contents).await)
}

/// Creates a directory (its parent must exist).
///
/// # Errors
///
/// `AlreadyExists` if it exists, `NotFound` if the parent does not.
///
/// # Examples
///
/// ```
/// anyloop::run(async {
///     let dir = std::env::temp_dir().join(format!("anyloop-doc-mkdir-{}", std::process::id()));
///     anyloop::fs::create_dir(&dir).await?;
///     let err = anyloop::fs::create_dir(&dir).await.unwrap_err();
///     assert_eq!(err.kind(), std::io::ErrorKind::AlreadyExists);
///     anyloop::fs::remove_dir(&dir).await
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub async fn create_dir(path: impl AsRef<Path>) -> io::Result<()> {
    on_backend!(fs: m => m::fs::create_dir(path).await)
}

/// Creates a directory and every missing parent; an existing directory is
/// not an error.
///
/// # Examples
///
/// ```
/// anyloop::run(async {
///     let root = std::env::temp_dir().join(format!("anyloop-doc-mkdirs-{}", std::process::id()));
///     anyloop::fs::create_dir_all(root.join("a/b/c")).await?;
///     anyloop::fs::create_dir_all(root.join("a/b/c")).await?;
///     assert!(anyloop::fs::metadata(root.join("a/b/c")).await?.is_dir());
///     anyloop::fs::remove_dir_all(&root).await
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub async fn create_dir_all(path: impl AsRef<Path>) -> io::Result<()> {
    on_backend!(fs: m => m::fs::create_dir_all(path).await)
}

/// Removes a file.
///
/// # Errors
///
/// `NotFound` if it does not exist; as `std::fs::remove_file` otherwise.
///
/// # Examples
///
/// ```
/// anyloop::run(async {
///     let path = std::env::temp_dir().join(format!("anyloop-doc-rm-{}", std::process::id()));
///     anyloop::fs::write(&path, "").await?;
///     anyloop::fs::remove_file(&path).await?;
///     let err = anyloop::fs::remove_file(&path).await.unwrap_err();
///     assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
///     std::io::Result::Ok(())
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub async fn remove_file(path: impl AsRef<Path>) -> io::Result<()> {
    on_backend!(fs: m => m::fs::remove_file(path).await)
}

/// Removes an empty directory.
///
/// # Errors
///
/// `NotFound` if it does not exist; `DirectoryNotEmpty` if it is not
/// empty.
///
/// # Examples
///
/// ```
/// anyloop::run(async {
///     let dir = std::env::temp_dir().join(format!("anyloop-doc-rmdir-{}", std::process::id()));
///     anyloop::fs::create_dir(&dir).await?;
///     anyloop::fs::remove_dir(&dir).await
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub async fn remove_dir(path: impl AsRef<Path>) -> io::Result<()> {
    on_backend!(fs: m => m::fs::remove_dir(path).await)
}

/// Removes a directory and everything in it.
///
/// # Errors
///
/// `NotFound` if it does not exist; as `std::fs::remove_dir_all`
/// otherwise.
///
/// # Examples
///
/// ```
/// anyloop::run(async {
///     let dir = std::env::temp_dir().join(format!("anyloop-doc-rmdirs-{}", std::process::id()));
///     anyloop::fs::create_dir_all(dir.join("sub")).await?;
///     anyloop::fs::write(dir.join("sub/file"), "x").await?;
///     anyloop::fs::remove_dir_all(&dir).await?;
///     assert!(anyloop::fs::metadata(&dir).await.is_err());
///     std::io::Result::Ok(())
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub async fn remove_dir_all(path: impl AsRef<Path>) -> io::Result<()> {
    on_backend!(fs: m => m::fs::remove_dir_all(path).await)
}

/// The metadata of a file or directory, following symbolic links.
///
/// # Errors
///
/// `NotFound` if it does not exist.
///
/// # Examples
///
/// ```
/// anyloop::run(async {
///     let path = std::env::temp_dir().join(format!("anyloop-doc-meta-{}", std::process::id()));
///     anyloop::fs::write(&path, "1234").await?;
///     let metadata = anyloop::fs::metadata(&path).await?;
///     assert!(metadata.is_file());
///     assert_eq!(metadata.len(), 4);
///     anyloop::fs::remove_file(&path).await
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub async fn metadata(path: impl AsRef<Path>) -> io::Result<Metadata> {
    on_backend!(fs: m => m::fs::metadata(path).await)
}

/// The metadata of a file, directory or symbolic link itself (not
/// following it).
///
/// # Errors
///
/// `NotFound` if it does not exist.
///
/// # Examples
///
/// ```
/// anyloop::run(async {
///     let dir = std::env::temp_dir();
///     assert!(anyloop::fs::symlink_metadata(&dir).await.is_ok());
/// });
/// ```
pub async fn symlink_metadata(path: impl AsRef<Path>) -> io::Result<Metadata> {
    on_backend!(fs: m => m::fs::symlink_metadata(path).await)
}

/// The entries of a directory, as a stream (see [`ReadDir`]).
///
/// # Errors
///
/// `NotFound` if the directory does not exist; an error reading one entry
/// is an item of the stream.
///
/// # Examples
///
/// ```
/// use anyloop::io::StreamExt;
///
/// anyloop::run(async {
///     let dir = std::env::temp_dir().join(format!("anyloop-doc-ls-{}", std::process::id()));
///     anyloop::fs::create_dir_all(&dir).await?;
///     for name in ["a", "b", "c"] {
///         anyloop::fs::write(dir.join(name), name).await?;
///     }
///     let mut names = Vec::new();
///     let mut entries = anyloop::fs::read_dir(&dir).await?;
///     while let Some(entry) = entries.next().await {
///         names.push(entry?.file_name());
///     }
///     names.sort();
///     assert_eq!(names, ["a", "b", "c"]);
///     anyloop::fs::remove_dir_all(&dir).await
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub async fn read_dir(path: impl AsRef<Path>) -> io::Result<ReadDir> {
    on_backend!(fs: m => m::fs::read_dir(path).await.map(ReadDir::from))
}

/// Renames a file or directory, replacing the destination if it is a file.
///
/// # Errors
///
/// `NotFound` if the source does not exist; as `std::fs::rename`
/// otherwise.
///
/// # Examples
///
/// ```
/// anyloop::run(async {
///     let from = std::env::temp_dir().join(format!("anyloop-doc-mvfrom-{}", std::process::id()));
///     let to = std::env::temp_dir().join(format!("anyloop-doc-mvto-{}", std::process::id()));
///     anyloop::fs::write(&from, "moved").await?;
///     anyloop::fs::rename(&from, &to).await?;
///     assert_eq!(anyloop::fs::read_to_string(&to).await?, "moved");
///     anyloop::fs::remove_file(&to).await
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub async fn rename(from: impl AsRef<Path>, to: impl AsRef<Path>) -> io::Result<()> {
    on_backend!(fs: m => m::fs::rename(from, to).await)
}

/// Copies a file's contents and permissions to another, replacing it;
/// returns the number of bytes copied.
///
/// # Errors
///
/// `NotFound` if the source does not exist; as `std::fs::copy` otherwise.
///
/// # Examples
///
/// ```
/// anyloop::run(async {
///     let from = std::env::temp_dir().join(format!("anyloop-doc-cpfrom-{}", std::process::id()));
///     let to = std::env::temp_dir().join(format!("anyloop-doc-cpto-{}", std::process::id()));
///     anyloop::fs::write(&from, "copy").await?;
///     assert_eq!(anyloop::fs::copy(&from, &to).await?, 4);
///     assert_eq!(anyloop::fs::read_to_string(&to).await?, "copy");
///     anyloop::fs::remove_file(&from).await?;
///     anyloop::fs::remove_file(&to).await
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub async fn copy(from: impl AsRef<Path>, to: impl AsRef<Path>) -> io::Result<u64> {
    on_backend!(fs: m => m::fs::copy(from, to).await)
}

impl futures_core::Stream for ReadDir {
    type Item = io::Result<DirEntry>;

    #[inline]
    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        checked!(ReadDirInner, "a directory listing made", &mut self.get_mut().0, d => {
            Pin::new(d)
                .poll_next(cx)
                .map(|entry| entry.map(|entry| entry.map(DirEntry::from)))
        })
    }
}

impl DirEntry {
    /// The entry's full path: the directory given to [`read_dir`] joined
    /// with [`file_name`](DirEntry::file_name).
    ///
    /// See [`DirEntry`] for an example.
    pub fn path(&self) -> PathBuf {
        crate::net::on!(DirEntryInner, &self.0, e => e.path())
    }

    /// The entry's name, without its directory.
    ///
    /// See [`DirEntry`] for an example.
    pub fn file_name(&self) -> std::ffi::OsString {
        crate::net::on!(DirEntryInner, &self.0, e => e.file_name())
    }

    /// The entry's metadata, not following symbolic links.
    ///
    /// See [`DirEntry`] for an example.
    pub async fn metadata(&self) -> io::Result<Metadata> {
        checked!(DirEntryInner, "a directory entry read", &self.0, e => e.metadata().await)
    }

    /// The entry's type, not following symbolic links.
    ///
    /// See [`DirEntry`] for an example.
    pub async fn file_type(&self) -> io::Result<FileType> {
        checked!(DirEntryInner, "a directory entry read", &self.0, e => e.file_type().await)
    }
}
