//! Time types written once over any [`Timer`].
//!
//! The runtimes' own timers disagree at the edges: tokio rounds every
//! deadline up to its next 1 ms tick (so its `sleep(0)` takes about a
//! millisecond), while async-io completes a zero-length timer without
//! suspending at all. [`Sleep`] gives one meaning on every backend:
//!
//! - `sleep(d)` suspends the task at least once, and `sleep(Duration::ZERO)`
//!   is exactly one yield back to the runtime (like `asyncio.sleep(0)`);
//! - `sleep_until(deadline)` with a deadline that has passed is ready at once;
//! - any other deadline is handed to the native timer, which completes at or
//!   after it, within the runtime's resolution.

use std::cell::Cell;
use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

#[doc(hidden)]
pub mod clock;
mod instant;

pub use instant::Instant;

use crate::Timer;

/// Methods for any [`Timer`]: the static face of `anyloop::time`.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use anyloop::rt::{Timer, TimerExt};
///
/// async fn slow_answer<T: Timer + Clone>(timer: &T) -> Result<u32, anyloop::time::Elapsed> {
///     timer.timeout(Duration::from_secs(1), async { 42 }).await
/// }
///
/// assert_eq!(anyloop::run(slow_answer(&anyloop::rt::Smol)), Ok(42));
/// ```
pub trait TimerExt: Timer + Clone {
    /// Waits until `duration` has elapsed; see the [module docs](self).
    fn sleep(&self, duration: Duration) -> Sleep<Self> {
        Sleep::new(self.clone(), deadline_after(duration), true)
    }

    /// Waits until `deadline`; see the [module docs](self).
    fn sleep_until(&self, deadline: Instant) -> Sleep<Self> {
        Sleep::new(self.clone(), deadline, false)
    }

    /// Requires `future` to complete within `duration`, or gives
    /// [`Elapsed`] and drops it.
    fn timeout<F: Future>(&self, duration: Duration, future: F) -> Timeout<F, Self> {
        self.timeout_at(deadline_after(duration), future)
    }

    /// Requires `future` to complete before `deadline`, or gives
    /// [`Elapsed`] and drops it.
    fn timeout_at<F: Future>(&self, deadline: Instant, future: F) -> Timeout<F, Self> {
        Timeout {
            future,
            sleep: self.sleep_until(deadline),
        }
    }

    /// Creates an [`Interval`] whose first tick completes at once.
    fn interval(&self, period: Duration) -> Interval<Self> {
        self.interval_at(Instant::now(), period)
    }

    /// Creates an [`Interval`] whose first tick completes at `start`.
    fn interval_at(&self, start: Instant, period: Duration) -> Interval<Self> {
        Interval {
            sleep: Box::pin(self.sleep_until(start)),
            period,
            missed_tick_behavior: MissedTickBehavior::default(),
        }
    }
}

impl<T: Timer + Clone> TimerExt for T {}

/// `now + duration`, saturated far in the future instead of overflowing.
#[inline]
fn deadline_after(duration: Duration) -> Instant {
    add_or_never(Instant::now(), duration)
}

/// How far "never" is: 30 years, as tokio's far future.
const NEVER: Duration = Duration::from_secs(86_400 * 365 * 30);

/// `instant + duration`, or "never" when that overflows the clock: 30 years
/// on, or, closer to the end of the clock than that, the latest instant it
/// can hold.
#[inline]
fn add_or_never(instant: Instant, duration: Duration) -> Instant {
    match instant.checked_add(duration) {
        Some(sum) => sum,
        None => never_after(instant),
    }
}

/// "Never" from `instant`: see [`add_or_never`].
#[cold]
#[inline(never)]
fn never_after(instant: Instant) -> Instant {
    if let Some(never) = instant.checked_add(NEVER) {
        return never;
    }
    // Each round advances or halves the step: at most about 120 rounds.
    let (mut latest, mut step) = (instant, NEVER);
    while !step.is_zero() {
        match latest.checked_add(step) {
            Some(later) => latest = later,
            None => step /= 2,
        }
    }
    latest
}

pin_project_lite::pin_project! {
    /// Future returned by [`TimerExt::sleep`] and [`TimerExt::sleep_until`].
    ///
    /// The native timer is created on first poll, only if the deadline has
    /// not passed by then, and reused when the sleep is [reset](Sleep::reset)
    /// (an [`Interval`] keeps one timer for all its ticks).
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Sleep<T: Timer> {
        timer: T,
        deadline: Instant,
        state: SleepState,
        // What the sleep waits on, `None` until it is first armed.
        #[pin]
        slot: Option<Slot<T::Delay>>,
    }
}

pin_project_lite::pin_project! {
    // The native timer or, inside a paused runtime, the sleep's place on
    // the clock (boxed: no bigger than a pointer). One slot for both keeps
    // a `Sleep` the size of its native timer, and dropping a sleep that was
    // never armed one test, as with an `Option` of the native timer.
    #[project = SlotProj]
    enum Slot<D> {
        Native { #[pin] delay: D },
        Virtual { registration: Box<clock::Registration> },
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SleepState {
    /// The timer is not set to `deadline` yet; `bool`: yield once if the
    /// deadline has passed by the next poll.
    Unarmed { yield_first: bool },
    /// The slot's timer, native or on the paused clock, is set to
    /// `deadline`.
    Armed,
    /// Completed; polls are ready until the next reset.
    Elapsed,
}

impl<T: Timer> Sleep<T> {
    #[inline]
    fn new(timer: T, deadline: Instant, yield_first: bool) -> Self {
        Sleep {
            timer,
            deadline,
            state: SleepState::Unarmed { yield_first },
            slot: None,
        }
    }

    /// Returns the instant at which the future completes.
    #[inline]
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// Returns `true` if the deadline has passed.
    pub fn is_elapsed(&self) -> bool {
        self.state == SleepState::Elapsed || self.deadline <= Instant::now()
    }

    /// Moves the deadline, whether or not the sleep has completed; a
    /// completed sleep becomes pending again. A deadline that has passed is
    /// ready at the next poll.
    pub fn reset(self: Pin<&mut Self>, deadline: Instant) {
        self.reset_inner(deadline, false);
    }

    fn reset_inner(self: Pin<&mut Self>, deadline: Instant, yield_first: bool) {
        let mut this = self.project();
        *this.deadline = deadline;
        *this.state = SleepState::Unarmed { yield_first };
        // Off the paused clock, if it waited there; a native timer stays,
        // to be moved at the next poll.
        if let Some(SlotProj::Virtual { .. }) = this.slot.as_mut().as_pin_mut().map(Slot::project) {
            this.slot.set(None);
        }
    }
}

impl<T: Timer> Future for Sleep<T> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut this = self.as_mut().project();
        if let SleepState::Unarmed { yield_first } = *this.state {
            // `Instant::now()`, with the paused check read once for the
            // whole arming: one relaxed load when no clock of the process
            // was paused.
            let paused = clock::any_active();
            let now = if paused {
                clock::now_slow()
            } else {
                std::time::Instant::now()
            };
            if this.deadline.into_std() <= now {
                // Passed: done, after one yield if it must suspend once
                // (the next poll need not read the clock again).
                *this.state = SleepState::Elapsed;
                if yield_first {
                    cx.waker().wake_by_ref();
                    return Poll::Pending;
                }
                return Poll::Ready(());
            }
            let mut native = this.deadline.into_std();
            if paused {
                match clock::arm(native, cx.waker()) {
                    Ok(registration) => {
                        this.slot.set(Some(Slot::Virtual { registration }));
                        *this.state = SleepState::Armed;
                        return Poll::Pending;
                    }
                    Err(real) => native = real,
                }
            }
            match this.slot.as_mut().as_pin_mut().map(Slot::project) {
                Some(SlotProj::Native { delay }) => this.timer.reset(delay, native),
                _ => this.slot.set(Some(Slot::Native {
                    delay: this.timer.delay_until(native),
                })),
            }
            *this.state = SleepState::Armed;
        } else if *this.state == SleepState::Elapsed {
            return Poll::Ready(());
        }
        match this.slot.as_pin_mut().map(Slot::project) {
            Some(SlotProj::Native { delay }) => {
                ready!(delay.poll(cx));
            }
            Some(SlotProj::Virtual { .. }) => return poll_virtual(self, cx),
            None => {}
        }
        *self.project().state = SleepState::Elapsed;
        Poll::Ready(())
    }
}

/// Polls a sleep waiting on a paused clock. Out of line: only paused
/// runtimes come here.
#[cold]
#[inline(never)]
fn poll_virtual<T: Timer>(mut sleep: Pin<&mut Sleep<T>>, cx: &mut Context<'_>) -> Poll<()> {
    let mut this = sleep.as_mut().project();
    let polled = match this.slot.as_mut().as_pin_mut().map(Slot::project) {
        Some(SlotProj::Virtual { registration }) => registration.poll(cx),
        _ => clock::Polled::Fired,
    };
    match polled {
        clock::Polled::Pending => Poll::Pending,
        clock::Polled::Fired => {
            this.slot.set(None);
            *this.state = SleepState::Elapsed;
            Poll::Ready(())
        }
        // Resumed before it fired: wait for the rest on the native timer
        // (arming it cannot come back here unless the clock is paused
        // again meanwhile).
        clock::Polled::Resumed => {
            this.slot.set(None);
            *this.state = SleepState::Unarmed { yield_first: false };
            sleep.poll(cx)
        }
    }
}

// With the `hyper` feature, a `Sleep` is a hyper sleep, so that a hyper
// `Timer` over anyloop hands hyper its own `Sleep`s and can downcast them
// back in `Timer::reset`, moving the native timer instead of replacing it.
// The impl lives here, beside the type, because of the orphan rule.
#[cfg(feature = "hyper")]
impl<T: Timer + Send + Sync + 'static> hyper::rt::Sleep for Sleep<T> {}

impl<T: Timer> fmt::Debug for Sleep<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sleep")
            .field("deadline", &self.deadline)
            .finish_non_exhaustive()
    }
}

thread_local! {
    // The earliest deadline of the `Timeout`s polling on this thread.
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// The deadline that the code running now must meet: the earliest deadline
/// of the [`Timeout`]s (`timeout`, `timeout_at`) it runs inside, in this
/// task. `None` outside any timeout.
///
/// A library reads it to respect its caller's deadline, for example to
/// send it to a server or to give up early instead of starting work that
/// cannot finish in time. Tasks spawned inside a timeout do not inherit it:
/// a timeout cancels by dropping its future, and a spawned task is not part
/// of that future.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use anyloop::time::{current_deadline, timeout, Instant};
///
/// anyloop::run(async {
///     assert_eq!(current_deadline(), None);
///     let outer = Instant::now() + Duration::from_secs(10);
///     anyloop::time::timeout_at(outer, async {
///         assert_eq!(current_deadline(), Some(outer));
///         // A nested, later deadline does not extend the outer one.
///         timeout(Duration::from_secs(60), async {
///             assert_eq!(current_deadline(), Some(outer));
///         })
///         .await
///         .unwrap();
///     })
///     .await
///     .unwrap();
/// });
/// ```
pub fn current_deadline() -> Option<Instant> {
    DEADLINE.get()
}

/// Runs `f` with `deadline` narrowing [`current_deadline`], as if inside a
/// `timeout_at(deadline, ..)`: for structured-concurrency code (task groups)
/// whose children inherit the deadline around the group.
#[doc(hidden)]
pub fn with_deadline<R>(deadline: Option<Instant>, f: impl FnOnce() -> R) -> R {
    let _scope = deadline.map(DeadlineScope::enter);
    f()
}

/// Narrows the thread's deadline while a `Timeout` polls its future.
struct DeadlineScope(Option<Instant>);

impl DeadlineScope {
    fn enter(deadline: Instant) -> DeadlineScope {
        let outer = DEADLINE.get();
        DEADLINE.set(Some(outer.map_or(deadline, |outer| outer.min(deadline))));
        DeadlineScope(outer)
    }
}

impl Drop for DeadlineScope {
    fn drop(&mut self) {
        DEADLINE.set(self.0);
    }
}

/// The deadline of a [`Timeout`] passed before its future completed.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// anyloop::run(async {
///     let never = std::future::pending::<()>();
///     let err = anyloop::time::timeout(Duration::from_millis(1), never).await.unwrap_err();
///     assert_eq!(err.to_string(), "deadline has elapsed");
/// });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("deadline has elapsed")]
#[non_exhaustive]
pub struct Elapsed;

impl From<Elapsed> for io::Error {
    fn from(err: Elapsed) -> Self {
        io::Error::new(io::ErrorKind::TimedOut, err)
    }
}

pin_project_lite::pin_project! {
    /// Future returned by [`TimerExt::timeout`] and [`TimerExt::timeout_at`].
    ///
    /// The inner future is polled first, so a future that is ready is never
    /// reported as timed out. On timeout the inner future is dropped with the
    /// `Timeout`.
    #[derive(Debug)]
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Timeout<F, T: Timer> {
        #[pin]
        future: F,
        #[pin]
        sleep: Sleep<T>,
    }
}

impl<F, T: Timer> Timeout<F, T> {
    /// Returns a reference to the inner future.
    pub fn get_ref(&self) -> &F {
        &self.future
    }

    /// Returns a mutable reference to the inner future.
    pub fn get_mut(&mut self) -> &mut F {
        &mut self.future
    }

    /// Returns the inner future, dropping the deadline.
    pub fn into_inner(self) -> F {
        self.future
    }

    /// Returns the deadline.
    pub fn deadline(&self) -> Instant {
        self.sleep.deadline()
    }
}

impl<F: Future, T: Timer> Future for Timeout<F, T> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let polled = {
            let _scope = DeadlineScope::enter(this.sleep.deadline());
            this.future.poll(cx)
        };
        if let Poll::Ready(output) = polled {
            return Poll::Ready(Ok(output));
        }
        ready!(this.sleep.poll(cx));
        Poll::Ready(Err(Elapsed))
    }
}

/// What an [`Interval`] does when ticks were missed because the task did not
/// call [`tick`](Interval::tick) in time.
///
/// The same on every backend. The default is [`Burst`](Self::Burst), as in
/// tokio.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum MissedTickBehavior {
    /// Missed ticks complete at once, one per call, until the interval has
    /// caught up with its original schedule.
    #[default]
    Burst,
    /// The schedule restarts from the late tick: the next tick is one period
    /// after the moment the late tick completed.
    Delay,
    /// Missed ticks are dropped: the next tick is the next multiple of the
    /// period on the original schedule.
    Skip,
}

/// Ticks at a fixed period. Made by [`TimerExt::interval`].
///
/// The first tick completes at the start instant. A zero period is allowed:
/// every tick then yields to the runtime once instead of sleeping.
pub struct Interval<T: Timer> {
    // Boxed once at creation so that `Interval` is `Unpin`.
    sleep: Pin<Box<Sleep<T>>>,
    period: Duration,
    missed_tick_behavior: MissedTickBehavior,
}

impl<T: Timer> Interval<T> {
    /// Completes at the next tick and returns its scheduled instant.
    pub async fn tick(&mut self) -> Instant {
        std::future::poll_fn(|cx| self.poll_tick(cx)).await
    }

    /// Polls for the next tick.
    pub fn poll_tick(&mut self, cx: &mut Context<'_>) -> Poll<Instant> {
        ready!(self.sleep.as_mut().poll(cx));
        let scheduled = self.sleep.deadline();
        let now = Instant::now();
        // A next tick past the end of the clock is "never again".
        let on_schedule = add_or_never(scheduled, self.period);
        let next = match self.missed_tick_behavior {
            _ if self.period.is_zero() => now,
            MissedTickBehavior::Burst => on_schedule,
            MissedTickBehavior::Delay if now > on_schedule => add_or_never(now, self.period),
            MissedTickBehavior::Delay => on_schedule,
            MissedTickBehavior::Skip => {
                let late = now.saturating_duration_since(scheduled);
                let periods = late.as_nanos() / self.period.as_nanos() + 1;
                let periods = u32::try_from(periods).unwrap_or(u32::MAX);
                add_or_never(scheduled, self.period.saturating_mul(periods))
            }
        };
        self.sleep.as_mut().reset_inner(next, self.period.is_zero());
        Poll::Ready(scheduled)
    }

    /// Restarts the schedule: the next tick is one period from now (never,
    /// if that is past the end of the clock).
    pub fn reset(&mut self) {
        let next = add_or_never(Instant::now(), self.period);
        self.sleep.as_mut().reset(next);
    }

    /// Returns the period.
    pub fn period(&self) -> Duration {
        self.period
    }

    /// Returns the missed-tick behaviour.
    pub fn missed_tick_behavior(&self) -> MissedTickBehavior {
        self.missed_tick_behavior
    }

    /// Sets the missed-tick behaviour.
    pub fn set_missed_tick_behavior(&mut self, behavior: MissedTickBehavior) {
        self.missed_tick_behavior = behavior;
    }
}

impl<T: Timer> fmt::Debug for Interval<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Interval")
            .field("period", &self.period)
            .field("missed_tick_behavior", &self.missed_tick_behavior)
            .finish_non_exhaustive()
    }
}
