//! `Event`: asyncio's, on event-listener.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, ready};

use event_listener::EventListener;

/// A flag that tasks can wait for (asyncio's and AnyIO's `Event`).
///
/// [`set`](Event::set) raises the flag and wakes every waiter;
/// [`wait`](Event::wait) returns at once while the flag is up;
/// [`clear`](Event::clear) lowers it again. As in asyncio, a task that was
/// waiting when the event was set returns even if the event is cleared
/// before it runs.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use anyloop::sync::Event;
///
/// anyloop::run(async {
///     let started = Arc::new(Event::new());
///     let task = anyloop::spawn({
///         let started = started.clone();
///         async move { started.set() }
///     });
///     started.wait().await;
///     assert!(started.is_set());
///     task.await.unwrap();
/// });
/// ```
#[derive(Default)]
pub struct Event {
    flag: AtomicBool,
    event: event_listener::Event,
}

impl Event {
    /// A new event, not set. `const`, so it can be a `static`.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::Event;
    ///
    /// static SHUTDOWN: Event = Event::new();
    /// assert!(!SHUTDOWN.is_set());
    /// ```
    pub const fn new() -> Self {
        Self {
            flag: AtomicBool::new(false),
            event: event_listener::Event::new(),
        }
    }

    /// Sets the flag and wakes every task waiting for it.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::Event;
    ///
    /// let event = Event::new();
    /// event.set();
    /// assert!(event.is_set());
    /// ```
    pub fn set(&self) {
        if !self.flag.swap(true, Ordering::SeqCst) {
            // `notify` fences, so a waiter that registered before the swap
            // is woken and one that registers after it sees the flag.
            self.event.notify(usize::MAX);
        }
    }

    /// Whether the flag is set.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::Event;
    ///
    /// let event = Event::new();
    /// assert!(!event.is_set());
    /// event.set();
    /// assert!(event.is_set());
    /// ```
    pub fn is_set(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }

    /// Lowers the flag: later calls to [`wait`](Event::wait) wait for the
    /// next [`set`](Event::set).
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::Event;
    ///
    /// let event = Event::new();
    /// event.set();
    /// event.clear();
    /// assert!(!event.is_set());
    /// ```
    pub fn clear(&self) {
        self.flag.store(false, Ordering::SeqCst);
    }

    /// Waits until the flag is set; ready at once if it is.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use std::time::Duration;
    /// use anyloop::sync::Event;
    ///
    /// anyloop::run(async {
    ///     let event = Arc::new(Event::new());
    ///     let waiter = anyloop::spawn({
    ///         let event = event.clone();
    ///         async move { event.wait().await }
    ///     });
    ///     anyloop::time::sleep(Duration::from_millis(5)).await;
    ///     event.set();
    ///     waiter.await.unwrap();
    ///     event.wait().await; // set: at once
    /// });
    /// ```
    pub fn wait(&self) -> Wait<'_> {
        Wait {
            event: self,
            listener: None,
        }
    }
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Event")
            .field("is_set", &self.is_set())
            .finish()
    }
}

/// The future of [`Event::wait`].
///
/// # Examples
///
/// ```
/// use anyloop::sync::{Event, futures::Wait};
///
/// anyloop::run(async {
///     let event = Event::new();
///     let wait: Wait<'_> = event.wait();
///     event.set();
///     wait.await;
/// });
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Wait<'a> {
    event: &'a Event,
    listener: Option<EventListener>,
}

impl Future for Wait<'_> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        loop {
            if let Some(listener) = this.listener.as_mut() {
                // Only `set` notifies: it ran after we started listening,
                // even if the flag has been cleared since (asyncio's rule).
                ready!(Pin::new(listener).poll(cx));
                this.listener = None;
                return Poll::Ready(());
            }
            if this.event.is_set() {
                return Poll::Ready(());
            }
            // Listen, then look at the flag again: a `set` between the two
            // is seen by the look, one after it wakes the listener.
            this.listener = Some(this.event.event.listen());
            if this.event.is_set() {
                this.listener = None;
                return Poll::Ready(());
            }
        }
    }
}

impl fmt::Debug for Wait<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wait")
            .field("event", self.event)
            .finish_non_exhaustive()
    }
}
