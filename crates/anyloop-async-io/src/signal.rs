//! Ctrl-C for the smol and async-std backends: [async-signal].
//!
//! async-signal registers its handler through `signal-hook-registry` (the
//! registry tokio uses too) and delivers signals through a pipe watched by
//! async-io, so it works from any thread.
//!
//! Applications normally use `anyloop::signal`, which dispatches to this
//! module under smol and async-std.
//!
//! [async-signal]: https://docs.rs/async-signal

use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use async_signal::{Signal, Signals};
use futures_lite::Stream;

/// A future that completes on the next `SIGINT` (a console Ctrl-C on
/// Windows) after it was made by [`CtrlC::new`].
///
/// The handler is registered by `new`, so a signal that arrives between
/// `new` and the first poll is not lost. While a `CtrlC` lives, `SIGINT`
/// does not terminate the process; once the signal has been registered
/// through `signal-hook-registry` it never does again (the registry keeps
/// its handler installed, as tokio's does).
///
/// # Examples
///
/// ```
/// smol::block_on(async {
///     let ctrl_c = anyloop_async_io::signal::CtrlC::new()?;
///     // ... `ctrl_c.await` waits for the user's Ctrl-C.
///     # drop(ctrl_c);
///     std::io::Result::Ok(())
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct CtrlC(Signals);

impl CtrlC {
    /// Registers the handler.
    ///
    /// # Errors
    ///
    /// The error of a failed registration.
    pub fn new() -> io::Result<CtrlC> {
        Signals::new([Signal::Int]).map(CtrlC)
    }
}

impl Future for CtrlC {
    type Output = io::Result<()>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0)
            .poll_next(cx)
            .map(|signal| match signal {
                Some(received) => received.map(drop),
                None => Err(io::Error::other("the signal stream has ended")),
            })
    }
}

impl fmt::Debug for CtrlC {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CtrlC").field(&self.0).finish()
    }
}
