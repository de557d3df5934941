//! The command line: bad flags are clear errors, `--list` lists.

use std::process::{Command, Output};

fn bench(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_anyloop-bench"))
        .args(args)
        .output()
        .expect("run anyloop-bench")
}

/// Runs with `args`, expects a usage error, and returns its message.
fn usage_error(args: &[&str]) -> String {
    let out = bench(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{args:?} should be a usage error: {stderr}"
    );
    assert!(out.stdout.is_empty(), "{args:?} printed to stdout");
    stderr
}

#[test]
fn an_unknown_backend_lists_the_valid_ones() {
    let err = usage_error(&["--backends", "tokio,uvloop"]);
    assert!(err.contains("unknown backend `uvloop`"), "{err}");
    assert!(err.contains("tokio, smol, async-std"), "{err}");
}

#[test]
fn an_unknown_workload_lists_the_valid_ones() {
    let err = usage_error(&["--workloads", "crawler,tcp-ech"]);
    assert!(err.contains("unknown workload `tcp-ech`"), "{err}");
    for name in anyloop_bench::workload_names() {
        assert!(err.contains(name), "{name} missing from: {err}");
    }
}

#[test]
fn an_empty_list_is_an_error() {
    let err = usage_error(&["--backends", ","]);
    assert!(err.contains("the list of backends is empty"), "{err}");
    let err = usage_error(&["--workloads", ""]);
    assert!(err.contains("the list of workloads is empty"), "{err}");
}

#[test]
fn repeat_zero_is_an_error() {
    let err = usage_error(&["--repeat", "0"]);
    assert!(err.contains("the repeat count must be at least 1"), "{err}");
    let err = usage_error(&["--repeat", "many"]);
    assert!(err.contains("the repeat count must be at least 1"), "{err}");
}

#[test]
fn threads_zero_is_an_error() {
    let err = usage_error(&["--threads", "0"]);
    assert!(
        err.contains("the thread count must be a whole number of at least 1"),
        "{err}"
    );
}

#[test]
fn quick_and_full_exclude_each_other() {
    let err = usage_error(&["--quick", "--full"]);
    assert!(err.contains("cannot be used with"), "{err}");
}

#[test]
fn an_unknown_flag_is_an_error() {
    let err = usage_error(&["--fast"]);
    assert!(err.contains("--fast"), "{err}");
}

#[test]
fn list_names_every_workload_with_its_sizes() {
    let out = bench(&["--list"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for name in anyloop_bench::workload_names() {
        assert!(
            text.lines().any(|l| l.starts_with(name)),
            "{name} missing from --list"
        );
    }
    for mode in ["quick", "default", "full"] {
        assert_eq!(
            text.matches(&format!(" {mode} ")).count(),
            14,
            "{mode} sizes: {text}"
        );
    }
}

#[test]
fn an_unwritable_output_directory_is_an_error_not_a_panic() {
    let file = std::env::temp_dir().join(format!("anyloop-bench-not-a-dir-{}", std::process::id()));
    std::fs::write(&file, "a file").unwrap();
    let out = bench(&[
        "--quick",
        "--repeat",
        "1",
        "--warmup",
        "0",
        "--workloads",
        "yield",
        "--out",
        file.join("sub").to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.starts_with("error: cannot write"), "{stderr}");
    std::fs::remove_file(file).unwrap();
}

#[test]
fn overhead_writes_its_table_and_json() {
    let dir = std::env::temp_dir().join(format!("anyloop-bench-overhead-{}", std::process::id()));
    let out = bench(&[
        "--overhead",
        "--quick",
        "--repeat",
        "1",
        "--out",
        dir.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    for column in ["tokio static", "smol ambient", "async-std static"] {
        assert!(stdout.contains(column), "{column} missing: {stdout}");
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("overhead.json")).unwrap()).unwrap();
    assert_eq!(json["schema"], "anyloop-bench-overhead/2");
    let rows = json["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 6);
    for row in rows {
        for cell in row["cells"].as_array().unwrap() {
            let at = format!(
                "{} on {} ({})",
                row["operation"], cell["backend"], cell["face"]
            );
            assert!(
                cell["ratio"]
                    .as_f64()
                    .is_some_and(|r| r.is_finite() && r >= 0.0),
                "{at}"
            );
            // One ratio per measured round, the cell's is their median.
            assert_eq!(cell["ratios"]["n"], 1, "{at}");
            assert_eq!(cell["ratio"], cell["ratios"]["median"], "{at}");
            assert!(
                cell["native_ns"]["median"]
                    .as_f64()
                    .is_some_and(|t| t > 0.0),
                "{at}"
            );
        }
    }
    assert!(dir.join("overhead.md").exists());
    std::fs::remove_dir_all(dir).unwrap();
}
