//! Conformance: sleep, sleep_until, timeout and interval behave the same on
//! every backend, through the static face and the ambient one.

mod common;

use std::future::Future;
use std::pin::pin;
use std::time::Duration;

use anyloop::rt::{Runtime, TimerExt};
use anyloop::time::{Elapsed, Instant, MissedTickBehavior};
use common::{DropFlag, PollCounter, backend, both_faces};

#[anyloop::test]
async fn sleep_zero_yields_exactly_once() {
    both_faces!(check_sleep_zero_yields_exactly_once);
}

async fn check_sleep_zero_yields_exactly_once<R: Runtime>(rt: R) {
    let mut sleep = PollCounter::new(rt.sleep(Duration::ZERO));
    assert!(sleep.poll_once().is_pending(), "on {}", backend());
    assert_eq!(
        sleep.wakes(),
        1,
        "sleep(0) must wake itself, on {}",
        backend()
    );
    assert!(sleep.poll_once().is_ready(), "on {}", backend());
}

#[anyloop::test]
async fn sleep_until_a_past_deadline_is_ready_at_once() {
    both_faces!(check_sleep_until_a_past_deadline_is_ready_at_once);
}

async fn check_sleep_until_a_past_deadline_is_ready_at_once<R: Runtime>(rt: R) {
    let past = Instant::now() - Duration::from_millis(1);
    let mut sleep = PollCounter::new(rt.sleep_until(past));
    assert!(sleep.poll_once().is_ready(), "on {}", backend());
    assert!(
        sleep.poll_once().is_ready(),
        "a completed sleep stays ready, on {}",
        backend()
    );
    let now = PollCounter::new(rt.sleep_until(Instant::now())).poll_once();
    assert!(now.is_ready(), "on {}", backend());
}

#[anyloop::test]
async fn sleep_lasts_at_least_its_duration() {
    both_faces!(check_sleep_lasts_at_least_its_duration);
}

async fn check_sleep_lasts_at_least_its_duration<R: Runtime>(rt: R) {
    for ms in [1, 10, 25] {
        let duration = Duration::from_millis(ms);
        let start = Instant::now();
        let sleep = rt.sleep(duration);
        let deadline = sleep.deadline();
        sleep.await;
        let slept = start.elapsed();
        assert!(
            Instant::now() >= deadline,
            "woke before the deadline on {}",
            backend()
        );
        assert!(
            slept >= duration,
            "slept {slept:?} < {duration:?} on {}",
            backend()
        );
        // Lenient: a loaded CI machine may be late, but not by seconds.
        assert!(
            slept < duration + Duration::from_secs(2),
            "slept {slept:?} on {}",
            backend()
        );
    }
}

#[anyloop::test]
async fn sleep_reset_moves_the_deadline() {
    both_faces!(check_sleep_reset_moves_the_deadline);
}

async fn check_sleep_reset_moves_the_deadline<R: Runtime>(rt: R) {
    let mut sleep = pin!(rt.sleep(Duration::from_secs(3600)));
    // Register the native timer first, then pull the deadline in.
    let first = std::future::poll_fn(|cx| std::task::Poll::Ready(sleep.as_mut().poll(cx))).await;
    assert!(first.is_pending(), "on {}", backend());
    let soon = Instant::now() + Duration::from_millis(5);
    sleep.as_mut().reset(soon);
    assert_eq!(sleep.deadline(), soon);
    anyloop::time::timeout(Duration::from_secs(5), sleep.as_mut())
        .await
        .unwrap_or_else(|_| panic!("reset sleep did not fire on {}", backend()));
    assert!(sleep.is_elapsed(), "on {}", backend());
    // A completed sleep that is reset to the future is pending again...
    sleep
        .as_mut()
        .reset(Instant::now() + Duration::from_millis(5));
    let again = std::future::poll_fn(|cx| std::task::Poll::Ready(sleep.as_mut().poll(cx))).await;
    assert!(again.is_pending(), "on {}", backend());
    anyloop::time::timeout(Duration::from_secs(5), sleep.as_mut())
        .await
        .unwrap_or_else(|_| {
            panic!(
                "a sleep reset after completing did not fire on {}",
                backend()
            )
        });
    // ...and one reset to the past is ready at once.
    sleep
        .as_mut()
        .reset(Instant::now() - Duration::from_millis(1));
    assert!(
        PollCounter::new(sleep).poll_once().is_ready(),
        "on {}",
        backend()
    );
}

#[anyloop::test]
async fn timeout_gives_elapsed_and_drops_the_future() {
    both_faces!(check_timeout_gives_elapsed_and_drops_the_future);
}

async fn check_timeout_gives_elapsed_and_drops_the_future<R: Runtime>(rt: R) {
    let dropped = DropFlag::new();
    let guard = dropped.guard();
    let never = async move {
        let _guard = guard;
        std::future::pending::<u32>().await
    };
    let elapsed: Elapsed = rt
        .timeout(Duration::from_millis(5), never)
        .await
        .expect_err("a pending future timed out");
    assert!(
        dropped.is_set(),
        "the timed-out future was not dropped on {}",
        backend()
    );
    assert_eq!(elapsed.to_string(), "deadline has elapsed");
    let err: std::io::Error = elapsed.into();
    assert_eq!(err.kind(), std::io::ErrorKind::TimedOut);
}

#[anyloop::test]
async fn timeout_polls_the_future_first() {
    both_faces!(check_timeout_polls_the_future_first);
}

async fn check_timeout_polls_the_future_first<R: Runtime>(rt: R) {
    assert_eq!(
        rt.timeout(Duration::ZERO, async { 1 }).await,
        Ok(1),
        "on {}",
        backend()
    );
    let past = Instant::now() - Duration::from_secs(1);
    assert_eq!(
        rt.timeout_at(past, async { 2 }).await,
        Ok(2),
        "on {}",
        backend()
    );
    let pending = rt.timeout(Duration::ZERO, std::future::pending::<()>());
    assert!(pending.await.is_err(), "on {}", backend());
    let quick = rt.timeout(Duration::from_secs(5), rt.sleep(Duration::from_millis(2)));
    assert_eq!(quick.await, Ok(()), "on {}", backend());
}

#[anyloop::test]
async fn interval_ticks_on_schedule() {
    both_faces!(check_interval_ticks_on_schedule);
}

async fn check_interval_ticks_on_schedule<R: Runtime>(rt: R) {
    let period = Duration::from_millis(5);
    let start = Instant::now();
    let mut interval = rt.interval_at(start, period);
    assert_eq!(interval.period(), period);
    assert_eq!(interval.missed_tick_behavior(), MissedTickBehavior::Burst);
    for k in 0..5u32 {
        let scheduled = interval.tick().await;
        assert_eq!(scheduled, start + period * k, "tick {k} on {}", backend());
        assert!(
            Instant::now() >= scheduled,
            "tick {k} came early on {}",
            backend()
        );
    }
}

#[anyloop::test]
async fn interval_missed_ticks() {
    both_faces!(check_interval_missed_ticks);
}

async fn check_interval_missed_ticks<R: Runtime>(rt: R) {
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
        assert_eq!(late, start + period, "{behavior:?} on {}", backend());
        let next = interval.tick().await;
        match behavior {
            MissedTickBehavior::Burst => {
                assert_eq!(next, start + period * 2, "{behavior:?} on {}", backend());
                assert_eq!(interval.tick().await, start + period * 3);
            }
            MissedTickBehavior::Delay => {
                // One period after the late tick, which came 35+ ms in: not
                // on the original schedule (20 ms).
                assert!(
                    next >= start + Duration::from_millis(45),
                    "{behavior:?} on {}",
                    backend()
                );
            }
            MissedTickBehavior::Skip => {
                // 35+ ms late: ticks at 20 and 30 ms are dropped.
                assert!(next >= start + period * 4, "{behavior:?} on {}", backend());
                assert_eq!(
                    (next - start).as_nanos() % period.as_nanos(),
                    0,
                    "on {}",
                    backend()
                );
            }
            _ => unreachable!(),
        }
    }
}

#[anyloop::test]
async fn interval_with_zero_period_yields_each_tick() {
    both_faces!(check_interval_with_zero_period_yields_each_tick);
}

async fn check_interval_with_zero_period_yields_each_tick<R: Runtime>(rt: R) {
    let mut interval = rt.interval(Duration::ZERO);
    interval.tick().await; // the first tick is at once
    let mut tick = PollCounter::new(async move { interval.tick().await });
    assert!(tick.poll_once().is_pending(), "on {}", backend());
    assert_eq!(tick.wakes(), 1, "on {}", backend());
    assert!(tick.poll_once().is_ready(), "on {}", backend());
}

#[anyloop::test]
async fn sleep_created_outside_the_runtime_runs_inside() {
    let sleep = std::thread::spawn(|| anyloop::time::sleep(Duration::from_millis(2)))
        .join()
        .unwrap();
    anyloop::time::timeout(Duration::from_secs(5), sleep)
        .await
        .unwrap_or_else(|_| panic!("on {}", backend()));
}

#[anyloop::test]
async fn nested_code_reads_the_callers_deadline() {
    both_faces!(check_nested_code_reads_the_callers_deadline);
}

async fn check_nested_code_reads_the_callers_deadline<R: Runtime>(rt: R) {
    use anyloop::time::current_deadline;

    assert_eq!(current_deadline(), None, "on {}", backend());
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
    assert_eq!(here, Some(outer), "on {}", backend());
    assert_eq!(narrowed, Some(earlier), "on {}", backend());
    assert_eq!(widened, Some(outer), "on {}", backend());
    assert_eq!(after_await, Some(outer), "on {}", backend());
    assert_eq!(
        current_deadline(),
        None,
        "the deadline leaked out on {}",
        backend()
    );
    // Spawned tasks do not inherit it.
    let spawned = rt
        .timeout_at(outer, rt.spawn(async { current_deadline() }))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(spawned, None, "on {}", backend());
}
