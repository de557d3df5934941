//! The tasks of one [`Runtime`](crate::Runtime), cancelled when it drops.
//!
//! async-std runs every task on one global pool that never shuts down, so a
//! `Runtime` is only a view of it. To drop pending tasks on shutdown, as
//! tokio's and smol's runtimes do, a `Runtime` owns a [`Scope`]: the tasks
//! spawned inside it (in its `block_on`, in its tasks and blocking closures,
//! or through its handle) carry the scope, and once it is closed each is
//! woken and gives up its future at its next poll.

use std::cell::Cell;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};

use anyloop_core::backend::{TaskId, TaskIds, drop_catching_panic};

/// The tasks of a runtime. Scopes are `'static` so that a task can carry
/// one as a plain reference; a closed scope is reused by the next runtime
/// under a new generation, so at most as many exist as runtimes ever lived
/// at once.
struct Scope {
    generation: AtomicU64,
    // The wakers of the scope's tasks that wait, to wake them on close.
    waiting: Mutex<HashMap<TaskId, Waker>>,
}

static FREE: Mutex<Vec<&'static Scope>> = Mutex::new(Vec::new());

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// One generation of a scope: open until its runtime drops.
#[derive(Clone, Copy)]
pub(crate) struct ScopeRef {
    scope: &'static Scope,
    generation: u64,
}

impl ScopeRef {
    /// Opens a scope for a new runtime.
    pub(crate) fn open() -> ScopeRef {
        let scope = lock(&FREE).pop().unwrap_or_else(|| {
            Box::leak(Box::new(Scope {
                generation: AtomicU64::new(0),
                waiting: Mutex::new(HashMap::new()),
            }))
        });
        ScopeRef {
            scope,
            // The `FREE` lock orders this after the last close's increment.
            generation: scope.generation.load(Ordering::Relaxed),
        }
    }

    /// Whether the scope's runtime is still alive.
    ///
    /// `Relaxed` is enough (a task polls it on every poll): nothing is
    /// published through the generation, it is only compared, and every
    /// reader that must see a close is ordered after it by other means. A
    /// task woken by the close is polled after the wake, which async-task's
    /// state orders after the close's `compare_exchange`; a task that
    /// registers its waker takes the scope's lock after the close's sweep
    /// released it, or is swept by it (see `register`); code that drops a
    /// runtime and then spawns through its handle is ordered by the thread
    /// or by whatever synchronisation carried the handle. A load that races
    /// with a close and still sees it open only polls the future once more,
    /// as a poll that started just before the close would.
    #[inline]
    pub(crate) fn is_open(self) -> bool {
        self.scope.generation.load(Ordering::Relaxed) == self.generation
    }

    /// Closes the scope: its tasks are woken, and drop their futures at
    /// their next poll. The scope is then free for another runtime.
    pub(crate) fn close(self) {
        if self
            .scope
            .generation
            .compare_exchange(
                self.generation,
                self.generation + 1,
                Ordering::SeqCst,
                Ordering::SeqCst,
            )
            .is_err()
        {
            return; // closed already
        }
        let waiting = std::mem::take(&mut *lock(&self.scope.waiting));
        for waker in waiting.into_values() {
            waker.wake();
        }
        lock(&FREE).push(self.scope);
    }

    /// The scope of the runtime whose code runs on this thread.
    #[inline]
    pub(crate) fn current() -> Option<ScopeRef> {
        LOCAL.with(|local| local.current.get())
    }

    /// The thread's scope and a new task id: one thread-local read.
    #[inline]
    pub(crate) fn current_and_id() -> (Option<ScopeRef>, TaskId) {
        LOCAL.with(|local| (local.current.get(), local.ids.next()))
    }

    /// Makes this the thread's scope until the guard drops.
    #[inline]
    pub(crate) fn enter(scope: Option<ScopeRef>) -> Enter {
        Enter(LOCAL.with(|local| local.current.replace(scope)))
    }
}

impl std::fmt::Debug for ScopeRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scope")
            .field("open", &self.is_open())
            .finish()
    }
}

/// The thread's scope, and the ids of the tasks it spawns: one
/// thread-local, read once per spawn.
struct Local {
    current: Cell<Option<ScopeRef>>,
    ids: TaskIds,
}

thread_local! {
    static LOCAL: Local = const {
        Local {
            current: Cell::new(None),
            ids: TaskIds::new(),
        }
    };
}

/// Restores the thread's scope when dropped (also on unwind).
pub(crate) struct Enter(Option<ScopeRef>);

impl Drop for Enter {
    #[inline]
    fn drop(&mut self) {
        LOCAL.with(|local| local.current.set(self.0));
    }
}

pin_project_lite::pin_project! {
    /// A task's future inside the scope it was spawned in: `None` once the
    /// scope closed before the future completed. Its destructor may panic
    /// without aborting the process, as with
    /// [`CatchDropPanic`](anyloop_core::backend::CatchDropPanic), which this
    /// wrapper does the work of.
    pub(crate) struct Scoped<F> {
        scope: Option<ScopeRef>,
        id: TaskId,
        // Whether the task's waker is in the scope: a task's future is
        // always polled with the task's own waker, so once is enough.
        registered: bool,
        // `None` only once dropped.
        #[pin]
        future: Option<F>,
    }

    impl<F> PinnedDrop for Scoped<F> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            // `registered` first: it is only ever set with a scope, so a
            // task that never waited pays one comparison.
            if *this.registered
                && let Some(scope) = this.scope
            {
                unregister(*scope, *this.id);
            }
            drop_catching_panic(*this.id, this.future);
        }
    }
}

/// Takes a task's waker out of its scope: out of line, so that the drop of
/// a task that never waited (or whose scope is gone) stays small.
#[cold]
#[inline(never)]
fn unregister(scope: ScopeRef, id: TaskId) {
    lock(&scope.scope.waiting).remove(&id);
}

/// Puts a waiting task's waker in its scope, for the scope's close to wake
/// it: out of line, so that the poll of a task that does not wait stays
/// small (once per task).
#[cold]
#[inline(never)]
fn register(scope: ScopeRef, id: TaskId, waker: &Waker) {
    lock(&scope.scope.waiting).insert(id, waker.clone());
    // A close that swept the wakers before this one was inserted: its
    // `compare_exchange` happens before its sweep's unlock, which happens
    // before the lock just taken, so this load sees it.
    if !scope.is_open() {
        waker.wake_by_ref();
    }
}

impl<F> Scoped<F> {
    #[inline]
    pub(crate) fn new(scope: Option<ScopeRef>, id: TaskId, future: F) -> Self {
        Scoped {
            scope,
            id,
            registered: false,
            future: Some(future),
        }
    }
}

impl<F: Future> Future for Scoped<F> {
    type Output = Option<F::Output>;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let Some(future) = this.future.as_pin_mut() else {
            unreachable!("a task's future is only taken by its drop");
        };
        let Some(scope) = *this.scope else {
            return future.poll(cx).map(Some);
        };
        if !scope.is_open() {
            return Poll::Ready(None);
        }
        let polled = {
            let _enter = ScopeRef::enter(Some(scope));
            future.poll(cx)
        };
        if polled.is_ready() {
            return polled.map(Some);
        }
        // Waiting: the scope must be able to wake the task when it closes.
        if !*this.registered {
            register(scope, *this.id, cx.waker());
            *this.registered = true;
        }
        Poll::Pending
    }
}
