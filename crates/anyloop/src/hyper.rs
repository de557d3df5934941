//! [hyper](https://docs.rs/hyper) 1.x on every backend (feature `hyper`).
//!
//! hyper's whole runtime surface is three ideas, and anyloop provides each:
//!
//! - **execute a future**: [`Executor`] implements `hyper::rt::Executor<F>`
//!   for any `Send` future, spawning it as a detached task on the runtime
//!   that runs the caller (hyper calls it while polling a connection, so on
//!   the connection's runtime). HTTP/2 clients and servers need it.
//! - **a timer**: [`Timer`] implements `hyper::rt::Timer`, so hyper's
//!   timeouts (`header_read_timeout`, HTTP/2 keep-alive, ...) work. Its
//!   sleeps are anyloop's own [`Sleep`](crate::time::Sleep), which implements
//!   `hyper::rt::Sleep`; `Timer::reset` moves the sleep's native timer
//!   instead of making a new one.
//! - **byte I/O**: anyloop's streams ([`TcpStream`](crate::net::TcpStream),
//!   [`UnixStream`](crate::net::UnixStream) and their owned halves)
//!   implement `hyper::rt::Read` and `hyper::rt::Write` themselves: no
//!   `TokioIo` wrapper.
//!
//! The same on every backend:
//!
//! | | tokio | smol | async-std |
//! |---|---|---|---|
//! | `Executor` | `tokio::spawn` | the smol executor | `task::spawn` |
//! | `Timer` | tokio's timer (1 ms ticks) | async-io's timer | async-io's timer |
//! | `Read` | one copy per read (see below) | same | same |
//! | `Write` (vectored) | native | native (`writev`) | native (`writev`) |
//!
//! hyper's `ReadBufCursor` can be filled in place only through `unsafe`,
//! which anyloop forbids: a read goes through a per-thread buffer (zeroed
//! once, at most 64 KiB) and is copied into hyper's with its safe
//! `put_slice`. Nothing is zeroed per read.
//!
//! hyper versions: `>= 1.4, < 2` (tested with 1.12). anyloop needs hyper's
//! `rt` traits only (no hyper feature); enable hyper's `client`/`server` and
//! `http1`/`http2` in your own dependency on it.
//!
//! # Examples
//!
//! An HTTP/1.1 server and client on one connection, with the header-read
//! timeout running on anyloop's timer:
//!
//! ```
//! use std::time::Duration;
//! use anyloop::hyper::{Executor, Timer};
//! use anyloop::net::{TcpListener, TcpStream};
//! use http_body_util::{BodyExt, Empty, Full};
//! use hyper::body::{Bytes, Incoming};
//! use hyper::{Request, Response};
//!
//! async fn hello(_: Request<Incoming>) -> Result<Response<Full<Bytes>>, hyper::Error> {
//!     Ok(Response::new(Full::new(Bytes::from("hello"))))
//! }
//!
//! anyloop::run(async {
//!     let listener = TcpListener::bind("127.0.0.1:0").await?;
//!     let addr = listener.local_addr()?;
//!     let server = anyloop::spawn(async move {
//!         let (stream, _) = listener.accept().await?;
//!         hyper::server::conn::http1::Builder::new()
//!             .timer(Timer::new())
//!             .header_read_timeout(Duration::from_secs(5))
//!             .serve_connection(stream, hyper::service::service_fn(hello))
//!             .await
//!             .map_err(std::io::Error::other)
//!     });
//!
//!     let stream = TcpStream::connect(addr).await?;
//!     let (mut sender, conn) = hyper::client::conn::http1::handshake(stream).await?;
//!     let _conn = anyloop::spawn(conn);
//!     let request = Request::get("/").body(Empty::<Bytes>::new())?;
//!     let response = sender.send_request(request).await?;
//!     assert_eq!(response.status(), 200);
//!     assert_eq!(response.into_body().collect().await?.to_bytes(), "hello");
//!     drop(sender); // the connection ends, and the server with it
//!     server.await??;
//!     Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
//! })?;
//! # Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
//! ```
//!
//! HTTP/2 needs the [`Executor`] too, on both sides; see its example.

use std::cell::Cell;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use anyloop_core::time::TimerExt;
use anyloop_core::{Spawn, Timer as CoreTimer};

use crate::rt::Current;

/// Runs hyper's background futures (HTTP/2 streams, connection tasks) as
/// detached anyloop tasks: implements `hyper::rt::Executor<F>` for every
/// `F: Future + Send + 'static`.
///
/// `Executor::new()` spawns on the runtime that runs the code calling
/// `execute`, whichever backend it is; [`Executor::on`] on a chosen backend
/// (the static face: `Executor::on(anyloop::rt::Smol)`).
/// Outside any runtime, `Executor::new()` does what [`spawn`](crate::spawn)
/// does there (see [`Backend::current`](crate::Backend::current)).
///
/// # Examples
///
/// An HTTP/2 server and client (prior knowledge, no TLS), 10 requests at
/// once on one connection:
///
/// ```
/// use anyloop::hyper::{Executor, Timer};
/// use anyloop::net::{TcpListener, TcpStream};
/// use http_body_util::{BodyExt, Empty, Full};
/// use hyper::body::{Bytes, Incoming};
/// use hyper::{Request, Response};
///
/// async fn path(request: Request<Incoming>) -> Result<Response<Full<Bytes>>, hyper::Error> {
///     Ok(Response::new(Full::new(Bytes::from(request.uri().path().to_owned()))))
/// }
///
/// anyloop::run(async {
///     let listener = TcpListener::bind("127.0.0.1:0").await?;
///     let addr = listener.local_addr()?;
///     anyloop::spawn(async move {
///         let (stream, _) = listener.accept().await?;
///         hyper::server::conn::http2::Builder::new(Executor::new())
///             .timer(Timer::new())
///             .serve_connection(stream, hyper::service::service_fn(path))
///             .await
///             .map_err(std::io::Error::other)
///     });
///
///     let stream = TcpStream::connect(addr).await?;
///     let (sender, conn) = hyper::client::conn::http2::handshake(Executor::new(), stream).await?;
///     anyloop::spawn(conn);
///     let requests = (0..10).map(|n| {
///         let mut sender = sender.clone();
///         anyloop::spawn(async move {
///             let request = Request::get(format!("http://example/{n}")).body(Empty::<Bytes>::new())?;
///             let body = sender.send_request(request).await?.into_body().collect().await?;
///             Ok::<_, Box<dyn std::error::Error + Send + Sync>>(body.to_bytes())
///         })
///     });
///     for (n, request) in requests.collect::<Vec<_>>().into_iter().enumerate() {
///         assert_eq!(request.await??, format!("/{n}"));
///     }
///     Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
/// })?;
/// # Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
/// ```
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Executor<S = Current>(S);

impl Executor {
    /// An executor that spawns on the runtime running the caller of
    /// `execute`.
    ///
    /// # Examples
    ///
    /// ```
    /// use hyper::rt::Executor as _;
    ///
    /// anyloop::run(async {
    ///     let (tx, rx) = anyloop::sync::oneshot::channel();
    ///     anyloop::hyper::Executor::new().execute(async move { tx.send(7).unwrap() });
    ///     assert_eq!(rx.await.unwrap(), 7);
    /// });
    /// ```
    pub fn new() -> Executor {
        Executor(Current)
    }
}

impl<S: Spawn> Executor<S> {
    /// An executor that spawns with `spawner`: a backend handle
    /// (`anyloop::rt::Tokio`, `Smol`, `AsyncStd`) or any [`Spawn`].
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::rt::Spawn;
    /// use hyper::rt::Executor as _;
    ///
    /// async fn ran_on<S: Spawn>(spawner: S) -> Option<anyloop::Backend> {
    ///     let (tx, rx) = anyloop::sync::oneshot::channel();
    ///     anyloop::hyper::Executor::on(spawner).execute(async move {
    ///         tx.send(anyloop::Backend::current()).unwrap()
    ///     });
    ///     rx.await.unwrap()
    /// }
    ///
    /// # #[cfg(feature = "smol")] {
    /// let rt = anyloop::Runtime::builder().backend(anyloop::Backend::Smol).build()?;
    /// assert_eq!(rt.block_on(ran_on(anyloop::rt::Smol)), Some(anyloop::Backend::Smol));
    /// # }
    /// # Ok::<(), anyloop::BuildError>(())
    /// ```
    pub fn on(spawner: S) -> Executor<S> {
        Executor(spawner)
    }
}

impl<S, F> ::hyper::rt::Executor<F> for Executor<S>
where
    S: Spawn,
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    #[inline]
    fn execute(&self, future: F) {
        // Dropping the handle detaches the task, on every backend.
        drop(self.0.spawn(future));
    }
}

/// hyper's timer over anyloop's: implements `hyper::rt::Timer`.
///
/// Its sleeps are [`anyloop::time::Sleep`](crate::time::Sleep)s (with `T`
/// as their timer), boxed as hyper wants; `reset` finds them again through
/// hyper's downcast and moves their native timer to the new deadline. A
/// sleep of another type is replaced by a new one.
///
/// `Timer::new()` uses the timer of the runtime that polls each sleep;
/// [`Timer::on`] a chosen backend's.
///
/// # Examples
///
/// ```
/// use std::time::{Duration, Instant};
/// use hyper::rt::Timer as _;
///
/// anyloop::run(async {
///     let timer = anyloop::hyper::Timer::new();
///     let start = Instant::now();
///     let mut sleep = timer.sleep(Duration::from_secs(60));
///     // Moves the native timer: the sleep stays the same allocation.
///     timer.reset(&mut sleep, start + Duration::from_millis(5));
///     assert!(sleep.is::<anyloop::time::Sleep>());
///     sleep.await;
///     assert!(start.elapsed() >= Duration::from_millis(5));
/// });
/// ```
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Timer<T = Current>(T);

impl Timer {
    /// A timer on the runtime that polls each sleep.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use hyper::rt::Timer as _;
    ///
    /// anyloop::run(async {
    ///     anyloop::hyper::Timer::new().sleep(Duration::from_millis(1)).await;
    /// });
    /// ```
    pub fn new() -> Timer {
        Timer(Current)
    }
}

impl<T: CoreTimer + Clone + Send + Sync + 'static> Timer<T> {
    /// A timer on `timer`: a backend handle (`anyloop::rt::Tokio`, `Smol`,
    /// `AsyncStd`) or any [`Timer`](crate::rt::Timer).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use anyloop::rt::Timer;
    /// use hyper::rt::Timer as _;
    ///
    /// async fn nap<T: Timer + Clone + Send + Sync + 'static>(timer: T) {
    ///     let sleep = anyloop::hyper::Timer::on(timer).sleep(Duration::from_millis(1));
    ///     assert!(sleep.is::<anyloop::time::Sleep<T>>());
    ///     sleep.await;
    /// }
    ///
    /// # #[cfg(feature = "smol")] {
    /// let rt = anyloop::Runtime::builder().backend(anyloop::Backend::Smol).build()?;
    /// rt.block_on(nap(anyloop::rt::Smol));
    /// # }
    /// # Ok::<(), anyloop::BuildError>(())
    /// ```
    pub fn on(timer: T) -> Timer<T> {
        Timer(timer)
    }
}

impl<T: CoreTimer + Clone + Send + Sync + 'static> ::hyper::rt::Timer for Timer<T> {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn ::hyper::rt::Sleep>> {
        Box::pin(self.0.sleep(duration))
    }

    fn sleep_until(&self, deadline: Instant) -> Pin<Box<dyn ::hyper::rt::Sleep>> {
        Box::pin(self.0.sleep_until(deadline.into()))
    }

    fn reset(&self, sleep: &mut Pin<Box<dyn ::hyper::rt::Sleep>>, new_deadline: Instant) {
        match sleep
            .as_mut()
            .downcast_mut_pin::<anyloop_core::time::Sleep<T>>()
        {
            Some(ours) => ours.reset(new_deadline.into()),
            None => *sleep = self.sleep_until(new_deadline),
        }
    }
}

/// The largest read through the per-thread buffer.
const SCRATCH_MAX: usize = 64 * 1024;

thread_local! {
    // Zeroed once as it grows, then reused by every read on the thread.
    static SCRATCH: Cell<Vec<u8>> = const { Cell::new(Vec::new()) };
}

/// hyper's `poll_read` over futures-io's: reads into the thread's buffer
/// and copies what came into hyper's (see the module docs).
pub(crate) fn poll_read<R: futures_io::AsyncRead + ?Sized>(
    reader: Pin<&mut R>,
    cx: &mut Context<'_>,
    mut buf: ::hyper::rt::ReadBufCursor<'_>,
) -> Poll<io::Result<()>> {
    let want = buf.remaining().min(SCRATCH_MAX);
    if want == 0 {
        return Poll::Ready(Ok(()));
    }
    // Taken, not borrowed: a read that re-enters (or unwinds) only costs a
    // fresh buffer.
    let mut scratch = SCRATCH.take();
    if scratch.len() < want {
        scratch.resize(want, 0);
    }
    let polled = reader.poll_read(cx, &mut scratch[..want]);
    if let Poll::Ready(Ok(n)) = polled {
        buf.put_slice(&scratch[..n]);
    }
    SCRATCH.set(scratch);
    polled.map_ok(drop)
}
