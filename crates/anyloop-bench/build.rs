//! Records, for the reports, the rustc that builds the tool and the versions
//! of the runtimes it links (read from the Cargo.lock next to the sources).

use std::path::Path;
use std::process::Command;

fn main() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let version = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .map(|v| v.trim().to_owned())
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=ANYLOOP_BENCH_RUSTC={version}");

    let dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    let dir = Path::new(&dir);
    let lock = [dir.join("Cargo.lock"), dir.join("../../Cargo.lock")]
        .into_iter()
        .find(|path| path.exists());
    let text = match &lock {
        Some(path) => {
            println!("cargo:rerun-if-changed={}", path.display());
            std::fs::read_to_string(path).unwrap_or_default()
        }
        None => String::new(),
    };
    for (krate, var) in [
        ("tokio", "TOKIO"),
        ("smol", "SMOL"),
        ("async-std", "ASYNC_STD"),
        ("async-executor", "ASYNC_EXECUTOR"),
        ("async-io", "ASYNC_IO"),
    ] {
        println!(
            "cargo:rustc-env=ANYLOOP_BENCH_VERSION_{var}={}",
            locked_version(&text, krate)
        );
    }
    println!("cargo:rerun-if-changed=build.rs");
}

/// The version of `krate` in a Cargo.lock's text (the highest one listed).
fn locked_version(lock: &str, krate: &str) -> String {
    let mut best: Option<&str> = None;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == format!("name = \"{krate}\"")
            && let Some(version) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = \""))
                .and_then(|l| l.strip_suffix('"'))
        {
            best = Some(version); // the lock lists versions in ascending order
        }
    }
    best.unwrap_or("unknown").to_owned()
}
