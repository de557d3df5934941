//! The static face: runtime-generic code over [`Runtime`].
//!
//! A library that wants no dispatch at all writes its functions generic over
//! `R: Runtime` and lets the application pass a backend handle: [`Tokio`],
//! [`Smol`], [`AsyncStd`] (each a zero-sized type whose methods are the
//! runtime's native calls), or [`Current`], the runtime running the caller,
//! which is what the ambient API uses.
//!
//! # Examples
//!
//! ```
//! use std::time::Duration;
//! use anyloop::rt::{Current, Runtime, Spawn, TimerExt};
//!
//! async fn ping<R: Runtime>(rt: &R) -> &'static str {
//!     rt.sleep(Duration::from_millis(1)).await;
//!     rt.spawn(async { "pong" }).await.unwrap()
//! }
//!
//! // With the backend chosen by the application...
//! # #[cfg(feature = "tokio")]
//! assert_eq!(anyloop::run(ping(&anyloop::rt::Tokio)), "pong");
//! // ...or with whichever runtime runs the caller.
//! assert_eq!(anyloop::run(ping(&Current)), "pong");
//! ```

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

#[cfg(feature = "async-std")]
pub use anyloop_async_std::AsyncStd;
use anyloop_core::dyn_rt as dyn_core;
pub use anyloop_core::dyn_rt::DynRuntime;
use anyloop_core::mark::{self, Mark};
pub use anyloop_core::net::Net;
use anyloop_core::time::clock::{self, Clocked};
pub use anyloop_core::{BlockOn, Runtime, Spawn, Timer, TimerExt};

/// The dyn face's types: [`DynRuntime`]'s join handle, timer and sockets,
/// and the dyn runtime in context.
pub mod dyn_rt {
    pub use anyloop_core::dyn_rt::*;
}

/// The socket traits of the static face, which every backend's socket types
/// (and the ambient ones of [`crate::net`]) implement.
pub mod net {
    pub use anyloop_core::net::{TcpListener, TcpStream, UdpSocket};
    #[cfg(unix)]
    pub use anyloop_core::net::{UnixDatagram, UnixListener, UnixStream};
}
#[cfg(feature = "smol")]
pub use anyloop_smol::Smol;
#[cfg(feature = "tokio")]
pub use anyloop_tokio::Tokio;

use crate::Backend;
use crate::task::JoinHandle;

/// The runtime that runs the caller, whichever it is (see
/// [`Backend::current`]).
///
/// Each call looks up the running runtime and goes to its backend, through a
/// `match` over the compiled-in backends (a direct call when only one is
/// compiled in).
///
/// # Panics
///
/// Spawning or sleeping outside any runtime panics when the `smol` feature
/// (which falls back to smol's global executor) is not enabled. Check
/// [`Backend::current`] first to avoid it.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Current;

#[cold]
#[track_caller]
pub(crate) fn no_runtime() -> ! {
    panic!(
        "anyloop: no runtime runs this thread. Start one with `anyloop::run`, \
         `#[anyloop::main]` or `anyloop::Runtime::block_on` (or the backend's own), \
         or enable anyloop's `smol` feature to fall back to smol's global executor"
    )
}

/// The plug-in runtime `name` that runs the caller (see
/// [`crate::Runtime::from_dyn`]).
#[cold]
#[track_caller]
pub(crate) fn plugin(name: crate::PluginName) -> std::sync::Arc<dyn DynRuntime> {
    dyn_core::current().unwrap_or_else(|| {
        panic!("anyloop: the plug-in runtime `{name}` is not in context on this thread")
    })
}

/// What the plug-in runtime `name` cannot do (see [`crate::Runtime::from_dyn`]).
#[cold]
#[track_caller]
#[allow(dead_code)]
pub(crate) fn unsupported_on_plugin(name: crate::PluginName, what: &str) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::Unsupported,
        format!(
            "anyloop: {what} is not available on the plug-in runtime `{name}` with only \
             the tokio backend compiled in (enable the smol or async-std feature)"
        ),
    )
}

#[inline]
#[track_caller]
pub(crate) fn current_backend() -> Backend {
    match Backend::current() {
        Some(backend) => backend,
        None => no_runtime(),
    }
}

/// The mark of `backend` (see [`anyloop_core::mark`]): async code (a task or
/// a `block_on`) or a blocking closure.
#[inline(always)]
pub(crate) fn mark_of(backend: Backend, is_async: bool) -> Mark {
    let (kind, plugin) = match backend {
        #[cfg(feature = "tokio")]
        Backend::Tokio => (Mark::TOKIO, 0),
        #[cfg(feature = "smol")]
        Backend::Smol => (Mark::SMOL, 0),
        #[cfg(feature = "async-std")]
        Backend::AsyncStd => (Mark::ASYNC_STD, 0),
        Backend::Custom(name) => (Mark::PLUGIN, name.index()),
    };
    Mark::new(kind, plugin, is_async)
}

/// The backend of a thread's mark; `None` for an unmarked thread (or the
/// mark of a backend not compiled in, which no code sets).
#[inline(always)]
fn backend_of(mark: Mark) -> Option<Backend> {
    match mark.kind() {
        #[cfg(feature = "tokio")]
        Mark::TOKIO => Some(Backend::Tokio),
        #[cfg(feature = "smol")]
        Mark::SMOL => Some(Backend::Smol),
        #[cfg(feature = "async-std")]
        Mark::ASYNC_STD => Some(Backend::AsyncStd),
        Mark::PLUGIN => Some(Backend::Custom(crate::PluginName::from_index(
            mark.plugin(),
        ))),
        _ => None,
    }
}

/// The backend that anyloop is running on this thread, if any: the first,
/// cheapest answer of `Backend::current`, one thread-local read.
#[inline]
pub(crate) fn polling() -> Option<Backend> {
    backend_of(mark::get())
}

/// Returns `true` inside async code that anyloop runs (not in a blocking
/// closure), where blocking the thread would stall the runtime.
pub(crate) fn in_async_code() -> bool {
    let mark = mark::get();
    mark != Mark::NONE && mark.is_async()
}

/// Returns `true` inside a blocking closure that anyloop runs.
pub(crate) fn in_blocking_code() -> bool {
    let mark = mark::get();
    mark != Mark::NONE && !mark.is_async()
}

/// Marks the thread with a backend until dropped (also on unwind).
pub(crate) struct Polling {
    _enter: mark::Enter,
}

impl Polling {
    #[inline]
    pub(crate) fn enter(backend: Backend, is_async: bool) -> Polling {
        Polling {
            _enter: mark::Enter::new(mark_of(backend, is_async)),
        }
    }
}

pin_project_lite::pin_project! {
    /// A future that marks the thread with its backend while it is polled.
    ///
    /// Check, then set: on a thread that already carries the mark (the
    /// threads of the runtimes that anyloop's backends start, inside their
    /// `block_on`, and inside another task of the same backend) the future
    /// is polled directly; elsewhere an out-of-line poll sets the mark and
    /// restores it afterwards, also on unwind.
    pub(crate) struct Tagged<F> {
        mark: Mark,
        #[pin]
        future: F,
    }
}

impl<F> Tagged<F> {
    /// `future`, marked with `backend` as async code.
    #[inline(always)]
    pub(crate) fn new(backend: Backend, future: F) -> Tagged<F> {
        Tagged {
            mark: mark_of(backend, true),
            future,
        }
    }
}

impl<F: Future> Future for Tagged<F> {
    type Output = F::Output;

    #[inline(always)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        if mark::get() == *this.mark {
            this.future.poll(cx)
        } else {
            poll_marked(*this.mark, this.future, cx)
        }
    }
}

pin_project_lite::pin_project! {
    /// [`Tagged`] for a pool whose threads are never marked (async-std's):
    /// sets the mark around every poll, inlined, without checking first.
    pub(crate) struct AlwaysTagged<F> {
        mark: Mark,
        #[pin]
        future: F,
    }
}

impl<F: Future> Future for AlwaysTagged<F> {
    type Output = F::Output;

    #[inline(always)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let _enter = mark::Enter::new(*this.mark);
        this.future.poll(cx)
    }
}

/// Polls `future` with the thread marked `mark`, then restores the mark.
#[cold]
#[inline(never)]
fn poll_marked<F: Future>(
    mark: Mark,
    future: Pin<&mut F>,
    cx: &mut Context<'_>,
) -> Poll<F::Output> {
    let _enter = mark::Enter::new(mark);
    future.poll(cx)
}

impl Spawn for Current {
    type JoinHandle<T: Send + 'static> = JoinHandle<T>;

    #[inline(always)]
    #[track_caller]
    fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let mut mark = mark::get();
        if mark == Mark::NONE {
            mark = looked_up();
        }
        spawn_on(mark, future)
    }

    #[inline]
    #[track_caller]
    fn spawn_blocking<F, T>(&self, f: F) -> JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let backend = current_backend();
        #[cfg(feature = "tracing")]
        let span = tracing::Span::current();
        // Counted from now, so that a paused clock waits for the closure.
        let clock = clock::active().map(|clock| (clock.blocking(), clock));
        let f = move || {
            let _polling = Polling::enter(backend, false);
            #[cfg(feature = "tracing")]
            let _span = span.enter();
            match clock {
                Some((_running, clock)) => clock::enter(clock, f),
                None => f(),
            }
        };
        match backend {
            #[cfg(feature = "tokio")]
            Backend::Tokio => JoinHandle::from(Tokio.spawn_blocking(f)),
            #[cfg(feature = "smol")]
            Backend::Smol => JoinHandle::from(Smol.spawn_blocking(f)),
            #[cfg(feature = "async-std")]
            Backend::AsyncStd => JoinHandle::from(AsyncStd.spawn_blocking(f)),
            Backend::Custom(name) => JoinHandle::from(plugin(name).spawn_blocking(f)),
        }
    }
}

/// Spawns `future` on the backend of the thread's mark `mark`.
///
/// Inlined, each built-in arm writes its handle straight into the caller's
/// place for it (an `.await`'s state, say) as scalars. That holds only while
/// no out-of-line call is handed that place to return a `JoinHandle` into:
/// a call that may write it makes it memory that every arm builds field by
/// field and that is then copied out in 16-byte pieces, each spanning two
/// of those stores, which the CPU cannot forward (≈ 15 ns per spawn on this
/// project's machine, for 10 instructions). So the cold paths return a
/// `Mark`, a 16-byte `DynJoinHandle` (in registers) or a `Box`.
#[inline(always)]
#[track_caller]
fn spawn_on<F>(mark: Mark, future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    // A task is async code, whatever spawns it.
    let mark = mark.to_async();
    #[cfg(feature = "tracing")]
    let future = tracing::Instrument::in_current_span(future);
    // One relaxed load when no clock of the process was ever paused.
    if let Some(clock) = clock::active() {
        return *spawn_clocked(mark, Clocked::spawned(clock, Tagged { mark, future }));
    }
    match mark.kind() {
        #[cfg(feature = "tokio")]
        Mark::TOKIO => JoinHandle::from(Tokio.spawn(Tagged { mark, future })),
        // The threads of anyloop-smol's runtimes carry the mark: only a
        // task of smol's global executor is tagged.
        #[cfg(feature = "smol")]
        Mark::SMOL => JoinHandle::from(anyloop_smol::spawn_marked(future, move |future| Tagged {
            mark,
            future,
        })),
        // async-std's pool threads are its own, never marked.
        #[cfg(feature = "async-std")]
        Mark::ASYNC_STD => JoinHandle::from(AsyncStd.spawn(AlwaysTagged { mark, future })),
        Mark::PLUGIN => JoinHandle::from(spawn_plugin(mark, future)),
        _ => *spawn_not_compiled_in(future),
    }
}

/// The mark of the backend that runs a thread that anyloop does not mark:
/// the rest of `Backend::current`'s checks, out of line.
#[cold]
#[inline(never)]
#[track_caller]
fn looked_up() -> Mark {
    mark_of(current_backend(), true)
}

/// Spawns a task on the plug-in runtime of `mark`: out of line, so that the
/// built-in backends' spawn stays small.
#[cold]
#[inline(never)]
#[track_caller]
fn spawn_plugin<F>(mark: Mark, future: F) -> dyn_core::DynJoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let name = crate::PluginName::from_index(mark.plugin());
    plugin(name).spawn(Tagged { mark, future })
}

/// Spawns from a thread that carries the mark of a backend that this build
/// of anyloop does not compile in (its backend crate's runtime, used
/// directly, marks its threads all the same): its backend is looked up as
/// on an unmarked thread.
#[cold]
#[inline(never)]
#[track_caller]
fn spawn_not_compiled_in<F>(future: F) -> Box<JoinHandle<F::Output>>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let backend = current_backend();
    let mark = mark_of(backend, true);
    Box::new(match backend {
        #[cfg(feature = "tokio")]
        Backend::Tokio => JoinHandle::from(Tokio.spawn(Tagged { mark, future })),
        #[cfg(feature = "smol")]
        Backend::Smol => JoinHandle::from(Smol.spawn(Tagged { mark, future })),
        #[cfg(feature = "async-std")]
        Backend::AsyncStd => JoinHandle::from(AsyncStd.spawn(AlwaysTagged { mark, future })),
        Backend::Custom(name) => JoinHandle::from(plugin(name).spawn(Tagged { mark, future })),
    })
}

/// Spawns a task of a runtime whose clock has been paused.
#[cold]
#[inline(never)]
fn spawn_clocked<F>(mark: Mark, future: Clocked<F>) -> Box<JoinHandle<F::Output>>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let Some(backend) = backend_of(mark) else {
        no_runtime()
    };
    Box::new(match backend {
        #[cfg(feature = "tokio")]
        Backend::Tokio => JoinHandle::from(Tokio.spawn(future)),
        #[cfg(feature = "smol")]
        Backend::Smol => JoinHandle::from(Smol.spawn(future)),
        #[cfg(feature = "async-std")]
        Backend::AsyncStd => JoinHandle::from(AsyncStd.spawn(future)),
        Backend::Custom(name) => JoinHandle::from(plugin(name).spawn(future)),
    })
}

/// The native timer of the runtime that created it: the [`Timer::Delay`] of
/// [`Current`]. Use [`Sleep`](crate::time::Sleep), which wraps it.
#[derive(Debug)]
pub struct CurrentDelay {
    inner: Delay,
}

// tokio's timer is boxed to make the enum `Unpin`: it is only created for a
// sleep that really waits, which then lasts a millisecond or more.
#[derive(Debug)]
enum Delay {
    #[cfg(feature = "tokio")]
    Tokio(Pin<Box<<Tokio as Timer>::Delay>>),
    #[cfg(feature = "smol")]
    Smol(<Smol as Timer>::Delay),
    #[cfg(feature = "async-std")]
    AsyncStd(<AsyncStd as Timer>::Delay),
    Dyn(dyn_core::DynDelay),
}

impl Future for CurrentDelay {
    type Output = ();

    #[inline]
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match &mut self.inner {
            #[cfg(feature = "tokio")]
            Delay::Tokio(delay) => delay.as_mut().poll(cx),
            #[cfg(feature = "smol")]
            Delay::Smol(delay) => Pin::new(delay).poll(cx).map(drop),
            #[cfg(feature = "async-std")]
            Delay::AsyncStd(delay) => Pin::new(delay).poll(cx).map(drop),
            Delay::Dyn(delay) => Pin::new(delay).poll(cx),
        }
    }
}

impl Timer for Current {
    type Delay = CurrentDelay;

    #[inline]
    #[track_caller]
    fn delay_until(&self, deadline: Instant) -> CurrentDelay {
        let inner = match current_backend() {
            #[cfg(feature = "tokio")]
            Backend::Tokio => Delay::Tokio(Box::pin(Tokio.delay_until(deadline))),
            #[cfg(feature = "smol")]
            Backend::Smol => Delay::Smol(Smol.delay_until(deadline)),
            #[cfg(feature = "async-std")]
            Backend::AsyncStd => Delay::AsyncStd(AsyncStd.delay_until(deadline)),
            Backend::Custom(name) => Delay::Dyn(Timer::delay_until(&plugin(name), deadline)),
        };
        CurrentDelay { inner }
    }

    #[inline]
    fn reset(&self, delay: Pin<&mut CurrentDelay>, deadline: Instant) {
        match &mut delay.get_mut().inner {
            #[cfg(feature = "tokio")]
            Delay::Tokio(delay) => Tokio.reset(delay.as_mut(), deadline),
            #[cfg(feature = "smol")]
            Delay::Smol(delay) => Smol.reset(Pin::new(delay), deadline),
            #[cfg(feature = "async-std")]
            Delay::AsyncStd(delay) => AsyncStd.reset(Pin::new(delay), deadline),
            Delay::Dyn(delay) => delay.reset(deadline),
        }
    }
}
