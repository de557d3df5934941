//! The thread's mark (what `Backend::current()` reads first, and what
//! `Handle::block_on` asks before it blocks) stays right where runtimes nest
//! and where a thread runs a runtime's executor for its whole life, on every
//! pair of backends.

use anyloop::{Backend, BlockOnError, Handle, Runtime};

/// What code sees here: its backend, and whether `Handle::block_on` refuses
/// to block (async code) or runs the future (blocking code).
fn seen() -> (Option<Backend>, bool) {
    let refused = match Handle::try_current() {
        Some(handle) => matches!(handle.block_on(async {}), Err(BlockOnError::InsideRuntime)),
        None => false,
    };
    (Backend::current(), refused)
}

fn current_thread(backend: Backend) -> Runtime {
    Runtime::builder()
        .backend(backend)
        .current_thread()
        .build()
        .unwrap()
}

/// Every (outer, inner) pair of the compiled-in backends.
fn pairs() -> impl Iterator<Item = (Backend, Backend)> {
    let all = Backend::available();
    all.iter()
        .flat_map(move |&outer| all.iter().map(move |&inner| (outer, inner)))
}

/// The pairs whose inner runtime can be started inside a task of the outer
/// one: tokio refuses to start a runtime inside its own async context.
fn pairs_in_a_task() -> impl Iterator<Item = (Backend, Backend)> {
    #[cfg(feature = "tokio")]
    return pairs().filter(|&pair| pair != (Backend::Tokio, Backend::Tokio));
    #[cfg(not(feature = "tokio"))]
    pairs()
}

#[test]
fn a_runtime_run_inside_another_ones_task_is_the_one_its_code_sees() {
    for (outer, inner) in pairs_in_a_task() {
        let rt = current_thread(outer);
        let (inside, after, spawned_after) = rt.block_on(async move {
            anyloop::spawn(async move {
                let nested = current_thread(inner);
                let inside = nested.block_on(async {
                    let in_task = anyloop::spawn(async { seen() }).await.unwrap();
                    let in_blocking = anyloop::spawn_blocking(seen).await.unwrap();
                    (seen(), in_task, in_blocking)
                });
                drop(nested);
                let after = seen();
                let spawned_after = anyloop::spawn(async { seen() }).await.unwrap();
                (inside, after, spawned_after)
            })
            .await
            .unwrap()
        });
        let at = format!("{inner} inside a task of {outer}");
        assert_eq!(inside.0, (Some(inner), true), "{at}: in block_on");
        assert_eq!(inside.1, (Some(inner), true), "{at}: in its task");
        assert_eq!(
            inside.2,
            (Some(inner), false),
            "{at}: in its blocking closure"
        );
        assert_eq!(after, (Some(outer), true), "{at}: back in the task");
        assert_eq!(spawned_after, (Some(outer), true), "{at}: spawned after");
    }
}

#[test]
fn a_runtime_run_inside_a_blocking_closure_leaves_it_blocking_code() {
    for (outer, inner) in pairs() {
        let rt = current_thread(outer);
        let (inside, in_task, after) = rt.block_on(async move {
            anyloop::spawn_blocking(move || {
                let nested = current_thread(inner);
                let (inside, in_task) = nested
                    .block_on(async { (seen(), anyloop::spawn(async { seen() }).await.unwrap()) });
                drop(nested);
                (inside, in_task, seen())
            })
            .await
            .unwrap()
        });
        let at = format!("{inner} inside a blocking closure of {outer}");
        assert_eq!(inside, (Some(inner), true), "{at}: in block_on");
        assert_eq!(in_task, (Some(inner), true), "{at}: in its task");
        assert_eq!(after, (Some(outer), false), "{at}: back in the closure");
    }
}

#[test]
fn tasks_of_multi_thread_runtimes_see_their_backend_on_every_worker() {
    let outside = Backend::current();
    for &backend in Backend::available() {
        let rt = Runtime::builder()
            .backend(backend)
            .worker_threads(2)
            .build()
            .unwrap();
        let seen_in_tasks = rt.block_on(async {
            let tasks: Vec<_> = (0..16)
                .map(|_| {
                    anyloop::spawn(async {
                        anyloop::task::yield_now().await;
                        let here = seen();
                        let nested = anyloop::spawn(async { seen() }).await.unwrap();
                        (here, nested)
                    })
                })
                .collect();
            let mut seen_in_tasks = Vec::new();
            for task in tasks {
                seen_in_tasks.push(task.await.unwrap());
            }
            seen_in_tasks
        });
        for (here, nested) in seen_in_tasks {
            assert_eq!(here, (Some(backend), true), "{backend}: in a task");
            assert_eq!(nested, (Some(backend), true), "{backend}: in its child");
        }
        assert_eq!(Backend::current(), outside, "a stale mark after {backend}");
    }
}

#[cfg(feature = "smol")]
#[test]
fn tasks_of_smols_global_executor_carry_their_mark() {
    // Outside any runtime the ambient face falls back to smol's global
    // executor, whose threads anyloop does not mark: its tasks carry it.
    let (here, nested) = smol::block_on(anyloop::spawn(async {
        (seen(), anyloop::spawn(async { seen() }).await.unwrap())
    }))
    .unwrap();
    assert_eq!(here, (Some(Backend::Smol), true), "smol: a global task");
    assert_eq!(nested, (Some(Backend::Smol), true), "smol: its child");
}

/// Runs `future` on a current-thread runtime of `backend`'s own crate (not
/// the facade `Runtime`, which marks the thread itself), if it has one.
fn backend_block_on<F: std::future::Future>(backend: Backend, future: F) -> Option<F::Output> {
    match backend {
        #[cfg(feature = "tokio")]
        Backend::Tokio => Some(anyloop::rt::BlockOn::block_on(
            &anyloop_tokio::Runtime::current_thread().unwrap(),
            future,
        )),
        #[cfg(feature = "smol")]
        Backend::Smol => Some(anyloop::rt::BlockOn::block_on(
            &anyloop_smol::Runtime::current_thread(),
            future,
        )),
        _ => {
            drop(future);
            None
        }
    }
}

#[test]
fn a_backends_own_block_on_marks_the_thread_and_restores_the_mark() {
    for (outer, inner) in pairs_in_a_task() {
        let rt = current_thread(outer);
        let (inside, after) = rt.block_on(async move {
            anyloop::spawn(async move {
                let inside = backend_block_on(inner, async {
                    (seen(), anyloop::spawn(async { seen() }).await.unwrap())
                });
                (inside, seen())
            })
            .await
            .unwrap()
        });
        let at = format!("{inner}'s own runtime inside a task of {outer}");
        if let Some((in_block_on, in_task)) = inside {
            assert_eq!(in_block_on, (Some(inner), true), "{at}: in block_on");
            assert_eq!(in_task, (Some(inner), true), "{at}: in its task");
        }
        assert_eq!(after, (Some(outer), true), "{at}: back in the task");
    }
}
