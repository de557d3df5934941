//! A `--check` command: runs the whole kit on one of anyloop's backends (or
//! the part of it selected by prefixes) and prints the report; exits with
//! an error when a check failed.
//!
//! ```text
//! cargo run -p anyloop-conformance --example check -- smol
//! cargo run -p anyloop-conformance --example check -- tokio tcp:: udp::
//! ```

use std::process::ExitCode;

use anyloop::Backend;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let backend: Backend = match args.next().map(|name| name.parse()) {
        Some(Ok(backend)) => backend,
        Some(Err(err)) => {
            eprintln!("{err}");
            return ExitCode::FAILURE;
        }
        None => {
            eprintln!("usage: check <tokio|smol|async-std> [area::check prefix ...]");
            return ExitCode::FAILURE;
        }
    };
    let mut kit = anyloop_conformance::Kit::new(backend.name());
    for prefix in args {
        kit.only(prefix);
    }
    let make = move || {
        let driver = anyloop::Runtime::builder()
            .backend(backend)
            .worker_threads(2)
            .build()
            .expect("a runtime of the backend");
        (driver, anyloop::rt::Current)
    };
    // The checks make tasks panic on purpose; the report carries the
    // messages of the checks that fail, so the default hook's output (and
    // backtraces) would only be noise.
    std::panic::set_hook(Box::new(|_| {}));
    let start = std::time::Instant::now();
    let report = kit.run_with(make);
    print!("{report}");
    println!("in {:.2?}", start.elapsed());
    if report.is_success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
