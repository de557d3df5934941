//! A channel for one value, sent once (a future that another task resolves).
//!
//! [`channel`] makes a [`Sender`] and a [`Receiver`]; the receiver is itself
//! the future of the value. Either side may be dropped first:
//!
//! - sender dropped without sending: the receiver gives [`RecvError`];
//! - receiver dropped: [`Sender::send`] hands the value back.
//!
//! # Examples
//!
//! ```
//! use anyloop::sync::oneshot;
//!
//! anyloop::run(async {
//!     let (tx, rx) = oneshot::channel();
//!     anyloop::spawn(async move {
//!         tx.send("answer").unwrap();
//!     });
//!     assert_eq!(rx.await, Ok("answer"));
//! });
//! ```

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, ready};

use event_listener::EventListener;

/// Makes a one-shot channel: the [`Sender`] sends one value, the
/// [`Receiver`] is the future of it.
///
/// # Examples
///
/// ```
/// use anyloop::sync::oneshot;
///
/// anyloop::run(async {
///     let (tx, rx) = oneshot::channel::<u32>();
///     tx.send(7).unwrap();
///     assert_eq!(rx.await, Ok(7));
/// });
/// ```
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            value: None,
            sender_gone: false,
            receiver_gone: false,
        }),
        event: event_listener::Event::new(),
    });
    (
        Sender {
            shared: shared.clone(),
        },
        Receiver {
            shared,
            listener: None,
        },
    )
}

struct Shared<T> {
    state: Mutex<State<T>>,
    /// Notified when the sender goes, with or without a value.
    event: event_listener::Event,
}

struct State<T> {
    value: Option<T>,
    sender_gone: bool,
    receiver_gone: bool,
}

impl<T> Shared<T> {
    fn state(&self) -> MutexGuard<'_, State<T>> {
        // The critical sections cannot panic; poisoning carries no meaning.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The value, or whether waiting for one is hopeless.
    fn take(&self) -> Result<T, TryRecvError> {
        let mut state = self.state();
        match state.value.take() {
            Some(value) => Ok(value),
            None if state.sender_gone => Err(TryRecvError::Closed),
            None => Err(TryRecvError::Empty),
        }
    }
}

/// Sends the value of a [`channel`]; consumed by [`send`](Sender::send).
/// Dropping it without sending makes the receiver give [`RecvError`].
///
/// # Examples
///
/// ```
/// use anyloop::sync::oneshot;
///
/// anyloop::run(async {
///     let (tx, rx) = oneshot::channel::<()>();
///     drop(tx);
///     assert_eq!(rx.await, Err(oneshot::RecvError));
/// });
/// ```
pub struct Sender<T> {
    shared: Arc<Shared<T>>,
}

impl<T> Sender<T> {
    /// Sends `value`; gives it back if the receiver is gone.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::oneshot;
    ///
    /// let (tx, rx) = oneshot::channel();
    /// drop(rx);
    /// assert_eq!(tx.send(5), Err(5));
    /// ```
    pub fn send(self, value: T) -> Result<(), T> {
        let mut state = self.shared.state();
        if state.receiver_gone {
            return Err(value);
        }
        state.value = Some(value);
        // Dropping `self`, after `state`, wakes the receiver.
        Ok(())
    }

    /// Whether the receiver is gone, so that sending would fail.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::oneshot;
    ///
    /// let (tx, rx) = oneshot::channel::<u8>();
    /// assert!(!tx.is_closed());
    /// drop(rx);
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.shared.state().receiver_gone
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        self.shared.state().sender_gone = true;
        self.shared.event.notify(1);
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender")
            .field("is_closed", &self.is_closed())
            .finish()
    }
}

/// Receives the value of a [`channel`]: a future of `Result<T, RecvError>`,
/// the error meaning that the sender was dropped without sending.
///
/// # Examples
///
/// ```
/// use anyloop::sync::oneshot;
///
/// anyloop::run(async {
///     let (tx, rx) = oneshot::channel();
///     let task = anyloop::spawn(rx);
///     tx.send(String::from("hi")).unwrap();
///     assert_eq!(task.await.unwrap().unwrap(), "hi");
/// });
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Receiver<T> {
    shared: Arc<Shared<T>>,
    listener: Option<EventListener>,
}

impl<T> Receiver<T> {
    /// Takes the value if it has been sent, without waiting.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::oneshot::{self, TryRecvError};
    ///
    /// let (tx, rx) = oneshot::channel();
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// tx.send(1).unwrap();
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    /// ```
    pub fn try_recv(&self) -> Result<T, TryRecvError> {
        self.shared.take()
    }
}

impl<T> Future for Receiver<T> {
    type Output = Result<T, RecvError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        loop {
            match this.shared.take() {
                Ok(value) => return Poll::Ready(Ok(value)),
                Err(TryRecvError::Closed) => return Poll::Ready(Err(RecvError)),
                Err(TryRecvError::Empty) => {}
            }
            match this.listener.as_mut() {
                // Listen, then look again: the sender going in between is
                // seen by the look, after it wakes the listener.
                None => this.listener = Some(this.shared.event.listen()),
                Some(listener) => {
                    ready!(Pin::new(listener).poll(cx));
                    this.listener = None;
                }
            }
        }
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        let value = {
            let mut state = self.shared.state();
            state.receiver_gone = true;
            state.value.take()
        };
        // A value sent but never received is dropped outside the lock.
        drop(value);
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver").finish_non_exhaustive()
    }
}

/// The sender of a one-shot [`channel`] was dropped without sending.
///
/// # Examples
///
/// ```
/// use anyloop::sync::oneshot::{self, RecvError};
///
/// anyloop::run(async {
///     let (tx, rx) = oneshot::channel::<u8>();
///     drop(tx);
///     let err: RecvError = rx.await.unwrap_err();
///     assert_eq!(err.to_string(), "the oneshot sender was dropped without sending");
/// });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the oneshot sender was dropped without sending")]
pub struct RecvError;

/// Why [`Receiver::try_recv`] has no value.
///
/// # Examples
///
/// ```
/// use anyloop::sync::oneshot::{self, TryRecvError};
///
/// let (tx, rx) = oneshot::channel::<u8>();
/// assert!(rx.try_recv().unwrap_err().is_empty());
/// drop(tx);
/// assert!(rx.try_recv().unwrap_err().is_closed());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TryRecvError {
    /// No value yet; the sender may still send one.
    #[error("the oneshot value has not been sent yet")]
    Empty,
    /// No value, and none will come: the sender is gone (or the value was
    /// already taken).
    #[error("the oneshot sender is gone")]
    Closed,
}

impl TryRecvError {
    /// Whether the value may still come.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::oneshot::TryRecvError;
    ///
    /// assert!(TryRecvError::Empty.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        matches!(self, Self::Empty)
    }

    /// Whether no value will ever come.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::sync::oneshot::TryRecvError;
    ///
    /// assert!(TryRecvError::Closed.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        matches!(self, Self::Closed)
    }
}
