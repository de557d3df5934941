//! Spawns, sleeps and joins: the same code on every backend.
//!
//! ```text
//! cargo run -p anyloop-examples --bin hello                    # every backend
//! cargo run -p anyloop-examples --bin hello -- --backend smol  # one backend
//! ANYLOOP_BACKEND=smol cargo run -p anyloop-examples --bin hello -- --backend default
//! ```

use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyloop::{Backend, Runtime};
use anyloop_examples::BackendChoice;
use clap::Parser;

#[derive(Debug, Parser)]
#[command(about = "Spawn, sleep and join on every anyloop backend")]
struct Args {
    /// `all`, `default` (the rule of ANYLOOP_BACKEND), or a backend name.
    #[arg(long, default_value = "all", value_parser = BackendChoice::parse)]
    backend: BackendChoice,
    /// How many tasks to spawn.
    #[arg(long, default_value_t = 1000)]
    tasks: u32,
    /// How long each task sleeps, in milliseconds.
    #[arg(long, default_value_t = 10)]
    sleep_ms: u64,
}

/// The program itself: written once, against the ambient API only.
async fn hello(tasks: u32, sleep: Duration) -> (u64, bool) {
    let handles: Vec<_> = (0..tasks)
        .map(|i| {
            anyloop::spawn(async move {
                anyloop::time::sleep(sleep).await;
                u64::from(i)
            })
        })
        .collect();
    let blocking = anyloop::spawn_blocking(|| (1..=10u64).product::<u64>());
    let forever = anyloop::spawn(std::future::pending::<()>());
    forever.abort();

    let mut sum = 0;
    for handle in handles {
        sum += handle.await.expect("a task failed");
    }
    sum += blocking.await.expect("the blocking task failed");
    (sum, forever.await.is_err_and(|e| e.is_cancelled()))
}

fn run_on(backend: Backend, args: &Args) -> Result<(), anyloop::BuildError> {
    let rt = Runtime::builder().backend(backend).build()?;
    let start = Instant::now();
    let (sum, cancelled) = rt.block_on(hello(args.tasks, Duration::from_millis(args.sleep_ms)));
    println!(
        "hello from {backend:<9}  {} tasks joined in {:>7.2?}  (sum {sum}, abort cancelled: {cancelled})",
        args.tasks,
        start.elapsed(),
    );
    Ok(())
}

fn main() -> ExitCode {
    let args = Args::parse();
    let result = args
        .backend
        .backends()
        .map_err(anyloop::BuildError::from)
        .and_then(|backends| backends.into_iter().try_for_each(|b| run_on(b, &args)));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}
