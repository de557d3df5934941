//! A plug-in runtime for the ambient API: `anyloop-pool` (the fourth
//! backend, written on anyloop-core's public API only) run by
//! `Runtime::from_dyn`. These tests are about the plug-in, so each runs on
//! it (not once per built-in backend); failure messages name it.
//!
//! The conformance kit runs through `rt::Current` on it
//! (`rt_plugin::kit::task::abort_before_first_poll`, ...), and the ambient
//! API's pieces (spawn, time, net, task groups, `Handle`) are checked one
//! by one below.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use anyloop::rt::{BlockOn, DynRuntime};
use anyloop::{Backend, Runtime};

const NAME: &str = "pool";
fn plugin_backend() -> Backend {
    Backend::Custom(anyloop::PluginName::new(NAME))
}

/// The pool (which owns its worker threads) and the anyloop runtime over
/// its handle.
struct Plugin {
    runtime: Runtime,
    _pool: anyloop_pool::Runtime,
}

impl Plugin {
    fn new(workers: usize) -> Plugin {
        let pool = anyloop_pool::Runtime::new(workers).expect("a pool runtime");
        let handle: Arc<dyn DynRuntime> = Arc::new(pool.handle());
        Plugin {
            runtime: Runtime::from_dyn(NAME, handle).expect("a plug-in runtime"),
            _pool: pool,
        }
    }
}

impl BlockOn for Plugin {
    fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }
}

// The plug-in's ambient sockets are async-io's (see `Runtime::from_dyn`).
#[cfg(any(feature = "smol", feature = "async-std"))]
mod kit {
    anyloop_conformance::tests!(
        backend = "pool plug-in (rt::Current)",
        block_on = crate::Plugin::new(1),
        runtime = anyloop::rt::Current,
    );
}

fn on_pool_thread() -> bool {
    std::thread::current()
        .name()
        .is_some_and(|name| name.starts_with("anyloop-pool-"))
}

#[test]
fn the_ambient_api_runs_on_the_plugin() {
    let plugin = Plugin::new(2);
    assert_eq!(plugin.runtime.backend(), plugin_backend());
    plugin.block_on(async {
        assert_eq!(Backend::current(), Some(plugin_backend()), "in block_on");
        let (backend, on_pool, nested) = anyloop::spawn(async {
            // Tasks spawned from the plug-in's tasks stay on it.
            let nested = anyloop::spawn(async { (Backend::current(), on_pool_thread()) })
                .await
                .unwrap();
            (Backend::current(), on_pool_thread(), nested)
        })
        .await
        .unwrap();
        assert_eq!(backend, Some(plugin_backend()), "in a task of {NAME}");
        assert!(on_pool, "a task of {NAME} runs on its threads");
        assert_eq!(
            nested,
            (Some(plugin_backend()), true),
            "a nested task of {NAME}"
        );

        let blocking = anyloop::spawn_blocking(|| (Backend::current(), on_pool_thread()))
            .await
            .unwrap();
        assert_eq!(
            blocking,
            (Some(plugin_backend()), false),
            "a blocking closure of {NAME}"
        );

        let err = anyloop::spawn(async { panic!("boom") }).await.unwrap_err();
        assert!(err.is_panic(), "a panic is a JoinError on {NAME}");
    });
}

#[test]
fn time_runs_on_the_plugin() {
    Plugin::new(1).block_on(async {
        let start = std::time::Instant::now();
        anyloop::time::sleep(Duration::from_millis(10)).await;
        assert!(
            start.elapsed() >= Duration::from_millis(10),
            "slept on {NAME}"
        );
        let late = anyloop::time::timeout(Duration::from_millis(5), std::future::pending::<()>());
        assert!(late.await.is_err(), "a timeout elapsed on {NAME}");
        let mut interval = anyloop::time::interval(Duration::from_millis(1));
        for _ in 0..3 {
            interval.tick().await;
        }
    });
}

#[cfg(not(any(feature = "smol", feature = "async-std")))]
#[test]
fn net_on_the_plugin_needs_async_io() {
    Plugin::new(1).block_on(async {
        let err = anyloop::net::TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_err();
        assert_eq!(
            err.kind(),
            std::io::ErrorKind::Unsupported,
            "on {NAME}: {err}"
        );
    });
}

#[cfg(any(feature = "smol", feature = "async-std"))]
#[test]
fn net_runs_on_the_plugin() {
    use anyloop::io::{AsyncReadExt, AsyncWriteExt};
    Plugin::new(1).block_on(async {
        let listener = anyloop::net::TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let server = anyloop::spawn(async move {
            let (mut peer, _) = listener.accept().await.unwrap();
            let mut buf = [0; 5];
            peer.read_exact(&mut buf).await.unwrap();
            peer.write_all(&buf).await.unwrap();
        });
        let mut client = anyloop::net::TcpStream::connect(addr).await.unwrap();
        client.write_all(b"hello").await.unwrap();
        let mut echoed = [0; 5];
        client.read_exact(&mut echoed).await.unwrap();
        assert_eq!(&echoed, b"hello", "an echo over TCP on {NAME}");
        server.await.unwrap();
    });
}

#[test]
fn task_groups_and_handles_run_on_the_plugin() {
    let plugin = Plugin::new(2);
    let total = plugin.block_on(async {
        let group = anyloop::task::TaskGroup::<()>::new();
        let children: Vec<_> = (0..10u32)
            .map(|i| group.spawn(async move { Ok((Backend::current(), i)) }))
            .collect();
        group.wait().await.unwrap();
        let mut total = 0;
        for child in children {
            let (backend, i) = child.await.expect("a child's value");
            assert_eq!(backend, Some(plugin_backend()), "a group child of {NAME}");
            total += i;
        }
        total
    });
    assert_eq!(total, 45, "a task group's children on {NAME}");

    let handle = plugin.runtime.handle();
    assert_eq!(handle.backend(), plugin_backend());
    // From a plain thread, through the handle, onto the plug-in.
    let on_pool = std::thread::spawn(move || handle.block_on(async { on_pool_thread() }))
        .join()
        .unwrap()
        .unwrap();
    assert!(on_pool, "a task spawned through the Handle runs on {NAME}");
}

#[test]
fn the_ambient_runtime_is_not_a_plugin() {
    let err = Runtime::from_dyn(NAME, Arc::new(anyloop::rt::Current)).unwrap_err();
    assert!(matches!(err, anyloop::BuildError::NotAPlugin), "{err:?}");
}

#[test]
fn bad_plugin_names_are_typed_errors() {
    let pool = anyloop_pool::Runtime::new(1).expect("a pool runtime");
    for name in ["", "tokio", "smol", "async-std"] {
        let handle: Arc<dyn DynRuntime> = Arc::new(pool.handle());
        let err = Runtime::from_dyn(name, handle).unwrap_err();
        assert!(
            matches!(err, anyloop::BuildError::PluginName(n) if n == name),
            "{name:?}: {err:?}"
        );
    }
}

#[test]
fn the_builder_refuses_a_plugin_name() {
    let err = Runtime::builder()
        .backend(plugin_backend())
        .build()
        .unwrap_err();
    assert!(
        err.to_string().contains("Runtime::from_dyn"),
        "the error names the way: {err}"
    );
}
