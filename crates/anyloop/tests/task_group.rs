//! Conformance: task groups and scopes behave the same on every backend.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyloop::task::{GroupError, TaskGroup, scope};
use anyloop::time::{sleep, timeout};
use common::{DropFlag, backend, eventually};

const LONG: Duration = Duration::from_secs(3600);

#[anyloop::test]
async fn the_group_waits_for_every_child() {
    let done = Arc::new(AtomicUsize::new(0));
    let group = TaskGroup::<()>::new();
    for ms in [1, 5, 10] {
        let done = done.clone();
        group.spawn(async move {
            sleep(Duration::from_millis(ms)).await;
            done.fetch_add(1, Ordering::SeqCst);
            Ok(())
        });
    }
    assert_eq!(group.len(), 3);
    timeout(Duration::from_secs(5), group.wait())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(done.load(Ordering::SeqCst), 3, "on {}", backend());
    assert!(group.is_empty());
}

#[anyloop::test]
async fn children_spawned_while_waiting_are_waited_for() {
    let group = TaskGroup::<()>::new();
    let inner = group.clone();
    let late = Arc::new(AtomicUsize::new(0));
    let seen = late.clone();
    group.spawn(async move {
        sleep(Duration::from_millis(2)).await;
        inner.spawn(async move {
            sleep(Duration::from_millis(5)).await;
            seen.fetch_add(1, Ordering::SeqCst);
            Ok(())
        });
        Ok(())
    });
    timeout(Duration::from_secs(5), group.wait())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(late.load(Ordering::SeqCst), 1, "on {}", backend());
}

#[anyloop::test]
async fn the_first_error_cancels_the_siblings() {
    let dropped = DropFlag::new();
    let guard = dropped.guard();
    let group = TaskGroup::<String>::new();
    let sibling = group.spawn(async move {
        let _guard = guard;
        sleep(LONG).await;
        Ok(())
    });
    group.spawn(async {
        sleep(Duration::from_millis(2)).await;
        Err::<(), _>("boom".to_owned())
    });
    let err = timeout(Duration::from_secs(5), group.wait())
        .await
        .unwrap()
        .unwrap_err();
    match err {
        GroupError::Error(message) => assert_eq!(message, "boom", "on {}", backend()),
        other => panic!("on {}: {other:?}", backend()),
    }
    assert!(group.is_cancelled());
    assert!(
        dropped.is_set(),
        "the sibling's destructors did not run on {}",
        backend()
    );
    assert_eq!(sibling.await, None);
}

/// Children that spin until all have arrived, then fail with their index.
/// Once the last arrives, every child is able to fail: by the group's rule
/// (each child gets the poll after the cancellation), all three errors are
/// returned however the runtime's threads interleave.
async fn three_children_fail_together() -> GroupError<u32> {
    let group = TaskGroup::<u32>::new();
    let arrived = Arc::new(AtomicUsize::new(0));
    for i in 0..3 {
        let arrived = arrived.clone();
        group.spawn(async move {
            arrived.fetch_add(1, Ordering::SeqCst);
            while arrived.load(Ordering::SeqCst) < 3 {
                anyloop::task::yield_now().await;
            }
            Err::<(), _>(i)
        });
    }
    timeout(Duration::from_secs(5), group.wait())
        .await
        .unwrap()
        .unwrap_err()
}

#[anyloop::test]
async fn simultaneous_errors_are_all_returned() {
    // Many rounds: the race this pins lost about one round in twelve on a
    // multi-thread runtime before the rule was made exact.
    for round in 0..200 {
        let err = three_children_fail_together().await;
        assert!(
            matches!(err, GroupError::Errors(_)),
            "round {round} on {}: {err:?}",
            backend()
        );
        assert!(
            err.to_string().starts_with("3 tasks of a group failed"),
            "round {round} on {}: {err}",
            backend()
        );
        let mut errors = err.into_errors();
        errors.sort();
        assert_eq!(errors, [0, 1, 2], "round {round} on {}", backend());
    }
}

#[anyloop::test]
async fn errors_after_the_first_failure_are_not_counted() {
    // The second child fails only after being woken by something that
    // happens after the first failure: it is cancelled while waiting, and
    // only the first error is returned.
    for round in 0..50 {
        let group = TaskGroup::<&str>::new();
        let (tx, rx) = anyloop::sync::oneshot::channel::<()>();
        let dropped = DropFlag::new();
        let guard = dropped.guard();
        group.spawn(async move {
            let _guard = guard;
            let _ = rx.await;
            Err::<(), _>("too late")
        });
        group.spawn(async { Err::<(), _>("first") });
        let err = timeout(Duration::from_secs(5), group.wait())
            .await
            .unwrap()
            .unwrap_err();
        // Sent after the group failed: the waiting child is gone by now.
        let _ = tx.send(());
        assert!(
            matches!(err, GroupError::Error("first")),
            "round {round} on {}: {err:?}",
            backend()
        );
        assert!(dropped.is_set(), "round {round} on {}", backend());
    }
}

#[anyloop::test]
async fn a_panicking_child_fails_the_group() {
    let group = TaskGroup::<()>::new();
    let sibling = group.spawn(async {
        sleep(LONG).await;
        Ok(())
    });
    group.spawn::<(), _>(async { panic!("child panicked") });
    let err = timeout(Duration::from_secs(5), group.wait())
        .await
        .unwrap()
        .unwrap_err();
    assert!(err.is_panic(), "on {}: {err:?}", backend());
    let GroupError::Panic(join) = err else {
        unreachable!()
    };
    let payload = join.into_panic();
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"child panicked"));
    assert_eq!(sibling.await, None, "on {}", backend());
}

#[anyloop::test]
async fn cancel_stops_every_child() {
    let group = TaskGroup::<()>::new();
    let children: Vec<_> = (0..5)
        .map(|_| {
            group.spawn(async {
                sleep(LONG).await;
                Ok(())
            })
        })
        .collect();
    group.cancel();
    timeout(Duration::from_secs(5), group.wait())
        .await
        .unwrap()
        .unwrap();
    for child in children {
        assert_eq!(child.await, None, "on {}", backend());
    }
    // A child spawned into a cancelled group is cancelled at once.
    assert_eq!(group.spawn(async { Ok(1) }).await, None);
}

#[anyloop::test]
async fn dropping_a_scope_mid_way_cancels_its_children() {
    let ticks = Arc::new(AtomicUsize::new(0));
    let dropped = DropFlag::new();
    let (counted, guard) = (ticks.clone(), dropped.guard());
    let scoped = scope(move |group: TaskGroup<()>| async move {
        group.spawn(async move {
            let _guard = guard;
            loop {
                counted.fetch_add(1, Ordering::SeqCst);
                sleep(Duration::from_millis(1)).await;
            }
            #[allow(unreachable_code)]
            Ok(())
        });
        sleep(LONG).await;
        Ok(())
    });
    assert!(timeout(Duration::from_millis(20), scoped).await.is_err());
    assert!(eventually(|| ticks.load(Ordering::SeqCst) > 0).await);
    // The child's future is dropped soon after its scope...
    assert!(
        eventually(|| dropped.is_set()).await,
        "a child outlived its scope on {}",
        backend()
    );
    // ...and nothing of it runs on.
    let after_drop = ticks.load(Ordering::SeqCst);
    sleep(Duration::from_millis(20)).await;
    assert_eq!(ticks.load(Ordering::SeqCst), after_drop, "on {}", backend());
}

#[anyloop::test]
async fn scope_returns_the_body_value_or_error() {
    let value = scope(|group: TaskGroup<&str>| async move {
        let a = group.spawn(async { Ok(20) });
        let b = group.spawn(async { Ok(22) });
        Ok(a.await.unwrap_or(0) + b.await.unwrap_or(0))
    })
    .await;
    assert_eq!(value.unwrap(), 42, "on {}", backend());

    let failed = scope(|group: TaskGroup<&str>| async move {
        group.spawn(async {
            sleep(LONG).await;
            Ok(())
        });
        Err::<(), _>("body failed")
    });
    let err = timeout(Duration::from_secs(5), failed)
        .await
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(err, GroupError::Error("body failed")),
        "on {}: {err:?}",
        backend()
    );
}

#[anyloop::test]
async fn start_waits_for_readiness() {
    let group = TaskGroup::<std::io::Error>::new();
    let port = group
        .start(|ready| async move {
            let listener = anyloop::net::TcpListener::bind("127.0.0.1:0").await?;
            ready.send(listener.local_addr()?.port());
            let (_client, _) = listener.accept().await?;
            Ok(())
        })
        .await
        .unwrap();
    anyloop::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    timeout(Duration::from_secs(5), group.wait())
        .await
        .unwrap()
        .unwrap();

    // A child that fails before it is ready fails `start`.
    let err = group
        .start(|_ready: anyloop::task::Ready<u16>| async {
            Err::<(), _>(std::io::Error::other("could not bind"))
        })
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "could not bind", "on {}", backend());
    // One that ends without signalling is NotReady.
    let fresh = TaskGroup::<()>::new();
    let err = fresh
        .start(|_ready: anyloop::task::Ready<u16>| async { Ok(()) })
        .await
        .unwrap_err();
    assert!(
        matches!(err, GroupError::NotReady),
        "on {}: {err:?}",
        backend()
    );
}

#[anyloop::test]
async fn a_failing_child_ends_the_scope_while_the_body_waits() {
    let body_dropped = DropFlag::new();
    let guard = body_dropped.guard();
    let started = std::time::Instant::now();
    let result = scope(move |group: TaskGroup<&str>| async move {
        let _guard = guard;
        group.spawn(async {
            sleep(Duration::from_millis(20)).await;
            Err::<(), _>("child failed")
        });
        sleep(LONG).await;
        Ok("the body finished by itself")
    });
    let err = timeout(Duration::from_secs(10), result)
        .await
        .unwrap_or_else(|_| panic!("the scope waited for its body on {}", backend()))
        .unwrap_err();
    assert!(
        matches!(err, GroupError::Error("child failed")),
        "on {}: {err:?}",
        backend()
    );
    assert!(body_dropped.is_set(), "on {}", backend());
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[anyloop::test]
async fn cancel_from_a_child_ends_the_scope() {
    let sibling_dropped = DropFlag::new();
    let guard = sibling_dropped.guard();
    let result = scope(move |group: TaskGroup<&str>| async move {
        let canceller = group.clone();
        group.spawn(async move {
            let _guard = guard;
            sleep(LONG).await;
            Ok(())
        });
        group.spawn(async move {
            sleep(Duration::from_millis(5)).await;
            canceller.cancel();
            Ok(())
        });
        sleep(LONG).await;
        Ok(())
    });
    let err = timeout(Duration::from_secs(10), result)
        .await
        .unwrap_or_else(|_| panic!("the scope waited for its body on {}", backend()))
        .unwrap_err();
    assert!(
        matches!(err, GroupError::Cancelled),
        "on {}: {err:?}",
        backend()
    );
    assert_eq!(
        err.to_string(),
        "the task group was cancelled before its scope's body finished"
    );
    assert!(sibling_dropped.is_set(), "on {}", backend());

    // A body that cancels and then returns without waiting keeps its value.
    let value = scope(|group: TaskGroup<()>| async move {
        group.cancel();
        Ok(7)
    })
    .await;
    assert_eq!(value.unwrap(), 7, "on {}", backend());
}

#[anyloop::test]
async fn children_see_the_deadline_around_their_group() {
    use anyloop::time::{Instant, current_deadline, timeout_at};

    let outer = Instant::now() + Duration::from_secs(60);
    let seen = timeout_at(outer, async {
        scope(|group: TaskGroup<()>| async move {
            let nested = group.clone();
            let child = group.spawn(async move {
                // A grandchild, spawned from a child through a clone.
                let grandchild = nested.spawn(async { Ok(current_deadline()) });
                // A child's own earlier deadline narrows it.
                let own = Instant::now() + Duration::from_secs(30);
                let narrowed = timeout_at(own, async { current_deadline() }).await.unwrap();
                // A later one does not extend it.
                let later = timeout(LONG, async { current_deadline() }).await.unwrap();
                Ok((
                    current_deadline(),
                    grandchild.await.flatten(),
                    narrowed == Some(own),
                    later,
                ))
            });
            Ok(child.await)
        })
        .await
    })
    .await
    .unwrap()
    .unwrap()
    .unwrap();
    assert_eq!(
        seen,
        (Some(outer), Some(outer), true, Some(outer)),
        "on {}",
        backend()
    );

    // Outside any timeout, children have no deadline.
    let group = TaskGroup::<()>::new();
    let child = group.spawn(async { Ok(current_deadline()) });
    assert_eq!(child.await, Some(None), "on {}", backend());
}
