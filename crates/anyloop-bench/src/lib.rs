//! Compare tokio, smol and async-std on the same code, through anyloop.
//!
//! anyloop runs one program unchanged on each runtime, so it can answer
//! "which runtime should I use for *my* code?" with a measurement instead of
//! a 2019 micro-benchmark. This crate is that measurement, as a tool and as
//! a library.
//!
//! # The tool
//!
//! ```text
//! cargo run --release -p anyloop-bench                 # 14 workloads × 3 backends, < 3 min on 2 cores
//! cargo run --release -p anyloop-bench -- --quick      # tiny sizes, seconds
//! cargo run --release -p anyloop-bench -- --workloads crawler,tcp-echo --backends tokio,smol
//! cargo run --release -p anyloop-bench -- --list       # the workloads and their sizes
//! cargo run --release -p anyloop-bench -- --overhead   # anyloop / native, per operation
//! ```
//!
//! Every workload runs on every backend with the same thread count
//! (`--threads`, default: the cores), **interleaved** (tokio, smol,
//! async-std, tokio, smol, ...), after one warm-up run each; each cell is the
//! median of the measured runs, with [min … max] and the interquartile
//! range. Every workload checks its own work (tasks counted, bytes
//! compared, items checked on the server side): a run that did the work
//! wrong is an [`Error::SelfCheck`] naming the backend, never a fast time.
//! The outputs (`--out`, default `target/anyloop-bench/`): the table on
//! stdout (Markdown when stdout is not a terminal), `results.md`,
//! `results.json` (see [`Report`] for its versioned shape), one SVG chart
//! per workload and per sweep, and a self-contained `report.html`.
//!
//! # Your own code
//!
//! ```
//! use std::time::Duration;
//!
//! // The same interleaved runs, table, JSON, charts and report, for your
//! // code, on every compiled-in backend.
//! let report = anyloop_bench::Compare::new("fan-out of 100 sleeps")
//!     .repeat(3)
//!     .run(|| async {
//!         let tasks: Vec<_> = (0..100)
//!             .map(|_| anyloop::spawn(anyloop::time::sleep(Duration::from_millis(1))))
//!             .collect();
//!         for task in tasks {
//!             task.await.unwrap();
//!         }
//!     })?;
//! println!("{}", report.table());
//! # let dir = std::env::temp_dir().join("anyloop-bench-doc");
//! let html = report.write(&dir)?; // results.md, results.json, SVG, report.html
//! assert!(html.ends_with("report.html"));
//! # Ok::<(), anyloop_bench::Error>(())
//! ```
//!
//! [`compare`] is the one-call form: it runs with the defaults, prints the
//! table and writes the report under `target/anyloop-bench/`.
//!
//! # Overhead
//!
//! [`Overhead`] (`--overhead`) times each operation natively and through
//! anyloop's static and ambient faces, in one interleaved run, and reports
//! anyloop / native per backend and face.

#![deny(missing_docs)]
#![warn(missing_debug_implementations, rust_2018_idioms, unreachable_pub)]
#![forbid(unsafe_code)]

mod engine;
mod error;
mod overhead;
mod report;
mod servers;
mod stats;
mod workloads;

use std::collections::BTreeMap;
use std::future::Future;
use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyloop::Backend;

/// Not public API: for the workspace's own benches.
#[doc(hidden)]
pub mod __private {
    pub use crate::overhead::run_op;
}

pub use error::Error;
pub use overhead::{Overhead, OverheadCell, OverheadReport, OverheadRow};
pub use report::{
    CaseResult, Cell, Machine, Reference, Report, RunSettings, SCHEMA, WorkloadResult,
};
pub use stats::{NOISY, Summary};
pub use workloads::{Mode, list, workload_names};

use engine::{Case, Ctx, Failure, Measurement};
use report::RawCell;

/// Parses a comma-separated list of backends (`tokio,smol`); `all` is every
/// compiled-in backend.
///
/// # Errors
///
/// [`Error::UnknownBackend`] with the valid names, or [`Error::EmptyList`].
///
/// # Examples
///
/// ```
/// use anyloop::Backend;
///
/// assert_eq!(anyloop_bench::parse_backends("smol, tokio")?, [Backend::Smol, Backend::Tokio]);
/// assert_eq!(anyloop_bench::parse_backends("all")?, Backend::available());
/// assert!(anyloop_bench::parse_backends("").is_err());
/// # Ok::<(), anyloop_bench::Error>(())
/// ```
pub fn parse_backends(list: &str) -> Result<Vec<Backend>, Error> {
    let valid = || {
        Backend::available()
            .iter()
            .map(|b| b.name())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = Vec::new();
    for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        if name == "all" {
            out.extend_from_slice(Backend::available());
            continue;
        }
        let backend = Backend::available()
            .iter()
            .copied()
            .find(|b| b.name() == name)
            .ok_or_else(|| Error::UnknownBackend {
                name: name.to_owned(),
                valid: valid(),
            })?;
        out.push(backend);
    }
    dedup(&mut out);
    if out.is_empty() {
        return Err(Error::EmptyList {
            what: "backends",
            valid: valid(),
        });
    }
    Ok(out)
}

/// Parses a comma-separated list of workloads (`crawler,tcp-echo`); `all`
/// is every workload.
///
/// # Errors
///
/// [`Error::UnknownWorkload`] with the valid names, or [`Error::EmptyList`].
///
/// # Examples
///
/// ```
/// assert_eq!(anyloop_bench::parse_workloads("crawler,tcp-echo")?, ["crawler", "tcp-echo"]);
/// assert!(anyloop_bench::parse_workloads("crawl").is_err());
/// # Ok::<(), anyloop_bench::Error>(())
/// ```
pub fn parse_workloads(list: &str) -> Result<Vec<&'static str>, Error> {
    let valid = || workload_names().join(", ");
    let mut out = Vec::new();
    for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        if name == "all" {
            out.extend(workload_names());
            continue;
        }
        let info = workloads::find(name).ok_or_else(|| Error::UnknownWorkload {
            name: name.to_owned(),
            valid: valid(),
        })?;
        out.push(info.name);
    }
    dedup(&mut out);
    if out.is_empty() {
        return Err(Error::EmptyList {
            what: "workloads",
            valid: valid(),
        });
    }
    Ok(out)
}

fn dedup<T: PartialEq + Copy>(items: &mut Vec<T>) {
    let mut seen = Vec::new();
    items.retain(|x| {
        let new = !seen.contains(x);
        seen.push(*x);
        new
    });
}

/// Parses a repeat count (at least 1).
///
/// # Errors
///
/// [`Error::BadRepeat`] for 0 or a value that is not a number.
///
/// # Examples
///
/// ```
/// assert_eq!(anyloop_bench::parse_repeat("5")?, 5);
/// assert!(anyloop_bench::parse_repeat("0").is_err());
/// # Ok::<(), anyloop_bench::Error>(())
/// ```
pub fn parse_repeat(text: &str) -> Result<usize, Error> {
    match text.trim().parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(Error::BadRepeat(text.to_owned())),
    }
}

/// Parses a thread count (at least 1).
///
/// # Errors
///
/// [`Error::BadThreads`] for 0 or a value that is not a number.
///
/// # Examples
///
/// ```
/// assert_eq!(anyloop_bench::parse_threads("2")?, 2);
/// assert!(anyloop_bench::parse_threads("none").is_err());
/// # Ok::<(), anyloop_bench::Error>(())
/// ```
pub fn parse_threads(text: &str) -> Result<usize, Error> {
    match text.trim().parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(Error::BadThreads(text.to_owned())),
    }
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn command_line() -> String {
    let mut args = std::env::args();
    let program = args
        .next()
        .map(|p| {
            std::path::Path::new(&p)
                .file_name()
                .map_or(p.clone(), |f| f.to_string_lossy().into_owned())
        })
        .unwrap_or_default();
    std::iter::once(program)
        .chain(args)
        .collect::<Vec<_>>()
        .join(" ")
}

/// What every run shares: where, how often, how many threads.
/// A plug-in runtime to compare with the built-in backends: any
/// [`DynRuntime`](anyloop::rt::DynRuntime), run through
/// [`anyloop::Runtime::from_dyn`] and reported as
/// [`Backend::Custom`]`(name)`.
///
/// `make(threads)` is called once per run with the run's thread count and
/// returns the runtime's handle and the value that owns its threads (kept
/// alive until the run ends).
///
/// # Examples
///
/// Smol's handle stands in for an in-house runtime here:
///
/// ```
/// use std::sync::Arc;
/// use anyloop_bench::{Compare, Plugin};
///
/// let plugin = Plugin::new("my-runtime", |_threads| {
///     Ok((Arc::new(anyloop::rt::Smol) as Arc<dyn anyloop::rt::DynRuntime>, Box::new(()) as _))
/// });
/// let report = Compare::new("spawn")
///     .backends(vec![])
///     .plugin(plugin)
///     .repeat(2)
///     .run(|| async { anyloop::spawn(async {}).await.unwrap() })?;
/// assert_eq!(report.workloads[0].cases[0].cells[0].backend, "my-runtime");
/// # Ok::<(), anyloop_bench::Error>(())
/// ```
#[derive(Clone)]
pub struct Plugin {
    name: &'static str,
    make: Arc<PluginFactory>,
}

type PluginFactory = dyn Fn(usize) -> std::io::Result<(Arc<dyn anyloop::rt::DynRuntime>, Box<dyn std::any::Any>)>
    + Send
    + Sync;

impl Plugin {
    /// A plug-in named `name`, made by `make(threads)`.
    pub fn new<F>(name: &'static str, make: F) -> Plugin
    where
        F: Fn(usize) -> std::io::Result<(Arc<dyn anyloop::rt::DynRuntime>, Box<dyn std::any::Any>)>
            + Send
            + Sync
            + 'static,
    {
        Plugin {
            name,
            make: Arc::new(make),
        }
    }

    /// The name it is reported under.
    pub fn name(&self) -> &'static str {
        self.name
    }
}

impl std::fmt::Debug for Plugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Plugin")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone)]
struct Common {
    plugins: Vec<Plugin>,
    backends: Vec<Backend>,
    threads: usize,
    repeat: usize,
    warmup: usize,
    progress: bool,
    limit: Duration,
}

impl Common {
    fn validate(&self) -> Result<(), Error> {
        if self.repeat == 0 {
            return Err(Error::BadRepeat("0".to_owned()));
        }
        if self.threads == 0 {
            return Err(Error::BadThreads("0".to_owned()));
        }
        if self.backends.is_empty() && self.plugins.is_empty() {
            return Err(Error::EmptyList {
                what: "backends",
                valid: Backend::available()
                    .iter()
                    .map(|b| b.name())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        Ok(())
    }
}

/// A workload about to run.
struct Plan {
    name: String,
    title: String,
    about: String,
    how_to_read: String,
    sizes: String,
    x_name: Option<String>,
    servers: bool,
    reference: Vec<Reference>,
    cases: Vec<Case>,
    /// Measured runs per cell.
    repeat: usize,
}

fn execute(title: &str, mode: &str, common: &Common, plans: Vec<Plan>) -> Result<Report, Error> {
    common.validate()?;
    let started = Instant::now();
    let date = report::now_utc();
    let mut runtimes = common
        .backends
        .iter()
        .map(|&b| Ok((b, engine::runtime(b, common.threads)?)))
        .collect::<Result<Vec<_>, Error>>()?;
    // The values owning the plug-ins' threads, dropped after the runtimes.
    let mut plugin_owners = Vec::new();
    for plugin in &common.plugins {
        let (rt, owner) = (plugin.make)(common.threads).map_err(|err| Error::Runtime {
            backend: plugin.name,
            source: anyloop::BuildError::Io(err),
        })?;
        plugin_owners.push(owner);
        let runtime =
            anyloop::Runtime::from_dyn(plugin.name, rt).map_err(|source| Error::Runtime {
                backend: plugin.name,
                source,
            })?;
        runtimes.push((runtime.backend(), runtime));
    }
    let servers = if plans.iter().any(|p| p.servers) {
        Some(Arc::new(servers::Servers::start().map_err(Error::Servers)?))
    } else {
        None
    };
    let ctx = Ctx {
        servers: servers.clone(),
    };
    let total: usize = plans
        .iter()
        .map(|p| p.cases.len() * runtimes.len() * (common.warmup + p.repeat))
        .sum();
    let bar = engine::progress(total, common.progress);
    let mut results = Vec::with_capacity(plans.len());
    for plan in plans {
        let steps = engine::schedule(
            plan.cases.len(),
            runtimes.len(),
            common.warmup,
            common.repeat,
        );
        let mut raw: Vec<Vec<RawCell>> = plan
            .cases
            .iter()
            .map(|_| {
                runtimes
                    .iter()
                    .map(|(b, _)| RawCell {
                        backend: b.name(),
                        times: Vec::new(),
                        metrics: BTreeMap::new(),
                        check: String::new(),
                    })
                    .collect()
            })
            .collect();
        for step in steps {
            let case = &plan.cases[step.case];
            let (backend, rt) = &runtimes[step.backend];
            bar.set_message(format!("{} · {} on {backend}", plan.name, case.label));
            let failed = |message: String| {
                (
                    plan.name.clone(),
                    case.label.clone(),
                    backend.name(),
                    message,
                )
            };
            let measured = match engine::run_once(rt, &case.run, ctx.clone(), common.limit) {
                Ok(m) => m,
                Err(Failure::Check(message)) => {
                    let (workload, case, backend, message) = failed(message);
                    bar.abandon();
                    return Err(Error::SelfCheck {
                        workload,
                        case,
                        backend,
                        message,
                    });
                }
                Err(Failure::Panic(message)) => {
                    let (workload, case, backend, message) = failed(message);
                    bar.abandon();
                    return Err(Error::Panicked {
                        workload,
                        case,
                        backend,
                        message,
                    });
                }
                Err(Failure::TimedOut) => {
                    bar.abandon();
                    return Err(Error::TimedOut {
                        workload: plan.name.clone(),
                        case: case.label.clone(),
                        backend: backend.name(),
                        limit: common.limit,
                    });
                }
            };
            bar.inc(1);
            if step.warmup {
                continue;
            }
            let cell = &mut raw[step.case][step.backend];
            cell.times.push(measured.time.as_secs_f64());
            for (name, value) in measured.metrics {
                cell.metrics.entry(name.to_owned()).or_default().push(value);
            }
            cell.check = measured.check;
        }
        let cases = plan
            .cases
            .iter()
            .zip(raw)
            .map(|(case, cells)| {
                report::CaseResult::build(case.label.clone(), case.x, case.extrapolated, cells)
            })
            .collect();
        let mut result = WorkloadResult {
            name: plan.name,
            title: plan.title,
            about: plan.about,
            how_to_read: plan.how_to_read,
            sizes: plan.sizes,
            repeat: plan.repeat,
            x_name: plan.x_name,
            reference: plan.reference,
            cases,
        };
        if result.name == "crawler" {
            report::add_speedups(&mut result);
        }
        results.push(result);
    }
    bar.finish_and_clear();
    drop(runtimes);
    drop(plugin_owners);
    Ok(Report {
        schema: SCHEMA.to_owned(),
        title: title.to_owned(),
        date,
        command: command_line(),
        wall_time_s: started.elapsed().as_secs_f64(),
        machine: report::machine(),
        settings: RunSettings {
            mode: mode.to_owned(),
            threads: common.threads,
            repeat: common.repeat,
            warmup: common.warmup,
            backends: common
                .backends
                .iter()
                .map(|b| b.name())
                .chain(common.plugins.iter().map(|p| p.name))
                .map(str::to_owned)
                .collect(),
            servers_backend: servers.as_ref().map(|s| s.backend.name().to_owned()),
        },
        workloads: results,
    })
}

/// The tool's workloads, on the chosen backends: what `anyloop-bench` runs.
///
/// # Examples
///
/// ```
/// use anyloop_bench::{Mode, Suite};
///
/// let report = Suite::new(Mode::Quick)
///     .workloads(anyloop_bench::parse_workloads("spawn-join,yield")?)
///     .repeat(1)
///     .run()?;
/// assert_eq!(report.workloads.len(), 2);
/// assert!(report.workloads.iter().all(|w| w.cases.iter().all(|c| c.cells.iter().all(|cell| cell.passed))));
/// # Ok::<(), anyloop_bench::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Suite {
    mode: Mode,
    workloads: Vec<&'static str>,
    common: Common,
    repeat_set: bool,
}

impl Suite {
    /// Every workload on every compiled-in backend, in `mode`, with one
    /// worker thread per core, one warm-up run and [`Mode::repeat`] runs
    /// (3 for the crawler, the sweep and the pipeline in the default mode:
    /// their runs are long, and their times are set by the servers'
    /// delays, so they vary little).
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop_bench::{Mode, Suite};
    ///
    /// let suite = Suite::new(Mode::Default);
    /// # let _ = suite;
    /// ```
    pub fn new(mode: Mode) -> Suite {
        Suite {
            mode,
            workloads: workload_names(),
            common: Common {
                plugins: Vec::new(),
                backends: Backend::available().to_vec(),
                threads: cores(),
                repeat: mode.repeat(),
                warmup: 1,
                progress: false,
                limit: mode.limit(),
            },
            repeat_set: false,
        }
    }

    /// Only these backends, in this order (see [`parse_backends`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop_bench::{Mode, Suite, parse_backends};
    ///
    /// let suite = Suite::new(Mode::Quick).backends(parse_backends("tokio,smol")?);
    /// # let _ = suite;
    /// # Ok::<(), anyloop_bench::Error>(())
    /// ```
    pub fn backends(mut self, backends: Vec<Backend>) -> Suite {
        self.common.backends = backends;
        self
    }

    /// Adds a plug-in runtime after the backends (see [`Plugin`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use anyloop_bench::{Mode, Plugin, Suite};
    ///
    /// let plugin = Plugin::new("mine", |_| {
    ///     Ok((Arc::new(anyloop::rt::Smol) as Arc<dyn anyloop::rt::DynRuntime>, Box::new(()) as _))
    /// });
    /// let suite = Suite::new(Mode::Quick).plugin(plugin);
    /// # let _ = suite;
    /// ```
    pub fn plugin(mut self, plugin: Plugin) -> Suite {
        self.common.plugins.push(plugin);
        self
    }

    /// Only these workloads (see [`parse_workloads`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop_bench::{Mode, Suite, parse_workloads};
    ///
    /// let suite = Suite::new(Mode::Quick).workloads(parse_workloads("crawler,tcp-echo")?);
    /// # let _ = suite;
    /// # Ok::<(), anyloop_bench::Error>(())
    /// ```
    pub fn workloads(mut self, workloads: Vec<&'static str>) -> Suite {
        self.workloads = workloads;
        self
    }

    /// Worker threads of every runtime; 1 is a current-thread runtime where
    /// the backend has one (tokio, smol).
    ///
    /// # Examples
    ///
    /// ```
    /// let suite = anyloop_bench::Suite::new(anyloop_bench::Mode::Quick).threads(1);
    /// # let _ = suite;
    /// ```
    pub fn threads(mut self, threads: usize) -> Suite {
        self.common.threads = threads;
        self
    }

    /// Measured runs per cell of every workload (at least 1).
    ///
    /// # Examples
    ///
    /// ```
    /// let suite = anyloop_bench::Suite::new(anyloop_bench::Mode::Quick).repeat(10);
    /// # let _ = suite;
    /// ```
    pub fn repeat(mut self, repeat: usize) -> Suite {
        self.common.repeat = repeat;
        self.repeat_set = true;
        self
    }

    /// Unrecorded runs per cell before the measured ones (default 1).
    ///
    /// # Examples
    ///
    /// ```
    /// let suite = anyloop_bench::Suite::new(anyloop_bench::Mode::Quick).warmup(2);
    /// # let _ = suite;
    /// ```
    pub fn warmup(mut self, warmup: usize) -> Suite {
        self.common.warmup = warmup;
        self
    }

    /// Shows a progress bar on stderr (only when it is a terminal).
    ///
    /// # Examples
    ///
    /// ```
    /// let suite = anyloop_bench::Suite::new(anyloop_bench::Mode::Quick).progress(true);
    /// # let _ = suite;
    /// ```
    pub fn progress(mut self, on: bool) -> Suite {
        self.common.progress = on;
        self
    }

    /// Runs the workloads.
    ///
    /// # Errors
    ///
    /// A bad setting ([`Error::BadRepeat`], [`Error::BadThreads`],
    /// [`Error::EmptyList`], [`Error::UnknownWorkload`]), a runtime or the
    /// servers that cannot start, or a run that failed its check, panicked
    /// or did not finish in time.
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop_bench::{Mode, Suite};
    ///
    /// let report = Suite::new(Mode::Quick).workloads(vec!["timeout"]).repeat(1).run()?;
    /// assert_eq!(report.workloads[0].name, "timeout");
    /// # Ok::<(), anyloop_bench::Error>(())
    /// ```
    pub fn run(&self) -> Result<Report, Error> {
        let plans = self
            .workloads
            .iter()
            .map(|name| {
                let info = workloads::find(name).ok_or_else(|| Error::UnknownWorkload {
                    name: (*name).to_owned(),
                    valid: workload_names().join(", "),
                })?;
                Ok(Plan {
                    name: info.name.to_owned(),
                    title: info.title.to_owned(),
                    about: info.about.to_owned(),
                    how_to_read: info.how_to_read.to_owned(),
                    sizes: workloads::sizes_text(info, self.mode),
                    x_name: info.x_name.map(str::to_owned),
                    servers: info.servers,
                    reference: if info.name == "crawler" {
                        report::book_reference()
                    } else {
                        Vec::new()
                    },
                    cases: workloads::cases(info, self.mode),
                    repeat: if self.repeat_set {
                        self.common.repeat
                    } else {
                        self.mode.repeat_of(info.servers)
                    },
                })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        execute("anyloop-bench", self.mode.name(), &self.common, plans)
    }
}

/// Compares the backends on your own async code: see the [crate
/// docs](crate#your-own-code).
///
/// # Examples
///
/// ```
/// let report = anyloop_bench::Compare::new("spawn 10")
///     .backends(anyloop::Backend::available().to_vec())
///     .threads(1)
///     .repeat(2)
///     .run(|| async {
///         for i in 0..10 {
///             assert_eq!(anyloop::spawn(async move { i }).await.unwrap(), i);
///         }
///     })?;
/// assert_eq!(report.workloads[0].cases[0].cells[0].samples_s.len(), 2);
/// # Ok::<(), anyloop_bench::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Compare {
    name: String,
    common: Common,
}

impl Compare {
    /// A comparison named `name`, on every compiled-in backend, one worker
    /// thread per core, one warm-up run and 10 measured runs.
    ///
    /// # Examples
    ///
    /// ```
    /// let compare = anyloop_bench::Compare::new("my code");
    /// # let _ = compare;
    /// ```
    pub fn new(name: impl Into<String>) -> Compare {
        Compare {
            name: name.into(),
            common: Common {
                plugins: Vec::new(),
                backends: Backend::available().to_vec(),
                threads: cores(),
                repeat: 10,
                warmup: 1,
                progress: false,
                limit: Duration::from_secs(600),
            },
        }
    }

    /// Only these backends, in this order.
    ///
    /// # Examples
    ///
    /// ```
    /// let compare = anyloop_bench::Compare::new("my code").backends(vec![anyloop::Backend::Smol]);
    /// # let _ = compare;
    /// ```
    pub fn backends(mut self, backends: Vec<Backend>) -> Compare {
        self.common.backends = backends;
        self
    }

    /// Adds a plug-in runtime after the backends (see [`Plugin`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use anyloop_bench::{Compare, Plugin};
    ///
    /// let plugin = Plugin::new("mine", |_| {
    ///     Ok((Arc::new(anyloop::rt::Smol) as Arc<dyn anyloop::rt::DynRuntime>, Box::new(()) as _))
    /// });
    /// let compare = Compare::new("my code").plugin(plugin);
    /// # let _ = compare;
    /// ```
    pub fn plugin(mut self, plugin: Plugin) -> Compare {
        self.common.plugins.push(plugin);
        self
    }

    /// Worker threads of every runtime (1: current-thread where possible).
    ///
    /// # Examples
    ///
    /// ```
    /// let compare = anyloop_bench::Compare::new("my code").threads(1);
    /// # let _ = compare;
    /// ```
    pub fn threads(mut self, threads: usize) -> Compare {
        self.common.threads = threads;
        self
    }

    /// Measured runs per backend (at least 1).
    ///
    /// # Examples
    ///
    /// ```
    /// let compare = anyloop_bench::Compare::new("my code").repeat(20);
    /// # let _ = compare;
    /// ```
    pub fn repeat(mut self, repeat: usize) -> Compare {
        self.common.repeat = repeat;
        self
    }

    /// Unrecorded runs per backend before the measured ones.
    ///
    /// # Examples
    ///
    /// ```
    /// let compare = anyloop_bench::Compare::new("my code").warmup(3);
    /// # let _ = compare;
    /// ```
    pub fn warmup(mut self, warmup: usize) -> Compare {
        self.common.warmup = warmup;
        self
    }

    /// How long one run may take before it is [`Error::TimedOut`]
    /// (default 10 minutes).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let err = anyloop_bench::Compare::new("too slow")
    ///     .repeat(1)
    ///     .warmup(0)
    ///     .time_limit(Duration::from_millis(10))
    ///     .run(|| anyloop::time::sleep(Duration::from_secs(60)))
    ///     .unwrap_err();
    /// assert!(matches!(err, anyloop_bench::Error::TimedOut { .. }));
    /// ```
    pub fn time_limit(mut self, limit: Duration) -> Compare {
        self.common.limit = limit;
        self
    }

    /// Shows a progress bar on stderr (only when it is a terminal).
    ///
    /// # Examples
    ///
    /// ```
    /// let compare = anyloop_bench::Compare::new("my code").progress(true);
    /// # let _ = compare;
    /// ```
    pub fn progress(mut self, on: bool) -> Compare {
        self.common.progress = on;
        self
    }

    /// Times `f()` to completion, as a task of each backend's runtime,
    /// interleaved, and returns the report.
    ///
    /// # Errors
    ///
    /// A bad setting, a runtime that cannot start, or a run that panicked
    /// ([`Error::Panicked`]) or did not finish in time.
    ///
    /// # Examples
    ///
    /// ```
    /// let report = anyloop_bench::Compare::new("yield").repeat(2).run(|| anyloop::task::yield_now())?;
    /// let cells = &report.workloads[0].cases[0].cells;
    /// assert!(cells.iter().all(|c| c.samples_s.len() == 2));
    /// # Ok::<(), anyloop_bench::Error>(())
    /// ```
    pub fn run<F, Fut>(&self, f: F) -> Result<Report, Error>
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future + Send + 'static,
    {
        let case = Case::new(self.name.clone(), move |_| {
            let future = f();
            async move {
                let start = Instant::now();
                black_box(future.await);
                Ok(Measurement::new(start.elapsed(), "ran to completion"))
            }
        });
        let plan = Plan {
            name: self.name.clone(),
            title: self.name.clone(),
            about: format!("Your code, `{}`, run to completion.", self.name),
            how_to_read: "The time of one call, run as a task of each runtime. Lower is better."
                .to_owned(),
            sizes: "one call per run".to_owned(),
            x_name: None,
            servers: false,
            reference: Vec::new(),
            cases: vec![case],
            repeat: self.common.repeat,
        };
        execute(&self.name, "custom", &self.common, vec![plan])
    }
}

/// Runs `f` on every compiled-in backend with [`Compare`]'s defaults,
/// prints the table to stdout, writes the report into
/// `target/anyloop-bench/<name>/` and prints its path to stderr.
///
/// # Errors
///
/// As [`Compare::run`] and [`Report::write`].
///
/// # Examples
///
/// ```no_run
/// async fn my_code() {
///     anyloop::time::sleep(std::time::Duration::from_millis(1)).await;
/// }
///
/// fn main() -> Result<(), anyloop_bench::Error> {
///     anyloop_bench::compare("my code", || async { my_code().await })?;
///     Ok(())
/// }
/// ```
pub fn compare<F, Fut>(name: &str, f: F) -> Result<Report, Error>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future + Send + 'static,
{
    let report = Compare::new(name).progress(true).run(f)?;
    println!("{}", report.table());
    let dir = PathBuf::from("target/anyloop-bench").join(report::slug(name));
    let html = report.write(&dir)?;
    eprintln!("report: {}", html.display());
    Ok(report)
}
