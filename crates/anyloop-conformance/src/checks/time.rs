//! Time: sleep, sleep_until, timeout and interval, and the clock's edges.

use std::future::Future;
use std::pin::pin;
use std::task::Poll;
use std::time::Duration;

use anyloop_core::time::{Elapsed, Instant, MissedTickBehavior, current_deadline};
use anyloop_core::{Runtime, TimerExt};

use crate::support::{DropFlag, PollCounter};

/// `sleep(Duration::ZERO)` is exactly one yield: it wakes itself once and
/// is ready at the next poll.
pub async fn sleep_zero_yields_exactly_once<R: Runtime>(rt: R) {
    let mut sleep = PollCounter::new(rt.sleep(Duration::ZERO));
    assert!(sleep.poll_once().is_pending(), "sleep(0) did not yield");
    assert_eq!(sleep.wakes(), 1, "sleep(0) must wake itself once");
    assert!(sleep.poll_once().is_ready(), "sleep(0) yielded twice");
}

/// `sleep_until` a deadline that has passed is ready at the first poll, and
/// stays ready.
pub async fn sleep_until_a_past_deadline_is_ready_at_once<R: Runtime>(rt: R) {
    let past = Instant::now() - Duration::from_millis(1);
    let mut sleep = PollCounter::new(rt.sleep_until(past));
    assert!(sleep.poll_once().is_ready(), "a past deadline was pending");
    assert!(
        sleep.poll_once().is_ready(),
        "a completed sleep stays ready"
    );
    let now = PollCounter::new(rt.sleep_until(Instant::now())).poll_once();
    assert!(now.is_ready(), "sleep_until(now) was pending");
}

/// A sleep never ends before its deadline (and not seconds after it).
pub async fn sleep_lasts_at_least_its_duration<R: Runtime>(rt: R) {
    for ms in [1, 10, 25] {
        let duration = Duration::from_millis(ms);
        let start = Instant::now();
        let sleep = rt.sleep(duration);
        let deadline = sleep.deadline();
        sleep.await;
        let slept = start.elapsed();
        assert!(Instant::now() >= deadline, "woke before the deadline");
        assert!(slept >= duration, "slept {slept:?} < {duration:?}");
        // Lenient: a loaded machine may be late, but not by seconds.
        assert!(
            slept < duration + Duration::from_secs(2),
            "slept {slept:?} for {duration:?}"
        );
    }
}

/// `Sleep::reset` moves a registered timer's deadline, earlier or later,
/// also after it completed.
pub async fn sleep_reset_moves_the_deadline<R: Runtime>(rt: R) {
    let mut sleep = pin!(rt.sleep(Duration::from_secs(3600)));
    // Register the native timer first, then pull the deadline in.
    let first = std::future::poll_fn(|cx| Poll::Ready(sleep.as_mut().poll(cx))).await;
    assert!(first.is_pending());
    let soon = Instant::now() + Duration::from_millis(5);
    sleep.as_mut().reset(soon);
    assert_eq!(sleep.deadline(), soon);
    rt.timeout(Duration::from_secs(5), sleep.as_mut())
        .await
        .expect("a reset sleep did not fire");
    assert!(sleep.is_elapsed());
    // A completed sleep that is reset to the future is pending again...
    sleep
        .as_mut()
        .reset(Instant::now() + Duration::from_millis(5));
    let again = std::future::poll_fn(|cx| Poll::Ready(sleep.as_mut().poll(cx))).await;
    assert!(again.is_pending(), "a sleep reset to the future was ready");
    rt.timeout(Duration::from_secs(5), sleep.as_mut())
        .await
        .expect("a sleep reset after completing did not fire");
    // ...and one reset to the past is ready at once.
    sleep
        .as_mut()
        .reset(Instant::now() - Duration::from_millis(1));
    assert!(
        PollCounter::new(sleep).poll_once().is_ready(),
        "a sleep reset to the past was pending"
    );
}

/// A timeout that expires gives `Elapsed` (an `io::ErrorKind::TimedOut`)
/// and drops the future it wrapped.
pub async fn timeout_gives_elapsed_and_drops_the_future<R: Runtime>(rt: R) {
    let dropped = DropFlag::new();
    let guard = dropped.guard();
    let never = async move {
        let _guard = guard;
        std::future::pending::<u32>().await
    };
    let elapsed: Elapsed = rt
        .timeout(Duration::from_millis(5), never)
        .await
        .expect_err("a pending future did not time out");
    assert!(dropped.is_set(), "the timed-out future was not dropped");
    assert_eq!(elapsed.to_string(), "deadline has elapsed");
    let err: std::io::Error = elapsed.into();
    assert_eq!(err.kind(), std::io::ErrorKind::TimedOut);
}

/// A timeout polls its future before looking at the deadline: a ready
/// future wins even against a zero or past deadline.
pub async fn timeout_polls_the_future_first<R: Runtime>(rt: R) {
    assert_eq!(rt.timeout(Duration::ZERO, async { 1 }).await, Ok(1));
    let past = Instant::now() - Duration::from_secs(1);
    assert_eq!(rt.timeout_at(past, async { 2 }).await, Ok(2));
    let pending = rt.timeout(Duration::ZERO, std::future::pending::<()>());
    assert!(pending.await.is_err(), "timeout(0, pending) did not expire");
    let quick = rt.timeout(Duration::from_secs(5), rt.sleep(Duration::from_millis(2)));
    assert_eq!(quick.await, Ok(()));
}

/// An interval ticks at `start + k × period`, never early; `Burst` is the
/// default.
pub async fn interval_ticks_on_schedule<R: Runtime>(rt: R) {
    let period = Duration::from_millis(5);
    let start = Instant::now();
    let mut interval = rt.interval_at(start, period);
    assert_eq!(interval.period(), period);
    assert_eq!(interval.missed_tick_behavior(), MissedTickBehavior::Burst);
    for k in 0..5u32 {
        let scheduled = interval.tick().await;
        assert_eq!(scheduled, start + period * k, "tick {k}");
        assert!(Instant::now() >= scheduled, "tick {k} came early");
    }
}

/// Missed ticks: `Burst` catches up, `Delay` restarts from the late tick,
/// `Skip` drops the missed ones and keeps the schedule.
pub async fn interval_missed_ticks<R: Runtime>(rt: R) {
    let period = Duration::from_millis(10);
    // Each case: the first tick, then 35 ms of lateness, then three ticks.
    for behavior in [
        MissedTickBehavior::Burst,
        MissedTickBehavior::Delay,
        MissedTickBehavior::Skip,
    ] {
        let start = Instant::now();
        let mut interval = rt.interval_at(start, period);
        interval.set_missed_tick_behavior(behavior);
        assert_eq!(interval.tick().await, start);
        rt.sleep(Duration::from_millis(35)).await;
        let late = interval.tick().await;
        assert_eq!(late, start + period, "{behavior:?}");
        let next = interval.tick().await;
        match behavior {
            MissedTickBehavior::Burst => {
                assert_eq!(next, start + period * 2, "{behavior:?}");
                assert_eq!(interval.tick().await, start + period * 3, "{behavior:?}");
            }
            MissedTickBehavior::Delay => {
                // One period after the late tick, which came 35+ ms in: not
                // on the original schedule (20 ms).
                assert!(
                    next >= start + Duration::from_millis(45),
                    "{behavior:?}: {:?}",
                    next - start
                );
            }
            MissedTickBehavior::Skip => {
                // 35+ ms late: the ticks at 20 and 30 ms are dropped.
                assert!(next >= start + period * 4, "{behavior:?}");
                assert_eq!(
                    (next - start).as_nanos() % period.as_nanos(),
                    0,
                    "{behavior:?}: off the schedule"
                );
            }
            _ => unreachable!(),
        }
    }
}

/// An interval with a zero period yields once per tick instead of
/// panicking or spinning.
pub async fn interval_with_zero_period_yields_each_tick<R: Runtime>(rt: R) {
    let mut interval = rt.interval(Duration::ZERO);
    interval.tick().await; // the first tick is at once
    let mut tick = PollCounter::new(async move { interval.tick().await });
    assert!(
        tick.poll_once().is_pending(),
        "a zero-period tick did not yield"
    );
    assert_eq!(tick.wakes(), 1);
    assert!(tick.poll_once().is_ready());
}

/// `current_deadline` is the innermost timeout's deadline while its future
/// runs (across await points), and spawned tasks do not inherit it.
pub async fn nested_code_reads_the_callers_deadline<R: Runtime>(rt: R) {
    assert_eq!(current_deadline(), None);
    let outer = Instant::now() + Duration::from_secs(10);
    let inner_rt = rt.clone();
    let seen = rt
        .timeout_at(outer, async move {
            let here = current_deadline();
            // A nested, earlier deadline narrows it; a later one does not.
            let earlier = Instant::now() + Duration::from_secs(1);
            let narrowed = inner_rt
                .timeout_at(earlier, async { current_deadline() })
                .await
                .unwrap();
            let widened = inner_rt
                .timeout(Duration::from_secs(60), async { current_deadline() })
                .await
                .unwrap();
            // Across an await point the deadline is still there.
            inner_rt.sleep(Duration::from_millis(1)).await;
            (here, narrowed, widened, current_deadline(), earlier)
        })
        .await
        .unwrap();
    let (here, narrowed, widened, after_await, earlier) = seen;
    assert_eq!(here, Some(outer));
    assert_eq!(narrowed, Some(earlier));
    assert_eq!(widened, Some(outer));
    assert_eq!(after_await, Some(outer), "lost across an await point");
    assert_eq!(current_deadline(), None, "the deadline leaked out");
    let spawned = rt
        .timeout_at(outer, rt.spawn(async { current_deadline() }))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(spawned, None, "a spawned task inherited the deadline");
}

/// The latest instant the clock can hold (found by halving steps).
fn latest_instant() -> Instant {
    let (mut latest, mut step) = (Instant::now(), Duration::from_secs(u64::MAX));
    while !step.is_zero() {
        match latest.checked_add(step) {
            Some(later) => latest = later,
            None => step /= 2,
        }
    }
    latest
}

/// Asserts that `future` does not complete within a short while.
async fn stays_pending<R: Runtime, F: Future>(rt: &R, what: &str, future: F) {
    assert!(
        rt.timeout(Duration::from_millis(20), future).await.is_err(),
        "{what} completed"
    );
}

/// An interval whose period overflows the clock ticks once, then never
/// (with every missed-tick behaviour, also after `reset`), without
/// panicking.
pub async fn interval_past_the_end_of_the_clock_ticks_once<R: Runtime>(rt: R) {
    for behavior in [
        MissedTickBehavior::Burst,
        MissedTickBehavior::Delay,
        MissedTickBehavior::Skip,
    ] {
        let mut ticks = rt.interval(Duration::MAX);
        ticks.set_missed_tick_behavior(behavior);
        let first = rt.timeout(Duration::from_secs(5), ticks.tick()).await;
        assert!(first.is_ok(), "{behavior:?}: no first tick");
        stays_pending(&rt, "a tick after Duration::MAX", ticks.tick()).await;
        ticks.reset();
        stays_pending(&rt, "a tick after reset", ticks.tick()).await;

        // A schedule that runs into the end of the clock a little later.
        let start = latest_instant() - Duration::from_secs(1);
        let mut late = rt.interval_at(Instant::now(), Duration::from_secs(1));
        late.set_missed_tick_behavior(behavior);
        late.tick().await;
        let mut edge = rt.interval_at(start, Duration::from_secs(86_400));
        edge.set_missed_tick_behavior(behavior);
        stays_pending(&rt, "a tick at the end of the clock", edge.tick()).await;
        edge.reset();
        stays_pending(&rt, "a tick at the end of the clock, reset", edge.tick()).await;
    }
}

/// Deadlines at (or within a few ms of) the end of the clock, and
/// `Duration::MAX`, just wait: no panic, no early wake-up.
pub async fn deadlines_at_the_end_of_the_clock_just_wait<R: Runtime>(rt: R) {
    let latest = latest_instant();
    // tokio rounds deadlines up to a 1 ms tick: every instant of the last
    // millisecond of the clock, and a few before it.
    for before in [0, 1, 500_000, 999_999, 1_000_000, 2_000_000] {
        let deadline = latest - Duration::from_nanos(before);
        stays_pending(
            &rt,
            "sleep_until(the end of the clock)",
            rt.sleep_until(deadline),
        )
        .await;
        let pending = rt.timeout_at(deadline, std::future::pending::<()>());
        stays_pending(&rt, "timeout_at(the end of the clock)", pending).await;
        let ready = rt.timeout_at(deadline, async { 7 }).await;
        assert_eq!(ready, Ok(7));
        // Moving a registered timer there, too.
        let mut sleep = Box::pin(rt.sleep(Duration::from_secs(3600)));
        stays_pending(&rt, "a long sleep", sleep.as_mut()).await;
        sleep.as_mut().reset(deadline);
        stays_pending(&rt, "a sleep reset to the end of the clock", sleep).await;
    }
    stays_pending(&rt, "sleep(Duration::MAX)", rt.sleep(Duration::MAX)).await;
    let never = rt.timeout(Duration::MAX, std::future::pending::<()>());
    stays_pending(&rt, "timeout(Duration::MAX)", never).await;
}
