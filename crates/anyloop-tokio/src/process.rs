//! tokio's child processes, with the `futures-io` traits on their pipes.
//!
//! [`Command`] wraps tokio's; its [`Child`] holds the pipes as
//! [`ChildStdin`] (`AsyncWrite`), [`ChildStdout`] and [`ChildStderr`]
//! (`AsyncRead`), wrappers over tokio's that implement the `futures-io`
//! traits. Spawning needs a tokio runtime (it panics outside one, as tokio
//! does); waiting is driven by that runtime's I/O driver.
//!
//! Applications normally use `anyloop::process`, which dispatches to this
//! module under tokio.
//!
//! # Examples
//!
//! ```
//! use anyloop::rt::BlockOn;
//! use anyloop_tokio::process::Command;
//!
//! let rt = anyloop_tokio::Runtime::current_thread()?;
//! let status = rt.block_on(async {
//!     let mut cmd = Command::new("sh");
//!     cmd.get_mut().args(["-c", "exit 3"]);
//!     cmd.spawn()?.wait().await
//! })?;
//! assert_eq!(status.code(), Some(3));
//! # Ok::<(), std::io::Error>(())
//! ```

use std::ffi::OsStr;
use std::fmt;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::process::ExitStatus;
use std::task::{Context, Poll};

use futures_io::{AsyncRead, AsyncWrite};
use tokio::io::AsyncWrite as TokioWrite;

use crate::net::{futures_io, futures_io_write, poll_read, wrapper};

/// A builder of child processes: tokio's `Command` (reach its builder
/// methods through [`get_mut`](Command::get_mut)), whose
/// [`spawn`](Command::spawn) wraps the child.
pub struct Command(tokio::process::Command);

/// The standard input of a [`Child`], if piped: `AsyncWrite`. Dropping (or
/// closing) it closes the pipe.
pub struct ChildStdin(tokio::process::ChildStdin);
/// The standard output of a [`Child`], if piped: `AsyncRead`.
pub struct ChildStdout(tokio::process::ChildStdout);
/// The standard error of a [`Child`], if piped: `AsyncRead`.
pub struct ChildStderr(tokio::process::ChildStderr);

wrapper! {
    Command => tokio::process::Command,
    ChildStdin => tokio::process::ChildStdin,
    ChildStdout => tokio::process::ChildStdout,
    ChildStderr => tokio::process::ChildStderr,
}
futures_io!(ChildStdout, ChildStderr);
futures_io_write!(ChildStdin);

impl Command {
    /// A command that runs `program`, with the environment, working
    /// directory and standard streams of this process.
    pub fn new(program: impl AsRef<OsStr>) -> Command {
        Command(tokio::process::Command::new(program))
    }

    /// Starts the process.
    ///
    /// # Errors
    ///
    /// `NotFound` if the program does not exist; the error of the failed
    /// spawn otherwise.
    pub fn spawn(&mut self) -> io::Result<Child> {
        self.0.spawn().map(Child::from)
    }
}

impl From<std::process::Command> for Command {
    fn from(command: std::process::Command) -> Self {
        Command(command.into())
    }
}

/// A child process started by [`Command::spawn`], with its pipes taken out
/// into the public fields.
pub struct Child {
    /// The child's standard input, if piped.
    pub stdin: Option<ChildStdin>,
    /// The child's standard output, if piped.
    pub stdout: Option<ChildStdout>,
    /// The child's standard error, if piped.
    pub stderr: Option<ChildStderr>,
    inner: tokio::process::Child,
}

impl From<tokio::process::Child> for Child {
    fn from(mut inner: tokio::process::Child) -> Self {
        Child {
            stdin: inner.stdin.take().map(ChildStdin),
            stdout: inner.stdout.take().map(ChildStdout),
            stderr: inner.stderr.take().map(ChildStderr),
            inner,
        }
    }
}

impl Child {
    /// The process id, or `None` once the child has been waited for (the
    /// id may then belong to another process).
    pub fn id(&self) -> Option<u32> {
        self.inner.id()
    }

    /// Sends the child `SIGKILL` (`TerminateProcess` on Windows) without
    /// waiting for it to exit; [`wait`](Child::wait) then reaps it. A child
    /// that has already exited is not an error.
    pub fn kill(&mut self) -> io::Result<()> {
        match self.inner.start_kill() {
            // tokio refuses to kill a child it has already reaped.
            Err(err) if err.kind() == io::ErrorKind::InvalidInput && self.inner.id().is_none() => {
                Ok(())
            }
            result => result,
        }
    }

    /// The exit status if the child has exited, without waiting.
    pub fn try_wait(&mut self) -> io::Result<Option<ExitStatus>> {
        self.inner.try_wait()
    }

    /// Closes the child's standard input (if piped) and waits for it to
    /// exit. Cancel safe; may be called again once it returned.
    pub async fn wait(&mut self) -> io::Result<ExitStatus> {
        drop(self.stdin.take());
        self.inner.wait().await
    }

    /// Returns a reference to tokio's child (without the pipes).
    pub fn get_ref(&self) -> &tokio::process::Child {
        &self.inner
    }

    /// Returns a mutable reference to tokio's child (without the pipes).
    pub fn get_mut(&mut self) -> &mut tokio::process::Child {
        &mut self.inner
    }
}

impl fmt::Debug for Child {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Child")
            .field("id", &self.inner.id())
            .field("stdin", &self.stdin)
            .field("stdout", &self.stdout)
            .field("stderr", &self.stderr)
            .finish()
    }
}
