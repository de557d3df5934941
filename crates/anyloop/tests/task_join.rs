//! Conformance: spawning, joining, detaching, aborting and panics behave the
//! same on every backend, through the static face and the ambient one.

mod common;

use std::sync::mpsc;
use std::time::Duration;

use anyloop::rt::{Runtime, TimerExt};
use anyloop::task::{JoinError, TaskHandle};
use common::{Counter, DropFlag, backend, both_faces, eventually};

#[anyloop::test]
async fn spawn_returns_output() {
    both_faces!(check_spawn_returns_output);
}

async fn check_spawn_returns_output<R: Runtime>(rt: R) {
    let handle = rt.spawn(async { String::from("done") });
    assert_eq!(handle.await.unwrap(), "done", "on {}", backend());
}

#[anyloop::test]
async fn dropped_handle_detaches() {
    both_faces!(check_dropped_handle_detaches);
}

async fn check_dropped_handle_detaches<R: Runtime>(rt: R) {
    let ran = Counter::new();
    let counter = ran.clone();
    let timer = rt.clone();
    drop(rt.spawn(async move {
        timer.sleep(Duration::from_millis(5)).await;
        counter.add();
    }));
    assert!(
        eventually(|| ran.get() == 1).await,
        "a detached task did not complete on {}",
        backend()
    );
}

#[anyloop::test]
async fn abort_cancels_and_drops_the_future() {
    both_faces!(check_abort_cancels_and_drops_the_future);
}

async fn check_abort_cancels_and_drops_the_future<R: Runtime>(rt: R) {
    let dropped = DropFlag::new();
    let guard = dropped.guard();
    let started = Counter::new();
    let counter = started.clone();
    let handle = rt.spawn(async move {
        let _guard = guard;
        counter.add();
        std::future::pending::<()>().await;
    });
    assert!(eventually(|| started.get() == 1).await, "on {}", backend());
    assert!(!handle.is_finished(), "on {}", backend());
    handle.abort();
    let err = handle.await.unwrap_err();
    assert!(err.is_cancelled(), "on {}: {err:?}", backend());
    assert!(!err.is_panic(), "on {}", backend());
    assert!(
        dropped.is_set(),
        "the aborted task's future was not dropped by the time its handle resolved, on {}",
        backend()
    );
}

#[anyloop::test]
async fn abort_before_first_poll() {
    both_faces!(check_abort_before_first_poll);
}

async fn check_abort_before_first_poll<R: Runtime>(rt: R) {
    let dropped = DropFlag::new();
    let guard = dropped.guard();
    let handle = rt.spawn(async move {
        let _guard = guard;
        std::future::pending::<()>().await;
    });
    handle.abort();
    handle.abort(); // twice is harmless
    assert!(handle.await.unwrap_err().is_cancelled(), "on {}", backend());
    assert!(dropped.is_set(), "on {}", backend());
}

#[anyloop::test]
async fn abort_after_completion_keeps_the_output() {
    both_faces!(check_abort_after_completion_keeps_the_output);
}

async fn check_abort_after_completion_keeps_the_output<R: Runtime>(rt: R) {
    let handle = rt.spawn(async { 7 });
    assert!(
        eventually(|| handle.is_finished()).await,
        "on {}",
        backend()
    );
    handle.abort();
    assert_eq!(handle.await.unwrap(), 7, "on {}", backend());
}

#[anyloop::test]
async fn is_finished_tracks_completion() {
    both_faces!(check_is_finished_tracks_completion);
}

async fn check_is_finished_tracks_completion<R: Runtime>(rt: R) {
    let (tx, rx) = mpsc::channel::<()>();
    let handle = rt.spawn_blocking(move || rx.recv_timeout(Duration::from_secs(5)).is_ok());
    assert!(!handle.is_finished(), "on {}", backend());
    tx.send(()).unwrap();
    assert!(
        eventually(|| handle.is_finished()).await,
        "on {}",
        backend()
    );
    // Peeking with `is_finished` must not lose the output.
    assert!(handle.await.unwrap(), "on {}", backend());
}

#[anyloop::test]
async fn abort_on_drop_guard_cancels() {
    both_faces!(check_abort_on_drop_guard_cancels);
}

async fn check_abort_on_drop_guard_cancels<R: Runtime>(rt: R) {
    let dropped = DropFlag::new();
    let guard = dropped.guard();
    let task = rt
        .spawn(async move {
            let _guard = guard;
            std::future::pending::<()>().await;
        })
        .abort_on_drop();
    drop(task);
    assert!(eventually(|| dropped.is_set()).await, "on {}", backend());

    // `into_inner` disarms it.
    let task = rt.spawn(async { 3 }).abort_on_drop();
    assert_eq!(task.into_inner().await.unwrap(), 3, "on {}", backend());
}

#[anyloop::test]
async fn panic_becomes_join_error_with_payload() {
    both_faces!(check_panic_becomes_join_error_with_payload);
}

async fn check_panic_becomes_join_error_with_payload<R: Runtime>(rt: R) {
    let err: JoinError = rt
        .spawn(async { std::panic::panic_any(String::from("boom")) })
        .await
        .unwrap_err();
    assert!(err.is_panic(), "on {}", backend());
    assert!(!err.is_cancelled(), "on {}", backend());
    assert_eq!(err.to_string(), "task panicked: boom", "on {}", backend());
    let payload = err.into_panic();
    assert_eq!(
        payload.downcast_ref::<String>().map(String::as_str),
        Some("boom")
    );

    // A cancelled task's error has no payload.
    let handle = rt.spawn(std::future::pending::<()>());
    handle.abort();
    let err = handle.await.unwrap_err();
    assert_eq!(err.to_string(), "task was cancelled");
    assert!(err.try_into_panic().is_err(), "on {}", backend());
}

#[anyloop::test(worker_threads = 1)]
async fn panics_do_not_take_down_the_runtime() {
    both_faces!(check_panics_do_not_take_down_the_runtime);
}

async fn check_panics_do_not_take_down_the_runtime<R: Runtime>(rt: R) {
    for i in 0..10 {
        let err = rt
            .spawn(async move { panic!("task {i}") })
            .await
            .unwrap_err();
        assert!(err.is_panic(), "on {}", backend());
        // Detached panicking tasks must not unwind into a worker either.
        drop(rt.spawn(async move { panic!("detached {i}") }));
        let err = rt
            .spawn_blocking(move || panic!("blocking {i}"))
            .await
            .unwrap_err();
        assert!(err.is_panic(), "on {}", backend());
    }
    rt.sleep(Duration::from_millis(5)).await;
    assert_eq!(rt.spawn(async { 1 }).await.unwrap(), 1, "on {}", backend());
}

#[anyloop::test]
async fn nested_spawn() {
    both_faces!(check_nested_spawn);
}

async fn check_nested_spawn<R: Runtime>(rt: R) {
    let inner_rt = rt.clone();
    let outer = rt.spawn(async move {
        let innermost_rt = inner_rt.clone();
        let inner =
            inner_rt.spawn(async move { innermost_rt.spawn(async { 40 }).await.unwrap() + 1 });
        inner.await.unwrap() + 1
    });
    assert_eq!(outer.await.unwrap(), 42, "on {}", backend());
}

#[anyloop::test]
async fn spawn_blocking_runs_off_the_async_threads() {
    both_faces!(check_spawn_blocking_runs_off_the_async_threads);
}

async fn check_spawn_blocking_runs_off_the_async_threads<R: Runtime>(rt: R) {
    // The blocking closure waits for a message that only async code sends.
    // On a current-thread runtime (tokio, smol) a closure run on the async
    // thread would block that code and time out.
    let (tx, rx) = mpsc::channel::<()>();
    let async_thread = std::thread::current().id();
    let blocking = rt.spawn_blocking(move || {
        let received = rx.recv_timeout(Duration::from_secs(5)).is_ok();
        (received, std::thread::current().id())
    });
    rt.sleep(Duration::from_millis(5)).await;
    tx.send(()).unwrap();
    let (received, blocking_thread) = blocking.await.unwrap();
    assert!(
        received,
        "spawn_blocking blocked the async thread on {}",
        backend()
    );
    assert_ne!(blocking_thread, async_thread, "on {}", backend());
}

#[anyloop::test]
async fn ambient_api_works_inside_blocking_tasks() {
    let expected = backend();
    let inner = anyloop::spawn_blocking(move || {
        assert_eq!(anyloop::Backend::current(), Some(expected));
        anyloop::spawn(async { 5 })
    })
    .await
    .unwrap();
    assert_eq!(inner.await.unwrap(), 5, "on {expected}");
}

#[anyloop::test]
async fn many_tasks() {
    both_faces!(check_many_tasks);
}

async fn check_many_tasks<R: Runtime>(rt: R) {
    const TASKS: u64 = 100_000;
    let handles: Vec<_> = (0..TASKS).map(|i| rt.spawn(async move { i })).collect();
    let mut sum = 0;
    for handle in handles {
        sum += handle.await.unwrap();
    }
    assert_eq!(sum, TASKS * (TASKS - 1) / 2, "on {}", backend());
}

#[anyloop::test]
async fn yield_now_suspends_exactly_once() {
    let mut polls = common::PollCounter::new(anyloop::task::yield_now());
    assert!(polls.poll_once().is_pending(), "on {}", backend());
    assert_eq!(
        polls.wakes(),
        1,
        "yield_now must wake itself, on {}",
        backend()
    );
    assert!(polls.poll_once().is_ready(), "on {}", backend());
}
