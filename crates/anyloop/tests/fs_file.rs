//! Conformance: files behave the same on every backend (a 10 MiB round trip
//! through `File`, seeking, metadata, `set_len`, `OpenOptions`).

mod common;

use common::within;

use std::io::SeekFrom;
use std::path::PathBuf;

use anyloop::fs::{self, File, OpenOptions};
use anyloop::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};
use common::backend;

/// Every wait of these tests is bounded by this.
/// A fresh directory under the system's temporary one, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!(
            "anyloop-fs-{name}-{}-{n}-{}",
            std::process::id(),
            backend()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
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

/// `len` pseudo-random bytes (xorshift), so that a misplaced chunk shows.
fn pattern(len: usize) -> Vec<u8> {
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

#[anyloop::test]
async fn ten_mib_round_trip() {
    within("the round trip", async {
        let dir = TempDir::new("round-trip");
        let path = dir.path("big");
        let data = pattern(10 << 20);

        let mut file = File::create(&path).await.unwrap();
        // Uneven chunks, so that no write lines up with a buffer size.
        for chunk in data.chunks(100_003) {
            file.write_all(chunk).await.unwrap();
        }
        file.close().await.unwrap();
        drop(file);
        assert_eq!(
            fs::metadata(&path).await.unwrap().len(),
            data.len() as u64,
            "on {}",
            backend()
        );

        let mut back = Vec::new();
        let mut file = File::open(&path).await.unwrap();
        let n = file.read_to_end(&mut back).await.unwrap();
        assert_eq!(n, data.len(), "on {}", backend());
        let first_difference = back.iter().zip(&data).position(|(a, b)| a != b);
        assert_eq!(first_difference, None, "on {}", backend());
        assert!(back == data, "on {}", backend());

        // The whole-file helpers agree.
        assert!(fs::read(&path).await.unwrap() == data, "on {}", backend());
        fs::write(dir.path("copy"), &data).await.unwrap();
        assert!(
            fs::read(dir.path("copy")).await.unwrap() == data,
            "on {}",
            backend()
        );
    })
    .await;
}

#[anyloop::test]
async fn seek_read_and_write() {
    within("seeking", async {
        let dir = TempDir::new("seek");
        let path = dir.path("digits");
        fs::write(&path, "0123456789").await.unwrap();

        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(&path)
            .await
            .unwrap();
        let mut two = [0; 2];
        assert_eq!(file.seek(SeekFrom::Start(3)).await.unwrap(), 3);
        file.read_exact(&mut two).await.unwrap();
        assert_eq!(&two, b"34", "on {}", backend());
        assert_eq!(file.seek(SeekFrom::Current(2)).await.unwrap(), 7);
        file.read_exact(&mut two[..1]).await.unwrap();
        assert_eq!(&two[..1], b"7", "on {}", backend());
        assert_eq!(file.seek(SeekFrom::End(-1)).await.unwrap(), 9);
        let mut rest = Vec::new();
        file.read_to_end(&mut rest).await.unwrap();
        assert_eq!(rest, b"9", "on {}", backend());
        // Where the cursor is after reading to the end.
        assert_eq!(
            file.seek(SeekFrom::Current(0)).await.unwrap(),
            10,
            "on {}",
            backend()
        );

        // Writes go where the cursor is.
        file.seek(SeekFrom::Start(0)).await.unwrap();
        file.write_all(b"ab").await.unwrap();
        file.seek(SeekFrom::End(0)).await.unwrap();
        file.write_all(b"!").await.unwrap();
        file.flush().await.unwrap();
        assert_eq!(
            fs::read_to_string(&path).await.unwrap(),
            "ab23456789!",
            "on {}",
            backend()
        );

        // Seeking before the start is an error, not a panic.
        let err = file.seek(SeekFrom::Current(-100)).await.unwrap_err();
        assert_eq!(
            err.kind(),
            std::io::ErrorKind::InvalidInput,
            "on {}: {err}",
            backend()
        );
    })
    .await;
}

#[anyloop::test]
async fn a_closed_file_stays_usable() {
    within("a closed file", async {
        let dir = TempDir::new("closed");
        let path = dir.path("file");
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .open(&path)
            .await
            .unwrap();
        file.write_all(b"before").await.unwrap();
        file.close().await.unwrap();
        assert_eq!(fs::read(&path).await.unwrap(), b"before");
        // `close` flushed; the file is closed when dropped.
        file.seek(SeekFrom::Start(0)).await.unwrap();
        let mut text = String::new();
        file.read_to_string(&mut text).await.unwrap();
        assert_eq!(text, "before", "on {}", backend());
        file.write_all(b" after").await.unwrap();
        file.close().await.unwrap();
        file.close().await.unwrap();
        assert_eq!(fs::read(&path).await.unwrap(), b"before after");
    })
    .await;
}

#[anyloop::test]
async fn metadata_set_len_and_sync() {
    within("metadata", async {
        let dir = TempDir::new("metadata");
        let path = dir.path("file");
        let mut file = File::create(&path).await.unwrap();
        file.write_all(&[7; 1000]).await.unwrap();
        file.sync_all().await.unwrap();
        let metadata = file.metadata().await.unwrap();
        assert!(metadata.is_file(), "on {}", backend());
        assert_eq!(metadata.len(), 1000, "on {}", backend());

        file.set_len(10).await.unwrap();
        file.sync_data().await.unwrap();
        assert_eq!(fs::metadata(&path).await.unwrap().len(), 10);
        file.set_len(4096).await.unwrap();
        let data = fs::read(&path).await.unwrap();
        assert_eq!(data.len(), 4096, "on {}", backend());
        assert!(data[..10].iter().all(|&b| b == 7), "on {}", backend());
        assert!(data[10..].iter().all(|&b| b == 0), "on {}", backend());

        let metadata = fs::metadata(&dir.0).await.unwrap();
        assert!(metadata.is_dir(), "on {}", backend());
        assert!(fs::symlink_metadata(&path).await.unwrap().is_file());
    })
    .await;
}

#[anyloop::test]
async fn open_options() {
    within("open options", async {
        let dir = TempDir::new("options");
        let path = dir.path("log");
        let mut file = OpenOptions::new()
            .append(true)
            .create(true)
            .open(&path)
            .await
            .unwrap();
        file.write_all(b"one\n").await.unwrap();
        file.close().await.unwrap();
        let mut file = OpenOptions::new().append(true).open(&path).await.unwrap();
        file.write_all(b"two\n").await.unwrap();
        file.close().await.unwrap();
        assert_eq!(fs::read_to_string(&path).await.unwrap(), "one\ntwo\n");

        let mut file = OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(&path)
            .await
            .unwrap();
        file.write_all(b"new").await.unwrap();
        file.close().await.unwrap();
        assert_eq!(fs::read_to_string(&path).await.unwrap(), "new");

        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let private = dir.path("private");
            let file = OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&private)
                .await
                .unwrap();
            let mode = file.metadata().await.unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "on {}", backend());
        }

        // A file made from a `std` one.
        let mut file = File::from_std(std::fs::File::open(&path).unwrap());
        let mut text = String::new();
        file.read_to_string(&mut text).await.unwrap();
        assert_eq!(text, "new", "on {}", backend());
    })
    .await;
}

#[anyloop::test]
async fn files_are_send_and_work_in_spawned_tasks() {
    within("a file in a task", async {
        let dir = TempDir::new("task");
        let path = dir.path("file");
        let mut file = File::create(&path).await.unwrap();
        let task = anyloop::spawn(async move {
            file.write_all(b"from a task").await?;
            file.close().await
        });
        task.await.unwrap().unwrap();
        assert_eq!(fs::read_to_string(&path).await.unwrap(), "from a task");
    })
    .await;
}

#[test]
fn auto_traits() {
    fn send_sync_unpin<T: Send + Sync + Unpin>() {}
    use anyloop::fs::{DirEntry, File, OpenOptions, ReadDir};
    send_sync_unpin::<File>();
    send_sync_unpin::<ReadDir>();
    send_sync_unpin::<DirEntry>();
    send_sync_unpin::<OpenOptions>();
}
