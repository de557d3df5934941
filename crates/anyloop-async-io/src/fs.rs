//! Files for the smol and async-std backends: [async-fs].
//!
//! async-fs runs every blocking call on the [`blocking`] thread pool (never
//! on an executor's worker) and needs no runtime: its files work from any
//! thread. Its `File` already implements the `futures-io` traits and its
//! `ReadDir` is a `futures_core::Stream`, so this module re-exports them.
//!
//! async-fs's `File` must not be used after `close` (its next operation
//! panics); `anyloop::fs::File` only flushes on `close`, so it stays usable.
//!
//! Applications normally use `anyloop::fs`, which dispatches to this module
//! under smol and async-std.
//!
//! # Examples
//!
//! ```
//! use anyloop_async_io::fs;
//!
//! let path = std::env::temp_dir().join(format!("anyloop-async-io-fs-{}", std::process::id()));
//! smol::block_on(async {
//!     fs::write(&path, "hello").await?;
//!     assert_eq!(fs::read_to_string(&path).await?, "hello");
//!     fs::remove_file(&path).await
//! })?;
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! [async-fs]: https://docs.rs/async-fs
//! [`blocking`]: https://docs.rs/blocking

#[cfg(unix)]
#[doc(no_inline)]
pub use async_fs::unix::OpenOptionsExt;
#[doc(no_inline)]
pub use async_fs::{
    DirEntry, File, OpenOptions, ReadDir, copy, create_dir, create_dir_all, metadata, read,
    read_dir, read_to_string, remove_dir, remove_dir_all, remove_file, rename, symlink_metadata,
    write,
};
