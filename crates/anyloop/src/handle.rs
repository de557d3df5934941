//! Reaching a runtime from other threads.

use std::fmt;
use std::future::Future;
#[cfg(feature = "smol")]
use std::sync::Weak;

use crate::Backend;
use crate::task::{JoinError, JoinHandle};

/// A handle to a runtime that any thread can use: to spawn onto it, or to
/// run a future on it and wait for the result from a plain thread (AnyIO's
/// `from_thread.run`, asyncio's `run_coroutine_threadsafe`).
///
/// Get one inside the runtime with [`Handle::current`], or from
/// [`Runtime::handle`](crate::Runtime::handle). It does not keep the
/// runtime alive: once the runtime has shut down, [`block_on`](Handle::block_on)
/// gives [`BlockOnError::Shutdown`] and spawned tasks are cancelled.
///
/// # Examples
///
/// ```
/// use anyloop::Handle;
///
/// anyloop::run(async {
///     let handle = Handle::current();
///     // A plain thread, e.g. a callback of a C library, asks the runtime.
///     let answer = anyloop::spawn_blocking(move || {
///         handle.block_on(async { anyloop::spawn(async { 6 * 7 }).await.unwrap() })
///     });
///     assert_eq!(answer.await.unwrap().unwrap(), 42);
/// });
/// ```
#[derive(Clone)]
pub struct Handle {
    inner: Inner,
}

#[derive(Clone)]
enum Inner {
    #[cfg(feature = "tokio")]
    Tokio(anyloop_tokio::TokioHandle),
    // `None`: smol's global executor, which never shuts down.
    #[cfg(feature = "smol")]
    Smol(Option<Weak<SmolExecutor>>),
    #[cfg(feature = "async-std")]
    AsyncStd(anyloop_async_std::RuntimeHandle),
    Dyn(crate::PluginName, std::sync::Arc<dyn crate::rt::DynRuntime>),
}

#[cfg(feature = "smol")]
type SmolExecutor = anyloop_smol::Executor<'static>;

/// [`Handle::block_on`] could not give the future's output.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BlockOnError {
    /// The runtime has shut down (or shut down before the future completed).
    #[error("the runtime has shut down")]
    Shutdown,
    /// The future panicked; the payload is in the [`JoinError`].
    #[error(transparent)]
    Panic(JoinError),
    /// Called from a task of a runtime: waiting there could block the
    /// thread that must run the future. Await the future instead.
    #[error("Handle::block_on was called from inside a runtime's task; await the future instead")]
    InsideRuntime,
}

impl Handle {
    /// The handle of the runtime that runs the caller.
    ///
    /// # Panics
    ///
    /// Outside any runtime when the `smol` feature (which falls back to
    /// smol's global executor) is not enabled; see [`Handle::try_current`].
    #[track_caller]
    pub fn current() -> Handle {
        Handle::try_current().unwrap_or_else(|| crate::rt::no_runtime())
    }

    /// The handle of the runtime that runs the caller, if one is found (see
    /// [`Backend::current`]).
    pub fn try_current() -> Option<Handle> {
        let inner = match Backend::current()? {
            #[cfg(feature = "tokio")]
            Backend::Tokio => Inner::Tokio(anyloop_tokio::TokioHandle::try_current().ok()?),
            #[cfg(feature = "smol")]
            Backend::Smol => Inner::Smol(
                anyloop_smol::Smol::current_executor().map(|e| std::sync::Arc::downgrade(&e)),
            ),
            #[cfg(feature = "async-std")]
            Backend::AsyncStd => Inner::AsyncStd(anyloop_async_std::RuntimeHandle::current()),
            Backend::Custom(name) => Inner::Dyn(name, crate::rt::dyn_rt::current()?),
        };
        Some(Handle { inner })
    }

    #[cfg(feature = "tokio")]
    pub(crate) fn tokio(handle: anyloop_tokio::TokioHandle) -> Handle {
        Handle {
            inner: Inner::Tokio(handle),
        }
    }

    #[cfg(feature = "smol")]
    pub(crate) fn smol(executor: &std::sync::Arc<SmolExecutor>) -> Handle {
        Handle {
            inner: Inner::Smol(Some(std::sync::Arc::downgrade(executor))),
        }
    }

    pub(crate) fn plugin(
        name: crate::PluginName,
        rt: std::sync::Arc<dyn crate::rt::DynRuntime>,
    ) -> Handle {
        Handle {
            inner: Inner::Dyn(name, rt),
        }
    }

    #[cfg(feature = "async-std")]
    pub(crate) fn async_std(handle: anyloop_async_std::RuntimeHandle) -> Handle {
        Handle {
            inner: Inner::AsyncStd(handle),
        }
    }

    /// The runtime's backend.
    pub fn backend(&self) -> Backend {
        match self.inner {
            #[cfg(feature = "tokio")]
            Inner::Tokio(_) => Backend::Tokio,
            #[cfg(feature = "smol")]
            Inner::Smol(_) => Backend::Smol,
            #[cfg(feature = "async-std")]
            Inner::AsyncStd(_) => Backend::AsyncStd,
            Inner::Dyn(name, _) => Backend::Custom(name),
        }
    }

    /// Spawns `future` on the runtime, from any thread. On a runtime that
    /// has shut down, the task is cancelled at once.
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let backend = self.backend();
        #[cfg(feature = "tracing")]
        let future = tracing::Instrument::in_current_span(future);
        let future = crate::rt::Tagged::new(backend, future);
        match &self.inner {
            #[cfg(feature = "tokio")]
            Inner::Tokio(handle) => anyloop_tokio::spawn_on(handle, future).into(),
            #[cfg(feature = "smol")]
            Inner::Smol(None) => anyloop_smol::spawn_on(None, future).into(),
            #[cfg(feature = "smol")]
            Inner::Smol(Some(executor)) => match executor.upgrade() {
                Some(executor) => anyloop_smol::spawn_on(Some(&executor), future).into(),
                // Gone: a task on an executor dropped at once is cancelled.
                None => anyloop_smol::spawn_on(Some(&smol_exec_new()), future).into(),
            },
            #[cfg(feature = "async-std")]
            Inner::AsyncStd(handle) => handle.spawn(future).into(),
            Inner::Dyn(_, rt) => crate::rt::Spawn::spawn(rt, future).into(),
        }
    }

    /// Runs `future` on the runtime and blocks the calling thread until it
    /// completes, from a thread that is not running async tasks.
    ///
    /// Wherever anyloop can tell that the thread runs async code, it refuses
    /// instead of risking a deadlock: inside tasks and `block_on`s that
    /// anyloop runs (also native tasks polled by a runtime that anyloop
    /// started, on its `block_on` thread or one of smol's worker threads),
    /// inside async-std tasks, and on a thread of a native
    /// current-thread tokio runtime (`#[tokio::main(flavor =
    /// "current_thread")]`, its tasks; also its native `spawn_blocking`
    /// threads, which look the same: use [`spawn_blocking`](crate::spawn_blocking)).
    /// Inside a native multi-thread tokio runtime it waits in tokio's
    /// `block_in_place`, which moves the worker's other tasks to another
    /// thread, so even a one-worker runtime does not deadlock. Blocking
    /// threads (anyloop's and the runtimes') and plain threads just wait.
    /// smol cannot be asked whether a native `smol::block_on` runs on the
    /// thread: there it is the caller's care.
    ///
    /// # Errors
    ///
    /// [`BlockOnError::Shutdown`] once the runtime has shut down;
    /// [`BlockOnError::Panic`] if the future panicked;
    /// [`BlockOnError::InsideRuntime`] when called from async code, as above.
    pub fn block_on<F>(&self, future: F) -> Result<F::Output, BlockOnError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        if crate::rt::in_async_code() {
            return Err(BlockOnError::InsideRuntime);
        }
        if !crate::rt::in_blocking_code() {
            #[cfg(feature = "async-std")]
            if anyloop_async_std::AsyncStd::in_task() {
                return Err(BlockOnError::InsideRuntime);
            }
            #[cfg(feature = "tokio")]
            match anyloop_tokio::blocking_context() {
                anyloop_tokio::BlockingContext::Forbidden => {
                    return Err(BlockOnError::InsideRuntime);
                }
                anyloop_tokio::BlockingContext::InPlace => {
                    return anyloop_tokio::block_in_place(|| self.wait(future));
                }
                _ => {}
            }
        }
        self.wait(future)
    }

    fn wait<F>(&self, future: F) -> Result<F::Output, BlockOnError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        match futures_lite::future::block_on(self.spawn(future)) {
            Ok(output) => Ok(output),
            Err(err) if err.is_panic() => Err(BlockOnError::Panic(err)),
            // Nothing here aborts the task: only a shutdown cancels it.
            Err(_) => Err(BlockOnError::Shutdown),
        }
    }
}

#[cfg(feature = "smol")]
fn smol_exec_new() -> std::sync::Arc<SmolExecutor> {
    std::sync::Arc::new(SmolExecutor::new())
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle")
            .field("backend", &self.backend())
            .finish_non_exhaustive()
    }
}
