//! Running one check: on a thread of its own, under a time limit, with its
//! panic caught.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::report::{Outcome, Status};

/// The payload of the panic that skips a check (the host cannot run it).
#[derive(Debug)]
pub(crate) struct Skip(pub(crate) String);

/// The time limit of a check unless `ANYLOOP_CONFORMANCE_TIME_LIMIT` (in
/// seconds) says otherwise.
pub(crate) const DEFAULT_TIME_LIMIT: Duration = Duration::from_secs(120);

/// The environment variable that sets the time limit of each check of
/// [`tests!`](crate::tests), in seconds.
pub(crate) const TIME_LIMIT_ENV: &str = "ANYLOOP_CONFORMANCE_TIME_LIMIT";

pub(crate) fn time_limit_from_env() -> Duration {
    std::env::var(TIME_LIMIT_ENV)
        .ok()
        .and_then(|secs| secs.trim().parse::<f64>().ok())
        .filter(|secs| secs.is_finite() && *secs > 0.0)
        .map_or(DEFAULT_TIME_LIMIT, Duration::from_secs_f64)
}

/// Runs `job` (which builds the runtime and drives one check to its end) on
/// a new thread, waiting at most `limit`. A check that hangs is a failure;
/// its thread is left behind.
pub(crate) fn run_job(
    area: &'static str,
    name: &'static str,
    limit: Duration,
    job: impl FnOnce() + Send + 'static,
) -> Outcome {
    let (tx, rx) = mpsc::channel();
    let start = Instant::now();
    let spawned = std::thread::Builder::new()
        .name(format!("{area}::{name}"))
        .spawn(move || {
            let result = catch_unwind(AssertUnwindSafe(job));
            let _ = tx.send(result);
        });
    let (status, message) = match spawned {
        Err(err) => (
            Status::Failed,
            Some(format!("could not start the check's thread: {err}")),
        ),
        Ok(_) => match rx.recv_timeout(limit) {
            Ok(Ok(())) => (Status::Passed, None),
            Ok(Err(payload)) => match payload.downcast::<Skip>() {
                Ok(skip) => (Status::Skipped, Some(skip.0)),
                Err(payload) => (Status::Failed, Some(panic_message(&*payload))),
            },
            Err(mpsc::RecvTimeoutError::Timeout) => (
                Status::Failed,
                Some(format!(
                    "did not complete within {limit:?}: a hang (the time limit is \
                     {TIME_LIMIT_ENV} seconds)"
                )),
            ),
            Err(mpsc::RecvTimeoutError::Disconnected) => (
                Status::Failed,
                Some("the check's thread ended without a result".to_owned()),
            ),
        },
    };
    Outcome {
        area,
        name,
        status,
        message,
        elapsed: start.elapsed(),
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&'static str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic whose payload is not a string".to_owned())
}

/// What a `#[test]` stamped by [`tests!`](crate::tests) runs.
pub(crate) fn run_test(
    backend: &str,
    area: &'static str,
    name: &'static str,
    job: impl FnOnce() + Send + 'static,
) {
    let outcome = run_job(area, name, time_limit_from_env(), job);
    let message = outcome.message.as_deref().unwrap_or("");
    match outcome.status {
        Status::Passed => {}
        Status::Skipped => eprintln!("{area}::{name} skipped on {backend}: {message}"),
        Status::Failed => panic!("{area}::{name} failed on {backend}: {message}"),
    }
}
