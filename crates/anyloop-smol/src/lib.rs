//! The [smol] backend of [anyloop].
//!
//! [`Smol`] implements the runtime-agnostic traits of `anyloop-core` with
//! smol's own pieces: `async-executor` for tasks, `blocking` for blocking
//! work, `async-io` for timers. [`Runtime`] is an executor with its own
//! worker threads, which anyloop's ambient API recognises.
//!
//! smol's `Task` cancels its task when dropped; the handles returned here
//! detach instead, like every anyloop backend (see
//! [`TaskHandle`](anyloop_core::task::TaskHandle)).
//!
//! # Examples
//!
//! ```
//! use anyloop::rt::{BlockOn, Spawn};
//! use anyloop_smol::{Runtime, Smol};
//!
//! let rt = Runtime::current_thread();
//! let answer = rt.block_on(async { Smol.spawn(async { 42 }).await.unwrap() });
//! assert_eq!(answer, 42);
//! ```
//!
//! [smol]: https://docs.rs/smol
//! [anyloop]: https://docs.rs/anyloop

#![deny(missing_docs)]
#![warn(missing_debug_implementations, rust_2018_idioms, unreachable_pub)]
#![forbid(unsafe_code)]

use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::thread;
use std::time::Instant;

use anyloop_core::backend::{
    CancelFuture, CancellableTask, CatchDropPanic, NativeOutput, NativeTask, TaskId,
    cancel_watched, poll_propagated,
};
use anyloop_core::task::PanicPayload;
use anyloop_core::{BlockOn, Spawn, Timer};
pub use smol::Executor;
use smol::Timer as AsyncIoTimer;

/// The smol executor that runs the caller.
///
/// Inside a [`Runtime`] tasks go to that runtime's executor; anywhere else
/// they go to smol's global executor, as `smol::spawn` does. smol offers no
/// way to ask whether the caller runs inside some other `Executor`, so tasks
/// spawned from a hand-made executor also go to the global one.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Smol;

type Shared = Arc<Executor<'static>>;

// What `scoped_thread_local!` expands to, but a `const` rather than its
// `static`: a spawn is generic, so it is compiled in the caller's crate,
// where a `static` of this crate is opaque and each access would be two
// indirect calls through it; a `const` is inlined, and the access with it.
// The fields are the macro's (public, hidden), hence the exact version of
// scoped-tls in the workspace's Cargo.toml.
macro_rules! scoped_key {
    ($name:ident: $ty:ty) => {
        const $name: scoped_tls::ScopedKey<$ty> = scoped_tls::ScopedKey {
            inner: {
                thread_local!(static KEY: std::cell::Cell<*const ()> = const {
                    std::cell::Cell::new(std::ptr::null())
                });
                &KEY
            },
            _marker: std::marker::PhantomData,
        };
    };
}

// The executor of the `Runtime` whose thread this is, set by `enter` for
// as long as the thread runs the runtime (a worker, a `block_on`, a blocking
// task it spawned). A scoped thread-local is a reference in a
// destructor-free cell: reading it is one load, with no borrow to check,
// and the reference is valid exactly while the `enter` that set it runs,
// which is all a spawn needs (it reads it synchronously).
scoped_key!(EXECUTOR: Shared);
// The same executor, for the spawn: a reference to the executor itself
// rather than to its `Arc`, one load less.
scoped_key!(EXECUTOR_REF: Executor<'static>);

/// Runs `f` with `executor` as the thread's executor (`None`: as it is).
fn enter<R>(executor: Option<&Shared>, f: impl FnOnce() -> R) -> R {
    match executor {
        Some(executor) => EXECUTOR.set(executor, || EXECUTOR_REF.set(executor, f)),
        None => f(),
    }
}

impl Smol {
    /// Returns `true` if the calling thread belongs to a [`Runtime`] (its
    /// worker threads, its `block_on`, and the blocking tasks it spawned).
    pub fn is_current() -> bool {
        EXECUTOR.is_set()
    }

    /// The executor of the [`Runtime`] whose thread this is; `None` means
    /// smol's global executor.
    pub fn current_executor() -> Option<Arc<Executor<'static>>> {
        EXECUTOR.is_set().then(|| EXECUTOR.with(Arc::clone))
    }
}

/// Spawns `future` on `executor` (`None`: smol's global executor), from any
/// thread.
pub fn spawn_on<F>(executor: Option<&Executor<'static>>, future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let id = TaskId::next();
    join_spawned(spawn_raw(executor, id, future), id)
}

/// Spawns the task of `id` on `executor` (`None`: smol's global executor).
#[inline]
fn spawn_raw<F>(
    executor: Option<&Executor<'static>>,
    id: TaskId,
    future: F,
) -> smol::Task<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let future = CatchDropPanic::new(id, future);
    match executor {
        Some(executor) => executor.spawn(future),
        None => spawn_global(future),
    }
}

#[inline]
fn join_spawned<T: Send + 'static>(task: smol::Task<T>, id: TaskId) -> JoinHandle<T> {
    CancellableTask::new(SmolTask {
        task: task.fallible(),
        id,
    })
}

/// Spawns `future` as [`Smol`]'s `spawn` does, for a caller that marks its
/// tasks' threads (the umbrella's ambient face, see [`anyloop_core::mark`]):
/// onto the thread's [`Runtime`] as it is, since every thread that runs a
/// `Runtime`'s executor (its workers, its `block_on`) carries smol's mark
/// already; onto smol's global executor, whose threads do not, as
/// `mark(future)`.
#[doc(hidden)]
#[inline]
pub fn spawn_marked<F, G, M>(future: F, mark: M) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
    G: Future<Output = F::Output> + Send + 'static,
    M: FnOnce(F) -> G,
{
    let id = TaskId::next();
    // The thread-local is one load; the spawn is one call, with the
    // executor in hand.
    let task = if EXECUTOR_REF.is_set() {
        let future = CatchDropPanic::new(id, future);
        EXECUTOR_REF.with(|executor| executor.spawn(future))
    } else {
        spawn_global(CatchDropPanic::new(id, mark(future)))
    };
    join_spawned(task, id)
}

// Out of line: the runtime's executor is the path to keep small.
#[cold]
#[inline(never)]
fn spawn_global<F>(future: F) -> smol::Task<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    smol::spawn(future)
}

/// A smol task as [`CancellableTask`] drives it.
///
/// smol's executor and blocking pool catch a task's panic and re-raise it
/// when the handle is polled; [`poll_propagated`] turns it into the output.
/// A task's future is wrapped in [`CatchDropPanic`] under the handle's
/// [`TaskId`], so that a destructor that panics when the task is aborted
/// gives a `JoinError` instead of aborting the process (a blocking task has
/// an id too, for which nothing is ever reported).
pub struct SmolTask<T> {
    task: async_task::FallibleTask<T>,
    id: TaskId,
}

impl<T: Send + 'static> NativeTask for SmolTask<T> {
    type Output = T;

    #[inline(always)]
    fn poll_join(&mut self, cx: &mut Context<'_>) -> Poll<NativeOutput<T>> {
        self.poll_join_caught(cx).map(Result::transpose)
    }

    #[inline(always)]
    fn poll_join_caught(&mut self, cx: &mut Context<'_>) -> Poll<Result<Option<T>, PanicPayload>> {
        poll_propagated(Pin::new(&mut self.task), cx)
    }

    fn cancel(self) -> CancelFuture<T> {
        cancel_watched(self.id, self.task.cancel())
    }

    fn detach(self) {
        self.task.detach();
    }
}

impl<T> fmt::Debug for SmolTask<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmolTask").finish_non_exhaustive()
    }
}

/// An owned permission to join a task; see
/// [`TaskHandle`](anyloop_core::task::TaskHandle) for its
/// semantics.
pub type JoinHandle<T> = CancellableTask<SmolTask<T>>;

fn join_handle<T: Send + 'static>(task: smol::Task<T>) -> JoinHandle<T> {
    CancellableTask::new(SmolTask {
        task: task.fallible(),
        // No destructor of its own to watch: nothing is ever reported for
        // this id.
        id: TaskId::next(),
    })
}

impl Spawn for Smol {
    type JoinHandle<T: Send + 'static> = JoinHandle<T>;

    #[inline]
    fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        // Unmarked: on smol's global executor too, the static face's tasks
        // are the future as it is.
        spawn_marked(future, std::convert::identity)
    }

    fn spawn_blocking<F, T>(&self, f: F) -> JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let executor = Smol::current_executor();
        join_handle(smol::unblock(move || enter(executor.as_ref(), f)))
    }
}

impl Timer for Smol {
    type Delay = AsyncIoTimer;

    #[inline]
    fn delay_until(&self, deadline: Instant) -> AsyncIoTimer {
        AsyncIoTimer::at(deadline)
    }

    #[inline]
    fn reset(&self, mut delay: Pin<&mut AsyncIoTimer>, deadline: Instant) {
        delay.set_at(deadline);
    }
}

/// A smol executor with its own worker threads, whose threads anyloop's
/// ambient API recognises.
///
/// The thread that calls [`block_on`](BlockOn::block_on) runs tasks too.
/// Dropping the runtime stops its worker threads and drops the tasks that
/// have not completed.
///
/// # Examples
///
/// ```
/// use anyloop::rt::BlockOn;
///
/// let rt = anyloop_smol::Runtime::multi_thread(Some(2))?;
/// assert_eq!(rt.block_on(async { 1 + 1 }), 2);
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct Runtime {
    executor: Shared,
    // Dropping the sender stops the worker threads.
    stop: Option<smol::channel::Sender<()>>,
    workers: Vec<thread::JoinHandle<()>>,
}

impl Runtime {
    /// A runtime that runs tasks only on the thread that calls
    /// [`block_on`](BlockOn::block_on).
    pub fn current_thread() -> Runtime {
        Runtime {
            executor: Arc::new(Executor::new()),
            stop: None,
            workers: Vec::new(),
        }
    }

    /// A runtime with `worker_threads` threads besides the one that calls
    /// `block_on` (default: one per CPU).
    ///
    /// # Errors
    ///
    /// `InvalidInput` if `worker_threads` is `Some(0)`, the error of a
    /// thread that could not be started, or that of async-io's reactor (see
    /// [`anyloop_async_io::start_reactor`]).
    pub fn multi_thread(worker_threads: Option<usize>) -> io::Result<Runtime> {
        anyloop_async_io::start_reactor()?;
        let count = match worker_threads {
            Some(0) => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "a multi-thread runtime needs at least one worker thread",
                ));
            }
            Some(n) => n,
            None => thread::available_parallelism().map_or(1, usize::from),
        };
        let mut runtime = Runtime::current_thread();
        let (stop, stopped) = smol::channel::bounded::<()>(1);
        runtime.stop = Some(stop);
        for i in 0..count {
            let executor = runtime.executor.clone();
            let stopped = stopped.clone();
            let worker = thread::Builder::new()
                .name(format!("anyloop-smol-{i}"))
                .spawn(move || {
                    let _mark = anyloop_core::mark::Enter::new(ASYNC_MARK);
                    enter(Some(&executor), || {
                        let _ = smol::block_on(executor.run(stopped.recv()));
                    });
                })?;
            runtime.workers.push(worker);
        }
        Ok(runtime)
    }

    /// Returns the runtime's executor.
    pub fn executor(&self) -> &Arc<Executor<'static>> {
        &self.executor
    }
}

impl BlockOn for Runtime {
    /// Runs `future` on this thread, with the runtime's tasks, in a local
    /// context: [`try_spawn_local`] works inside it.
    fn block_on<F: Future>(&self, future: F) -> F::Output {
        let _mark = anyloop_core::mark::Enter::new(ASYNC_MARK);
        enter(Some(&self.executor), || {
            let future = std::pin::pin!(future);
            let future = anyloop_async_io::local::scope::<LocalKeys, _>(future);
            smol::block_on(self.executor.run(future))
        })
    }
}

// The threads that run the executor (worker threads, `block_on`) carry the
// mark of smol's async code, so that the umbrella's tasks polled there find
// it set (see `anyloop_core::mark`).
const ASYNC_MARK: anyloop_core::mark::Mark =
    anyloop_core::mark::Mark::new(anyloop_core::mark::Mark::SMOL, 0, true);

// The local context of the `Runtime::block_on` running on this thread.
anyloop_async_io::local_keys!(LocalKeys);

/// The handle of a local task; see
/// [`TaskHandle`](anyloop_core::task::TaskHandle) for its semantics.
pub use anyloop_async_io::local::LocalJoinHandle;

/// Returns `true` where [`try_spawn_local`] can spawn: inside the future
/// of a [`Runtime::block_on`] or one of its local tasks.
///
/// # Examples
///
/// ```
/// use anyloop::rt::BlockOn;
///
/// assert!(!anyloop_smol::in_local_context());
/// assert!(anyloop_smol::Runtime::current_thread().block_on(async { anyloop_smol::in_local_context() }));
/// ```
pub fn in_local_context() -> bool {
    anyloop_async_io::local::in_local_context::<LocalKeys>()
}

/// Spawns a `!Send` future on the thread of the [`Runtime::block_on`] that
/// runs the caller: `None` unless the caller is that `block_on`'s future or
/// one of its local tasks (a task of the runtime's executor is not, even on
/// that thread).
///
/// The task runs while the `block_on` does; one still pending when it
/// returns is dropped. The output must be `Send`: `anyloop::task::spawn_local`
/// lifts that bound.
///
/// # Examples
///
/// ```
/// use std::rc::Rc;
/// use anyloop::rt::BlockOn;
///
/// assert!(anyloop_smol::try_spawn_local(async {}).is_none());
/// let rt = anyloop_smol::Runtime::current_thread();
/// let answer = rt.block_on(async {
///     let shared = Rc::new(21);
///     anyloop_smol::try_spawn_local(async move { *shared * 2 }).unwrap().await.unwrap()
/// });
/// assert_eq!(answer, 42);
/// ```
pub fn try_spawn_local<F>(future: F) -> Option<LocalJoinHandle<F::Output>>
where
    F: Future + 'static,
    F::Output: Send + 'static,
{
    anyloop_async_io::local::try_spawn_local::<LocalKeys, _>(future)
}

impl Drop for Runtime {
    fn drop(&mut self) {
        drop(self.stop.take());
        for worker in self.workers.drain(..) {
            // A worker only ends by our signal; tasks cannot panic through it.
            let _ = worker.join();
        }
    }
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime")
            .field("worker_threads", &self.workers.len())
            .finish_non_exhaustive()
    }
}

/// The sockets of [`Smol`]: async-io's, which smol uses, shared with the
/// other async-io backend. They implement the traits of
/// [`anyloop_core::net`]; see [`Net`](anyloop_core::net::Net).
pub use anyloop_async_io::net;

// `Net` for [`Smol`]: async-io's sockets.
anyloop_async_io::impl_net!(Smol);
