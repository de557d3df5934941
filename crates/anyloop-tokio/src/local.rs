//! Local tasks: a tokio `LocalSet` per [`Runtime::block_on`](crate::Runtime),
//! made at the first local spawn and driven while the `block_on`'s future is
//! polled (see [`anyloop_core::local`]).

use std::future::Future;
use std::rc::Rc;

use anyloop_core::local::{self, Driver, LocalScope};
use tokio::task::LocalSet;

use crate::JoinHandle;

// Set only while the future of a `block_on` (and so its local tasks) is
// polled: a task of the runtime that runs on the same thread in between is
// not in a local context.
anyloop_core::local_keys!(pub(crate) Keys, LocalSet);

/// The future of a `block_on`, in a local context.
pub(crate) fn scope<F>(future: F) -> LocalScope<F, Keys> {
    LocalScope::new(drive, future)
}

fn drive(set: Rc<LocalSet>) -> Driver {
    Box::pin(async move { set.run_until(std::future::pending::<()>()).await })
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
    let set = local::executor::<Keys>(LocalSet::new)?;
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
    local::is_active::<Keys>()
}
