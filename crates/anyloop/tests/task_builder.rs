//! Conformance: `task::Builder` spawns as the free functions do on every
//! backend, and its name reaches the runtime where the runtime has names.

mod common;

use std::rc::Rc;

use anyloop::task::{Builder, SpawnLocalError};
use common::backend;

/// The name the runtime itself gives the running task.
fn native_name() -> Option<String> {
    #[cfg(feature = "async-std")]
    if anyloop::Backend::current() == Some(anyloop::Backend::AsyncStd) {
        return async_std::task::current().name().map(str::to_owned);
    }
    None
}

/// What `native_name` says inside a task named `name`, by backend.
fn expected_native_name(name: &str) -> Option<String> {
    match backend().name() {
        "async-std" => Some(name.to_owned()),
        _ => None,
    }
}

#[anyloop::test]
async fn named_spawn_runs_and_names_the_task_where_the_runtime_can() {
    let task = Builder::new()
        .name("fetch")
        .spawn(async { (6 * 7, native_name()) });
    let (answer, name) = task.await.unwrap();
    assert_eq!(answer, 42, "on {}", backend());
    assert_eq!(name, expected_native_name("fetch"), "on {}", backend());
}

#[anyloop::test]
async fn unnamed_builder_is_spawn() {
    let task = Builder::new().spawn(async { native_name() });
    assert_eq!(task.await.unwrap(), None, "on {}", backend());
}

#[anyloop::test]
async fn named_spawn_keeps_the_join_semantics() {
    let err = Builder::new()
        .name("boom")
        .spawn(async { panic!("named boom") })
        .await
        .unwrap_err();
    assert!(err.is_panic(), "{err:?} on {}", backend());
    let slow = Builder::new()
        .name("slow")
        .spawn(std::future::pending::<()>());
    slow.abort();
    assert!(slow.await.unwrap_err().is_cancelled(), "on {}", backend());
}

#[anyloop::test]
async fn named_spawn_blocking_and_spawn_local() {
    let sum = Builder::new()
        .name("sum")
        .spawn_blocking(|| (1..=10).sum::<u32>());
    assert_eq!(sum.await.unwrap(), 55, "on {}", backend());
    let shared = Rc::new(3);
    let local = Builder::new()
        .name("local")
        .spawn_local(async move { *shared * 2 });
    assert_eq!(local.await.unwrap(), 6, "on {}", backend());
}

#[anyloop::test]
async fn named_try_spawn_local_outside_a_local_context_is_an_error() {
    let outside = anyloop::spawn_blocking(|| {
        Builder::new()
            .name("nowhere")
            .try_spawn_local(async {})
            .map(drop)
    });
    assert_eq!(
        outside.await.unwrap(),
        Err(SpawnLocalError::NoLocalContext),
        "on {}",
        backend()
    );
}
