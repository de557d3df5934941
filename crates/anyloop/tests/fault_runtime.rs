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
        assert!(
            eventually(|| dropped.is_set()).await,
            "a {inner} runtime dropped inside a {outer} task kept its pending task"
        );
    }
}

/// Runs `f` on a plain thread, failing instead of hanging if it deadlocks.
#[cfg(any(feature = "tokio", feature = "async-std"))]
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

/// Set in the child process of [`out_of_file_descriptors_build_fails_then_recovers`],
/// to the backend it checks.
const FD_CHILD: &str = "ANYLOOP_FAULT_FD_CHILD";

/// Each backend in a process of its own: smol's and async-std's reactor is
/// started once per process, and this checks its very first start. A plain
/// test, not `#[anyloop::test]`, whose runtime would start it first.
#[test]
fn out_of_file_descriptors_build_fails_then_recovers() {
    if let Some(name) = std::env::var_os(FD_CHILD) {
        let backend: Backend = name.to_str().unwrap().parse().unwrap();
        return out_of_file_descriptors(backend);
    }
    for &backend in Backend::available() {
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "out_of_file_descriptors_build_fails_then_recovers",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(FD_CHILD, backend.name())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Bounded: a hang is a failure, not a stuck suite.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if std::time::Instant::now() > deadline {
                let _ = child.kill();
                panic!("out of file descriptors: the {backend} child process hung");
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        let output = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            status.success() && stdout.contains("1 passed"),
            "out of file descriptors on {backend}: the child ended with {status}\n{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

fn out_of_file_descriptors(backend: Backend) {
    use rlimit::Resource;

    let (_, hard) = Resource::NOFILE.get().unwrap();
    Resource::NOFILE.set(256.min(hard), hard).unwrap();
    // Take every descriptor left.
    let mut held = Vec::new();
    while let Ok(file) = std::fs::File::open("/dev/null") {
        held.push(file);
    }
    assert!(!held.is_empty());
    let failed = Runtime::builder().backend(backend).build();
    assert!(
        matches!(failed, Err(anyloop::BuildError::Io(_))),
        "building a {backend} runtime with no descriptor left: {failed:?}"
    );
    let failed_current = Runtime::builder().backend(backend).current_thread().build();
    if backend.name() != "async-std" {
        assert!(
            matches!(failed_current, Err(anyloop::BuildError::Io(_))),
            "building a current-thread {backend} runtime with no descriptor left: {failed_current:?}"
        );
    }
    drop(held);

    // Once descriptors are free again, the backend works: timers fire, tasks
    // run, sockets connect.
    let rt = Runtime::builder().backend(backend).build().unwrap();
    let answer = rt.block_on(async {
        anyloop::time::sleep(std::time::Duration::from_millis(10)).await;
        let listener = anyloop::net::TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let server = anyloop::spawn(async move { listener.accept().await.map(|_| ()) });
        anyloop::net::TcpStream::connect(addr).await.unwrap();
        server.await.unwrap().unwrap();
        anyloop::spawn(async {
            anyloop::time::sleep(std::time::Duration::from_millis(5)).await;
            42
        })
        .await
        .unwrap()
    });
    assert_eq!(answer, 42, "on {backend} after the descriptors were freed");
    // A timer fires in a task while nobody waits in `block_on`'s thread:
    // async-io's driver thread (or ours in its place) runs the reactor.
    let handle = rt.handle();
    let (tx, rx) = std::sync::mpsc::channel();
    drop(handle.spawn(async move {
        anyloop::time::sleep(std::time::Duration::from_millis(10)).await;
        let _ = tx.send(());
    }));
    assert!(
        rx.recv_timeout(std::time::Duration::from_secs(20)).is_ok(),
        "a timer never fired on {backend} after the failed start"
    );
}

/// A plain test over every backend: it builds and drops runtimes of its own.
#[test]
fn dropping_a_runtime_drops_its_pending_tasks_and_shuts_its_handle() {
    for &backend in Backend::available() {
        let rt = Runtime::builder().backend(backend).build().unwrap();
        let handle = rt.handle();
        let (in_block_on, nested, via_handle) = (DropFlag::new(), DropFlag::new(), DropFlag::new());
        let (a, b, c) = (in_block_on.guard(), nested.guard(), via_handle.guard());
        let started = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counted = started.clone();
        rt.block_on(async move {
            let counted2 = counted.clone();
            drop(anyloop::spawn(async move {
                let _a = a;
                // A task spawned by a task of the runtime is the runtime's too.
                drop(anyloop::spawn(async move {
                    let _b = b;
                    counted2.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    std::future::pending::<()>().await;
                }));
                counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                std::future::pending::<()>().await;
            }));
        });
        let counted = started.clone();
        drop(handle.spawn(async move {
            let _c = c;
            counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            std::future::pending::<()>().await;
        }));
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while started.load(std::sync::atomic::Ordering::SeqCst) < 3 {
            assert!(
                std::time::Instant::now() < deadline,
                "{backend}: tasks never started"
            );
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        drop(rt);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while !(in_block_on.is_set() && nested.is_set() && via_handle.is_set()) {
            assert!(
                std::time::Instant::now() < deadline,
                "{backend}: pending tasks outlived their runtime (from block_on: {}, nested: {}, from the handle: {})",
                in_block_on.is_set(),
                nested.is_set(),
                via_handle.is_set()
            );
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        // The handle reports the shutdown; what it spawns now never runs.
        let ran = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = ran.clone();
        let late = std::thread::spawn(move || {
            handle.block_on(async move { flag.store(true, std::sync::atomic::Ordering::SeqCst) })
        })
        .join()
        .unwrap();
        assert!(
            matches!(late, Err(anyloop::BlockOnError::Shutdown)),
            "{backend}: {late:?}"
        );
        assert!(!ran.load(std::sync::atomic::Ordering::SeqCst), "{backend}");
    }
}
