//! Runs cases on every backend, interleaved, and collects their samples.

use std::future::Future;
use std::io::IsTerminal;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use anyloop::{Backend, Runtime};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::Error;
use crate::servers::Servers;

/// What one run of a case measured, and what it checked.
#[derive(Debug, Clone, Default)]
pub(crate) struct Measurement {
    /// The measured time (extrapolated, for the sampled cases).
    pub(crate) time: Duration,
    /// Further figures of the run (lateness percentiles, efficiency...).
    pub(crate) metrics: Vec<(&'static str, f64)>,
    /// What the run verified, in words.
    pub(crate) check: String,
}

impl Measurement {
    pub(crate) fn new(time: Duration, check: impl Into<String>) -> Measurement {
        Measurement {
            time,
            metrics: Vec::new(),
            check: check.into(),
        }
    }

    pub(crate) fn metric(mut self, name: &'static str, value: f64) -> Measurement {
        self.metrics.push((name, value));
        self
    }
}

/// A boxed run of a case: the error is what the self-check found.
pub(crate) type RunFuture = Pin<Box<dyn Future<Output = Result<Measurement, String>> + Send>>;
/// Makes one run of a case, on the backend of the context.
pub(crate) type RunFn = Arc<dyn Fn(Ctx) -> RunFuture + Send + Sync>;

/// What a run may use besides its runtime.
#[derive(Clone)]
pub(crate) struct Ctx {
    /// The loopback servers of the crawler and the pipeline (not under test).
    pub(crate) servers: Option<Arc<Servers>>,
}

/// One row of a workload: a size or a variant, run on every backend.
pub(crate) struct Case {
    pub(crate) label: String,
    /// The x value of a sweep (limit, batch size), for the line charts.
    pub(crate) x: Option<f64>,
    /// Whether the time is extrapolated from a sample of the work.
    pub(crate) extrapolated: bool,
    pub(crate) run: RunFn,
}

impl Case {
    pub(crate) fn new<F, Fut>(label: impl Into<String>, run: F) -> Case
    where
        F: Fn(Ctx) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Measurement, String>> + Send + 'static,
    {
        Case {
            label: label.into(),
            x: None,
            extrapolated: false,
            run: Arc::new(move |ctx| Box::pin(run(ctx))),
        }
    }

    pub(crate) fn at(mut self, x: f64) -> Case {
        self.x = Some(x);
        self
    }

    pub(crate) fn extrapolated(mut self, yes: bool) -> Case {
        self.extrapolated = yes;
        self
    }
}

/// One step of a run: case `case`, round `round`, on backend `backend`
/// (indices); rounds below the warm-up count are not recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Step {
    pub(crate) case: usize,
    pub(crate) round: usize,
    pub(crate) backend: usize,
    pub(crate) warmup: bool,
}

/// The order of the runs: case after case; within a case, round after
/// round, and within a round every backend in turn (A B C A B C ...), so
/// that drift of the machine hits every backend alike.
pub(crate) fn schedule(cases: usize, backends: usize, warmup: usize, repeat: usize) -> Vec<Step> {
    let mut steps = Vec::with_capacity(cases * backends * (warmup + repeat));
    for case in 0..cases {
        for round in 0..warmup + repeat {
            for backend in 0..backends {
                steps.push(Step {
                    case,
                    round,
                    backend,
                    warmup: round < warmup,
                });
            }
        }
    }
    steps
}

/// Starts a runtime of `backend` with `threads` workers (1: current-thread
/// where the backend has it).
pub(crate) fn runtime(backend: Backend, threads: usize) -> Result<Runtime, Error> {
    let mut builder = Runtime::builder();
    builder.backend(backend);
    if threads == 1 && backend != Backend::AsyncStd {
        builder.current_thread();
    } else {
        builder.worker_threads(threads);
    }
    builder.build().map_err(|source| Error::Runtime {
        backend: backend.name(),
        source,
    })
}

/// A failed run, before the workload and case are known.
pub(crate) enum Failure {
    Check(String),
    Panic(String),
    TimedOut,
}

/// Runs `run` once as a task of `rt`, bounded by `limit`.
pub(crate) fn run_once(
    rt: &Runtime,
    run: &RunFn,
    ctx: Ctx,
    limit: Duration,
) -> Result<Measurement, Failure> {
    let future = run(ctx);
    rt.block_on(async move {
        let mut task = anyloop::spawn(future);
        match anyloop::time::timeout(limit, &mut task).await {
            Ok(Ok(Ok(measured))) => Ok(measured),
            Ok(Ok(Err(message))) => Err(Failure::Check(message)),
            Ok(Err(err)) => Err(Failure::Panic(panic_message(err))),
            Err(_) => {
                task.abort();
                Err(Failure::TimedOut)
            }
        }
    })
}

fn panic_message(err: anyloop::task::JoinError) -> String {
    match err.try_into_panic() {
        Ok(payload) => match payload.downcast::<String>() {
            Ok(message) => *message,
            Err(payload) => match payload.downcast::<&'static str>() {
                Ok(message) => (*message).to_owned(),
                Err(_) => "a panic without a message".to_owned(),
            },
        },
        Err(err) => err.to_string(),
    }
}

/// A progress bar on stderr, hidden when stderr is not a terminal or when
/// `enabled` is false.
pub(crate) fn progress(total: usize, enabled: bool) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(
        Some(total as u64),
        if enabled && std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        },
    );
    if let Ok(style) =
        ProgressStyle::with_template("{elapsed_precise} [{bar:30}] {pos}/{len} runs  {msg}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backends_are_interleaved_within_each_round() {
        let steps = schedule(2, 3, 1, 2);
        assert_eq!(steps.len(), 2 * 3 * 3);
        let order: Vec<(usize, usize, usize)> =
            steps.iter().map(|s| (s.case, s.round, s.backend)).collect();
        let mut expected = Vec::new();
        for case in 0..2 {
            for round in 0..3 {
                for backend in 0..3 {
                    expected.push((case, round, backend));
                }
            }
        }
        assert_eq!(order, expected);
        // A B C A B C: no backend runs twice in a row.
        for pair in steps.windows(2) {
            if pair[0].case == pair[1].case {
                assert_ne!(pair[0].backend, pair[1].backend, "{pair:?}");
            }
        }
    }

    #[test]
    fn only_the_first_rounds_are_warm_up() {
        let steps = schedule(1, 2, 1, 3);
        let warm: Vec<bool> = steps.iter().map(|s| s.warmup).collect();
        assert_eq!(warm, [true, true, false, false, false, false, false, false]);
        let recorded = steps.iter().filter(|s| !s.warmup).count();
        assert_eq!(recorded, 2 * 3);
        assert!(schedule(1, 3, 0, 1).iter().all(|s| !s.warmup));
    }

    #[test]
    fn a_single_backend_runs_its_rounds_in_order() {
        let steps = schedule(1, 1, 2, 2);
        let rounds: Vec<usize> = steps.iter().map(|s| s.round).collect();
        assert_eq!(rounds, [0, 1, 2, 3]);
    }
}
