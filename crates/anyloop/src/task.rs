//! Tasks: spawning, joining, cancelling, yielding.
//!
//! One meaning on every backend:
//!
//! | | tokio | async-std | smol | anyloop |
//! |---|---|---|---|---|
//! | drop the handle | detaches | detaches | **cancels** | detaches |
//! | task panics | `JoinError` | unwinds into the awaiting task | unwinds into the awaiting task | [`JoinError::is_panic`] |
//! | abort | `abort(&self)` | `cancel(self).await` | `cancel(self).await` | [`TaskHandle::abort`] |
//!
//! Use [`TaskHandle::abort_on_drop`] where a task must not outlive its owner.
//!
//! # Local tasks
//!
//! [`spawn_local`] runs a `!Send` future on the thread that spawns it, in a
//! *local context*: the future of [`Runtime::block_on`](crate::Runtime)
//! (so also of [`run`](crate::run), [`#[anyloop::main]`](crate::main) and
//! [`#[anyloop::test]`](crate::test), whatever their flavour) and the local
//! tasks spawned from it. Tasks of [`spawn`] run on any worker and have
//! none, even on a current-thread runtime, so the same code behaves the
//! same on every backend and flavour; [`try_spawn_local`] returns a
//! [`SpawnLocalError`] there, and [`spawn_local`] panics. Its
//! [`LocalJoinHandle`] has the semantics of [`JoinHandle`].
//!
//! # Names and `tracing`
//!
//! [`Builder`] names a task. With the `tracing` feature, every task spawned
//! through anyloop ([`spawn`], [`spawn_blocking`], [`spawn_local`], the
//! children of a [`TaskGroup`], [`Handle::spawn`](crate::Handle::spawn),
//! and the [`Builder`]'s) runs in the span that was current where it was
//! spawned, and a named task in a span `task` with a `name` field, child of
//! that one. The static face (`anyloop::rt::Tokio.spawn(..)`, ...) is the
//! runtime's own call and adds nothing.

use std::fmt;
use std::future::Future;
use std::mem::ManuallyDrop;
use std::pin::Pin;
use std::task::{Context, Poll};

pub use anyloop_core::task::{
    AbortOnDrop, JoinError, PanicPayload, TaskHandle, YieldNow, yield_now,
};

mod builder;
mod local;

pub use builder::Builder;
pub use local::{LocalJoinHandle, SpawnLocalError, spawn_local, try_spawn_local};

pub use crate::group::{GroupError, GroupTask, Ready, TaskGroup, scope};
use crate::rt::{Current, Spawn};

/// Spawns `future` as a task on the runtime that runs the caller.
///
/// The task starts at once. Dropping the returned handle detaches it; a
/// panic inside it is returned as a [`JoinError`].
///
/// # Panics
///
/// Outside any runtime, when the `smol` feature is not enabled (see
/// [`Current`]).
///
/// # Examples
///
/// ```
/// anyloop::run(async {
///     let handle = anyloop::spawn(async { 6 * 7 });
///     assert_eq!(handle.await.unwrap(), 42);
/// });
/// ```
#[inline(always)]
#[track_caller]
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    Current.spawn(future)
}

/// Runs the blocking closure `f` on the blocking thread pool of the runtime
/// that runs the caller (asyncio's `to_thread`), never on a thread that runs
/// async tasks.
///
/// # Panics
///
/// Outside any runtime, when the `smol` feature is not enabled (see
/// [`Current`]).
///
/// # Examples
///
/// ```
/// anyloop::run(async {
///     let sum = anyloop::spawn_blocking(|| (1..=100u32).sum::<u32>()).await.unwrap();
///     assert_eq!(sum, 5050);
/// });
/// ```
#[inline]
#[track_caller]
pub fn spawn_blocking<F, T>(f: F) -> JoinHandle<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    Current.spawn_blocking(f)
}

/// An owned permission to join a task, on whichever backend runs it.
///
/// Await it for the task's output. `abort`, `is_finished` and
/// `abort_on_drop` need no import; they are also the [`TaskHandle`] trait's,
/// which every backend's handle implements.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// anyloop::run(async {
///     let slow = anyloop::spawn(anyloop::time::sleep(Duration::from_secs(3600)));
///     slow.abort();
///     assert!(slow.await.unwrap_err().is_cancelled());
/// });
/// ```
pub struct JoinHandle<T: Send + 'static> {
    // Dropped by hand, so that the enum adds no drop glue (which LLVM keeps
    // out of line): a joined smol or async-std handle holds nothing and is
    // not dropped at all, tokio's is taken out of its `Option` and dropped
    // inline, every other handle is dropped out of line. `None` (and
    // tokio's `None`) only inside that drop.
    inner: ManuallyDrop<Option<Inner<T>>>,
}

enum Inner<T: Send + 'static> {
    #[cfg(feature = "tokio")]
    Tokio(Option<anyloop_tokio::JoinHandle<T>>),
    #[cfg(feature = "smol")]
    Smol(anyloop_smol::JoinHandle<T>),
    #[cfg(feature = "async-std")]
    AsyncStd(anyloop_async_std::JoinHandle<T>),
    Dyn(anyloop_core::dyn_rt::DynJoinHandle<T>),
}

impl<T: Send + 'static> Drop for JoinHandle<T> {
    #[inline(always)]
    fn drop(&mut self) {
        // What a joined `CancellableTask` would do in its own drop: nothing.
        let joined = match &mut *self.inner {
            // A pointer: taken and dropped here, in place of the enum's glue.
            #[cfg(feature = "tokio")]
            Some(Inner::Tokio(handle)) => {
                drop(handle.take());
                true
            }
            #[cfg(feature = "smol")]
            Some(Inner::Smol(handle)) => handle.is_joined(),
            #[cfg(feature = "async-std")]
            Some(Inner::AsyncStd(handle)) => handle.is_joined(),
            _ => false,
        };
        if !joined {
            drop_unjoined(&mut self.inner);
        }
    }
}

/// Drops a handle that was not joined (detaching its task).
#[inline(never)]
fn drop_unjoined<T: Send + 'static>(inner: &mut Option<Inner<T>>) {
    // (`*inner = None` drops it in place, but through the whole enum's drop
    // glue again: 3 instructions more on tokio.)
    drop(inner.take());
}

/// `dispatch!(expr, handle => body, dropped)` runs `body` with the backend's
/// handle (`dropped` in the drop, which empties it).
macro_rules! dispatch {
    ($inner:expr, $handle:ident => $body:expr, $joined:expr) => {
        match $inner {
            #[cfg(feature = "tokio")]
            Some(Inner::Tokio(Some($handle))) => $body,
            #[cfg(feature = "smol")]
            Some(Inner::Smol($handle)) => $body,
            #[cfg(feature = "async-std")]
            Some(Inner::AsyncStd($handle)) => $body,
            Some(Inner::Dyn($handle)) => $body,
            #[cfg(feature = "tokio")]
            Some(Inner::Tokio(None)) => $joined,
            None => $joined,
        }
    };
}

macro_rules! from_backend {
    ($($feature:literal, $variant:ident, $handle:ty;)*) => {$(
        #[cfg(feature = $feature)]
        impl<T: Send + 'static> From<$handle> for JoinHandle<T> {
            #[inline]
            fn from(handle: $handle) -> Self {
                JoinHandle { inner: ManuallyDrop::new(Some(Inner::$variant(handle))) }
            }
        }
    )*};
}

#[cfg(feature = "tokio")]
impl<T: Send + 'static> From<anyloop_tokio::JoinHandle<T>> for JoinHandle<T> {
    #[inline]
    fn from(handle: anyloop_tokio::JoinHandle<T>) -> Self {
        JoinHandle {
            inner: ManuallyDrop::new(Some(Inner::Tokio(Some(handle)))),
        }
    }
}

from_backend! {
    "smol", Smol, anyloop_smol::JoinHandle<T>;
    "async-std", AsyncStd, anyloop_async_std::JoinHandle<T>;
}

impl<T: Send + 'static> From<anyloop_core::dyn_rt::DynJoinHandle<T>> for JoinHandle<T> {
    #[inline]
    fn from(handle: anyloop_core::dyn_rt::DynJoinHandle<T>) -> Self {
        JoinHandle {
            inner: ManuallyDrop::new(Some(Inner::Dyn(handle))),
        }
    }
}

impl<T: Send + 'static> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    #[inline(always)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        dispatch!(&mut *self.get_mut().inner, handle => Pin::new(handle).poll(cx), dropped())
    }
}

/// The `None` arm of [`dispatch!`], which only the drop sees.
#[cold]
#[inline(never)]
fn dropped() -> ! {
    unreachable!("a `JoinHandle` is only emptied by its drop")
}

impl<T: Send + 'static> JoinHandle<T> {
    /// Cancels the task; see [`TaskHandle::abort`].
    #[inline]
    pub fn abort(&self) {
        TaskHandle::abort(self);
    }

    /// Returns `true` once the task has ended; see
    /// [`TaskHandle::is_finished`].
    #[inline]
    pub fn is_finished(&self) -> bool {
        TaskHandle::is_finished(self)
    }

    /// Wraps the handle in a guard that aborts the task when dropped; see
    /// [`TaskHandle::abort_on_drop`].
    pub fn abort_on_drop(self) -> AbortOnDrop<Self> {
        TaskHandle::abort_on_drop(self)
    }
}

impl<T: Send + 'static> TaskHandle for JoinHandle<T> {
    #[inline]
    fn abort(&self) {
        dispatch!(&*self.inner, handle => handle.abort(), dropped())
    }

    #[inline]
    fn is_finished(&self) -> bool {
        dispatch!(&*self.inner, handle => handle.is_finished(), dropped())
    }
}

impl<T: Send + 'static> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        dispatch!(&*self.inner, handle => handle.fmt(f), dropped())
    }
}
