//! The HTML report in a real browser: headless chromium renders the quick
//! run's `report.html`; the screenshot must not be blank (the backends'
//! chart colours are there) and the page must log no console error.
//!
//! `.ci/run` makes the quick run and the screenshot itself and points
//! `ANYLOOP_BENCH_BROWSER_DIR` at them (`report.html`, `shot.png`,
//! `console.log`, `dom.html`). Without it, this test makes them, with the
//! `chromium` on `PATH`; where there is none it says so and passes, except
//! under CI (`CI` set), where a missing chromium is a failure.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The workloads of the quick run made here when `.ci/run` made none.
const HERE: [&str; 4] = ["spawn-join", "sleep", "tcp-echo", "sweep"];

/// The bar colours of the first three backends (see `report/chart.rs`).
const BACKEND_COLOURS: [[u8; 3]; 3] = [[222, 110, 30], [45, 110, 200], [40, 150, 80]];

/// What a screenshot shows: how many distinct colours, and how many pixels
/// of each backend's colour.
fn colours(png_bytes: &[u8]) -> Result<(usize, [usize; 3]), String> {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().map_err(|e| format!("not a PNG: {e}"))?;
    let mut buf = vec![0; reader.output_buffer_size().ok_or("PNG too large")?];
    let info = reader
        .next_frame(&mut buf)
        .map_err(|e| format!("bad PNG: {e}"))?;
    let channels = match info.color_type {
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        other => return Err(format!("unexpected colour type {other:?}")),
    };
    let mut distinct = std::collections::HashSet::new();
    let mut hits = [0; 3];
    for px in buf[..info.buffer_size()].chunks_exact(channels) {
        let rgb = [px[0], px[1], px[2]];
        distinct.insert(rgb);
        for (i, c) in BACKEND_COLOURS.iter().enumerate() {
            if rgb == *c {
                hits[i] += 1;
            }
        }
    }
    Ok((distinct.len(), hits))
}

/// Why a screenshot looks blank, if it does.
fn blank(png_bytes: &[u8]) -> Option<String> {
    match colours(png_bytes) {
        Err(e) => Some(e),
        Ok((distinct, _)) if distinct < 8 => Some(format!("only {distinct} distinct colours")),
        Ok((_, hits)) if hits.iter().any(|&n| n < 50) => {
            Some(format!("the chart colours are missing: {hits:?} pixels"))
        }
        Ok(_) => None,
    }
}

/// The console errors in chromium's log.
fn console_errors(log: &str) -> Vec<&str> {
    log.lines()
        .filter(|l| l.contains("Uncaught") || l.contains(":CONSOLE") || l.contains("Refused to"))
        .collect()
}

fn encode(width: u32, height: u32, pixel: impl Fn(u32, u32) -> [u8; 3]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Rgb);
        let mut writer = encoder.write_header().unwrap();
        let mut data = Vec::with_capacity((width * height * 3) as usize);
        for y in 0..height {
            for x in 0..width {
                data.extend_from_slice(&pixel(x, y));
            }
        }
        writer.write_image_data(&data).unwrap();
    }
    out
}

#[test]
fn a_blank_screenshot_is_caught() {
    let white = encode(64, 64, |_, _| [255, 255, 255]);
    assert!(blank(&white).unwrap().contains("distinct colours"));
    let grey: Vec<[u8; 3]> = (0..10).map(|i| [i * 20, i * 20, i * 20]).collect();
    let text_only = encode(64, 64, |x, _| grey[(x % 10) as usize]);
    assert!(blank(&text_only).unwrap().contains("chart colours"));
    assert!(blank(b"not a png").unwrap().contains("not a PNG"));
}

#[test]
fn a_screenshot_with_the_charts_passes() {
    let chart = encode(90, 90, |x, y| match (x / 30, y % 12) {
        (i, 0..=5) => BACKEND_COLOURS[i as usize],
        _ => [(x * 2) as u8, (y * 2) as u8, 255],
    });
    assert_eq!(blank(&chart), None);
}

#[test]
fn console_errors_are_found() {
    // chromium's own lines, as `--enable-logging=stderr --v=0` prints them.
    let log = "[1:2:1201/093501.0:ERROR:dbus/bus.cc:405] Failed to connect to the bus\n\
               [1:1:1201/093501.0:INFO:CONSOLE:1] \"bad\", source: file:///r.html (1)\n\
               [1:1:1201/093501.0:INFO:CONSOLE:1] \"Uncaught ReferenceError: x is not defined\", source: file:///r.html (1)\n";
    assert_eq!(console_errors(log).len(), 2);
    assert!(console_errors("[1:2:ERROR:dbus/bus.cc(405)] Failed to connect\n").is_empty());
}

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| ["chromium", "chromium-browser"].map(|name| dir.join(name)))
        .find(|p| p.is_file())
}

/// Runs chromium headless on `report`: the screenshot, the console log and
/// the DOM, into `dir`.
fn render(chromium: &Path, report: &Path, dir: &Path) {
    let url = format!("file://{}", report.canonicalize().unwrap().display());
    let common = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
    ];
    let shot = Command::new(chromium)
        .args(common)
        .args([
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1280,4000",
        ])
        .arg(format!("--screenshot={}", dir.join("shot.png").display()))
        .arg(&url)
        .output()
        .expect("run chromium");
    std::fs::write(dir.join("console.log"), &shot.stderr).unwrap();
    assert!(
        shot.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&shot.stderr)
    );
    let dom = Command::new(chromium)
        .args(common)
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .expect("run chromium");
    assert!(dom.status.success(), "chromium --dump-dom failed");
    std::fs::write(dir.join("dom.html"), &dom.stdout).unwrap();
}

/// The files to check: `.ci/run`'s, or made here.
fn rendered() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("ANYLOOP_BENCH_BROWSER_DIR") {
        return Some(PathBuf::from(dir));
    }
    let Some(chromium) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must check the report in chromium: install it (apt-get install -y chromium)"
        );
        eprintln!("chromium is not installed: the report was not opened in a browser");
        return None;
    };
    let dir = std::env::temp_dir().join(format!("anyloop-bench-browser-{}", std::process::id()));
    let out = Command::new(env!("CARGO_BIN_EXE_anyloop-bench"))
        .args([
            "--quick",
            "--repeat",
            "1",
            "--workloads",
            "spawn-join,sleep,tcp-echo,sweep",
        ])
        .arg("--out")
        .arg(&dir)
        .output()
        .expect("run anyloop-bench");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    render(&chromium, &dir.join("report.html"), &dir);
    Some(dir)
}

#[test]
fn the_report_renders_in_chromium() {
    let from_ci = std::env::var_os("ANYLOOP_BENCH_BROWSER_DIR").is_some();
    let Some(dir) = rendered() else { return };
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("results.json")).unwrap()).unwrap();
    let backends: Vec<&str> = anyloop::Backend::available()
        .iter()
        .map(|b| b.name())
        .collect();
    if from_ci {
        // `.ci/run`'s run: every workload, the quick mode's 2 runs per cell.
        common::check_report(&json, &backends, &anyloop_bench::workload_names(), 2);
    } else {
        common::check_report(&json, &backends, &HERE, 1);
    }
    let png_bytes = std::fs::read(dir.join("shot.png")).expect("the screenshot");
    if let Some(why) = blank(&png_bytes) {
        panic!("the screenshot of {} looks blank: {why}", dir.display());
    }
    let log = std::fs::read_to_string(dir.join("console.log")).expect("chromium's log");
    let errors = console_errors(&log);
    assert!(errors.is_empty(), "console errors: {errors:#?}");
    let dom = std::fs::read_to_string(dir.join("dom.html")).expect("the DOM");
    assert!(
        dom.contains("<svg") && dom.contains("<figure"),
        "the charts are not in the DOM"
    );
    assert!(dom.contains("How to read this"), "the page did not parse");
    if !from_ci {
        // Made here, and checked: a failure above keeps it for a look.
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
