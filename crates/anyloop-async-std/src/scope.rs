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
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};

use anyloop_core::backend::{TaskId, TaskIds, drop_catching_panic};

/// The tasks of a runtime. Scopes are `'static` so that a task can carry
/// one as a plain reference; a closed scope is reused by the next runtime
/// under a new generation, so at most as many exist as runtimes ever lived
/// at once (plus one per 2^32 runtimes: a scope whose generations ran out
/// is retired, so that a generation is never reused).
struct Scope {
    // A `u32`, so that a task's scope, generation and flag fit in two
    // words beside its id (the spawn moves its future a few times).
    generation: AtomicU32,
    // The wakers of the scope's tasks that wait, to wake them on close
    // (`None` until one waits, so that `OUTSIDE` can be a `static`).
    waiting: Mutex<Option<HashMap<TaskId, Waker>>>,
}

/// The scope of the tasks and threads outside any runtime: never closed,
/// and its tasks' wakers are not kept. A scope rather than no scope, so
/// that a task's poll has no case of its own for it.
static OUTSIDE: Scope = Scope {
    generation: AtomicU32::new(0),
    waiting: Mutex::new(None),
};

static FREE: Mutex<Vec<&'static Scope>> = Mutex::new(Vec::new());

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Scope {
    /// Whether `generation` is the scope's current one: its runtime is
    /// still alive.
    ///
    /// `Relaxed` is enough (a task loads it on every poll): nothing is
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
    fn is_open(&self, generation: u32) -> bool {
        self.generation.load(Ordering::Relaxed) == generation
    }

    #[inline]
    fn is_outside(&'static self) -> bool {
        std::ptr::eq(self, &OUTSIDE)
    }
}

/// One generation of a scope, open until its runtime drops, or
/// [`NONE`](ScopeRef::NONE): what a runtime, a task, a thread or a handle
/// carries.
#[derive(Clone, Copy)]
pub(crate) struct ScopeRef {
    scope: &'static Scope,
    generation: u32,
}

impl ScopeRef {
    /// Outside any runtime.
    pub(crate) const NONE: ScopeRef = ScopeRef {
        scope: &OUTSIDE,
        generation: 0,
    };

    /// Opens a scope for a new runtime.
    pub(crate) fn open() -> ScopeRef {
        let scope = lock(&FREE).pop().unwrap_or_else(|| {
            Box::leak(Box::new(Scope {
                generation: AtomicU32::new(0),
                waiting: Mutex::new(None),
            }))
        });
        ScopeRef {
            scope,
            // The `FREE` lock orders this after the last close's increment.
            generation: scope.generation.load(Ordering::Relaxed),
        }
    }

    /// Returns `true` once the scope's runtime was dropped (never for
    /// [`NONE`](ScopeRef::NONE)).
    #[inline]
    pub(crate) fn is_closed(self) -> bool {
        !self.scope.is_open(self.generation)
    }

    /// Closes the scope: its tasks are woken, and drop their futures at
    /// their next poll. The scope is then free for another runtime.
    pub(crate) fn close(self) {
        if self.scope.is_outside() {
            return; // not a runtime's
        }
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
        let waiting = lock(&self.scope.waiting).take();
        for waker in waiting.into_iter().flat_map(HashMap::into_values) {
            waker.wake();
        }
        if self.generation + 1 < u32::MAX {
            lock(&FREE).push(self.scope);
        }
    }

    /// The scope of the runtime whose code runs on this thread.
    #[inline]
    pub(crate) fn current() -> ScopeRef {
        LOCAL.with(|local| local.current.get())
    }

    /// The thread's scope and a new task id: one thread-local read.
    #[inline]
    pub(crate) fn current_and_id() -> (ScopeRef, TaskId) {
        LOCAL.with(|local| (local.current.get(), local.ids.next()))
    }

    /// Makes this the thread's scope until the guard drops.
    #[inline]
    pub(crate) fn enter(self) -> Enter {
        Enter(LOCAL.with(|local| local.current.replace(self)))
    }
}

impl std::fmt::Debug for ScopeRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.scope.is_outside() {
            return f.write_str("None");
        }
        f.debug_struct("Scope")
            .field("open", &!self.is_closed())
            .finish()
    }
}

/// The thread's scope, and the ids of the tasks it spawns: one
/// thread-local, read once per spawn.
struct Local {
    current: Cell<ScopeRef>,
    ids: TaskIds,
}

thread_local! {
    static LOCAL: Local = const {
        Local {
            current: Cell::new(ScopeRef::NONE),
            ids: TaskIds::new(),
        }
    };
}

/// Restores the thread's scope when dropped (also on unwind).
pub(crate) struct Enter(ScopeRef);

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
        // A `ScopeRef` in two fields, so that the generation, the flag and
        // a small future's `Option` share a word.
        scope: &'static Scope,
        generation: u32,
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
            if *this.registered {
                unregister(this.scope, *this.id);
            }
            drop_catching_panic(*this.id, this.future);
        }
    }
}

/// Takes a task's waker out of its scope: out of line, so that the drop of
/// a task that never waited stays small.
#[cold]
#[inline(never)]
fn unregister(scope: &'static Scope, id: TaskId) {
    if let Some(waiting) = &mut *lock(&scope.waiting) {
        waiting.remove(&id);
    }
}

/// Puts a waiting task's waker in its scope, for the scope's close to wake
/// it: out of line, so that the poll of a task that does not wait stays
/// small (once per task).
#[cold]
#[inline(never)]
fn register(scope: &'static Scope, generation: u32, id: TaskId, waker: &Waker) {
    if scope.is_outside() {
        return; // never closed
    }
    lock(&scope.waiting)
        .get_or_insert_with(HashMap::new)
        .insert(id, waker.clone());
    // A close that swept the wakers before this one was inserted: its
    // `compare_exchange` happens before its sweep's unlock, which happens
    // before the lock just taken, so this load sees it.
    if !scope.is_open(generation) {
        waker.wake_by_ref();
    }
}

impl<F> Scoped<F> {
    #[inline]
    pub(crate) fn new(scope: ScopeRef, id: TaskId, future: F) -> Self {
        Scoped {
            scope: scope.scope,
            generation: scope.generation,
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
        let scope = ScopeRef {
            scope: this.scope,
            generation: *this.generation,
        };
        if scope.is_closed() {
            return Poll::Ready(None);
        }
        let polled = {
            let _enter = scope.enter();
            future.poll(cx)
        };
        if polled.is_ready() {
            return polled.map(Some);
        }
        // Waiting: the scope must be able to wake the task when it closes.
        if !*this.registered {
            register(scope.scope, scope.generation, *this.id, cx.waker());
            *this.registered = true;
        }
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reused_scope_keeps_its_old_generation_closed() {
        let first = ScopeRef::open();
        first.close();
        assert!(first.is_closed());
        // The closed scope is free: the next runtime may take it, under a
        // new generation.
        let second = ScopeRef::open();
        assert!(!second.is_closed());
        assert!(
            first.is_closed(),
            "a reused scope reopened an old generation"
        );
        second.close();
        assert!(second.is_closed());
    }

    #[test]
    fn a_scope_whose_generations_ran_out_is_retired() {
        let scope = ScopeRef::open();
        let last = ScopeRef {
            scope: scope.scope,
            generation: u32::MAX - 1,
        };
        scope
            .scope
            .generation
            .store(last.generation, Ordering::SeqCst);
        last.close();
        assert!(last.is_closed());
        assert!(
            !lock(&FREE)
                .iter()
                .any(|free| std::ptr::eq(*free, scope.scope)),
            "a scope with no generation left was freed for reuse"
        );
    }

    #[test]
    fn outside_is_never_closed() {
        ScopeRef::NONE.close();
        assert!(!ScopeRef::NONE.is_closed());
        assert_eq!(format!("{:?}", ScopeRef::NONE), "None");
    }
}
