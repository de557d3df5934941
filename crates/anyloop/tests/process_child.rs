//! Conformance: child processes behave the same on every backend: piped
//! stdin/stdout, exit codes, kill, output(), errors.
#![cfg(unix)]

mod common;

use common::within;

use std::io::ErrorKind;
use std::time::{Duration, Instant};

use anyloop::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, StreamExt};
use anyloop::process::{Command, Stdio};
use common::backend;

#[anyloop::test]
async fn cat_echoes_piped_stdin() {
    let mut child = Command::new("cat")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    assert!(child.stderr.is_none(), "on {}", backend());
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();

    // More than a pipe's buffer, written while the other side reads.
    let lines: Vec<String> = (0..20_000).map(|i| format!("line {i}")).collect();
    let expected = lines.clone();
    let writer = anyloop::spawn(async move {
        for line in &lines {
            stdin.write_all(line.as_bytes()).await?;
            stdin.write_all(b"\n").await?;
        }
        stdin.close().await // `cat` sees the end of its input
    });
    let read: Vec<String> = within(
        "reading cat's output",
        BufReader::new(stdout).lines().map(Result::unwrap).collect(),
    )
    .await;
    within("the writer", writer).await.unwrap().unwrap();
    assert_eq!(read.len(), expected.len(), "on {}", backend());
    assert!(read == expected, "on {}", backend());

    let status = within("cat's exit", child.wait()).await.unwrap();
    assert!(status.success(), "on {}: {status}", backend());
}

#[anyloop::test]
async fn wait_closes_stdin() {
    let mut child = Command::new("cat")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    assert!(child.stdin.is_some());
    // `cat` only exits once its stdin is closed: `wait` closes it.
    let status = within("cat's exit", child.wait()).await.unwrap();
    assert!(status.success(), "on {}: {status}", backend());
}

#[anyloop::test]
async fn closing_stdin_ends_the_childs_input() {
    let mut child = Command::new("wc")
        .arg("-c")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"12345").await.unwrap();
    // Closed, though not dropped: `wc` sees the end of its input.
    stdin.close().await.unwrap();
    let mut count = String::new();
    within(
        "reading wc's output",
        child.stdout.take().unwrap().read_to_string(&mut count),
    )
    .await
    .unwrap();
    assert_eq!(count.trim(), "5", "on {}", backend());
    let err = stdin.write_all(b"more").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BrokenPipe, "on {}", backend());
    stdin.close().await.unwrap(); // closing again is fine
    assert!(within("wc's exit", child.wait()).await.unwrap().success());
}

#[anyloop::test]
async fn exit_codes() {
    for code in [0, 1, 3, 255] {
        let status = within(
            "sh",
            Command::new("sh")
                .args(["-c", &format!("exit {code}")])
                .status(),
        )
        .await
        .unwrap();
        assert_eq!(status.code(), Some(code), "on {}", backend());
        assert_eq!(status.success(), code == 0, "on {}", backend());
    }

    let mut child = Command::new("sh").args(["-c", "exit 3"]).spawn().unwrap();
    assert!(child.id().is_some(), "on {}", backend());
    let status = within("sh", child.wait()).await.unwrap();
    assert_eq!(status.code(), Some(3), "on {}", backend());
    // Waiting again gives the same status; the id is gone.
    assert_eq!(within("sh", child.wait()).await.unwrap(), status);
    assert_eq!(child.id(), None, "on {}", backend());
    assert_eq!(child.try_wait().unwrap(), Some(status), "on {}", backend());
    // Killing a child that has exited is not an error.
    child.kill().unwrap();
}

#[anyloop::test]
async fn kill_ends_a_sleeping_child_promptly() {
    let start = Instant::now();
    let mut child = Command::new("sleep").arg("30").spawn().unwrap();
    assert_eq!(child.try_wait().unwrap(), None, "on {}", backend());
    child.kill().unwrap();
    let status = within("the killed child", child.wait()).await.unwrap();
    assert!(!status.success(), "on {}: {status}", backend());
    assert_eq!(status.code(), None, "killed by a signal, on {}", backend());
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), Some(9), "on {}", backend());
    }
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "kill took {:?} on {}",
        start.elapsed(),
        backend()
    );
}

#[anyloop::test]
async fn kill_on_drop_kills() {
    let child = Command::new("sleep")
        .arg("30")
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let pid = child.id().unwrap().to_string();
    drop(child);
    // Gone once reaped: `kill -0` fails (a zombie would still answer).
    let gone = common::eventually(|| {
        !std::process::Command::new("kill")
            .args(["-0", &pid])
            .stderr(Stdio::null())
            .status()
            .unwrap()
            .success()
    })
    .await;
    assert!(gone, "pid {pid} still there on {}", backend());
}

#[anyloop::test]
async fn output_captures_stdout_and_stderr() {
    let output = within(
        "output",
        Command::new("sh")
            .args(["-c", "echo out; echo err >&2; exit 4"])
            .output(),
    )
    .await
    .unwrap();
    assert_eq!(output.status.code(), Some(4), "on {}", backend());
    assert_eq!(output.stdout, b"out\n", "on {}", backend());
    assert_eq!(output.stderr, b"err\n", "on {}", backend());

    // stdin is empty, not inherited.
    let output = within("output", Command::new("cat").output())
        .await
        .unwrap();
    assert!(output.stdout.is_empty(), "on {}", backend());

    // A stream set explicitly is kept (std's rule, on every backend)...
    let mut command = Command::new("sh");
    command
        .args(["-c", "echo out; echo err >&2"])
        .stderr(Stdio::null());
    let output = within("output", command.output()).await.unwrap();
    assert_eq!(output.stdout, b"out\n", "on {}", backend());
    assert!(output.stderr.is_empty(), "on {}", backend());
    // ...and `output` leaves the command as it was: stdout not piped.
    let child = command.spawn().unwrap();
    assert!(child.stdout.is_none(), "on {}", backend());
    within("sh", child.wait_with_output()).await.unwrap();

    // Large outputs on both pipes at once do not deadlock.
    let output = within(
        "output",
        Command::new("sh")
            .args([
                "-c",
                "i=0; while [ $i -lt 20000 ]; do echo $i; echo $i >&2; i=$((i+1)); done",
            ])
            .output(),
    )
    .await
    .unwrap();
    assert!(output.status.success(), "on {}", backend());
    assert_eq!(output.stdout, output.stderr, "on {}", backend());
    assert_eq!(
        output.stdout.iter().filter(|&&b| b == b'\n').count(),
        20_000,
        "on {}",
        backend()
    );
}

#[anyloop::test]
async fn a_command_spawns_again_with_its_settings() {
    let mut command = Command::new("sh");
    command
        .args(["-c", "echo $X; pwd"])
        .env("X", "set")
        .current_dir("/")
        .stdout(Stdio::piped());
    for _ in 0..2 {
        let mut child = command.spawn().unwrap();
        let mut out = String::new();
        within(
            "reading",
            child.stdout.take().unwrap().read_to_string(&mut out),
        )
        .await
        .unwrap();
        assert_eq!(out, "set\n/\n", "on {}", backend());
        assert!(within("sh", child.wait()).await.unwrap().success());
    }
    // Settings changed after the first spawn apply to the next.
    command.env_clear().env("X", "again");
    let child = command.spawn().unwrap();
    let output = within("sh", child.wait_with_output()).await.unwrap();
    assert_eq!(output.stdout, b"again\n/\n", "on {}", backend());
}

#[anyloop::test]
async fn stderr_pipe_and_env_remove() {
    let mut child = Command::new("sh")
        .args(["-c", "echo \"[$GONE]\" >&2"])
        .env("GONE", "here")
        .env_remove("GONE")
        .envs([("UNUSED", "1")])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = String::new();
    within(
        "reading stderr",
        child.stderr.take().unwrap().read_to_string(&mut err),
    )
    .await
    .unwrap();
    assert_eq!(err, "[]\n", "on {}", backend());
    assert!(within("sh", child.wait()).await.unwrap().success());
}

#[anyloop::test]
async fn a_missing_program_is_not_found() {
    let program = "anyloop-no-such-program";
    let err = Command::new(program).spawn().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "on {}: {err}", backend());
    let err = within("output", Command::new(program).output())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "on {}: {err}", backend());
    let err = within("status", Command::new(program).status())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "on {}: {err}", backend());
    let err = Command::new("/no/such/dir/program").spawn().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "on {}: {err}", backend());
    // A missing working directory is an error too.
    let err = Command::new("true")
        .current_dir("/no/such/dir")
        .spawn()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "on {}: {err}", backend());
}

#[test]
fn auto_traits() {
    fn send_sync_unpin<T: Send + Sync + Unpin>() {}
    use anyloop::process::{Child, ChildStderr, ChildStdin, ChildStdout, Command};
    send_sync_unpin::<Command>();
    send_sync_unpin::<Child>();
    send_sync_unpin::<ChildStdin>();
    send_sync_unpin::<ChildStdout>();
    send_sync_unpin::<ChildStderr>();
}

/// A command first spawned under tokio, and a tokio child, used from a task
/// of another backend give errors, not a panic or a hang.
#[cfg(all(feature = "tokio", any(feature = "smol", feature = "async-std")))]
#[test]
fn tokio_processes_used_from_another_backend_are_errors() {
    use anyloop::{Backend, Runtime};

    let tokio = Runtime::builder()
        .backend(Backend::Tokio)
        .current_thread()
        .build()
        .unwrap();
    let mut command = Command::new("sleep");
    command.arg("30").kill_on_drop(true);
    let mut child = tokio.block_on(async { command.spawn() }).unwrap();

    let other = Backend::available()
        .iter()
        .copied()
        .find(|&b| b != Backend::Tokio)
        .unwrap();
    let other = Runtime::builder().backend(other).build().unwrap();
    let err = other.block_on(child.wait()).unwrap_err();
    assert!(err.to_string().contains("tokio"), "{err}");
    let err = other.block_on(async { command.spawn() }).unwrap_err();
    assert!(err.to_string().contains("tokio"), "{err}");
    // The child is still usable from tokio.
    child.kill().unwrap();
    let status = tokio.block_on(child.wait()).unwrap();
    assert!(!status.success());
}
