//! Tasks: spawning, joining, detaching, aborting and panics.

use std::sync::mpsc;
use std::time::Duration;

use anyloop_core::task::{JoinError, TaskHandle};
use anyloop_core::{Runtime, TimerExt};

use crate::support::{Counter, DropFlag, PanicsOnDrop, eventually, within};

/// A spawned task's output is what awaiting its handle returns.
pub async fn spawn_returns_output<R: Runtime>(rt: R) {
    let handle = rt.spawn(async { String::from("done") });
    assert_eq!(handle.await.unwrap(), "done");
}

/// Dropping a join handle detaches the task: it still runs to completion.
pub async fn dropped_handle_detaches<R: Runtime>(rt: R) {
    let ran = Counter::new();
    let counter = ran.clone();
    let timer = rt.clone();
    drop(rt.spawn(async move {
        timer.sleep(Duration::from_millis(5)).await;
        counter.add();
    }));
    assert!(
        eventually(&rt, || ran.get() == 1).await,
        "a detached task did not complete"
    );
}

/// `abort` cancels a running task; its handle then gives
/// `JoinError::is_cancelled`, once the task's future has been dropped.
pub async fn abort_cancels_and_drops_the_future<R: Runtime>(rt: R) {
    let dropped = DropFlag::new();
    let guard = dropped.guard();
    let started = Counter::new();
    let counter = started.clone();
    let handle = rt.spawn(async move {
        let _guard = guard;
        counter.add();
        std::future::pending::<()>().await;
    });
    assert!(
        eventually(&rt, || started.get() == 1).await,
        "the task never started"
    );
    assert!(!handle.is_finished(), "a pending task is_finished");
    handle.abort();
    let err = handle.await.unwrap_err();
    assert!(err.is_cancelled(), "{err:?}");
    assert!(!err.is_panic());
    assert!(
        dropped.is_set(),
        "the aborted task's future was not dropped by the time its handle resolved"
    );
}

/// A task aborted before it first ran is cancelled and its future dropped;
/// aborting twice is harmless.
pub async fn abort_before_first_poll<R: Runtime>(rt: R) {
    let dropped = DropFlag::new();
    let guard = dropped.guard();
    let handle = rt.spawn(async move {
        let _guard = guard;
        std::future::pending::<()>().await;
    });
    handle.abort();
    handle.abort(); // twice is harmless
    assert!(handle.await.unwrap_err().is_cancelled());
    assert!(
        dropped.is_set(),
        "the aborted task's future was not dropped"
    );
}

/// Aborting a task that has already completed keeps its output.
pub async fn abort_after_completion_keeps_the_output<R: Runtime>(rt: R) {
    let handle = rt.spawn(async { 7 });
    assert!(
        eventually(&rt, || handle.is_finished()).await,
        "is_finished never became true"
    );
    handle.abort();
    assert_eq!(handle.await.unwrap(), 7);
}

/// `is_finished` turns true when the task completes, and peeking with it
/// does not lose the output.
pub async fn is_finished_tracks_completion<R: Runtime>(rt: R) {
    let (tx, rx) = mpsc::channel::<()>();
    let handle = rt.spawn_blocking(move || rx.recv_timeout(Duration::from_secs(5)).is_ok());
    assert!(!handle.is_finished(), "a waiting task is_finished");
    tx.send(()).unwrap();
    assert!(
        eventually(&rt, || handle.is_finished()).await,
        "is_finished never became true"
    );
    assert!(handle.await.unwrap(), "the output was lost");
}

/// `abort_on_drop` guards cancel their task when dropped; `into_inner`
/// disarms them.
pub async fn abort_on_drop_guard_cancels<R: Runtime>(rt: R) {
    let dropped = DropFlag::new();
    let guard = dropped.guard();
    let task = rt
        .spawn(async move {
            let _guard = guard;
            std::future::pending::<()>().await;
        })
        .abort_on_drop();
    drop(task);
    assert!(
        eventually(&rt, || dropped.is_set()).await,
        "a dropped guard did not cancel its task"
    );
    let task = rt.spawn(async { 3 }).abort_on_drop();
    assert_eq!(task.into_inner().await.unwrap(), 3);
}

/// A panic in a task is a `JoinError::is_panic` carrying the payload; a
/// cancelled task's error carries none.
pub async fn panic_becomes_join_error_with_payload<R: Runtime>(rt: R) {
    let err: JoinError = rt
        .spawn(async { std::panic::panic_any(String::from("boom")) })
        .await
        .unwrap_err();
    assert!(err.is_panic(), "{err:?}");
    assert!(!err.is_cancelled());
    assert_eq!(err.to_string(), "task panicked: boom");
    let payload = err.into_panic();
    assert_eq!(
        payload.downcast_ref::<String>().map(String::as_str),
        Some("boom"),
        "the payload was not kept"
    );

    let handle = rt.spawn(std::future::pending::<()>());
    handle.abort();
    let err = handle.await.unwrap_err();
    assert_eq!(err.to_string(), "task was cancelled");
    assert!(err.try_into_panic().is_err());
}

/// Panicking tasks, joined, detached or blocking, never take down a worker:
/// the runtime keeps running tasks afterwards.
pub async fn panics_do_not_take_down_the_runtime<R: Runtime>(rt: R) {
    for i in 0..10 {
        let err = rt
            .spawn(async move { panic!("task {i}") })
            .await
            .unwrap_err();
        assert!(err.is_panic(), "{err:?}");
        drop(rt.spawn(async move { panic!("detached {i}") }));
        let err = rt
            .spawn_blocking(move || panic!("blocking {i}"))
            .await
            .unwrap_err();
        assert!(err.is_panic(), "a blocking task's panic: {err:?}");
    }
    rt.sleep(Duration::from_millis(5)).await;
    let after = within(&rt, "a task after the panics", rt.spawn(async { 1 })).await;
    assert_eq!(after.unwrap(), 1);
}

/// Aborting a task whose destructor panics gives `JoinError::is_panic` with
/// the destructor's payload, instead of taking the process down.
pub async fn abort_reports_a_panicking_destructor<R: Runtime>(rt: R) {
    for round in 0..20 {
        let started = Counter::new();
        let flag = started.clone();
        let task = rt.spawn(async move {
            let _bomb = PanicsOnDrop;
            flag.add();
            std::future::pending::<()>().await;
        });
        assert!(
            eventually(&rt, || started.get() == 1).await,
            "the task never started"
        );
        task.abort();
        let err = within(&rt, "an aborted task", task).await.unwrap_err();
        assert!(err.is_panic(), "round {round}: {err:?}");
        assert_eq!(
            err.into_panic().downcast_ref::<&str>(),
            Some(&"destructor panicked"),
            "round {round}"
        );
    }
    // Aborted before it ever ran: reported as a panic or a cancellation.
    let task = rt.spawn(async move {
        let _bomb = PanicsOnDrop;
        std::future::pending::<()>().await;
    });
    task.abort();
    let err = within(&rt, "a task aborted at once", task)
        .await
        .unwrap_err();
    assert!(err.is_panic() || err.is_cancelled(), "{err:?}");
}

/// Tasks spawn tasks, three deep.
pub async fn nested_spawn<R: Runtime>(rt: R) {
    let inner_rt = rt.clone();
    let outer = rt.spawn(async move {
        let innermost_rt = inner_rt.clone();
        let inner =
            inner_rt.spawn(async move { innermost_rt.spawn(async { 40 }).await.unwrap() + 1 });
        inner.await.unwrap() + 1
    });
    assert_eq!(outer.await.unwrap(), 42);
}

/// `spawn_blocking` runs its closure on another thread than the async code,
/// which keeps running meanwhile.
pub async fn spawn_blocking_runs_off_the_async_threads<R: Runtime>(rt: R) {
    // The closure waits for a message that only async code sends: run on
    // the async thread (of a current-thread runtime), it would time out.
    let (tx, rx) = mpsc::channel::<()>();
    let async_thread = std::thread::current().id();
    let blocking = rt.spawn_blocking(move || {
        let received = rx.recv_timeout(Duration::from_secs(5)).is_ok();
        (received, std::thread::current().id())
    });
    rt.sleep(Duration::from_millis(5)).await;
    tx.send(()).unwrap();
    let (received, blocking_thread) = blocking.await.unwrap();
    assert!(received, "spawn_blocking blocked the async thread");
    assert_ne!(
        blocking_thread, async_thread,
        "spawn_blocking ran on the async thread"
    );
}

/// 100,000 tasks at once, every output joined.
pub async fn many_tasks<R: Runtime>(rt: R) {
    const TASKS: u64 = 100_000;
    let handles: Vec<_> = (0..TASKS).map(|i| rt.spawn(async move { i })).collect();
    let mut sum = 0;
    for handle in handles {
        sum += handle.await.unwrap();
    }
    assert_eq!(sum, TASKS * (TASKS - 1) / 2);
}
