//! Conformance: local (`!Send`) tasks spawn, join, detach, abort and panic
//! alike on every backend, on the thread of the `block_on` that runs them.

mod common;

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::thread;
use std::time::Duration;

use anyloop::task::{SpawnLocalError, spawn_local, try_spawn_local};
use common::{DropFlag, backend, eventually};

#[anyloop::test]
async fn rc_refcell_shared_by_1000_local_tasks() {
    let shared = Rc::new(RefCell::new(Vec::new()));
    let here = thread::current().id();
    let tasks: Vec<_> = (0..1000)
        .map(|i| {
            let shared = shared.clone();
            spawn_local(async move {
                anyloop::task::yield_now().await;
                shared.borrow_mut().push(i);
                thread::current().id()
            })
        })
        .collect();
    for task in tasks {
        let ran_on = task.await.unwrap();
        assert_eq!(
            ran_on,
            here,
            "a local task left its thread on {}",
            backend()
        );
    }
    let mut seen = shared.borrow().clone();
    seen.sort_unstable();
    assert_eq!(seen, (0..1000).collect::<Vec<_>>(), "on {}", backend());
    assert_eq!(
        Rc::strong_count(&shared),
        1,
        "the tasks kept their Rc on {}",
        backend()
    );
}

#[anyloop::test]
async fn output_need_not_be_send() {
    let task = spawn_local(async { Rc::new(String::from("local")) });
    assert_eq!(*task.await.unwrap(), "local", "on {}", backend());
}

#[anyloop::test]
async fn ambient_api_works_inside_a_local_task() {
    let task = spawn_local(async {
        anyloop::time::sleep(Duration::from_millis(2)).await;
        anyloop::spawn(async { 2 }).await.unwrap() + 1
    });
    assert_eq!(task.await.unwrap(), 3, "on {}", backend());
}

#[anyloop::test]
async fn abort_cancels_and_drops_the_future() {
    let dropped = DropFlag::new();
    let guard = dropped.guard();
    let started = Rc::new(Cell::new(false));
    let flag = started.clone();
    let handle = spawn_local(async move {
        let _guard = guard;
        flag.set(true);
        std::future::pending::<()>().await;
    });
    assert!(eventually(|| started.get()).await, "on {}", backend());
    assert!(!handle.is_finished(), "on {}", backend());
    handle.abort();
    let err = handle.await.unwrap_err();
    assert!(err.is_cancelled(), "{err:?} on {}", backend());
    assert!(
        dropped.is_set(),
        "the aborted future was not dropped on {}",
        backend()
    );
}

#[anyloop::test]
async fn abort_after_completion_keeps_the_output() {
    let handle = spawn_local(async { Rc::new(5) });
    assert!(
        eventually(|| handle.is_finished()).await,
        "on {}",
        backend()
    );
    handle.abort();
    assert_eq!(*handle.await.unwrap(), 5, "on {}", backend());
}

#[anyloop::test]
async fn abort_on_drop_cancels() {
    let dropped = DropFlag::new();
    let guard = dropped.guard();
    let handle = spawn_local(async move {
        let _guard = guard;
        std::future::pending::<()>().await;
    });
    drop(handle.abort_on_drop());
    assert!(
        eventually(|| dropped.is_set()).await,
        "abort_on_drop left the task running on {}",
        backend()
    );
}

#[anyloop::test]
async fn panic_is_a_join_error_with_the_payload() {
    let handle = spawn_local(async {
        let _not_send = Rc::new(());
        panic!("local boom");
    });
    let err: anyloop::task::JoinError = handle.await.unwrap_err();
    assert!(err.is_panic(), "{err:?} on {}", backend());
    let payload = err.into_panic();
    assert_eq!(
        payload.downcast_ref::<&str>(),
        Some(&"local boom"),
        "on {}",
        backend()
    );
}

#[anyloop::test]
async fn dropped_handle_detaches() {
    let done = Rc::new(Cell::new(false));
    let flag = done.clone();
    drop(spawn_local(async move {
        anyloop::time::sleep(Duration::from_millis(5)).await;
        flag.set(true);
    }));
    assert!(
        eventually(|| done.get()).await,
        "a detached local task did not complete on {}",
        backend()
    );
}

#[anyloop::test]
async fn local_task_spawns_a_local_task() {
    let here = thread::current().id();
    let outer = spawn_local(async move {
        let inner = try_spawn_local(async { (Rc::new(7), thread::current().id()) })
            .expect("a local task is a local context");
        inner.await.unwrap()
    });
    let (value, ran_on) = outer.await.unwrap();
    assert_eq!(*value, 7, "on {}", backend());
    assert_eq!(ran_on, here, "on {}", backend());
}

#[anyloop::test]
async fn try_spawn_local_outside_a_local_context_is_an_error() {
    let backend = backend();
    let in_blocking = anyloop::spawn_blocking(|| try_spawn_local(async {}).map(drop));
    assert_eq!(
        in_blocking.await.unwrap(),
        Err(SpawnLocalError::NoLocalContext),
        "in a blocking closure on {backend}"
    );
    // A task of the runtime is not a local context, even on a current-thread
    // runtime whose tasks run on the `block_on` thread.
    let in_task = anyloop::spawn(async { try_spawn_local(async {}).map(drop) });
    assert_eq!(
        in_task.await.unwrap(),
        Err(SpawnLocalError::NoLocalContext),
        "in a task on {backend}"
    );
    let in_thread = thread::spawn(|| try_spawn_local(async {}).map(drop));
    assert_eq!(
        in_thread.join().unwrap(),
        Err(SpawnLocalError::NoLocalContext),
        "in a plain thread on {backend}"
    );
}

#[anyloop::test]
async fn spawn_local_outside_panics_naming_the_fix() {
    let err = anyloop::spawn(async {
        drop(spawn_local(async {}));
    })
    .await
    .unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("anyloop::Runtime::block_on") && message.contains("#[anyloop::test]"),
        "{message:?} on {}",
        backend()
    );
}

#[anyloop::test(flavor = "multi_thread", worker_threads = 2)]
async fn multi_thread_runtime_runs_local_tasks_on_the_block_on_thread() {
    let here = thread::current().id();
    let shared = Rc::new(Cell::new(0));
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let shared = shared.clone();
            spawn_local(async move {
                anyloop::time::sleep(Duration::from_millis(1)).await;
                shared.set(shared.get() + 1);
                thread::current().id()
            })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap(), here, "on {}", backend());
    }
    assert_eq!(shared.get(), 10, "on {}", backend());
}

#[anyloop::test]
async fn pending_local_tasks_end_with_their_block_on() {
    let backend = backend();
    let dropped = DropFlag::new();
    let guard = dropped.guard();
    let outcome = thread::spawn(move || {
        let rt = anyloop::Runtime::builder()
            .backend(backend)
            .build()
            .unwrap();
        // The handle outlives the task's `block_on`, on purpose.
        #[allow(clippy::async_yields_async)]
        let handle = rt.block_on(async move {
            spawn_local(async move {
                let _guard = guard;
                std::future::pending::<()>().await;
            })
        });
        // The task's `block_on` has returned: it was dropped, and the
        // handle says it was cancelled.
        let joined = rt.block_on(handle);
        joined.map_err(|err| err.is_cancelled())
    })
    .join()
    .unwrap();
    assert_eq!(outcome, Err(true), "on {backend}");
    assert!(
        dropped.is_set(),
        "the pending local task was not dropped on {backend}"
    );
}
