//! Tasks through the ambient face only. The task semantics on every backend
//! and through both faces (spawn, join, detach, abort, panics, blocking
//! tasks, 100k tasks) are the kit's `task::*` checks, run by
//! `tests/conformance.rs`.

mod common;

use common::backend;

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
