//! Timers on the runtime that runs the caller.
//!
//! One meaning on every backend (the native timers differ; see the table in
//! the [crate docs](crate#what-each-backend-does)):
//!
//! - [`sleep(d)`](sleep) suspends at least once; `sleep(Duration::ZERO)` is
//!   exactly one yield to the runtime, like `asyncio.sleep(0)` (a native
//!   tokio `sleep(0)` would wait for the next 1 ms tick);
//! - [`sleep_until`] with a deadline that has passed is ready at once;
//! - [`timeout`] polls its future first and, on expiry, gives [`Elapsed`]
//!   and drops the future;
//! - [`interval`] ticks first at once, then every period; missed ticks follow
//!   [`MissedTickBehavior`] (default: burst, as in tokio).
//!
//! The timer behind a [`Sleep`] is looked up when it is first polled, so a
//! sleep may be created outside the runtime that awaits it.
//!
//! # Virtual time
//!
//! Tests of timeouts, retries and intervals need not wait for them. Inside a
//! runtime that anyloop started ([`Runtime::block_on`](crate::Runtime::block_on),
//! [`run`](crate::run), `#[anyloop::main]`, `#[anyloop::test]`), [`pause`]
//! freezes the runtime's clock; from then on [`sleep`], [`sleep_until`],
//! [`timeout`], [`timeout_at`], [`interval`] (and the static face's timers,
//! `Sleep<Smol>` and the like) and [`Instant::now`] run on a virtual clock,
//! the same on every backend:
//!
//! - [`advance(d)`](advance) moves the clock by `d`, firing the timers due in
//!   deadline order; the tasks each timer wakes run before the next one
//!   fires, as in tokio;
//! - [`resume`] lets the clock run again from its virtual instant (sleeps
//!   still waiting go on, on the runtime's own timer);
//! - `#[anyloop::test(start_paused = true)]` starts the test paused;
//! - **auto-advance**: when every task on the paused clock is idle and a
//!   timer is pending, the clock jumps to the next deadline, so an hour's
//!   `sleep` in a paused test returns at once.
//!
//! "Idle" means the same on every backend: a task on the clock is busy from
//! the moment it is woken (anyloop wraps its waker) or spawned until its
//! poll returns `Pending`, and a `spawn_blocking` closure holds the clock
//! while it runs. I/O readiness does not count: a paused runtime whose tasks
//! all wait on sockets, with a timer pending, jumps to that timer (keep
//! virtual timeouts away from real I/O in paused tests).
//!
//! ```
//! use std::time::Duration;
//! use anyloop::time::{self, Instant};
//!
//! anyloop::run(async {
//!     time::pause();
//!     let start = Instant::now();
//!     // Returns at once: nothing else runs, so the clock jumps an hour.
//!     time::sleep(Duration::from_secs(3600)).await;
//!     assert_eq!(start.elapsed(), Duration::from_secs(3600));
//! });
//! ```
//!
//! ```
//! use std::time::Duration;
//! use anyloop::time::{self, Instant};
//!
//! anyloop::run(async {
//!     time::pause();
//!     let start = Instant::now();
//!     let nap = anyloop::spawn(time::sleep(Duration::from_secs(3600)));
//!     time::advance(Duration::from_secs(3600)).await;
//!     nap.await.unwrap();
//!     assert_eq!(start.elapsed(), Duration::from_secs(3600));
//!     time::resume();
//! });
//! ```
//!
//! What is virtual: the clock belongs to the root future of the runtime and
//! to the tasks spawned through anyloop (`anyloop::spawn`, task groups...)
//! by code that runs on it *after it was first paused*, transitively; and to
//! the blocking closures they spawn. Tasks spawned before the first pause,
//! native timers (`tokio::time::sleep`, `smol::Timer`) and code that anyloop
//! does not run stay on real time; so do runtimes that never pause. Until
//! some runtime of the process pauses, reading the clock costs one relaxed
//! atomic load more than `std::time::Instant::now()`, and a `Sleep` or
//! `Timeout` is the size of its native timer (the rest of virtual time is
//! out of line).
//!
//! Where the caller may have no anyloop clock (a library's test helper, code
//! on a runtime started natively), [`try_pause`], [`try_resume`] and
//! [`try_advance`] return a [`ClockError`] instead of panicking.

use std::future::Future;
use std::time::Duration;

pub use anyloop_core::time::{Elapsed, Instant, MissedTickBehavior, current_deadline};

use anyloop_core::time::clock::{self, Clock};

use crate::rt::{Current, TimerExt};

/// Future returned by [`sleep`] and [`sleep_until`]; with a backend handle
/// as `T`, by the static face's [`TimerExt::sleep`].
pub type Sleep<T = Current> = anyloop_core::time::Sleep<T>;

/// Future returned by [`timeout`] and [`timeout_at`]; with a backend handle
/// as `T`, by the static face's [`TimerExt::timeout`].
pub type Timeout<F, T = Current> = anyloop_core::time::Timeout<F, T>;

/// Ticks at a fixed period; made by [`interval`] and [`interval_at`]; with a
/// backend handle as `T`, by the static face's [`TimerExt::interval`].
pub type Interval<T = Current> = anyloop_core::time::Interval<T>;

/// Waits until `duration` has elapsed, suspending the task at least once.
///
/// # Examples
///
/// ```
/// use std::time::{Duration, Instant};
///
/// anyloop::run(async {
///     let start = Instant::now();
///     anyloop::time::sleep(Duration::from_millis(10)).await;
///     assert!(start.elapsed() >= Duration::from_millis(10));
/// });
/// ```
#[inline]
pub fn sleep(duration: Duration) -> Sleep {
    Current.sleep(duration)
}

/// Waits until `deadline`; ready at once if it has passed.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use anyloop::time::Instant;
///
/// anyloop::run(async {
///     let deadline = Instant::now() + Duration::from_millis(5);
///     anyloop::time::sleep_until(deadline).await;
///     assert!(Instant::now() >= deadline);
/// });
/// ```
#[inline]
pub fn sleep_until(deadline: Instant) -> Sleep {
    Current.sleep_until(deadline)
}

/// Requires `future` to complete within `duration`.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// anyloop::run(async {
///     let quick = anyloop::time::timeout(Duration::from_secs(1), async { 42 }).await;
///     assert_eq!(quick, Ok(42));
///     let slow = anyloop::time::timeout(Duration::from_millis(1), std::future::pending::<()>());
///     assert!(slow.await.is_err());
/// });
/// ```
#[inline]
pub fn timeout<F: Future>(duration: Duration, future: F) -> Timeout<F> {
    Current.timeout(duration, future)
}

/// Requires `future` to complete before `deadline`.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use anyloop::time::Instant;
///
/// anyloop::run(async {
///     let deadline = Instant::now() + Duration::from_secs(1);
///     assert_eq!(anyloop::time::timeout_at(deadline, async { 7 }).await, Ok(7));
/// });
/// ```
#[inline]
pub fn timeout_at<F: Future>(deadline: Instant, future: F) -> Timeout<F> {
    Current.timeout_at(deadline, future)
}

/// Creates an [`Interval`] whose first tick completes at once.
///
/// A zero period is allowed: each tick then yields to the runtime once.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// anyloop::run(async {
///     let mut ticks = anyloop::time::interval(Duration::from_millis(2));
///     let first = ticks.tick().await;
///     let second = ticks.tick().await;
///     assert_eq!(second - first, Duration::from_millis(2));
/// });
/// ```
#[inline]
pub fn interval(period: Duration) -> Interval {
    Current.interval(period)
}

/// Creates an [`Interval`] whose first tick completes at `start`.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use anyloop::time::Instant;
///
/// anyloop::run(async {
///     let start = Instant::now() + Duration::from_millis(3);
///     let mut ticks = anyloop::time::interval_at(start, Duration::from_millis(2));
///     assert_eq!(ticks.tick().await, start);
/// });
/// ```
#[inline]
pub fn interval_at(start: Instant, period: Duration) -> Interval {
    Current.interval_at(start, period)
}

/// Why [`try_pause`], [`try_resume`] or [`try_advance`] could not act on
/// the clock.
///
/// # Examples
///
/// ```
/// use anyloop::time::{self, ClockError};
///
/// // Outside any runtime that anyloop started there is no clock to pause.
/// let err = time::try_pause().unwrap_err();
/// assert!(err.is_no_clock());
/// assert_eq!(err, ClockError::NoClock);
///
/// anyloop::run(async {
///     // The clock is not paused yet: there is nothing to advance.
///     let err = time::try_advance(std::time::Duration::from_secs(1)).err();
///     assert!(err.is_some_and(|err| err.is_not_paused()));
/// });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ClockError {
    /// The caller does not run on the clock of a runtime that anyloop
    /// started: it is outside the future given to
    /// [`Runtime::block_on`](crate::Runtime::block_on) (or `run`,
    /// `#[anyloop::test]`...) and the tasks spawned from it after a pause.
    #[error(
        "called outside the clock of a runtime that anyloop started: call it from the future \
         given to `Runtime::block_on`, `anyloop::run` or `#[anyloop::test]`, or from a task \
         spawned after the first `pause`"
    )]
    NoClock,
    /// The clock is not paused ([`try_advance`] needs a paused clock).
    #[error("the clock is not paused (call `anyloop::time::pause` first)")]
    NotPaused,
}

impl ClockError {
    /// Returns `true` if there was no anyloop clock to act on.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(anyloop::time::try_resume().unwrap_err().is_no_clock());
    /// ```
    pub fn is_no_clock(&self) -> bool {
        *self == ClockError::NoClock
    }

    /// Returns `true` if the clock was not paused.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// anyloop::run(async {
    ///     let err = anyloop::time::try_advance(Duration::from_secs(1)).err().unwrap();
    ///     assert!(err.is_not_paused());
    /// });
    /// ```
    pub fn is_not_paused(&self) -> bool {
        *self == ClockError::NotPaused
    }
}

/// The clock of the caller, or [`ClockError::NoClock`].
fn try_clock() -> Result<std::sync::Arc<Clock>, ClockError> {
    clock::current().ok_or(ClockError::NoClock)
}

/// The panicking forms: `anyloop::time::{what}: {err}`.
#[cold]
#[track_caller]
fn clock_panic(what: &str, err: ClockError) -> ! {
    panic!("anyloop::time::{what}: {err}")
}

/// Freezes the clock of the runtime running the caller; see
/// [Virtual time](self#virtual-time). A no-op if it is already paused.
///
/// # Panics
///
/// Outside the clock of a runtime that anyloop started: outside the future
/// given to [`Runtime::block_on`](crate::Runtime::block_on) (or `run`,
/// `#[anyloop::test]`...) and the tasks spawned from it after a pause.
/// [`try_pause`] returns an error instead.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use anyloop::time::{self, Instant};
///
/// anyloop::run(async {
///     time::pause();
///     let start = Instant::now();
///     std::thread::sleep(Duration::from_millis(5));
///     assert_eq!(Instant::now(), start, "the clock is frozen");
/// });
/// ```
#[track_caller]
pub fn pause() {
    try_pause().unwrap_or_else(|err| clock_panic("pause", err));
}

/// [`pause`], or [`ClockError::NoClock`] instead of a panic where there is
/// no anyloop clock: for code that may run outside a runtime anyloop
/// started (a library's test helper, code on a runtime started natively).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use anyloop::time::{self, Instant};
///
/// anyloop::run(async {
///     time::try_pause().expect("anyloop::run has a clock");
///     let start = Instant::now();
///     time::sleep(Duration::from_secs(3600)).await;
///     assert_eq!(start.elapsed(), Duration::from_secs(3600));
/// });
/// // No runtime, no clock.
/// assert!(time::try_pause().unwrap_err().is_no_clock());
/// ```
pub fn try_pause() -> Result<(), ClockError> {
    try_clock()?.pause();
    Ok(())
}

/// Lets the paused clock of the runtime running the caller run again, from
/// its virtual instant; see [Virtual time](self#virtual-time). A no-op if it
/// is not paused.
///
/// # Panics
///
/// Where [`pause`] panics; [`try_resume`] returns an error instead.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use anyloop::time::{self, Instant};
///
/// anyloop::run(async {
///     time::pause();
///     time::advance(Duration::from_secs(60)).await;
///     let frozen = Instant::now();
///     time::resume();
///     time::sleep(Duration::from_millis(2)).await;
///     assert!(Instant::now() >= frozen + Duration::from_millis(2));
/// });
/// ```
#[track_caller]
pub fn resume() {
    try_resume().unwrap_or_else(|err| clock_panic("resume", err));
}

/// [`resume`], or [`ClockError::NoClock`] instead of a panic where there is
/// no anyloop clock. A no-op (`Ok`) if the clock is not paused.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use anyloop::time::{self, Instant};
///
/// anyloop::run(async {
///     time::pause();
///     time::try_resume().unwrap();
///     let start = Instant::now();
///     time::sleep(Duration::from_millis(2)).await;
///     assert!(start.elapsed() >= Duration::from_millis(2));
/// });
/// assert!(time::try_resume().unwrap_err().is_no_clock());
/// ```
pub fn try_resume() -> Result<(), ClockError> {
    try_clock()?.resume();
    Ok(())
}

/// Moves the paused clock of the runtime running the caller by `duration`,
/// firing the timers due in deadline order: the tasks that each deadline
/// wakes run (until they wait again) before the next deadline fires. It
/// first lets the tasks that are ready run until they wait, so that their
/// timers are set. See [Virtual time](self#virtual-time).
///
/// # Panics
///
/// Where [`pause`] panics, and if the clock is not paused; [`try_advance`]
/// returns an error instead.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use anyloop::time::{self, Instant};
///
/// anyloop::run(async {
///     time::pause();
///     let start = Instant::now();
///     let late = anyloop::spawn(async {
///         time::sleep(Duration::from_secs(20)).await;
///         Instant::now()
///     });
///     time::advance(Duration::from_secs(30)).await;
///     assert_eq!(late.await.unwrap() - start, Duration::from_secs(20));
///     assert_eq!(Instant::now() - start, Duration::from_secs(30));
/// });
/// ```
#[track_caller]
pub fn advance(duration: Duration) -> impl Future<Output = ()> + Send + 'static {
    try_advance(duration).unwrap_or_else(|err| clock_panic("advance", err))
}

/// [`advance`], or an error instead of a panic: [`ClockError::NoClock`]
/// where there is no anyloop clock, [`ClockError::NotPaused`] if the clock
/// is not paused. The checks are made when it is called, before the future
/// it returns is awaited.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use anyloop::time::{self, Instant};
///
/// anyloop::run(async {
///     assert!(time::try_advance(Duration::from_secs(1)).err().unwrap().is_not_paused());
///     time::pause();
///     let start = Instant::now();
///     time::try_advance(Duration::from_secs(5)).unwrap().await;
///     assert_eq!(start.elapsed(), Duration::from_secs(5));
/// });
/// ```
pub fn try_advance(
    duration: Duration,
) -> Result<impl Future<Output = ()> + Send + 'static, ClockError> {
    let clock = try_clock()?;
    if !clock.is_paused() {
        return Err(ClockError::NotPaused);
    }
    Ok(async move {
        settle(&clock).await;
        let now = clock.now();
        let target = Instant::from_std(now)
            .checked_add(duration)
            .unwrap_or_else(|| Instant::from_std(now) + Duration::from_secs(86_400 * 365 * 30))
            .into_std();
        while clock.advance_to(target) {
            settle(&clock).await;
        }
    })
}

/// Lets the other tasks on `clock` run until they all wait: until no other
/// task is scheduled, and (for sleeps polled by tasks anyloop does not
/// count) every fired timer has been seen, or a bounded number of yields.
async fn settle(clock: &Clock) {
    loop {
        crate::task::yield_now().await;
        if clock.others_idle() {
            break;
        }
    }
    for _ in 0..SETTLE_YIELDS {
        if clock.fired_seen() {
            break;
        }
        crate::task::yield_now().await;
    }
}

/// How many times `advance` yields, at most, for sleeps polled by tasks
/// that anyloop does not count to see their timer fire.
const SETTLE_YIELDS: usize = 1_000;
