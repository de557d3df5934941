//! Local tasks (`!Send` futures) for the async-io backends, smol and
//! async-std: one async-executor [`LocalExecutor`] per `block_on`, driven on
//! the thread of that `block_on` while its future is polled.
//!
//! A backend keeps its own [`LocalSlot`] in a thread-local, wraps the future
//! of its `block_on` in [`LocalScope`], and spawns with [`try_spawn_local`].
//! The slot says "this thread runs local tasks" only while the `block_on`'s
//! future, or one of its local tasks, is polled: a task of the ordinary
//! executor that runs on the same thread in between sees no local context,
//! so the answer never depends on the thread a task happens to run on.
//!
//! The executor is created at the first local spawn, so a `block_on` that
//! spawns no local task costs two thread-local writes per poll. Local tasks
//! that have not completed when the `block_on` returns are dropped with
//! the executor (their handles then say [`JoinError::is_cancelled`]), as
//! tokio's `LocalSet` does.
//!
//! # Examples
//!
//! ```
//! use anyloop_async_io::local::{LocalScope, LocalSlot, try_spawn_local};
//!
//! thread_local! {
//!     static LOCAL: LocalSlot = const { LocalSlot::new() };
//! }
//!
//! // Outside a local context:
//! assert!(try_spawn_local(&LOCAL, async {}).is_none());
//!
//! let future = std::pin::pin!(async {
//!     let rc = std::rc::Rc::new(21); // not `Send`
//!     let task = try_spawn_local(&LOCAL, async move { *rc * 2 }).unwrap();
//!     task.await.unwrap()
//! });
//! let answer = futures_lite::future::block_on(LocalScope::new(&LOCAL, future));
//! assert_eq!(answer, 42);
//! ```
//!
//! [`JoinError::is_cancelled`]: anyloop_core::task::JoinError::is_cancelled

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::thread::LocalKey;

use anyloop_core::backend::{
    CancelFuture, CancellableTask, CatchDropPanic, NativeOutput, NativeTask, TaskId,
    cancel_watched, poll_propagated,
};
use async_executor::LocalExecutor;

type Executor = Rc<LocalExecutor<'static>>;

/// A backend's thread-local local context: see the [module](self).
pub struct LocalSlot {
    // Outer `None`: no local context; inner `None`: no task spawned yet.
    state: RefCell<Option<Option<Executor>>>,
}

impl LocalSlot {
    /// An empty slot, for `thread_local!`.
    pub const fn new() -> LocalSlot {
        LocalSlot {
            state: RefCell::new(None),
        }
    }

    /// Returns `true` while the thread is in a local context.
    fn is_active(&self) -> bool {
        self.state.borrow().is_some()
    }
}

impl Default for LocalSlot {
    fn default() -> Self {
        LocalSlot::new()
    }
}

impl fmt::Debug for LocalSlot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalSlot")
            .field("active", &self.is_active())
            .finish()
    }
}

/// Returns `true` while `slot`'s thread is in a local context: inside the
/// future of a [`LocalScope`] or one of its local tasks.
pub fn in_local_context(slot: &'static LocalKey<LocalSlot>) -> bool {
    slot.with(LocalSlot::is_active)
}

/// Spawns `future` on the local executor of the [`LocalScope`] being polled
/// on this thread; `None` outside one.
///
/// The task runs on this thread only, while the scope's future is polled.
/// Dropping the handle detaches the task; it is dropped, if still pending,
/// when the scope ends.
pub fn try_spawn_local<F>(
    slot: &'static LocalKey<LocalSlot>,
    future: F,
) -> Option<LocalJoinHandle<F::Output>>
where
    F: Future + 'static,
    F::Output: Send + 'static,
{
    let executor = slot.with(|slot| {
        let mut state = slot.state.borrow_mut();
        let executor = state.as_mut()?;
        Some(executor.get_or_insert_with(Default::default).clone())
    })?;
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

/// The future of a `block_on`, run in a local context: see the
/// [module](self).
pub struct LocalScope<F> {
    slot: &'static LocalKey<LocalSlot>,
    future: F,
    // Moved into the slot while the future is polled.
    executor: Option<Executor>,
    // Runs the executor's tasks; made at the first local spawn.
    driver: Option<Pin<Box<dyn Future<Output = ()>>>>,
}

impl<F> LocalScope<F> {
    /// Wraps the future of a `block_on`; pin it first (`std::pin::pin!`)
    /// unless it is `Unpin`.
    pub fn new(slot: &'static LocalKey<LocalSlot>, future: F) -> LocalScope<F> {
        LocalScope {
            slot,
            future,
            executor: None,
            driver: None,
        }
    }
}

impl<F: fmt::Debug> fmt::Debug for LocalScope<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalScope")
            .field("future", &self.future)
            .field("spawned", &self.executor.is_some())
            .finish_non_exhaustive()
    }
}

/// Puts the scope's executor in the slot, making the thread a local context;
/// dropping it (also on unwind) restores the previous context and gives the
/// executor, possibly made meanwhile, back to the scope.
struct Enter<'a> {
    slot: &'static LocalKey<LocalSlot>,
    executor: &'a mut Option<Executor>,
    previous: Option<Option<Executor>>,
}

impl<'a> Enter<'a> {
    fn new(slot: &'static LocalKey<LocalSlot>, executor: &'a mut Option<Executor>) -> Enter<'a> {
        let previous = slot.with(|s| s.state.replace(Some(executor.take())));
        Enter {
            slot,
            executor,
            previous,
        }
    }
}

impl Drop for Enter<'_> {
    fn drop(&mut self) {
        let ours = self
            .slot
            .with(|slot| slot.state.replace(self.previous.take()));
        *self.executor = ours.flatten();
    }
}

// `BlockOn` implementations pin the future on their stack and pass the
// `Pin<&mut _>`, which is `Unpin`.
impl<F: Future + Unpin> Future for LocalScope<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.get_mut();
        let polled = {
            let _enter = Enter::new(this.slot, &mut this.executor);
            Pin::new(&mut this.future).poll(cx)
        };
        if polled.is_ready() {
            return polled;
        }
        if this.driver.is_none() {
            let Some(executor) = this.executor.clone() else {
                return Poll::Pending; // no local task yet: the common case
            };
            this.driver = Some(Box::pin(async move {
                executor.run(std::future::pending::<()>()).await;
            }));
        }
        if let Some(driver) = &mut this.driver {
            // Never ready: it runs the local tasks, which spawn in the same
            // context, and is woken by them.
            let _enter = Enter::new(this.slot, &mut this.executor);
            let _ = driver.as_mut().poll(cx);
        }
        Poll::Pending
    }
}
