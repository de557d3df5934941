//! Named tasks.

use std::future::Future;

use super::{JoinHandle, LocalJoinHandle, SpawnLocalError};

/// Spawns tasks with options: for now a name.
///
/// What the name does, by backend:
///
/// | | tokio | smol | async-std |
/// |---|---|---|---|
/// | with the `tracing` feature | the task runs in a span `task` with the field `name`, child of the caller's span | same | same |
/// | the runtime's own task name | ❌ (tokio's `task::Builder` needs `--cfg tokio_unstable`) | ❌ (smol's tasks have none) | ✅ for [`spawn`](Builder::spawn): `async_std::task::current().name()` |
///
/// Without a name, each method is the free function of the same name
/// ([`spawn`](crate::spawn), ...). The span is at the `INFO` level; a
/// subscriber that filters it out still sees the task's events in the
/// caller's span, which every task spawned through anyloop carries under
/// the `tracing` feature.
///
/// # Examples
///
/// ```
/// use anyloop::task::Builder;
///
/// anyloop::run(async {
///     let fetch = Builder::new().name("fetch").spawn(async { 42 });
///     assert_eq!(fetch.await.unwrap(), 42);
///
///     let hash = Builder::new().name("hash").spawn_blocking(|| 7 * 6);
///     assert_eq!(hash.await.unwrap(), 42);
/// });
/// ```
#[derive(Debug, Clone, Default)]
#[must_use = "a builder spawns nothing until one of its `spawn` methods is called"]
pub struct Builder {
    name: Option<String>,
}

impl Builder {
    /// A builder with no name.
    pub fn new() -> Builder {
        Builder::default()
    }

    /// Names the task; see the table above for where the name shows.
    pub fn name(mut self, name: impl Into<String>) -> Builder {
        self.name = Some(name.into());
        self
    }

    /// Spawns `future` as [`spawn`](crate::spawn) does.
    ///
    /// # Panics
    ///
    /// As [`spawn`](crate::spawn).
    ///
    /// # Examples
    ///
    /// ```
    /// let task = anyloop::task::Builder::new().name("answer");
    /// assert_eq!(anyloop::run(async { task.spawn(async { 42 }).await.unwrap() }), 42);
    /// ```
    #[track_caller]
    pub fn spawn<F>(self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let Some(name) = self.name else {
            return crate::spawn(future);
        };
        #[cfg(feature = "tracing")]
        let future = tracing::Instrument::instrument(future, task_span(&name));
        #[cfg(feature = "async-std")]
        if crate::rt::current_backend() == crate::Backend::AsyncStd {
            #[cfg(feature = "tracing")]
            let future = tracing::Instrument::in_current_span(future);
            let future = crate::rt::Tagged::new(crate::Backend::AsyncStd, future);
            return anyloop_async_std::spawn_named(name, future).into();
        }
        let _ = name;
        crate::spawn(future)
    }

    /// Runs the blocking closure `f` as [`spawn_blocking`](crate::spawn_blocking)
    /// does, inside the named span with the `tracing` feature.
    ///
    /// # Panics
    ///
    /// As [`spawn_blocking`](crate::spawn_blocking).
    ///
    /// # Examples
    ///
    /// ```
    /// anyloop::run(async {
    ///     let sum = anyloop::task::Builder::new().name("sum").spawn_blocking(|| 2 + 2);
    ///     assert_eq!(sum.await.unwrap(), 4);
    /// });
    /// ```
    #[track_caller]
    pub fn spawn_blocking<F, T>(self, f: F) -> JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        #[cfg(feature = "tracing")]
        if let Some(name) = &self.name {
            let span = task_span(name);
            return crate::spawn_blocking(move || span.in_scope(f));
        }
        crate::spawn_blocking(f)
    }

    /// Spawns a `!Send` future as [`spawn_local`](super::spawn_local) does.
    ///
    /// # Panics
    ///
    /// Outside a local context, as [`spawn_local`](super::spawn_local).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::rc::Rc;
    ///
    /// anyloop::run(async {
    ///     let shared = Rc::new(5);
    ///     let task = anyloop::task::Builder::new().name("local").spawn_local(async move { *shared });
    ///     assert_eq!(task.await.unwrap(), 5);
    /// });
    /// ```
    #[track_caller]
    pub fn spawn_local<F>(self, future: F) -> LocalJoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        match self.try_spawn_local(future) {
            Ok(handle) => handle,
            Err(err) => panic!("{err}"),
        }
    }

    /// Spawns a `!Send` future as [`try_spawn_local`](super::try_spawn_local)
    /// does.
    ///
    /// # Errors
    ///
    /// [`SpawnLocalError::NoLocalContext`] outside a local context.
    ///
    /// # Examples
    ///
    /// ```
    /// let outside = anyloop::task::Builder::new().name("x").try_spawn_local(async {});
    /// assert!(outside.is_err());
    /// ```
    pub fn try_spawn_local<F>(
        self,
        future: F,
    ) -> Result<LocalJoinHandle<F::Output>, SpawnLocalError>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        #[cfg(feature = "tracing")]
        if let Some(name) = &self.name {
            return super::try_spawn_local(tracing::Instrument::instrument(
                future,
                task_span(name),
            ));
        }
        super::try_spawn_local(future)
    }
}

/// The span of a named task, a child of the caller's.
#[cfg(feature = "tracing")]
fn task_span(name: &str) -> tracing::Span {
    tracing::info_span!("task", name)
}
