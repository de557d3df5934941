//! Runtimes that anyloop starts.

use std::fmt;
use std::future::Future;
use std::io;

use std::sync::Arc;

use anyloop_core::time::clock::Clock;

use crate::rt::{BlockOn, DynRuntime};
use crate::{Backend, BackendError};

/// A runtime of one of the compiled-in backends, started by anyloop.
///
/// Inside [`block_on`](Runtime::block_on), the ambient API
/// ([`spawn`](crate::spawn), [`time::sleep`](crate::time::sleep), ...) uses
/// this runtime.
///
/// # Examples
///
/// ```
/// use anyloop::Runtime;
///
/// let rt = Runtime::builder().worker_threads(2).build()?;
/// let answer = rt.block_on(async { anyloop::spawn(async { 42 }).await.unwrap() });
/// assert_eq!(answer, 42);
/// # Ok::<(), anyloop::BuildError>(())
/// ```
pub struct Runtime {
    inner: Inner,
}

enum Inner {
    #[cfg(feature = "tokio")]
    Tokio(anyloop_tokio::Runtime),
    #[cfg(feature = "smol")]
    Smol(anyloop_smol::Runtime),
    #[cfg(feature = "async-std")]
    AsyncStd(anyloop_async_std::Runtime),
    Dyn(crate::PluginName, Arc<dyn DynRuntime>),
}

impl Runtime {
    /// A multi-thread runtime of the default backend (see [`Backend`]).
    ///
    /// # Errors
    ///
    /// See [`Builder::build`].
    pub fn new() -> Result<Runtime, BuildError> {
        Builder::new().build()
    }

    /// A runtime over a plug-in, `rt`, named `name` in reports
    /// ([`Backend::Custom`], with the [`PluginName`](crate::PluginName)
    /// of `name`).
    ///
    /// Inside [`block_on`](Runtime::block_on) the ambient API runs on the
    /// plug-in: [`spawn`](crate::spawn) and
    /// [`spawn_blocking`](crate::spawn_blocking) go to its
    /// [`DynRuntime::spawn_task`], [`time`](crate::time) to its timer, and
    /// tasks spawned from its tasks stay on it; [`Backend::current`] is
    /// `Backend::Custom(name)`. `block_on` polls the future on the calling
    /// thread, which parks between polls; the plug-in's own threads run its
    /// tasks. [`net`](crate::net)'s sockets are the plug-in's own, made by
    /// its socket constructors (`dyn_bind_tcp`, `dyn_connect_tcp`, ...),
    /// with any feature set. What the plug-in does not provide comes from
    /// runtime-free parts: [`fs`](crate::fs) uses async-io's files (with
    /// the `smol` or `async-std` feature; with tokio alone, its free
    /// functions run `std::fs` on the plug-in's `spawn_blocking`, and
    /// opening a `File` is an `Unsupported` error), and
    /// [`spawn_local`](crate::task::spawn_local) has no local context.
    /// `#[anyloop::test(plugin(name = path))]` tests on a plug-in.
    ///
    /// # Errors
    ///
    /// [`BuildError::NotAPlugin`] if `rt` is
    /// [`rt::Current`](crate::rt::Current) (which would look the plug-in up
    /// again for ever), and [`BuildError::PluginName`] if `name` is empty,
    /// the name of a built-in backend (`tokio`, `smol`, `async-std`), or the
    /// 256th distinct plug-in name of the process.
    ///
    /// # Examples
    ///
    /// A runtime of your own: here `anyloop-pool`, the fourth backend in
    /// anyloop's repository (its `Runtime` owns the threads, its `Pool`
    /// handle implements the core traits):
    ///
    /// ```
    /// use std::sync::Arc;
    /// use anyloop::{Backend, Runtime};
    ///
    /// let pool = anyloop_pool::Runtime::new(2)?;
    /// let rt = Runtime::from_dyn("pool", Arc::new(pool.handle()))?;
    /// assert_eq!(rt.backend().name(), "pool");
    /// let answer = rt.block_on(async {
    ///     assert_eq!(Backend::current().map(Backend::name), Some("pool"));
    ///     anyloop::spawn(async { 42 }).await.unwrap()
    /// });
    /// assert_eq!(answer, 42);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_dyn(name: &'static str, rt: Arc<dyn DynRuntime>) -> Result<Runtime, BuildError> {
        if (*rt).runtime_type() == std::any::TypeId::of::<crate::rt::Current>() {
            return Err(BuildError::NotAPlugin);
        }
        let built_in = ["tokio", "smol", "async-std"].contains(&name);
        let name = match crate::PluginName::try_new(name) {
            Some(interned) if !name.is_empty() && !built_in => interned,
            _ => return Err(BuildError::PluginName(name)),
        };
        Ok(Runtime {
            inner: Inner::Dyn(name, rt),
        })
    }

    /// Returns a builder to choose the backend and the threads.
    pub fn builder() -> Builder {
        Builder::new()
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

    /// A handle to this runtime, for other threads.
    pub fn handle(&self) -> crate::Handle {
        match &self.inner {
            #[cfg(feature = "tokio")]
            Inner::Tokio(rt) => crate::Handle::tokio(rt.handle().clone()),
            #[cfg(feature = "smol")]
            Inner::Smol(rt) => crate::Handle::smol(rt.executor()),
            #[cfg(feature = "async-std")]
            Inner::AsyncStd(rt) => crate::Handle::async_std(rt.handle()),
            Inner::Dyn(name, rt) => crate::Handle::plugin(*name, rt.clone()),
        }
    }

    /// Runs `future` to completion on this runtime, blocking the current
    /// thread, and returns its output.
    ///
    /// # Panics
    ///
    /// As the backend's own `block_on`: when called from inside an async
    /// context of tokio.
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        let backend = self.backend();
        // The thread runs this runtime's async code for the whole
        // `block_on`, not only while its future is polled: the tasks that
        // the executor polls here find the mark set and are polled directly
        // (see `rt::Tagged`). The mark is restored on return and on unwind.
        let _mark = crate::rt::Polling::enter(backend, true);
        let future = crate::rt::Tagged::new(backend, future);
        // The runtime's clock, for `time::pause` (see `crate::time`).
        let future = anyloop_core::time::clock::Clocked::new(Clock::new(), future);
        match &self.inner {
            #[cfg(feature = "tokio")]
            Inner::Tokio(rt) => rt.block_on(future),
            #[cfg(feature = "smol")]
            Inner::Smol(rt) => rt.block_on(future),
            #[cfg(feature = "async-std")]
            Inner::AsyncStd(rt) => rt.block_on(future),
            Inner::Dyn(_, rt) => {
                let _context = crate::rt::dyn_rt::enter(rt);
                futures_lite::future::block_on(future)
            }
        }
    }
}

/// The core's [`BlockOn`], so that code generic over a runtime's driver
/// (the conformance kit's `Kit::run_with`, ...) accepts a `Runtime`.
///
/// # Examples
///
/// ```
/// use anyloop::rt::BlockOn;
///
/// fn drive<D: BlockOn>(driver: &D) -> u32 {
///     driver.block_on(async { 42 })
/// }
///
/// assert_eq!(drive(&anyloop::Runtime::new()?), 42);
/// # Ok::<(), anyloop::BuildError>(())
/// ```
impl BlockOn for Runtime {
    fn block_on<F: Future>(&self, future: F) -> F::Output {
        Runtime::block_on(self, future)
    }
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime")
            .field("backend", &self.backend())
            .finish_non_exhaustive()
    }
}

/// Builds a [`Runtime`].
///
/// By default: the backend of [`Backend::from_env`], multi-thread, one
/// worker thread per CPU.
///
/// | | tokio | smol | async-std (legacy) |
/// |---|---|---|---|
/// | `current_thread()` | ✅ | ✅ | ❌ tasks run on async-std's global pool |
/// | `worker_threads(n)` | ✅ | ✅ (`n` threads, plus the one in `block_on`) | ✅ only for the first runtime of the process: the global pool is started once |
///
/// # Examples
///
/// ```
/// use anyloop::{Backend, Runtime};
///
/// let backend = Backend::available()[0];
/// let rt = Runtime::builder().backend(backend).current_thread().build()?;
/// assert_eq!(rt.backend(), backend);
/// # Ok::<(), anyloop::BuildError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Builder {
    backend: Option<Backend>,
    current_thread: bool,
    worker_threads: Option<usize>,
}

impl Builder {
    /// A builder with the defaults.
    pub fn new() -> Builder {
        Builder::default()
    }

    /// Picks the backend instead of the default.
    pub fn backend(&mut self, backend: Backend) -> &mut Builder {
        self.backend = Some(backend);
        self
    }

    /// Runs every task on the thread that calls
    /// [`block_on`](Runtime::block_on).
    pub fn current_thread(&mut self) -> &mut Builder {
        self.current_thread = true;
        self
    }

    /// Runs tasks on a pool of worker threads (the default).
    pub fn multi_thread(&mut self) -> &mut Builder {
        self.current_thread = false;
        self
    }

    /// Sets the number of worker threads of a multi-thread runtime.
    pub fn worker_threads(&mut self, count: usize) -> &mut Builder {
        self.worker_threads = Some(count);
        self.current_thread = false;
        self
    }

    /// Starts the runtime.
    ///
    /// # Errors
    ///
    /// - [`BuildError::Backend`] if no backend was picked and
    ///   `ANYLOOP_BACKEND` names one that is unknown or not compiled in;
    /// - [`BuildError::ZeroWorkerThreads`] for `worker_threads(0)`;
    /// - [`BuildError::Io`] if the runtime's threads or drivers cannot start,
    ///   for example when the process is out of file descriptors. The same
    ///   on every backend: smol's and async-std's shared reactor is started
    ///   here, and a failed start leaves nothing broken for a later build.
    pub fn build(&self) -> Result<Runtime, BuildError> {
        let backend = match self.backend {
            Some(backend) => backend,
            None => Backend::from_env()?,
        };
        if self.worker_threads == Some(0) {
            return Err(BuildError::ZeroWorkerThreads);
        }
        let workers = self.worker_threads;
        let inner = match backend {
            #[cfg(feature = "tokio")]
            Backend::Tokio if self.current_thread => {
                Inner::Tokio(anyloop_tokio::Runtime::current_thread()?)
            }
            #[cfg(feature = "tokio")]
            Backend::Tokio => Inner::Tokio(anyloop_tokio::Runtime::multi_thread(workers)?),
            // smol and async-std start async-io's reactor lazily and panic
            // when it cannot start: it is started here, where it can fail
            // (`multi_thread` does it too).
            #[cfg(feature = "smol")]
            Backend::Smol if self.current_thread => {
                anyloop_async_io::start_reactor()?;
                Inner::Smol(anyloop_smol::Runtime::current_thread())
            }
            #[cfg(feature = "smol")]
            Backend::Smol => Inner::Smol(anyloop_smol::Runtime::multi_thread(workers)?),
            #[cfg(feature = "async-std")]
            Backend::AsyncStd => {
                anyloop_async_io::start_reactor()?;
                Inner::AsyncStd(anyloop_async_std::Runtime::new(workers))
            }
            Backend::Custom(name) => return Err(BuildError::Plugin(name)),
        };
        Ok(Runtime { inner })
    }
}

/// A [`Runtime`] could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// `ANYLOOP_BACKEND` names a backend that is unknown or not compiled in.
    #[error("cannot choose the backend from $ANYLOOP_BACKEND: {0}")]
    Backend(#[from] BackendError),
    /// `worker_threads(0)` was asked for.
    #[error("a multi-thread runtime needs at least one worker thread")]
    ZeroWorkerThreads,
    /// The runtime failed to start.
    #[error("the runtime failed to start: {0}")]
    Io(#[from] io::Error),
    /// [`Backend::Custom`] was asked for: a plug-in runtime is made with
    /// [`Runtime::from_dyn`], from its value.
    #[error("the plug-in backend `{0}` is made with `Runtime::from_dyn`, not the builder")]
    Plugin(crate::PluginName),
    /// [`Runtime::from_dyn`] was given [`rt::Current`](crate::rt::Current),
    /// which is the ambient face, not a runtime.
    #[error("`Runtime::from_dyn` needs a runtime, not `rt::Current`")]
    NotAPlugin,
    /// [`Runtime::from_dyn`] was given a name that is empty, a built-in
    /// backend's, or one more than the 255 distinct plug-in names a process
    /// may have.
    #[error(
        "`{0:?}` cannot name a plug-in runtime: it must be non-empty, not a built-in backend's name, and one of at most 255 distinct names"
    )]
    PluginName(&'static str),
}

/// Runs `future` to completion on a new runtime of the default backend and
/// returns its output, like Python's `asyncio.run`.
///
/// The runtime is multi-thread; its backend is chosen by the rule of
/// [`Backend`] (`ANYLOOP_BACKEND`, else the first compiled-in backend of
/// tokio, smol, async-std).
///
/// # Panics
///
/// If the runtime cannot be built: `ANYLOOP_BACKEND` names an unknown or
/// not compiled-in backend, or the threads cannot start. Use
/// [`Runtime::new`] to get these as a [`BuildError`].
///
/// # Examples
///
/// ```
/// let answer = anyloop::run(async {
///     let task = anyloop::spawn(async { 21 });
///     task.await.unwrap() * 2
/// });
/// assert_eq!(answer, 42);
/// ```
#[track_caller]
pub fn run<F: Future>(future: F) -> F::Output {
    match Runtime::new() {
        Ok(rt) => rt.block_on(future),
        Err(err) => panic!("anyloop::run: {err}"),
    }
}
