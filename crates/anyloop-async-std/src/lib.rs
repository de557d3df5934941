//! The [async-std] backend of [anyloop]. **Legacy.**
//!
//! async-std is discontinued upstream (RUSTSEC-2025-0052: "deprecated in
//! favor of smol"). This backend is kept complete for applications migrating
//! off async-std and for comparing runtimes; new code should pick the `smol`
//! or `tokio` backend.
//!
//! [`AsyncStd`] implements the runtime-agnostic traits of `anyloop-core` with
//! async-std's own calls (`async_std::task::spawn`, `spawn_blocking`, and
//! the async-io timer that async-std itself uses). async-std has one global
//! runtime; [`Runtime`] drives futures on it.
//!
//! # Examples
//!
//! ```
//! use anyloop::rt::{BlockOn, Spawn};
//! use anyloop_async_std::{AsyncStd, Runtime};
//!
//! let rt = Runtime::new(None);
//! let answer = rt.block_on(async { AsyncStd.spawn(async { 42 }).await.unwrap() });
//! assert_eq!(answer, 42);
//! ```
//!
//! [async-std]: https://docs.rs/async-std
//! [anyloop]: https://docs.rs/anyloop

#![deny(missing_docs)]
#![warn(missing_debug_implementations, rust_2018_idioms, unreachable_pub)]
#![forbid(unsafe_code)]

use std::cell::Cell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Instant;

use anyloop_core::backend::{
    CancelFuture, CancellableTask, NativeOutput, NativeTask, TaskId, cancel_watched,
    poll_propagated,
};
use anyloop_core::task::PanicPayload;
use anyloop_core::{BlockOn, Spawn, Timer};
use async_io::Timer as AsyncIoTimer;

mod scope;
use scope::{ScopeRef, Scoped};

/// async-std's global runtime.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct AsyncStd;

thread_local! {
    // Set while a blocking task spawned through `AsyncStd` runs: async-std's
    // own task context does not reach its blocking threads.
    static IN_BLOCKING: Cell<bool> = const { Cell::new(false) };
}

/// Restores `IN_BLOCKING` when a blocking task ends, even by panicking: the
/// pool's threads are reused.
struct BlockingFlag(bool);

impl Drop for BlockingFlag {
    fn drop(&mut self) {
        IN_BLOCKING.set(self.0);
    }
}

impl AsyncStd {
    /// Returns `true` if the caller runs inside an async-std task, an
    /// async-std `block_on`, or a blocking task spawned through `AsyncStd`.
    pub fn is_current() -> bool {
        IN_BLOCKING.get() || Self::in_task()
    }

    /// Returns `true` inside an async-std task or `block_on`: async code,
    /// where blocking the thread would stall the runtime.
    pub fn in_task() -> bool {
        async_std::task::try_current().is_some()
    }
}

/// An async-std task as [`CancellableTask`] drives it.
///
/// async-std's executor and blocking pool catch a task's panic and re-raise
/// it when the handle is polled; [`poll_propagated`] turns it into the
/// output. A task's future is wrapped so that a destructor that panics when
/// the task is aborted gives a `JoinError` instead of aborting the process
/// (under the handle's [`TaskId`], for which nothing is ever reported in a
/// blocking task; see
/// [`CatchDropPanic`](anyloop_core::backend::CatchDropPanic)).
pub struct AsyncStdTask<T> {
    // `None`: the task's runtime was dropped before it completed.
    task: async_std::task::JoinHandle<Option<T>>,
    id: TaskId,
}

impl<T: Send + 'static> NativeTask for AsyncStdTask<T> {
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
        let cancel = self.task.cancel();
        let cancel = async move { cancel.await.flatten() };
        cancel_watched(self.id, cancel)
    }

    fn detach(self) {
        // async-std's handle detaches when dropped.
    }
}

impl<T> fmt::Debug for AsyncStdTask<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("AsyncStdTask")
            .field(self.task.task())
            .finish()
    }
}

/// An owned permission to join a task; see
/// [`TaskHandle`](anyloop_core::task::TaskHandle) for its
/// semantics.
pub type JoinHandle<T> = CancellableTask<AsyncStdTask<T>>;

impl Spawn for AsyncStd {
    type JoinHandle<T: Send + 'static> = JoinHandle<T>;

    #[inline]
    fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let (scope, id) = ScopeRef::current_and_id();
        spawn_with_id(scope, id, future)
    }

    fn spawn_blocking<F, T>(&self, f: F) -> JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let scope = ScopeRef::current();
        let task = async_std::task::spawn_blocking(move || {
            let _blocking = BlockingFlag(IN_BLOCKING.replace(true));
            let _scope = scope.enter();
            Some(f())
        });
        // No destructor of its own to watch: nothing is ever reported
        // for this id.
        CancellableTask::new(AsyncStdTask {
            task,
            id: TaskId::next(),
        })
    }
}

/// Spawns `future` in `scope` ([`ScopeRef::NONE`]: outside any [`Runtime`]).
fn spawn_in<F>(scope: ScopeRef, future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    spawn_with_id(scope, TaskId::next(), future)
}

#[inline]
fn spawn_with_id<F>(scope: ScopeRef, id: TaskId, future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let task = async_std::task::spawn(Scoped::new(scope, id, future));
    CancellableTask::new(AsyncStdTask { task, id })
}

/// Spawns `future` as a task named `name`, as [`Spawn::spawn`] does
/// otherwise: async-std's `task::Builder::name`, which the task sees in
/// `async_std::task::current().name()`.
///
/// # Examples
///
/// ```
/// let rt = anyloop_async_std::Runtime::new(None);
/// let name = anyloop::rt::BlockOn::block_on(&rt, async {
///     anyloop_async_std::spawn_named("fetch".to_owned(), async {
///         async_std::task::current().name().map(str::to_owned)
///     })
///     .await
///     .unwrap()
/// });
/// assert_eq!(name.as_deref(), Some("fetch"));
/// ```
pub fn spawn_named<F>(name: String, future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let (scope, id) = ScopeRef::current_and_id();
    let task = async_std::task::Builder::new()
        .name(name)
        .spawn(Scoped::new(scope, id, future))
        .expect("async-std's `Builder::spawn` does not fail");
    CancellableTask::new(AsyncStdTask { task, id })
}

impl Timer for AsyncStd {
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

/// A runtime on async-std's global pool.
///
/// async-std runs every task on one process-wide thread pool, started on
/// first use. The first of [`Runtime::new`] and async-std itself to start it
/// fixes its size; later requests for another size are ignored (see
/// [`Runtime::worker_threads_honoured`]). There is no current-thread flavour.
///
/// The pool never shuts down, but the runtime keeps track of the tasks
/// spawned inside it (from its `block_on`, from its tasks and blocking
/// closures, and through its [`handle`](Runtime::handle)): dropping it
/// drops every one of them that has not completed, at its next poll (each
/// is woken for that), as tokio's and smol's runtimes do, and its handle
/// then reports the shutdown. Tasks spawned natively with
/// `async_std::task::spawn` are not the runtime's.
#[derive(Debug)]
pub struct Runtime {
    worker_threads_honoured: bool,
    scope: ScopeRef,
}

static STARTED: AtomicBool = AtomicBool::new(false);

impl Runtime {
    /// Returns a handle to the global runtime, asking for `worker_threads`
    /// threads if the pool has not started yet. The `ASYNC_STD_THREAD_COUNT`
    /// environment variable, when set, takes precedence, as in async-std.
    pub fn new(worker_threads: Option<usize>) -> Runtime {
        let first = !STARTED.swap(true, Ordering::SeqCst);
        let mut config = async_global_executor::GlobalExecutorConfig::default()
            .with_env_var("ASYNC_STD_THREAD_COUNT")
            .with_thread_name_fn(|| "async-std/runtime".to_owned());
        if let Some(n) = worker_threads.filter(|&n| n > 0) {
            config = config.with_min_threads(n).with_max_threads(n);
        }
        // A no-op once the pool runs, whoever started it.
        async_global_executor::init_with_config(config);
        Runtime {
            worker_threads_honoured: worker_threads.is_none() || first,
            scope: ScopeRef::open(),
        }
    }

    /// A handle to this runtime, for spawning onto it from other threads.
    pub fn handle(&self) -> RuntimeHandle {
        RuntimeHandle(self.scope)
    }

    /// Returns `false` if a worker-thread count was asked for but an earlier
    /// `Runtime` had already started the global pool. A pool that async-std
    /// started by itself (a task spawned natively before any `Runtime`)
    /// cannot be detected: then this says `true` and the count is ignored.
    pub fn worker_threads_honoured(&self) -> bool {
        self.worker_threads_honoured
    }
}

impl BlockOn for Runtime {
    /// Runs `future` on this thread in a local context: [`try_spawn_local`]
    /// works inside it.
    fn block_on<F: Future>(&self, future: F) -> F::Output {
        let _scope = self.scope.enter();
        let future = std::pin::pin!(future);
        let future = anyloop_async_io::local::scope::<LocalKeys, _>(future);
        async_std::task::block_on(future)
    }
}

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
/// assert!(!anyloop_async_std::in_local_context());
/// assert!(anyloop_async_std::Runtime::new(None).block_on(async { anyloop_async_std::in_local_context() }));
/// ```
pub fn in_local_context() -> bool {
    anyloop_async_io::local::in_local_context::<LocalKeys>()
}

/// Spawns a `!Send` future on the thread of the [`Runtime::block_on`] that
/// runs the caller: `None` unless the caller is that `block_on`'s future or
/// one of its local tasks.
///
/// The task runs on an executor of anyloop's (async-executor's
/// `LocalExecutor`, one per `block_on`), not through async-std's own
/// `spawn_local`, whose thread-wide executor would keep a pending task past
/// the end of the `block_on` and resume it in the next one on the thread.
/// One still pending when the `block_on` returns is dropped, as on the
/// other backends. The output must be `Send`: `anyloop::task::spawn_local`
/// lifts that bound.
///
/// # Examples
///
/// ```
/// use std::rc::Rc;
/// use anyloop::rt::BlockOn;
///
/// assert!(anyloop_async_std::try_spawn_local(async {}).is_none());
/// let rt = anyloop_async_std::Runtime::new(None);
/// let answer = rt.block_on(async {
///     let shared = Rc::new(21);
///     anyloop_async_std::try_spawn_local(async move { *shared * 2 }).unwrap().await.unwrap()
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
        self.scope.close();
    }
}

/// Spawns onto a [`Runtime`] from any thread, or onto async-std's pool
/// outside any runtime; see [`Runtime::handle`].
///
/// # Examples
///
/// ```
/// use anyloop_async_std::Runtime;
///
/// let rt = Runtime::new(None);
/// let handle = rt.handle();
/// let task = std::thread::spawn(move || handle.spawn(async { 6 * 7 }))
///     .join()
///     .unwrap();
/// assert_eq!(async_std::task::block_on(task).unwrap(), 42);
///
/// drop(rt);
/// assert!(handle.is_shut_down());
/// // A task spawned through the handle of a dropped runtime never runs.
/// let late = handle.spawn(async { 1 });
/// assert!(async_std::task::block_on(late).unwrap_err().is_cancelled());
/// ```
#[derive(Debug, Clone, Copy)]
pub struct RuntimeHandle(ScopeRef);

impl RuntimeHandle {
    /// The handle of the [`Runtime`] whose code runs the caller, or of
    /// async-std's pool outside any.
    pub fn current() -> RuntimeHandle {
        RuntimeHandle(ScopeRef::current())
    }

    /// Returns `true` once the runtime was dropped: tasks spawned through
    /// the handle are then cancelled at once.
    pub fn is_shut_down(&self) -> bool {
        self.0.is_closed()
    }

    /// Spawns `future` as a task of the runtime.
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        spawn_in(self.0, future)
    }
}

/// The sockets of [`AsyncStd`]: async-io's, which async-std uses, shared with the
/// other async-io backend. They implement the traits of
/// [`anyloop_core::net`]; see [`Net`](anyloop_core::net::Net).
pub use anyloop_async_io::net;

// `Net` for [`AsyncStd`]: async-io's sockets.
anyloop_async_io::impl_net!(AsyncStd);
