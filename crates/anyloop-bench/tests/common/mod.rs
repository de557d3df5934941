//! Checks of the JSON report shared by the tests.

#![allow(dead_code)]

use serde_json::Value;

/// Checks the shape of a report and every cell's self-check; the failures
/// name the workload, the case and the backend.
pub(crate) fn check_report(json: &Value, backends: &[&str], workloads: &[&str], repeat: usize) {
    check_report_with(json, backends, workloads, |_| repeat)
}

/// As [`check_report`], with the repeat count of each workload.
pub(crate) fn check_report_with(
    json: &Value,
    backends: &[&str],
    workloads: &[&str],
    repeat_of: impl Fn(&str) -> usize,
) {
    assert_eq!(json["schema"], "anyloop-bench/1");
    for field in ["title", "date", "command"] {
        assert!(
            json[field].as_str().is_some_and(|s| !s.is_empty()),
            "{field} missing"
        );
    }
    assert!(json["wall_time_s"].as_f64().is_some_and(|t| t > 0.0));
    let machine = &json["machine"];
    assert!(machine["cores"].as_u64().is_some_and(|c| c >= 1));
    for field in ["cpu", "os", "rustc", "anyloop"] {
        assert!(
            machine[field].as_str().is_some_and(|s| !s.is_empty()),
            "machine.{field}"
        );
    }
    for runtime in ["tokio", "smol", "async-std"] {
        assert!(
            machine["runtimes"][runtime].is_string(),
            "machine.runtimes.{runtime}"
        );
    }
    let settings = &json["settings"];
    let listed: Vec<&str> = settings["backends"]
        .as_array()
        .expect("settings.backends")
        .iter()
        .map(|b| b.as_str().unwrap())
        .collect();
    assert_eq!(listed, backends);
    let names: Vec<&str> = json["workloads"]
        .as_array()
        .expect("workloads")
        .iter()
        .map(|w| w["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, workloads);
    for w in json["workloads"].as_array().unwrap() {
        let name = w["name"].as_str().unwrap();
        for field in ["title", "about", "how_to_read", "sizes"] {
            assert!(
                w[field].as_str().is_some_and(|s| !s.is_empty()),
                "{name}.{field}"
            );
        }
        let repeat = repeat_of(name);
        assert_eq!(w["repeat"].as_u64(), Some(repeat as u64), "{name}.repeat");
        let cases = w["cases"].as_array().expect("cases");
        assert!(!cases.is_empty(), "{name} has no case");
        for case in cases {
            let label = case["label"].as_str().unwrap();
            let cells = case["cells"].as_array().expect("cells");
            let order: Vec<&str> = cells
                .iter()
                .map(|c| c["backend"].as_str().unwrap())
                .collect();
            assert_eq!(order, backends, "{name} · {label}");
            assert!(
                backends.contains(&case["best"].as_str().unwrap()),
                "{name} · {label}: best"
            );
            for cell in cells {
                let backend = cell["backend"].as_str().unwrap();
                let at = format!("{name} · {label} on {backend}");
                assert_eq!(cell["passed"], true, "{at}: the self-check did not pass");
                assert!(
                    cell["check"].as_str().is_some_and(|s| !s.is_empty()),
                    "{at}: says nothing of what it checked"
                );
                let samples = cell["samples_s"].as_array().expect("samples_s");
                assert_eq!(samples.len(), repeat, "{at}: samples");
                assert!(
                    samples.iter().all(|s| s.as_f64().is_some_and(|t| t > 0.0)),
                    "{at}: a time is not positive"
                );
                let t = &cell["time_s"];
                let (min, q1, median, q3, max) = (
                    t["min"].as_f64().unwrap(),
                    t["q1"].as_f64().unwrap(),
                    t["median"].as_f64().unwrap(),
                    t["q3"].as_f64().unwrap(),
                    t["max"].as_f64().unwrap(),
                );
                assert!(
                    min <= q1 && q1 <= median && median <= q3 && q3 <= max,
                    "{at}: {t}"
                );
                assert!(
                    cell["ratio"].as_f64().is_some_and(|r| r >= 1.0),
                    "{at}: ratio"
                );
                assert!(cell["metrics"].is_object(), "{at}: metrics");
            }
        }
    }
}
