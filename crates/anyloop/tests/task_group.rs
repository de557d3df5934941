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

#[anyloop::test]
async fn simultaneous_errors_are_all_returned() {
    let group = TaskGroup::<u32>::new();
    let barrier = Arc::new(AtomicUsize::new(0));
    for i in 0..3 {
        let barrier = barrier.clone();
        // Each fails without an await point after the others arrived, so
        // all three fail before any cancellation is seen.
        group.spawn(async move {
            barrier.fetch_add(1, Ordering::SeqCst);
            while barrier.load(Ordering::SeqCst) < 3 {
                anyloop::task::yield_now().await;
            }
            Err::<(), _>(i)
        });
    }
    let err = timeout(Duration::from_secs(5), group.wait())
        .await
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(err, GroupError::Errors(_)),
        "on {}: {err:?}",
        backend()
    );
    assert!(
        err.to_string().starts_with("3 tasks of a group failed"),
        "{err}"
    );
    let mut errors = err.into_errors();
    errors.sort();
    assert_eq!(errors, [0, 1, 2], "on {}", backend());
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
