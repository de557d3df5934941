//! A bounded multi-producer, multi-consumer queue (asyncio's `Queue`,
//! AnyIO's memory object streams), on async-channel.
//!
//! [`bounded(n)`](bounded) makes a [`Sender`] and a [`Receiver`], both
//! cloneable; every item goes to exactly one receiver, in FIFO order.
//! [`put`](Sender::put) waits while the queue holds `n` items
//! (back-pressure); [`get`](Receiver::get) waits while it is empty.
//!
//! The queue *closes* when every sender or every receiver is gone, or on
//! [`close`](Sender::close) from either side (asyncio's `Queue.shutdown()`):
//!
//! - receivers still get the items already queued, then [`RecvError`] (the
//!   [`Stream`] ends) — AnyIO's `EndOfStream`;
//! - senders get [`SendError`] with their item handed back — AnyIO's
//!   `BrokenResourceError`.
//!
//! The capacity is a bound, not an allocation: the queue takes memory for
//! the items it holds, not for the items it could hold, so
//! `bounded(usize::MAX)` is a queue without a practical limit and an empty
//! `bounded(4_000_000)` costs a few hundred bytes. (Underneath is
//! async-channel's unbounded channel, with the bound kept by a count of the
//! items held and an event on which a waiting [`put`](Sender::put) listens
//! for a [`get`](Receiver::get) to free a place.)
//!
//! # Examples
//!
//! ```
//! use anyloop::sync::queue;
//!
//! anyloop::run(async {
//!     let (tx, rx) = queue::bounded(2);
//!     let producer = anyloop::spawn(async move {
//!         for n in 0..5 {
//!             tx.put(n).await.unwrap(); // waits while 2 items are queued
//!         }
//!         // `tx` dropped: the queue closes once drained.
//!     });
//!     let mut got = Vec::new();
//!     while let Ok(n) = rx.get().await {
//!         got.push(n);
//!     }
//!     assert_eq!(got, [0, 1, 2, 3, 4]);
//!     producer.await.unwrap();
//! });
//! ```

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, ready};

use event_listener::{Event, EventListener, Listener};
use futures_core::Stream;
use pin_project_lite::pin_project;

/// What the senders and receivers of one queue share besides the channel.
struct Shared {
    /// The most items the queue holds.
    capacity: usize,
    /// The items put and not yet taken (counted before they enter the
    /// channel, so two senders cannot both take the last place).
    held: AtomicUsize,
    /// The receivers alive: the last one to go closes the queue, and must
    /// wake the senders waiting for a place.
    receivers: AtomicUsize,
    /// The senders that found the queue full and wait (or are about to):
    /// while there is none, taking an item notifies nobody, which spares
    /// the event's lock on every get.
    waiting: AtomicUsize,
    /// Notified once per place freed while senders wait, and for every
    /// waiter when the queue closes.
    place_freed: Event,
}

impl Shared {
    /// Takes a place for one item, if there is one.
    fn reserve(&self) -> bool {
        // `SeqCst`, with `release` and `Waiting::start`: a sender that
        // starts waiting either sees the place a get freed, or is counted
        // before that get looks at `waiting`.
        self.held
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |held| {
                (held < self.capacity).then_some(held + 1)
            })
            .is_ok()
    }

    /// Gives a place back (an item was taken, or its put failed). When that
    /// makes a full queue not full and a sender waits, wakes one: the woken
    /// sender, once it has put its item, wakes the next if there is still
    /// room (`Waiting::stop`). So a get that frees a place in a queue that was
    /// not full takes no lock, and every place freed still reaches a waiting
    /// sender. A woken sender that is dropped before it puts passes the
    /// notification on (event-listener's rule), so a cancelled `put` loses
    /// no wake-up.
    fn release(&self) {
        let held = self.held.fetch_sub(1, Ordering::SeqCst);
        if held == self.capacity {
            self.wake_one();
        }
    }

    /// Wakes one more waiting sender, if one waits.
    fn wake_one(&self) {
        if self.waiting.load(Ordering::SeqCst) != 0 {
            self.place_freed.notify_additional(1);
        }
    }

    /// Wakes every waiting sender: the queue is closed.
    fn closed(&self) {
        self.place_freed.notify(usize::MAX);
    }
}

/// A sender counted in [`Shared::waiting`], from the first time it finds
/// the queue full until it is done or dropped.
#[derive(Default)]
struct Waiting {
    counted: bool,
    listener: Option<EventListener>,
}

impl Waiting {
    /// Counts the sender (once), then listens for a freed place. The caller
    /// tries again before it waits on the listener.
    fn start(&mut self, shared: &Shared) {
        if !self.counted {
            shared.waiting.fetch_add(1, Ordering::SeqCst);
            self.counted = true;
        }
        self.listener = Some(shared.place_freed.listen());
    }

    /// Stops counting the sender; `put` tells whether it put its item, after
    /// which it passes the wake-up on while the queue still has room.
    fn stop(&mut self, shared: &Shared, put: bool) {
        if self.counted {
            shared.waiting.fetch_sub(1, Ordering::SeqCst);
            self.counted = false;
            if put && shared.held.load(Ordering::SeqCst) < shared.capacity {
                shared.wake_one();
            }
        }
    }
}

/// Makes a queue holding at most `capacity` items (a `capacity` of 0 is
/// taken as 1: every queue holds at least one item); returns its first
/// [`Sender`] and [`Receiver`] (clone them for more producers and consumers).
///
/// # Examples
///
/// ```
/// use anyloop::sync::queue;
///
/// let (tx, rx) = queue::bounded::<&str>(16);
/// assert_eq!((tx.capacity(), rx.capacity()), (16, 16));
/// ```
pub fn bounded<T>(capacity: usize) -> (Sender<T>, Receiver<T>) {
    // Unbounded underneath: nothing is allocated for the capacity.
    let (tx, rx) = async_channel::unbounded();
    let shared = Arc::new(Shared {
        capacity: capacity.max(1),
        held: AtomicUsize::new(0),
        receivers: AtomicUsize::new(1),
        waiting: AtomicUsize::new(0),
        place_freed: Event::new(),
    });
    (
        Sender {
            inner: tx,
            shared: shared.clone(),
        },
        Receiver {
            inner: Box::pin(rx),
            shared,
        },
    )
}

/// The sending side of a [`bounded`] queue; clone it for more producers.
///
/// # Examples
///
/// ```
/// use anyloop::sync::queue;
///
/// anyloop::run(async {
///     let (tx, rx) = queue::bounded(4);
///     let producers: Vec<_> = (0..2)
///         .map(|id| {
///             let tx = tx.clone();
///             anyloop::spawn(async move { tx.put(id).await.unwrap() })
///         })
///         .collect();
///     drop(tx);
///     for producer in producers {
///         producer.await.unwrap();
///     }
///     let (a, b) = (rx.get().await.unwrap(), rx.get().await.unwrap());
///     assert_eq!(a + b, 1);
///     assert!(rx.get().await.is_err()); // every sender is gone
/// });
/// ```
pub struct Sender<T> {
    inner: async_channel::Sender<T>,
    shared: Arc<Shared>,
}

impl<T> Sender<T> {
    /// Puts `item` at the back, waiting while the queue is full; gives it
    /// back in [`SendError`] if the queue is closed.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::queue;
    ///
    /// anyloop::run(async {
    ///     let (tx, rx) = queue::bounded(1);
    ///     tx.put('a').await.unwrap();
    ///     drop(rx);
    ///     assert_eq!(tx.put('b').await.unwrap_err().0, 'b');
    /// });
    /// ```
    pub fn put(&self, item: T) -> Put<'_, T> {
        Put {
            sender: self,
            item: Some(item),
            waiting: Waiting::default(),
        }
    }

    /// Puts `item` at the back if there is room now, without waiting
    /// (asyncio's `put_nowait`).
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::queue::{self, TrySendError};
    ///
    /// let (tx, _rx) = queue::bounded(1);
    /// assert!(tx.try_put(1).is_ok());
    /// assert_eq!(tx.try_put(2), Err(TrySendError::Full(2)));
    /// ```
    pub fn try_put(&self, item: T) -> Result<(), TrySendError<T>> {
        // Closed before full, as a bounded channel says.
        if self.inner.is_closed() {
            return Err(TrySendError::Closed(item));
        }
        if !self.shared.reserve() {
            return Err(TrySendError::Full(item));
        }
        self.inner.try_send(item).map_err(|err| {
            // Closed meanwhile (an unbounded channel is never full).
            self.shared.release();
            TrySendError::Closed(err.into_inner())
        })
    }

    /// Puts `item` at the back, blocking the thread while the queue is full:
    /// for producers on plain or blocking threads (never inside async code,
    /// where it would block a worker).
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::queue;
    ///
    /// anyloop::run(async {
    ///     let (tx, rx) = queue::bounded(1);
    ///     let producer = anyloop::spawn_blocking(move || {
    ///         for n in 0..3 {
    ///             tx.put_blocking(n).unwrap();
    ///         }
    ///     });
    ///     let mut got = Vec::new();
    ///     while let Ok(n) = rx.get().await {
    ///         got.push(n);
    ///     }
    ///     assert_eq!(got, [0, 1, 2]);
    ///     producer.await.unwrap();
    /// });
    /// ```
    pub fn put_blocking(&self, item: T) -> Result<(), SendError<T>> {
        let mut item = item;
        let mut waiting = Waiting::default();
        let result = loop {
            match self.try_put(item) {
                Ok(()) => break Ok(()),
                Err(TrySendError::Closed(back)) => break Err(SendError(back)),
                Err(TrySendError::Full(back)) => item = back,
            }
            // Listen, then try again before waiting: a place freed (or a
            // close) between the try and the listen is not missed.
            match waiting.listener.take() {
                None => waiting.start(&self.shared),
                Some(listener) => listener.wait(),
            }
        };
        waiting.stop(&self.shared, result.is_ok());
        result
    }

    /// Closes the queue for every sender and receiver; returns whether this
    /// call closed it. Queued items can still be received.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::queue;
    ///
    /// anyloop::run(async {
    ///     let (tx, rx) = queue::bounded(2);
    ///     tx.put(1).await.unwrap();
    ///     assert!(tx.close());
    ///     assert!(tx.put(2).await.is_err());
    ///     assert_eq!(rx.get().await, Ok(1));
    ///     assert!(rx.get().await.is_err());
    /// });
    /// ```
    pub fn close(&self) -> bool {
        let closed = self.inner.close();
        self.shared.closed();
        closed
    }

    /// Whether the queue is closed.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::queue;
    ///
    /// let (tx, rx) = queue::bounded::<u8>(1);
    /// assert!(!tx.is_closed());
    /// drop(rx);
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.inner.is_closed()
    }

    /// The number of items in the queue.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::queue;
    ///
    /// let (tx, _rx) = queue::bounded(4);
    /// tx.try_put(()).unwrap();
    /// assert_eq!(tx.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.inner.len()
    }

    /// Whether the queue holds no item.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::queue;
    ///
    /// let (tx, _rx) = queue::bounded::<u8>(4);
    /// assert!(tx.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.inner.is_empty()
    }

    /// Whether the queue holds [`capacity`](Sender::capacity) items, so that
    /// [`put`](Sender::put) would wait.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::queue;
    ///
    /// let (tx, _rx) = queue::bounded(1);
    /// tx.try_put(1).unwrap();
    /// assert!(tx.is_full());
    /// ```
    pub fn is_full(&self) -> bool {
        self.len() >= self.shared.capacity
    }

    /// The most items the queue holds.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::queue;
    ///
    /// let (tx, _rx) = queue::bounded::<u8>(3);
    /// assert_eq!(tx.capacity(), 3);
    /// ```
    pub fn capacity(&self) -> usize {
        self.shared.capacity
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            shared: self.shared.clone(),
        }
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender")
            .field("len", &self.len())
            .field("capacity", &self.capacity())
            .field("is_closed", &self.is_closed())
            .finish()
    }
}

/// The receiving side of a [`bounded`] queue; clone it for more consumers.
/// It is also a [`Stream`] of the items, which ends when the queue is closed
/// and drained.
///
/// # Examples
///
/// ```
/// use futures_lite::StreamExt;
/// use anyloop::sync::queue;
///
/// anyloop::run(async {
///     let (tx, mut rx) = queue::bounded(8);
///     for word in ["a", "b", "c"] {
///         tx.put(word).await.unwrap();
///     }
///     drop(tx);
///     let mut words = Vec::new();
///     while let Some(word) = rx.next().await {
///         words.push(word);
///     }
///     assert_eq!(words, ["a", "b", "c"]);
/// });
/// ```
pub struct Receiver<T> {
    // Boxed so that `Receiver` is `Unpin` (async-channel's is not).
    inner: Pin<Box<async_channel::Receiver<T>>>,
    shared: Arc<Shared>,
}

impl<T> Receiver<T> {
    /// Takes the item at the front, waiting while the queue is empty; gives
    /// [`RecvError`] once the queue is closed and drained.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::queue;
    ///
    /// anyloop::run(async {
    ///     let (tx, rx) = queue::bounded(1);
    ///     anyloop::spawn(async move { tx.put(42).await.unwrap() });
    ///     assert_eq!(rx.get().await, Ok(42));
    ///     assert_eq!(rx.get().await, Err(queue::RecvError));
    /// });
    /// ```
    pub fn get(&self) -> Get<'_, T> {
        Get {
            inner: self.inner.recv(),
            shared: &self.shared,
        }
    }

    /// Takes the item at the front if there is one, without waiting
    /// (asyncio's `get_nowait`).
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::queue::{self, TryRecvError};
    ///
    /// let (tx, rx) = queue::bounded(1);
    /// assert_eq!(rx.try_get(), Err(TryRecvError::Empty));
    /// tx.try_put(1).unwrap();
    /// assert_eq!(rx.try_get(), Ok(1));
    /// drop(tx);
    /// assert_eq!(rx.try_get(), Err(TryRecvError::Closed));
    /// ```
    pub fn try_get(&self) -> Result<T, TryRecvError> {
        match self.inner.try_recv() {
            Ok(item) => {
                self.shared.release();
                Ok(item)
            }
            Err(async_channel::TryRecvError::Empty) => Err(TryRecvError::Empty),
            Err(async_channel::TryRecvError::Closed) => Err(TryRecvError::Closed),
        }
    }

    /// Takes the item at the front, blocking the thread while the queue is
    /// empty: for consumers on plain or blocking threads (never inside async
    /// code, where it would block a worker).
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::queue;
    ///
    /// anyloop::run(async {
    ///     let (tx, rx) = queue::bounded(1);
    ///     let consumer = anyloop::spawn_blocking(move || {
    ///         let mut sum = 0;
    ///         while let Ok(n) = rx.get_blocking() {
    ///             sum += n;
    ///         }
    ///         sum
    ///     });
    ///     for n in 1..=3 {
    ///         tx.put(n).await.unwrap();
    ///     }
    ///     drop(tx);
    ///     assert_eq!(consumer.await.unwrap(), 6);
    /// });
    /// ```
    pub fn get_blocking(&self) -> Result<T, RecvError> {
        let item = self.inner.recv_blocking().map_err(|_| RecvError)?;
        self.shared.release();
        Ok(item)
    }

    /// Closes the queue for every sender and receiver; returns whether this
    /// call closed it. Queued items can still be received.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::queue;
    ///
    /// anyloop::run(async {
    ///     let (tx, rx) = queue::bounded(2);
    ///     tx.put(1).await.unwrap();
    ///     assert!(rx.close());
    ///     assert_eq!(tx.put(2).await.unwrap_err().0, 2);
    ///     assert_eq!(rx.get().await, Ok(1));
    ///     assert!(rx.get().await.is_err());
    /// });
    /// ```
    pub fn close(&self) -> bool {
        let closed = self.inner.close();
        self.shared.closed();
        closed
    }

    /// Whether the queue is closed (items may still be queued).
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::queue;
    ///
    /// let (tx, rx) = queue::bounded::<u8>(1);
    /// assert!(!rx.is_closed());
    /// drop(tx);
    /// assert!(rx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.inner.is_closed()
    }

    /// The number of items in the queue.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::queue;
    ///
    /// let (tx, rx) = queue::bounded(4);
    /// tx.try_put(()).unwrap();
    /// assert_eq!(rx.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.inner.len()
    }

    /// Whether the queue holds no item.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::queue;
    ///
    /// let (_tx, rx) = queue::bounded::<u8>(4);
    /// assert!(rx.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.inner.is_empty()
    }

    /// Whether the queue holds [`capacity`](Receiver::capacity) items.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::queue;
    ///
    /// let (tx, rx) = queue::bounded(1);
    /// tx.try_put(1).unwrap();
    /// assert!(rx.is_full());
    /// ```
    pub fn is_full(&self) -> bool {
        self.len() >= self.shared.capacity
    }

    /// The most items the queue holds.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::queue;
    ///
    /// let (_tx, rx) = queue::bounded::<u8>(3);
    /// assert_eq!(rx.capacity(), 3);
    /// ```
    pub fn capacity(&self) -> usize {
        self.shared.capacity
    }
}

impl<T> Clone for Receiver<T> {
    fn clone(&self) -> Self {
        self.shared.receivers.fetch_add(1, Ordering::Relaxed);
        Self {
            inner: Box::pin((*self.inner).clone()),
            shared: self.shared.clone(),
        }
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        // The last receiver closes the queue (async-channel would too, once
        // its receiver is dropped) and wakes the senders waiting for a
        // place, which then get their items back.
        if self.shared.receivers.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.inner.close();
            self.shared.closed();
        }
    }
}

impl<T> Stream for Receiver<T> {
    type Item = T;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let item = ready!(self.inner.as_mut().poll_next(cx));
        if item.is_some() {
            self.shared.release();
        }
        Poll::Ready(item)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("len", &self.len())
            .field("capacity", &self.capacity())
            .field("is_closed", &self.is_closed())
            .finish()
    }
}

/// The future of [`Sender::put`].
///
/// Dropping it before it completes puts nothing (the item is dropped with
/// it) and keeps no place in the queue.
///
/// # Examples
///
/// ```
/// use anyloop::sync::queue::{self, Put};
///
/// anyloop::run(async {
///     let (tx, rx) = queue::bounded(1);
///     let put: Put<'_, u8> = tx.put(1);
///     put.await.unwrap();
///     assert_eq!(rx.try_get(), Ok(1));
/// });
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Put<'a, T> {
    sender: &'a Sender<T>,
    /// `None` once the future has completed.
    item: Option<T>,
    /// Set up when the queue was full.
    waiting: Waiting,
}

// The item is moved, never pinned.
impl<T> Unpin for Put<'_, T> {}

impl<T> Future for Put<'_, T> {
    type Output = Result<(), SendError<T>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let shared = &this.sender.shared;
        loop {
            let item = this.item.take().expect("`Put` polled after it completed");
            let result = match this.sender.try_put(item) {
                Ok(()) => Ok(()),
                Err(TrySendError::Closed(item)) => Err(SendError(item)),
                Err(TrySendError::Full(item)) => {
                    this.item = Some(item);
                    // Listen, then try again before waiting: a place freed
                    // (or a close) between the try and the listen is not
                    // missed.
                    match &mut this.waiting.listener {
                        None => this.waiting.start(shared),
                        Some(listener) => {
                            ready!(Pin::new(listener).poll(cx));
                            this.waiting.listener = None;
                        }
                    }
                    continue;
                }
            };
            this.waiting.stop(shared, result.is_ok());
            return Poll::Ready(result);
        }
    }
}

impl<T> Drop for Put<'_, T> {
    fn drop(&mut self) {
        // A notified listener dropped here passes its notification on.
        self.waiting.stop(&self.sender.shared, false);
    }
}

impl<T> fmt::Debug for Put<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Put").finish_non_exhaustive()
    }
}

pin_project! {
    /// The future of [`Receiver::get`].
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::queue::{self, Get};
    ///
    /// anyloop::run(async {
    ///     let (tx, rx) = queue::bounded(1);
    ///     tx.try_put(1).unwrap();
    ///     let get: Get<'_, u8> = rx.get();
    ///     assert_eq!(get.await, Ok(1));
    /// });
    /// ```
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Get<'a, T> {
        #[pin]
        inner: async_channel::Recv<'a, T>,
        shared: &'a Shared,
    }
}

impl<T> Future for Get<'_, T> {
    type Output = Result<T, RecvError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let item = ready!(this.inner.poll(cx)).map_err(|_| RecvError)?;
        this.shared.release();
        Poll::Ready(Ok(item))
    }
}

impl<T> fmt::Debug for Get<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Get").finish_non_exhaustive()
    }
}

/// The queue is closed: the item could not be sent and is handed back.
///
/// # Examples
///
/// ```
/// use anyloop::sync::queue::{self, SendError};
///
/// anyloop::run(async {
///     let (tx, rx) = queue::bounded(1);
///     drop(rx);
///     let SendError(item) = tx.put(String::from("lost?")).await.unwrap_err();
///     assert_eq!(item, "lost?");
/// });
/// ```
#[derive(Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("sending into a closed queue")]
pub struct SendError<T>(pub T);

impl<T> SendError<T> {
    /// The item that was not sent.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::queue::SendError;
    ///
    /// assert_eq!(SendError(3).into_inner(), 3);
    /// ```
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> fmt::Debug for SendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SendError(..)")
    }
}

/// Why [`Sender::try_put`] did not put the item, which it hands back.
///
/// # Examples
///
/// ```
/// use anyloop::sync::queue::{self, TrySendError};
///
/// let (tx, rx) = queue::bounded(1);
/// tx.try_put(1).unwrap();
/// let err = tx.try_put(2).unwrap_err();
/// assert!(err.is_full());
/// assert_eq!(err.into_inner(), 2);
/// drop(rx);
/// assert!(tx.try_put(3).unwrap_err().is_closed());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TrySendError<T> {
    /// The queue is full.
    #[error("sending into a full queue")]
    Full(T),
    /// The queue is closed.
    #[error("sending into a closed queue")]
    Closed(T),
}

impl<T> TrySendError<T> {
    /// The item that was not sent.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::queue::TrySendError;
    ///
    /// assert_eq!(TrySendError::Full('x').into_inner(), 'x');
    /// ```
    pub fn into_inner(self) -> T {
        match self {
            Self::Full(item) | Self::Closed(item) => item,
        }
    }

    /// Whether the queue was full (a later try may succeed).
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::queue::TrySendError;
    ///
    /// assert!(TrySendError::Full(()).is_full());
    /// ```
    pub fn is_full(&self) -> bool {
        matches!(self, Self::Full(_))
    }

    /// Whether the queue was closed (no later try will succeed).
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::queue::TrySendError;
    ///
    /// assert!(TrySendError::Closed(()).is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        matches!(self, Self::Closed(_))
    }
}

impl<T> fmt::Debug for TrySendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Full(_) => f.write_str("Full(..)"),
            Self::Closed(_) => f.write_str("Closed(..)"),
        }
    }
}

/// The queue is closed and drained: no item will come (AnyIO's
/// `EndOfStream`).
///
/// # Examples
///
/// ```
/// use anyloop::sync::queue::{self, RecvError};
///
/// anyloop::run(async {
///     let (tx, rx) = queue::bounded::<u8>(1);
///     drop(tx);
///     assert_eq!(rx.get().await, Err(RecvError));
/// });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("receiving from an empty and closed queue")]
pub struct RecvError;

/// Why [`Receiver::try_get`] gave no item.
///
/// # Examples
///
/// ```
/// use anyloop::sync::queue::{self, TryRecvError};
///
/// let (tx, rx) = queue::bounded::<u8>(1);
/// assert!(rx.try_get().unwrap_err().is_empty());
/// drop(tx);
/// assert!(rx.try_get().unwrap_err().is_closed());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TryRecvError {
    /// The queue is empty; an item may still come.
    #[error("receiving from an empty queue")]
    Empty,
    /// The queue is empty and closed: no item will come.
    #[error("receiving from an empty and closed queue")]
    Closed,
}

impl TryRecvError {
    /// Whether the queue was empty but open.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::queue::TryRecvError;
    ///
    /// assert!(TryRecvError::Empty.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        matches!(self, Self::Empty)
    }

    /// Whether the queue was empty and closed.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::queue::TryRecvError;
    ///
    /// assert!(TryRecvError::Closed.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        matches!(self, Self::Closed)
    }
}
