//! Pipelining: trade a little latency for far fewer round trips.
//!
//! A [`Batcher`] collects items from any number of producers; its
//! [`Batches`] end hands them out as batches of up to `size` items, sending
//! a smaller batch once `max_delay` has passed since its first item. A
//! database writer, a log shipper or a metrics client then pays one round
//! trip per batch instead of one per item.
//!
//! **Choosing the batch size**: with a round trip of `r` and a per-item cost
//! of `c` on the far side, a batch of `n` costs about `r + n·c`, so items go
//! through at `n / (r + n·c)` per second: the gain flattens once `n·c`
//! dominates `r`, i.e. past `n ≈ r / c`. Start there, cap it by what the far
//! side accepts in one request, and set `max_delay` to the latency an item
//! may wait when traffic is low: a batch is never older than that, counted
//! from when its first item was pushed (not from when the consumer looked),
//! so a consumer that was busy gets the items that waited too long at once.
//! A `max_delay` too large to add to the clock (`Duration::MAX`) means
//! batches go out only full, or at the close.
//!
//! **Back-pressure**: at most `max_in_flight` batches' worth of items wait
//! between the producers and the consumer; [`Batcher::push`] waits for room
//! beyond that, so a slow consumer slows the producers instead of filling
//! memory.
//!
//! **Nothing is lost**: when every `Batcher` is dropped or
//! [`close`](Batcher::close)d, the consumer still receives every item pushed
//! before, the last batch possibly partial, and then the end.
//!
//! # Examples
//!
//! ```
//! use std::time::Duration;
//! use anyloop::pipeline::batcher;
//!
//! anyloop::run(async {
//!     let (batcher, mut batches) = batcher::<u32>(100, Duration::from_millis(5), 4);
//!     let producer = anyloop::spawn(async move {
//!         for i in 0..250 {
//!             batcher.push(i).await.unwrap();
//!         }
//!         // Dropping the batcher closes it: the last 50 items still arrive.
//!     });
//!     let mut sizes = Vec::new();
//!     while let Some(batch) = batches.recv().await {
//!         sizes.push(batch.len());
//!     }
//!     producer.await.unwrap();
//!     assert_eq!(sizes.iter().sum::<usize>(), 250);
//!     assert!(sizes.iter().all(|&n| n <= 100));
//! });
//! ```

use std::fmt;
use std::time::Duration;

use crate::sync::queue;
use crate::time::Instant;

/// Creates a batcher: `size` items per batch at most (0 is taken as 1), a
/// partial batch sent `max_delay` after its first item was pushed, and at
/// most `max_in_flight` batches (0 is taken as 1) of items waiting for the
/// consumer.
///
/// Any values are accepted: the room for waiting items is not allocated up
/// front (`usize::MAX` means no bound), and a `max_delay` that overflows the
/// clock means "no delay limit".
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use anyloop::pipeline::batcher;
///
/// anyloop::run(async {
///     // Batches of 3, a partial one 10 ms after its first item; room for
///     // two batches' worth of items before `push` waits for the consumer.
///     let (batcher, mut batches) = batcher(3, Duration::from_millis(10), 2);
///     for word in ["a", "b", "c", "d"] {
///         batcher.push(word).await.unwrap();
///     }
///     assert_eq!(batches.recv().await.unwrap(), ["a", "b", "c"]);
///     assert_eq!(batches.recv().await.unwrap(), ["d"]); // after 10 ms
/// });
/// ```
pub fn batcher<T>(
    size: usize,
    max_delay: Duration,
    max_in_flight: usize,
) -> (Batcher<T>, Batches<T>) {
    let size = size.max(1);
    let capacity = size.saturating_mul(max_in_flight.max(1));
    let (tx, rx) = queue::bounded(capacity);
    (
        Batcher { tx },
        Batches {
            rx,
            size,
            max_delay,
            pending: Vec::with_capacity(size.min(1024)),
            deadline: None,
        },
    )
}

/// The producing end of a [`batcher`]; clone it for several producers.
pub struct Batcher<T> {
    // Each item with the instant it was pushed: a batch's age counts from
    // its first item's.
    tx: queue::Sender<(Instant, T)>,
}

/// The item could not be pushed: the consumer is gone (or the batcher was
/// closed). The item is handed back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the batcher is closed")]
pub struct Closed<T>(pub T);

impl<T> Batcher<T> {
    /// Adds an item, waiting while `max_in_flight` batches' worth of items
    /// already wait for the consumer.
    ///
    /// # Errors
    ///
    /// [`Closed`] with the item if the consumer is gone or the batcher was
    /// closed.
    pub async fn push(&self, item: T) -> Result<(), Closed<T>> {
        self.tx
            .put((Instant::now(), item))
            .await
            .map_err(|err| Closed(err.into_inner().1))
    }

    /// Adds an item if there is room now.
    ///
    /// # Errors
    ///
    /// [`Closed`] with the item if there is no room or the consumer is gone.
    pub fn try_push(&self, item: T) -> Result<(), Closed<T>> {
        self.tx
            .try_put((Instant::now(), item))
            .map_err(|err| Closed(err.into_inner().1))
    }

    /// Closes the batcher for every producer: the consumer receives what was
    /// pushed, then the end. Returns `false` if it was already closed.
    pub fn close(&self) -> bool {
        self.tx.close()
    }

    /// The number of items waiting for the consumer.
    pub fn len(&self) -> usize {
        self.tx.len()
    }

    /// Returns `true` if no item waits for the consumer.
    pub fn is_empty(&self) -> bool {
        self.tx.is_empty()
    }
}

impl<T> Clone for Batcher<T> {
    fn clone(&self) -> Self {
        Batcher {
            tx: self.tx.clone(),
        }
    }
}

impl<T> fmt::Debug for Batcher<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Batcher")
            .field("waiting", &self.tx.len())
            .field("closed", &self.tx.is_closed())
            .finish()
    }
}

/// The consuming end of a [`batcher`].
pub struct Batches<T> {
    rx: queue::Receiver<(Instant, T)>,
    size: usize,
    max_delay: Duration,
    // The batch being collected, kept here so that a dropped `recv` loses
    // nothing, and when it must go out (`None` while empty, or when the
    // delay overflows the clock: then only when full).
    pending: Vec<T>,
    deadline: Option<Instant>,
}

impl<T> Batches<T> {
    /// Waits for the next batch: `size` items, or fewer once `max_delay` has
    /// passed since the first of them was pushed, or the batcher is closed.
    /// `None` once the batcher is closed and every item has been handed out.
    ///
    /// Cancel safe: items received by a `recv` that is dropped stay in the
    /// `Batches` and start the next batch.
    pub async fn recv(&mut self) -> Option<Vec<T>> {
        loop {
            if self.pending.len() >= self.size {
                break;
            }
            // Take what is already there without touching the timer, even
            // when the batch is overdue: those items waited too.
            match self.rx.try_get() {
                Ok(item) => {
                    self.push(item);
                    continue;
                }
                Err(err) if err.is_closed() => break,
                Err(_empty) => {}
            }
            if self
                .deadline
                .is_some_and(|deadline| deadline <= Instant::now())
            {
                break; // the batch is as old as it may get
            }
            let received = match self.deadline {
                None => self.rx.get().await.ok(),
                Some(deadline) => match crate::time::timeout_at(deadline, self.rx.get()).await {
                    Ok(received) => received.ok(),
                    Err(_elapsed) => break,
                },
            };
            match received {
                Some(item) => self.push(item),
                None => break, // closed and drained
            }
        }
        self.deadline = None;
        let batch = std::mem::replace(&mut self.pending, Vec::with_capacity(self.size.min(1024)));
        (!batch.is_empty()).then_some(batch)
    }

    fn push(&mut self, (pushed, item): (Instant, T)) {
        if self.pending.is_empty() {
            self.deadline = pushed.checked_add(self.max_delay);
        }
        self.pending.push(item);
    }
}

impl<T> fmt::Debug for Batches<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Batches")
            .field("size", &self.size)
            .field("max_delay", &self.max_delay)
            .field("waiting", &self.rx.len())
            .finish()
    }
}
