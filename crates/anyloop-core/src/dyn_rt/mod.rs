//! The dyn face: a runtime as a value, [`DynRuntime`], stored and passed as
//! `Arc<dyn DynRuntime>`.
//!
//! [`DynRuntime`] is the object-safe form of [`Runtime`]: every method
//! takes and returns boxed or erased values, so a library can keep "the
//! runtime" in a struct field without a type parameter, and an application
//! can hand it a runtime of its own. Two impls join it to the static face:
//!
//! - every `R: Runtime` is a `DynRuntime` (a blanket impl), so
//!   `Arc::new(anyloop::rt::Smol)` is an `Arc<dyn DynRuntime>`;
//! - `Arc<dyn DynRuntime>` is a [`Runtime`] again ([`Spawn`], [`Timer`],
//!   [`Net`](crate::net::Net)), so runtime-generic code and the conformance
//!   kit run on it unchanged.
//!
//! What it costs, beside a static call: the task's future and its output
//! share one allocation, and the backend's join handle is boxed (its type
//! is the backend's); a timer is boxed when it is created (only for a sleep
//! that really waits); socket calls go through one virtual call, and the
//! futures of their async methods are boxed.
//!
//! Sockets made from `std` ones (`from_std`) and Unix pairs have no runtime
//! argument: they are made by the dyn runtime *in context*, which is the one
//! whose task (spawned through `Arc<dyn DynRuntime>`) or blocking closure
//! runs the caller, or the one [`enter`]ed. Without one they are an
//! [`io::ErrorKind::Unsupported`] error.
//!
//! # Examples
//!
//! A library type that holds the runtime without being generic:
//!
//! ```
//! use std::sync::Arc;
//! use std::time::Duration;
//! use anyloop::rt::{DynRuntime, Spawn, TimerExt};
//!
//! struct Client {
//!     rt: Arc<dyn DynRuntime>,
//! }
//!
//! impl Client {
//!     async fn ping(&self) -> &'static str {
//!         self.rt.sleep(Duration::from_millis(1)).await;
//!         self.rt.spawn(async { "pong" }).await.unwrap()
//!     }
//! }
//!
//! let client = Client { rt: Arc::new(anyloop::rt::Smol) };
//! assert_eq!(anyloop::run(client.ping()), "pong");
//! ```

use std::any::Any;
use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::io;
use std::marker::PhantomData;
use std::net::SocketAddr;
#[cfg(unix)]
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::Instant;

use crate::task::{JoinError, TaskHandle};
use crate::{Runtime, Spawn, Timer};

mod net;

pub use net::{DynReadHalf, DynTcpListener, DynTcpStream, DynUdpSocket, DynWriteHalf};
#[cfg(unix)]
pub use net::{DynUnixDatagram, DynUnixListener, DynUnixStream};

/// A boxed `Send` future, as the methods of [`DynRuntime`] return them.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The object-safe face of a runtime: spawning, blocking work, a timer and
/// sockets, through boxed and erased values.
///
/// Implemented for every [`Runtime`]; use it as `Arc<dyn DynRuntime>`,
/// which implements [`Runtime`] again. Its methods are the building blocks
/// of that impl; call the static traits' methods instead
/// (`rt.spawn(future)`, `rt.sleep(d)`, `rt.bind_tcp(addr)`).
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use anyloop::rt::{DynRuntime, Spawn};
///
/// let runtimes: Vec<Arc<dyn DynRuntime>> = vec![Arc::new(anyloop::rt::Smol)];
/// for rt in runtimes {
///     assert_eq!(anyloop::run(rt.spawn(async { 1 + 1 })).unwrap(), 2);
/// }
/// ```
pub trait DynRuntime: Send + Sync + 'static {
    /// Spawns `task` (see [`Spawn::spawn`]).
    fn spawn_task(&self, task: Task) -> RawJoinHandle;

    /// The [`TypeId`](std::any::TypeId) of the runtime type behind the
    /// object: `TypeId::of::<R>()` for the blanket impl of `R`.
    fn runtime_type(&self) -> std::any::TypeId;

    /// Runs `task` on the blocking pool (see [`Spawn::spawn_blocking`]).
    fn spawn_blocking_task(&self, task: BlockingTask) -> RawJoinHandle;

    /// A native timer that completes at or after `deadline` (see
    /// [`Timer::delay_until`]).
    fn dyn_delay_until(&self, deadline: Instant) -> DynDelay;

    /// Binds a TCP listener.
    fn dyn_bind_tcp(&self, addr: SocketAddr) -> io::Result<DynTcpListener>;

    /// Connects to `addr`.
    fn dyn_connect_tcp(&self, addr: SocketAddr) -> BoxFuture<'static, io::Result<DynTcpStream>>;

    /// Connects a not yet connected TCP socket to `addr`.
    fn dyn_connect_tcp_socket(
        &self,
        socket: std::net::TcpStream,
        addr: SocketAddr,
    ) -> BoxFuture<'static, io::Result<DynTcpStream>>;

    /// Binds a UDP socket.
    fn dyn_bind_udp(&self, addr: SocketAddr) -> io::Result<DynUdpSocket>;

    /// Binds a Unix-domain listener.
    #[cfg(unix)]
    fn dyn_bind_unix(&self, path: &Path) -> io::Result<DynUnixListener>;

    /// Connects to a Unix-domain listener.
    #[cfg(unix)]
    fn dyn_connect_unix(&self, path: &Path) -> BoxFuture<'static, io::Result<DynUnixStream>>;

    /// Binds a Unix-domain datagram socket.
    #[cfg(unix)]
    fn dyn_bind_unix_datagram(&self, path: &Path) -> io::Result<DynUnixDatagram>;

    /// Wraps a bound `std` listener.
    fn tcp_listener_from_std(&self, listener: std::net::TcpListener) -> io::Result<DynTcpListener>;

    /// Wraps a connected `std` stream.
    fn tcp_stream_from_std(&self, stream: std::net::TcpStream) -> io::Result<DynTcpStream>;

    /// Wraps a bound `std` UDP socket.
    fn udp_socket_from_std(&self, socket: std::net::UdpSocket) -> io::Result<DynUdpSocket>;

    /// Wraps a bound `std` Unix-domain listener.
    #[cfg(unix)]
    fn unix_listener_from_std(
        &self,
        listener: std::os::unix::net::UnixListener,
    ) -> io::Result<DynUnixListener>;

    /// Wraps a connected `std` Unix-domain stream.
    #[cfg(unix)]
    fn unix_stream_from_std(
        &self,
        stream: std::os::unix::net::UnixStream,
    ) -> io::Result<DynUnixStream>;

    /// A connected pair of Unix-domain streams.
    #[cfg(unix)]
    fn unix_stream_pair(&self) -> io::Result<(DynUnixStream, DynUnixStream)>;

    /// Wraps a `std` Unix-domain datagram socket.
    #[cfg(unix)]
    fn unix_datagram_from_std(
        &self,
        socket: std::os::unix::net::UnixDatagram,
    ) -> io::Result<DynUnixDatagram>;

    /// A Unix-domain datagram socket bound to no address.
    #[cfg(unix)]
    fn unix_datagram_unbound(&self) -> io::Result<DynUnixDatagram>;

    /// A connected pair of Unix-domain datagram sockets.
    #[cfg(unix)]
    fn unix_datagram_pair(&self) -> io::Result<(DynUnixDatagram, DynUnixDatagram)>;
}

impl fmt::Debug for dyn DynRuntime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("dyn DynRuntime")
    }
}

impl<R: Runtime> DynRuntime for R {
    fn spawn_task(&self, task: Task) -> RawJoinHandle {
        RawJoinHandle::new(self.spawn(task))
    }

    fn runtime_type(&self) -> std::any::TypeId {
        std::any::TypeId::of::<R>()
    }

    fn spawn_blocking_task(&self, task: BlockingTask) -> RawJoinHandle {
        RawJoinHandle::new(self.spawn_blocking(task.0))
    }

    fn dyn_delay_until(&self, deadline: Instant) -> DynDelay {
        DynDelay(Box::pin(NativeDelay {
            timer: self.clone(),
            delay: Timer::delay_until(self, deadline),
        }))
    }

    fn dyn_bind_tcp(&self, addr: SocketAddr) -> io::Result<DynTcpListener> {
        crate::net::Net::bind_tcp(self, addr).map(DynTcpListener::new)
    }

    fn dyn_connect_tcp(&self, addr: SocketAddr) -> BoxFuture<'static, io::Result<DynTcpStream>> {
        let rt = self.clone();
        Box::pin(async move {
            crate::net::Net::connect_tcp(&rt, addr)
                .await
                .map(DynTcpStream::new)
        })
    }

    fn dyn_connect_tcp_socket(
        &self,
        socket: std::net::TcpStream,
        addr: SocketAddr,
    ) -> BoxFuture<'static, io::Result<DynTcpStream>> {
        let rt = self.clone();
        Box::pin(async move {
            crate::net::Net::connect_tcp_socket(&rt, socket, addr)
                .await
                .map(DynTcpStream::new)
        })
    }

    fn dyn_bind_udp(&self, addr: SocketAddr) -> io::Result<DynUdpSocket> {
        crate::net::Net::bind_udp(self, addr).map(DynUdpSocket::new)
    }

    #[cfg(unix)]
    fn dyn_bind_unix(&self, path: &Path) -> io::Result<DynUnixListener> {
        crate::net::Net::bind_unix(self, path).map(DynUnixListener::new)
    }

    #[cfg(unix)]
    fn dyn_connect_unix(&self, path: &Path) -> BoxFuture<'static, io::Result<DynUnixStream>> {
        let (rt, path) = (self.clone(), path.to_owned());
        Box::pin(async move {
            crate::net::Net::connect_unix(&rt, &path)
                .await
                .map(DynUnixStream::new)
        })
    }

    #[cfg(unix)]
    fn dyn_bind_unix_datagram(&self, path: &Path) -> io::Result<DynUnixDatagram> {
        crate::net::Net::bind_unix_datagram(self, path).map(DynUnixDatagram::new)
    }

    fn tcp_listener_from_std(&self, listener: std::net::TcpListener) -> io::Result<DynTcpListener> {
        <R::TcpListener as crate::net::TcpListener>::from_std(listener).map(DynTcpListener::new)
    }

    fn tcp_stream_from_std(&self, stream: std::net::TcpStream) -> io::Result<DynTcpStream> {
        <R::TcpStream as crate::net::TcpStream>::from_std(stream).map(DynTcpStream::new)
    }

    fn udp_socket_from_std(&self, socket: std::net::UdpSocket) -> io::Result<DynUdpSocket> {
        <R::UdpSocket as crate::net::UdpSocket>::from_std(socket).map(DynUdpSocket::new)
    }

    #[cfg(unix)]
    fn unix_listener_from_std(
        &self,
        listener: std::os::unix::net::UnixListener,
    ) -> io::Result<DynUnixListener> {
        <R::UnixListener as crate::net::UnixListener>::from_std(listener).map(DynUnixListener::new)
    }

    #[cfg(unix)]
    fn unix_stream_from_std(
        &self,
        stream: std::os::unix::net::UnixStream,
    ) -> io::Result<DynUnixStream> {
        <R::UnixStream as crate::net::UnixStream>::from_std(stream).map(DynUnixStream::new)
    }

    #[cfg(unix)]
    fn unix_stream_pair(&self) -> io::Result<(DynUnixStream, DynUnixStream)> {
        let (a, b) = <R::UnixStream as crate::net::UnixStream>::pair()?;
        Ok((DynUnixStream::new(a), DynUnixStream::new(b)))
    }

    #[cfg(unix)]
    fn unix_datagram_from_std(
        &self,
        socket: std::os::unix::net::UnixDatagram,
    ) -> io::Result<DynUnixDatagram> {
        <R::UnixDatagram as crate::net::UnixDatagram>::from_std(socket).map(DynUnixDatagram::new)
    }

    #[cfg(unix)]
    fn unix_datagram_unbound(&self) -> io::Result<DynUnixDatagram> {
        <R::UnixDatagram as crate::net::UnixDatagram>::unbound().map(DynUnixDatagram::new)
    }

    #[cfg(unix)]
    fn unix_datagram_pair(&self) -> io::Result<(DynUnixDatagram, DynUnixDatagram)> {
        let (a, b) = <R::UnixDatagram as crate::net::UnixDatagram>::pair()?;
        Ok((DynUnixDatagram::new(a), DynUnixDatagram::new(b)))
    }
}

// ---------------------------------------------------------------- context

thread_local! {
    static CONTEXT: RefCell<Option<Arc<dyn DynRuntime>>> = const { RefCell::new(None) };
}

/// Makes `rt` the dyn runtime in context on this thread until the guard is
/// dropped (see the [module docs](self)): what `from_std` and Unix `pair`
/// of the dyn socket types use outside the runtime's tasks.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use anyloop::rt::{DynRuntime, dyn_rt};
/// use anyloop::rt::net::TcpListener as _;
///
/// let rt: Arc<dyn DynRuntime> = Arc::new(anyloop::rt::Smol);
/// let _guard = dyn_rt::enter(&rt);
/// let std = std::net::TcpListener::bind("127.0.0.1:0")?;
/// let listener = dyn_rt::DynTcpListener::from_std(std)?;
/// assert_ne!(listener.local_addr()?.port(), 0);
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn enter(rt: &Arc<dyn DynRuntime>) -> EnterGuard {
    let previous = CONTEXT.with(|c| c.replace(Some(rt.clone())));
    EnterGuard {
        previous,
        _not_send: PhantomData,
    }
}

/// The dyn runtime in context on this thread, if any (see [`enter`]).
///
/// # Examples
///
/// ```
/// assert!(anyloop::rt::dyn_rt::current().is_none());
/// ```
pub fn current() -> Option<Arc<dyn DynRuntime>> {
    CONTEXT.with(|c| c.borrow().clone())
}

pub(crate) fn in_context<T>(f: impl FnOnce(&dyn DynRuntime) -> io::Result<T>) -> io::Result<T> {
    let rt = current().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::Unsupported,
            "no dyn runtime in context: call from a task spawned through \
             `Arc<dyn DynRuntime>`, or inside `anyloop::rt::dyn_rt::enter`",
        )
    })?;
    f(&*rt)
}

/// Restores the previous dyn runtime in context when dropped; made by
/// [`enter`].
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use anyloop::rt::{DynRuntime, dyn_rt};
///
/// let rt: Arc<dyn DynRuntime> = Arc::new(anyloop::rt::Smol);
/// let guard = dyn_rt::enter(&rt);
/// assert!(dyn_rt::current().is_some());
/// drop(guard);
/// assert!(dyn_rt::current().is_none());
/// ```
#[must_use = "the runtime leaves the context when the guard is dropped"]
pub struct EnterGuard {
    previous: Option<Arc<dyn DynRuntime>>,
    _not_send: PhantomData<*const ()>,
}

impl fmt::Debug for EnterGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnterGuard").finish_non_exhaustive()
    }
}

impl Drop for EnterGuard {
    fn drop(&mut self) {
        let previous = self.previous.take();
        // `try_with`: a guard dropped while the thread's locals are torn
        // down has nothing to restore.
        let _ = CONTEXT.try_with(|c| *c.borrow_mut() = previous);
    }
}

pin_project_lite::pin_project! {
    /// Polls `future` with `rt` in context.
    struct InContext<F> {
        rt: Arc<dyn DynRuntime>,
        #[pin]
        future: F,
    }
}

impl<F: Future> Future for InContext<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let _guard = enter(this.rt);
        this.future.poll(cx)
    }
}

// ---------------------------------------------------------------- tasks

/// A task's future and, once it completes, its output, in one allocation.
trait ErasedTask: Send {
    fn poll_task(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()>;
    /// Moves the output into `out`, an `&mut Option<T>`.
    fn take_output(self: Pin<&mut Self>, out: &mut dyn Any);
}

pin_project_lite::pin_project! {
    struct Slot<F: Future> {
        #[pin]
        future: Option<F>,
        output: Option<F::Output>,
    }
}

impl<F> ErasedTask for Slot<F>
where
    F: Future + Send,
    F::Output: Send + 'static,
{
    fn poll_task(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut this = self.project();
        if let Some(future) = this.future.as_mut().as_pin_mut() {
            let output = ready!(future.poll(cx));
            this.future.set(None);
            *this.output = Some(output);
        }
        Poll::Ready(())
    }

    fn take_output(self: Pin<&mut Self>, out: &mut dyn Any) {
        if let Some(out) = out.downcast_mut::<Option<F::Output>>() {
            *out = self.project().output.take();
        }
    }
}

/// A future erased for [`DynRuntime::spawn_task`]: its output is a
/// [`Finished`] task. Made by `Arc<dyn DynRuntime>`'s [`Spawn::spawn`].
///
/// # Examples
///
/// ```
/// use anyloop::rt::DynRuntime;
/// use anyloop::rt::dyn_rt::{DynJoinHandle, Task};
///
/// let raw = anyloop::rt::Smol.spawn_task(Task::new(async { 7 }));
/// let handle: DynJoinHandle<i32> = DynJoinHandle::new(raw);
/// assert_eq!(anyloop::run(handle).unwrap(), 7);
/// ```
pub struct Task(Option<Pin<Box<dyn ErasedTask>>>);

impl Task {
    /// Erases `future`; its output is read back by [`DynJoinHandle<T>`].
    pub fn new<F>(future: F) -> Self
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        Task(Some(Box::pin(Slot {
            future: Some(future),
            output: None,
        })))
    }
}

impl fmt::Debug for Task {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Task").finish_non_exhaustive()
    }
}

impl Future for Task {
    type Output = Finished;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Finished> {
        let task = self.0.as_mut().expect("`Task` polled after completion");
        ready!(task.as_mut().poll_task(cx));
        Poll::Ready(Finished(self.0.take().expect("checked above")))
    }
}

/// A completed [`Task`] or [`BlockingTask`], holding its output: what the
/// join handles of [`DynRuntime`] resolve to.
///
/// # Examples
///
/// ```
/// use anyloop::rt::dyn_rt::Task;
///
/// let finished = anyloop::run(Task::new(async { 7 }));
/// assert_eq!(finished.into_output::<i32>(), Some(7));
/// ```
pub struct Finished(Pin<Box<dyn ErasedTask>>);

impl Finished {
    /// The task's output, if it is a `T`.
    pub fn into_output<T: 'static>(mut self) -> Option<T> {
        let mut out: Option<T> = None;
        self.0.as_mut().take_output(&mut out);
        out
    }
}

impl fmt::Debug for Finished {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Finished").finish_non_exhaustive()
    }
}

/// A blocking closure erased for [`DynRuntime::spawn_blocking_task`].
///
/// # Examples
///
/// ```
/// use anyloop::rt::DynRuntime;
/// use anyloop::rt::dyn_rt::{BlockingTask, DynJoinHandle};
///
/// let raw = anyloop::rt::Smol.spawn_blocking_task(BlockingTask::new(|| 7));
/// assert_eq!(anyloop::run(DynJoinHandle::<i32>::new(raw)).unwrap(), 7);
/// ```
pub struct BlockingTask(Box<dyn FnOnce() -> Finished + Send>);

impl BlockingTask {
    /// Erases `f`.
    pub fn new<F, T>(f: F) -> Self
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        BlockingTask(Box::new(move || {
            Finished(Box::pin(Slot::<std::future::Ready<T>> {
                future: None,
                output: Some(f()),
            }))
        }))
    }

    /// Runs the closure.
    pub fn run(self) -> Finished {
        (self.0)()
    }
}

impl fmt::Debug for BlockingTask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockingTask").finish_non_exhaustive()
    }
}

trait ErasedJoinHandle: Send + Sync {
    fn poll_join(&mut self, cx: &mut Context<'_>) -> Poll<Result<Finished, JoinError>>;
    fn abort(&self);
    fn is_finished(&self) -> bool;
}

impl<H> ErasedJoinHandle for H
where
    H: TaskHandle + Future<Output = Result<Finished, JoinError>> + Send + Sync + Unpin,
{
    fn poll_join(&mut self, cx: &mut Context<'_>) -> Poll<Result<Finished, JoinError>> {
        Pin::new(self).poll(cx)
    }

    fn abort(&self) {
        TaskHandle::abort(self)
    }

    fn is_finished(&self) -> bool {
        TaskHandle::is_finished(self)
    }
}

/// A backend's join handle, boxed, whose output is a [`Finished`] task.
///
/// # Examples
///
/// ```
/// use anyloop::rt::Spawn;
/// use anyloop::rt::dyn_rt::{DynJoinHandle, RawJoinHandle, Task};
///
/// let raw = RawJoinHandle::new(anyloop::rt::Smol.spawn(Task::new(async { 7 })));
/// assert_eq!(anyloop::run(DynJoinHandle::<i32>::new(raw)).unwrap(), 7);
/// ```
pub struct RawJoinHandle(Box<dyn ErasedJoinHandle>);

impl RawJoinHandle {
    /// Boxes a backend's handle.
    pub fn new<H>(handle: H) -> Self
    where
        H: TaskHandle
            + Future<Output = Result<Finished, JoinError>>
            + Send
            + Sync
            + Unpin
            + 'static,
    {
        RawJoinHandle(Box::new(handle))
    }
}

impl fmt::Debug for RawJoinHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawJoinHandle").finish_non_exhaustive()
    }
}

/// The join handle of `Arc<dyn DynRuntime>`: the common semantics (drop
/// detaches, [`abort`](TaskHandle::abort), [`is_finished`](TaskHandle::is_finished),
/// a panic is a [`JoinError`]) of the backend's own handle.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use anyloop::rt::{DynRuntime, Spawn};
/// use anyloop::task::TaskHandle;
///
/// let rt: Arc<dyn DynRuntime> = Arc::new(anyloop::rt::Smol);
/// anyloop::run(async move {
///     let handle = rt.spawn(std::future::pending::<()>());
///     handle.abort();
///     assert!(handle.await.unwrap_err().is_cancelled());
/// });
/// ```
pub struct DynJoinHandle<T> {
    raw: RawJoinHandle,
    _output: PhantomData<fn() -> T>,
}

impl<T> DynJoinHandle<T> {
    /// The typed handle of a task whose output is a `T`.
    pub fn new(raw: RawJoinHandle) -> Self {
        DynJoinHandle {
            raw,
            _output: PhantomData,
        }
    }
}

impl<T> fmt::Debug for DynJoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DynJoinHandle").finish_non_exhaustive()
    }
}

impl<T: 'static> Future for DynJoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let finished = ready!(self.raw.0.poll_join(cx))?;
        Poll::Ready(Ok(finished
            .into_output()
            .expect("a `DynJoinHandle<T>` of a task whose output is not a `T`")))
    }
}

impl<T: 'static> TaskHandle for DynJoinHandle<T> {
    fn abort(&self) {
        self.raw.0.abort()
    }

    fn is_finished(&self) -> bool {
        self.raw.0.is_finished()
    }
}

// ---------------------------------------------------------------- timer

trait ErasedDelay: Future<Output = ()> + Send + Sync {
    fn reset(self: Pin<&mut Self>, deadline: Instant);
}

pin_project_lite::pin_project! {
    struct NativeDelay<T: Timer> {
        timer: T,
        #[pin]
        delay: T::Delay,
    }
}

impl<T: Timer> Future for NativeDelay<T> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.project().delay.poll(cx).map(drop)
    }
}

impl<T: Timer + Send + Sync> ErasedDelay for NativeDelay<T> {
    fn reset(self: Pin<&mut Self>, deadline: Instant) {
        let this = self.project();
        this.timer.reset(this.delay, deadline);
    }
}

/// A backend's native timer, boxed: the `Delay` of `Arc<dyn DynRuntime>`.
///
/// # Examples
///
/// ```
/// use std::time::{Duration, Instant};
/// use anyloop::rt::DynRuntime;
///
/// let deadline = Instant::now() + Duration::from_millis(1);
/// anyloop::run(anyloop::rt::Smol.dyn_delay_until(deadline));
/// assert!(Instant::now() >= deadline);
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct DynDelay(Pin<Box<dyn ErasedDelay>>);

impl DynDelay {
    /// Boxes `timer`'s native timer `delay`, reset through `timer`.
    pub fn new<T: Timer + Send + Sync + 'static>(timer: T, delay: T::Delay) -> Self {
        DynDelay(Box::pin(NativeDelay { timer, delay }))
    }

    /// Moves the timer to a new deadline.
    pub fn reset(&mut self, deadline: Instant) {
        self.0.as_mut().reset(deadline)
    }
}

impl fmt::Debug for DynDelay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DynDelay").finish_non_exhaustive()
    }
}

impl Future for DynDelay {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.0.as_mut().poll(cx)
    }
}

// ---------------------------------------------------------------- reverse

impl Spawn for Arc<dyn DynRuntime> {
    type JoinHandle<T: Send + 'static> = DynJoinHandle<T>;

    fn spawn<F>(&self, future: F) -> DynJoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let future = InContext {
            rt: self.clone(),
            future,
        };
        DynJoinHandle::new((**self).spawn_task(Task::new(future)))
    }

    fn spawn_blocking<F, T>(&self, f: F) -> DynJoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let rt = self.clone();
        let task = BlockingTask::new(move || {
            let _guard = enter(&rt);
            f()
        });
        DynJoinHandle::new((**self).spawn_blocking_task(task))
    }
}

// `Timer` and `Net` hold for any object lifetime (`DynRuntime: 'static`
// anyway): the compiler checks that a future holding a
// `Sleep<Arc<dyn DynRuntime>>` is `Send` for every lifetime of the object,
// and an impl for `'static` only fails that check.
impl<'a> Timer for Arc<dyn DynRuntime + 'a> {
    type Delay = DynDelay;

    fn delay_until(&self, deadline: Instant) -> DynDelay {
        (**self).dyn_delay_until(deadline)
    }

    fn reset(&self, delay: Pin<&mut DynDelay>, deadline: Instant) {
        delay.get_mut().reset(deadline)
    }
}

impl<'a> crate::net::Net for Arc<dyn DynRuntime + 'a> {
    type TcpListener = DynTcpListener;
    type TcpStream = DynTcpStream;
    type UdpSocket = DynUdpSocket;
    #[cfg(unix)]
    type UnixListener = DynUnixListener;
    #[cfg(unix)]
    type UnixStream = DynUnixStream;
    #[cfg(unix)]
    type UnixDatagram = DynUnixDatagram;

    fn bind_tcp(&self, addr: SocketAddr) -> io::Result<DynTcpListener> {
        (**self).dyn_bind_tcp(addr)
    }

    fn connect_tcp(
        &self,
        addr: SocketAddr,
    ) -> impl Future<Output = io::Result<DynTcpStream>> + Send {
        (**self).dyn_connect_tcp(addr)
    }

    fn connect_tcp_socket(
        &self,
        socket: std::net::TcpStream,
        addr: SocketAddr,
    ) -> impl Future<Output = io::Result<DynTcpStream>> + Send {
        (**self).dyn_connect_tcp_socket(socket, addr)
    }

    fn bind_udp(&self, addr: SocketAddr) -> io::Result<DynUdpSocket> {
        (**self).dyn_bind_udp(addr)
    }

    #[cfg(unix)]
    fn bind_unix(&self, path: &Path) -> io::Result<DynUnixListener> {
        (**self).dyn_bind_unix(path)
    }

    #[cfg(unix)]
    fn connect_unix(&self, path: &Path) -> impl Future<Output = io::Result<DynUnixStream>> + Send {
        (**self).dyn_connect_unix(path)
    }

    #[cfg(unix)]
    fn bind_unix_datagram(&self, path: &Path) -> io::Result<DynUnixDatagram> {
        (**self).dyn_bind_unix_datagram(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_traits<T: Send + Sync + Unpin + 'static>() {}

    #[test]
    fn erased_types_are_send_sync_unpin() {
        assert_traits::<DynJoinHandle<u32>>();
        assert_traits::<DynDelay>();
        assert_traits::<RawJoinHandle>();
        assert_traits::<Arc<dyn DynRuntime>>();
        fn is_runtime<R: Runtime>() {}
        is_runtime::<Arc<dyn DynRuntime>>();
    }
}
