//! tokio's signal handling: Ctrl-C.
//!
//! Applications normally use `anyloop::signal`, which dispatches to this
//! module under tokio.

use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A future that completes on the next Ctrl-C (`SIGINT` on Unix, a console
/// Ctrl-C on Windows) after it was made by [`CtrlC::new`].
///
/// The handler is registered by `new`, so a signal that arrives between
/// `new` and the first poll is not lost. Once registered, tokio's handler
/// stays for the life of the process: `SIGINT` no longer terminates it.
///
/// # Examples
///
/// ```
/// use anyloop::rt::BlockOn;
///
/// let rt = anyloop_tokio::Runtime::current_thread()?;
/// rt.block_on(async {
///     let ctrl_c = anyloop_tokio::signal::CtrlC::new()?;
///     // ... `ctrl_c.await` waits for the user's Ctrl-C.
///     # drop(ctrl_c);
///     std::io::Result::Ok(())
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct CtrlC {
    #[cfg(unix)]
    inner: tokio::signal::unix::Signal,
    #[cfg(windows)]
    inner: tokio::signal::windows::CtrlC,
}

impl CtrlC {
    /// Registers the handler. Must be called inside a tokio runtime with
    /// its I/O driver enabled (it panics otherwise, as tokio does).
    ///
    /// # Errors
    ///
    /// The error of a failed registration.
    pub fn new() -> io::Result<CtrlC> {
        #[cfg(unix)]
        let inner = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?;
        #[cfg(windows)]
        let inner = tokio::signal::windows::ctrl_c()?;
        Ok(CtrlC { inner })
    }
}

impl Future for CtrlC {
    type Output = io::Result<()>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.inner.poll_recv(cx).map(|received| {
            received
                .ok_or_else(|| io::Error::other("the tokio runtime's signal driver has stopped"))
        })
    }
}

impl fmt::Debug for CtrlC {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CtrlC").finish_non_exhaustive()
    }
}
