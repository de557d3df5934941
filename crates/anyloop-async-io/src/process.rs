//! Child processes for the smol and async-std backends: [async-process].
//!
//! async-process needs no runtime: its pipes are async-io sources and its
//! children are reaped by its own thread (or by `async_process::driver`),
//! so they work from any thread. [`Command`] and [`Child`] wrap
//! async-process's with the same methods as `anyloop_tokio::process`; the
//! pipes are async-process's own, which implement the `futures-io` traits.
//!
//! Applications normally use `anyloop::process`, which dispatches to this
//! module under smol and async-std.
//!
//! # Examples
//!
//! ```
//! use anyloop_async_io::process::Command;
//!
//! let status = smol::block_on(async {
//!     let mut cmd = Command::new("sh");
//!     cmd.get_mut().args(["-c", "exit 3"]);
//!     cmd.spawn()?.wait().await
//! })?;
//! assert_eq!(status.code(), Some(3));
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! [async-process]: https://docs.rs/async-process

use std::ffi::OsStr;
use std::fmt;
use std::io;
use std::process::ExitStatus;

#[doc(no_inline)]
pub use async_process::{ChildStderr, ChildStdin, ChildStdout};

/// A builder of child processes: async-process's `Command` (reach its
/// builder methods through [`get_mut`](Command::get_mut)), whose
/// [`spawn`](Command::spawn) wraps the child.
pub struct Command(async_process::Command);

impl Command {
    /// A command that runs `program`, with the environment, working
    /// directory and standard streams of this process.
    pub fn new(program: impl AsRef<OsStr>) -> Command {
        Command(async_process::Command::new(program))
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

    /// Returns a reference to async-process's command.
    pub fn get_ref(&self) -> &async_process::Command {
        &self.0
    }

    /// Returns a mutable reference to async-process's command.
    pub fn get_mut(&mut self) -> &mut async_process::Command {
        &mut self.0
    }

    /// Returns async-process's command.
    pub fn into_inner(self) -> async_process::Command {
        self.0
    }
}

impl From<async_process::Command> for Command {
    fn from(command: async_process::Command) -> Self {
        Command(command)
    }
}

impl From<std::process::Command> for Command {
    fn from(command: std::process::Command) -> Self {
        Command(command.into())
    }
}

impl fmt::Debug for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
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
    inner: async_process::Child,
    /// Set once the exit status has been seen: the id is then stale.
    exited: bool,
}

impl From<async_process::Child> for Child {
    fn from(mut inner: async_process::Child) -> Self {
        Child {
            stdin: inner.stdin.take(),
            stdout: inner.stdout.take(),
            stderr: inner.stderr.take(),
            inner,
            exited: false,
        }
    }
}

impl Child {
    /// The process id, or `None` once the child has been waited for (the
    /// id may then belong to another process), as tokio's.
    pub fn id(&self) -> Option<u32> {
        (!self.exited).then(|| self.inner.id())
    }

    /// Sends the child `SIGKILL` (`TerminateProcess` on Windows) without
    /// waiting for it to exit; [`wait`](Child::wait) then reaps it. A child
    /// that has already exited is not an error.
    pub fn kill(&mut self) -> io::Result<()> {
        self.inner.kill()
    }

    /// The exit status if the child has exited, without waiting.
    pub fn try_wait(&mut self) -> io::Result<Option<ExitStatus>> {
        let status = self.inner.try_status()?;
        self.exited |= status.is_some();
        Ok(status)
    }

    /// Closes the child's standard input (if piped) and waits for it to
    /// exit. Cancel safe; may be called again once it returned.
    pub async fn wait(&mut self) -> io::Result<ExitStatus> {
        drop(self.stdin.take());
        let status = self.inner.status().await?;
        self.exited = true;
        Ok(status)
    }

    /// Returns a reference to async-process's child (without the pipes).
    pub fn get_ref(&self) -> &async_process::Child {
        &self.inner
    }

    /// Returns a mutable reference to async-process's child (without the
    /// pipes).
    pub fn get_mut(&mut self) -> &mut async_process::Child {
        &mut self.inner
    }
}

impl fmt::Debug for Child {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Child")
            .field("id", &self.id())
            .field("stdin", &self.stdin)
            .field("stdout", &self.stdout)
            .field("stderr", &self.stderr)
            .finish()
    }
}
