//! The errors of the tool and of the library.

use std::path::PathBuf;
use std::time::Duration;

/// Why a comparison could not run, or did its work wrong.
///
/// # Examples
///
/// ```
/// use anyloop_bench::{Error, parse_backends};
///
/// let err = parse_backends("tokio,uvloop").unwrap_err();
/// assert!(matches!(err, Error::UnknownBackend { .. }));
/// assert!(err.to_string().contains("tokio, smol, async-std"));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A backend name that is not one of the compiled-in backends.
    #[error("unknown backend `{name}`: the valid backends are {valid}")]
    UnknownBackend {
        /// The name given.
        name: String,
        /// The valid names, comma-separated.
        valid: String,
    },
    /// A workload name that is not one of the tool's workloads.
    #[error("unknown workload `{name}`: the valid workloads are {valid}")]
    UnknownWorkload {
        /// The name given.
        name: String,
        /// The valid names, comma-separated.
        valid: String,
    },
    /// An empty list (of backends or workloads).
    #[error("the list of {what} is empty: name at least one of {valid}")]
    EmptyList {
        /// What the list holds.
        what: &'static str,
        /// The valid names, comma-separated.
        valid: String,
    },
    /// `--repeat 0`: at least one measured run is needed.
    #[error("the repeat count must be at least 1 (got {0:?})")]
    BadRepeat(String),
    /// `--threads 0`, or a count that is not a number.
    #[error("the thread count must be a whole number of at least 1 (got {0:?})")]
    BadThreads(String),
    /// A runtime could not be started.
    #[error("cannot start the {backend} runtime: {source}")]
    Runtime {
        /// The backend.
        backend: &'static str,
        /// Why.
        source: anyloop::BuildError,
    },
    /// A workload's own check of its work failed: the run did the work
    /// wrong, and its time is not reported.
    #[error("{workload} ({case}) on {backend} did its work wrong: {message}")]
    SelfCheck {
        /// The workload.
        workload: String,
        /// The case of the workload.
        case: String,
        /// The backend.
        backend: &'static str,
        /// What the check found.
        message: String,
    },
    /// A workload panicked.
    #[error("{workload} ({case}) on {backend} panicked: {message}")]
    Panicked {
        /// The workload.
        workload: String,
        /// The case of the workload.
        case: String,
        /// The backend.
        backend: &'static str,
        /// The panic's message.
        message: String,
    },
    /// A workload did not finish in time.
    #[error("{workload} ({case}) on {backend} did not finish within {limit:?}")]
    TimedOut {
        /// The workload.
        workload: String,
        /// The case of the workload.
        case: String,
        /// The backend.
        backend: &'static str,
        /// The limit.
        limit: Duration,
    },
    /// The loopback servers of the crawler and pipeline workloads did not
    /// start.
    #[error("cannot start the loopback servers: {0}")]
    Servers(std::io::Error),
    /// An output file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A chart could not be drawn.
    #[error("cannot draw the chart {name}: {message}")]
    Chart {
        /// The chart's file name.
        name: String,
        /// Why.
        message: String,
    },
}
