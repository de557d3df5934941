//! Faults: runtimes built, nested and dropped in awkward places neither
//! panic nor deadlock, on every backend.

mod common;

use anyloop::{Backend, Runtime};
use common::{DropFlag, backend, eventually, within};

#[anyloop::test]
async fn a_runtime_dropped_inside_a_task_shuts_down_without_panicking() {
    let outer = backend();
    for &inner in Backend::available() {
        let dropped = DropFlag::new();
        let guard = dropped.guard();
        let task = anyloop::spawn(async move {
            let rt = Runtime::builder().backend(inner).build().unwrap();
            let handle = rt.handle();
            let answer = handle.spawn(async { 6 * 7 });
            let pending = handle.spawn(async move {
                let _guard = guard;
                std::future::pending::<()>().await;
            });
            let answer = answer.await;
            drop(rt);
            drop(pending);
            answer
        });
        let answer = within("a runtime dropped in a task", task).await;
        assert_eq!(
            answer.ok().and_then(Result::ok),
            Some(42),
            "dropping a {inner} runtime inside a {outer} task"
        );
        if inner != Backend::AsyncStd {
            assert!(
                eventually(|| dropped.is_set()).await,
                "a {inner} runtime dropped inside a {outer} task kept its pending task"
            );
        }
    }
}

/// Runs `f` on a plain thread, failing instead of hanging if it deadlocks.
async fn on_a_thread<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    let wait = anyloop::spawn_blocking(move || rx.recv_timeout(std::time::Duration::from_secs(20)));
    match wait.await.unwrap() {
        Ok(value) => value,
        Err(_) => panic!("{what} deadlocked (outer backend: {})", backend()),
    }
}

#[cfg(feature = "tokio")]
#[anyloop::test]
async fn block_on_inside_a_native_current_thread_tokio_runtime_is_refused() {
    let handle = anyloop::Handle::current();
    let refused = on_a_thread(
        "block_on in #[tokio::main(flavor = \"current_thread\")]",
        move || {
            let native = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            let in_body = native.block_on(async { handle.block_on(async { 1 }).err() });
            // In a task of that runtime, too.
            let in_task = native.block_on(async {
                let handle = anyloop::Handle::current();
                tokio::spawn(async move { handle.block_on(async { 2 }).err() })
                    .await
                    .unwrap()
            });
            (in_body, in_task)
        },
    )
    .await;
    assert!(
        matches!(
            refused,
            (
                Some(anyloop::BlockOnError::InsideRuntime),
                Some(anyloop::BlockOnError::InsideRuntime)
            )
        ),
        "on {}: {refused:?}",
        backend()
    );
}

#[cfg(feature = "tokio")]
#[anyloop::test]
async fn block_on_inside_a_native_one_worker_tokio_runtime_does_not_deadlock() {
    let answers = on_a_thread("block_on in a task of a one-worker tokio runtime", || {
        let native = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        native.block_on(async {
            // A task on the only worker blocks for a future that needs a
            // worker: `block_in_place` hands the worker's tasks on.
            let in_task = tokio::spawn(async {
                let handle = anyloop::Handle::current();
                handle.block_on(async { tokio::spawn(async { 40 }).await.unwrap() + 2 })
            });
            // A native blocking thread may wait, as anyloop's may.
            let in_blocking = tokio::task::spawn_blocking(|| {
                let handle = anyloop::Handle::current();
                handle.block_on(async { 7 })
            });
            (in_task.await.unwrap().ok(), in_blocking.await.unwrap().ok())
        })
    })
    .await;
    assert_eq!(answers, (Some(42), Some(7)), "on {}", backend());
}

#[cfg(feature = "async-std")]
#[anyloop::test]
async fn block_on_inside_a_native_async_std_task_is_refused() {
    let refused = on_a_thread("block_on in async_std::task::block_on", || {
        async_std::task::block_on(async {
            let handle = anyloop::Handle::current();
            handle.block_on(async { 1 }).err()
        })
    })
    .await;
    assert!(
        matches!(refused, Some(anyloop::BlockOnError::InsideRuntime)),
        "on {}: {refused:?}",
        backend()
    );
}
