//! Building blocks for backend implementors: local contexts, where `!Send`
//! tasks can be spawned.
//!
//! A backend declares its thread-locals with [`local_keys!`](crate::local_keys)
//! and runs the future of its `block_on` in a [`LocalScope`]. While the
//! scope polls that future, and the local tasks it spawned, the thread is
//! in the scope's local context: [`executor`] then gives the
//! scope's local executor (made at the first call), on which the backend
//! spawns. Anywhere else (the runtime's other tasks, even on that thread,
//! blocking closures, other threads) it gives `None`.
//!
//! The cost for a `block_on` that spawns no local task is two writes of a
//! thread-local `usize` per poll of its future. The executor `X` is the
//! runtime's (tokio's `LocalSet`, async-executor's `LocalExecutor`); the
//! scope drives it with the future that `drive` makes, polled after the
//! `block_on`'s future in the same context, and drops it, with the local
//! tasks still pending, when the scope is dropped.
//!
//! # Examples
//!
//! A toy "executor" that only counts the spawns:
//!
//! ```
//! use std::cell::Cell;
//! use std::future::Future;
//! use std::pin::Pin;
//! use std::rc::Rc;
//! use anyloop_core::local::{self, LocalScope};
//!
//! #[derive(Default)]
//! struct Counter(Cell<u32>);
//!
//! anyloop_core::local_keys!(Keys, Counter);
//!
//! fn drive(_: Rc<Counter>) -> Pin<Box<dyn Future<Output = ()>>> {
//!     Box::pin(std::future::pending())
//! }
//!
//! assert!(local::executor::<Keys>(Counter::default).is_none());
//! let future = std::pin::pin!(async {
//!     for _ in 0..3 {
//!         let counter = local::executor::<Keys>(Counter::default).unwrap();
//!         counter.0.set(counter.0.get() + 1);
//!     }
//!     local::executor::<Keys>(Counter::default).unwrap().0.get()
//! });
//! let spawned = futures_lite::future::block_on(LocalScope::<_, Keys>::new(drive, future));
//! assert_eq!(spawned, 3);
//! ```

use std::cell::Cell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::thread::LocalKey;

/// Set in the active token once the scope's executor was made during the
/// current poll, and is waiting in the executor slot.
const MADE: usize = 1;

/// The executor of a local scope, in the executor slot while the scope is
/// polled (opaque).
pub struct Entry<X: 'static> {
    id: usize,
    executor: Rc<X>,
    // The slot's previous entry, of an enclosing scope.
    displaced: Option<Box<Entry<X>>>,
}

impl<X> fmt::Debug for Entry<X> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Entry")
            .field("scope", &self.id)
            .finish_non_exhaustive()
    }
}

/// A backend's two thread-locals: the token of the local scope being polled
/// (`0`: none), and the executor slot. Both are `const`-initialised, the
/// first without a destructor, so that the common path is two plain writes;
/// implemented by [`local_keys!`](crate::local_keys) on a unit type, so
/// that each access is to a known `static`.
pub trait LocalKeys: 'static {
    /// The backend's local executor.
    type Executor: 'static;
    /// The token of the local scope being polled on this thread.
    fn active() -> &'static LocalKey<Cell<usize>>;
    /// The executor of that scope, while it is polled.
    fn slot() -> &'static LocalKey<Cell<Option<Entry<Self::Executor>>>>;
}

/// Implements [`LocalKeys`] on a new unit type:
/// `local_keys!(Keys, Executor);` (visibility optional, first).
#[macro_export]
macro_rules! local_keys {
    ($vis:vis $name:ident, $executor:ty) => {
        /// The thread-locals of this backend's local contexts.
        #[derive(Debug, Clone, Copy)]
        $vis struct $name;

        impl $crate::local::LocalKeys for $name {
            type Executor = $executor;

            #[inline]
            fn active() -> &'static ::std::thread::LocalKey<::std::cell::Cell<usize>> {
                ::std::thread_local! {
                    static ACTIVE: ::std::cell::Cell<usize> = const { ::std::cell::Cell::new(0) };
                }
                &ACTIVE
            }

            #[inline]
            fn slot() -> &'static ::std::thread::LocalKey<
                ::std::cell::Cell<::std::option::Option<$crate::local::Entry<$executor>>>,
            > {
                ::std::thread_local! {
                    static SLOT: ::std::cell::Cell<
                        ::std::option::Option<$crate::local::Entry<$executor>>,
                    > = const { ::std::cell::Cell::new(::std::option::Option::None) };
                }
                &SLOT
            }
        }
    };
}

/// Returns `true` while the thread is in a local context of `K`.
#[inline]
pub fn is_active<K: LocalKeys>() -> bool {
    K::active().get() != 0
}

/// The executor of the local context of `K` being polled on this thread,
/// made by `make` at the first call in it; `None` outside any.
pub fn executor<K: LocalKeys>(make: impl FnOnce() -> K::Executor) -> Option<Rc<K::Executor>> {
    let token = K::active().get();
    if token == 0 {
        return None;
    }
    let id = token & !MADE;
    let entry = match K::slot().take() {
        Some(entry) if entry.id == id => entry,
        displaced => {
            K::active().set(id | MADE);
            Entry {
                id,
                executor: Rc::new(make()),
                displaced: displaced.map(Box::new),
            }
        }
    };
    let executor = entry.executor.clone();
    K::slot().set(Some(entry));
    Some(executor)
}

/// The driver of a scope's executor: a future that runs its tasks and is
/// never ready.
pub type Driver = Pin<Box<dyn Future<Output = ()>>>;

/// The future of a `block_on`, run in a local context; see the
/// [module](self).
pub struct LocalScope<F, K: LocalKeys> {
    id: usize,
    future: F,
    executor: Option<Rc<K::Executor>>,
    drive: fn(Rc<K::Executor>) -> Driver,
    driver: Option<Driver>,
}

impl<F, K: LocalKeys> LocalScope<F, K> {
    /// Wraps the future of a `block_on` (pin it first, with
    /// `std::pin::pin!`, unless it is `Unpin`); `drive` makes the future that
    /// runs the executor's tasks, at the first local spawn.
    pub fn new(drive: fn(Rc<K::Executor>) -> Driver, future: F) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(2);
        LocalScope {
            // Even, never 0: bit 0 is `MADE`.
            id: NEXT.fetch_add(2, Ordering::Relaxed),
            future,
            executor: None,
            drive,
            driver: None,
        }
    }
}

impl<F, K: LocalKeys> fmt::Debug for LocalScope<F, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalScope")
            .field("spawned", &self.executor.is_some())
            .finish_non_exhaustive()
    }
}

/// Makes the thread the scope's local context until dropped (also on
/// unwind), then restores the previous one and takes back the scope's
/// executor, whether it had one or it was made meanwhile.
struct Enter<'a, K: LocalKeys> {
    id: usize,
    executor: &'a mut Option<Rc<K::Executor>>,
    active: usize,
    // With an executor: the slot's previous entry.
    previous: Option<Option<Entry<K::Executor>>>,
}

impl<'a, K: LocalKeys> Enter<'a, K> {
    #[inline]
    fn new(id: usize, executor: &'a mut Option<Rc<K::Executor>>) -> Self {
        let active = K::active().replace(id);
        let previous = match executor.take() {
            None => None,
            Some(executor) => Some(K::slot().replace(Some(Entry {
                id,
                executor,
                displaced: None,
            }))),
        };
        Enter {
            id,
            executor,
            active,
            previous,
        }
    }
}

impl<K: LocalKeys> Drop for Enter<'_, K> {
    #[inline]
    fn drop(&mut self) {
        let token = K::active().replace(self.active);
        if self.previous.is_none() && token & MADE == 0 {
            return; // the common case: no executor, none made
        }
        self.restore();
    }
}

impl<K: LocalKeys> Enter<'_, K> {
    #[cold]
    fn restore(&mut self) {
        let ours = K::slot().take();
        let ours = ours.expect("a local scope's executor stays in its slot while it is polled");
        debug_assert_eq!(ours.id, self.id);
        *self.executor = Some(ours.executor);
        let previous = match self.previous.take() {
            Some(previous) => previous,
            None => ours.displaced.map(|entry| *entry),
        };
        K::slot().set(previous);
    }
}

// `BlockOn` implementations pin the future on their stack and pass the
// `Pin<&mut _>`, which is `Unpin`.
impl<F: Future + Unpin, K: LocalKeys> Future for LocalScope<F, K> {
    type Output = F::Output;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.get_mut();
        let polled = {
            let _enter = Enter::<K>::new(this.id, &mut this.executor);
            Pin::new(&mut this.future).poll(cx)
        };
        if polled.is_ready() {
            return polled;
        }
        if this.driver.is_none() {
            let Some(executor) = this.executor.clone() else {
                return Poll::Pending; // no local task yet: the common case
            };
            this.driver = Some((this.drive)(executor));
        }
        if let Some(driver) = &mut this.driver {
            // Never ready: it runs the local tasks, which spawn in the same
            // context, and is woken by them.
            let _enter = Enter::<K>::new(this.id, &mut this.executor);
            let _ = driver.as_mut().poll(cx);
        }
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A toy executor: its identity is its `Rc`, it runs nothing.
    #[derive(Debug, Default)]
    struct Toy;

    crate::local_keys!(Keys, Toy);

    fn drive(_: Rc<Toy>) -> Driver {
        Box::pin(std::future::pending())
    }

    fn block_on<F: Future>(future: F) -> F::Output {
        let future = std::pin::pin!(future);
        futures_lite::future::block_on(LocalScope::<_, Keys>::new(drive, future))
    }

    #[test]
    fn outside_a_scope_there_is_no_executor() {
        assert!(!is_active::<Keys>());
        assert!(executor::<Keys>(Toy::default).is_none());
    }

    #[test]
    fn one_executor_per_scope_kept_across_polls() {
        let (first, second) = block_on(async {
            let first = executor::<Keys>(Toy::default).unwrap();
            futures_lite::future::yield_now().await;
            let second = executor::<Keys>(Toy::default).unwrap();
            (first, second)
        });
        assert!(Rc::ptr_eq(&first, &second));
        assert!(!is_active::<Keys>(), "the context ends with its scope");
        assert!(executor::<Keys>(Toy::default).is_none());
    }

    #[test]
    fn nested_scopes_have_their_own_executor_and_restore_the_outer_one() {
        block_on(async {
            let outer = executor::<Keys>(Toy::default).unwrap();
            // Inner scopes that make their executor before and after the
            // outer one has one in its slot.
            let inner = block_on(async { executor::<Keys>(Toy::default).unwrap() });
            assert!(!Rc::ptr_eq(&outer, &inner));
            futures_lite::future::yield_now().await;
            let inner = block_on(async {
                futures_lite::future::yield_now().await;
                executor::<Keys>(Toy::default).unwrap()
            });
            assert!(!Rc::ptr_eq(&outer, &inner));
            let again = executor::<Keys>(Toy::default).unwrap();
            assert!(
                Rc::ptr_eq(&outer, &again),
                "the outer scope's executor was lost"
            );
        });
        // A scope nested in one that has no executor yet.
        block_on(async {
            let inner = block_on(async { executor::<Keys>(Toy::default).unwrap() });
            let outer = executor::<Keys>(Toy::default).unwrap();
            assert!(!Rc::ptr_eq(&outer, &inner));
        });
    }

    #[test]
    fn a_panic_restores_the_context() {
        let caught = std::panic::catch_unwind(|| {
            block_on(async {
                let _ = executor::<Keys>(Toy::default);
                panic!("in the scope");
            })
        });
        assert!(caught.is_err());
        assert!(!is_active::<Keys>());
        assert!(
            Keys::slot().take().is_none(),
            "the executor slot was left full"
        );
    }
}
