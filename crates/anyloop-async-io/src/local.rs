//! Local tasks (`!Send` futures) for the async-io backends, smol and
//! async-std: one async-executor [`LocalExecutor`] per `block_on`, driven on
//! the thread of that `block_on` while its future is polled.
//!
//! A backend declares its keys with [`local_keys!`](crate::local_keys),
//! wraps the future of its `block_on` with [`scope`], and spawns with
//! [`try_spawn_local`] (the mechanism is [`anyloop_core::local`]'s). The
//! thread is a local context only while the `block_on`'s future, or one of
//! its local tasks, is polled: a task of the ordinary executor that runs on
//! the same thread in between is not in one, so the answer never depends on
//! the thread a task happens to run on.
//!
//! The executor is made at the first local spawn, so a `block_on` that
//! spawns no local task costs two thread-local writes per poll. Local tasks
//! that have not completed when the `block_on` returns are dropped with
//! the executor (their handles then say [`JoinError::is_cancelled`]), as
//! tokio's `LocalSet` does.
//!
//! # Examples
//!
//! ```
//! use anyloop_async_io::local::{scope, try_spawn_local};
//!
//! anyloop_async_io::local_keys!(Keys);
//!
//! // Outside a local context:
//! assert!(try_spawn_local::<Keys, _>(async {}).is_none());
//!
//! let future = std::pin::pin!(async {
//!     let rc = std::rc::Rc::new(21); // not `Send`
//!     let task = try_spawn_local::<Keys, _>(async move { *rc * 2 }).unwrap();
//!     task.await.unwrap()
//! });
//! let answer = futures_lite::future::block_on(scope::<Keys, _>(future));
//! assert_eq!(answer, 42);
//! ```
//!
//! [`JoinError::is_cancelled`]: anyloop_core::task::JoinError::is_cancelled

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use anyloop_core::backend::{
    CancelFuture, CancellableTask, CatchDropPanic, NativeOutput, NativeTask, TaskId,
    cancel_watched, poll_propagated,
};
pub use anyloop_core::local::LocalKeys;
use anyloop_core::local::{self, Driver, LocalScope};
use async_executor::LocalExecutor;

/// The executor of a local scope of the async-io backends.
pub type Executor = LocalExecutor<'static>;

/// Declares a backend's local-context keys: `local_keys!(Keys);` makes a
/// unit type `Keys` implementing [`LocalKeys`] for [`Executor`].
#[macro_export]
macro_rules! local_keys {
    ($vis:vis $name:ident) => {
        $crate::__private::local_keys!($vis $name, $crate::local::Executor);
    };
}

/// The future of a `block_on`, in a local context of `K` (pin it first,
/// with `std::pin::pin!`, unless it is `Unpin`).
pub fn scope<K: LocalKeys<Executor = Executor>, F>(future: F) -> LocalScope<F, K> {
    LocalScope::new(drive, future)
}

fn drive(executor: Rc<Executor>) -> Driver {
    Box::pin(async move { executor.run(std::future::pending::<()>()).await })
}

/// Returns `true` while the thread is in a local context of `K`: inside
/// the future of a [`scope`] or one of its local tasks.
pub fn in_local_context<K: LocalKeys>() -> bool {
    local::is_active::<K>()
}

/// Spawns `future` on the local executor of the [`scope`] being polled on
/// this thread; `None` outside one.
///
/// The task runs on this thread only, while the scope's future is polled.
/// Dropping the handle detaches the task; it is dropped, if still pending,
/// when the scope ends.
pub fn try_spawn_local<K, F>(future: F) -> Option<LocalJoinHandle<F::Output>>
where
    K: LocalKeys<Executor = Executor>,
    F: Future + 'static,
    F::Output: Send + 'static,
{
    let executor = local::executor::<K>(LocalExecutor::new)?;
    let id = TaskId::next();
    let task = executor.spawn(CatchDropPanic::new(id, future));
    Some(CancellableTask::new(LocalTask {
        task: task.fallible(),
        id,
    }))
}

/// A local task as [`CancellableTask`] drives it: the executor catches the
/// task's panic and re-raises it when the handle is polled, and the future
/// is wrapped in [`CatchDropPanic`], as the backends' other tasks are.
pub struct LocalTask<T> {
    task: async_task::FallibleTask<T>,
    id: TaskId,
}

impl<T: Send + 'static> NativeTask for LocalTask<T> {
    type Output = T;

    #[inline]
    fn poll_join(&mut self, cx: &mut Context<'_>) -> Poll<NativeOutput<T>> {
        poll_propagated(Pin::new(&mut self.task), cx).map(Result::transpose)
    }

    fn cancel(self) -> CancelFuture<T> {
        cancel_watched(self.id, self.task.cancel())
    }

    fn detach(self) {
        self.task.detach();
    }
}

impl<T> fmt::Debug for LocalTask<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalTask")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// The handle of a task spawned by [`try_spawn_local`]: the common
/// semantics of [`TaskHandle`](anyloop_core::task::TaskHandle).
pub type LocalJoinHandle<T> = CancellableTask<LocalTask<T>>;
