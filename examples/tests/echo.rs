//! The echo example, run as a user would: on every backend, on one, and with
//! bad arguments.

use std::process::{Command, Output};

/// Small counts, so that a run takes milliseconds.
const SMALL: [&str; 6] = ["--clients", "8", "--messages", "20", "--size", "1000"];

/// Runs the example with `args` and `ANYLOOP_BACKEND` set to `env` (or unset).
fn run(args: &[&str], env: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_echo"));
    cmd.args(args);
    match env {
        Some(value) => cmd.env("ANYLOOP_BACKEND", value),
        None => cmd.env_remove("ANYLOOP_BACKEND"),
    };
    cmd.output().expect("the echo example runs")
}

/// Runs the example with small counts and `args`.
fn echo(args: &[&str]) -> Output {
    run(&[&SMALL[..], args].concat(), None)
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The line of `backend`, up to the time it took.
fn line(backend: &str) -> String {
    format!("echo on {backend:<9}  8 clients x 20 messages of 1000 B: 160 round trips in ")
}

#[test]
fn runs_on_every_backend() {
    let output = echo(&[]);
    assert!(output.status.success(), "{output:?}");
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    let backends = anyloop::Backend::available();
    assert_eq!(lines.len(), backends.len(), "{text}");
    for (line_of, backend) in lines.iter().zip(backends) {
        assert!(
            line_of.starts_with(&line(backend.name())),
            "no line for {backend} in:\n{text}"
        );
        assert!(line_of.ends_with("/s)"), "{line_of}");
    }
    assert!(stderr(&output).is_empty(), "{output:?}");
}

#[test]
fn runs_on_one_backend() {
    for backend in ["tokio", "smol", "async-std"] {
        let output = echo(&["--backend", backend]);
        assert!(output.status.success(), "{backend}: {output:?}");
        let text = stdout(&output);
        assert_eq!(text.lines().count(), 1, "{backend}: {text}");
        assert!(text.starts_with(&line(backend)), "{backend}: {text}");
    }
}

#[test]
fn messages_larger_than_a_read_are_echoed_whole() {
    // 64 KiB messages arrive in several reads and are copied back in several
    // writes; every byte is still checked.
    let args = [
        "--backend",
        "smol",
        "--clients",
        "3",
        "--messages",
        "5",
        "--size",
        "65536",
    ];
    let output = run(&args, None);
    assert!(output.status.success(), "{output:?}");
    assert!(
        stdout(&output).starts_with(
            "echo on smol       3 clients x 5 messages of 65536 B: 15 round trips in "
        ),
        "{output:?}"
    );
}

#[test]
fn anyloop_backend_picks_the_default() {
    let args = [&SMALL[..], &["--backend", "default"]].concat();
    for backend in ["tokio", "smol", "async-std"] {
        let output = run(&args, Some(backend));
        assert!(output.status.success(), "{backend}: {output:?}");
        assert!(stdout(&output).starts_with(&line(backend)), "{output:?}");
    }
    let output = run(&args, Some("uvloop"));
    assert!(!output.status.success(), "{output:?}");
    assert!(
        stderr(&output)
            .contains("unknown backend `uvloop` (expected one of: tokio, smol, async-std)"),
        "{output:?}"
    );
}

#[test]
fn unknown_backend_fails_with_the_available_ones() {
    let output = echo(&["--backend", "uvloop"]);
    assert!(!output.status.success(), "{output:?}");
    assert!(stdout(&output).is_empty(), "{output:?}");
    let stderr = stderr(&output);
    assert!(
        stderr.contains("unknown backend `uvloop` (expected one of: tokio, smol, async-std)"),
        "{stderr}"
    );
}

#[test]
fn bad_counts_are_refused() {
    for args in [
        ["--clients", "0"],
        ["--messages", "0"],
        ["--size", "0"],
        ["--size", "65537"],
    ] {
        let output = run(&args, None);
        assert!(!output.status.success(), "{args:?}: {output:?}");
        assert!(stdout(&output).is_empty(), "{args:?}: {output:?}");
        assert!(stderr(&output).contains(args[0]), "{args:?}: {output:?}");
    }
}
