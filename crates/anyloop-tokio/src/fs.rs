//! tokio's files, with the `futures-io` traits.
//!
//! Every operation runs on tokio's blocking pool, as `tokio::fs` does: a
//! worker thread never blocks on the disk. The free functions are tokio's
//! own; [`File`] and [`ReadDir`] wrap tokio's to implement the `futures-io`
//! traits and `futures_core::Stream`. Like `tokio::fs`, everything here
//! must run inside a tokio runtime (it panics outside one).
//!
//! Applications normally use `anyloop::fs`, which dispatches to this module
//! under tokio.
//!
//! # Examples
//!
//! ```
//! use anyloop::io::{AsyncReadExt, AsyncWriteExt};
//! use anyloop::rt::BlockOn;
//! use anyloop_tokio::fs::File;
//!
//! let rt = anyloop_tokio::Runtime::current_thread()?;
//! rt.block_on(async {
//!     let path = std::env::temp_dir().join(format!("anyloop-tokio-fs-{}", std::process::id()));
//!     let mut file = File::create(&path).await?;
//!     file.write_all(b"hello").await?;
//!     file.flush().await?;
//!     let mut text = String::new();
//!     File::open(&path).await?.read_to_string(&mut text).await?;
//!     assert_eq!(text, "hello");
//!     anyloop_tokio::fs::remove_file(&path).await
//! })?;
//! # Ok::<(), std::io::Error>(())
//! ```

use std::fmt;
use std::fs::Metadata;
use std::io::{self, IoSlice, SeekFrom};
use std::path::Path;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures_io::{AsyncRead, AsyncSeek, AsyncWrite};
use tokio::io::{AsyncSeek as TokioSeek, AsyncWrite as TokioWrite};

use crate::net::{futures_io, futures_io_write, poll_read};

#[doc(no_inline)]
pub use tokio::fs::{
    DirEntry, OpenOptions, copy, create_dir, create_dir_all, metadata, read, read_to_string,
    remove_dir, remove_dir_all, remove_file, rename, symlink_metadata, write,
};

/// A file on tokio's blocking pool, with the `futures-io` traits
/// (`AsyncRead`, `AsyncWrite`, `AsyncSeek`).
///
/// As with tokio's `File`, a write completes once it is handed to the
/// blocking pool: flush (or close) the file before dropping it to be sure
/// the data reached the OS and to see the write's error.
pub struct File(tokio::fs::File, Option<SeekFrom>);

futures_io!(File);
futures_io_write!(File);

impl AsyncSeek for File {
    fn poll_seek(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        pos: SeekFrom,
    ) -> Poll<io::Result<u64>> {
        // futures-io calls `poll_seek` with the same position until it is
        // ready; tokio starts a seek once and then polls it to completion.
        if self.1 != Some(pos) {
            // Finish whatever operation is in flight before starting one.
            ready!(Pin::new(&mut self.0).poll_complete(cx))?;
            Pin::new(&mut self.0).start_seek(pos)?;
            self.1 = Some(pos);
        }
        let result = ready!(Pin::new(&mut self.0).poll_complete(cx));
        self.1 = None;
        Poll::Ready(result)
    }
}

impl File {
    /// Opens a file for reading.
    ///
    /// # Errors
    ///
    /// `NotFound` if it does not exist, `PermissionDenied`, ...
    pub async fn open(path: impl AsRef<Path>) -> io::Result<File> {
        tokio::fs::File::open(path).await.map(File::from)
    }

    /// Creates a file for writing, truncating it if it exists.
    pub async fn create(path: impl AsRef<Path>) -> io::Result<File> {
        tokio::fs::File::create(path).await.map(File::from)
    }

    /// Wraps a `std` file.
    pub fn from_std(file: std::fs::File) -> File {
        File::from(tokio::fs::File::from_std(file))
    }

    /// The file's metadata.
    pub async fn metadata(&self) -> io::Result<Metadata> {
        self.0.metadata().await
    }

    /// Truncates or extends the file to `size` bytes.
    pub async fn set_len(&self, size: u64) -> io::Result<()> {
        self.0.set_len(size).await
    }

    /// Flushes the data and the metadata to the disk.
    pub async fn sync_all(&self) -> io::Result<()> {
        self.0.sync_all().await
    }

    /// Flushes the data (not necessarily the metadata) to the disk.
    pub async fn sync_data(&self) -> io::Result<()> {
        self.0.sync_data().await
    }

    /// Returns a reference to tokio's file.
    pub fn get_ref(&self) -> &tokio::fs::File {
        &self.0
    }

    /// Returns a mutable reference to tokio's file.
    pub fn get_mut(&mut self) -> &mut tokio::fs::File {
        &mut self.0
    }

    /// Returns tokio's file.
    pub fn into_inner(self) -> tokio::fs::File {
        self.0
    }
}

impl From<tokio::fs::File> for File {
    fn from(file: tokio::fs::File) -> Self {
        File(file, None)
    }
}

impl From<std::fs::File> for File {
    fn from(file: std::fs::File) -> Self {
        File::from_std(file)
    }
}

impl fmt::Debug for File {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The entries of a directory, as a `futures_core::Stream` of
/// `io::Result<DirEntry>`; made by [`read_dir`].
pub struct ReadDir(tokio::fs::ReadDir);

/// The entries of the directory at `path`, as a stream.
///
/// # Errors
///
/// `NotFound` if the directory does not exist; errors reading an entry are
/// items of the stream.
pub async fn read_dir(path: impl AsRef<Path>) -> io::Result<ReadDir> {
    tokio::fs::read_dir(path).await.map(ReadDir)
}

impl futures_core::Stream for ReadDir {
    type Item = io::Result<DirEntry>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0.poll_next_entry(cx).map(Result::transpose)
    }
}

impl ReadDir {
    /// Returns tokio's `ReadDir`.
    pub fn into_inner(self) -> tokio::fs::ReadDir {
        self.0
    }
}

impl fmt::Debug for ReadDir {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}
