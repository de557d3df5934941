//! `CapacityLimiter`: AnyIO's, a semaphore whose size changes at run time.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, ready};

use event_listener::{EventListener, IntoNotification};

/// Limits how many holders run at once, with a limit that can change while
/// they run (AnyIO's `CapacityLimiter`).
///
/// [`acquire`](CapacityLimiter::acquire) waits until fewer than
/// [`total`](CapacityLimiter::total) guards are held, and gives a guard that
/// frees its slot when dropped. [`set_total`](CapacityLimiter::set_total)
/// grows the limit (waiters are admitted at once) or shrinks it: held guards
/// are never revoked, new acquisitions wait until
/// [`borrowed`](CapacityLimiter::borrowed) has fallen below the new total.
///
/// Owned guards ([`acquire_owned`](CapacityLimiter::acquire_owned)) keep the
/// limiter's state alive and may be moved to another task; no `Arc` is
/// needed for them.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use anyloop::sync::CapacityLimiter;
///
/// anyloop::run(async {
///     let limiter = Arc::new(CapacityLimiter::new(2));
///     let tasks: Vec<_> = (0..6)
///         .map(|n| {
///             let limiter = limiter.clone();
///             anyloop::spawn(async move {
///                 let _slot = limiter.acquire().await;
///                 assert!(limiter.borrowed() <= limiter.total());
///                 n
///             })
///         })
///         .collect();
///     limiter.set_total(3); // at run time
///     for task in tasks {
///         task.await.unwrap();
///     }
///     assert_eq!(limiter.borrowed(), 0);
/// });
/// ```
pub struct CapacityLimiter {
    inner: Arc<Inner>,
}

struct Inner {
    state: Mutex<State>,
    /// Notified once per slot that becomes free.
    freed: event_listener::Event,
}

struct State {
    total: usize,
    borrowed: usize,
}

impl State {
    fn available(&self) -> usize {
        self.total.saturating_sub(self.borrowed)
    }
}

impl Inner {
    fn state(&self) -> MutexGuard<'_, State> {
        // The critical sections cannot panic; poisoning carries no meaning.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn try_take(&self) -> bool {
        let mut state = self.state();
        if state.borrowed < state.total {
            state.borrowed += 1;
            true
        } else {
            false
        }
    }

    fn release(&self) {
        let freed = {
            let mut state = self.state();
            state.borrowed -= 1;
            state.borrowed < state.total
        };
        if freed {
            // One more waiter per freed slot, on top of those already woken.
            self.freed.notify(1.additional());
        }
    }

    /// Takes a slot, or registers `cx` to be woken when one may be free.
    fn poll_take(&self, listener: &mut Option<EventListener>, cx: &mut Context<'_>) -> Poll<()> {
        loop {
            if self.try_take() {
                // Dropping a listener that was notified hands the
                // notification on to the next waiter.
                *listener = None;
                return Poll::Ready(());
            }
            match listener {
                // Listen, then try again: a slot freed in between is seen by
                // the try, one freed after it notifies the listener.
                None => *listener = Some(self.freed.listen()),
                Some(waiting) => {
                    ready!(Pin::new(waiting).poll(cx));
                    *listener = None;
                }
            }
        }
    }
}

impl CapacityLimiter {
    /// A limiter admitting `total` holders at once (`0`: none until
    /// [`set_total`](CapacityLimiter::set_total) raises it).
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::CapacityLimiter;
    ///
    /// let limiter = CapacityLimiter::new(4);
    /// assert_eq!(limiter.total(), 4);
    /// assert_eq!(limiter.available(), 4);
    /// ```
    pub fn new(total: usize) -> Self {
        Self {
            inner: Arc::new(Inner {
                state: Mutex::new(State { total, borrowed: 0 }),
                freed: event_listener::Event::new(),
            }),
        }
    }

    /// Waits until fewer than [`total`](CapacityLimiter::total) guards are
    /// held, and takes a slot (AnyIO's `acquire`). Waiters are woken in
    /// order of arrival; a task that finds a slot free takes it at once.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::CapacityLimiter;
    ///
    /// anyloop::run(async {
    ///     let limiter = CapacityLimiter::new(1);
    ///     let guard = limiter.acquire().await;
    ///     assert_eq!(limiter.borrowed(), 1);
    ///     drop(guard);
    ///     assert_eq!(limiter.borrowed(), 0);
    /// });
    /// ```
    pub fn acquire(&self) -> AcquireCapacity<'_> {
        AcquireCapacity {
            inner: Some(&self.inner),
            listener: None,
        }
    }

    /// Like [`acquire`](CapacityLimiter::acquire), but the guard is `'static`
    /// and may be dropped by another task.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::CapacityLimiter;
    ///
    /// anyloop::run(async {
    ///     let limiter = CapacityLimiter::new(1);
    ///     let guard = limiter.acquire_owned().await;
    ///     anyloop::spawn(async move { drop(guard) }).await.unwrap();
    ///     assert_eq!(limiter.borrowed(), 0);
    /// });
    /// ```
    pub fn acquire_owned(&self) -> AcquireCapacityOwned {
        AcquireCapacityOwned {
            inner: Some(self.inner.clone()),
            listener: None,
        }
    }

    /// Takes a slot if one is free now, without waiting.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::CapacityLimiter;
    ///
    /// let limiter = CapacityLimiter::new(1);
    /// let guard = limiter.try_acquire();
    /// assert!(guard.is_some());
    /// assert!(limiter.try_acquire().is_none());
    /// ```
    pub fn try_acquire(&self) -> Option<CapacityGuard<'_>> {
        // Not `then_some`: a guard built eagerly would free a slot on drop.
        self.inner
            .try_take()
            .then(|| CapacityGuard { inner: &self.inner })
    }

    /// Takes an owned slot if one is free now, without waiting.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::{CapacityLimiter, OwnedCapacityGuard};
    ///
    /// let limiter = CapacityLimiter::new(1);
    /// let guard: Option<OwnedCapacityGuard> = limiter.try_acquire_owned();
    /// assert!(guard.is_some());
    /// assert!(limiter.try_acquire_owned().is_none());
    /// ```
    pub fn try_acquire_owned(&self) -> Option<OwnedCapacityGuard> {
        self.inner.try_take().then(|| OwnedCapacityGuard {
            inner: self.inner.clone(),
        })
    }

    /// The most holders admitted at once.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::CapacityLimiter;
    ///
    /// assert_eq!(CapacityLimiter::new(8).total(), 8);
    /// ```
    pub fn total(&self) -> usize {
        self.inner.state().total
    }

    /// Changes the limit at run time (AnyIO's `total_tokens = n`). Growing
    /// it admits waiting tasks at once; shrinking it revokes no guard: new
    /// acquisitions wait until enough holders have left.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::CapacityLimiter;
    ///
    /// let limiter = CapacityLimiter::new(2);
    /// let (a, b) = (limiter.try_acquire(), limiter.try_acquire());
    /// limiter.set_total(1); // both guards are still held
    /// assert_eq!((limiter.borrowed(), limiter.available()), (2, 0));
    /// drop(a);
    /// assert!(limiter.try_acquire().is_none()); // 1 held, total 1
    /// drop(b);
    /// assert!(limiter.try_acquire().is_some());
    /// ```
    pub fn set_total(&self, total: usize) {
        let grown = {
            let mut state = self.inner.state();
            let before = state.available();
            state.total = total;
            state.available().saturating_sub(before)
        };
        if grown > 0 {
            self.inner.freed.notify(grown.additional());
        }
    }

    /// The number of guards held now.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::CapacityLimiter;
    ///
    /// let limiter = CapacityLimiter::new(2);
    /// let _guard = limiter.try_acquire();
    /// assert_eq!(limiter.borrowed(), 1);
    /// ```
    pub fn borrowed(&self) -> usize {
        self.inner.state().borrowed
    }

    /// The number of slots free now: `total - borrowed`, or `0` while a
    /// shrunk limit is still exceeded.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::CapacityLimiter;
    ///
    /// let limiter = CapacityLimiter::new(2);
    /// let _guard = limiter.try_acquire();
    /// assert_eq!(limiter.available(), 1);
    /// ```
    pub fn available(&self) -> usize {
        self.inner.state().available()
    }
}

impl fmt::Debug for CapacityLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.inner.state();
        f.debug_struct("CapacityLimiter")
            .field("total", &state.total)
            .field("borrowed", &state.borrowed)
            .finish()
    }
}

/// A slot of a [`CapacityLimiter`], borrowed from it; freed when dropped.
///
/// # Examples
///
/// ```
/// use anyloop::sync::{CapacityGuard, CapacityLimiter};
///
/// anyloop::run(async {
///     let limiter = CapacityLimiter::new(1);
///     let guard: CapacityGuard<'_> = limiter.acquire().await;
///     assert_eq!(limiter.available(), 0);
///     drop(guard);
///     assert_eq!(limiter.available(), 1);
/// });
/// ```
#[must_use = "the slot is freed at once if the guard is not kept"]
pub struct CapacityGuard<'a> {
    inner: &'a Inner,
}

impl Drop for CapacityGuard<'_> {
    fn drop(&mut self) {
        self.inner.release();
    }
}

impl fmt::Debug for CapacityGuard<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CapacityGuard").finish_non_exhaustive()
    }
}

/// An owned slot of a [`CapacityLimiter`]: `'static`, freed when dropped, by
/// whichever task holds it then.
///
/// # Examples
///
/// ```
/// use anyloop::sync::{CapacityLimiter, OwnedCapacityGuard};
///
/// anyloop::run(async {
///     let limiter = CapacityLimiter::new(1);
///     let guard: OwnedCapacityGuard = limiter.acquire_owned().await;
///     let worker = anyloop::spawn(async move {
///         let _guard = guard; // freed when the task ends
///     });
///     worker.await.unwrap();
///     assert_eq!(limiter.available(), 1);
/// });
/// ```
#[must_use = "the slot is freed at once if the guard is not kept"]
pub struct OwnedCapacityGuard {
    inner: Arc<Inner>,
}

impl Drop for OwnedCapacityGuard {
    fn drop(&mut self) {
        self.inner.release();
    }
}

impl fmt::Debug for OwnedCapacityGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedCapacityGuard").finish_non_exhaustive()
    }
}

/// The future of [`CapacityLimiter::acquire`].
///
/// # Examples
///
/// ```
/// use anyloop::sync::{CapacityLimiter, futures::AcquireCapacity};
///
/// anyloop::run(async {
///     let limiter = CapacityLimiter::new(1);
///     let acquire: AcquireCapacity<'_> = limiter.acquire();
///     let _guard = acquire.await;
/// });
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct AcquireCapacity<'a> {
    /// `None` once the guard has been given out.
    inner: Option<&'a Inner>,
    listener: Option<EventListener>,
}

impl<'a> Future for AcquireCapacity<'a> {
    type Output = CapacityGuard<'a>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let inner = this
            .inner
            .expect("`AcquireCapacity` polled after completion");
        ready!(inner.poll_take(&mut this.listener, cx));
        this.inner = None;
        Poll::Ready(CapacityGuard { inner })
    }
}

impl fmt::Debug for AcquireCapacity<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AcquireCapacity").finish_non_exhaustive()
    }
}

/// The future of [`CapacityLimiter::acquire_owned`].
///
/// # Examples
///
/// ```
/// use anyloop::sync::{CapacityLimiter, futures::AcquireCapacityOwned};
///
/// anyloop::run(async {
///     let limiter = CapacityLimiter::new(1);
///     let acquire: AcquireCapacityOwned = limiter.acquire_owned();
///     let _guard = acquire.await;
/// });
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct AcquireCapacityOwned {
    /// `None` once the guard has been given out.
    inner: Option<Arc<Inner>>,
    listener: Option<EventListener>,
}

impl Future for AcquireCapacityOwned {
    type Output = OwnedCapacityGuard;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let inner = this
            .inner
            .as_ref()
            .expect("`AcquireCapacityOwned` polled after completion");
        ready!(inner.poll_take(&mut this.listener, cx));
        let inner = this.inner.take().expect("checked above");
        Poll::Ready(OwnedCapacityGuard { inner })
    }
}

impl fmt::Debug for AcquireCapacityOwned {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AcquireCapacityOwned")
            .finish_non_exhaustive()
    }
}
