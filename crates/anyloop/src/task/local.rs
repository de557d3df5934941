//! Local tasks: `!Send` futures that run on the thread that spawned them.

use std::cell::Cell;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, ready};

use super::{AbortOnDrop, JoinError, TaskHandle};
use crate::Backend;

/// Spawns a `!Send` future as a task on the current thread.
///
/// A local context is the future of [`Runtime::block_on`](crate::Runtime)
/// (and so of [`#[anyloop::main]`](crate::main), [`#[anyloop::test]`](crate::test)
/// and [`run`](crate::run)) and the local tasks spawned from it, on every
/// backend and every flavour: the tasks run on the thread of that
/// `block_on`, while it runs, and a task still pending when it returns is
/// dropped. A task of the runtime, even one that runs on that thread, is
/// not a local context, nor is a blocking closure, a plain thread or
/// [`Handle::block_on`](crate::Handle::block_on): there,
/// use [`try_spawn_local`], or send the work to a local task (a channel).
///
/// The handle has the semantics of [`JoinHandle`](super::JoinHandle):
/// dropping it detaches the task, [`abort`](LocalJoinHandle::abort) cancels
/// it, and a panic is a [`JoinError`]. It stays on the task's thread
/// (`!Send`).
///
/// | | tokio | smol | async-std |
/// |---|---|---|---|
/// | runs on | a `LocalSet` of the `block_on` | an async-executor `LocalExecutor` of the `block_on` | the same as smol (not async-std's thread-wide `spawn_local`) |
///
/// # Panics
///
/// Outside a local context, with a message that names the fix.
///
/// # Examples
///
/// In `#[anyloop::main]` (and `#[anyloop::test]`), whatever the flavour:
///
/// ```
/// use std::rc::Rc;
///
/// #[anyloop::main(worker_threads = 2)]
/// async fn main() {
///     let shared = Rc::new(21);
///     let doubled = anyloop::task::spawn_local(async move { *shared * 2 });
///     assert_eq!(doubled.await.unwrap(), 42);
/// }
/// ```
///
/// Sharing state between local tasks without locks:
///
/// ```
/// use std::cell::RefCell;
/// use std::rc::Rc;
///
/// anyloop::run(async {
///     let log = Rc::new(RefCell::new(Vec::new()));
///     let task = anyloop::task::spawn_local({
///         let log = log.clone();
///         async move { log.borrow_mut().push("local") }
///     });
///     task.await.unwrap();
///     assert_eq!(*log.borrow(), ["local"]);
/// });
/// ```
#[track_caller]
pub fn spawn_local<F>(future: F) -> LocalJoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    match try_spawn_local(future) {
        Ok(handle) => handle,
        Err(err) => panic!("{err}"),
    }
}

/// Spawns a `!Send` future as a task on the current thread, or returns
/// [`SpawnLocalError`] outside a local context; see [`spawn_local`].
///
/// # Errors
///
/// [`SpawnLocalError::NoLocalContext`] where [`spawn_local`] would panic.
///
/// # Examples
///
/// ```
/// use anyloop::task::{SpawnLocalError, try_spawn_local};
///
/// assert_eq!(try_spawn_local(async {}).unwrap_err(), SpawnLocalError::NoLocalContext);
/// anyloop::run(async {
///     // A blocking closure runs on another thread: no local context there.
///     let outside = anyloop::spawn_blocking(|| try_spawn_local(async {}).is_err());
///     assert!(outside.await.unwrap());
///     assert_eq!(try_spawn_local(async { 7 }).unwrap().await.unwrap(), 7);
/// });
/// ```
pub fn try_spawn_local<F>(future: F) -> Result<LocalJoinHandle<F::Output>, SpawnLocalError>
where
    F: Future + 'static,
    F::Output: 'static,
{
    #[cfg(feature = "tracing")]
    let future = tracing::Instrument::in_current_span(future);
    let output = Rc::new(Cell::new(None));
    let slot = output.clone();
    let task = async move { slot.set(Some(future.await)) };
    let inner = spawn_unit(task).ok_or(SpawnLocalError::NoLocalContext)?;
    Ok(LocalJoinHandle {
        inner,
        output,
        _local: PhantomData,
    })
}

/// Spawns on the local context of the backend that anyloop runs on this
/// thread, else of whichever backend has one here (a backend's own
/// `block_on` that does not mark the thread with its backend: async-std's).
fn spawn_unit<F: Future<Output = ()> + 'static>(task: F) -> Option<Inner> {
    let backend = match crate::rt::polling() {
        Some(backend) if has_local_context(backend) => backend,
        _ => *Backend::available()
            .iter()
            .find(|&&backend| has_local_context(backend))?,
    };
    let future = crate::rt::Tagged::new(backend, task);
    match backend {
        #[cfg(feature = "tokio")]
        Backend::Tokio => anyloop_tokio::try_spawn_local(future).map(Inner::Tokio),
        #[cfg(feature = "smol")]
        Backend::Smol => anyloop_smol::try_spawn_local(future).map(Inner::Smol),
        #[cfg(feature = "async-std")]
        Backend::AsyncStd => anyloop_async_std::try_spawn_local(future).map(Inner::AsyncStd),
        Backend::Custom(_) => None,
    }
}

fn has_local_context(backend: Backend) -> bool {
    match backend {
        #[cfg(feature = "tokio")]
        Backend::Tokio => anyloop_tokio::in_local_context(),
        #[cfg(feature = "smol")]
        Backend::Smol => anyloop_smol::in_local_context(),
        #[cfg(feature = "async-std")]
        Backend::AsyncStd => anyloop_async_std::in_local_context(),
        // A plug-in runtime has no local context (`DynRuntime` has no
        // local spawn).
        Backend::Custom(_) => false,
    }
}

/// There is no local context on this thread; see [`spawn_local`].
///
/// # Examples
///
/// ```
/// let err = anyloop::task::try_spawn_local(async {}).unwrap_err();
/// assert!(err.to_string().contains("anyloop::Runtime::block_on"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SpawnLocalError {
    /// The caller is not the future of a `block_on` nor a local task.
    #[error(
        "anyloop::task::spawn_local: this thread cannot run local tasks here. Call it inside \
         `anyloop::Runtime::block_on`, `anyloop::run`, `#[anyloop::main]` or `#[anyloop::test]` \
         (their future and the local tasks it spawns), not from a task of `anyloop::spawn`, a \
         blocking closure or a plain thread; use `try_spawn_local` to check"
    )]
    NoLocalContext,
}

/// An owned permission to join a local task, made by [`spawn_local`].
///
/// The semantics of [`JoinHandle`](super::JoinHandle) on every backend:
/// dropping it detaches the task, [`abort`](Self::abort) cancels it, and a
/// panic is returned as [`JoinError::is_panic`]. The task's output need not
/// be `Send`; the handle is not `Send` either, whatever the output.
///
/// # Examples
///
/// ```
/// use std::rc::Rc;
///
/// anyloop::run(async {
///     let task = anyloop::task::spawn_local(async { Rc::new("not Send") });
///     assert_eq!(*task.await.unwrap(), "not Send");
///
///     let slow = anyloop::task::spawn_local(std::future::pending::<()>());
///     slow.abort();
///     assert!(slow.await.unwrap_err().is_cancelled());
/// });
/// ```
pub struct LocalJoinHandle<T> {
    inner: Inner,
    output: Rc<Cell<Option<T>>>,
    // `!Send` and `!Sync` on every backend, whatever the output.
    _local: PhantomData<*const ()>,
}

// The task is joined through `inner`; its output waits in `output`.
enum Inner {
    #[cfg(feature = "tokio")]
    Tokio(anyloop_tokio::JoinHandle<()>),
    #[cfg(feature = "smol")]
    Smol(anyloop_smol::LocalJoinHandle<()>),
    #[cfg(feature = "async-std")]
    AsyncStd(anyloop_async_std::LocalJoinHandle<()>),
}

macro_rules! dispatch {
    ($inner:expr, $handle:ident => $body:expr) => {
        match $inner {
            #[cfg(feature = "tokio")]
            Inner::Tokio($handle) => $body,
            #[cfg(feature = "smol")]
            Inner::Smol($handle) => $body,
            #[cfg(feature = "async-std")]
            Inner::AsyncStd($handle) => $body,
        }
    };
}

impl<T> Future for LocalJoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        ready!(dispatch!(&mut this.inner, handle => Pin::new(handle).poll(cx)))?;
        let output = this.output.take();
        Poll::Ready(Ok(
            output.expect("a local task that completed has stored its output")
        ))
    }
}

impl<T> LocalJoinHandle<T> {
    /// Cancels the task; see [`TaskHandle::abort`].
    pub fn abort(&self) {
        TaskHandle::abort(self);
    }

    /// Returns `true` once the task has ended; see
    /// [`TaskHandle::is_finished`].
    pub fn is_finished(&self) -> bool {
        TaskHandle::is_finished(self)
    }

    /// Wraps the handle in a guard that aborts the task when dropped; see
    /// [`TaskHandle::abort_on_drop`].
    pub fn abort_on_drop(self) -> AbortOnDrop<Self> {
        TaskHandle::abort_on_drop(self)
    }
}

impl<T> TaskHandle for LocalJoinHandle<T> {
    fn abort(&self) {
        dispatch!(&self.inner, handle => handle.abort())
    }

    fn is_finished(&self) -> bool {
        dispatch!(&self.inner, handle => handle.is_finished())
    }
}

impl<T> fmt::Debug for LocalJoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("LocalJoinHandle")
            .field(&dispatch!(&self.inner, handle => handle as &dyn fmt::Debug))
            .finish()
    }
}
