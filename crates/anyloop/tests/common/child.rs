//! Running one test alone in a child process of the test binary, for tests
//! that measure the whole process (open file descriptors, resident memory)
//! and must not see the other tests running beside them.
//!
//! Include it with `#[path = "common/child.rs"] mod child;`.
#![allow(dead_code)]

use std::process::Command;

/// Set, to the test's full name, in the child process.
const CHILD: &str = "ANYLOOP_TEST_CHILD";

/// The module that `#[anyloop::test]` gives the backend running the caller.
fn backend_module() -> &'static str {
    match anyloop::Backend::current().expect("the test runs inside a runtime") {
        #[cfg(feature = "tokio")]
        anyloop::Backend::Tokio => "tokio",
        #[cfg(feature = "smol")]
        anyloop::Backend::Smol => "smol",
        #[cfg(feature = "async-std")]
        anyloop::Backend::AsyncStd => "async_std",
        #[allow(unreachable_patterns)]
        other => unreachable!("unknown backend {other}"),
    }
}

/// In the parent: runs the test `name` (an `#[anyloop::test]` function, on
/// the backend running the caller) alone in a child process with the same
/// environment, fails if it fails, prints its output, and returns `false`.
/// In that child: returns `true` at once, and the caller runs the test's
/// body.
pub(crate) async fn in_child(name: &str) -> bool {
    let test = format!("{name}::{}", backend_module());
    if std::env::var(CHILD).is_ok_and(|child| child == test) {
        return true;
    }
    run_child(name, Vec::new()).await;
    false
}

/// Runs the test `name` (on the backend running the caller) alone in
/// another child process, with `env` set besides, as [`in_child`] does
/// (where that child's `in_child` returns `true`); fails if it fails, and
/// prints what it said.
pub(crate) async fn run_child(name: &str, env: Vec<(String, String)>) {
    let test = format!("{name}::{}", backend_module());
    let run = test.clone();
    let output = anyloop::spawn_blocking(move || {
        Command::new(std::env::current_exe().expect("the test binary"))
            .args([run.as_str(), "--exact", "--nocapture", "--test-threads=1"])
            .env(CHILD, &run)
            .envs(env)
            .output()
            .expect("run the test binary")
    })
    .await
    .expect("the child's runner");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "{test} failed in its child process ({}):\n{stdout}\n{stderr}",
        output.status
    );
    // What the child said (figures, a skip), for `--nocapture` runs. With
    // one test thread, libtest prints the test's name before its output, on
    // the same line.
    for line in stdout.lines().chain(stderr.lines()) {
        let said = line
            .find(&format!("{name} on "))
            .or_else(|| line.find("skipped: "));
        if let Some(start) = said {
            println!("{}", &line[start..]);
        }
    }
}
