//! Local tasks: a tokio `LocalSet` per [`Runtime::block_on`](crate::Runtime),
//! made at the first local spawn and driven while the `block_on`'s future is
//! polled.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use tokio::task::LocalSet;

use crate::JoinHandle;

thread_local! {
    // Outer `None`: no local context on this thread; inner `None`: no local
    // task spawned yet. Set only while the future of a `block_on` (and so
    // its local tasks) is polled: a task of the runtime that runs on the
    // same thread in between is not in a local context.
    static LOCAL: RefCell<Option<Option<Rc<LocalSet>>>> = const { RefCell::new(None) };
}

/// Spawns a `!Send` future on the thread of the [`Runtime::block_on`]
/// that runs the caller: `None` unless the caller is that `block_on`'s
/// future or one of its local tasks (a task of the runtime is not, even on
/// a current-thread runtime, whose tasks share that thread).
///
/// The task is tokio's local task, on a `LocalSet` of the `block_on`; it
/// runs while the `block_on` does, and one still pending when it returns is
/// dropped. Inside the local tasks, tokio's own `tokio::task::spawn_local`
/// works too.
///
/// [`Runtime::block_on`]: crate::Runtime
///
/// # Examples
///
/// ```
/// use std::rc::Rc;
/// use anyloop::rt::BlockOn;
///
/// assert!(anyloop_tokio::try_spawn_local(async {}).is_none());
/// let rt = anyloop_tokio::Runtime::multi_thread(Some(1))?;
/// let answer = rt.block_on(async {
///     let shared = Rc::new(21);
///     anyloop_tokio::try_spawn_local(async move { *shared * 2 }).unwrap().await.unwrap()
/// });
/// assert_eq!(answer, 42);
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn try_spawn_local<F>(future: F) -> Option<JoinHandle<F::Output>>
where
    F: Future + 'static,
    F::Output: 'static,
{
    let set = LOCAL.with_borrow_mut(|state| {
        let set = state.as_mut()?;
        Some(set.get_or_insert_with(|| Rc::new(LocalSet::new())).clone())
    })?;
    Some(JoinHandle(set.spawn_local(future)))
}

/// Returns `true` where [`try_spawn_local`] can spawn: inside the future of
/// a [`Runtime::block_on`](crate::Runtime) or one of its local tasks.
///
/// # Examples
///
/// ```
/// use anyloop::rt::BlockOn;
///
/// assert!(!anyloop_tokio::in_local_context());
/// let rt = anyloop_tokio::Runtime::current_thread()?;
/// assert!(rt.block_on(async { anyloop_tokio::in_local_context() }));
/// // A task of the runtime is not a local context, even on this thread.
/// let in_task = rt.block_on(async {
///     anyloop::spawn(async { anyloop_tokio::in_local_context() }).await.unwrap()
/// });
/// assert!(!in_task);
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn in_local_context() -> bool {
    LOCAL.with_borrow(Option::is_some)
}

/// The future of a `block_on`, run in a local context.
pub(crate) struct LocalScope<F> {
    future: F,
    // Moved into `LOCAL` while the future is polled.
    set: Option<Rc<LocalSet>>,
    // Runs the set's tasks; made at the first local spawn.
    driver: Option<Pin<Box<dyn Future<Output = ()>>>>,
}

impl<F> LocalScope<F> {
    pub(crate) fn new(future: F) -> LocalScope<F> {
        LocalScope {
            future,
            set: None,
            driver: None,
        }
    }
}

impl<F> fmt::Debug for LocalScope<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalScope")
            .field("spawned", &self.set.is_some())
            .finish_non_exhaustive()
    }
}

/// Puts the scope's set in `LOCAL`, making the thread a local context;
/// dropping it (also on unwind) restores the previous context and gives the
/// set, possibly made meanwhile, back to the scope.
struct Enter<'a> {
    set: &'a mut Option<Rc<LocalSet>>,
    previous: Option<Option<Rc<LocalSet>>>,
}

impl<'a> Enter<'a> {
    fn new(set: &'a mut Option<Rc<LocalSet>>) -> Enter<'a> {
        let previous = LOCAL.replace(Some(set.take()));
        Enter { set, previous }
    }
}

impl Drop for Enter<'_> {
    fn drop(&mut self) {
        let ours = LOCAL.replace(self.previous.take());
        *self.set = ours.flatten();
    }
}

// `BlockOn::block_on` pins the future on its stack and passes the
// `Pin<&mut _>`, which is `Unpin`.
impl<F: Future + Unpin> Future for LocalScope<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.get_mut();
        let polled = {
            let _enter = Enter::new(&mut this.set);
            Pin::new(&mut this.future).poll(cx)
        };
        if polled.is_ready() {
            return polled;
        }
        if this.driver.is_none() {
            let Some(set) = this.set.clone() else {
                return Poll::Pending; // no local task yet: the common case
            };
            this.driver = Some(Box::pin(async move {
                set.run_until(std::future::pending::<()>()).await;
            }));
        }
        if let Some(driver) = &mut this.driver {
            // Never ready: it runs the local tasks, which spawn in the same
            // context, and is woken by them.
            let _enter = Enter::new(&mut this.set);
            let _ = driver.as_mut().poll(cx);
        }
        Poll::Pending
    }
}
