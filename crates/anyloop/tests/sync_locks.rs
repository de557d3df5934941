//! Conformance: `Mutex`, `RwLock`, `Semaphore` and `Barrier` behave the same
//! on every backend.

mod common;

use common::{InFlight, within};

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyloop::sync::{Barrier, Mutex, RwLock, Semaphore};
use common::{backend, eventually};

#[anyloop::test(worker_threads = 2)]
async fn mutex_excludes_under_contention() {
    let count = Arc::new(Mutex::new(0usize));
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let count = count.clone();
            anyloop::spawn(async move {
                for _ in 0..1000 {
                    let mut guard = count.lock().await;
                    let seen = *guard;
                    // Yield inside the critical section: without exclusion
                    // another task would interleave and lose an increment.
                    anyloop::time::sleep(Duration::ZERO).await;
                    *guard = seen + 1;
                }
            })
        })
        .collect();
    for task in tasks {
        within("a mutex task", task).await.unwrap();
    }
    assert_eq!(
        *count.lock().await,
        8000,
        "lost increments on {}",
        backend()
    );
}

#[anyloop::test]
async fn mutex_guard_arc_moves_to_another_task() {
    let shared = Arc::new(Mutex::new(Vec::new()));
    let mut guard = shared.lock_arc().await;
    guard.push(1);
    assert!(shared.try_lock().is_none(), "on {}", backend());
    let task = anyloop::spawn(async move {
        guard.push(2);
    });
    within("the guard's task", task).await.unwrap();
    assert_eq!(
        *within("lock", shared.lock()).await,
        [1, 2],
        "on {}",
        backend()
    );
}

#[anyloop::test]
async fn rwlock_readers_share_writer_excludes() {
    let lock = Arc::new(RwLock::new(0));
    let r1 = lock.read().await;
    let r2 = within("a second reader", lock.read()).await;
    assert!(lock.try_write().is_none(), "on {}", backend());

    let writer = anyloop::spawn({
        let lock = lock.clone();
        async move { *lock.write().await = 1 }
    });
    anyloop::time::sleep(Duration::from_millis(20)).await;
    assert!(
        !writer.is_finished(),
        "a writer got in past two readers on {}",
        backend()
    );
    drop((r1, r2));
    within("the writer", writer).await.unwrap();
    assert_eq!(*lock.read().await, 1, "on {}", backend());
}

#[anyloop::test(worker_threads = 2)]
async fn semaphore_never_exceeds_its_permits() {
    const PERMITS: usize = 3;
    let semaphore = Arc::new(Semaphore::new(PERMITS));
    let in_flight = Arc::new(InFlight::default());
    let tasks: Vec<_> = (0..24)
        .map(|_| {
            let (semaphore, in_flight) = (semaphore.clone(), in_flight.clone());
            anyloop::spawn(async move {
                let _permit = semaphore.acquire().await;
                in_flight.enter();
                anyloop::time::sleep(Duration::from_millis(2)).await;
                in_flight.leave();
            })
        })
        .collect();
    for task in tasks {
        within("a semaphore task", task).await.unwrap();
    }
    assert_eq!(in_flight.peak(), PERMITS, "peak in flight on {}", backend());
    assert_eq!(semaphore.available_permits(), PERMITS, "on {}", backend());
}

#[anyloop::test]
async fn owned_permit_released_by_another_task() {
    let semaphore = Arc::new(Semaphore::new(1));
    let permit = semaphore.acquire_owned().await;
    assert!(semaphore.try_acquire().is_none(), "on {}", backend());

    let waiter = anyloop::spawn({
        let semaphore = semaphore.clone();
        async move {
            let _permit = semaphore.acquire().await;
        }
    });
    // The holder releases only when told, after the check below: however
    // late the test's own sleep ends, the permit is still held then.
    let (release, released) = anyloop::sync::oneshot::channel::<()>();
    let holder = anyloop::spawn(async move {
        let _ = released.await;
        drop(permit);
    });
    anyloop::time::sleep(Duration::from_millis(5)).await;
    assert!(
        !waiter.is_finished(),
        "acquired a held permit on {}",
        backend()
    );
    release.send(()).unwrap();
    within("the holder", holder).await.unwrap();
    within("the waiter after the release", waiter)
        .await
        .unwrap();
    assert_eq!(semaphore.available_permits(), 1, "on {}", backend());
}

#[anyloop::test]
async fn semaphore_try_acquire_add_permits_and_forget() {
    let semaphore = Semaphore::new(1);
    let permit = semaphore.try_acquire().expect("a free permit");
    assert!(semaphore.try_acquire().is_none(), "on {}", backend());
    assert!(semaphore.try_acquire_owned().is_none(), "on {}", backend());
    permit.forget();
    assert_eq!(semaphore.available_permits(), 0, "on {}", backend());
    semaphore.add_permits(2);
    let a = within("acquire", semaphore.acquire()).await;
    let b = within("acquire_owned", semaphore.acquire_owned()).await;
    assert_eq!(semaphore.available_permits(), 0, "on {}", backend());
    drop((a, b));
    assert_eq!(semaphore.available_permits(), 2, "on {}", backend());
}

#[anyloop::test]
async fn add_permits_wakes_waiters() {
    let semaphore = Arc::new(Semaphore::new(0));
    let tasks: Vec<_> = (0..3)
        .map(|_| {
            let semaphore = semaphore.clone();
            anyloop::spawn(async move { semaphore.acquire_owned().await.forget() })
        })
        .collect();
    anyloop::time::sleep(Duration::from_millis(10)).await;
    semaphore.add_permits(3);
    for task in tasks {
        within("a waiter woken by add_permits", task).await.unwrap();
    }
}

#[anyloop::test(worker_threads = 2)]
async fn barrier_releases_all_at_once() {
    const PARTIES: usize = 5;
    let barrier = Arc::new(Barrier::new(PARTIES));
    let arrived = Arc::new(AtomicUsize::new(0));
    let passed = Arc::new(AtomicUsize::new(0));
    let spawn_party = || {
        let (barrier, arrived, passed) = (barrier.clone(), arrived.clone(), passed.clone());
        anyloop::spawn(async move {
            arrived.fetch_add(1, Ordering::SeqCst);
            let result = barrier.wait().await;
            let seen = arrived.load(Ordering::SeqCst);
            passed.fetch_add(1, Ordering::SeqCst);
            (seen, result.is_leader())
        })
    };
    let mut tasks: Vec<_> = (0..PARTIES - 1).map(|_| spawn_party()).collect();
    assert!(
        eventually(|| arrived.load(Ordering::SeqCst) == PARTIES - 1).await,
        "on {}",
        backend()
    );
    anyloop::time::sleep(Duration::from_millis(20)).await;
    assert_eq!(
        passed.load(Ordering::SeqCst),
        0,
        "a party passed the barrier early on {}",
        backend()
    );
    tasks.push(spawn_party());
    let mut leaders = 0;
    for task in tasks {
        let (seen, leader) = within("a barrier party", task).await.unwrap();
        assert_eq!(
            seen,
            PARTIES,
            "released before all arrived on {}",
            backend()
        );
        leaders += usize::from(leader);
    }
    assert_eq!(leaders, 1, "leaders on {}", backend());
}
