//! Conformance: `Event` (asyncio's) behaves the same on every backend.

mod common;

use common::within;

use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyloop::sync::Event;
use common::{backend, eventually};
use futures_lite::future::poll_once;

#[anyloop::test]
async fn set_wait_clear() {
    let event = Event::new();
    assert!(!event.is_set(), "on {}", backend());
    assert!(
        anyloop::time::timeout(Duration::from_millis(20), event.wait())
            .await
            .is_err(),
        "wait returned before set on {}",
        backend()
    );
    event.set();
    assert!(event.is_set(), "on {}", backend());
    assert!(
        poll_once(event.wait()).await.is_some(),
        "wait on a set event was not ready at once on {}",
        backend()
    );
    event.set(); // setting twice is fine
    event.clear();
    assert!(!event.is_set(), "on {}", backend());
    assert!(
        anyloop::time::timeout(Duration::from_millis(20), event.wait())
            .await
            .is_err(),
        "wait returned after clear on {}",
        backend()
    );
    event.set();
    within("wait after a second set", event.wait()).await;
}

#[anyloop::test(worker_threads = 2)]
async fn waiters_registered_before_set_all_wake() {
    let event = Arc::new(Event::new());
    let waiting = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let (event, waiting) = (event.clone(), waiting.clone());
            anyloop::spawn(async move {
                let mut wait = pin!(event.wait());
                assert!(poll_once(wait.as_mut()).await.is_none());
                waiting.fetch_add(1, Ordering::SeqCst);
                wait.await;
            })
        })
        .collect();
    assert!(
        eventually(|| waiting.load(Ordering::SeqCst) == 8).await,
        "on {}",
        backend()
    );
    event.set();
    for task in tasks {
        within("a waiter", task).await.unwrap();
    }
}

#[anyloop::test]
async fn waiter_returns_when_set_then_cleared() {
    // asyncio's rule: a task waiting when `set` runs returns, even if the
    // event is cleared before it is polled again.
    let event = Event::new();
    let mut wait = pin!(event.wait());
    assert!(poll_once(wait.as_mut()).await.is_none(), "on {}", backend());
    event.set();
    event.clear();
    within("a waiter of a set-then-cleared event", wait).await;
    assert!(!event.is_set(), "on {}", backend());
}

#[anyloop::test(worker_threads = 2)]
async fn no_lost_wake_up_under_races() {
    for round in 0..500 {
        let event = Arc::new(Event::new());
        let waiter = anyloop::spawn({
            let event = event.clone();
            async move { event.wait().await }
        });
        let setter = anyloop::spawn({
            let event = event.clone();
            async move { event.set() }
        });
        within("the setter", setter).await.unwrap();
        within(&format!("the waiter of round {round}"), waiter)
            .await
            .unwrap();
    }
}
