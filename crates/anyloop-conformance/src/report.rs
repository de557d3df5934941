//! The report of a run of the kit.

use std::fmt;
use std::time::Duration;

/// How a check ended.
///
/// # Examples
///
/// ```
/// use anyloop_conformance::{Kit, Status};
///
/// let report = Kit::new("smol")
///     .only("task::spawn_returns_output")
///     .run_with(|| (anyloop::Runtime::builder().backend(anyloop::Backend::Smol).build().unwrap(), anyloop::rt::Smol));
/// assert_eq!(report.outcomes()[0].status, Status::Passed);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Status {
    /// The behaviour holds.
    Passed,
    /// The behaviour does not hold, the check hung, or it panicked.
    Failed,
    /// The host cannot run the check (too few file descriptors, ...); the
    /// message says why.
    Skipped,
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Status::Passed => "ok",
            Status::Failed => "FAILED",
            Status::Skipped => "skipped",
        })
    }
}

/// The outcome of one check: which behaviour, how it ended, and why.
///
/// # Examples
///
/// ```
/// use anyloop_conformance::Kit;
///
/// let report = Kit::new("smol")
///     .only("time::sleep_zero_yields_exactly_once")
///     .run_with(|| (anyloop::Runtime::builder().backend(anyloop::Backend::Smol).build().unwrap(), anyloop::rt::Smol));
/// let outcome = &report.outcomes()[0];
/// assert_eq!((outcome.area, outcome.name), ("time", "sleep_zero_yields_exactly_once"));
/// assert_eq!(outcome.message, None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Outcome {
    /// The area of the behaviour: `task`, `time`, `tcp`, `udp`, `unix` or
    /// `types`.
    pub area: &'static str,
    /// The behaviour, as named in the crate docs' list.
    pub name: &'static str,
    /// How the check ended.
    pub status: Status,
    /// The panic message of a failed check, the reason of a skipped one.
    pub message: Option<String>,
    /// How long the check took (building the runtime included).
    pub elapsed: Duration,
}

/// The report of a run of the kit on one backend; its `Display` is a table.
///
/// # Examples
///
/// ```
/// use anyloop_conformance::Kit;
///
/// let report = Kit::new("smol")
///     .only("task::")
///     .run_with(|| (anyloop::Runtime::builder().backend(anyloop::Backend::Smol).build().unwrap(), anyloop::rt::Smol));
/// assert!(report.is_success(), "{report}");
/// assert_eq!(report.failures().count(), 0);
/// assert!(report.outcomes().len() > 10);
/// println!("{report}");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub(crate) backend: String,
    pub(crate) outcomes: Vec<Outcome>,
}

impl Report {
    /// The name of the backend the kit ran on.
    pub fn backend(&self) -> &str {
        &self.backend
    }

    /// Every check run, in the kit's order.
    pub fn outcomes(&self) -> &[Outcome] {
        &self.outcomes
    }

    /// The checks that failed.
    pub fn failures(&self) -> impl Iterator<Item = &Outcome> {
        self.outcomes
            .iter()
            .filter(|outcome| outcome.status == Status::Failed)
    }

    /// How many checks ended with `status`.
    pub fn count(&self, status: Status) -> usize {
        self.outcomes
            .iter()
            .filter(|outcome| outcome.status == status)
            .count()
    }

    /// `true` if no check failed (skipped ones do not count as failures).
    pub fn is_success(&self) -> bool {
        self.failures().next().is_none()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "anyloop conformance kit on {}: {} passed, {} failed, {} skipped",
            self.backend,
            self.count(Status::Passed),
            self.count(Status::Failed),
            self.count(Status::Skipped),
        )?;
        let width = self
            .outcomes
            .iter()
            .map(|outcome| outcome.area.len() + 2 + outcome.name.len())
            .max()
            .unwrap_or(0);
        for outcome in &self.outcomes {
            let check = format!("{}::{}", outcome.area, outcome.name);
            let ms = outcome.elapsed.as_secs_f64() * 1e3;
            writeln!(f, "  {:<7}  {check:<width$}  {ms:>9.1} ms", outcome.status)?;
            if let Some(message) = &outcome.message {
                for line in message.lines() {
                    writeln!(f, "           {line}")?;
                }
            }
        }
        Ok(())
    }
}
