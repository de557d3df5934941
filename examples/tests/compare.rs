//! The compare example: the user's own code on every backend.

use std::process::Command;

#[test]
fn compares_the_code_on_every_backend() {
    let dir = std::env::temp_dir().join(format!("anyloop-compare-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_compare"))
        .current_dir(&dir)
        .output()
        .expect("the compare example runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    for backend in anyloop::Backend::available() {
        assert!(
            stdout.contains(backend.name()),
            "no column for {backend}:\n{stdout}"
        );
    }
    assert!(stdout.contains("★ best"), "{stdout}");
    assert!(stdout.contains("was fastest"), "{stdout}");
    assert!(
        stderr.contains("report: target/anyloop-bench/my-parser/report.html"),
        "{stderr}"
    );
    let report = dir.join("target/anyloop-bench/my-parser");
    for file in ["report.html", "results.json", "results.md", "my-parser.svg"] {
        assert!(report.join(file).exists(), "{file} missing");
    }
    std::fs::remove_dir_all(dir).unwrap();
}
