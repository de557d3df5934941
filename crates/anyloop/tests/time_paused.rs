//! Conformance: virtual time (`time::pause`, `advance`, `resume`) gives the
//! same exact timestamps on every backend.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyloop::time::{self, ClockError, Instant, MissedTickBehavior};
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

#[anyloop::test(start_paused = true)]
async fn auto_advance_jumps_to_the_next_deadline() {
    let (start, wall) = (Instant::now(), std::time::Instant::now());
    time::sleep(Duration::from_secs(3600)).await;
    assert_eq!(
        start.elapsed(),
        Duration::from_secs(3600),
        "on {}",
        backend()
    );
    assert!(
        wall.elapsed() < SEC,
        "an hour of virtual time took {:?}, on {}",
        wall.elapsed(),
        backend()
    );
}

/// Fails its first `failures` attempts, each by timing out after 30 s.
async fn flaky(attempt: u32, failures: u32) -> Result<u32, time::Elapsed> {
    if attempt < failures {
        time::timeout(30 * SEC, std::future::pending()).await
    } else {
        Ok(attempt)
    }
}

#[anyloop::test(start_paused = true)]
async fn a_retry_loop_with_exponential_backoff_runs_at_once() {
    let (start, wall) = (Instant::now(), std::time::Instant::now());
    let mut attempts = Vec::new();
    let mut backoff = Duration::from_secs(480);
    let mut attempt = 0;
    let answer = loop {
        attempts.push(Instant::now() - start);
        match flaky(attempt, 4).await {
            Ok(answer) => break answer,
            Err(_) => {
                // 480 + 960 + 1920 + 3840 s: two hours of backoff.
                time::sleep(backoff).await;
                backoff *= 2;
                attempt += 1;
            }
        }
    };
    assert_eq!(answer, 4, "on {}", backend());
    let s = |n| Duration::from_secs(n);
    assert_eq!(
        attempts,
        [s(0), s(510), s(1500), s(3450), s(7320)],
        "each attempt starts at its exact virtual instant, on {}",
        backend()
    );
    assert!(
        wall.elapsed() < SEC,
        "2 h of virtual time took {:?}, on {}",
        wall.elapsed(),
        backend()
    );
}

#[anyloop::test(start_paused = true)]
async fn auto_advance_does_not_skip_a_timer_set_by_a_woken_task() {
    let start = Instant::now();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (tx, rx) = anyloop::sync::oneshot::channel::<()>();
    let record = move |seen: &Arc<Mutex<Vec<_>>>, what| {
        seen.lock().unwrap().push((what, Instant::now() - start));
    };
    let waker = {
        let seen = Arc::clone(&seen);
        anyloop::spawn(async move {
            time::sleep(SEC).await;
            record(&seen, "a woke");
            // Wakes a task that is idle on a channel, not on a timer.
            tx.send(()).unwrap();
            time::sleep(SEC).await;
            record(&seen, "a again");
        })
    };
    let woken = {
        let seen = Arc::clone(&seen);
        anyloop::spawn(async move {
            rx.await.unwrap();
            time::sleep(SEC / 2).await;
            record(&seen, "b");
        })
    };
    let later = {
        let seen = Arc::clone(&seen);
        anyloop::spawn(async move {
            time::sleep(SEC + SEC / 4 * 3).await;
            record(&seen, "c");
        })
    };
    for task in [waker, woken, later] {
        task.await.unwrap();
    }
    let ms = Duration::from_millis;
    assert_eq!(
        *seen.lock().unwrap(),
        [
            ("a woke", ms(1000)),
            ("b", ms(1500)),
            ("c", ms(1750)),
            ("a again", ms(2000))
        ],
        "on {}",
        backend()
    );
}

#[anyloop::test(start_paused = true)]
async fn the_clock_waits_for_blocking_work() {
    let start = Instant::now();
    let nap = anyloop::spawn(async move {
        time::sleep(Duration::from_secs(3600)).await;
        Instant::now() - start
    });
    let seen_by_blocking = anyloop::spawn_blocking(move || {
        // Every task is idle meanwhile, and a timer is pending.
        std::thread::sleep(Duration::from_millis(30));
        Instant::now() - start
    })
    .await
    .unwrap();
    assert_eq!(
        seen_by_blocking,
        Duration::ZERO,
        "no advance while blocking work runs, on {}",
        backend()
    );
    assert_eq!(
        nap.await.unwrap(),
        Duration::from_secs(3600),
        "on {}",
        backend()
    );
}

#[anyloop::test(start_paused = true)]
async fn a_socket_echo_works_in_a_paused_test() {
    use anyloop::io::{AsyncReadExt, AsyncWriteExt};
    use anyloop::net::{TcpListener, TcpStream};

    let start = Instant::now();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = anyloop::spawn(async move {
        let (mut stream, _) = listener.accept().await?;
        let mut buf = vec![0; 64];
        loop {
            let n = stream.read(&mut buf).await?;
            if n == 0 {
                return std::io::Result::Ok(());
            }
            stream.write_all(&buf[..n]).await?;
        }
    });
    let mut client = TcpStream::connect(addr).await.unwrap();
    for message in [&b"hello"[..], b"paused world"] {
        client.write_all(message).await.unwrap();
        let mut echoed = vec![0; message.len()];
        client.read_exact(&mut echoed).await.unwrap();
        assert_eq!(echoed, message, "on {}", backend());
    }
    client.close().await.unwrap();
    server.await.unwrap().unwrap();
    assert_eq!(
        Instant::now(),
        start,
        "no timer was pending: the clock did not move, on {}",
        backend()
    );
    time::sleep(Duration::from_secs(60)).await;
    assert_eq!(start.elapsed(), Duration::from_secs(60), "on {}", backend());
}

#[anyloop::test(start_paused = true)]
async fn a_reset_sleep_fires_at_its_new_deadline() {
    use std::future::Future;
    use std::task::Poll;

    let start = Instant::now();
    let mut sleep = Box::pin(time::sleep(10 * SEC));
    std::future::poll_fn(|cx| {
        assert!(sleep.as_mut().poll(cx).is_pending(), "on {}", backend());
        Poll::Ready(())
    })
    .await;
    // Moved while it waits on the clock.
    sleep.as_mut().reset(start + 25 * SEC);
    sleep.await;
    assert_eq!(start.elapsed(), 25 * SEC, "on {}", backend());
}

#[anyloop::test]
async fn the_try_forms_give_no_clock_in_a_task_spawned_before_the_first_pause() {
    // Spawned while the clock has never been paused: the task stays on real
    // time and has no clock to act on.
    let errs = anyloop::spawn(async {
        (
            time::try_pause(),
            time::try_resume(),
            time::try_advance(SEC).err(),
        )
    })
    .await
    .unwrap();
    let no_clock = Err(ClockError::NoClock);
    assert_eq!(
        errs,
        (no_clock, no_clock, Some(ClockError::NoClock)),
        "on {}",
        backend()
    );
    // And the root's clock was left alone: it still runs.
    let start = Instant::now();
    std::thread::sleep(Duration::from_millis(2));
    assert!(Instant::now() > start, "the clock runs, on {}", backend());
}

#[anyloop::test]
async fn try_advance_needs_a_paused_clock() {
    let err = time::try_advance(SEC).err();
    assert_eq!(err, Some(ClockError::NotPaused), "on {}", backend());
    assert!(
        err.is_some_and(|err| err.is_not_paused()),
        "on {}",
        backend()
    );
    time::try_pause().unwrap_or_else(|err| panic!("try_pause on {}: {err}", backend()));
    let start = Instant::now();
    time::try_advance(Duration::from_secs(42))
        .unwrap_or_else(|err| panic!("try_advance on {}: {err}", backend()))
        .await;
    assert_eq!(start.elapsed(), Duration::from_secs(42), "on {}", backend());
    time::try_resume().unwrap_or_else(|err| panic!("try_resume on {}: {err}", backend()));
    let resumed = Instant::now();
    std::thread::sleep(Duration::from_millis(2));
    assert!(
        Instant::now() > resumed,
        "resumed clock runs, on {}",
        backend()
    );
}

#[anyloop::test]
async fn a_task_spawned_after_the_pause_can_resume_the_clock() {
    time::try_pause().unwrap_or_else(|err| panic!("try_pause on {}: {err}", backend()));
    let resumed = anyloop::spawn(async { time::try_resume() }).await.unwrap();
    assert_eq!(resumed, Ok(()), "on {}", backend());
    let start = Instant::now();
    std::thread::sleep(Duration::from_millis(2));
    assert!(
        Instant::now() > start,
        "resumed from a task, on {}",
        backend()
    );
}

#[test]
fn the_try_forms_give_no_clock_outside_a_runtime() {
    assert_eq!(time::try_pause(), Err(ClockError::NoClock));
    assert_eq!(time::try_resume(), Err(ClockError::NoClock));
    let err = time::try_advance(SEC).err();
    assert!(err.is_some_and(|err| err.is_no_clock()), "{err:?}");
    assert!(
        ClockError::NoClock
            .to_string()
            .starts_with("called outside the clock of a runtime that anyloop started")
    );
}
