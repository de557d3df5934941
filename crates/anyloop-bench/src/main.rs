//! `anyloop-bench`: compare the runtimes on the same workloads.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyloop::Backend;
use anyloop_bench::{Mode, Overhead, Suite};
use clap::Parser;

#[derive(Debug, Parser)]
#[command(
    name = "anyloop-bench",
    version,
    about = "Compare tokio, smol and async-std on the same workloads, through anyloop",
    after_help = "Every workload runs on every backend, interleaved, after a warm-up run; each cell is the median with [min … max] and the IQR. `--list` shows the workloads and their sizes."
)]
struct Args {
    /// The backends, comma-separated (or `all`).
    #[arg(long, value_name = "LIST", default_value = "all", value_parser = backends)]
    backends: Backends,
    /// The workloads, comma-separated (or `all`); see --list.
    #[arg(long, value_name = "LIST", default_value = "all", value_parser = workloads)]
    workloads: Workloads,
    /// Worker threads of every runtime (1: current-thread where the backend has it) [default: the cores].
    #[arg(long, value_name = "N", value_parser = anyloop_bench::parse_threads)]
    threads: Option<usize>,
    /// Tiny sizes: every workload in seconds.
    #[arg(long, conflicts_with = "full")]
    quick: bool,
    /// The book's sizes (much longer).
    #[arg(long)]
    full: bool,
    /// Measured runs per cell [default: 5, 2 with --quick].
    #[arg(long, value_name = "K", value_parser = anyloop_bench::parse_repeat)]
    repeat: Option<usize>,
    /// Warm-up runs per cell, not recorded.
    #[arg(long, value_name = "K", default_value_t = 1)]
    warmup: usize,
    /// Also write the JSON results to FILE.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Where to write results.md, results.json, the SVG charts and report.html.
    #[arg(long, value_name = "DIR", default_value = "target/anyloop-bench")]
    out: PathBuf,
    /// List the workloads and their sizes, and exit.
    #[arg(long)]
    list: bool,
    /// Measure anyloop against each runtime's own calls instead: spawn+join, yield,
    /// sleep(0), timeout, TCP and UDP ping-pong, native vs the static and ambient faces.
    #[arg(long)]
    overhead: bool,
}

#[derive(Debug, Clone)]
struct Backends(Vec<Backend>);

#[derive(Debug, Clone)]
struct Workloads(Vec<&'static str>);

fn backends(text: &str) -> Result<Backends, anyloop_bench::Error> {
    anyloop_bench::parse_backends(text).map(Backends)
}

fn workloads(text: &str) -> Result<Workloads, anyloop_bench::Error> {
    anyloop_bench::parse_workloads(text).map(Workloads)
}

fn write(path: &PathBuf, text: &str) -> Result<(), anyloop_bench::Error> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| anyloop_bench::Error::Write {
            path: dir.to_owned(),
            source,
        })?;
    }
    std::fs::write(path, text).map_err(|source| anyloop_bench::Error::Write {
        path: path.clone(),
        source,
    })
}

/// Prints a report on stdout (its table on a terminal, Markdown otherwise,
/// so that `> results.md` works) and writes its JSON where `--json` says.
fn print(
    json_path: Option<&PathBuf>,
    table: String,
    markdown: String,
    json: &str,
) -> Result<(), anyloop_bench::Error> {
    if std::io::stdout().is_terminal() {
        println!("{table}");
    } else {
        println!("{markdown}");
    }
    match json_path {
        Some(path) => write(path, json),
        None => Ok(()),
    }
}

fn run(args: Args) -> Result<(), anyloop_bench::Error> {
    if args.list {
        print!("{}", anyloop_bench::list());
        return Ok(());
    }
    let mode = if args.quick {
        Mode::Quick
    } else if args.full {
        Mode::Full
    } else {
        Mode::Default
    };
    if args.overhead {
        let mut overhead = Overhead::new(mode).warmup(args.warmup);
        if let Some(repeat) = args.repeat {
            overhead = overhead.repeat(repeat);
        }
        let report = overhead.run()?;
        let json = report.json();
        print(args.json.as_ref(), report.table(), report.markdown(), &json)?;
        write(&args.out.join("overhead.json"), &json)?;
        let md = args.out.join("overhead.md");
        write(&md, &report.markdown())?;
        eprintln!("overhead table: {}", md.display());
        return Ok(());
    }
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let mut suite = Suite::new(mode)
        .backends(args.backends.0)
        .workloads(args.workloads.0)
        .threads(threads)
        .warmup(args.warmup)
        .progress(true);
    if let Some(repeat) = args.repeat {
        suite = suite.repeat(repeat);
    }
    let report = suite.run()?;
    print(
        args.json.as_ref(),
        report.table(),
        report.markdown(),
        &report.json(),
    )?;
    let html = report.write(&args.out)?;
    eprintln!("report: {}", html.display());
    Ok(())
}

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}
