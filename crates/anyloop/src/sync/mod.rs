//! Synchronisation primitives and queues that work on every runtime.
//!
//! Nothing here depends on the runtime that runs the caller: the primitives
//! are async-lock's, async-channel's and event-listener's (the smol
//! project's runtime-independent crates), re-exported or thinly wrapped under
//! the names asyncio and AnyIO users look for. They may be shared between
//! tasks of different runtimes and with plain threads.
//!
//! | asyncio | anyloop |
//! |---|---|
//! | `asyncio.Lock` | [`Mutex`] (it owns the data it guards: `Mutex<T>`) |
//! | — | [`RwLock`] |
//! | `asyncio.Semaphore`, `BoundedSemaphore` | [`Semaphore`] |
//! | `asyncio.Barrier(n)` | [`Barrier`] |
//! | `asyncio.Event` | [`Event`] |
//! | a `Future` set by another task | [`oneshot::channel`] |
//! | `asyncio.Queue(maxsize)` | [`queue::bounded`]: a cloneable [`Sender`](queue::Sender) and [`Receiver`](queue::Receiver) |
//! | `await queue.put(x)`, `await queue.get()` | [`put(x).await`](queue::Sender::put), [`get().await`](queue::Receiver::get) |
//! | `put_nowait`, `get_nowait` | [`try_put`](queue::Sender::try_put), [`try_get`](queue::Receiver::try_get) |
//! | `Queue.shutdown()` (3.13) | [`close()`](queue::Sender::close), or drop every sender |
//!
//! | AnyIO | anyloop |
//! |---|---|
//! | `anyio.Lock`, `Semaphore`, `Event` | [`Mutex`], [`Semaphore`], [`Event`] |
//! | `anyio.CapacityLimiter(n)`, `total_tokens` | [`CapacityLimiter::new(n)`](CapacityLimiter::new), [`set_total`](CapacityLimiter::set_total) |
//! | `create_memory_object_stream(n)` | [`queue::bounded(n)`](queue::bounded) |
//! | `send_stream.send(x)`, `receive_stream.receive()` | [`put`](queue::Sender::put), [`get`](queue::Receiver::get) |
//! | `stream.clone()` | `Clone` |
//! | `async for item in receive_stream` | `while let Some(item) = receiver.next().await` ([`Stream`](futures_core::Stream)) |
//! | `EndOfStream`, `BrokenResourceError` | [`queue::RecvError`], [`queue::SendError`] (hands the item back) |
//!
//! Waiting is never a busy loop: every `.await` here sleeps on an
//! event-listener and is woken when the state it waits for may have changed.
//!
//! The re-exported async-lock types ([`Mutex`], [`RwLock`], [`Barrier`] and
//! their guards and futures) are shown with async-lock's own documentation
//! after ours; its examples name them `async_lock::…`: they are the same
//! types.
//!
//! # Examples
//!
//! ```
//! use std::sync::Arc;
//! use anyloop::sync::{Event, Mutex, queue};
//!
//! anyloop::run(async {
//!     let total = Arc::new(Mutex::new(0));
//!     let ready = Arc::new(Event::new());
//!     let (tx, rx) = queue::bounded(8);
//!
//!     let consumer = anyloop::spawn({
//!         let (total, ready) = (total.clone(), ready.clone());
//!         async move {
//!             ready.set();
//!             while let Ok(n) = rx.get().await {
//!                 *total.lock().await += n;
//!             }
//!         }
//!     });
//!     ready.wait().await;
//!     for n in 1..=10 {
//!         tx.put(n).await.unwrap();
//!     }
//!     drop(tx); // the consumer drains the queue, then sees the end
//!     consumer.await.unwrap();
//!     assert_eq!(*total.lock().await, 55);
//! });
//! ```

mod event;
mod limiter;
pub mod oneshot;
pub mod queue;
mod semaphore;

pub use event::Event;
pub use limiter::{CapacityGuard, CapacityLimiter, OwnedCapacityGuard};
pub use semaphore::{OwnedSemaphorePermit, Semaphore, SemaphorePermit};

/// An async mutex, async-lock's: `lock().await` waits for the guard, which
/// unlocks on drop (asyncio's `Lock`, holding the data it protects).
/// [`lock_arc`](Mutex::lock_arc) on an `Arc<Mutex<T>>` gives a
/// [`MutexGuardArc`] that is `'static`.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use anyloop::sync::Mutex;
///
/// anyloop::run(async {
///     let count = Arc::new(Mutex::new(0));
///     let tasks: Vec<_> = (0..4)
///         .map(|_| {
///             let count = count.clone();
///             anyloop::spawn(async move { *count.lock().await += 1 })
///         })
///         .collect();
///     for task in tasks {
///         task.await.unwrap();
///     }
///     assert_eq!(*count.lock().await, 4);
/// });
/// ```
pub use async_lock::Mutex;

/// The guard of a locked [`Mutex`]; unlocks when dropped.
///
/// # Examples
///
/// ```
/// use anyloop::sync::{Mutex, MutexGuard};
///
/// anyloop::run(async {
///     let names = Mutex::new(Vec::new());
///     let mut guard: MutexGuard<'_, Vec<&str>> = names.lock().await;
///     guard.push("ada");
///     drop(guard);
///     assert_eq!(*names.lock().await, ["ada"]);
/// });
/// ```
pub use async_lock::MutexGuard;

/// The owned guard of a [`Mutex`] in an `Arc`, from
/// [`lock_arc`](Mutex::lock_arc): it keeps the mutex alive and may be moved
/// into another task.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use anyloop::sync::{Mutex, MutexGuardArc};
///
/// anyloop::run(async {
///     let shared = Arc::new(Mutex::new(1));
///     let mut guard: MutexGuardArc<i32> = shared.lock_arc().await;
///     // Locked here, unlocked by another task.
///     anyloop::spawn(async move { *guard += 1 }).await.unwrap();
///     assert_eq!(*shared.lock().await, 2);
/// });
/// ```
pub use async_lock::MutexGuardArc;

/// An async reader-writer lock, async-lock's: many readers or one writer;
/// a waiting writer keeps new readers out, so writers are not starved.
///
/// # Examples
///
/// ```
/// use anyloop::sync::RwLock;
///
/// anyloop::run(async {
///     let config = RwLock::new(String::from("v1"));
///     {
///         let (a, b) = (config.read().await, config.read().await);
///         assert_eq!((a.as_str(), b.as_str()), ("v1", "v1"));
///     }
///     config.write().await.push_str("+patch");
///     assert_eq!(*config.read().await, "v1+patch");
/// });
/// ```
pub use async_lock::RwLock;

/// A shared read guard of a [`RwLock`].
///
/// # Examples
///
/// ```
/// use anyloop::sync::{RwLock, RwLockReadGuard};
///
/// anyloop::run(async {
///     let lock = RwLock::new(5);
///     let guard: RwLockReadGuard<'_, i32> = lock.read().await;
///     assert_eq!(*guard, 5);
///     assert!(lock.try_write().is_none());
/// });
/// ```
pub use async_lock::RwLockReadGuard;

/// The owned read guard of a [`RwLock`] in an `Arc`, from
/// [`read_arc`](RwLock::read_arc).
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use anyloop::sync::{RwLock, RwLockReadGuardArc};
///
/// anyloop::run(async {
///     let lock = Arc::new(RwLock::new(5));
///     let guard: RwLockReadGuardArc<i32> = lock.read_arc().await;
///     assert_eq!(anyloop::spawn(async move { *guard }).await.unwrap(), 5);
/// });
/// ```
pub use async_lock::RwLockReadGuardArc;

/// An exclusive write guard of a [`RwLock`].
///
/// # Examples
///
/// ```
/// use anyloop::sync::{RwLock, RwLockWriteGuard};
///
/// anyloop::run(async {
///     let lock = RwLock::new(5);
///     let mut guard: RwLockWriteGuard<'_, i32> = lock.write().await;
///     *guard += 1;
///     assert!(lock.try_read().is_none());
///     drop(guard);
///     assert_eq!(*lock.read().await, 6);
/// });
/// ```
pub use async_lock::RwLockWriteGuard;

/// The owned write guard of a [`RwLock`] in an `Arc`, from
/// [`write_arc`](RwLock::write_arc).
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use anyloop::sync::{RwLock, RwLockWriteGuardArc};
///
/// anyloop::run(async {
///     let lock = Arc::new(RwLock::new(5));
///     let mut guard: RwLockWriteGuardArc<i32> = lock.write_arc().await;
///     anyloop::spawn(async move { *guard = 7 }).await.unwrap();
///     assert_eq!(*lock.read().await, 7);
/// });
/// ```
pub use async_lock::RwLockWriteGuardArc;

/// A read guard of a [`RwLock`] that may be upgraded to a write guard
/// without letting another writer in between; one at a time, alongside
/// plain readers.
///
/// # Examples
///
/// ```
/// use anyloop::sync::{RwLock, RwLockUpgradableReadGuard};
///
/// anyloop::run(async {
///     let lock = RwLock::new(1);
///     let guard = lock.upgradable_read().await;
///     if *guard == 1 {
///         let mut writer = RwLockUpgradableReadGuard::upgrade(guard).await;
///         *writer = 2;
///     }
///     assert_eq!(*lock.read().await, 2);
/// });
/// ```
pub use async_lock::RwLockUpgradableReadGuard;

/// The owned upgradable read guard of a [`RwLock`] in an `Arc`, from
/// [`upgradable_read_arc`](RwLock::upgradable_read_arc).
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use anyloop::sync::{RwLock, RwLockUpgradableReadGuardArc};
///
/// anyloop::run(async {
///     let lock = Arc::new(RwLock::new(1));
///     let guard = lock.upgradable_read_arc().await;
///     let mut writer = RwLockUpgradableReadGuardArc::upgrade(guard).await;
///     *writer += 1;
///     drop(writer);
///     assert_eq!(*lock.read().await, 2);
/// });
/// ```
pub use async_lock::RwLockUpgradableReadGuardArc;

/// Lets `n` tasks wait until all of them have arrived (asyncio's
/// `Barrier(n)`), async-lock's; then they all go on at once, and the barrier
/// can be used again. One of them is told it is the leader.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use anyloop::sync::Barrier;
///
/// anyloop::run(async {
///     let barrier = Arc::new(Barrier::new(3));
///     let tasks: Vec<_> = (0..3)
///         .map(|_| {
///             let barrier = barrier.clone();
///             anyloop::spawn(async move { barrier.wait().await.is_leader() })
///         })
///         .collect();
///     let mut leaders = 0;
///     for task in tasks {
///         leaders += task.await.unwrap() as usize;
///     }
///     assert_eq!(leaders, 1);
/// });
/// ```
pub use async_lock::Barrier;

/// What [`Barrier::wait`] returns: [`is_leader`](BarrierWaitResult::is_leader)
/// is true for exactly one task of each round.
///
/// # Examples
///
/// ```
/// use anyloop::sync::{Barrier, BarrierWaitResult};
///
/// anyloop::run(async {
///     let barrier = Barrier::new(1);
///     let result: BarrierWaitResult = barrier.wait().await;
///     assert!(result.is_leader());
/// });
/// ```
pub use async_lock::BarrierWaitResult;

pub mod futures {
    //! The named futures returned by the primitives of [`sync`](super), for
    //! storing them in structs.
    //!
    //! # Examples
    //!
    //! ```
    //! use anyloop::sync::{Event, futures::Wait};
    //!
    //! anyloop::run(async {
    //!     let event = Event::new();
    //!     let wait: Wait<'_> = event.wait();
    //!     event.set();
    //!     wait.await;
    //! });
    //! ```

    pub use super::event::Wait;
    pub use super::limiter::{AcquireCapacity, AcquireCapacityOwned};
    pub use super::semaphore::{Acquire, AcquireOwned};

    /// The future of [`Mutex::lock`](super::Mutex::lock).
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::{Mutex, futures::Lock};
    ///
    /// anyloop::run(async {
    ///     let mutex = Mutex::new(1);
    ///     let lock: Lock<'_, i32> = mutex.lock();
    ///     assert_eq!(*lock.await, 1);
    /// });
    /// ```
    pub use async_lock::futures::Lock;

    /// The future of [`Mutex::lock_arc`](super::Mutex::lock_arc).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use anyloop::sync::{Mutex, futures::LockArc};
    ///
    /// anyloop::run(async {
    ///     let mutex = Arc::new(Mutex::new(1));
    ///     let lock: LockArc<i32> = mutex.lock_arc();
    ///     assert_eq!(*lock.await, 1);
    /// });
    /// ```
    pub use async_lock::futures::LockArc;

    /// The future of [`RwLock::read`](super::RwLock::read).
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::{RwLock, futures::Read};
    ///
    /// anyloop::run(async {
    ///     let lock = RwLock::new(1);
    ///     let read: Read<'_, i32> = lock.read();
    ///     assert_eq!(*read.await, 1);
    /// });
    /// ```
    pub use async_lock::futures::Read;

    /// The future of [`RwLock::read_arc`](super::RwLock::read_arc).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use anyloop::sync::{RwLock, futures::ReadArc};
    ///
    /// anyloop::run(async {
    ///     let lock = Arc::new(RwLock::new(1));
    ///     let read: ReadArc<'_, i32> = lock.read_arc();
    ///     assert_eq!(*read.await, 1);
    /// });
    /// ```
    pub use async_lock::futures::ReadArc;

    /// The future of [`RwLock::write`](super::RwLock::write).
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::{RwLock, futures::Write};
    ///
    /// anyloop::run(async {
    ///     let lock = RwLock::new(1);
    ///     let write: Write<'_, i32> = lock.write();
    ///     *write.await = 2;
    ///     assert_eq!(*lock.read().await, 2);
    /// });
    /// ```
    pub use async_lock::futures::Write;

    /// The future of [`RwLock::write_arc`](super::RwLock::write_arc).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use anyloop::sync::{RwLock, futures::WriteArc};
    ///
    /// anyloop::run(async {
    ///     let lock = Arc::new(RwLock::new(1));
    ///     let write: WriteArc<'_, i32> = lock.write_arc();
    ///     *write.await = 2;
    ///     assert_eq!(*lock.read().await, 2);
    /// });
    /// ```
    pub use async_lock::futures::WriteArc;

    /// The future of [`RwLock::upgradable_read`](super::RwLock::upgradable_read).
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::{RwLock, futures::UpgradableRead};
    ///
    /// anyloop::run(async {
    ///     let lock = RwLock::new(1);
    ///     let read: UpgradableRead<'_, i32> = lock.upgradable_read();
    ///     assert_eq!(*read.await, 1);
    /// });
    /// ```
    pub use async_lock::futures::UpgradableRead;

    /// The future of
    /// [`RwLock::upgradable_read_arc`](super::RwLock::upgradable_read_arc).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use anyloop::sync::{RwLock, futures::UpgradableReadArc};
    ///
    /// anyloop::run(async {
    ///     let lock = Arc::new(RwLock::new(1));
    ///     let read: UpgradableReadArc<'_, i32> = lock.upgradable_read_arc();
    ///     assert_eq!(*read.await, 1);
    /// });
    /// ```
    pub use async_lock::futures::UpgradableReadArc;

    /// The future of
    /// [`RwLockUpgradableReadGuard::upgrade`](super::RwLockUpgradableReadGuard::upgrade).
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::{RwLock, RwLockUpgradableReadGuard, futures::Upgrade};
    ///
    /// anyloop::run(async {
    ///     let lock = RwLock::new(1);
    ///     let read = lock.upgradable_read().await;
    ///     let upgrade: Upgrade<'_, i32> = RwLockUpgradableReadGuard::upgrade(read);
    ///     *upgrade.await = 2;
    ///     assert_eq!(*lock.read().await, 2);
    /// });
    /// ```
    pub use async_lock::futures::Upgrade;

    /// The future of
    /// [`RwLockUpgradableReadGuardArc::upgrade`](super::RwLockUpgradableReadGuardArc::upgrade).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use anyloop::sync::{RwLock, RwLockUpgradableReadGuardArc, futures::UpgradeArc};
    ///
    /// anyloop::run(async {
    ///     let lock = Arc::new(RwLock::new(1));
    ///     let read = lock.upgradable_read_arc().await;
    ///     let upgrade: UpgradeArc<i32> = RwLockUpgradableReadGuardArc::upgrade(read);
    ///     *upgrade.await = 2;
    ///     assert_eq!(*lock.read().await, 2);
    /// });
    /// ```
    pub use async_lock::futures::UpgradeArc;

    /// The future of [`Barrier::wait`](super::Barrier::wait).
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::{Barrier, futures::BarrierWait};
    ///
    /// anyloop::run(async {
    ///     let barrier = Barrier::new(1);
    ///     let wait: BarrierWait<'_> = barrier.wait();
    ///     assert!(wait.await.is_leader());
    /// });
    /// ```
    pub use async_lock::futures::BarrierWait;
}
