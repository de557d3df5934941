//! Faults: tasks whose destructors panic do not take the process down, on
//! every backend.
//!
//! On smol and async-std such a panic used to abort the process (async-task
//! aborts when dropping a future panics), so each case runs in a child
//! process of this test binary: a regression fails the test instead of
//! killing the others.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyloop::{Backend, Runtime};
use common::{backend, eventually, within};

/// Set in the child process, which runs the case itself.
const CHILD: &str = "ANYLOOP_FAULT_TASK_CHILD";

/// Runs the test `name` of this binary for the running backend in a child
/// process; returns `false` in the child, which then runs the case.
async fn in_child_process(name: &str) -> bool {
    if std::env::var_os(CHILD).is_some() {
        return false;
    }
    let module = backend().name().replace('-', "_");
    let test = format!("{name}::{module}");
    let run = anyloop::spawn_blocking(move || {
        std::process::Command::new(std::env::current_exe().unwrap())
            .args([test.as_str(), "--exact", "--nocapture", "--test-threads=1"])
            .env(CHILD, "1")
            .output()
            .unwrap()
    });
    let output = within("the child process", run).await.unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "{name} on {}: the child process ended with {}\n{stdout}\n{}",
        backend(),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    true
}

/// Panics when dropped.
struct PanicsOnDrop;

impl Drop for PanicsOnDrop {
    fn drop(&mut self) {
        panic!("destructor panicked");
    }
}

#[anyloop::test]
async fn aborting_a_task_whose_destructor_panics_gives_a_join_error() {
    if in_child_process("aborting_a_task_whose_destructor_panics_gives_a_join_error").await {
        return;
    }
    for round in 0..20 {
        let started = Arc::new(AtomicBool::new(false));
        let flag = started.clone();
        let task = anyloop::spawn(async move {
            let _bomb = PanicsOnDrop;
            flag.store(true, Ordering::SeqCst);
            std::future::pending::<()>().await;
        });
        assert!(eventually(|| started.load(Ordering::SeqCst)).await);
        task.abort();
        let err = within("an aborted task", task).await.unwrap_err();
        assert!(err.is_panic(), "round {round} on {}: {err:?}", backend());
        let payload = err.into_panic();
        assert_eq!(
            payload.downcast_ref::<&str>(),
            Some(&"destructor panicked"),
            "on {}",
            backend()
        );
    }
    // Aborted before it ever ran: nothing of it runs, and its destructor's
    // panic is reported the same way.
    let task = anyloop::spawn(async move {
        let _bomb = PanicsOnDrop;
        std::future::pending::<()>().await;
    });
    task.abort();
    let err = within("a task aborted at once", task).await.unwrap_err();
    assert!(
        err.is_panic() || err.is_cancelled(),
        "on {}: {err:?}",
        backend()
    );
}

#[anyloop::test]
async fn a_runtime_dropping_tasks_whose_destructors_panic_survives() {
    if in_child_process("a_runtime_dropping_tasks_whose_destructors_panic_survives").await {
        return;
    }
    // Every runtime drops its pending tasks here (async-std's at their next
    // poll, which it wakes them for).
    for &inner in Backend::available() {
        let rt = Runtime::builder().backend(inner).build().unwrap();
        let started = Arc::new(AtomicBool::new(false));
        let flag = started.clone();
        let handle = rt.handle();
        let on_thread = std::thread::spawn(move || {
            drop(handle.spawn(async move {
                let _bomb = PanicsOnDrop;
                flag.store(true, Ordering::SeqCst);
                std::future::pending::<()>().await;
            }));
        });
        on_thread.join().unwrap();
        assert!(eventually(|| started.load(Ordering::SeqCst)).await);
        let dropping = anyloop::spawn_blocking(move || drop(rt));
        within("dropping the runtime", dropping).await.unwrap();
    }
}
