//! Signals on the runtime that runs the caller: Ctrl-C.
//!
//! Under tokio this is `tokio::signal`; under smol and async-std, smol's
//! [async-signal](https://docs.rs/async-signal). Both register their handler
//! through `signal-hook-registry`, so the two can coexist in one process,
//! and both keep the handler installed once it is registered: after the
//! first [`ctrl_c`], `SIGINT` no longer terminates the process, on every
//! backend. An application that wants Ctrl-C to still stop it should exit
//! when the future completes.
//!
//! # Examples
//!
//! Shut down on Ctrl-C (the example sends `SIGINT` to itself):
//!
//! ```
//! use std::time::Duration;
//!
//! # #[cfg(unix)]
//! anyloop::run(async {
//!     let ctrl_c = anyloop::signal::ctrl_c(); // registered from here on
//!     # std::process::Command::new("kill").args(["-INT", &std::process::id().to_string()]).status()?;
//!     anyloop::time::timeout(Duration::from_secs(10), ctrl_c).await??;
//!     println!("shutting down");
//!     Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
//! })?;
//! # Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
//! ```

use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::fs::checked;

/// Completes on the next Ctrl-C: `SIGINT` on Unix, a console Ctrl-C on
/// Windows.
///
/// The handler is registered **when `ctrl_c()` is called**, on the runtime
/// that runs the caller: a signal that arrives after the call, even before
/// the future is first polled, completes it. A failed registration is the
/// future's `io::Error`, and so is `Unsupported` on a plug-in runtime when
/// only the tokio backend is compiled in.
///
/// # Panics
///
/// Outside any runtime, as the rest of the ambient API (see
/// [`rt::Current`](crate::rt::Current)).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// # #[cfg(unix)]
/// anyloop::run(async {
///     let ctrl_c = anyloop::signal::ctrl_c();
///     // Sent to ourselves here; a user's Ctrl-C works the same.
///     std::process::Command::new("kill")
///         .args(["-INT", &std::process::id().to_string()])
///         .status()?;
///     anyloop::time::timeout(Duration::from_secs(10), ctrl_c).await??;
///     Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
/// })?;
/// # Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
/// ```
pub fn ctrl_c() -> CtrlC {
    let inner = crate::fs::on_backend!("anyloop::signal", m => {
        m::signal::CtrlC::new().map(CtrlCInner::from)
    });
    CtrlC(inner.map_err(Some))
}

/// The future of [`ctrl_c`]: `io::Result<()>`, `Unpin`.
///
/// Polled again after it completed, it waits for the next Ctrl-C.
///
/// # Examples
///
/// Waiting for Ctrl-C in a task of its own:
///
/// ```
/// use std::time::Duration;
///
/// # #[cfg(unix)]
/// anyloop::run(async {
///     let ctrl_c: anyloop::signal::CtrlC = anyloop::signal::ctrl_c();
///     let watcher = anyloop::spawn(ctrl_c);
///     # std::process::Command::new("kill").args(["-INT", &std::process::id().to_string()]).status()?;
///     anyloop::time::timeout(Duration::from_secs(10), watcher).await???;
///     Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
/// })?;
/// # Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
/// ```
#[must_use = "futures do nothing unless awaited"]
pub struct CtrlC(Result<CtrlCInner, Option<io::Error>>);

enum CtrlCInner {
    #[cfg(feature = "tokio")]
    Tokio(anyloop_tokio::signal::CtrlC),
    #[cfg(any(feature = "smol", feature = "async-std"))]
    AsyncIo(anyloop_async_io::signal::CtrlC),
}

#[cfg(feature = "tokio")]
impl From<anyloop_tokio::signal::CtrlC> for CtrlCInner {
    fn from(ctrl_c: anyloop_tokio::signal::CtrlC) -> Self {
        CtrlCInner::Tokio(ctrl_c)
    }
}

#[cfg(any(feature = "smol", feature = "async-std"))]
impl From<anyloop_async_io::signal::CtrlC> for CtrlCInner {
    fn from(ctrl_c: anyloop_async_io::signal::CtrlC) -> Self {
        CtrlCInner::AsyncIo(ctrl_c)
    }
}

impl Future for CtrlC {
    type Output = io::Result<()>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match &mut self.get_mut().0 {
            Ok(inner) => {
                checked!(CtrlCInner, "a Ctrl-C handler registered", inner, c => Pin::new(c).poll(cx))
            }
            Err(err) => Poll::Ready(Err(err.take().unwrap_or_else(|| {
                io::Error::other("the Ctrl-C handler could not be registered")
            }))),
        }
    }
}

impl fmt::Debug for CtrlC {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("CtrlC");
        match &self.0 {
            Ok(inner) => debug.field(
                "inner",
                crate::net::on!(CtrlCInner, inner, c => c as &dyn fmt::Debug),
            ),
            Err(err) => debug.field("error", err),
        };
        debug.finish()
    }
}
