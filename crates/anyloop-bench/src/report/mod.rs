//! The results of a run, and their outputs: terminal table, Markdown, JSON,
//! SVG charts and the HTML page.

mod chart;
mod html;
mod table;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::Error;
use crate::stats::{Summary, ratio};

/// The version of the JSON shape, in its `schema` field.
///
/// # Examples
///
/// ```
/// assert_eq!(anyloop_bench::SCHEMA, "anyloop-bench/1");
/// ```
pub const SCHEMA: &str = "anyloop-bench/1";

/// The results of a run: what ran where, and every cell's samples.
///
/// Its JSON (see [`Report::json`]) has this shape, version
/// [`SCHEMA`]; fields are only ever added within a version:
///
/// ```text
/// { "schema": "anyloop-bench/1", "title", "date", "command", "wall_time_s",
///   "machine": { "cores", "cpu", "os", "rustc", "anyloop", "runtimes": { "tokio": "1.x", ... } },
///   "settings": { "mode", "threads", "repeat", "warmup", "backends": [..], "servers_backend" },
///   "workloads": [ { "name", "title", "about", "how_to_read", "sizes", "repeat", "x_name",
///       "reference": [ { "label", "seconds", "note" } ],
///       "cases": [ { "label", "x", "extrapolated", "best",
///           "cells": [ { "backend", "passed", "check", "samples_s": [..],
///               "time_s": { "n", "median", "q1", "q3", "min", "max" },
///               "ratio", "ratio_spread", "noisy",
///               "metrics": { "<name>": { "n", "median", ... } } } ] } ] } ] }
/// ```
///
/// Times are in seconds. `ratio` is the cell's median over the best
/// median of its row (1 for the best); `passed` is the workload's own check
/// of its work, and `check` says what it verified.
///
/// # Examples
///
/// ```
/// use anyloop_bench::Compare;
///
/// let report = Compare::new("sum").repeat(2).run(|| async {
///     assert_eq!((1..=100u64).sum::<u64>(), 5050);
/// })?;
/// let json: serde_json::Value = serde_json::from_str(&report.json())?;
/// assert_eq!(json["schema"], "anyloop-bench/1");
/// assert_eq!(report.workloads[0].cases[0].cells.len(), anyloop::Backend::available().len());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Report {
    /// [`SCHEMA`].
    pub schema: String,
    /// What was compared.
    pub title: String,
    /// When the run started (UTC).
    pub date: String,
    /// The command line of the run.
    pub command: String,
    /// How long the whole run took, in seconds.
    pub wall_time_s: f64,
    /// The machine it ran on.
    pub machine: Machine,
    /// How it ran.
    pub settings: RunSettings,
    /// The results, per workload.
    pub workloads: Vec<WorkloadResult>,
}

/// The machine a run was made on.
///
/// # Examples
///
/// ```
/// let report = anyloop_bench::Compare::new("spawn").repeat(2).run(|| anyloop::spawn(async { 1 }))?;
/// assert!(report.machine.cores >= 1);
/// assert!(report.machine.runtimes.contains_key("tokio"));
/// # Ok::<(), anyloop_bench::Error>(())
/// ```
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Machine {
    /// The logical CPUs available to the process.
    pub cores: usize,
    /// The CPU model, from `/proc/cpuinfo` where there is one.
    pub cpu: String,
    /// The operating system and kernel.
    pub os: String,
    /// The compiler that built the tool.
    pub rustc: String,
    /// The anyloop version.
    pub anyloop: String,
    /// The versions of the runtimes and reactors linked in.
    pub runtimes: BTreeMap<String, String>,
}

/// How a run was made.
///
/// # Examples
///
/// ```
/// let report = anyloop_bench::Compare::new("spawn").repeat(2).run(|| anyloop::spawn(async { 1 }))?;
/// assert_eq!(report.settings.mode, "custom");
/// assert_eq!(report.settings.repeat, 2);
/// # Ok::<(), anyloop_bench::Error>(())
/// ```
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct RunSettings {
    /// `quick`, `default`, `full`, or `custom` for [`Compare`](crate::Compare).
    pub mode: String,
    /// Worker threads of every runtime (1: current-thread where possible).
    pub threads: usize,
    /// Measured runs per cell.
    pub repeat: usize,
    /// Unrecorded runs per cell before them.
    pub warmup: usize,
    /// The backends, in the order of each round.
    pub backends: Vec<String>,
    /// The backend of the loopback servers (not under test), if any ran.
    pub servers_backend: Option<String>,
}

/// The results of one workload.
///
/// # Examples
///
/// ```
/// let report = anyloop_bench::Compare::new("spawn").repeat(2).run(|| anyloop::spawn(async { 1 }))?;
/// assert_eq!(report.workloads[0].name, "spawn");
/// assert_eq!(report.workloads[0].repeat, 2);
/// # Ok::<(), anyloop_bench::Error>(())
/// ```
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct WorkloadResult {
    /// Its name, as `--workloads` takes it.
    pub name: String,
    /// Its title.
    pub title: String,
    /// What it does.
    pub about: String,
    /// How to read its figures.
    pub how_to_read: String,
    /// Its sizes in this run, in words.
    pub sizes: String,
    /// Measured runs per cell.
    pub repeat: usize,
    /// The x axis of a sweep (its cases' `x`), if it is one.
    pub x_name: Option<String>,
    /// Published reference figures, not measured here.
    pub reference: Vec<Reference>,
    /// One row per size or variant.
    pub cases: Vec<CaseResult>,
}

/// A published figure shown beside ours, labelled as such.
///
/// # Examples
///
/// ```
/// use anyloop_bench::{Mode, Suite};
///
/// // The crawler shows the book's published figures beside ours.
/// let report = Suite::new(Mode::Quick).workloads(vec!["crawler"]).repeat(1).run()?;
/// let reference = &report.workloads[0].reference;
/// assert!(reference.iter().any(|r| r.label == "aiohttp (book)" && r.seconds == 1.10));
/// # Ok::<(), anyloop_bench::Error>(())
/// ```
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Reference {
    /// What was measured.
    pub label: String,
    /// The published time, in seconds.
    pub seconds: f64,
    /// Where it comes from.
    pub note: String,
}

/// One row: a case of a workload on every backend.
///
/// # Examples
///
/// ```
/// let report = anyloop_bench::Compare::new("spawn").repeat(2).run(|| anyloop::spawn(async { 1 }))?;
/// let case = &report.workloads[0].cases[0];
/// assert!(case.cells.iter().any(|c| c.backend == case.best && c.ratio == 1.0));
/// # Ok::<(), anyloop_bench::Error>(())
/// ```
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct CaseResult {
    /// The case.
    pub label: String,
    /// The x value of a sweep point.
    pub x: Option<f64>,
    /// Whether the time was extrapolated from a sample of the work.
    pub extrapolated: bool,
    /// The backend with the lowest median.
    pub best: String,
    /// One cell per backend, in the run's order.
    pub cells: Vec<Cell>,
}

/// One backend's results for a case.
///
/// # Examples
///
/// ```
/// let report = anyloop_bench::Compare::new("spawn").repeat(2).run(|| anyloop::spawn(async { 1 }))?;
/// let cell = &report.workloads[0].cases[0].cells[0];
/// assert!(cell.passed);
/// assert_eq!(cell.samples_s.len(), cell.time_s.n);
/// # Ok::<(), anyloop_bench::Error>(())
/// ```
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Cell {
    /// The backend.
    pub backend: String,
    /// Whether every run passed the workload's check (a failed check ends
    /// the run with an error, so a report only holds passed cells).
    pub passed: bool,
    /// What the check verified.
    pub check: String,
    /// The measured times, in seconds, in run order.
    pub samples_s: Vec<f64>,
    /// Their summary.
    pub time_s: Summary,
    /// This median over the best median of the row.
    pub ratio: f64,
    /// The spread of the ratio (from both cells' interquartile ranges).
    pub ratio_spread: f64,
    /// Whether the interquartile range exceeds 10% of the median.
    pub noisy: bool,
    /// Further figures, summarised over the runs.
    pub metrics: BTreeMap<String, Summary>,
}

/// The raw results of one cell, before the row is known.
pub(crate) struct RawCell {
    pub(crate) backend: &'static str,
    pub(crate) times: Vec<f64>,
    pub(crate) metrics: BTreeMap<String, Vec<f64>>,
    pub(crate) check: String,
}

impl CaseResult {
    pub(crate) fn build(
        label: String,
        x: Option<f64>,
        extrapolated: bool,
        raw: Vec<RawCell>,
    ) -> CaseResult {
        let summaries: Vec<Summary> = raw
            .iter()
            .map(|c| Summary::of(&c.times).unwrap_or(EMPTY))
            .collect();
        let best = (0..raw.len())
            .min_by(|&a, &b| summaries[a].median.total_cmp(&summaries[b].median))
            .unwrap_or(0);
        let cells = raw
            .into_iter()
            .zip(&summaries)
            .map(|(c, s)| {
                let (r, spread) = ratio(s, &summaries[best]);
                Cell {
                    backend: c.backend.to_owned(),
                    passed: true,
                    check: c.check,
                    samples_s: c.times,
                    time_s: *s,
                    ratio: r,
                    ratio_spread: spread,
                    noisy: s.is_noisy(),
                    metrics: c
                        .metrics
                        .into_iter()
                        .filter_map(|(k, v)| Some((k, Summary::of(&v)?)))
                        .collect(),
                }
            })
            .collect::<Vec<_>>();
        CaseResult {
            label,
            x,
            extrapolated,
            best: cells
                .get(best)
                .map(|c| c.backend.clone())
                .unwrap_or_default(),
            cells,
        }
    }
}

const EMPTY: Summary = Summary {
    n: 0,
    median: f64::NAN,
    q1: f64::NAN,
    q3: f64::NAN,
    min: f64::NAN,
    max: f64::NAN,
};

/// The crawler's speed-up over serial, per backend, from the serial row.
pub(crate) fn add_speedups(w: &mut WorkloadResult) {
    let Some(serial) = w
        .cases
        .iter()
        .find(|c| c.label.starts_with("serial"))
        .cloned()
    else {
        return;
    };
    for case in w
        .cases
        .iter_mut()
        .filter(|c| !c.label.starts_with("serial"))
    {
        for cell in &mut case.cells {
            if let Some(base) = serial.cells.iter().find(|c| c.backend == cell.backend) {
                let ups: Vec<f64> = cell
                    .samples_s
                    .iter()
                    .map(|t| base.time_s.median / t)
                    .collect();
                if let Some(s) = Summary::of(&ups) {
                    cell.metrics.insert("speed-up vs serial".to_owned(), s);
                }
            }
        }
    }
}

/// The book's published figures for the crawler (its machine, not ours).
pub(crate) fn book_reference() -> Vec<Reference> {
    let note = "published in High Performance Python (2nd ed.), ch. 8, 1000 requests × 100 ms: the book's machine, not measured here";
    [
        ("serial (book)", 102.7),
        ("aiohttp (book)", 1.10),
        ("gevent (book)", 1.14),
        ("tornado (book)", 1.17),
    ]
    .into_iter()
    .map(|(label, seconds)| Reference {
        label: label.to_owned(),
        seconds,
        note: note.to_owned(),
    })
    .collect()
}

impl Report {
    /// The table for a terminal: a row per case, a column per backend, the
    /// best of each row marked and the others as a ratio to it; then one
    /// sentence per row naming the winner, and the further figures.
    ///
    /// # Examples
    ///
    /// ```
    /// let report = anyloop_bench::Compare::new("spawn").repeat(2).run(|| anyloop::spawn(async { 1 }))?;
    /// assert!(report.table().contains("★ best"));
    /// # Ok::<(), anyloop_bench::Error>(())
    /// ```
    pub fn table(&self) -> String {
        table::terminal(self)
    }

    /// The same tables in Markdown, with the machine and the command.
    ///
    /// # Examples
    ///
    /// ```
    /// let report = anyloop_bench::Compare::new("spawn").repeat(2).run(|| anyloop::spawn(async { 1 }))?;
    /// assert!(report.markdown().contains("| workload | case |"));
    /// # Ok::<(), anyloop_bench::Error>(())
    /// ```
    pub fn markdown(&self) -> String {
        table::markdown(self)
    }

    /// The report as pretty-printed JSON (see [`Report`] for the shape).
    ///
    /// # Examples
    ///
    /// ```
    /// let report = anyloop_bench::Compare::new("spawn").repeat(2).run(|| anyloop::spawn(async { 1 }))?;
    /// let json: serde_json::Value = serde_json::from_str(&report.json()).unwrap();
    /// assert_eq!(json["workloads"][0]["name"], "spawn");
    /// # Ok::<(), anyloop_bench::Error>(())
    /// ```
    pub fn json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }

    /// The SVG charts: (file name, SVG text) for each.
    ///
    /// # Errors
    ///
    /// [`Error::Chart`] if plotters fails to draw one.
    ///
    /// # Examples
    ///
    /// ```
    /// let report = anyloop_bench::Compare::new("spawn").repeat(2).run(|| anyloop::spawn(async { 1 }))?;
    /// let charts = report.charts()?;
    /// assert_eq!(charts[0].0, "spawn.svg");
    /// assert!(charts[0].1.starts_with("<svg"));
    /// # Ok::<(), anyloop_bench::Error>(())
    /// ```
    pub fn charts(&self) -> Result<Vec<(String, String)>, Error> {
        chart::all(self)
    }

    /// The self-contained HTML page: the machine, the tables, the charts
    /// (inline SVG) and how to read each workload.
    ///
    /// # Errors
    ///
    /// [`Error::Chart`] if a chart cannot be drawn.
    ///
    /// # Examples
    ///
    /// ```
    /// let report = anyloop_bench::Compare::new("spawn").repeat(2).run(|| anyloop::spawn(async { 1 }))?;
    /// let html = report.html()?;
    /// assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<svg"));
    /// # Ok::<(), anyloop_bench::Error>(())
    /// ```
    pub fn html(&self) -> Result<String, Error> {
        Ok(html::page(self, &self.charts()?))
    }

    /// Writes `results.md`, `results.json`, the charts and `report.html`
    /// into `dir` (created if needed); returns the path of `report.html`.
    ///
    /// # Errors
    ///
    /// [`Error::Write`] if a file cannot be written, [`Error::Chart`] if a
    /// chart cannot be drawn.
    ///
    /// # Examples
    ///
    /// ```
    /// let report = anyloop_bench::Compare::new("spawn").repeat(2).run(|| anyloop::spawn(async { 1 }))?;
    /// let dir = std::env::temp_dir().join("anyloop-bench-write-doc");
    /// let html = report.write(&dir)?;
    /// assert!(html.exists() && dir.join("results.json").exists() && dir.join("spawn.svg").exists());
    /// # Ok::<(), anyloop_bench::Error>(())
    /// ```
    pub fn write(&self, dir: &Path) -> Result<PathBuf, Error> {
        let write = |name: &str, text: &str| {
            let path = dir.join(name);
            std::fs::write(&path, text).map_err(|source| Error::Write { path, source })
        };
        std::fs::create_dir_all(dir).map_err(|source| Error::Write {
            path: dir.to_owned(),
            source,
        })?;
        let charts = self.charts()?;
        write("results.md", &self.markdown())?;
        write("results.json", &self.json())?;
        for (name, svg) in &charts {
            write(name, svg)?;
        }
        write("report.html", &html::page(self, &charts))?;
        Ok(dir.join("report.html"))
    }
}

/// The machine this process runs on.
pub(crate) fn machine() -> Machine {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_owned());
    let distro = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|l| l.strip_prefix("PRETTY_NAME="))
                .map(|v| v.trim_matches('"').to_owned())
        });
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .ok()
        .map(|v| v.trim().to_owned());
    let os = match (distro, kernel) {
        (Some(d), Some(k)) => format!("{d}, {} {k}", std::env::consts::OS),
        (Some(d), None) => d,
        (None, Some(k)) => format!("{} {k}", std::env::consts::OS),
        (None, None) => std::env::consts::OS.to_owned(),
    };
    let runtimes = [
        ("tokio", env!("ANYLOOP_BENCH_VERSION_TOKIO")),
        ("smol", env!("ANYLOOP_BENCH_VERSION_SMOL")),
        ("async-std", env!("ANYLOOP_BENCH_VERSION_ASYNC_STD")),
        (
            "async-executor",
            env!("ANYLOOP_BENCH_VERSION_ASYNC_EXECUTOR"),
        ),
        ("async-io", env!("ANYLOOP_BENCH_VERSION_ASYNC_IO")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    Machine {
        cores,
        cpu,
        os,
        rustc: env!("ANYLOOP_BENCH_RUSTC").to_owned(),
        anyloop: env!("CARGO_PKG_VERSION").to_owned(),
        runtimes,
    }
}

/// The current UTC date and time, `YYYY-MM-DD HH:MM UTC`.
pub(crate) fn now_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    utc(secs)
}

/// `secs` after the Unix epoch as `YYYY-MM-DD HH:MM UTC`.
fn utc(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let (hour, minute) = ((secs % 86_400) / 3600, (secs % 3600) / 60);
    // Days to a civil date (proleptic Gregorian), by 400-year eras.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02} UTC")
}

/// A name as a file name: lower-case ASCII letters and digits, the rest `-`.
pub(crate) fn slug(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

/// A duration in seconds, with a unit that keeps three significant digits.
pub(crate) fn fmt_secs(s: f64) -> String {
    if !s.is_finite() {
        return "–".to_owned();
    }
    let (value, unit) = if s >= 1.0 {
        (s, "s")
    } else if s >= 1e-3 {
        (s * 1e3, "ms")
    } else if s >= 1e-6 {
        (s * 1e6, "µs")
    } else {
        (s * 1e9, "ns")
    };
    let digits = if value >= 100.0 {
        0
    } else if value >= 10.0 {
        1
    } else {
        2
    };
    format!("{value:.digits$} {unit}")
}

/// A metric's value with three significant digits.
pub(crate) fn fmt_num(x: f64) -> String {
    if x.abs() >= 100.0 {
        format!("{x:.0}")
    } else if x.abs() >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_dates() {
        assert_eq!(utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc(951_782_400), "2000-02-29 00:00 UTC");
        assert_eq!(utc(1_798_761_599), "2026-12-31 23:59 UTC");
    }

    #[test]
    fn durations_keep_three_digits() {
        assert_eq!(fmt_secs(1.23456), "1.23 s");
        assert_eq!(fmt_secs(0.0123), "12.3 ms");
        assert_eq!(fmt_secs(0.000_123_4), "123 µs");
        assert_eq!(fmt_secs(5e-8), "50.0 ns");
        assert_eq!(fmt_secs(f64::NAN), "–");
    }

    fn raw(backend: &'static str, times: &[f64]) -> RawCell {
        RawCell {
            backend,
            times: times.to_vec(),
            metrics: BTreeMap::new(),
            check: "ok".to_owned(),
        }
    }

    #[test]
    fn the_best_cell_has_ratio_one() {
        let case = CaseResult::build(
            "x".to_owned(),
            None,
            false,
            vec![raw("tokio", &[2.0, 2.0]), raw("smol", &[1.0, 1.0])],
        );
        assert_eq!(case.best, "smol");
        assert_eq!(case.cells[1].ratio, 1.0);
        assert_eq!(case.cells[0].ratio, 2.0);
    }
}
