//! Faults: timers given values at the edge of the clock neither panic nor
//! fire early, on every backend and through both faces.

mod common;

use std::time::Duration;

use anyloop::rt::{Runtime, TimerExt};
use anyloop::time::{Instant, MissedTickBehavior};
use common::{backend, both_faces};

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
async fn stays_pending<R: Runtime, F: std::future::Future>(rt: &R, what: &str, future: F) {
    assert!(
        rt.timeout(Duration::from_millis(20), future).await.is_err(),
        "{what} completed on {}",
        backend()
    );
}

#[anyloop::test]
async fn an_interval_whose_period_overflows_the_clock_ticks_once_then_never() {
    both_faces!(check_an_interval_whose_period_overflows_the_clock_ticks_once_then_never);
}

async fn check_an_interval_whose_period_overflows_the_clock_ticks_once_then_never<R: Runtime>(
    rt: R,
) {
    for behavior in [
        MissedTickBehavior::Burst,
        MissedTickBehavior::Delay,
        MissedTickBehavior::Skip,
    ] {
        let mut ticks = rt.interval(Duration::MAX);
        ticks.set_missed_tick_behavior(behavior);
        let first = rt.timeout(Duration::from_secs(5), ticks.tick()).await;
        assert!(
            first.is_ok(),
            "{behavior:?}: no first tick on {}",
            backend()
        );
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

#[anyloop::test]
async fn deadlines_at_the_end_of_the_clock_just_wait() {
    both_faces!(check_deadlines_at_the_end_of_the_clock_just_wait);
}

async fn check_deadlines_at_the_end_of_the_clock_just_wait<R: Runtime>(rt: R) {
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
        assert_eq!(ready, Ok(7), "on {}", backend());
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
