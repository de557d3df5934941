//! Conformance: `ctrl_c()` catches a `SIGINT` the test sends to its own
//! process, on every backend, without the process being killed.
//!
//! The handler is registered when `ctrl_c()` is called, so the signal is
//! sent after the call and before the first poll. The tests of one binary
//! may share a process (`cargo test`): another test's signal may complete a
//! future early, which is fine; each test only sends a signal once its own
//! handler is registered, so no signal finds the process without one.
#![cfg(unix)]

mod common;

use std::time::Duration;

use common::backend;

const LIMIT: Duration = Duration::from_secs(10);

/// Sends `SIGINT` to this process with the `kill` command, off the
/// runtime's threads.
async fn raise_sigint() {
    let status = anyloop::spawn_blocking(|| {
        std::process::Command::new("kill")
            .args(["-INT", &std::process::id().to_string()])
            .status()
    })
    .await
    .unwrap()
    .unwrap();
    assert!(status.success(), "kill -INT failed on {}", backend());
}

#[anyloop::test]
async fn ctrl_c_catches_a_signal_sent_before_the_first_poll() {
    let ctrl_c = anyloop::signal::ctrl_c(); // registered here
    raise_sigint().await;
    match anyloop::time::timeout(LIMIT, ctrl_c).await {
        Ok(result) => result.unwrap_or_else(|err| panic!("ctrl_c failed on {}: {err}", backend())),
        Err(_) => panic!("no Ctrl-C seen within {LIMIT:?} on {}", backend()),
    }
}

#[anyloop::test]
async fn ctrl_c_catches_a_signal_while_waiting() {
    let ctrl_c = anyloop::signal::ctrl_c();
    let waiter = anyloop::spawn(ctrl_c);
    // Let the waiter start waiting, then signal.
    anyloop::time::sleep(Duration::from_millis(20)).await;
    raise_sigint().await;
    match anyloop::time::timeout(LIMIT, waiter).await {
        Ok(result) => result
            .unwrap()
            .unwrap_or_else(|err| panic!("ctrl_c failed on {}: {err}", backend())),
        Err(_) => panic!("no Ctrl-C seen within {LIMIT:?} on {}", backend()),
    }
}

#[anyloop::test]
async fn every_waiting_ctrl_c_sees_one_signal() {
    let first = anyloop::signal::ctrl_c();
    let second = anyloop::signal::ctrl_c();
    raise_sigint().await;
    let both = async { (first.await, second.await) };
    match anyloop::time::timeout(LIMIT, both).await {
        Ok((first, second)) => {
            first.unwrap();
            second.unwrap();
        }
        Err(_) => panic!("a Ctrl-C future missed the signal on {}", backend()),
    }
}

#[test]
fn auto_traits() {
    fn send_sync_unpin<T: Send + Sync + Unpin>() {}
    use anyloop::signal::CtrlC;
    send_sync_unpin::<CtrlC>();
}
