//! Child processes on the runtime that runs the caller.
//!
//! [`Command`] builds a process as `std::process::Command` does; its
//! [`Child`] is waited for without blocking a thread, and its pipes are
//! async byte streams: [`ChildStdin`] implements `futures-io`'s
//! [`AsyncWrite`](crate::io::AsyncWrite), [`ChildStdout`] and
//! [`ChildStderr`] its [`AsyncRead`](crate::io::AsyncRead) (and tokio's
//! traits with the `tokio-io` feature). Under tokio this is
//! `tokio::process`; under smol and async-std, smol's
//! [async-process](https://docs.rs/async-process). [`ExitStatus`],
//! [`Output`] and [`Stdio`] are `std`'s.
//!
//! One meaning on every backend:
//!
//! - A program that does not exist is a `NotFound` error from
//!   [`spawn`](Command::spawn) (and from `output`/`status`), as every other
//!   spawn failure is the `io::Error` of the OS; never a panic.
//! - [`Command::output`] captures stdout and stderr (each unless set
//!   otherwise) and gives the child an empty stdin, as `std` does;
//!   [`Command::status`] and [`Command::spawn`] inherit what was not set.
//! - [`Child::wait`] closes the child's stdin first, so a child reading its
//!   input to the end (`cat`) can exit; [`Child::kill`] sends `SIGKILL` and
//!   returns at once, a later `wait` gives the status; a child that has
//!   already exited is not a `kill` error.
//! - Dropping a [`Child`] lets the process run on (its zombie is reaped in
//!   the background) unless [`Command::kill_on_drop`] was set.
//!
//! A `Command` takes its backend when first spawned: a command spawned under
//! tokio and spawned again from a task of another backend gives an error, as
//! does a tokio [`Child`] or pipe used there. async-io's processes work from
//! any thread.
//!
//! # Examples
//!
//! ```
//! use anyloop::io::{AsyncReadExt, AsyncWriteExt};
//! use anyloop::process::{Command, Stdio};
//!
//! # #[cfg(unix)]
//! anyloop::run(async {
//!     let mut child = Command::new("cat")
//!         .stdin(Stdio::piped())
//!         .stdout(Stdio::piped())
//!         .spawn()?;
//!     let mut stdin = child.stdin.take().unwrap();
//!     stdin.write_all(b"hello\n").await?;
//!     drop(stdin); // `cat` reads to the end of its input
//!
//!     let mut echoed = String::new();
//!     child.stdout.take().unwrap().read_to_string(&mut echoed).await?;
//!     assert_eq!(echoed, "hello\n");
//!     assert!(child.wait().await?.success());
//!     std::io::Result::Ok(())
//! })?;
//! # Ok::<(), std::io::Error>(())
//! ```

use std::ffi::OsStr;
use std::future::Future;
use std::io::{self, IoSlice};
use std::path::Path;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

#[doc(no_inline)]
pub use std::process::{ExitStatus, Output, Stdio};

use crate::fs::{checked, io_traits};
use crate::io::io_types;

/// A builder of child processes, as `std::process::Command`, spawned on the
/// runtime that runs the caller.
///
/// Every setter returns `&mut Command`, to chain them. A `Command` can spawn
/// any number of processes.
///
/// # Examples
///
/// ```
/// use anyloop::process::Command;
///
/// # #[cfg(unix)]
/// anyloop::run(async {
///     let output = Command::new("sh")
///         .args(["-c", "echo $GREETING; echo oops >&2; exit 2"])
///         .env("GREETING", "hi")
///         .output()
///         .await?;
///     assert_eq!(output.status.code(), Some(2));
///     assert_eq!(output.stdout, b"hi\n");
///     assert_eq!(output.stderr, b"oops\n");
///     std::io::Result::Ok(())
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct Command {
    inner: CommandInner,
    /// Whether stdin, stdout, stderr were set by the user.
    stdio_set: [bool; 3],
    kill_on_drop: bool,
}

#[derive(Debug)]
enum CommandInner {
    /// Not spawned yet: no backend chosen. async-process's `Command` only
    /// keeps the standard streams set through its own setters, so they wait
    /// here until the backend is known.
    Unbound {
        std: std::process::Command,
        stdio: [Option<Stdio>; 3],
    },
    #[cfg(feature = "tokio")]
    Tokio(anyloop_tokio::process::Command),
    #[cfg(any(feature = "smol", feature = "async-std"))]
    AsyncIo(anyloop_async_io::process::Command),
}

/// `native!(command, c => body)`: runs `body` on the native command (std's,
/// tokio's or async-process's, which have the same builder methods).
macro_rules! native {
    ($command:expr, $c:ident => $body:expr) => {
        match &mut $command.inner {
            CommandInner::Unbound { std: $c, .. } => {
                $body;
            }
            #[cfg(feature = "tokio")]
            CommandInner::Tokio(c) => {
                let $c = c.get_mut();
                $body;
            }
            #[cfg(any(feature = "smol", feature = "async-std"))]
            CommandInner::AsyncIo(c) => {
                let $c = c.get_mut();
                $body;
            }
        }
    };
}

/// Sets one standard stream of a native command.
macro_rules! set_stdio {
    ($c:expr, $index:expr, $stdio:expr) => {
        match $index {
            0 => $c.stdin($stdio),
            1 => $c.stdout($stdio),
            _ => $c.stderr($stdio),
        }
    };
}

impl Command {
    /// A command that runs `program` (a path, or a name looked up in
    /// `PATH`), with no arguments, the environment and working directory of
    /// this process, and its standard streams inherited.
    ///
    /// Nothing happens until the command is spawned; making one needs no
    /// runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(unix)]
    /// anyloop::run(async {
    ///     let status = anyloop::process::Command::new("true").status().await?;
    ///     assert!(status.success());
    ///     std::io::Result::Ok(())
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn new(program: impl AsRef<OsStr>) -> Command {
        Command {
            inner: CommandInner::Unbound {
                std: std::process::Command::new(program),
                stdio: [None, None, None],
            },
            stdio_set: [false; 3],
            kill_on_drop: false,
        }
    }

    /// Adds an argument.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(unix)]
    /// anyloop::run(async {
    ///     let output = anyloop::process::Command::new("echo").arg("one").arg("two").output().await?;
    ///     assert_eq!(output.stdout, b"one two\n");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn arg(&mut self, arg: impl AsRef<OsStr>) -> &mut Command {
        native!(self, c => c.arg(arg));
        self
    }

    /// Adds arguments.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(unix)]
    /// anyloop::run(async {
    ///     let output = anyloop::process::Command::new("echo").args(["one", "two"]).output().await?;
    ///     assert_eq!(output.stdout, b"one two\n");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn args<I, S>(&mut self, args: I) -> &mut Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        native!(self, c => c.args(args));
        self
    }

    /// Sets an environment variable of the child.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(unix)]
    /// anyloop::run(async {
    ///     let output = anyloop::process::Command::new("sh")
    ///         .args(["-c", "echo $NAME"])
    ///         .env("NAME", "value")
    ///         .output()
    ///         .await?;
    ///     assert_eq!(output.stdout, b"value\n");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn env(&mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> &mut Command {
        native!(self, c => c.env(key, value));
        self
    }

    /// Sets environment variables of the child.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(unix)]
    /// anyloop::run(async {
    ///     let output = anyloop::process::Command::new("sh")
    ///         .args(["-c", "echo $A$B"])
    ///         .envs([("A", "1"), ("B", "2")])
    ///         .output()
    ///         .await?;
    ///     assert_eq!(output.stdout, b"12\n");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn envs<I, K, V>(&mut self, vars: I) -> &mut Command
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        native!(self, c => c.envs(vars));
        self
    }

    /// Removes an environment variable from the child's environment.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(unix)]
    /// anyloop::run(async {
    ///     let output = anyloop::process::Command::new("sh")
    ///         .args(["-c", "echo \"[$HOME]\""])
    ///         .env_remove("HOME")
    ///         .output()
    ///         .await?;
    ///     assert_eq!(output.stdout, b"[]\n");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn env_remove(&mut self, key: impl AsRef<OsStr>) -> &mut Command {
        native!(self, c => c.env_remove(key));
        self
    }

    /// Clears the child's environment (the variables set afterwards are
    /// kept).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(unix)]
    /// anyloop::run(async {
    ///     let output = anyloop::process::Command::new("/usr/bin/env").env_clear().env("ONLY", "me").output().await?;
    ///     assert_eq!(output.stdout, b"ONLY=me\n");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn env_clear(&mut self) -> &mut Command {
        native!(self, c => c.env_clear());
        self
    }

    /// Sets the child's working directory.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(unix)]
    /// anyloop::run(async {
    ///     let output = anyloop::process::Command::new("pwd").current_dir("/").output().await?;
    ///     assert_eq!(output.stdout, b"/\n");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn current_dir(&mut self, dir: impl AsRef<Path>) -> &mut Command {
        native!(self, c => c.current_dir(dir));
        self
    }

    /// Sets the child's standard input: [`Stdio::piped()`] to write to it
    /// through [`Child::stdin`], [`Stdio::null()`], [`Stdio::inherit()`]
    /// (the default of `spawn` and `status`), or a file.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::process::{Command, Stdio};
    ///
    /// # #[cfg(unix)]
    /// anyloop::run(async {
    ///     let output = Command::new("cat").stdin(Stdio::null()).output().await?;
    ///     assert!(output.stdout.is_empty());
    ///     std::io::Result::Ok(())
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn stdin(&mut self, stdio: impl Into<Stdio>) -> &mut Command {
        self.set_stdio(0, stdio.into())
    }

    /// Sets the child's standard output: [`Stdio::piped()`] to read it
    /// through [`Child::stdout`], [`Stdio::null()`], [`Stdio::inherit()`]
    /// (the default of `spawn` and `status`), or a file.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::process::{Command, Stdio};
    ///
    /// # #[cfg(unix)]
    /// anyloop::run(async {
    ///     let output = Command::new("echo").arg("hidden").stdout(Stdio::null()).output().await?;
    ///     assert!(output.stdout.is_empty());
    ///     std::io::Result::Ok(())
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn stdout(&mut self, stdio: impl Into<Stdio>) -> &mut Command {
        self.set_stdio(1, stdio.into())
    }

    /// Sets the child's standard error: [`Stdio::piped()`] to read it
    /// through [`Child::stderr`], [`Stdio::null()`], [`Stdio::inherit()`]
    /// (the default of `spawn` and `status`), or a file.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::process::{Command, Stdio};
    ///
    /// # #[cfg(unix)]
    /// anyloop::run(async {
    ///     let output = Command::new("sh")
    ///         .args(["-c", "echo hidden >&2"])
    ///         .stderr(Stdio::null())
    ///         .output()
    ///         .await?;
    ///     assert!(output.stderr.is_empty());
    ///     std::io::Result::Ok(())
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn stderr(&mut self, stdio: impl Into<Stdio>) -> &mut Command {
        self.set_stdio(2, stdio.into())
    }

    fn set_stdio(&mut self, index: usize, stdio: Stdio) -> &mut Command {
        self.stdio_set[index] = true;
        match &mut self.inner {
            CommandInner::Unbound { stdio: pending, .. } => pending[index] = Some(stdio),
            #[cfg(feature = "tokio")]
            CommandInner::Tokio(c) => {
                set_stdio!(c.get_mut(), index, stdio);
            }
            #[cfg(any(feature = "smol", feature = "async-std"))]
            CommandInner::AsyncIo(c) => {
                set_stdio!(c.get_mut(), index, stdio);
            }
        }
        self
    }

    /// Kills the child (`SIGKILL`) when its [`Child`] is dropped; by default
    /// (`false`) it runs on.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(unix)]
    /// anyloop::run(async {
    ///     let child = anyloop::process::Command::new("sleep").arg("30").kill_on_drop(true).spawn()?;
    ///     drop(child); // no `sleep` left behind
    ///     std::io::Result::Ok(())
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn kill_on_drop(&mut self, kill_on_drop: bool) -> &mut Command {
        self.kill_on_drop = kill_on_drop;
        match &mut self.inner {
            CommandInner::Unbound { .. } => {}
            #[cfg(feature = "tokio")]
            CommandInner::Tokio(c) => {
                c.get_mut().kill_on_drop(kill_on_drop);
            }
            #[cfg(any(feature = "smol", feature = "async-std"))]
            CommandInner::AsyncIo(c) => {
                c.get_mut().kill_on_drop(kill_on_drop);
            }
        }
        self
    }

    /// Starts the process on the runtime that runs the caller; its streams
    /// not set are inherited.
    ///
    /// # Errors
    ///
    /// `NotFound` if the program does not exist, `PermissionDenied` if it is
    /// not executable, the OS's error otherwise; an error naming both
    /// runtimes for a command first spawned under tokio and spawned again
    /// from a task of another backend; `Unsupported` on a plug-in runtime
    /// when only the tokio backend is compiled in.
    ///
    /// # Panics
    ///
    /// Outside any runtime, as the rest of the ambient API (see
    /// [`rt::Current`](crate::rt::Current)).
    ///
    /// # Examples
    ///
    /// ```
    /// anyloop::run(async {
    ///     let err = anyloop::process::Command::new("no-such-program-anywhere").spawn().unwrap_err();
    ///     assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    /// });
    /// ```
    pub fn spawn(&mut self) -> io::Result<Child> {
        self.bind()?;
        match &mut self.inner {
            CommandInner::Unbound { .. } => Err(io::Error::other("anyloop: unbound command")),
            #[cfg(feature = "tokio")]
            CommandInner::Tokio(c) => c.spawn().map(Child::from),
            #[cfg(any(feature = "smol", feature = "async-std"))]
            CommandInner::AsyncIo(c) => c.spawn().map(Child::from),
        }
    }

    /// Chooses the backend of the caller, the first time: moves the command
    /// and its pending settings to that backend's command.
    fn bind(&mut self) -> io::Result<()> {
        match &self.inner {
            CommandInner::Unbound { .. } => {}
            #[cfg(feature = "tokio")]
            CommandInner::Tokio(_) => {
                return match crate::rt::current_backend() {
                    crate::Backend::Tokio => Ok(()),
                    #[allow(unreachable_patterns)]
                    other => Err(io::Error::other(format!(
                        "a command first spawned under tokio was spawned again from a task \
                         of the {other} backend: it belongs to the runtime that first spawned it"
                    ))),
                };
            }
            #[cfg(any(feature = "smol", feature = "async-std"))]
            CommandInner::AsyncIo(_) => return Ok(()),
        }
        // Refused before the command is taken apart, so that it stays whole.
        #[cfg(not(any(feature = "smol", feature = "async-std")))]
        if let crate::Backend::Custom(name) = crate::rt::current_backend() {
            return Err(crate::rt::unsupported_on_plugin(name, "anyloop::process"));
        }
        let placeholder = CommandInner::Unbound {
            std: std::process::Command::new(""),
            stdio: [None, None, None],
        };
        let CommandInner::Unbound { std, stdio } = std::mem::replace(&mut self.inner, placeholder)
        else {
            return Ok(());
        };
        let kill_on_drop = self.kill_on_drop;
        self.inner = crate::fs::on_backend!("anyloop::process", m => {
            let mut command = m::process::Command::from(std);
            let native = command.get_mut();
            for (index, stdio) in stdio.into_iter().enumerate() {
                if let Some(stdio) = stdio {
                    set_stdio!(native, index, stdio);
                }
            }
            native.kill_on_drop(kill_on_drop);
            io::Result::Ok(CommandInner::from(command))
        })?;
        Ok(())
    }

    /// Runs the command and waits for it to exit, with its stdin closed and
    /// its stdout and stderr closed unless set otherwise: a child that
    /// reads its input or writes to a pipe nobody reads does not hang.
    ///
    /// The process starts when this is called (not when the future is first
    /// polled), on the runtime that runs the caller.
    ///
    /// # Errors
    ///
    /// As [`spawn`](Command::spawn); the error of the wait.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(unix)]
    /// anyloop::run(async {
    ///     let status = anyloop::process::Command::new("sh").args(["-c", "exit 3"]).status().await?;
    ///     assert_eq!(status.code(), Some(3));
    ///     std::io::Result::Ok(())
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn status(&mut self) -> impl Future<Output = io::Result<ExitStatus>> + Send + 'static {
        let child = self.spawn();
        async move {
            let mut child = child?;
            // Close our ends of any pipes, as tokio does, so that a child
            // blocked on one of them cannot deadlock the wait.
            child.stdin = None;
            child.stdout = None;
            child.stderr = None;
            child.wait().await
        }
    }

    /// Runs the command and collects its exit status, stdout and stderr.
    ///
    /// As `std`: stdout and stderr are piped (captured) and stdin is
    /// [`Stdio::null()`], each unless set otherwise; the settings of the
    /// command itself are unchanged. The process starts when this is called.
    ///
    /// # Errors
    ///
    /// As [`spawn`](Command::spawn); the error of a read or of the wait.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(unix)]
    /// anyloop::run(async {
    ///     let output = anyloop::process::Command::new("echo").arg("hi").output().await?;
    ///     assert!(output.status.success());
    ///     assert_eq!(output.stdout, b"hi\n");
    ///     assert!(output.stderr.is_empty());
    ///     std::io::Result::Ok(())
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn output(&mut self) -> impl Future<Output = io::Result<Output>> + Send + 'static {
        let child = self.spawn_for_output();
        async move { child?.wait_with_output().await }
    }

    fn spawn_for_output(&mut self) -> io::Result<Child> {
        self.bind()?;
        let defaults = [Stdio::null, Stdio::piped, Stdio::piped];
        let unset = self.stdio_set.map(|set| !set);
        for index in 0..3 {
            if unset[index] {
                native!(self, c => set_stdio!(c, index, defaults[index]()));
            }
        }
        let child = self.spawn();
        // Back to what `spawn` and `status` do with streams not set.
        for (index, unset) in unset.into_iter().enumerate() {
            if unset {
                native!(self, c => set_stdio!(c, index, Stdio::inherit()));
            }
        }
        child
    }
}

#[cfg(feature = "tokio")]
impl From<anyloop_tokio::process::Command> for CommandInner {
    fn from(command: anyloop_tokio::process::Command) -> Self {
        CommandInner::Tokio(command)
    }
}

#[cfg(any(feature = "smol", feature = "async-std"))]
impl From<anyloop_async_io::process::Command> for CommandInner {
    fn from(command: anyloop_async_io::process::Command) -> Self {
        CommandInner::AsyncIo(command)
    }
}

/// A running (or exited) child process, made by [`Command::spawn`].
///
/// Its piped standard streams are in the public fields; take them out
/// (`child.stdout.take()`) to use them while the child runs.
///
/// # Examples
///
/// ```
/// # #[cfg(unix)]
/// anyloop::run(async {
///     let mut child = anyloop::process::Command::new("sh").args(["-c", "exit 7"]).spawn()?;
///     assert!(child.id().is_some());
///     let status = child.wait().await?;
///     assert_eq!(status.code(), Some(7));
///     assert_eq!(child.id(), None); // reaped
///     std::io::Result::Ok(())
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct Child {
    /// The child's standard input, if it was [piped](Stdio::piped).
    pub stdin: Option<ChildStdin>,
    /// The child's standard output, if it was [piped](Stdio::piped).
    pub stdout: Option<ChildStdout>,
    /// The child's standard error, if it was [piped](Stdio::piped).
    pub stderr: Option<ChildStderr>,
    inner: ChildInner,
}

#[derive(Debug)]
enum ChildInner {
    #[cfg(feature = "tokio")]
    Tokio(anyloop_tokio::process::Child),
    #[cfg(any(feature = "smol", feature = "async-std"))]
    AsyncIo(anyloop_async_io::process::Child),
}

#[cfg(feature = "tokio")]
impl From<anyloop_tokio::process::Child> for Child {
    fn from(mut child: anyloop_tokio::process::Child) -> Self {
        Child {
            stdin: child.stdin.take().map(ChildStdin::from),
            stdout: child.stdout.take().map(ChildStdout::from),
            stderr: child.stderr.take().map(ChildStderr::from),
            inner: ChildInner::Tokio(child),
        }
    }
}

#[cfg(any(feature = "smol", feature = "async-std"))]
impl From<anyloop_async_io::process::Child> for Child {
    fn from(mut child: anyloop_async_io::process::Child) -> Self {
        Child {
            stdin: child.stdin.take().map(ChildStdin::from),
            stdout: child.stdout.take().map(ChildStdout::from),
            stderr: child.stderr.take().map(ChildStderr::from),
            inner: ChildInner::AsyncIo(child),
        }
    }
}

impl Child {
    /// The OS's process id, or `None` once the child has been waited for
    /// (the id may then belong to another process).
    ///
    /// See [`Child`] for an example.
    pub fn id(&self) -> Option<u32> {
        crate::net::on!(ChildInner, &self.inner, c => c.id())
    }

    /// Kills the child (`SIGKILL`; `TerminateProcess` on Windows) and
    /// returns at once; [`wait`](Child::wait) then gives its status. A
    /// child that has already exited is not an error.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(unix)]
    /// anyloop::run(async {
    ///     let mut child = anyloop::process::Command::new("sleep").arg("30").spawn()?;
    ///     child.kill()?;
    ///     assert!(!child.wait().await?.success());
    ///     std::io::Result::Ok(())
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn kill(&mut self) -> io::Result<()> {
        crate::net::on!(ChildInner, &mut self.inner, c => c.kill())
    }

    /// The exit status if the child has exited, without waiting.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(unix)]
    /// anyloop::run(async {
    ///     let mut child = anyloop::process::Command::new("sleep").arg("30").kill_on_drop(true).spawn()?;
    ///     assert!(child.try_wait()?.is_none());
    ///     std::io::Result::Ok(())
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn try_wait(&mut self) -> io::Result<Option<ExitStatus>> {
        crate::net::on!(ChildInner, &mut self.inner, c => c.try_wait())
    }

    /// Closes the child's stdin (if it is still in [`Child::stdin`]), then
    /// waits for the child to exit and returns its status. Cancel safe;
    /// once it has returned, it returns the same status again.
    ///
    /// # Errors
    ///
    /// The OS's error of the wait; an error naming both runtimes for a tokio
    /// child waited for from a task of another backend.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(unix)]
    /// anyloop::run(async {
    ///     let mut child = anyloop::process::Command::new("true").spawn()?;
    ///     assert!(child.wait().await?.success());
    ///     std::io::Result::Ok(())
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub async fn wait(&mut self) -> io::Result<ExitStatus> {
        drop(self.stdin.take());
        checked!(ChildInner, "a child process spawned", &mut self.inner, c => c.wait().await)
    }

    /// Closes stdin, reads stdout and stderr to their end (those still in
    /// the fields, concurrently), waits for the child and returns all three.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::process::{Command, Stdio};
    ///
    /// # #[cfg(unix)]
    /// anyloop::run(async {
    ///     let child = Command::new("echo").arg("out").stdout(Stdio::piped()).spawn()?;
    ///     let output = child.wait_with_output().await?;
    ///     assert_eq!(output.stdout, b"out\n");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub async fn wait_with_output(mut self) -> io::Result<Output> {
        use futures_lite::io::AsyncReadExt as _;

        drop(self.stdin.take());
        let (stdout, stderr) = (self.stdout.take(), self.stderr.take());
        let stdout = async move {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = stdout {
                pipe.read_to_end(&mut bytes).await?;
            }
            io::Result::Ok(bytes)
        };
        let stderr = async move {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = stderr {
                pipe.read_to_end(&mut bytes).await?;
            }
            io::Result::Ok(bytes)
        };
        let (stdout, stderr) = futures_lite::future::try_zip(stdout, stderr).await?;
        let status = self.wait().await?;
        Ok(Output {
            status,
            stdout,
            stderr,
        })
    }
}

io_types! {
    /// The standard output of a [`Child`], when [piped](Stdio::piped): an
    /// [`AsyncRead`](crate::io::AsyncRead), at its end once the child has
    /// exited (or closed it).
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::io::AsyncReadExt;
    /// use anyloop::process::{Command, Stdio};
    ///
    /// # #[cfg(unix)]
    /// anyloop::run(async {
    ///     let mut child = Command::new("echo").arg("out").stdout(Stdio::piped()).spawn()?;
    ///     let mut text = String::new();
    ///     child.stdout.take().unwrap().read_to_string(&mut text).await?;
    ///     assert_eq!(text, "out\n");
    ///     child.wait().await?;
    ///     std::io::Result::Ok(())
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    ChildStdout(StdoutInner): anyloop_tokio::process::ChildStdout, anyloop_async_io::process::ChildStdout;

    /// The standard error of a [`Child`], when [piped](Stdio::piped): an
    /// [`AsyncRead`](crate::io::AsyncRead).
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::io::AsyncReadExt;
    /// use anyloop::process::{Command, Stdio};
    ///
    /// # #[cfg(unix)]
    /// anyloop::run(async {
    ///     let mut child = Command::new("sh").args(["-c", "echo err >&2"]).stderr(Stdio::piped()).spawn()?;
    ///     let mut text = String::new();
    ///     child.stderr.take().unwrap().read_to_string(&mut text).await?;
    ///     assert_eq!(text, "err\n");
    ///     child.wait().await?;
    ///     std::io::Result::Ok(())
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    ChildStderr(StderrInner): anyloop_tokio::process::ChildStderr, anyloop_async_io::process::ChildStderr;
}

io_traits!(read "a pipe of a child process spawned": ChildStdout(StdoutInner), ChildStderr(StderrInner));

/// The standard input of a [`Child`], when [piped](Stdio::piped): an
/// [`AsyncWrite`](crate::io::AsyncWrite).
///
/// Closing it ([`close`](crate::io::AsyncWriteExt::close)) flushes it and
/// closes the pipe, as dropping it does: the child reads the end of its
/// input (tokio's and async-process's own pipes only flush on close; this
/// one closes on every backend). A write after `close` is a `BrokenPipe`
/// error.
///
/// # Examples
///
/// ```
/// use anyloop::io::AsyncWriteExt;
/// use anyloop::process::{Command, Stdio};
///
/// # #[cfg(unix)]
/// anyloop::run(async {
///     let mut child = Command::new("wc").arg("-c").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn()?;
///     let mut stdin = child.stdin.take().unwrap();
///     stdin.write_all(b"12345").await?;
///     stdin.close().await?; // `wc` sees the end of its input
///     let output = child.wait_with_output().await?;
///     assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "5");
///     std::io::Result::Ok(())
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct ChildStdin(Option<StdinInner>);

enum StdinInner {
    #[cfg(feature = "tokio")]
    Tokio(anyloop_tokio::process::ChildStdin),
    #[cfg(any(feature = "smol", feature = "async-std"))]
    AsyncIo(anyloop_async_io::process::ChildStdin),
}

#[cfg(feature = "tokio")]
const STDIN: &str = "a pipe of a child process spawned";

#[cfg(feature = "tokio")]
impl From<anyloop_tokio::process::ChildStdin> for ChildStdin {
    fn from(stdin: anyloop_tokio::process::ChildStdin) -> Self {
        ChildStdin(Some(StdinInner::Tokio(stdin)))
    }
}

#[cfg(any(feature = "smol", feature = "async-std"))]
impl From<anyloop_async_io::process::ChildStdin> for ChildStdin {
    fn from(stdin: anyloop_async_io::process::ChildStdin) -> Self {
        ChildStdin(Some(StdinInner::AsyncIo(stdin)))
    }
}

impl std::fmt::Debug for ChildStdin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Some(inner) => crate::net::on!(StdinInner, inner, io => io.fmt(f)),
            None => f.write_str("ChildStdin(closed)"),
        }
    }
}

#[cold]
fn stdin_closed() -> io::Error {
    io::Error::new(
        io::ErrorKind::BrokenPipe,
        "the child's stdin has been closed",
    )
}

impl futures_io::AsyncWrite for ChildStdin {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match &mut self.get_mut().0 {
            Some(inner) => {
                checked!(StdinInner, STDIN, inner, io => Pin::new(io).poll_write(cx, buf))
            }
            None => Poll::Ready(Err(stdin_closed())),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match &mut self.get_mut().0 {
            Some(inner) => {
                checked!(StdinInner, STDIN, inner, io => Pin::new(io).poll_write_vectored(cx, bufs))
            }
            None => Poll::Ready(Err(stdin_closed())),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match &mut self.get_mut().0 {
            Some(inner) => checked!(StdinInner, STDIN, inner, io => Pin::new(io).poll_flush(cx)),
            None => Poll::Ready(Ok(())),
        }
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if let Some(inner) = &mut this.0 {
            ready!(checked!(StdinInner, STDIN, inner, io => Pin::new(io).poll_flush(cx)))?;
            // Dropping the pipe closes it.
            this.0 = None;
        }
        Poll::Ready(Ok(()))
    }
}

#[cfg(feature = "tokio-io")]
impl tokio::io::AsyncWrite for ChildStdin {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        futures_io::AsyncWrite::poll_write(self, cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        futures_io::AsyncWrite::poll_write_vectored(self, cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        futures_io::AsyncWrite::poll_flush(self, cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        futures_io::AsyncWrite::poll_close(self, cx)
    }
}
