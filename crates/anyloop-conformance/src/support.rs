//! Helpers of the checks: runtime-free, or using only the runtime under test.

use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

use anyloop_core::{Timer, TimerExt};

/// `127.0.0.1:0`: loopback, any free port.
pub(crate) const LOCALHOST: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(Ipv4Addr::LOCALHOST), 0);

/// Ends the running check as skipped (the host cannot run it), not failed.
pub(crate) fn skip(reason: impl Into<String>) -> ! {
    std::panic::panic_any(crate::runner::Skip(reason.into()))
}

/// Sets its flag when dropped: tells whether a future's destructor ran.
#[derive(Debug, Clone, Default)]
pub(crate) struct DropFlag(Arc<AtomicBool>);

impl DropFlag {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// A guard that sets this flag when dropped.
    pub(crate) fn guard(&self) -> DropGuard {
        DropGuard(self.0.clone())
    }

    pub(crate) fn is_set(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

pub(crate) struct DropGuard(Arc<AtomicBool>);

impl Drop for DropGuard {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// Panics when dropped.
pub(crate) struct PanicsOnDrop;

impl Drop for PanicsOnDrop {
    fn drop(&mut self) {
        panic!("destructor panicked");
    }
}

/// A shared counter.
#[derive(Debug, Clone, Default)]
pub(crate) struct Counter(Arc<AtomicUsize>);

impl Counter {
    pub(crate) fn new() -> Self {
        Self::default()
    }
    pub(crate) fn add(&self) -> usize {
        self.0.fetch_add(1, Ordering::SeqCst) + 1
    }
    pub(crate) fn get(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// Waits (on the runtime's timer) until `cond` holds, for at most five
/// seconds; returns whether it held.
pub(crate) async fn eventually<T: Timer + Clone>(rt: &T, mut cond: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if cond() {
            return true;
        }
        rt.sleep(Duration::from_millis(1)).await;
    }
    cond()
}

/// Fails the check instead of hanging it when `future` never completes.
pub(crate) async fn within<T: Timer + Clone, F: Future>(
    rt: &T,
    what: &str,
    future: F,
) -> F::Output {
    rt.timeout(Duration::from_secs(30), future)
        .await
        .unwrap_or_else(|_| panic!("{what}: timed out after 30 s"))
}

/// Polls a future by hand with a waker that counts its wake-ups.
pub(crate) struct PollCounter<F> {
    future: Pin<Box<F>>,
    wakes: Arc<WakeCount>,
}

#[derive(Default)]
struct WakeCount(AtomicUsize);

impl Wake for WakeCount {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

impl<F: Future> PollCounter<F> {
    pub(crate) fn new(future: F) -> Self {
        PollCounter {
            future: Box::pin(future),
            wakes: Arc::default(),
        }
    }

    pub(crate) fn poll_once(&mut self) -> Poll<F::Output> {
        let waker = Waker::from(self.wakes.clone());
        self.future.as_mut().poll(&mut Context::from_waker(&waker))
    }

    pub(crate) fn wakes(&self) -> usize {
        self.wakes.0.load(Ordering::SeqCst)
    }
}

/// Bytes that differ from their neighbours, so that a lost, duplicated or
/// reordered chunk shows.
pub(crate) fn pattern(len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i % 251) as u8 ^ (i >> 12) as u8)
        .collect()
}

/// A fresh directory for socket files, removed when dropped.
pub(crate) struct TempDir(PathBuf);

impl TempDir {
    pub(crate) fn new(name: &str) -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!(
            "anyloop-conformance-{name}-{}-{n}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).expect("create a temporary directory");
        TempDir(dir)
    }

    pub(crate) fn path(&self, file: &str) -> PathBuf {
        self.0.join(file)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
