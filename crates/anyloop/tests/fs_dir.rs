//! Conformance: directories (read_dir, create, remove, rename, copy) and
//! file-system errors behave the same on every backend.

mod common;

use common::within;

use std::io::ErrorKind;
use std::path::PathBuf;

use anyloop::fs::{self, File, OpenOptions};
use anyloop::io::StreamExt;
use common::backend;

/// A fresh path under the system's temporary directory (not created),
/// removed with its contents when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        TempDir(std::env::temp_dir().join(format!(
            "anyloop-fsdir-{name}-{}-{n}-{}",
            std::process::id(),
            backend()
        )))
    }

    fn path(&self, file: &str) -> PathBuf {
        self.0.join(file)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[anyloop::test]
async fn read_dir_lists_every_entry() {
    within("read_dir", async {
        let dir = TempDir::new("list");
        fs::create_dir_all(dir.path("sub/deeper")).await.unwrap();
        for name in ["a", "b", "c"] {
            fs::write(dir.path(name), name).await.unwrap();
        }

        let mut found = Vec::new();
        let mut entries = fs::read_dir(&dir.0).await.unwrap();
        while let Some(entry) = entries.next().await {
            let entry = entry.unwrap();
            assert_eq!(entry.path(), dir.path(entry.file_name().to_str().unwrap()));
            let is_dir = entry.file_type().await.unwrap().is_dir();
            assert_eq!(entry.metadata().await.unwrap().is_dir(), is_dir);
            found.push((entry.file_name().into_string().unwrap(), is_dir));
        }
        found.sort();
        let expected = [
            ("a".to_owned(), false),
            ("b".to_owned(), false),
            ("c".to_owned(), false),
            ("sub".to_owned(), true),
        ];
        assert_eq!(found, expected, "on {}", backend());
        // The stream stays at its end.
        assert!(entries.next().await.is_none(), "on {}", backend());

        // An empty directory is an empty stream.
        let empty: Vec<_> = fs::read_dir(dir.path("sub/deeper"))
            .await
            .unwrap()
            .collect()
            .await;
        assert!(empty.is_empty(), "on {}", backend());
    })
    .await;
}

#[anyloop::test]
async fn create_rename_copy_remove() {
    within("directory operations", async {
        let dir = TempDir::new("ops");
        fs::create_dir(&dir.0).await.unwrap();
        fs::create_dir_all(dir.path("x/y")).await.unwrap();
        fs::create_dir_all(dir.path("x/y")).await.unwrap(); // exists: fine

        fs::write(dir.path("x/y/file"), "contents").await.unwrap();
        assert_eq!(
            fs::copy(dir.path("x/y/file"), dir.path("copied"))
                .await
                .unwrap(),
            8
        );
        fs::rename(dir.path("copied"), dir.path("renamed"))
            .await
            .unwrap();
        assert_eq!(
            fs::read_to_string(dir.path("renamed")).await.unwrap(),
            "contents"
        );
        assert_eq!(
            fs::metadata(dir.path("copied")).await.unwrap_err().kind(),
            ErrorKind::NotFound,
            "on {}",
            backend()
        );

        fs::remove_file(dir.path("renamed")).await.unwrap();
        fs::remove_dir_all(dir.path("x")).await.unwrap();
        fs::remove_dir(&dir.0).await.unwrap();
        assert_eq!(
            fs::metadata(&dir.0).await.unwrap_err().kind(),
            ErrorKind::NotFound,
            "on {}",
            backend()
        );
    })
    .await;
}

#[anyloop::test]
async fn errors_keep_their_kind() {
    within("errors", async {
        let dir = TempDir::new("errors");
        fs::create_dir_all(&dir.0).await.unwrap();
        let missing = dir.path("missing");

        let not_found = [
            ("File::open", File::open(&missing).await.err()),
            (
                "File::create in a missing directory",
                File::create(missing.join("file")).await.err(),
            ),
            (
                "OpenOptions::open",
                OpenOptions::new().read(true).open(&missing).await.err(),
            ),
            ("read", fs::read(&missing).await.err()),
            ("read_to_string", fs::read_to_string(&missing).await.err()),
            (
                "write in a missing directory",
                fs::write(missing.join("file"), "x").await.err(),
            ),
            ("metadata", fs::metadata(&missing).await.err()),
            ("read_dir", fs::read_dir(&missing).await.err()),
            ("remove_file", fs::remove_file(&missing).await.err()),
            ("remove_dir", fs::remove_dir(&missing).await.err()),
            ("remove_dir_all", fs::remove_dir_all(&missing).await.err()),
            ("rename", fs::rename(&missing, dir.path("to")).await.err()),
            ("copy", fs::copy(&missing, dir.path("to")).await.err()),
        ];
        for (what, err) in not_found {
            let err = err.unwrap_or_else(|| panic!("{what} succeeded on {}", backend()));
            assert_eq!(
                err.kind(),
                ErrorKind::NotFound,
                "{what} on {}: {err}",
                backend()
            );
        }

        fs::write(dir.path("file"), [0xff, 0xfe]).await.unwrap();
        let err = fs::read_to_string(dir.path("file")).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidData, "on {}", backend());
        let err = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(dir.path("file"))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AlreadyExists, "on {}", backend());
        let err = fs::create_dir(&dir.0).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AlreadyExists, "on {}", backend());
        // No access mode at all.
        let err = OpenOptions::new().open(dir.path("file")).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "on {}", backend());
    })
    .await;
}

/// A file opened under tokio and used from a task of another backend is an
/// error, not a panic or a hang.
#[cfg(all(feature = "tokio", any(feature = "smol", feature = "async-std")))]
#[test]
fn a_tokio_file_used_from_another_backend_is_an_error() {
    use anyloop::io::AsyncWriteExt;
    use anyloop::{Backend, Runtime};

    let dir =
        TempDir(std::env::temp_dir().join(format!("anyloop-fsdir-cross-{}", std::process::id())));
    std::fs::create_dir_all(&dir.0).unwrap();
    let tokio = Runtime::builder()
        .backend(Backend::Tokio)
        .current_thread()
        .build()
        .unwrap();
    let mut file = tokio.block_on(File::create(dir.path("file"))).unwrap();

    let other = Backend::available()
        .iter()
        .copied()
        .find(|&b| b != Backend::Tokio)
        .unwrap();
    let other = Runtime::builder().backend(other).build().unwrap();
    let err = other.block_on(async { file.write_all(b"x").await.unwrap_err() });
    assert!(err.to_string().contains("tokio"), "{err}");
    let err = other.block_on(file.metadata()).unwrap_err();
    assert!(err.to_string().contains("tokio"), "{err}");
}
