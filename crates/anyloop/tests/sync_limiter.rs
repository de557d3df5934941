//! Conformance: `CapacityLimiter` (AnyIO's) behaves the same on every
//! backend, including when its total changes at run time.

mod common;

use common::{InFlight, within};

use std::sync::Arc;
use std::time::Duration;

use anyloop::sync::{CapacityLimiter, Event};
use common::{backend, eventually};
use futures_lite::future::poll_once;

#[anyloop::test(worker_threads = 2)]
async fn peak_never_exceeds_total() {
    const TOTAL: usize = 3;
    let limiter = Arc::new(CapacityLimiter::new(TOTAL));
    let in_flight = Arc::new(InFlight::default());
    let tasks: Vec<_> = (0..32)
        .map(|n| {
            let (limiter, in_flight) = (limiter.clone(), in_flight.clone());
            anyloop::spawn(async move {
                // Half borrowed guards, half owned ones.
                let (_a, _b) = if n % 2 == 0 {
                    (Some(limiter.acquire().await), None)
                } else {
                    (None, Some(limiter.acquire_owned().await))
                };
                in_flight.enter();
                assert!(limiter.borrowed() <= TOTAL);
                anyloop::time::sleep(Duration::from_millis(1)).await;
                in_flight.leave();
            })
        })
        .collect();
    for task in tasks {
        within("a limited task", task).await.unwrap();
    }
    assert_eq!(in_flight.peak(), TOTAL, "peak in flight on {}", backend());
    assert_eq!(limiter.borrowed(), 0, "on {}", backend());
    assert_eq!(limiter.available(), TOTAL, "on {}", backend());
}

/// Spawns `n` tasks that each take a slot, count themselves in, and hold
/// the slot until `release` is set.
fn spawn_holders(
    n: usize,
    limiter: &Arc<CapacityLimiter>,
    in_flight: &Arc<InFlight>,
    release: &Arc<Event>,
) -> Vec<anyloop::task::JoinHandle<()>> {
    (0..n)
        .map(|_| {
            let (limiter, in_flight, release) =
                (limiter.clone(), in_flight.clone(), release.clone());
            anyloop::spawn(async move {
                let _slot = limiter.acquire().await;
                in_flight.enter();
                release.wait().await;
                in_flight.leave();
            })
        })
        .collect()
}

#[anyloop::test]
async fn growing_admits_waiters() {
    let limiter = Arc::new(CapacityLimiter::new(1));
    let in_flight = Arc::new(InFlight::default());
    let release = Arc::new(Event::new());
    let held = limiter.try_acquire().expect("a free slot");
    let tasks = spawn_holders(3, &limiter, &in_flight, &release);
    anyloop::time::sleep(Duration::from_millis(20)).await;
    assert_eq!(
        in_flight.now(),
        0,
        "admitted past the total on {}",
        backend()
    );

    limiter.set_total(3);
    assert!(
        eventually(|| in_flight.now() == 2).await,
        "growing the total admitted {} waiters, not 2, on {}",
        in_flight.now(),
        backend()
    );
    assert_eq!(limiter.borrowed(), 3, "on {}", backend());
    limiter.set_total(10);
    assert!(
        eventually(|| in_flight.now() == 3).await,
        "on {}",
        backend()
    );
    drop(held);
    release.set();
    for task in tasks {
        within("a holder", task).await.unwrap();
    }
    assert_eq!(limiter.borrowed(), 0, "on {}", backend());
}

#[anyloop::test]
async fn shrinking_waits_for_holders_to_leave() {
    let limiter = Arc::new(CapacityLimiter::new(3));
    let a = limiter.acquire_owned().await;
    let b = limiter.acquire_owned().await;
    let c = limiter.acquire_owned().await;
    limiter.set_total(1);
    assert_eq!(limiter.total(), 1, "on {}", backend());
    assert_eq!(
        limiter.borrowed(),
        3,
        "shrinking revoked a guard on {}",
        backend()
    );
    assert_eq!(limiter.available(), 0, "on {}", backend());

    let waiter = anyloop::spawn({
        let limiter = limiter.clone();
        async move {
            let _slot = limiter.acquire().await;
        }
    });
    for (left, guard) in [(2, a), (1, b)] {
        drop(guard);
        anyloop::time::sleep(Duration::from_millis(10)).await;
        assert!(
            !waiter.is_finished(),
            "admitted with {left} holders and a total of 1 on {}",
            backend()
        );
        assert_eq!(limiter.borrowed(), left, "on {}", backend());
    }
    drop(c);
    within("the waiter once the holders left", waiter)
        .await
        .unwrap();
    assert_eq!(limiter.borrowed(), 0, "on {}", backend());
    assert_eq!(limiter.available(), 1, "on {}", backend());
}

#[anyloop::test]
async fn try_acquire_and_owned_guard_from_another_task() {
    let limiter = CapacityLimiter::new(1);
    let guard = limiter.try_acquire_owned().expect("a free slot");
    assert!(limiter.try_acquire().is_none(), "on {}", backend());
    assert!(limiter.try_acquire_owned().is_none(), "on {}", backend());
    let holder = anyloop::spawn(async move {
        anyloop::time::sleep(Duration::from_millis(5)).await;
        drop(guard);
    });
    let slot = within("acquire after the other task left", limiter.acquire()).await;
    within("the holder", holder).await.unwrap();
    assert_eq!(limiter.borrowed(), 1, "on {}", backend());
    drop(slot);
    assert_eq!(limiter.available(), 1, "on {}", backend());
}

#[anyloop::test]
async fn zero_total_admits_nobody_until_raised() {
    let limiter = Arc::new(CapacityLimiter::new(0));
    assert!(limiter.try_acquire().is_none(), "on {}", backend());
    let waiter = anyloop::spawn({
        let limiter = limiter.clone();
        async move {
            let _slot = limiter.acquire().await;
        }
    });
    anyloop::time::sleep(Duration::from_millis(10)).await;
    assert!(!waiter.is_finished(), "on {}", backend());
    limiter.set_total(1);
    within("a waiter admitted by set_total", waiter)
        .await
        .unwrap();
}

#[anyloop::test]
async fn each_freed_slot_wakes_its_own_waiter() {
    // Two slots freed before any woken waiter runs must wake two waiters,
    // not the same one twice.
    let limiter = Arc::new(CapacityLimiter::new(2));
    let held = [
        limiter.try_acquire_owned().expect("a free slot"),
        limiter.try_acquire_owned().expect("a free slot"),
    ];
    let in_flight = Arc::new(InFlight::default());
    let release = Arc::new(Event::new());
    let tasks = spawn_holders(2, &limiter, &in_flight, &release);
    anyloop::time::sleep(Duration::from_millis(10)).await;
    assert_eq!(in_flight.now(), 0, "on {}", backend());
    drop(held); // both slots, without a yield in between
    assert!(
        eventually(|| in_flight.now() == 2).await,
        "{} of 2 waiters woken on {}",
        in_flight.now(),
        backend()
    );
    release.set();
    for task in tasks {
        within("a holder", task).await.unwrap();
    }
}

#[anyloop::test]
async fn cancelled_waiter_passes_its_wake_up_on() {
    let limiter = Arc::new(CapacityLimiter::new(1));
    let held = limiter.try_acquire_owned().expect("a free slot");
    // `first` waits first, so a freed slot wakes it.
    let mut first = Box::pin(limiter.acquire());
    assert!(
        poll_once(first.as_mut()).await.is_none(),
        "on {}",
        backend()
    );
    let second = anyloop::spawn({
        let limiter = limiter.clone();
        async move {
            let _slot = limiter.acquire().await;
        }
    });
    anyloop::time::sleep(Duration::from_millis(10)).await;
    assert!(!second.is_finished(), "on {}", backend());
    drop(held); // wakes `first`...
    drop(first); // ...which is cancelled before it takes the slot
    within("the second waiter, woken in its place", second)
        .await
        .unwrap();
    assert_eq!(limiter.borrowed(), 0, "on {}", backend());
}

#[anyloop::test(worker_threads = 2)]
async fn no_lost_wake_up_while_the_total_changes() {
    let limiter = Arc::new(CapacityLimiter::new(2));
    let in_flight = Arc::new(InFlight::default());
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let (limiter, in_flight) = (limiter.clone(), in_flight.clone());
            anyloop::spawn(async move {
                for _ in 0..200 {
                    let _slot = limiter.acquire().await;
                    in_flight.enter();
                    anyloop::time::sleep(Duration::ZERO).await;
                    in_flight.leave();
                }
            })
        })
        .collect();
    let resizer = anyloop::spawn({
        let limiter = limiter.clone();
        async move {
            for total in [1, 4, 2, 3, 1, 2].into_iter().cycle().take(60) {
                limiter.set_total(total);
                anyloop::time::sleep(Duration::from_millis(1)).await;
            }
            limiter.set_total(2);
        }
    });
    within("the resizer", resizer).await.unwrap();
    for task in tasks {
        within("a task under a changing total", task).await.unwrap();
    }
    assert!(
        in_flight.peak() <= 4,
        "peak {} on {}",
        in_flight.peak(),
        backend()
    );
    assert_eq!(limiter.borrowed(), 0, "on {}", backend());
}
