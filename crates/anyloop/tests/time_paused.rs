//! Conformance: virtual time (`time::pause`, `advance`, `resume`) gives the
//! same exact timestamps on every backend.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyloop::time::{self, Instant, MissedTickBehavior};
use common::backend;

const SEC: Duration = Duration::from_secs(1);

#[anyloop::test]
async fn a_paused_clock_stands_still_until_advanced() {
    time::pause();
    let start = Instant::now();
    std::thread::sleep(Duration::from_millis(3));
    assert_eq!(Instant::now(), start, "frozen clock, on {}", backend());
    time::advance(Duration::from_secs(90)).await;
    assert_eq!(
        Instant::now() - start,
        Duration::from_secs(90),
        "advance moves the clock by its duration, on {}",
        backend()
    );
}

#[anyloop::test]
async fn advance_wakes_timers_in_deadline_order() {
    time::pause();
    let start = Instant::now();
    let seen = Arc::new(Mutex::new(Vec::new()));
    // Spawned in reverse order of their deadlines.
    let tasks: Vec<_> = [5u64, 3, 4, 1, 2]
        .into_iter()
        .map(|secs| {
            let seen = Arc::clone(&seen);
            anyloop::spawn(async move {
                time::sleep(Duration::from_secs(secs)).await;
                seen.lock().unwrap().push((secs, Instant::now() - start));
            })
        })
        .collect();
    // Let every task start its sleep.
    anyloop::task::yield_now().await;
    time::advance(Duration::from_secs(10)).await;
    for task in tasks {
        task.await.unwrap();
    }
    let expected: Vec<_> = (1..=5).map(|s| (s, Duration::from_secs(s))).collect();
    assert_eq!(
        *seen.lock().unwrap(),
        expected,
        "each task runs at its exact deadline, in order, on {}",
        backend()
    );
}

#[anyloop::test]
async fn a_task_woken_by_advance_runs_before_the_next_deadline() {
    time::pause();
    let start = Instant::now();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let first = {
        let seen = Arc::clone(&seen);
        anyloop::spawn(async move {
            time::sleep(SEC).await;
            seen.lock()
                .unwrap()
                .push(("first woke", Instant::now() - start));
            // A new timer set by the woken task, before the later deadline.
            time::sleep(SEC).await;
            seen.lock()
                .unwrap()
                .push(("first again", Instant::now() - start));
        })
    };
    let second = {
        let seen = Arc::clone(&seen);
        anyloop::spawn(async move {
            time::sleep(3 * SEC).await;
            seen.lock()
                .unwrap()
                .push(("second", Instant::now() - start));
        })
    };
    anyloop::task::yield_now().await;
    time::advance(5 * SEC).await;
    first.await.unwrap();
    second.await.unwrap();
    assert_eq!(
        *seen.lock().unwrap(),
        [
            ("first woke", SEC),
            ("first again", 2 * SEC),
            ("second", 3 * SEC)
        ],
        "on {}",
        backend()
    );
}

#[anyloop::test]
async fn timeout_elapses_at_its_exact_virtual_deadline() {
    time::pause();
    let start = Instant::now();
    let waited = anyloop::spawn(async move {
        let out = time::timeout(30 * SEC, std::future::pending::<()>()).await;
        (out, Instant::now() - start)
    });
    anyloop::task::yield_now().await;
    time::advance(30 * SEC - Duration::from_nanos(1)).await;
    assert!(
        !waited.is_finished(),
        "not before its deadline, on {}",
        backend()
    );
    time::advance(Duration::from_nanos(1)).await;
    let (out, at) = waited.await.unwrap();
    assert!(out.is_err(), "the timeout elapsed, on {}", backend());
    assert_eq!(at, 30 * SEC, "at its exact deadline, on {}", backend());
}

#[anyloop::test]
async fn interval_ticks_at_exact_virtual_multiples() {
    time::pause();
    let start = Instant::now();
    let mut interval = time::interval(7 * SEC);
    let ticker = anyloop::spawn(async move {
        let mut at = Vec::new();
        for _ in 0..4 {
            at.push(interval.tick().await - start);
        }
        at
    });
    anyloop::task::yield_now().await;
    time::advance(21 * SEC).await;
    let expected: Vec<_> = (0..4).map(|n| n * 7 * SEC).collect();
    assert_eq!(ticker.await.unwrap(), expected, "on {}", backend());
}

/// Ticks of a 10 s interval whose task falls 25 s behind after the first
/// tick, then keeps up.
async fn missed_ticks(behavior: MissedTickBehavior) -> Vec<(Duration, Duration)> {
    let start = Instant::now();
    let mut interval = time::interval(10 * SEC);
    interval.set_missed_tick_behavior(behavior);
    let ticker = anyloop::spawn(async move {
        let mut at = Vec::new();
        for n in 0..5 {
            let scheduled = interval.tick().await;
            at.push((scheduled - start, Instant::now() - start));
            if n == 0 {
                // Busy elsewhere, on the virtual clock.
                time::sleep(25 * SEC).await;
            }
        }
        at
    });
    anyloop::task::yield_now().await;
    time::advance(100 * SEC).await;
    ticker.await.unwrap()
}

#[anyloop::test]
async fn interval_burst_catches_up_at_once() {
    time::pause();
    let s = |n| n * SEC;
    assert_eq!(
        missed_ticks(MissedTickBehavior::Burst).await,
        [
            (s(0), s(0)),
            (s(10), s(25)),
            (s(20), s(25)),
            (s(30), s(30)),
            (s(40), s(40))
        ],
        "on {}",
        backend()
    );
}

#[anyloop::test]
async fn interval_delay_restarts_from_the_late_tick() {
    time::pause();
    let s = |n| n * SEC;
    assert_eq!(
        missed_ticks(MissedTickBehavior::Delay).await,
        [
            (s(0), s(0)),
            (s(10), s(25)),
            (s(35), s(35)),
            (s(45), s(45)),
            (s(55), s(55))
        ],
        "on {}",
        backend()
    );
}

#[anyloop::test]
async fn interval_skip_drops_the_missed_ticks() {
    time::pause();
    let s = |n| n * SEC;
    assert_eq!(
        missed_ticks(MissedTickBehavior::Skip).await,
        [
            (s(0), s(0)),
            (s(10), s(25)),
            (s(30), s(30)),
            (s(40), s(40)),
            (s(50), s(50))
        ],
        "on {}",
        backend()
    );
}

#[anyloop::test]
async fn resume_runs_the_clock_from_its_virtual_instant() {
    time::pause();
    time::advance(Duration::from_secs(3600)).await;
    let frozen = Instant::now();
    let std_frozen = std::time::Instant::now();
    time::resume();
    time::sleep(Duration::from_millis(5)).await;
    let elapsed = Instant::now() - frozen;
    assert!(
        elapsed >= Duration::from_millis(5) && elapsed <= std_frozen.elapsed(),
        "virtual time runs at the real rate after resume ({elapsed:?}), on {}",
        backend()
    );
}

#[anyloop::test]
async fn resume_lets_waiting_sleeps_finish_on_real_time() {
    time::pause();
    let start = Instant::now();
    let nap = anyloop::spawn(async move {
        time::sleep(Duration::from_millis(20)).await;
        Instant::now() - start
    });
    anyloop::task::yield_now().await;
    time::advance(Duration::from_millis(15)).await;
    time::resume();
    let slept = nap.await.unwrap();
    assert!(
        slept >= Duration::from_millis(20),
        "the sleep waits out its deadline ({slept:?}), on {}",
        backend()
    );
}

#[test]
#[should_panic(expected = "anyloop::time::pause: called outside")]
fn pause_outside_a_runtime_panics() {
    time::pause();
}

#[anyloop::test(start_paused = true)]
async fn start_paused_starts_with_the_clock_paused() {
    let start = Instant::now();
    std::thread::sleep(Duration::from_millis(3));
    assert_eq!(
        Instant::now(),
        start,
        "frozen from the start, on {}",
        backend()
    );
    time::advance(SEC).await;
    assert_eq!(Instant::now() - start, SEC, "on {}", backend());
}

#[anyloop::test(start_paused = true, flavor = "multi_thread", worker_threads = 2)]
async fn start_paused_works_on_a_multi_thread_runtime() {
    let start = Instant::now();
    let tasks: Vec<_> = (1..=4u64)
        .map(|n| {
            anyloop::spawn(async move {
                time::sleep(Duration::from_secs(n)).await;
                Instant::now() - start
            })
        })
        .collect();
    time::advance(10 * SEC).await;
    for (n, task) in (1..=4u32).zip(tasks) {
        assert_eq!(task.await.unwrap(), n * SEC, "on {}", backend());
    }
}
