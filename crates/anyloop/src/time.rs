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

use std::future::Future;
use std::time::Duration;

pub use anyloop_core::time::{Elapsed, Instant, MissedTickBehavior, current_deadline};

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
