//! The http example, run as a user would: the demo on every backend, the
//! server against curl (a real HTTP/1.1 and HTTP/2 client) and against the
//! example's own `get`, and bad arguments.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};

const BACKENDS: [&str; 3] = ["tokio", "smol", "async-std"];

fn http() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_http"));
    cmd.env_remove("ANYLOOP_BACKEND");
    cmd
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `http serve` on a free port of `backend`; killed when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(backend: &str) -> Server {
        let mut child = http()
            .args(["serve", "--backend", backend, "--addr", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("the http example starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .strip_prefix("listening on http://")
            .and_then(|rest| rest.strip_suffix(&format!(" ({backend})\n")))
            .unwrap_or_else(|| panic!("{backend}: no address in {line:?}"))
            .to_owned();
        Server { child, addr }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs curl, bounded in time, and returns its output, `None` if there is
/// no curl on this machine.
fn curl(args: &[&str]) -> Option<Output> {
    match Command::new("curl")
        .args(["--silent", "--show-error", "--max-time", "20"])
        .args(args)
        .output()
    {
        Ok(output) => Some(output),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => None,
        Err(err) => panic!("curl: {err}"),
    }
}

#[test]
fn the_demo_runs_on_every_backend() {
    let output = http().output().unwrap();
    assert!(output.status.success(), "{output:?}");
    let stdout = text(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    let backends = anyloop::Backend::available();
    assert_eq!(lines.len(), backends.len(), "{stdout}");
    for (line, backend) in lines.iter().zip(backends) {
        let start = format!(
            "http on {:<9}  HTTP/1.1 and HTTP/2: JSON, 1 MiB echoed, 10 lines streamed in 10 frames, 404 (",
            backend.name()
        );
        assert!(line.starts_with(&start), "{backend}: {line}");
    }
}

#[test]
fn curl_over_http1_and_http2_on_every_backend() {
    if curl(&["--version"]).is_none() {
        println!("SKIPPED: curl is not installed (.ci/run installs it)");
        return;
    }
    let version = text(&curl(&["--version"]).unwrap().stdout);
    assert!(
        version.contains("HTTP2"),
        "this curl has no HTTP/2:\n{version}"
    );
    for backend in BACKENDS {
        let server = Server::start(backend);
        let url = |path: &str| format!("http://{}{path}", server.addr);
        for (flag, version) in [
            ("--http1.1", "HTTP/1.1"),
            ("--http2-prior-knowledge", "HTTP/2.0"),
        ] {
            let hello = curl(&[flag, "--fail", &url("/api/hello")]).unwrap();
            assert!(hello.status.success(), "{backend} {flag}: {hello:?}");
            let value: serde_json::Value = serde_json::from_slice(&hello.stdout)
                .unwrap_or_else(|err| panic!("{backend} {flag}: {err}: {}", text(&hello.stdout)));
            assert_eq!(
                value,
                serde_json::json!({ "message": "hello", "backend": backend, "version": version }),
                "{backend} {flag}"
            );

            let stream = curl(&[flag, "--fail", &url("/api/stream?chunks=3")]).unwrap();
            assert!(stream.status.success(), "{backend} {flag}: {stream:?}");
            assert_eq!(
                text(&stream.stdout),
                "{\"chunk\":0,\"of\":3}\n{\"chunk\":1,\"of\":3}\n{\"chunk\":2,\"of\":3}\n",
                "{backend} {flag}"
            );

            // 256 KiB through the echo, byte for byte.
            let sent: Vec<u8> = (0..256 * 1024u32).map(|i| (i % 253) as u8).collect();
            let path = std::env::temp_dir().join(format!(
                "anyloop-http-echo-{}-{backend}",
                std::process::id()
            ));
            std::fs::write(&path, &sent).unwrap();
            let data = format!("@{}", path.display());
            let echo = curl(&[flag, "--fail", "--data-binary", &data, &url("/api/echo")]).unwrap();
            std::fs::remove_file(&path).unwrap();
            assert!(echo.status.success(), "{backend} {flag}: {echo:?}");
            assert!(echo.stdout == sent, "{backend} {flag}: the echo differs");

            let missing = curl(&[
                flag,
                "-o",
                "/dev/null",
                "-w",
                "%{http_code}",
                &url("/nowhere"),
            ])
            .unwrap();
            assert_eq!(text(&missing.stdout), "404", "{backend} {flag}");
        }
    }
}

#[test]
fn the_examples_own_client_on_every_backend() {
    for backend in BACKENDS {
        let server = Server::start(backend);
        for http2 in [false, true] {
            let mut cmd = http();
            cmd.args(["get", "--backend", backend]);
            if http2 {
                cmd.arg("--http2");
            }
            let output = cmd
                .arg(format!("http://{}/api/stream?chunks=2", server.addr))
                .output()
                .unwrap();
            assert!(
                output.status.success(),
                "{backend} http2={http2}: {output:?}"
            );
            assert_eq!(
                text(&output.stdout),
                "{\"chunk\":0,\"of\":2}\n{\"chunk\":1,\"of\":2}\n",
                "{backend} http2={http2}"
            );
            let status = if http2 {
                "HTTP/2.0 200 OK\n"
            } else {
                "HTTP/1.1 200 OK\n"
            };
            assert_eq!(text(&output.stderr), status, "{backend} http2={http2}");
        }
    }
}

#[test]
fn bad_arguments_are_clear_errors() {
    let all = http()
        .args(["serve", "--backend", "all", "--addr", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert!(!all.status.success());
    assert_eq!(
        text(&all.stderr),
        "http: this command runs on one backend: pass --backend NAME or default\n"
    );
    let tls = http().args(["get", "https://localhost/"]).output().unwrap();
    assert!(!tls.status.success());
    assert!(text(&tls.stderr).contains("only http:// URLs"), "{tls:?}");
    let unknown = http().args(["--backend", "trio"]).output().unwrap();
    assert!(!unknown.status.success());
    assert!(text(&unknown.stderr).contains("trio"), "{unknown:?}");
}

/// hyper-util's legacy client is tokio-only (its connector is
/// `tokio::net`, its pool's timers are tokio's): inside `anyloop::compat` it
/// fetches from the example server on every backend.
#[test]
fn hyper_utils_tokio_client_through_compat_on_every_backend() {
    use http_body_util::{BodyExt, Empty};
    use hyper::body::Bytes;
    use hyper_util::client::legacy::Client;
    use hyper_util::rt::TokioExecutor;

    for backend in BACKENDS {
        let server = Server::start(backend);
        let rt = anyloop::Runtime::builder()
            .backend(backend.parse().unwrap())
            .build()
            .unwrap();
        let (json, lines) = rt.block_on(anyloop::compat::tokio(async {
            let client = Client::builder(TokioExecutor::new()).build_http::<Empty<Bytes>>();
            let get = |path: &str| {
                let uri = format!("http://{}{path}", server.addr).parse().unwrap();
                let request = client.get(uri);
                async move {
                    let response = request
                        .await
                        .unwrap_or_else(|err| panic!("{backend}: {err:?}"));
                    assert_eq!(response.status(), 200, "{backend}");
                    let body = response.into_body().collect().await.unwrap();
                    text(&body.to_bytes())
                }
            };
            // Two requests on the client's pool (keep-alive), then a
            // streamed body.
            let first = get("/api/hello").await;
            assert_eq!(get("/api/hello").await, first, "{backend}");
            (first, get("/api/stream?chunks=3").await)
        }));
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(
            value,
            serde_json::json!({ "message": "hello", "backend": backend, "version": "HTTP/1.1" }),
            "{backend}"
        );
        assert_eq!(
            lines, "{\"chunk\":0,\"of\":3}\n{\"chunk\":1,\"of\":3}\n{\"chunk\":2,\"of\":3}\n",
            "{backend}"
        );
    }
}
