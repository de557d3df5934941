//! Helpers shared by the conformance suite.
#![allow(dead_code, unused_macros)]

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

/// Runs `$check(rt)` through both faces of the backend running the test: its
/// static handle (`Tokio`, `Smol`, `AsyncStd`) and the ambient `Current`.
macro_rules! both_faces {
    ($check:path) => {{
        match ::anyloop::Backend::current().expect("the test runs inside a runtime") {
            #[cfg(feature = "tokio")]
            ::anyloop::Backend::Tokio => $check(::anyloop::rt::Tokio).await,
            #[cfg(feature = "smol")]
            ::anyloop::Backend::Smol => $check(::anyloop::rt::Smol).await,
            #[cfg(feature = "async-std")]
            ::anyloop::Backend::AsyncStd => $check(::anyloop::rt::AsyncStd).await,
            other => unreachable!("unknown backend {other}"),
        }
        $check(::anyloop::rt::Current).await;
    }};
}
#[allow(unused_imports)]
pub(crate) use both_faces;

/// The backend running the caller, for failure messages.
pub(crate) fn backend() -> anyloop::Backend {
    anyloop::Backend::current().expect("the test runs inside a runtime")
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

/// Waits (sleeping on the OS thread's timer through the ambient API) until
/// `cond` holds, for at most five seconds; returns whether it held.
pub(crate) async fn eventually(mut cond: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if cond() {
            return true;
        }
        anyloop::time::sleep(Duration::from_millis(1)).await;
    }
    cond()
}

/// A counter of tasks in flight that records its peak.
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

/// Fails the test instead of hanging it when `future` never completes.
pub(crate) async fn within<F: Future>(what: &str, future: F) -> F::Output {
    anyloop::time::timeout(Duration::from_secs(30), future)
        .await
        .unwrap_or_else(|_| panic!("{what}: timed out on {}", backend()))
}

/// Counts holders in flight and remembers the peak.
#[derive(Default)]
pub(crate) struct InFlight {
    now: AtomicUsize,
    peak: AtomicUsize,
}

impl InFlight {
    pub(crate) fn enter(&self) {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
    }
    pub(crate) fn leave(&self) {
        self.now.fetch_sub(1, Ordering::SeqCst);
    }
    pub(crate) fn now(&self) -> usize {
        self.now.load(Ordering::SeqCst)
    }
    pub(crate) fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }
}
