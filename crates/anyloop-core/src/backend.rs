//! Building blocks for backend implementors.
//!
//! Applications and libraries never need this module. A backend whose native
//! task handle cancels on drop or can only be cancelled asynchronously (smol,
//! async-std) wraps it in a [`CancellableTask`] to get the common semantics:
//! detach on drop, synchronous [`abort`](TaskHandle::abort), and
//! [`is_finished`](TaskHandle::is_finished).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Mutex, PoisonError};
use std::task::{Context, Poll, Waker, ready};

use crate::task::{JoinError, PanicPayload, TaskHandle};

/// The output of a native task whose future was wrapped in
/// [`catch_unwind`](std::panic::catch_unwind): `None` if the runtime dropped
/// the task before it completed.
pub type NativeOutput<T> = Option<Result<T, PanicPayload>>;

/// The future returned by [`NativeTask::cancel`].
pub type CancelFuture<T> = Pin<Box<dyn Future<Output = NativeOutput<T>> + Send + 'static>>;

/// A runtime's own task handle, as [`CancellableTask`] drives it.
pub trait NativeTask: Send + Unpin + 'static {
    /// The task's output.
    type Output: Send + 'static;

    /// Polls the task for its output.
    fn poll_join(&mut self, cx: &mut Context<'_>) -> Poll<NativeOutput<Self::Output>>;

    /// Returns a future that requests cancellation when first polled and
    /// completes once the task's future has been dropped, with the output if
    /// the task had already completed. Dropping it after its first poll must
    /// not undo the cancellation.
    fn cancel(self) -> CancelFuture<Self::Output>;

    /// Lets the task run to completion without a handle.
    fn detach(self);
}

/// A join handle with the common semantics over a [`NativeTask`].
///
/// The lock is taken only by [`abort`](TaskHandle::abort) and
/// [`is_finished`](TaskHandle::is_finished); polling and dropping go through
/// `&mut self` and never lock.
pub struct CancellableTask<N: NativeTask> {
    state: Mutex<State<N>>,
}

enum State<N: NativeTask> {
    Running(N),
    Cancelling(CancelFuture<N::Output>),
    Finished(Result<N::Output, JoinError>),
    Taken,
}

impl<N: NativeTask> CancellableTask<N> {
    /// Wraps a native task handle.
    pub fn new(native: N) -> Self {
        CancellableTask {
            state: Mutex::new(State::Running(native)),
        }
    }
}

impl<N: NativeTask> State<N> {
    fn poll(&mut self, cx: &mut Context<'_>) -> Poll<Result<N::Output, JoinError>> {
        let output = match self {
            State::Running(native) => ready!(native.poll_join(cx)),
            State::Cancelling(cancel) => ready!(cancel.as_mut().poll(cx)),
            State::Finished(_) => match std::mem::replace(self, State::Taken) {
                State::Finished(result) => return Poll::Ready(result),
                _ => unreachable!(),
            },
            State::Taken => panic!("`JoinHandle` polled after completion"),
        };
        *self = State::Taken;
        Poll::Ready(join_result(output))
    }
}

fn join_result<T>(output: NativeOutput<T>) -> Result<T, JoinError> {
    match output {
        Some(Ok(value)) => Ok(value),
        Some(Err(payload)) => Err(JoinError::panic(payload)),
        None => Err(JoinError::cancelled()),
    }
}

// The output is moved out, never pinned.
impl<N: NativeTask> Unpin for CancellableTask<N> {}

impl<N: NativeTask> Future for CancellableTask<N> {
    type Output = Result<N::Output, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let state = self.get_mut().state.get_mut();
        state.unwrap_or_else(PoisonError::into_inner).poll(cx)
    }
}

impl<N: NativeTask> TaskHandle for CancellableTask<N> {
    fn abort(&self) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let native = match std::mem::replace(&mut *state, State::Taken) {
            State::Running(native) => native,
            other => {
                *state = other;
                return;
            }
        };
        // The first poll is what requests cancellation: a cancel future
        // dropped unpolled would merely detach the task.
        let mut cancel = native.cancel();
        let mut cx = Context::from_waker(Waker::noop());
        *state = match cancel.as_mut().poll(&mut cx) {
            Poll::Ready(output) => State::Finished(join_result(output)),
            Poll::Pending => State::Cancelling(cancel),
        };
    }

    fn is_finished(&self) -> bool {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        match &*state {
            State::Finished(_) | State::Taken => true,
            State::Running(_) | State::Cancelling(_) => {
                // Nobody is awaiting the handle while we hold `&self`, so the
                // waker we replace here is registered again by the next poll.
                let mut cx = Context::from_waker(Waker::noop());
                match state.poll(&mut cx) {
                    Poll::Ready(result) => {
                        *state = State::Finished(result);
                        true
                    }
                    Poll::Pending => false,
                }
            }
        }
    }
}

impl<N: NativeTask> Drop for CancellableTask<N> {
    fn drop(&mut self) {
        let state = self.state.get_mut().unwrap_or_else(PoisonError::into_inner);
        if let State::Running(native) = std::mem::replace(state, State::Taken) {
            native.detach();
        }
    }
}

impl<N: NativeTask> fmt::Debug for CancellableTask<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.state.try_lock().as_deref() {
            Ok(State::Running(_)) => "running",
            Ok(State::Cancelling(_)) => "cancelling",
            Ok(State::Finished(_) | State::Taken) => "finished",
            Err(_) => "locked",
        };
        f.debug_struct("JoinHandle").field("state", &state).finish()
    }
}
