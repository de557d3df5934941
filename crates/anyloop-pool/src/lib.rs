//! A fourth anyloop backend, written the way an outsider would: against
//! `anyloop-core`'s public API only (no private hook of anyloop), and
//! checked by the conformance kit (`anyloop-conformance`).
//!
//! - tasks: an [`async_executor::Executor`] run by a pool of threads of
//!   this crate's own ([`Runtime`]), plus the thread in
//!   [`block_on`](BlockOn::block_on);
//! - blocking work: the [`blocking`] crate's thread pool;
//! - timers and sockets: [`async_io`]'s `Timer` and `Async<T>` (see
//!   [`net`]).
//!
//! [`Runtime`] owns the threads; [`Pool`], from [`Runtime::handle`], is the
//! cheap handle that implements the core traits (`Spawn`, `Timer`, `Net`),
//! as tokio's `Runtime` and `Handle` are split.
//!
//! # Examples
//!
//! A runtime-generic function, unchanged, on this backend:
//!
//! ```
//! use anyloop_core::{BlockOn, Runtime, Spawn, TimerExt};
//! use std::time::Duration;
//!
//! async fn work<R: Runtime>(rt: &R) -> u32 {
//!     let task = rt.spawn(async { 41 });
//!     rt.sleep(Duration::from_millis(1)).await;
//!     task.await.unwrap() + 1
//! }
//!
//! let runtime = anyloop_pool::Runtime::new(2)?;
//! let pool = runtime.handle();
//! assert_eq!(runtime.block_on(work(&pool)), 42);
//! # Ok::<(), std::io::Error>(())
//! ```

#![deny(missing_docs)]
#![warn(missing_debug_implementations, rust_2018_idioms, unreachable_pub)]
#![forbid(unsafe_code)]

pub mod net;

use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Weak};
use std::task::{Context, Poll};
use std::thread;
use std::time::Instant;

use anyloop_core::backend::{
    CancelFuture, CancellableTask, CatchDropPanic, NativeOutput, NativeTask, TaskId,
    cancel_propagated, cancel_watched, poll_propagated,
};
use anyloop_core::{BlockOn, Spawn, Timer};
use async_executor::Executor;

/// A pool of worker threads running an executor: the owner of the
/// backend's threads.
///
/// Dropping it stops the workers and drops the tasks that have not
/// completed (their handles then give `JoinError::is_cancelled`); handles
/// ([`Pool`]) that outlive it spawn nothing more: their tasks are cancelled
/// at once.
///
/// # Examples
///
/// ```
/// use anyloop_core::{BlockOn, Spawn};
///
/// let runtime = anyloop_pool::Runtime::new(2)?;
/// let pool = runtime.handle();
/// let answer = runtime.block_on(async move { pool.spawn(async { 6 * 7 }).await.unwrap() });
/// assert_eq!(answer, 42);
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct Runtime {
    executor: Arc<Executor<'static>>,
    // Closing the channel stops the workers, which wait on `stopped`.
    stop: async_channel::Sender<()>,
    stopped: async_channel::Receiver<()>,
    workers: Vec<thread::JoinHandle<()>>,
}

impl Runtime {
    /// A runtime with `workers` threads, besides the one that calls
    /// `block_on`.
    ///
    /// # Errors
    ///
    /// `InvalidInput` for zero workers (use
    /// [`current_thread`](Runtime::current_thread)); the error of a thread
    /// that could not be started.
    ///
    /// # Examples
    ///
    /// ```
    /// let err = anyloop_pool::Runtime::new(0).unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    /// ```
    pub fn new(workers: usize) -> io::Result<Runtime> {
        if workers == 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a pool needs at least one worker thread (or use Runtime::current_thread)",
            ));
        }
        let mut runtime = Runtime::current_thread();
        for i in 0..workers {
            let executor = runtime.executor.clone();
            let receiver = runtime.stopped.clone();
            let worker = thread::Builder::new()
                .name(format!("anyloop-pool-{i}"))
                .spawn(move || {
                    // `recv` ends with an error once the runtime is dropped.
                    let _ = async_io::block_on(executor.run(receiver.recv()));
                })?;
            runtime.workers.push(worker);
        }
        Ok(runtime)
    }

    /// A runtime whose tasks run only on the thread that calls
    /// [`block_on`](BlockOn::block_on).
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop_core::{BlockOn, Spawn};
    ///
    /// let runtime = anyloop_pool::Runtime::current_thread();
    /// let pool = runtime.handle();
    /// assert_eq!(runtime.block_on(pool.spawn(async { 1 })).unwrap(), 1);
    /// ```
    pub fn current_thread() -> Runtime {
        let (stop, stopped) = async_channel::bounded::<()>(1);
        Runtime {
            executor: Arc::new(Executor::new()),
            stop,
            stopped,
            workers: Vec::new(),
        }
    }

    /// The handle that spawns onto this runtime, and implements the core
    /// traits.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = anyloop_pool::Runtime::current_thread();
    /// let pool: anyloop_pool::Pool = runtime.handle();
    /// # drop(pool);
    /// ```
    pub fn handle(&self) -> Pool {
        Pool {
            executor: Arc::downgrade(&self.executor),
        }
    }

    /// How many worker threads the runtime has (0: current-thread).
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(anyloop_pool::Runtime::new(3)?.workers(), 3);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn workers(&self) -> usize {
        self.workers.len()
    }
}

impl BlockOn for Runtime {
    fn block_on<F: Future>(&self, future: F) -> F::Output {
        async_io::block_on(self.executor.run(future))
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        self.stop.close();
        let here = thread::current().id();
        for worker in self.workers.drain(..) {
            // Dropped by one of its own tasks: that worker stops on its own.
            if worker.thread().id() != here {
                let _ = worker.join();
            }
        }
    }
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime")
            .field("workers", &self.workers.len())
            .finish_non_exhaustive()
    }
}

/// A handle to a [`Runtime`]: spawns onto it, and implements the core
/// traits (`Spawn`, `Timer`, `Net`), so that it is an
/// `anyloop_core::Runtime`.
///
/// It does not keep the runtime alive: once the runtime is dropped, tasks
/// spawned through it are cancelled at once.
///
/// # Examples
///
/// ```
/// use anyloop_core::{BlockOn, Spawn};
///
/// let runtime = anyloop_pool::Runtime::current_thread();
/// let pool = runtime.handle();
/// let detached = pool.spawn(async { 1 });
/// drop(runtime);
/// let late = pool.spawn(async { 2 });
/// let err = futures_lite::future::block_on(late).unwrap_err();
/// assert!(err.is_cancelled());
/// # drop(detached);
/// ```
#[derive(Clone)]
pub struct Pool {
    executor: Weak<Executor<'static>>,
}

impl fmt::Debug for Pool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pool")
            .field("running", &(self.executor.strong_count() > 0))
            .finish()
    }
}

/// A task of the executor or of the blocking pool, as
/// [`CancellableTask`] drives it.
///
/// Both build their tasks with async-task's `propagate_panic`: the panic is
/// re-raised when the handle is polled, and [`poll_propagated`] turns it
/// into the output. Futures are wrapped in [`CatchDropPanic`] (`id` is then
/// their [`TaskId`]), so that a destructor that panics when the task is
/// aborted gives a `JoinError` instead of aborting the process.
pub struct PoolTask<T> {
    // `None`: spawned after the runtime was dropped.
    task: Option<async_task::FallibleTask<T>>,
    id: Option<TaskId>,
}

impl<T: Send + 'static> NativeTask for PoolTask<T> {
    type Output = T;

    fn poll_join(&mut self, cx: &mut Context<'_>) -> Poll<NativeOutput<T>> {
        match &mut self.task {
            Some(task) => poll_propagated(Pin::new(task), cx).map(Result::transpose),
            None => Poll::Ready(None),
        }
    }

    fn cancel(self) -> CancelFuture<T> {
        match (self.task, self.id) {
            (Some(task), Some(id)) => cancel_watched(id, task.cancel()),
            (Some(task), None) => cancel_propagated(task.cancel()),
            (None, _) => Box::pin(std::future::ready(None)),
        }
    }

    fn detach(self) {
        if let Some(task) = self.task {
            task.detach();
        }
    }
}

impl<T> fmt::Debug for PoolTask<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PoolTask").finish_non_exhaustive()
    }
}

/// The join handle of [`Pool`]'s tasks: awaiting it gives the output or a
/// `JoinError`; dropping it detaches the task.
///
/// # Examples
///
/// ```
/// use anyloop_core::task::TaskHandle;
/// use anyloop_core::{BlockOn, Spawn};
///
/// let runtime = anyloop_pool::Runtime::new(1)?;
/// let pool = runtime.handle();
/// let handle: anyloop_pool::JoinHandle<()> = pool.spawn(std::future::pending());
/// handle.abort();
/// assert!(runtime.block_on(handle).unwrap_err().is_cancelled());
/// # Ok::<(), std::io::Error>(())
/// ```
pub type JoinHandle<T> = CancellableTask<PoolTask<T>>;

impl Spawn for Pool {
    type JoinHandle<T: Send + 'static> = JoinHandle<T>;

    fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let id = TaskId::next();
        let task = self
            .executor
            .upgrade()
            .map(|executor| executor.spawn(CatchDropPanic::new(id, future)).fallible());
        CancellableTask::new(PoolTask { task, id: Some(id) })
    }

    fn spawn_blocking<F, T>(&self, f: F) -> JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        CancellableTask::new(PoolTask {
            task: Some(blocking::unblock(f).fallible()),
            id: None,
        })
    }
}

impl Timer for Pool {
    type Delay = async_io::Timer;

    fn delay_until(&self, deadline: Instant) -> async_io::Timer {
        async_io::Timer::at(deadline)
    }

    fn reset(&self, mut delay: Pin<&mut async_io::Timer>, deadline: Instant) {
        delay.set_at(deadline);
    }
}
