//! Structured concurrency: task groups (asyncio's `TaskGroup`, trio's
//! nursery, AnyIO's task group).

use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use event_listener::{Event, EventListener};
use futures_lite::FutureExt as _;
use pin_project_lite::pin_project;

use crate::task::{JoinError, JoinHandle};
use crate::time::Instant;

/// A group of tasks that ends only when all of them have ended.
///
/// - [`spawn`](TaskGroup::spawn) starts a child task; [`wait`](TaskGroup::wait)
///   (or leaving a [`scope`]) waits for every child.
/// - The first child that fails (returns `Err`, or panics) cancels its
///   siblings, and the group returns the failure: one error as
///   [`GroupError::Error`], several that happened together as
///   [`GroupError::Errors`], a panic as [`GroupError::Panic`].
/// - [`cancel`](TaskGroup::cancel) cancels every child; dropping the group
///   (or the future of its [`scope`]) does too: children never outlive their
///   group. A cancelled child's future is dropped at its next await point,
///   so its destructors run.
/// - A group made inside a [`timeout`](crate::time::timeout) hands that
///   deadline to its children: [`current_deadline`](crate::time::current_deadline)
///   inside a child gives it (or an earlier one of the child's own), as in
///   trio's and AnyIO's cancel scopes. When the timeout expires it drops
///   what it wraps; if that is the group's [`scope`] (or the group itself),
///   the children are cancelled with it.
///
/// # Cancellation, precisely
///
/// Once the group is cancelled, each child is polled at most once more: if
/// its future completes in that poll, its outcome counts; if it is still
/// waiting, it is dropped there. So the children whose awaited event had
/// already happened when the first failure came (a message that had
/// arrived, a timer that had fired, a flag that was set) still finish, and
/// every error among them is returned in [`GroupError::Errors`], first
/// failure first: these are the errors that *happened together*. Which
/// children fail together therefore depends only on what had happened
/// before the first failure, not on how the runtime's threads interleave.
/// A child that has not started when the group is cancelled never starts.
///
/// The group is a cheap handle: clone it to spawn from children.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use anyloop::task::{GroupError, TaskGroup};
///
/// anyloop::run(async {
///     let group = TaskGroup::<&str>::new();
///     let fast = group.spawn(async { Ok(1) });
///     group.spawn(async {
///         anyloop::time::sleep(Duration::from_millis(5)).await;
///         Err::<(), _>("the slow one failed")
///     });
///     let forever = group.spawn(async { std::future::pending::<Result<(), &str>>().await });
///     let err = group.wait().await.unwrap_err();
///     assert!(matches!(err, GroupError::Error("the slow one failed")));
///     assert_eq!(fast.await, Some(1));
///     assert_eq!(forever.await, None); // cancelled by its sibling's failure
/// });
/// ```
pub struct TaskGroup<E = std::convert::Infallible> {
    shared: Arc<Shared<E>>,
    // Only the group's owner (not its clones) cancels on drop.
    owner: bool,
}

struct Shared<E> {
    /// The deadline around the group when it was made, for its children.
    deadline: Option<Instant>,
    cancelled: AtomicBool,
    cancel: Event,
    running: AtomicUsize,
    done: Event,
    failures: Mutex<Failures<E>>,
}

struct Failures<E> {
    errors: Vec<E>,
    panic: Option<JoinError>,
}

/// How a [`TaskGroup`] failed.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum GroupError<E> {
    /// One child (or the scope's body) returned this error; the others were
    /// cancelled.
    #[error(transparent)]
    Error(E),
    /// Several children failed before the cancellation reached them; in the
    /// order they failed.
    #[error("{} tasks of a group failed; the first: {}", .0.len(), .0[0])]
    Errors(Vec<E>),
    /// A child panicked; the others were cancelled. The payload is in the
    /// [`JoinError`].
    #[error("a task of a group panicked: {0}")]
    Panic(JoinError),
    /// The child of [`TaskGroup::start`] ended, or was cancelled, without
    /// signalling that it was ready.
    #[error("the task ended or was cancelled before it signalled ready")]
    NotReady,
    /// The group of a [`scope`] was cancelled with [`TaskGroup::cancel`]
    /// before its body finished: the body was dropped at its await point,
    /// so there is no value to return. No child failed.
    #[error("the task group was cancelled before its scope's body finished")]
    Cancelled,
}

impl<E> GroupError<E> {
    /// The errors, first failure first (empty for a panic).
    pub fn into_errors(self) -> Vec<E> {
        match self {
            GroupError::Error(err) => vec![err],
            GroupError::Errors(errs) => errs,
            GroupError::Panic(_) | GroupError::NotReady | GroupError::Cancelled => Vec::new(),
        }
    }

    /// Returns `true` if a child panicked.
    pub fn is_panic(&self) -> bool {
        matches!(self, GroupError::Panic(_))
    }
}

impl<E: fmt::Debug> fmt::Debug for GroupError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GroupError::Error(err) => f.debug_tuple("Error").field(err).finish(),
            GroupError::Errors(errs) => f.debug_tuple("Errors").field(errs).finish(),
            GroupError::Panic(err) => f.debug_tuple("Panic").field(err).finish(),
            GroupError::NotReady => f.write_str("NotReady"),
            GroupError::Cancelled => f.write_str("Cancelled"),
        }
    }
}

impl<E: Send + 'static> TaskGroup<E> {
    /// An empty group.
    ///
    /// Made inside a [`timeout`](crate::time::timeout), the group hands its
    /// deadline to its children.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use anyloop::task::TaskGroup;
    /// use anyloop::time::{current_deadline, timeout};
    ///
    /// anyloop::run(async {
    ///     timeout(Duration::from_secs(10), async {
    ///         let group = TaskGroup::<()>::new();
    ///         let outer = current_deadline();
    ///         let child = group.spawn(async { Ok(current_deadline()) });
    ///         assert_eq!(child.await, Some(outer));
    ///     })
    ///     .await
    ///     .unwrap();
    /// });
    /// ```
    pub fn new() -> Self {
        TaskGroup {
            shared: Arc::new(Shared {
                deadline: crate::time::current_deadline(),
                cancelled: AtomicBool::new(false),
                cancel: Event::new(),
                running: AtomicUsize::new(0),
                done: Event::new(),
                failures: Mutex::new(Failures {
                    errors: Vec::new(),
                    panic: None,
                }),
            }),
            owner: true,
        }
    }

    /// Starts `future` as a child task on the runtime that runs the caller.
    ///
    /// The returned handle gives the child's value, or `None` if the child
    /// failed (its error goes to the group) or was cancelled. Dropping the
    /// handle does not cancel the child. A child spawned into a group that
    /// is already cancelled is cancelled at once.
    pub fn spawn<T, F>(&self, future: F) -> GroupTask<T>
    where
        F: Future<Output = Result<T, E>> + Send + 'static,
        T: Send + 'static,
    {
        let shared = self.shared.clone();
        shared.running.fetch_add(1, Ordering::SeqCst);
        let task = async move {
            let _done = Running(&shared);
            if shared.is_cancelled() {
                // Cancelled before it started: it never runs, and its future
                // is dropped before the group counts it as ended.
                drop(future);
                return None;
            }
            let outcome =
                UntilCancelled::new(AssertUnwindSafe(future).catch_unwind(), &shared).await;
            match outcome {
                Some(Ok(Ok(value))) => Some(value),
                Some(Ok(Err(err))) => {
                    shared.fail(|failures| failures.errors.push(err));
                    None
                }
                Some(Err(payload)) => {
                    shared.fail(|failures| {
                        failures.panic.get_or_insert(JoinError::panic(payload));
                    });
                    None
                }
                None => None,
            }
        };
        GroupTask {
            handle: crate::spawn(task),
        }
    }

    /// Starts a child that signals when it is ready, and waits for that
    /// signal: for servers, "listening on port N". The child receives a
    /// [`Ready`] to call once; its value is returned here.
    ///
    /// # Errors
    ///
    /// The group's failure if the child (or a sibling) fails, or the child
    /// ends, before it signals.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::net::TcpListener;
    /// use anyloop::task::TaskGroup;
    ///
    /// anyloop::run(async {
    ///     let group = TaskGroup::<std::io::Error>::new();
    ///     let addr = group
    ///         .start(|ready| async move {
    ///             let listener = TcpListener::bind("127.0.0.1:0").await?;
    ///             ready.send(listener.local_addr()?);
    ///             let _ = listener.accept().await?; // serve one client
    ///             Ok(())
    ///         })
    ///         .await
    ///         .unwrap();
    ///     anyloop::net::TcpStream::connect(addr).await.unwrap();
    ///     group.wait().await.unwrap();
    /// });
    /// ```
    pub async fn start<V, T, F, Fut>(&self, f: F) -> Result<V, GroupError<E>>
    where
        F: FnOnce(Ready<V>) -> Fut,
        Fut: Future<Output = Result<T, E>> + Send + 'static,
        V: Send + 'static,
        T: Send + 'static,
    {
        let (tx, rx) = async_channel::bounded(1);
        let child = self.spawn(f(Ready { tx }));
        match rx.recv().await {
            Ok(value) => Ok(value),
            Err(_) => {
                // The child ended without signalling: wait for it, then say
                // why.
                child.await;
                Err(self.failure().unwrap_or(GroupError::NotReady))
            }
        }
    }

    /// Cancels every child, running or spawned later.
    pub fn cancel(&self) {
        self.shared.cancel_all();
    }

    /// Returns `true` once the group was cancelled (by [`cancel`](Self::cancel),
    /// a failure, or dropping it).
    pub fn is_cancelled(&self) -> bool {
        self.shared.cancelled.load(Ordering::SeqCst)
    }

    /// The number of children still running.
    pub fn len(&self) -> usize {
        self.shared.running.load(Ordering::SeqCst)
    }

    /// Returns `true` if no child is running.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Waits until every child has ended; then gives the group's failure, if
    /// any. Children spawned while waiting are waited for too.
    pub async fn wait(&self) -> Result<(), GroupError<E>> {
        loop {
            if self.shared.running.load(Ordering::SeqCst) == 0 {
                break;
            }
            let listener = self.shared.done.listen();
            if self.shared.running.load(Ordering::SeqCst) == 0 {
                break;
            }
            listener.await;
        }
        match self.failure() {
            Some(err) => Err(err),
            None => Ok(()),
        }
    }

    /// Takes the failures recorded so far.
    fn failure(&self) -> Option<GroupError<E>> {
        let mut failures = self.shared.lock();
        if let Some(panic) = failures.panic.take() {
            return Some(GroupError::Panic(panic));
        }
        let mut errors = std::mem::take(&mut failures.errors);
        match errors.len() {
            0 => None,
            1 => errors.pop().map(GroupError::Error),
            _ => Some(GroupError::Errors(errors)),
        }
    }

    /// Records a failure of the scope's body.
    fn fail_with(&self, err: E) {
        self.shared.fail(|failures| failures.errors.insert(0, err));
    }
}

impl<E> Shared<E> {
    fn lock(&self) -> std::sync::MutexGuard<'_, Failures<E>> {
        self.failures.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn fail(&self, record: impl FnOnce(&mut Failures<E>)) {
        record(&mut self.lock());
        self.cancel_all();
    }

    fn cancel_all(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
        self.cancel.notify(usize::MAX);
    }

    fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }
}

pin_project! {
    /// Runs a child (or a scope's body) until its group is cancelled, with
    /// the group's deadline: see "Cancellation, precisely" on [`TaskGroup`].
    struct UntilCancelled<'a, F, E> {
        #[pin]
        future: F,
        shared: &'a Shared<E>,
        listener: Option<EventListener>,
    }
}

impl<'a, F, E> UntilCancelled<'a, F, E> {
    fn new(future: F, shared: &'a Shared<E>) -> Self {
        UntilCancelled {
            future,
            shared,
            listener: None,
        }
    }
}

impl<F: Future, E> Future for UntilCancelled<'_, F, E> {
    type Output = Option<F::Output>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        // Read before polling: a poll that began before the cancellation runs
        // to its end, and one that began after it is the last.
        let cancelled = this.shared.is_cancelled();
        let polled =
            anyloop_core::time::with_deadline(this.shared.deadline, || this.future.poll(cx));
        if let Poll::Ready(output) = polled {
            return Poll::Ready(Some(output));
        }
        if cancelled {
            return Poll::Ready(None);
        }
        let shared = *this.shared;
        let listener = this.listener.get_or_insert_with(|| shared.cancel.listen());
        // Listening first, then checking, misses no cancellation. One that
        // came during this poll is acted on by the next poll, which the
        // future gets: so an outcome that was already decided counts.
        if shared.is_cancelled() || Pin::new(listener).poll(cx).is_ready() {
            *this.listener = None;
            cx.waker().wake_by_ref();
        }
        Poll::Pending
    }
}

/// Counts a child as running until dropped (also when cancelled or
/// unwinding).
struct Running<'a, E>(&'a Shared<E>);

impl<E> Drop for Running<'_, E> {
    fn drop(&mut self) {
        if self.0.running.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.0.done.notify(usize::MAX);
        }
    }
}

impl<E: Send + 'static> Default for TaskGroup<E> {
    fn default() -> Self {
        TaskGroup::new()
    }
}

impl<E> Clone for TaskGroup<E> {
    /// Another handle to the same group; dropping it cancels nothing.
    fn clone(&self) -> Self {
        TaskGroup {
            shared: self.shared.clone(),
            owner: false,
        }
    }
}

impl<E> Drop for TaskGroup<E> {
    fn drop(&mut self) {
        if self.owner {
            self.shared.cancel_all();
        }
    }
}

impl<E> fmt::Debug for TaskGroup<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskGroup")
            .field("running", &self.shared.running.load(Ordering::SeqCst))
            .field("cancelled", &self.shared.cancelled.load(Ordering::SeqCst))
            .finish()
    }
}

/// A child of a [`TaskGroup`]: a future of its value, `None` if it failed or
/// was cancelled. Dropping it does not cancel the child.
#[derive(Debug)]
pub struct GroupTask<T: Send + 'static> {
    handle: JoinHandle<Option<T>>,
}

impl<T: Send + 'static> Future for GroupTask<T> {
    type Output = Option<T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        Pin::new(&mut self.handle)
            .poll(cx)
            .map(|r| r.ok().flatten())
    }
}

/// Given to the child of [`TaskGroup::start`]: call [`send`](Ready::send)
/// once it is ready.
#[derive(Debug)]
pub struct Ready<V> {
    tx: async_channel::Sender<V>,
}

impl<V> Ready<V> {
    /// Signals that the child is ready, handing `value` to `start`'s caller.
    pub fn send(self, value: V) {
        // The caller may have stopped waiting: nothing to do then.
        let _ = self.tx.try_send(value);
    }
}

/// Runs `body` with a new [`TaskGroup`] and waits for every child before
/// returning, like `async with asyncio.TaskGroup() as tg:`.
///
/// - If the body returns an error, the children are cancelled and the error
///   is returned (before the children's own failures).
/// - If a child fails, or a child calls [`TaskGroup::cancel`], while the body
///   is still running, the body is cancelled too (as in asyncio, trio and
///   AnyIO): it is dropped at its await point (see "Cancellation, precisely"
///   on [`TaskGroup`]), the scope waits for the cancelled children to end,
///   and returns the failure at once, or [`GroupError::Cancelled`] after a
///   `cancel` with no failure.
/// - If the scope's future is dropped, the children are cancelled: none
///   outlives the scope.
///
/// # Examples
///
/// ```
/// use anyloop::task::scope;
///
/// let total = anyloop::run(scope(|group| async move {
///     let parts: Vec<_> = (1..=4)
///         .map(|n| group.spawn(async move { Ok::<_, std::io::Error>(n * 10) }))
///         .collect();
///     let mut total = 0;
///     for part in parts {
///         total += part.await.unwrap_or(0);
///     }
///     Ok(total)
/// }));
/// assert_eq!(total.unwrap(), 100);
/// ```
pub async fn scope<E, R, F, Fut>(body: F) -> Result<R, GroupError<E>>
where
    E: Send + 'static,
    F: FnOnce(TaskGroup<E>) -> Fut,
    Fut: Future<Output = Result<R, E>>,
{
    let group = TaskGroup::new();
    let body = UntilCancelled::new(body(group.clone()), &group.shared).await;
    match body {
        Some(Ok(value)) => group.wait().await.map(|()| value),
        Some(Err(err)) => {
            group.fail_with(err);
            // The body's error is recorded: `wait` gives it back.
            Err(group.wait().await.err().unwrap_or(GroupError::NotReady))
        }
        // Cancelled: by a child's failure, which `wait` gives, or by `cancel`.
        None => Err(group.wait().await.err().unwrap_or(GroupError::Cancelled)),
    }
}
