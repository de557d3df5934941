//! The dyn face on every backend: the blanket impl (`Arc::new(handle)` is an
//! `Arc<dyn DynRuntime>`), the reverse impl (generic code runs on it), the
//! dyn runtime in context, and the promised auto traits.

mod common;

use std::sync::Arc;
use std::time::Duration;

use anyloop::rt::net::{TcpListener as _, UdpSocket as _};
use anyloop::rt::{DynRuntime, Runtime, Spawn, TimerExt, dyn_rt};
use anyloop::task::TaskHandle;
use common::backend;

/// The running backend's static handle, as a dyn runtime.
fn dyn_runtime() -> Arc<dyn DynRuntime> {
    match backend() {
        #[cfg(feature = "tokio")]
        anyloop::Backend::Tokio => Arc::new(anyloop::rt::Tokio),
        #[cfg(feature = "smol")]
        anyloop::Backend::Smol => Arc::new(anyloop::rt::Smol),
        #[cfg(feature = "async-std")]
        anyloop::Backend::AsyncStd => Arc::new(anyloop::rt::AsyncStd),
        #[allow(unreachable_patterns)]
        other => unreachable!("unknown backend {other}"),
    }
}

async fn generic_work<R: Runtime>(rt: &R) -> u32 {
    let task = rt.spawn(async { 20 });
    rt.sleep(Duration::from_millis(1)).await;
    let blocking = rt.spawn_blocking(|| 22);
    task.await.unwrap() + blocking.await.unwrap()
}

#[anyloop::test]
async fn generic_code_runs_on_a_dyn_runtime() {
    let rt = dyn_runtime();
    assert_eq!(generic_work(&rt).await, 42, "on {}", backend());
}

#[anyloop::test]
async fn dyn_timers_work_in_send_tasks() {
    let rt = dyn_runtime();
    // A task's future must be `Send`: it holds a `Sleep<Arc<dyn DynRuntime>>`.
    let task = anyloop::spawn(async move {
        let start = std::time::Instant::now();
        rt.sleep(Duration::from_millis(5)).await;
        let timed_out = rt
            .timeout(Duration::from_millis(1), std::future::pending::<()>())
            .await
            .is_err();
        (start.elapsed(), timed_out)
    });
    let (elapsed, timed_out) = task.await.unwrap();
    assert!(
        elapsed >= Duration::from_millis(5),
        "slept {elapsed:?} on {}",
        backend()
    );
    assert!(timed_out, "a pending future timed out on {}", backend());
}

#[anyloop::test]
async fn dyn_tasks_keep_the_common_semantics() {
    let rt = dyn_runtime();
    let err = rt.spawn(async { panic!("boom") }).await.unwrap_err();
    assert!(err.is_panic(), "a panic is a JoinError on {}", backend());
    assert_eq!(err.to_string(), "task panicked: boom", "on {}", backend());

    let pending = rt.spawn(std::future::pending::<()>());
    assert!(!pending.is_finished(), "on {}", backend());
    pending.abort();
    assert!(
        pending.await.unwrap_err().is_cancelled(),
        "on {}",
        backend()
    );

    // A detached task still runs to completion.
    let (tx, rx) = std::sync::mpsc::channel();
    drop(rt.spawn(async move { tx.send(7).unwrap() }));
    let got = rt
        .spawn_blocking(move || rx.recv_timeout(Duration::from_secs(10)))
        .await
        .unwrap();
    assert_eq!(got, Ok(7), "a detached task ran on {}", backend());
}

#[anyloop::test]
async fn the_dyn_runtime_is_in_context_in_its_tasks() {
    assert!(
        dyn_rt::current().is_none(),
        "no dyn runtime in context outside on {}",
        backend()
    );
    let std = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let err = dyn_rt::DynUdpSocket::from_std(std).unwrap_err();
    assert_eq!(
        err.kind(),
        std::io::ErrorKind::Unsupported,
        "from_std without a dyn runtime in context on {}",
        backend()
    );

    let rt = dyn_runtime();
    let addr = rt
        .spawn(async {
            assert!(dyn_rt::current().is_some());
            let std = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            let addr = std.local_addr().unwrap();
            let listener = dyn_rt::DynTcpListener::from_std(std).unwrap();
            assert_eq!(listener.local_addr().unwrap(), addr);
            addr
        })
        .await
        .unwrap();
    assert_ne!(addr.port(), 0, "on {}", backend());
    let in_blocking = rt.spawn_blocking(|| dyn_rt::current().is_some()).await;
    assert_eq!(
        in_blocking.ok(),
        Some(true),
        "in a blocking closure on {}",
        backend()
    );
}

#[test]
fn dyn_types_are_object_safe_and_thread_safe() {
    fn assert_send_sync_unpin<T: Send + Sync + Unpin + 'static>() {}
    fn assert_runtime<R: Runtime>() {}
    assert_runtime::<Arc<dyn DynRuntime>>();
    assert_send_sync_unpin::<Arc<dyn DynRuntime>>();
    assert_send_sync_unpin::<dyn_rt::DynJoinHandle<String>>();
    assert_send_sync_unpin::<dyn_rt::DynDelay>();
    assert_send_sync_unpin::<dyn_rt::DynTcpStream>();
    assert_send_sync_unpin::<dyn_rt::DynReadHalf>();
    assert_send_sync_unpin::<dyn_rt::DynWriteHalf>();
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync::<dyn_rt::DynTcpListener>();
    assert_send_sync::<dyn_rt::DynUdpSocket>();
    #[cfg(unix)]
    {
        assert_send_sync_unpin::<dyn_rt::DynUnixStream>();
        assert_send_sync::<dyn_rt::DynUnixListener>();
        assert_send_sync::<dyn_rt::DynUnixDatagram>();
    }
    // A box of the trait object, as a library would store it.
    let _: Option<Box<dyn DynRuntime>> = None;
}
