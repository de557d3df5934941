//! Conformance: plain threads reach a runtime through its `Handle`, and get a
//! clear error once it has shut down, on every backend.

mod common;

use anyloop::{Backend, BlockOnError, Handle, Runtime};

#[test]
fn a_plain_thread_runs_futures_on_the_runtime() {
    for &backend in Backend::available() {
        let rt = Runtime::builder()
            .backend(backend)
            .worker_threads(1)
            .build()
            .unwrap();
        let handle = rt.handle();
        assert_eq!(handle.backend(), backend);
        let answer = std::thread::spawn(move || {
            handle.block_on(async {
                (
                    Backend::current(),
                    anyloop::spawn(async { 42 }).await.unwrap(),
                )
            })
        })
        .join()
        .unwrap()
        .unwrap();
        assert_eq!(answer, (Some(backend), 42), "{backend}");
    }
}

#[test]
fn handle_current_inside_the_runtime() {
    for &backend in Backend::available() {
        let rt = Runtime::builder().backend(backend).build().unwrap();
        let got = rt.block_on(async {
            let handle = Handle::current();
            let from_thread = anyloop::spawn_blocking(move || handle.block_on(async { 7 }));
            from_thread.await.unwrap().unwrap()
        });
        assert_eq!(got, 7, "{backend}");
    }
}

#[test]
fn block_on_inside_a_task_is_an_error() {
    for &backend in Backend::available() {
        let rt = Runtime::builder().backend(backend).build().unwrap();
        let err = rt.block_on(async { Handle::current().block_on(async {}).unwrap_err() });
        assert!(
            matches!(err, BlockOnError::InsideRuntime),
            "{backend}: {err}"
        );
    }
}

#[test]
fn a_panic_is_reported() {
    for &backend in Backend::available() {
        let rt = Runtime::builder().backend(backend).build().unwrap();
        let handle = rt.handle();
        let err = std::thread::spawn(move || handle.block_on(async { panic!("in the runtime") }))
            .join()
            .unwrap()
            .unwrap_err();
        assert!(matches!(err, BlockOnError::Panic(_)), "{backend}: {err}");
    }
}

// async-std's pool never shuts down, but its `Runtime` does: the same here.
#[test]
fn a_shut_down_runtime_is_a_clear_error() {
    for &backend in Backend::available() {
        let rt = Runtime::builder()
            .backend(backend)
            .worker_threads(1)
            .build()
            .unwrap();
        let handle = rt.handle();
        drop(rt);
        let err = std::thread::spawn(move || handle.block_on(async { 1 }))
            .join()
            .unwrap()
            .unwrap_err();
        assert!(matches!(err, BlockOnError::Shutdown), "{backend}: {err}");
        assert_eq!(err.to_string(), "the runtime has shut down");
    }
}
