//! Building blocks for backend implementors.
//!
//! Applications and libraries never need this module. A backend whose native
//! task handle cancels on drop or can only be cancelled asynchronously (smol,
//! async-std) wraps it in a [`CancellableTask`] to get the common semantics:
//! detach on drop, synchronous [`abort`](TaskHandle::abort), and
//! [`is_finished`](TaskHandle::is_finished).

use std::cell::Cell;
use std::fmt;
use std::future::Future;
use std::mem::ManuallyDrop;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::task::{Context, Poll, Waker, ready};

use crate::task::{JoinError, PanicPayload, TaskHandle};

/// The output of a native task: its value or its panic, or `None` if the
/// runtime dropped the task before it completed.
pub type NativeOutput<T> = Option<Result<T, PanicPayload>>;

/// The future returned by [`NativeTask::cancel`].
pub type CancelFuture<T> = Pin<Box<dyn Future<Output = NativeOutput<T>> + Send + 'static>>;

/// Polls a native task handle whose runtime re-raises the task's panic in
/// the poll (async-task's `propagate_panic`, used by smol's and async-std's
/// executors and their blocking pools), returning the panic instead.
///
/// Catching at the join point costs one `catch_unwind` per join, not one per
/// poll of the task, and the runtime already keeps the panic from unwinding
/// into its worker threads.
#[inline(always)]
pub fn poll_propagated<F: Future>(
    future: Pin<&mut F>,
    cx: &mut Context<'_>,
) -> Poll<Result<F::Output, PanicPayload>> {
    match catch_unwind(AssertUnwindSafe(|| future.poll(cx))) {
        Ok(Poll::Pending) => Poll::Pending,
        Ok(Poll::Ready(output)) => Poll::Ready(Ok(output)),
        Err(payload) => Poll::Ready(Err(payload)),
    }
}

/// Boxes a native cancellation future (one that gives `None` when the task
/// was cancelled before completing) into a [`CancelFuture`], catching a
/// panic that it re-raises as [`poll_propagated`] does.
pub fn cancel_propagated<F, T>(cancel: F) -> CancelFuture<T>
where
    F: Future<Output = Option<T>> + Send + 'static,
    T: Send + 'static,
{
    Box::pin(async move {
        let mut cancel = std::pin::pin!(cancel);
        std::future::poll_fn(|cx| poll_propagated(cancel.as_mut(), cx))
            .await
            .transpose()
    })
}

/// Identifies a task spawned through [`CatchDropPanic`], so that the panic
/// of its destructor can reach the handle that aborted it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TaskId(u64);

impl TaskId {
    /// A new id, unique in the process; one thread-local increment.
    ///
    /// A backend that reads a thread-local of its own when it spawns can
    /// keep a [`TaskIds`] in it instead, sparing this second one.
    #[inline]
    pub fn next() -> TaskId {
        thread_local! {
            static IDS: TaskIds = const { TaskIds::new() };
        }
        IDS.with(TaskIds::next)
    }
}

/// One thread's supply of [`TaskId`]s, to keep in a thread-local.
///
/// Each supply takes blocks of 2^32 ids from one global counter, so the ids
/// of every supply in the process are distinct.
///
/// # Examples
///
/// ```
/// use anyloop_core::backend::TaskIds;
///
/// thread_local! {
///     static IDS: TaskIds = const { TaskIds::new() };
/// }
/// let (a, b) = (IDS.with(TaskIds::next), IDS.with(TaskIds::next));
/// assert_ne!(a, b);
/// assert_ne!(a, anyloop_core::backend::TaskId::next());
/// ```
#[derive(Debug, Default)]
pub struct TaskIds(Cell<(u64, u64)>);

impl TaskIds {
    /// An empty supply: its first id takes a block.
    pub const fn new() -> TaskIds {
        TaskIds(Cell::new((0, 0)))
    }

    /// The next id of this supply.
    #[inline]
    pub fn next(&self) -> TaskId {
        let (id, end) = self.0.get();
        if id == end {
            return self.refill();
        }
        self.0.set((id + 1, end));
        TaskId(id)
    }

    #[cold]
    #[inline(never)]
    fn refill(&self) -> TaskId {
        static BLOCKS: AtomicU64 = AtomicU64::new(0);
        let id = BLOCKS.fetch_add(1 << 32, Ordering::Relaxed);
        self.0.set((id + 1, id + (1 << 32)));
        TaskId(id)
    }
}

/// A task's future whose destructor may panic without taking the process
/// down.
///
/// async-task (smol's and async-std's executors) aborts the process when
/// dropping a task's future panics, which is what an aborted task whose
/// destructor panics does. This wrapper catches that panic; if the task
/// is being cancelled through [`cancel_watched`], the payload becomes the
/// task's output there (as tokio reports it: a [`JoinError::is_panic`]),
/// otherwise (a detached task, a runtime shutting down) it is dropped.
///
/// The future is dropped by hand, in place, so that the wrapper adds only
/// the id to it: an `Option` around it would add a word of its own (a
/// coroutine's state gives `Option` no niche), and the task's future is
/// moved a few times on its way into the task.
pub struct CatchDropPanic<F> {
    id: PackedId,
    // Structurally pinned: never moved, and dropped only by `Drop`, in
    // place. `CatchDropPanic<F>` is `Unpin` exactly when `F` is.
    future: ManuallyDrop<F>,
}

impl<F> Drop for CatchDropPanic<F> {
    #[allow(unsafe_code)]
    fn drop(&mut self) {
        let future = &mut self.future;
        // SAFETY: the future is dropped once, here, where it lies (so a
        // pinned future is dropped where it was pinned, as `Pin` requires),
        // and nothing reads it afterwards: the wrapper is being dropped. A
        // destructor that panics has still ended the future's life.
        let dropped = catch_unwind(AssertUnwindSafe(|| unsafe { ManuallyDrop::drop(future) }));
        if let Err(payload) = dropped {
            DropPanics::report(self.id.get(), payload);
        }
    }
}

/// A [`TaskId`] aligned to 2 bytes rather than 8, so that the task's future
/// has no padding to copy after a small future.
#[derive(Clone, Copy)]
struct PackedId([u16; 4]);

impl PackedId {
    #[inline]
    fn new(id: TaskId) -> PackedId {
        let [a, b, c, d, e, f, g, h] = id.0.to_le_bytes();
        PackedId([
            u16::from_le_bytes([a, b]),
            u16::from_le_bytes([c, d]),
            u16::from_le_bytes([e, f]),
            u16::from_le_bytes([g, h]),
        ])
    }

    #[inline]
    fn get(self) -> TaskId {
        let [[a, b], [c, d], [e, f], [g, h]] = self.0.map(u16::to_le_bytes);
        TaskId(u64::from_le_bytes([a, b, c, d, e, f, g, h]))
    }
}

/// Drops a task's future in place, catching a panic of its destructor: the
/// payload goes to the handle that aborted the task `id` (see
/// [`cancel_watched`]), or is dropped if none waits for it. What a backend
/// whose task wrapper is not [`CatchDropPanic`] calls in its drop.
#[inline]
pub fn drop_catching_panic<F>(id: TaskId, future: Pin<&mut Option<F>>) {
    let mut future = future;
    if let Err(payload) = catch_unwind(AssertUnwindSafe(|| future.set(None))) {
        DropPanics::report(id, payload);
    }
}

impl<F> CatchDropPanic<F> {
    /// Wraps the future of the task `id`.
    #[inline]
    pub fn new(id: TaskId, future: F) -> Self {
        CatchDropPanic {
            id: PackedId::new(id),
            future: ManuallyDrop::new(future),
        }
    }
}

impl<F: Future> Future for CatchDropPanic<F> {
    type Output = F::Output;

    #[inline(always)]
    #[allow(unsafe_code)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // SAFETY: a projection to a structurally pinned field: the future is
        // never moved out of the wrapper nor handed out by `&mut` (the only
        // other access is the drop in place), the wrapper implements no
        // `Unpin` of its own, and its `Drop` moves nothing.
        let future = unsafe { self.map_unchecked_mut(|this| &mut *this.future) };
        future.poll(cx)
    }
}

impl<F> fmt::Debug for CatchDropPanic<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CatchDropPanic")
            .field("id", &self.id.get())
            .finish_non_exhaustive()
    }
}

/// The destructor panics that aborting handles wait for, by task. Only
/// tasks being cancelled are in it, so it stays tiny; `WATCHED` spares the
/// lock when nothing is.
struct DropPanics;

static WATCHED: AtomicUsize = AtomicUsize::new(0);
static DROP_PANICS: Mutex<Vec<(TaskId, Option<PanicPayload>)>> = Mutex::new(Vec::new());

impl DropPanics {
    fn lock() -> std::sync::MutexGuard<'static, Vec<(TaskId, Option<PanicPayload>)>> {
        DROP_PANICS.lock().unwrap_or_else(PoisonError::into_inner)
    }

    #[cold]
    #[inline(never)]
    fn report(id: TaskId, payload: PanicPayload) {
        if WATCHED.load(Ordering::SeqCst) == 0 {
            return; // nobody waits for it: dropped, as tokio does
        }
        if let Some((_, slot)) = Self::lock().iter_mut().find(|(watched, _)| *watched == id) {
            *slot = Some(payload);
        }
    }
}

/// Watches a task's destructor while it is being cancelled.
struct Watch(TaskId);

impl Watch {
    fn new(id: TaskId) -> Watch {
        DropPanics::lock().push((id, None));
        WATCHED.fetch_add(1, Ordering::SeqCst);
        Watch(id)
    }

    fn take(&self) -> Option<PanicPayload> {
        let mut panics = DropPanics::lock();
        let (_, slot) = panics.iter_mut().find(|(watched, _)| *watched == self.0)?;
        slot.take()
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let mut panics = DropPanics::lock();
        if let Some(at) = panics.iter().position(|(watched, _)| *watched == self.0) {
            panics.swap_remove(at);
        }
        WATCHED.fetch_sub(1, Ordering::SeqCst);
    }
}

/// As [`cancel_propagated`], for a task whose future is a
/// [`CatchDropPanic`] with this `id`: a panic of its destructor during the
/// cancellation becomes the output, as tokio reports it.
pub fn cancel_watched<F, T>(id: TaskId, cancel: F) -> CancelFuture<T>
where
    F: Future<Output = Option<T>> + Send + 'static,
    T: Send + 'static,
{
    // Watching starts before the cancellation is requested (at the first
    // poll), so the destructor cannot run unwatched.
    let watch = Watch::new(id);
    let cancel = cancel_propagated(cancel);
    Box::pin(async move {
        match cancel.await {
            None => watch.take().map(Err),
            output => output,
        }
    })
}

/// A runtime's own task handle, as [`CancellableTask`] drives it.
pub trait NativeTask: Send + Unpin + 'static {
    /// The task's output.
    type Output: Send + 'static;

    /// Polls the task for its output.
    fn poll_join(&mut self, cx: &mut Context<'_>) -> Poll<NativeOutput<Self::Output>>;

    /// [`poll_join`](NativeTask::poll_join) with the panic tested first:
    /// what [`CancellableTask`]'s hot path reads. A backend whose native
    /// poll goes through [`poll_propagated`] returns its result as it is,
    /// so that the test of the caught panic, which the optimiser cannot
    /// fold after the test of the output, comes first and folds away.
    #[inline(always)]
    fn poll_join_caught(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Result<Option<Self::Output>, PanicPayload>> {
        self.poll_join(cx).map(Option::transpose)
    }

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
    // Dropped by hand (see `Drop`), so that dropping a joined handle is one
    // comparison, with no drop glue left to call. parking_lot's lock, not
    // std's: a lock that cannot be poisoned has nothing to check in the
    // `get_mut` of every poll and drop, and is one byte to initialise.
    state: parking_lot::Mutex<ManuallyDrop<State<N>>>,
}

enum State<N: NativeTask> {
    Running(N),
    Cancelling(CancelFuture<N::Output>),
    // Boxed, so that the handle's size does not grow with the output's.
    Finished(Box<Result<N::Output, JoinError>>),
    // The output was returned: the native handle is never polled again
    // (async-std's would panic).
    Joined,
}

impl<N: NativeTask> CancellableTask<N> {
    /// Wraps a native task handle.
    #[inline]
    pub fn new(native: N) -> Self {
        CancellableTask {
            state: parking_lot::Mutex::new(ManuallyDrop::new(State::Running(native))),
        }
    }
}

impl<N: NativeTask> CancellableTask<N> {
    /// Returns `true` once the handle has returned the task's output: it
    /// then holds nothing, and dropping it (or forgetting it) does nothing.
    /// One comparison, for a wrapper that drops its handles by hand.
    #[inline(always)]
    pub fn is_joined(&mut self) -> bool {
        let state = self.state.get_mut();
        matches!(**state, State::Joined)
    }
}

impl<N: NativeTask> State<N> {
    /// Ends a running task that panicked or was cancelled.
    #[cold]
    #[inline(never)]
    fn fail(&mut self, output: NativeOutput<N::Output>) -> Result<N::Output, JoinError> {
        if let State::Running(native) = std::mem::replace(self, State::Joined) {
            native.detach();
        }
        join_result(output)
    }

    /// Everything but the hot path (a running task polled by its owner).
    #[cold]
    #[inline(never)]
    fn poll_other(&mut self, cx: &mut Context<'_>) -> Poll<Result<N::Output, JoinError>> {
        match self {
            State::Running(native) => {
                let output = ready!(native.poll_join(cx));
                *self = State::Finished(Box::new(join_result(output)));
            }
            State::Cancelling(cancel) => {
                let output = ready!(cancel.as_mut().poll(cx));
                *self = State::Finished(Box::new(join_result(output)));
            }
            State::Finished(_) => {}
            State::Joined => panic!("`JoinHandle` polled after completion"),
        }
        match std::mem::replace(self, State::Joined) {
            State::Finished(result) => Poll::Ready(*result),
            _ => unreachable!(),
        }
    }
}

#[inline]
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

    #[inline(always)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut().state.get_mut();
        let state: &mut State<N> = this;
        // The hot path: the owner awaits a running task.
        if let State::Running(native) = state {
            let value = match ready!(native.poll_join_caught(cx)) {
                Ok(Some(value)) => value,
                failed => return Poll::Ready(state.fail(failed.transpose())),
            };
            // A finished native handle has nothing left to detach; letting
            // it go now leaves nothing for the drop to do.
            match std::mem::replace(state, State::Joined) {
                State::Running(native) => native.detach(),
                // The state was `Running` just above. Forgotten, not
                // dropped, so that no drop glue (and no copy of the state
                // for it) is generated.
                other => std::mem::forget(other),
            }
            // The state is `Joined`, but the detach is a call that, for all
            // LLVM knows, may have written it. Saying so once more (a
            // `ManuallyDrop`, so nothing is dropped) lets the caller's drop
            // of the joined handle fold away.
            *this = ManuallyDrop::new(State::Joined);
            return Poll::Ready(Ok(value));
        }
        state.poll_other(cx)
    }
}

impl<N: NativeTask> TaskHandle for CancellableTask<N> {
    fn abort(&self) {
        let mut guard = self.state.lock();
        let state: &mut State<N> = &mut guard;
        if !matches!(state, State::Running(_)) {
            return;
        }
        let State::Running(native) = std::mem::replace(state, State::Joined) else {
            unreachable!()
        };
        // The first poll is what requests cancellation: a cancel future
        // dropped unpolled would merely detach the task.
        let mut cancel = native.cancel();
        let mut cx = Context::from_waker(Waker::noop());
        *state = match cancel.as_mut().poll(&mut cx) {
            Poll::Ready(output) => State::Finished(Box::new(join_result(output))),
            Poll::Pending => State::Cancelling(cancel),
        };
    }

    fn is_finished(&self) -> bool {
        let mut guard = self.state.lock();
        let state: &mut State<N> = &mut guard;
        let done = match state {
            State::Finished(_) | State::Joined => return true,
            // Nobody is awaiting the handle while we hold `&self`, so the
            // waker we replace here is registered again by the next poll.
            State::Running(native) => native
                .poll_join(&mut Context::from_waker(Waker::noop()))
                .map(join_result),
            State::Cancelling(cancel) => cancel
                .as_mut()
                .poll(&mut Context::from_waker(Waker::noop()))
                .map(join_result),
        };
        match done {
            Poll::Ready(result) => {
                // Dropping a finished native handle detaches nothing.
                *state = State::Finished(Box::new(result));
                true
            }
            Poll::Pending => false,
        }
    }
}

impl<N: NativeTask> Drop for CancellableTask<N> {
    #[inline(always)]
    fn drop(&mut self) {
        let state = self.state.get_mut();
        if !matches!(**state, State::Joined) {
            drop_state(state);
        }
    }
}

/// Drops the state of a handle that was not joined: a running task is
/// detached.
fn drop_state<N: NativeTask>(state: &mut ManuallyDrop<State<N>>) {
    match ManuallyDrop::into_inner(std::mem::replace(state, ManuallyDrop::new(State::Joined))) {
        State::Running(native) => native.detach(),
        other => drop(other),
    }
}

impl<N: NativeTask> fmt::Debug for CancellableTask<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.state.try_lock().as_deref().map(|state| &**state) {
            Some(State::Running(_)) => "running",
            Some(State::Cancelling(_)) => "cancelling",
            Some(State::Finished(_) | State::Joined) => "finished",
            None => "locked",
        };
        f.debug_struct("JoinHandle").field("state", &state).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::marker::PhantomPinned;
    use std::sync::Arc;
    use std::sync::atomic::AtomicUsize;

    /// A future that is `!Unpin`, counts its drops, may panic in its
    /// destructor, and checks that it is never moved once polled.
    struct Probe {
        drops: Arc<AtomicUsize>,
        panic_on_drop: bool,
        polled_at: Cell<Option<usize>>,
        _pinned: PhantomPinned,
    }

    impl Probe {
        fn new(drops: &Arc<AtomicUsize>, panic_on_drop: bool) -> Probe {
            Probe {
                drops: drops.clone(),
                panic_on_drop,
                polled_at: Cell::new(None),
                _pinned: PhantomPinned,
            }
        }

        fn address(&self) -> usize {
            std::ptr::from_ref(self).addr()
        }
    }

    impl Future for Probe {
        type Output = usize;

        fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<usize> {
            let here = self.address();
            match self.polled_at.get() {
                None => {
                    self.polled_at.set(Some(here));
                    Poll::Pending
                }
                Some(at) => Poll::Ready(usize::from(at == here)),
            }
        }
    }

    impl Drop for Probe {
        fn drop(&mut self) {
            if let Some(at) = self.polled_at.get() {
                assert_eq!(at, self.address(), "a pinned future was moved");
            }
            self.drops.fetch_add(1, Ordering::SeqCst);
            if self.panic_on_drop {
                panic!("the destructor panics");
            }
        }
    }

    /// A wrapped probe, pinned and polled once (so that it has recorded
    /// its address), and its count of drops.
    fn polled_once(panic_on_drop: bool) -> (Pin<Box<CatchDropPanic<Probe>>>, Arc<AtomicUsize>) {
        let drops = Arc::new(AtomicUsize::new(0));
        let probe = Probe::new(&drops, panic_on_drop);
        let mut task = Box::pin(CatchDropPanic::new(TaskId::next(), probe));
        let mut cx = Context::from_waker(Waker::noop());
        assert!(task.as_mut().poll(&mut cx).is_pending());
        (task, drops)
    }

    #[test]
    fn the_wrapped_future_stays_where_it_was_pinned_and_drops_once() {
        let (mut task, drops) = polled_once(false);
        let mut cx = Context::from_waker(Waker::noop());
        assert_eq!(
            task.as_mut().poll(&mut cx),
            Poll::Ready(1),
            "moved between polls"
        );
        drop(task);
        assert_eq!(drops.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_panicking_destructor_is_caught_and_runs_once() {
        let (task, drops) = polled_once(true);
        let dropped = catch_unwind(AssertUnwindSafe(|| drop(task)));
        assert!(
            dropped.is_ok(),
            "the destructor's panic escaped the wrapper"
        );
        assert_eq!(drops.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_watched_destructor_panic_reaches_the_aborting_handle() {
        let drops = Arc::new(AtomicUsize::new(0));
        let id = TaskId::next();
        let task = CatchDropPanic::new(id, Probe::new(&drops, true));
        // The cancellation of a task whose future is `task`: it drops it.
        let cancel = cancel_watched(id, async move {
            drop(task);
            None::<usize>
        });
        let output = block_on(cancel);
        let payload = output.expect("the payload").expect_err("a panic");
        assert_eq!(
            payload.downcast_ref::<&str>(),
            Some(&"the destructor panics")
        );
        assert_eq!(drops.load(Ordering::SeqCst), 1);
    }

    fn block_on<F: Future>(future: F) -> F::Output {
        let mut future = std::pin::pin!(future);
        let mut cx = Context::from_waker(Waker::noop());
        loop {
            if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
                return output;
            }
        }
    }

    #[test]
    fn the_wrapper_is_unpin_exactly_when_its_future_is() {
        fn unpin<T: Unpin>() {}
        unpin::<CatchDropPanic<std::future::Ready<()>>>();
        // Resolves only if `CatchDropPanic<Probe>` is not `Unpin` (with
        // both impls applying, the `_` would be ambiguous).
        trait NotUnpin<A> {
            fn check() {}
        }
        impl<T: ?Sized> NotUnpin<()> for T {}
        impl<T: ?Sized + Unpin> NotUnpin<u8> for T {}
        <CatchDropPanic<Probe> as NotUnpin<_>>::check();
    }
}
