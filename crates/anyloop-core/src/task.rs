//! Task types shared by every backend.

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};

/// The payload of a panic, as [`std::panic::catch_unwind`] returns it.
pub type PanicPayload = Box<dyn Any + Send + 'static>;

/// A task failed to return a value: it panicked or it was cancelled.
///
/// Returned by awaiting a join handle on every backend.
///
/// # Examples
///
/// ```
/// anyloop::run(async {
///     let err = anyloop::spawn(async { panic!("boom") }).await.unwrap_err();
///     assert!(err.is_panic());
///     assert_eq!(err.to_string(), "task panicked: boom");
/// });
/// ```
#[derive(thiserror::Error)]
#[error("{}", self.describe())]
pub struct JoinError {
    repr: Repr,
}

enum Repr {
    Cancelled,
    // The mutex only makes the payload `Sync`; it is never contended.
    Panic(Mutex<PanicPayload>),
}

impl JoinError {
    /// A join error for a task that was cancelled before it completed.
    pub fn cancelled() -> Self {
        JoinError {
            repr: Repr::Cancelled,
        }
    }

    /// A join error for a task that panicked with `payload`.
    pub fn panic(payload: PanicPayload) -> Self {
        JoinError {
            repr: Repr::Panic(Mutex::new(payload)),
        }
    }

    /// Returns `true` if the task was cancelled.
    pub fn is_cancelled(&self) -> bool {
        matches!(self.repr, Repr::Cancelled)
    }

    /// Returns `true` if the task panicked.
    pub fn is_panic(&self) -> bool {
        matches!(self.repr, Repr::Panic(_))
    }

    /// Returns the panic payload.
    ///
    /// # Panics
    ///
    /// Panics if the task was cancelled rather than panicking; use
    /// [`try_into_panic`](JoinError::try_into_panic) to check first.
    ///
    /// # Examples
    ///
    /// Re-raising the panic of a task in the awaiting task:
    ///
    /// ```should_panic
    /// anyloop::run(async {
    ///     if let Err(err) = anyloop::spawn(async { panic!("boom") }).await {
    ///         std::panic::resume_unwind(err.into_panic());
    ///     }
    /// });
    /// ```
    #[track_caller]
    pub fn into_panic(self) -> PanicPayload {
        self.try_into_panic()
            .expect("`JoinError::into_panic` called on a cancelled task's error")
    }

    /// Returns the panic payload, or the error itself if the task was
    /// cancelled.
    pub fn try_into_panic(self) -> Result<PanicPayload, JoinError> {
        match self.repr {
            Repr::Panic(payload) => Ok(payload.into_inner().unwrap_or_else(|e| e.into_inner())),
            Repr::Cancelled => Err(self),
        }
    }

    fn describe(&self) -> String {
        match &self.repr {
            Repr::Cancelled => "task was cancelled".to_owned(),
            Repr::Panic(payload) => {
                let payload = payload.lock().unwrap_or_else(|e| e.into_inner());
                match panic_message(&**payload) {
                    Some(message) => format!("task panicked: {message}"),
                    None => "task panicked".to_owned(),
                }
            }
        }
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> Option<&str> {
    payload
        .downcast_ref::<&'static str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
}

impl fmt::Debug for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.repr {
            Repr::Cancelled => f.write_str("JoinError::Cancelled"),
            Repr::Panic(_) => write!(f, "JoinError::Panic({:?})", self.describe()),
        }
    }
}

impl From<JoinError> for io::Error {
    fn from(err: JoinError) -> Self {
        io::Error::other(err)
    }
}

/// What every join handle can do besides being awaited.
///
/// A join handle is a `Future<Output = Result<T, JoinError>>`. On every
/// backend, dropping it **detaches** the task (the task keeps running), and a
/// panic inside the task is returned as [`JoinError::is_panic`].
pub trait TaskHandle: Future + Unpin {
    /// Cancels the task.
    ///
    /// A task that has not completed yet is dropped at its next await point
    /// and awaiting the handle then gives [`JoinError::is_cancelled`], after
    /// the task's future has been dropped. A task that has already completed
    /// keeps its output, and awaiting the handle returns it. A blocking task
    /// that has already started cannot be stopped; it runs to the end.
    fn abort(&self);

    /// Returns `true` once the task has completed, panicked or been
    /// cancelled.
    fn is_finished(&self) -> bool;

    /// Wraps the handle in a guard that aborts the task when dropped, for
    /// structured code where a task must not outlive its owner.
    fn abort_on_drop(self) -> AbortOnDrop<Self>
    where
        Self: Sized,
    {
        AbortOnDrop { handle: Some(self) }
    }
}

/// A join handle that aborts its task when dropped.
///
/// Made by [`TaskHandle::abort_on_drop`]. Await it as the handle itself.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// anyloop::run(async {
///     let guard = anyloop::spawn(anyloop::time::sleep(Duration::from_secs(3600))).abort_on_drop();
///     drop(guard); // the hour-long task is cancelled here
/// });
/// ```
#[derive(Debug)]
pub struct AbortOnDrop<H: TaskHandle> {
    // `None` only after `into_inner`, which consumes the guard.
    handle: Option<H>,
}

impl<H: TaskHandle> AbortOnDrop<H> {
    /// Returns a reference to the handle.
    pub fn get_ref(&self) -> &H {
        self.handle.as_ref().expect("handle taken")
    }

    /// Returns the handle, which no longer aborts the task on drop.
    pub fn into_inner(mut self) -> H {
        self.handle.take().expect("handle taken")
    }
}

impl<H: TaskHandle> Future for AbortOnDrop<H> {
    type Output = H::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<H::Output> {
        Pin::new(self.handle.as_mut().expect("handle taken")).poll(cx)
    }
}

impl<H: TaskHandle> Drop for AbortOnDrop<H> {
    fn drop(&mut self) {
        if let Some(handle) = &self.handle {
            handle.abort();
        }
    }
}

/// Yields execution back to the runtime once.
///
/// The task is woken at once and put at the back of the run queue, so other
/// ready tasks get to run first. Runtime-independent.
///
/// # Examples
///
/// ```
/// anyloop::run(async {
///     for _ in 0..3 {
///         anyloop::task::yield_now().await;
///     }
/// });
/// ```
pub fn yield_now() -> YieldNow {
    YieldNow { yielded: false }
}

/// Future returned by [`yield_now`].
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct YieldNow {
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
