//! The quick mode on every backend: the JSON's shape and every workload's
//! own check; the library's `Compare` on user code.

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyloop::Backend;
use anyloop_bench::{Compare, Error};
use serde_json::Value;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("anyloop-bench-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn names(backends: &[Backend]) -> Vec<&'static str> {
    backends.iter().map(|b| b.name()).collect()
}

#[test]
fn quick_run_on_every_backend_passes_every_check() {
    let dir = temp_dir("quick");
    let json_file = dir.join("copy").join("quick.json");
    let out = Command::new(env!("CARGO_BIN_EXE_anyloop-bench"))
        .args(["--quick", "--out"])
        .arg(&dir)
        .arg("--json")
        .arg(&json_file)
        .output()
        .expect("run anyloop-bench");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the quick run failed: {stderr}");
    let report = dir.join("report.html");
    assert!(
        stderr
            .trim_end()
            .ends_with(&format!("report: {}", report.display())),
        "{stderr}"
    );
    // stdout is not a terminal here: it gets the Markdown table.
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("| workload | case | tokio | smol | async-std |"),
        "{stdout}"
    );

    let text = std::fs::read_to_string(&json_file).unwrap();
    assert_eq!(
        text,
        std::fs::read_to_string(dir.join("results.json")).unwrap()
    );
    let json: Value = serde_json::from_str(&text).unwrap();
    let workloads = anyloop_bench::workload_names();
    common::check_report(&json, &names(Backend::available()), &workloads, 2);
    assert_eq!(json["settings"]["mode"], "quick");
    assert_eq!(json["settings"]["warmup"], 1);

    for name in &workloads {
        let svg = std::fs::read_to_string(dir.join(format!("{name}.svg"))).unwrap();
        assert!(
            svg.starts_with("<svg") && svg.contains("</svg>"),
            "{name}.svg"
        );
    }
    for line_chart in [
        "sweep-time.svg",
        "sweep-efficiency.svg",
        "pipeline-time.svg",
    ] {
        assert!(dir.join(line_chart).exists(), "{line_chart} missing");
    }
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(html.contains("<svg") && html.contains("How to read this"));
    // Self-contained: no script, nothing loaded from anywhere (the only URLs
    // are the SVG namespace names, which are not fetched).
    for loads in ["<script", "<link", "@import", "src=", "href=\"http", "url("] {
        assert!(!html.contains(loads), "report.html has {loads}");
    }
    let md = std::fs::read_to_string(dir.join("results.md")).unwrap();
    assert!(md.contains("★"));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn each_backend_alone_on_a_current_thread_runtime() {
    let workloads = [
        "spawn-join",
        "sleep",
        "tcp-echo",
        "udp-echo",
        "sync",
        "crawler",
        "pipeline",
    ];
    for backend in Backend::available() {
        let dir = temp_dir(&format!("alone-{backend}"));
        let out = Command::new(env!("CARGO_BIN_EXE_anyloop-bench"))
            .args([
                "--quick",
                "--repeat",
                "1",
                "--threads",
                "1",
                "--backends",
                backend.name(),
            ])
            .args(["--workloads", &workloads.join(",")])
            .arg("--out")
            .arg(&dir)
            .output()
            .expect("run anyloop-bench");
        assert!(
            out.status.success(),
            "on {backend}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("results.json")).unwrap())
                .unwrap();
        common::check_report(&json, &[backend.name()], &workloads, 1);
        assert_eq!(json["settings"]["threads"], 1, "on {backend}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}

#[test]
fn compare_runs_the_code_on_every_backend_interleaved() {
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let (c, s) = (calls.clone(), seen.clone());
    let report = Compare::new("my code")
        .repeat(3)
        .warmup(1)
        .run(move || {
            let (c, s) = (c.clone(), s.clone());
            async move {
                c.fetch_add(1, Ordering::SeqCst);
                s.lock().unwrap().push(Backend::current().map(|b| b.name()));
                anyloop::time::sleep(Duration::from_millis(1)).await;
            }
        })
        .unwrap();
    let backends = names(Backend::available());
    assert_eq!(calls.load(Ordering::SeqCst), backends.len() * 4);
    // Interleaved: every round runs each backend in turn.
    let order: Vec<&str> = seen.lock().unwrap().iter().map(|b| b.unwrap()).collect();
    let expected: Vec<&str> = (0..4).flat_map(|_| backends.iter().copied()).collect();
    assert_eq!(order, expected);
    let json: Value = serde_json::from_str(&report.json()).unwrap();
    common::check_report(&json, &backends, &["my code"], 3);
    for cell in &report.workloads[0].cases[0].cells {
        assert!(
            cell.time_s.min >= 0.001,
            "on {}: {:?}",
            cell.backend,
            cell.time_s
        );
    }
}

#[test]
fn a_panic_in_the_code_names_its_backend() {
    for &bad in Backend::available() {
        let err = Compare::new("panics")
            .repeat(1)
            .run(move || async move {
                if Backend::current() == Some(bad) {
                    panic!("boom on {bad}");
                }
            })
            .unwrap_err();
        match &err {
            Error::Panicked {
                backend, message, ..
            } => {
                assert_eq!(*backend, bad.name(), "{err}");
                assert!(message.contains("boom"), "{err}");
            }
            other => panic!("on {bad}: expected a panic error, got {other}"),
        }
    }
}

#[test]
fn code_that_hangs_is_a_timeout_error_naming_its_backend() {
    for &bad in Backend::available() {
        let err = Compare::new("hangs")
            .repeat(1)
            .warmup(0)
            .time_limit(Duration::from_millis(200))
            .run(move || async move {
                if Backend::current() == Some(bad) {
                    anyloop::time::sleep(Duration::from_secs(3600)).await;
                }
            })
            .unwrap_err();
        assert!(
            matches!(&err, Error::TimedOut { backend, .. } if *backend == bad.name()),
            "on {bad}: {err}"
        );
    }
}

#[test]
fn bad_settings_are_typed_errors() {
    let err = Compare::new("x").repeat(0).run(|| async {}).unwrap_err();
    assert!(matches!(err, Error::BadRepeat(_)), "{err}");
    let err = Compare::new("x").threads(0).run(|| async {}).unwrap_err();
    assert!(matches!(err, Error::BadThreads(_)), "{err}");
    let err = Compare::new("x")
        .backends(Vec::new())
        .run(|| async {})
        .unwrap_err();
    assert!(matches!(err, Error::EmptyList { .. }), "{err}");
}
