//! `Semaphore`: async-lock's, with borrowed and owned permits.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

/// A counting semaphore (asyncio's `Semaphore`): at most `permits` holders at
/// once; [`acquire`](Semaphore::acquire) waits for a permit, which goes back
/// when dropped. Waiters are served fairly.
///
/// Built on async-lock's semaphore. A permit may also be *owned*
/// ([`acquire_owned`](Semaphore::acquire_owned)): it keeps the semaphore
/// alive, so it can be taken in one task and released in another. No `Arc`
/// is needed for that: the semaphore shares its state with its owned permits.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use anyloop::sync::Semaphore;
///
/// anyloop::run(async {
///     // At most two downloads at a time.
///     let limit = Arc::new(Semaphore::new(2));
///     let tasks: Vec<_> = (0..5)
///         .map(|n| {
///             let limit = limit.clone();
///             anyloop::spawn(async move {
///                 let _permit = limit.acquire().await;
///                 n * 2
///             })
///         })
///         .collect();
///     let mut sum = 0;
///     for task in tasks {
///         sum += task.await.unwrap();
///     }
///     assert_eq!(sum, 20);
///     assert_eq!(limit.available_permits(), 2);
/// });
/// ```
pub struct Semaphore {
    inner: Arc<async_lock::Semaphore>,
}

impl Semaphore {
    /// The most permits a semaphore holds: `usize::MAX >> 3`, as in tokio.
    /// [`new`](Self::new) and [`add_permits`](Self::add_permits) saturate
    /// there, which leaves room for every permit held to come back without
    /// the count wrapping around.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::Semaphore;
    ///
    /// let semaphore = Semaphore::new(usize::MAX);
    /// semaphore.add_permits(1);
    /// assert_eq!(semaphore.available_permits(), Semaphore::MAX_PERMITS);
    /// ```
    pub const MAX_PERMITS: usize = usize::MAX >> 3;

    /// A semaphore with `permits` permits (at most [`MAX_PERMITS`](Self::MAX_PERMITS)).
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::Semaphore;
    ///
    /// let semaphore = Semaphore::new(3);
    /// assert_eq!(semaphore.available_permits(), 3);
    /// ```
    pub fn new(permits: usize) -> Self {
        Self {
            inner: Arc::new(async_lock::Semaphore::new(permits.min(Self::MAX_PERMITS))),
        }
    }

    /// Waits for a permit, borrowed from the semaphore.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::Semaphore;
    ///
    /// anyloop::run(async {
    ///     let semaphore = Semaphore::new(1);
    ///     let permit = semaphore.acquire().await;
    ///     assert!(semaphore.try_acquire().is_none());
    ///     drop(permit);
    ///     assert!(semaphore.try_acquire().is_some());
    /// });
    /// ```
    pub fn acquire(&self) -> Acquire<'_> {
        Acquire {
            inner: self.inner.acquire(),
        }
    }

    /// Waits for an owned permit: it is `'static` and may be released by
    /// another task (tokio's `acquire_owned`).
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::Semaphore;
    ///
    /// anyloop::run(async {
    ///     let semaphore = Semaphore::new(1);
    ///     let permit = semaphore.acquire_owned().await;
    ///     // The task holds the permit and releases it when it ends.
    ///     anyloop::spawn(async move { drop(permit) }).await.unwrap();
    ///     assert_eq!(semaphore.available_permits(), 1);
    /// });
    /// ```
    pub fn acquire_owned(&self) -> AcquireOwned {
        AcquireOwned {
            inner: self.inner.acquire_arc(),
        }
    }

    /// Takes a permit if one is free, without waiting.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::Semaphore;
    ///
    /// let semaphore = Semaphore::new(1);
    /// let permit = semaphore.try_acquire();
    /// assert!(permit.is_some());
    /// assert!(semaphore.try_acquire().is_none());
    /// ```
    pub fn try_acquire(&self) -> Option<SemaphorePermit<'_>> {
        self.inner
            .try_acquire()
            .map(|inner| SemaphorePermit { inner })
    }

    /// Takes an owned permit if one is free, without waiting.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::{OwnedSemaphorePermit, Semaphore};
    ///
    /// let semaphore = Semaphore::new(1);
    /// let permit: Option<OwnedSemaphorePermit> = semaphore.try_acquire_owned();
    /// assert!(permit.is_some());
    /// assert!(semaphore.try_acquire_owned().is_none());
    /// ```
    pub fn try_acquire_owned(&self) -> Option<OwnedSemaphorePermit> {
        self.inner
            .try_acquire_arc()
            .map(|inner| OwnedSemaphorePermit { inner })
    }

    /// Adds `n` permits, waking as many waiters; the free permits saturate at
    /// [`MAX_PERMITS`](Self::MAX_PERMITS).
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::Semaphore;
    ///
    /// let semaphore = Semaphore::new(0);
    /// assert!(semaphore.try_acquire().is_none());
    /// semaphore.add_permits(2);
    /// assert_eq!(semaphore.available_permits(), 2);
    /// ```
    pub fn add_permits(&self, n: usize) {
        // async-lock's count wraps around on overflow. Permits held now come
        // back on top of `MAX_PERMITS`, which the headroom up to `usize::MAX`
        // (seven eighths of it) absorbs, as it does concurrent adds.
        let room = Self::MAX_PERMITS.saturating_sub(self.inner.available_permits());
        self.inner.add_permits(n.min(room));
    }

    /// The number of permits free now.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::Semaphore;
    ///
    /// let semaphore = Semaphore::new(2);
    /// let _permit = semaphore.try_acquire();
    /// assert_eq!(semaphore.available_permits(), 1);
    /// ```
    pub fn available_permits(&self) -> usize {
        self.inner.available_permits()
    }
}

impl fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Semaphore")
            .field("available_permits", &self.available_permits())
            .finish()
    }
}

/// A permit of a [`Semaphore`], borrowed from it; released when dropped.
///
/// # Examples
///
/// ```
/// use anyloop::sync::{Semaphore, SemaphorePermit};
///
/// anyloop::run(async {
///     let semaphore = Semaphore::new(1);
///     let permit: SemaphorePermit<'_> = semaphore.acquire().await;
///     assert_eq!(semaphore.available_permits(), 0);
///     drop(permit);
///     assert_eq!(semaphore.available_permits(), 1);
/// });
/// ```
#[must_use = "the permit is released at once if it is not kept"]
#[derive(Debug)]
pub struct SemaphorePermit<'a> {
    inner: async_lock::SemaphoreGuard<'a>,
}

impl SemaphorePermit<'_> {
    /// Drops the permit without giving it back: the semaphore has one permit
    /// fewer for good.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::Semaphore;
    ///
    /// anyloop::run(async {
    ///     let semaphore = Semaphore::new(2);
    ///     semaphore.acquire().await.forget();
    ///     assert_eq!(semaphore.available_permits(), 1);
    /// });
    /// ```
    pub fn forget(self) {
        self.inner.forget();
    }
}

/// An owned permit of a [`Semaphore`]: `'static`, it keeps the semaphore's
/// state alive and may be released from any task; released when dropped.
///
/// # Examples
///
/// ```
/// use anyloop::sync::{OwnedSemaphorePermit, Semaphore};
///
/// anyloop::run(async {
///     let semaphore = Semaphore::new(1);
///     let permit: OwnedSemaphorePermit = semaphore.acquire_owned().await;
///     let task = anyloop::spawn(async move {
///         let _permit = permit; // released when this task ends
///     });
///     task.await.unwrap();
///     assert_eq!(semaphore.available_permits(), 1);
/// });
/// ```
#[must_use = "the permit is released at once if it is not kept"]
#[derive(Debug)]
pub struct OwnedSemaphorePermit {
    inner: async_lock::SemaphoreGuardArc,
}

impl OwnedSemaphorePermit {
    /// Drops the permit without giving it back: the semaphore has one permit
    /// fewer for good.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::Semaphore;
    ///
    /// anyloop::run(async {
    ///     let semaphore = Semaphore::new(2);
    ///     semaphore.acquire_owned().await.forget();
    ///     assert_eq!(semaphore.available_permits(), 1);
    /// });
    /// ```
    pub fn forget(self) {
        self.inner.forget();
    }
}

pin_project! {
    /// The future of [`Semaphore::acquire`].
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::{Semaphore, futures::Acquire};
    ///
    /// anyloop::run(async {
    ///     let semaphore = Semaphore::new(1);
    ///     let acquire: Acquire<'_> = semaphore.acquire();
    ///     let _permit = acquire.await;
    /// });
    /// ```
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    #[derive(Debug)]
    pub struct Acquire<'a> {
        #[pin]
        inner: async_lock::futures::Acquire<'a>,
    }
}

impl<'a> Future for Acquire<'a> {
    type Output = SemaphorePermit<'a>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.project()
            .inner
            .poll(cx)
            .map(|inner| SemaphorePermit { inner })
    }
}

pin_project! {
    /// The future of [`Semaphore::acquire_owned`].
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::{Semaphore, futures::AcquireOwned};
    ///
    /// anyloop::run(async {
    ///     let semaphore = Semaphore::new(1);
    ///     let acquire: AcquireOwned = semaphore.acquire_owned();
    ///     let _permit = acquire.await;
    /// });
    /// ```
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    #[derive(Debug)]
    pub struct AcquireOwned {
        #[pin]
        inner: async_lock::futures::AcquireArc,
    }
}

impl Future for AcquireOwned {
    type Output = OwnedSemaphorePermit;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.project()
            .inner
            .poll(cx)
            .map(|inner| OwnedSemaphorePermit { inner })
    }
}
