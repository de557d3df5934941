//! Conformance: choosing a backend, building runtimes, and finding the
//! running runtime from anyloop's ambient API, on every compiled-in backend.

mod common;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyloop::{Backend, BuildError, Runtime};

#[test]
fn backend_names_round_trip() {
    for &backend in Backend::available() {
        assert_eq!(backend.name().parse::<Backend>(), Ok(backend));
        assert_eq!(backend.to_string(), backend.name());
        let shouted = format!("  {}  ", backend.name().to_uppercase());
        assert_eq!(shouted.parse::<Backend>(), Ok(backend), "{shouted:?}");
    }
    #[cfg(feature = "async-std")]
    assert_eq!("async_std".parse::<Backend>(), Ok(Backend::AsyncStd));
}

#[test]
fn default_backend_follows_the_documented_priority() {
    let expected = if cfg!(feature = "tokio") {
        "tokio"
    } else if cfg!(feature = "smol") {
        "smol"
    } else {
        "async-std"
    };
    assert_eq!(Backend::default().name(), expected);
    assert_eq!(Backend::available()[0], Backend::default());
    // An unset or empty ANYLOOP_BACKEND means the default.
    assert_eq!(Backend::from_env_value(""), Ok(Backend::default()));
    assert_eq!(Backend::from_env_value("  "), Ok(Backend::default()));
    for &backend in Backend::available() {
        assert_eq!(Backend::from_env_value(backend.name()), Ok(backend));
    }
}

#[test]
fn unknown_backend_is_a_clear_error() {
    let err = Backend::from_env_value("uvloop").unwrap_err();
    assert_eq!(err.name(), "uvloop");
    assert!(!err.is_not_compiled_in());
    let message = err.to_string();
    assert!(message.starts_with("unknown backend `uvloop`"), "{message}");
    for backend in Backend::available() {
        assert!(
            message.contains(backend.name()),
            "{message} lacks {backend}"
        );
    }
}

#[test]
fn backend_not_compiled_in_names_its_feature() {
    for name in ["tokio", "smol", "async-std"] {
        if Backend::available().iter().any(|b| b.name() == name) {
            continue;
        }
        let err = name.parse::<Backend>().unwrap_err();
        assert!(err.is_not_compiled_in(), "{name}");
        let message = err.to_string();
        assert!(
            message.contains(&format!("enable the `{name}` feature")),
            "{message}"
        );
    }
}

#[test]
fn zero_worker_threads_is_an_error() {
    for &backend in Backend::available() {
        let err = Runtime::builder()
            .backend(backend)
            .worker_threads(0)
            .build()
            .unwrap_err();
        assert!(
            matches!(err, BuildError::ZeroWorkerThreads),
            "{backend}: {err:?}"
        );
    }
}

#[test]
fn the_ambient_api_finds_anyloop_runtimes() {
    for &backend in Backend::available() {
        for current_thread in [true, false] {
            let mut builder = Runtime::builder();
            builder.backend(backend);
            if current_thread {
                builder.current_thread();
            }
            let rt = builder.build().unwrap();
            assert_eq!(rt.backend(), backend);
            let seen = rt.block_on(async {
                let in_task = anyloop::spawn(async { Backend::current() }).await.unwrap();
                let in_blocking = anyloop::spawn_blocking(Backend::current).await.unwrap();
                [Backend::current(), in_task, in_blocking]
            });
            assert_eq!(
                seen,
                [Some(backend); 3],
                "{backend}, current_thread: {current_thread}"
            );
        }
    }
}

/// Runs `future` on the backend's own runtime, started the native way.
fn native_block_on<F>(backend: Backend, future: F) -> F::Output
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    match backend {
        #[cfg(feature = "tokio")]
        Backend::Tokio => tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
            .block_on(async { tokio::spawn(future).await.unwrap() }),
        #[cfg(feature = "smol")]
        Backend::Smol => smol::block_on(smol::spawn(future)),
        #[cfg(feature = "async-std")]
        Backend::AsyncStd => async_std::task::block_on(async_std::task::spawn(future)),
        other => unreachable!("unknown backend {other}"),
    }
}

#[test]
fn the_ambient_api_works_in_natively_started_runtimes() {
    for &backend in Backend::available() {
        let (seen, answer) = native_block_on(backend, async {
            let seen = Backend::current();
            let task = anyloop::spawn(async {
                anyloop::time::sleep(Duration::from_millis(2)).await;
                20
            });
            let blocking = anyloop::spawn_blocking(|| 22);
            (seen, task.await.unwrap() + blocking.await.unwrap())
        });
        assert_eq!(seen, Some(backend), "inside a native {backend} runtime");
        assert_eq!(answer, 42, "inside a native {backend} runtime");
    }
}

#[cfg(feature = "tokio")]
#[tokio::test]
async fn a_tokio_main_app_can_call_an_anyloop_library() {
    let handle = anyloop::spawn(async { Backend::current() });
    assert_eq!(handle.await.unwrap(), Some(Backend::Tokio));
    let slept = anyloop::time::timeout(
        Duration::from_secs(5),
        anyloop::time::sleep(Duration::from_millis(1)),
    );
    assert_eq!(slept.await, Ok(()));
}

#[test]
fn outside_any_runtime() {
    // smol's global executor is the fallback when it is compiled in;
    // otherwise there is no runtime and the ambient API says so.
    if cfg!(feature = "smol") {
        let current = Backend::current().map(|b| b.name());
        assert_eq!(current, Some("smol"));
        let handle = anyloop::spawn(async { 3 });
        assert_eq!(smol::block_on(handle).unwrap(), 3);
    } else {
        assert_eq!(Backend::current(), None);
        let err = std::panic::catch_unwind(|| drop(anyloop::spawn(async {}))).unwrap_err();
        let message = err
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| err.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        assert!(message.contains("no runtime runs this thread"), "{message}");
        assert!(message.contains("`smol` feature"), "{message}");
    }
}

/// Spawns `tasks` tasks that each hold their thread until `tasks` of them
/// run at once (or two seconds pass); returns the distinct threads seen.
fn rendezvous(rt: &Runtime, tasks: usize) -> (bool, usize) {
    rt.block_on(async move {
        let arrived = common::Counter::new();
        let threads = Arc::new(Mutex::new(HashSet::new()));
        let handles: Vec<_> = (0..tasks)
            .map(|_| {
                let arrived = arrived.clone();
                let threads = threads.clone();
                anyloop::spawn(async move {
                    threads.lock().unwrap().insert(std::thread::current().id());
                    arrived.add();
                    // Deliberately blocks its worker thread.
                    let deadline = Instant::now() + Duration::from_secs(2);
                    while arrived.get() < tasks && Instant::now() < deadline {
                        std::thread::sleep(Duration::from_millis(1));
                    }
                    arrived.get() >= tasks
                })
            })
            .collect();
        let mut all_met = true;
        for handle in handles {
            all_met &= handle.await.unwrap();
        }
        let distinct = threads.lock().unwrap().len();
        (all_met, distinct)
    })
}

#[test]
fn worker_threads_are_honoured() {
    for &backend in Backend::available() {
        let rt = Runtime::builder()
            .backend(backend)
            .worker_threads(2)
            .build()
            .unwrap();
        let (met, threads) = rendezvous(&rt, 2);
        assert!(
            met,
            "{backend}: two tasks could not run at once on two workers"
        );
        assert_eq!(threads, 2, "{backend}");
    }
}

#[test]
fn current_thread_runs_tasks_on_the_calling_thread() {
    for &backend in Backend::available() {
        let rt = Runtime::builder()
            .backend(backend)
            .current_thread()
            .build()
            .unwrap();
        let caller = std::thread::current().id();
        let ran_on = rt.block_on(async {
            anyloop::spawn(async { std::thread::current().id() })
                .await
                .unwrap()
        });
        // async-std has no current-thread flavour: its tasks always run on
        // its global pool (documented in the backend table).
        #[cfg(feature = "async-std")]
        if backend == Backend::AsyncStd {
            assert_ne!(ran_on, caller, "{backend}");
            continue;
        }
        assert_eq!(ran_on, caller, "{backend}");
    }
}

#[test]
fn a_panic_in_block_on_leaves_no_runtime_marked_on_the_thread() {
    let outside = Backend::current();
    for &backend in Backend::available() {
        let rt = Runtime::builder()
            .backend(backend)
            .current_thread()
            .build()
            .unwrap();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            rt.block_on(async {
                let inner = anyloop::spawn(async { Backend::current() }).await.unwrap();
                assert_eq!(inner, Some(backend));
                panic!("escapes block_on");
            })
        }));
        assert!(result.is_err(), "{backend}");
        assert_eq!(
            Backend::current(),
            outside,
            "a stale marker after {backend}"
        );
    }
}
