//! The crawler example, run as a user would, on every backend.

use std::process::{Command, Output};

fn crawler(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crawler"))
        .args(args)
        .env_remove("ANYLOOP_BACKEND")
        .output()
        .expect("the crawler example runs")
}

#[test]
fn crawls_on_every_backend() {
    let output = crawler(&["--requests", "30", "--delay-ms", "5", "--limit", "10"]);
    assert!(output.status.success(), "{output:?}");
    let text = String::from_utf8_lossy(&output.stdout);
    for backend in anyloop::Backend::available() {
        let line = text
            .lines()
            .find(|line| line.starts_with(&format!("crawler on {backend:<9}")))
            .unwrap_or_else(|| panic!("no line for {backend} in:\n{text}"));
        assert!(line.contains("30 requests, 5 ms each: serial "), "{line}");
        assert!(line.contains("map_concurrent(10) "), "{line}");
        assert!(line.contains("TaskGroup+Semaphore(10) "), "{line}");
    }
}

#[test]
fn bad_arguments_are_refused() {
    for args in [
        &["--limit", "0"][..],
        &["--requests", "0"],
        &["--backend", "uvloop"],
    ] {
        let output = crawler(args);
        assert!(!output.status.success(), "{args:?} was accepted");
        assert!(!output.stderr.is_empty(), "{args:?} printed no reason");
    }
}
