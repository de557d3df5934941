//! The hello example, run as a user would, on every backend and with the
//! backend chosen by `ANYLOOP_BACKEND`.

use std::process::{Command, Output};

fn hello(args: &[&str], env: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hello"));
    cmd.args(["--tasks", "50", "--sleep-ms", "1"]).args(args);
    match env {
        Some(value) => cmd.env("ANYLOOP_BACKEND", value),
        None => cmd.env_remove("ANYLOOP_BACKEND"),
    };
    cmd.output().expect("the hello example runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn runs_on_every_backend() {
    let output = hello(&[], None);
    assert!(output.status.success(), "{output:?}");
    let text = stdout(&output);
    for backend in anyloop::Backend::available() {
        let line = format!("hello from {backend:<9}");
        assert!(text.contains(&line), "no line for {backend} in:\n{text}");
    }
    // 50 tasks sum to 1225, plus 10! from the blocking task.
    assert_eq!(
        text.matches("(sum 3630025, abort cancelled: true)").count(),
        3,
        "{text}"
    );
}

#[test]
fn anyloop_backend_picks_the_default() {
    for backend in ["tokio", "smol", "async-std"] {
        let output = hello(&["--backend", "default"], Some(backend));
        assert!(output.status.success(), "{output:?}");
        let text = stdout(&output);
        assert!(
            text.starts_with(&format!("hello from {backend} ")),
            "{backend}: {text}"
        );
    }
    let output = hello(&["--backend", "default"], None);
    assert!(
        stdout(&output).starts_with("hello from tokio "),
        "{output:?}"
    );
}

#[test]
fn unknown_backend_fails_with_a_clear_message() {
    let output = hello(&["--backend", "default"], Some("uvloop"));
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("unknown backend `uvloop` (expected one of: tokio, smol, async-std)"),
        "{stderr}"
    );
    let output = hello(&["--backend", "uvloop"], None);
    assert!(!output.status.success());
}
