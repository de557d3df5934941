//! A plug-in runtime for the ambient API: `anyloop-pool` (the fourth
//! backend, written on anyloop-core's public API only) run by
//! `Runtime::from_dyn`. These tests are about the plug-in, so each runs on
//! it (not once per built-in backend: `#[anyloop::test(backends = [],
//! plugin(pool = pool))]` stamps `name::pool` only); failure messages name
//! it.
//!
//! The conformance kit runs through `rt::Current` on it
//! (`rt_plugin::kit::task::abort_before_first_poll`, ...), and the ambient
//! API's pieces (spawn, time, net, fs, task groups, `Handle`) are checked
//! one by one below. The plug-in's sockets in `anyloop::net` are its own
//! (made by its `DynRuntime` constructors; the pool's are async-io's,
//! reached through them), with every feature set, tokio alone included;
//! `counting` is a plug-in whose constructors count their calls, to see
//! that `anyloop::net` went through them.

use std::future::Future;
use std::io::ErrorKind;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use anyloop::io::{AsyncReadExt, AsyncWriteExt};
use anyloop::net::{TcpListener, TcpSocket, TcpStream, UdpSocket};
use anyloop::rt::{BlockOn, DynRuntime, Net, Spawn, Timer};
use anyloop::{Backend, Runtime};

const NAME: &str = "pool";
fn plugin_backend() -> Backend {
    Backend::Custom(anyloop::PluginName::new(NAME))
}

/// The pool plug-in of the `#[anyloop::test(plugin(pool = pool))]` tests:
/// one pool of two workers for the whole test binary (a pool owns its
/// threads, and a handle does not keep it alive).
fn pool() -> Arc<dyn DynRuntime> {
    Arc::new(shared_pool().handle())
}

fn shared_pool() -> &'static anyloop_pool::Runtime {
    static POOL: OnceLock<anyloop_pool::Runtime> = OnceLock::new();
    POOL.get_or_init(|| anyloop_pool::Runtime::new(2).expect("a pool runtime"))
}

/// The pool (which owns its worker threads) and the anyloop runtime over
/// its handle, for the tests that use the `Runtime` itself.
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

// With every feature set: the plug-in's sockets are its own.
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

#[anyloop::test(backends = [], plugin(pool = pool))]
async fn the_ambient_api_runs_on_the_plugin() {
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
}

#[anyloop::test(backends = [], plugin(pool = pool))]
async fn time_runs_on_the_plugin() {
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
}

#[anyloop::test(backends = [], plugin(pool = pool), start_paused = true)]
async fn start_paused_runs_on_the_plugin() {
    let start = anyloop::time::Instant::now();
    anyloop::time::sleep(Duration::from_secs(3600)).await;
    assert_eq!(
        start.elapsed(),
        Duration::from_secs(3600),
        "an hour of virtual time at once on {NAME}"
    );
}

/// A plug-in test beside the built-in backends' (`name::tokio`, ...,
/// `name::pool`): the same body on each.
#[anyloop::test(plugin(pool = pool))]
async fn stamped_beside_the_built_in_backends() {
    let backend = Backend::current().expect("a runtime");
    let answer = anyloop::spawn(async { 6 * 7 }).await.unwrap();
    assert_eq!(answer, 42, "on {backend}");
    let path = temp_path(&format!("stamped-{backend}"));
    anyloop::fs::write(&path, b"x").await.unwrap();
    assert_eq!(
        anyloop::fs::read(&path).await.unwrap(),
        b"x",
        "on {backend}"
    );
    anyloop::fs::remove_file(&path).await.unwrap();
}

/// The plug-in's socket behind an ambient one: `anyloop::net`'s types show
/// their inner socket in `Debug`, the dyn face's `Dyn*` boxes here.
fn is_the_plugins(socket: &impl std::fmt::Debug) -> bool {
    format!("{socket:?}").starts_with("Dyn")
}

#[anyloop::test(backends = [], plugin(pool = pool))]
async fn tcp_echo_with_split_halves_on_the_plugin() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    assert!(is_the_plugins(&listener), "{listener:?} on {NAME}");
    let addr = listener.local_addr().unwrap();
    let server = anyloop::spawn(async move {
        let (peer, from) = listener.accept().await.unwrap();
        assert!(is_the_plugins(&peer), "an accepted {peer:?} on {NAME}");
        assert_eq!(peer.peer_addr().unwrap(), from, "on {NAME}");
        let (mut read, mut write) = peer.into_split();
        let mut buf = [0; 5];
        read.read_exact(&mut buf).await.unwrap();
        write.write_all(&buf).await.unwrap();
        // Dropping the write half shuts the write side down.
    });
    let client = TcpStream::connect(addr).await.unwrap();
    assert!(is_the_plugins(&client), "{client:?} on {NAME}");
    assert_eq!(client.peer_addr().unwrap(), addr, "on {NAME}");
    client.set_nodelay(true).unwrap();
    assert!(client.nodelay().unwrap(), "on {NAME}");
    let (mut read, mut write) = client.into_split();
    let writer = anyloop::spawn(async move { write.write_all(b"hello").await });
    let mut echoed = Vec::new();
    read.read_to_end(&mut echoed).await.unwrap();
    assert_eq!(echoed, b"hello", "an echo over split halves on {NAME}");
    writer.await.unwrap().unwrap();
    server.await.unwrap();
}

#[anyloop::test(backends = [], plugin(pool = pool))]
async fn tcp_std_conversions_and_tcp_socket_on_the_plugin() {
    // `from_std` is made by the plug-in in context; `into_std` hands the
    // socket back.
    let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let listener = TcpListener::from_std(std_listener).unwrap();
    assert!(is_the_plugins(&listener), "{listener:?} on {NAME}");
    let addr = listener.local_addr().unwrap();

    let socket = TcpSocket::new_v4().unwrap();
    socket.set_nodelay(true).unwrap();
    let mut client = socket.connect(addr).await.unwrap();
    assert!(
        is_the_plugins(&client),
        "a TcpSocket's {client:?} on {NAME}"
    );
    let (server, _) = listener.accept().await.unwrap();
    let mut server = TcpStream::from_std(server.into_std().unwrap()).unwrap();
    client.write_all(b"ping").await.unwrap();
    let mut buf = [0; 4];
    assert_eq!(server.peek(&mut buf).await.unwrap(), 4, "peek on {NAME}");
    server.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"ping", "through into_std/from_std on {NAME}");

    let std_stream = client.into_std().unwrap();
    assert_eq!(std_stream.peer_addr().unwrap(), addr, "on {NAME}");

    let backlog = TcpSocket::new_v4().unwrap();
    backlog.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = backlog.listen(8).unwrap();
    assert!(
        is_the_plugins(&listener),
        "a TcpSocket's {listener:?} on {NAME}"
    );
}

#[anyloop::test(backends = [], plugin(pool = pool))]
async fn udp_on_the_plugin() {
    let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    assert!(is_the_plugins(&a), "{a:?} on {NAME}");
    a.send_to(b"ping", b.local_addr().unwrap()).await.unwrap();
    let mut buf = [0; 16];
    let (n, from) = b.peek_from(&mut buf).await.unwrap();
    assert_eq!((&buf[..n], from), (&b"ping"[..], a.local_addr().unwrap()));
    let (n, from) = b.recv_from(&mut buf).await.unwrap();
    assert_eq!(
        (&buf[..n], from),
        (&b"ping"[..], a.local_addr().unwrap()),
        "a datagram on {NAME}"
    );
    a.connect(b.local_addr().unwrap()).await.unwrap();
    b.connect(a.local_addr().unwrap()).await.unwrap();
    a.send(b"pong").await.unwrap();
    assert_eq!(
        b.recv(&mut buf).await.unwrap(),
        4,
        "connected UDP on {NAME}"
    );
    let back = UdpSocket::from_std(b.into_std().unwrap()).unwrap();
    assert!(is_the_plugins(&back), "{back:?} on {NAME}");
}

#[cfg(unix)]
#[anyloop::test(backends = [], plugin(pool = pool))]
async fn unix_sockets_on_the_plugin() {
    use anyloop::net::{UnixDatagram, UnixListener, UnixStream};

    let dir = temp_path("unix");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("echo.sock");
    let listener = UnixListener::bind(&path).unwrap();
    assert!(is_the_plugins(&listener), "{listener:?} on {NAME}");
    let server = anyloop::spawn(async move {
        let (peer, _) = listener.accept().await.unwrap();
        let (mut read, mut write) = peer.into_split();
        let mut buf = [0; 2];
        read.read_exact(&mut buf).await.unwrap();
        write.write_all(&buf).await.unwrap();
    });
    let mut client = UnixStream::connect(&path).await.unwrap();
    assert!(is_the_plugins(&client), "{client:?} on {NAME}");
    client.write_all(b"hi").await.unwrap();
    let mut buf = [0; 2];
    client.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"hi", "a Unix echo on {NAME}");
    server.await.unwrap();

    let (mut a, mut b) = UnixStream::pair().unwrap();
    assert!(is_the_plugins(&a), "a pair's {a:?} on {NAME}");
    a.write_all(b"ab").await.unwrap();
    b.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"ab", "a Unix pair on {NAME}");

    let (x, y) = UnixDatagram::pair().unwrap();
    assert!(is_the_plugins(&x), "{x:?} on {NAME}");
    x.send(b"dg").await.unwrap();
    assert_eq!(
        y.recv(&mut buf).await.unwrap(),
        2,
        "a Unix datagram on {NAME}"
    );
    let bound = UnixDatagram::bind(dir.join("dgram.sock")).unwrap();
    let unbound = UnixDatagram::unbound().unwrap();
    unbound
        .send_to(b"to", dir.join("dgram.sock"))
        .await
        .unwrap();
    assert_eq!(bound.recv(&mut buf).await.unwrap(), 2, "send_to on {NAME}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[anyloop::test(backends = [], plugin(pool = pool))]
async fn socket_errors_keep_their_kind_on_the_plugin() {
    let closed = {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        listener.local_addr().unwrap()
    };
    let err = TcpStream::connect(closed).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ConnectionRefused, "on {NAME}: {err}");

    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let err = TcpListener::bind(listener.local_addr().unwrap())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AddrInUse, "on {NAME}: {err}");
    let udp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let err = UdpSocket::bind(udp.local_addr().unwrap())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AddrInUse, "UDP on {NAME}: {err}");

    for bad in ["not an address", "127.0.0.1", ""] {
        let err = TcpStream::connect(bad).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{bad:?} on {NAME}");
    }
    #[cfg(unix)]
    {
        let missing = temp_path("missing.sock");
        let err = anyloop::net::UnixStream::connect(&missing)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotFound, "on {NAME}: {err}");
    }
}

/// With the `tokio-io` feature, the plug-in's sockets are tokio streams too.
#[cfg(feature = "tokio-io")]
#[anyloop::test(backends = [], plugin(pool = pool))]
async fn tokio_io_traits_on_the_plugin_sockets() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let mut client = TcpStream::connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (mut server, _) = listener.accept().await.unwrap();
    tokio::io::AsyncWriteExt::write_all(&mut client, b"tk")
        .await
        .unwrap();
    let mut buf = [0; 2];
    tokio::io::AsyncReadExt::read_exact(&mut server, &mut buf)
        .await
        .unwrap();
    assert_eq!(&buf, b"tk", "tokio's traits on {NAME}");
}

/// Processes on the plug-in are async-io's with smol or async-std compiled
/// in; with tokio alone (whose processes and signals need a tokio runtime)
/// they and `signal::ctrl_c` are an `Unsupported` error, not a panic.
#[cfg(unix)]
#[anyloop::test(backends = [], plugin(pool = pool))]
async fn processes_on_the_plugin_run_or_are_an_error() {
    let mut command = anyloop::process::Command::new("true");
    let status = command.status().await;
    #[cfg(any(feature = "smol", feature = "async-std"))]
    assert!(status.expect("run `true`").success(), "on {NAME}");
    #[cfg(not(any(feature = "smol", feature = "async-std")))]
    {
        let err = status.expect_err("a process on a tokio-only plug-in");
        assert_eq!(
            err.kind(),
            std::io::ErrorKind::Unsupported,
            "on {NAME}: {err}"
        );
        assert!(
            err.to_string().contains("smol or async-std"),
            "on {NAME}: {err}"
        );
        // The command was refused whole: asking again says the same.
        let again = command.status().await.expect_err("asked again");
        assert_eq!(
            again.kind(),
            std::io::ErrorKind::Unsupported,
            "on {NAME}: {again}"
        );
        let err = anyloop::signal::ctrl_c()
            .await
            .expect_err("ctrl_c on a tokio-only plug-in");
        assert_eq!(
            err.kind(),
            std::io::ErrorKind::Unsupported,
            "on {NAME}: {err}"
        );
    }
}

#[anyloop::test(backends = [], plugin(pool = pool))]
async fn fs_free_functions_run_on_the_plugin() {
    let dir = temp_path("fs");
    anyloop::fs::create_dir_all(&dir).await.unwrap();
    let file = dir.join("a.txt");
    anyloop::fs::write(&file, "one").await.unwrap();
    assert_eq!(
        anyloop::fs::read_to_string(&file).await.unwrap(),
        "one",
        "on {NAME}"
    );
    assert_eq!(anyloop::fs::metadata(&file).await.unwrap().len(), 3);
    anyloop::fs::copy(&file, dir.join("b.txt")).await.unwrap();
    anyloop::fs::rename(dir.join("b.txt"), dir.join("c.txt"))
        .await
        .unwrap();
    let err = anyloop::fs::read(dir.join("b.txt")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "on {NAME}: {err}");

    // `File` on a plug-in: async-io's (with smol or async-std), or an
    // `Unsupported` error naming the fix (tokio alone), never a panic.
    let opened = anyloop::fs::File::open(&file).await;
    #[cfg(any(feature = "smol", feature = "async-std"))]
    {
        let mut text = String::new();
        opened
            .unwrap()
            .read_to_string(&mut text)
            .await
            .expect("a File on the plug-in");
        assert_eq!(text, "one", "File::open on {NAME}");
    }
    #[cfg(not(any(feature = "smol", feature = "async-std")))]
    {
        let err = opened.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Unsupported, "on {NAME}: {err}");
        assert!(err.to_string().contains("`smol`"), "names the fix: {err}");
    }
    anyloop::fs::remove_dir_all(&dir).await.unwrap();
}

fn temp_path(what: &str) -> std::path::PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!(
        "anyloop-rt-plugin-{}-{what}-{n}",
        std::process::id()
    ))
}

// ------------------------------------------------ a plug-in's own sockets

/// A plug-in whose sockets are visibly its own: the pool, with socket
/// constructors that count their calls (the blanket `DynRuntime` impl of
/// this `Runtime` makes `dyn_connect_tcp` call `Net::connect_tcp` here).
#[derive(Clone)]
struct Counting(anyloop_pool::Pool);

static CONNECTS: AtomicUsize = AtomicUsize::new(0);
static BINDS: AtomicUsize = AtomicUsize::new(0);

fn counting() -> Arc<dyn DynRuntime> {
    Arc::new(Counting(shared_pool().handle()))
}

impl Spawn for Counting {
    type JoinHandle<T: Send + 'static> = <anyloop_pool::Pool as Spawn>::JoinHandle<T>;

    fn spawn<F>(&self, future: F) -> Self::JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.0.spawn(future)
    }

    fn spawn_blocking<F, T>(&self, f: F) -> Self::JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        self.0.spawn_blocking(f)
    }
}

impl Timer for Counting {
    type Delay = <anyloop_pool::Pool as Timer>::Delay;

    fn delay_until(&self, deadline: Instant) -> Self::Delay {
        self.0.delay_until(deadline)
    }

    fn reset(&self, delay: Pin<&mut Self::Delay>, deadline: Instant) {
        self.0.reset(delay, deadline)
    }
}

impl Net for Counting {
    type TcpListener = <anyloop_pool::Pool as Net>::TcpListener;
    type TcpStream = <anyloop_pool::Pool as Net>::TcpStream;
    type UdpSocket = <anyloop_pool::Pool as Net>::UdpSocket;
    #[cfg(unix)]
    type UnixListener = <anyloop_pool::Pool as Net>::UnixListener;
    #[cfg(unix)]
    type UnixStream = <anyloop_pool::Pool as Net>::UnixStream;
    #[cfg(unix)]
    type UnixDatagram = <anyloop_pool::Pool as Net>::UnixDatagram;

    fn bind_tcp(&self, addr: std::net::SocketAddr) -> std::io::Result<Self::TcpListener> {
        BINDS.fetch_add(1, Ordering::SeqCst);
        self.0.bind_tcp(addr)
    }

    async fn connect_tcp(&self, addr: std::net::SocketAddr) -> std::io::Result<Self::TcpStream> {
        CONNECTS.fetch_add(1, Ordering::SeqCst);
        self.0.connect_tcp(addr).await
    }

    async fn connect_tcp_socket(
        &self,
        socket: std::net::TcpStream,
        addr: std::net::SocketAddr,
    ) -> std::io::Result<Self::TcpStream> {
        self.0.connect_tcp_socket(socket, addr).await
    }

    fn bind_udp(&self, addr: std::net::SocketAddr) -> std::io::Result<Self::UdpSocket> {
        self.0.bind_udp(addr)
    }

    #[cfg(unix)]
    fn bind_unix(&self, path: &std::path::Path) -> std::io::Result<Self::UnixListener> {
        self.0.bind_unix(path)
    }

    #[cfg(unix)]
    async fn connect_unix(&self, path: &std::path::Path) -> std::io::Result<Self::UnixStream> {
        self.0.connect_unix(path).await
    }

    #[cfg(unix)]
    fn bind_unix_datagram(&self, path: &std::path::Path) -> std::io::Result<Self::UnixDatagram> {
        self.0.bind_unix_datagram(path)
    }
}

#[anyloop::test(backends = [], plugin(counting = counting))]
async fn anyloop_net_goes_through_the_plugins_constructors() {
    let (binds, connects) = (
        BINDS.load(Ordering::SeqCst),
        CONNECTS.load(Ordering::SeqCst),
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    assert_eq!(
        BINDS.load(Ordering::SeqCst),
        binds + 1,
        "TcpListener::bind called the plug-in's dyn_bind_tcp"
    );
    let addr = listener.local_addr().unwrap();
    let client = TcpStream::connect(addr).await.unwrap();
    assert_eq!(
        CONNECTS.load(Ordering::SeqCst),
        connects + 1,
        "TcpStream::connect called the plug-in's dyn_connect_tcp"
    );
    let (server, _) = listener.accept().await.unwrap();
    assert_eq!(client.local_addr().unwrap(), server.peer_addr().unwrap());
}

// ------------------------------------------------ the Runtime itself

#[test]
fn task_groups_and_handles_run_on_the_plugin() {
    let plugin = Plugin::new(2);
    assert_eq!(plugin.runtime.backend(), plugin_backend());
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
