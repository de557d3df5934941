//! Time through the ambient face only. sleep, sleep_until, timeout and
//! interval on every backend and through both faces are the kit's `time::*`
//! checks, run by `tests/conformance.rs`.

mod common;

use std::time::Duration;

use common::backend;

#[anyloop::test]
async fn sleep_created_outside_the_runtime_runs_inside() {
    let sleep = std::thread::spawn(|| anyloop::time::sleep(Duration::from_millis(2)))
        .join()
        .unwrap();
    anyloop::time::timeout(Duration::from_secs(5), sleep)
        .await
        .unwrap_or_else(|_| panic!("on {}", backend()));
}
