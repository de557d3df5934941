//! Starting async-io's reactor at build time.

use std::future::Future;
use std::io;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::pin;
use std::sync::Mutex;
use std::task::{Context, Waker};
use std::time::Duration;

/// Starts async-io's reactor, which smol and async-std share, if it has not
/// started yet: a runtime that cannot get the file descriptors it needs
/// then fails to build, instead of panicking at its first timer or socket
/// ("cannot initialize I/O event notification").
///
/// async-io starts its reactor lazily and panics when it cannot. A start
/// that fails may also leave async-io's driver thread dead, so that timers
/// later fire only while some thread waits in `block_on`: after such a
/// failure, the next successful start adds a thread that drives the reactor
/// in its place. A failed start can be retried once descriptors are free.
///
/// # Errors
///
/// The error of the OS (`EMFILE`, "too many open files", ...) when the
/// reactor's epoll/kqueue instance and its notifier cannot be created.
///
/// # Examples
///
/// ```
/// anyloop_async_io::start_reactor()?;
/// // Any later call is one uncontended lock.
/// anyloop_async_io::start_reactor()?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn start_reactor() -> io::Result<()> {
    static STATE: Mutex<State> = Mutex::new(State::NotStarted);
    let mut state = STATE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    match *state {
        State::Started => return Ok(()),
        State::NotStarted | State::Failed => {}
    }
    // Ask the OS first, without touching async-io, whose failed start is
    // the harmful one.
    drop(polling::Poller::new()?);
    // Register a timer once: that initialises the reactor and starts its
    // driver thread.
    let started = catch_unwind(AssertUnwindSafe(|| {
        let timer = pin!(async_io::Timer::after(Duration::from_secs(3600)));
        let _ = timer.poll(&mut Context::from_waker(Waker::noop()));
    }));
    if started.is_err() {
        *state = State::Failed;
        return Err(io::Error::other(
            "cannot initialize async-io's I/O event notification",
        ));
    }
    if *state == State::Failed {
        // The driver thread may have died in the failed start.
        std::thread::Builder::new()
            .name("anyloop-async-io".to_owned())
            .spawn(|| async_io::block_on(std::future::pending::<()>()))?;
    }
    *state = State::Started;
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    NotStarted,
    Failed,
    Started,
}
