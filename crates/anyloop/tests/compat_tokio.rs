//! `anyloop::compat`: tokio-only code (tokio's timers, `tokio::spawn`,
//! `tokio::net`, hyper-util's legacy client) on every backend, and tokio's
//! panic without it.
#![cfg(feature = "compat")]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::{self, ThreadId};
use std::time::Duration;

use anyloop::compat::{self, Compat, CompatExt};
use common::{backend, within};
use http_body_util::{BodyExt as _, Empty};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// The name of the background runtime's thread (async-compat's).
const BACKGROUND_THREAD: &str = "async-compat/tokio-1";

/// The message tokio panics with outside its context.
const NO_REACTOR: &str =
    "there is no reactor running, must be called from the context of a Tokio 1.x runtime";

fn on_tokio() -> bool {
    #[cfg(feature = "tokio")]
    {
        backend() == anyloop::Backend::Tokio
    }
    #[cfg(not(feature = "tokio"))]
    {
        false
    }
}

const _: () = {
    fn send_sync_unpin<T: Send + Sync + Unpin>() {}
    fn send<T: Send>() {}
    fn auto_traits() {
        send_sync_unpin::<Compat<std::future::Ready<u8>>>();
        send::<Compat<tokio::time::Sleep>>();
    }
    let _ = auto_traits;
};

#[anyloop::test]
async fn sleep_inside_compat() {
    let wait = Duration::from_millis(5);
    let slept = within(
        "tokio::time::sleep",
        compat::tokio(async move {
            let start = tokio::time::Instant::now();
            tokio::time::sleep(wait).await;
            start.elapsed()
        }),
    )
    .await;
    assert!(slept >= wait, "slept {slept:?} < {wait:?} on {}", backend());
    // The method form, and a timeout that fires. The tokio call is made
    // inside the wrapped future (`tokio::time::timeout(..).compat()` would
    // call tokio before `compat` applies).
    let timed_out = within(
        "tokio::time::timeout",
        async {
            tokio::time::timeout(Duration::from_millis(1), std::future::pending::<()>()).await
        }
        .compat(),
    )
    .await;
    assert!(timed_out.is_err(), "on {}", backend());
}

/// On tokio, `compat` is a no-op: `tokio::spawn` inside it goes to the
/// test's own runtime (current-thread: the test's thread). On smol and
/// async-std it goes to the one background runtime, on its own thread.
#[anyloop::test]
async fn spawn_inside_compat_runs_on_the_right_runtime() {
    let here = thread::current().id();
    let where_spawned = || {
        compat::tokio(async {
            tokio::spawn(async {
                (
                    thread::current().id(),
                    thread::current().name().map(String::from),
                )
            })
            .await
            .expect("the tokio task panicked")
        })
    };
    let (first, first_name) = within("tokio::spawn", where_spawned()).await;
    let (second, _) = within("tokio::spawn", where_spawned()).await;
    if on_tokio() {
        assert_eq!(
            first,
            here,
            "tokio::spawn left the test's runtime on {}",
            backend()
        );
        let flavor =
            compat::tokio(async { tokio::runtime::Handle::current().runtime_flavor() }).await;
        assert_eq!(
            flavor,
            tokio::runtime::Handle::current().runtime_flavor(),
            "another tokio runtime inside compat on {}",
            backend()
        );
    } else {
        assert_ne!(first, here, "on {}", backend());
        assert_eq!(
            first_name.as_deref(),
            Some(BACKGROUND_THREAD),
            "tokio::spawn did not run on the background runtime on {}",
            backend()
        );
        assert_eq!(
            first,
            second,
            "not one shared background runtime on {}",
            backend()
        );
    }
    // tokio's blocking pool: the test runtime's on tokio, the background
    // runtime's elsewhere.
    let blocking = compat::tokio(async { tokio::task::spawn_blocking(|| 3).await }).await;
    assert_eq!(blocking.ok(), Some(3), "spawn_blocking on {}", backend());
    // The wrapped future itself is polled by the task that awaits it: in the
    // same poll here, as it is ready at once (an async-std task may move
    // between worker threads at its awaits).
    let here = thread::current().id();
    let polled_on = compat::tokio(async { thread::current().id() }).await;
    assert_eq!(polled_on, here, "the future left its task on {}", backend());
}

/// A wrapped future made outside any runtime, on a plain thread, works when
/// awaited here.
#[anyloop::test]
async fn made_elsewhere_polled_here() {
    let wrapped = thread::spawn(|| {
        compat::tokio(async {
            tokio::time::sleep(Duration::from_millis(1)).await;
            tokio::spawn(async { 5 }).await.unwrap()
        })
    })
    .join()
    .unwrap();
    assert_eq!(
        within("a future made on a thread", wrapped).await,
        5,
        "on {}",
        backend()
    );
}

/// Dropping a wrapped future runs its destructors in tokio's context too.
#[anyloop::test]
async fn dropped_inside_compat() {
    struct SpawnsOnDrop(Option<async_channel::Sender<ThreadId>>);
    impl Drop for SpawnsOnDrop {
        fn drop(&mut self) {
            let tx = self.0.take().unwrap();
            // Panics outside a tokio context.
            tokio::spawn(async move {
                let _ = tx.send(thread::current().id()).await;
            });
        }
    }
    let (tx, rx) = async_channel::bounded(1);
    let guard = SpawnsOnDrop(Some(tx));
    let mut wrapped = Box::pin(compat::tokio(async move {
        let _guard = guard;
        tokio::time::sleep(Duration::from_secs(3600)).await;
    }));
    assert!(
        futures_lite::future::poll_once(wrapped.as_mut())
            .await
            .is_none(),
        "on {}",
        backend()
    );
    drop(wrapped);
    let spawned_on = within("the destructor's task", rx.recv()).await;
    assert!(
        spawned_on.is_ok(),
        "the destructor's task did not run on {}",
        backend()
    );
}

#[anyloop::test]
async fn tokio_tcp_echo_against_an_anyloop_server() {
    let addr = server::echo_server().await;
    let message: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
    let expected = message.clone();
    let echoed = within(
        "a tokio::net echo",
        compat::tokio(async move {
            let stream = tokio::net::TcpStream::connect(addr).await?;
            let (mut read, mut write) = stream.into_split();
            let writer = tokio::spawn(async move {
                write.write_all(&message).await?;
                write.shutdown().await
            });
            let mut echoed = Vec::new();
            read.read_to_end(&mut echoed).await?;
            writer.await.expect("the writer panicked")?;
            std::io::Result::Ok(echoed)
        }),
    )
    .await
    .unwrap();
    assert!(
        echoed == expected,
        "{} bytes echoed of {} on {}",
        echoed.len(),
        expected.len(),
        backend()
    );

    // A tokio stream connected inside `compat` keeps working outside it.
    let mut stream = within(
        "connect",
        compat::tokio(tokio::net::TcpStream::connect(addr)),
    )
    .await
    .unwrap();
    let mut pong = [0u8; 4];
    within("a tokio stream used outside compat", async {
        stream.write_all(b"ping").await.unwrap();
        stream.read_exact(&mut pong).await.unwrap();
    })
    .await;
    assert_eq!(&pong, b"ping", "on {}", backend());
}

#[anyloop::test]
async fn hyper_util_legacy_client() {
    let connections = Arc::new(AtomicUsize::new(0));
    let requests = Arc::new(AtomicUsize::new(0));
    let addr = server::http_server(connections.clone(), requests.clone()).await;
    let paths = ["/one", "/two", "/three"];
    let bodies = within(
        "hyper-util's legacy client",
        compat::tokio(async move {
            let client = Client::builder(TokioExecutor::new()).build_http::<Empty<bytes::Bytes>>();
            let mut bodies = Vec::new();
            for path in paths {
                let uri: hyper::Uri = format!("http://{addr}{path}").parse().unwrap();
                let response = client.get(uri).await.expect("the request failed");
                assert_eq!(response.status(), hyper::StatusCode::OK);
                let body = response
                    .into_body()
                    .collect()
                    .await
                    .expect("the body")
                    .to_bytes();
                bodies.push(body);
            }
            bodies
        }),
    )
    .await;
    for (path, body) in paths.iter().zip(&bodies) {
        assert!(
            body[..] == server::body_for(path)[..],
            "the body of {path} differs on {}",
            backend()
        );
    }
    assert_eq!(
        requests.load(Ordering::SeqCst),
        paths.len(),
        "on {}",
        backend()
    );
    let opened = connections.load(Ordering::SeqCst);
    assert!(
        (1..=paths.len()).contains(&opened),
        "{opened} connections on {}",
        backend()
    );
}

/// Without `compat`, tokio's calls panic on smol and async-std with tokio's
/// message (the one the module docs quote); on tokio they work.
#[anyloop::test]
async fn without_compat_tokio_panics_outside_tokio() {
    let task = anyloop::spawn(async {
        tokio::time::sleep(Duration::from_millis(1)).await;
    });
    let joined = within("a task using tokio::time", task).await;
    if on_tokio() {
        assert!(
            joined.is_ok(),
            "tokio::time::sleep failed on tokio: {joined:?}"
        );
        return;
    }
    let err = joined.expect_err("tokio::time::sleep worked without compat");
    assert!(err.is_panic(), "on {}: {err:?}", backend());
    let payload = err.into_panic();
    let message = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .expect("a text panic");
    assert_eq!(message, NO_REACTOR, "on {}", backend());
}

/// The anyloop side: servers on `anyloop::net`, with anyloop's (futures-io)
/// I/O traits in scope only.
mod server {
    use std::net::SocketAddr;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use anyloop::io::{AsyncReadExt as _, AsyncWriteExt as _};
    use anyloop::net::{TcpListener, TcpStream};

    /// Echoes what it reads, for every connection, until each one ends.
    pub(crate) async fn echo_server() -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        anyloop::spawn(async move {
            loop {
                let (mut stream, _) = listener.accept().await.unwrap();
                anyloop::spawn(async move {
                    let mut buf = vec![0u8; 4096];
                    loop {
                        let n = stream.read(&mut buf).await.unwrap();
                        if n == 0 {
                            return;
                        }
                        stream.write_all(&buf[..n]).await.unwrap();
                    }
                });
            }
        });
        addr
    }

    /// The body of every response: the request's path, then a fixed pattern long
    /// enough to take several reads.
    pub(crate) fn body_for(path: &str) -> Vec<u8> {
        let mut body = format!("you asked for {path}\n").into_bytes();
        body.extend((0..20_000u32).map(|i| b'a' + (i % 26) as u8));
        body
    }

    /// A small HTTP/1.1 server on anyloop's sockets: reads each request's head
    /// (GET, no body) up to `\r\n\r\n`, answers `body_for(path)` with a
    /// Content-Length, and keeps the connection for the next request until the
    /// client closes it. Counts connections and requests.
    pub(crate) async fn http_server(
        connections: Arc<AtomicUsize>,
        requests: Arc<AtomicUsize>,
    ) -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        anyloop::spawn(async move {
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                connections.fetch_add(1, Ordering::SeqCst);
                anyloop::spawn(serve_http(stream, requests.clone()));
            }
        });
        addr
    }

    async fn serve_http(mut stream: TcpStream, requests: Arc<AtomicUsize>) {
        let mut pending = Vec::new();
        let mut buf = [0u8; 1024];
        loop {
            let head_end = loop {
                if let Some(at) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
                    break at + 4;
                }
                let n = stream.read(&mut buf).await.unwrap();
                if n == 0 {
                    assert!(pending.is_empty(), "the client closed mid-request");
                    return;
                }
                pending.extend_from_slice(&buf[..n]);
            };
            let head = String::from_utf8(pending.drain(..head_end).collect()).unwrap();
            let mut words = head.split_whitespace();
            assert_eq!(words.next(), Some("GET"), "request: {head:?}");
            let path = words.next().expect("a request path").to_owned();
            let body = body_for(&path);
            let mut response = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n",
                body.len()
            )
            .into_bytes();
            response.extend_from_slice(&body);
            // Counted before the answer, which the client may see at once.
            requests.fetch_add(1, Ordering::SeqCst);
            stream.write_all(&response).await.unwrap();
        }
    }
}
