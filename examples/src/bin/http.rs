//! An HTTP/1.1 + HTTP/2 server and client on hyper: the same code on every
//! backend, with anyloop's executor, timer and streams (feature `hyper`).
//!
//! ```text
//! cargo run --release -p anyloop-examples --bin http                      # demo, every backend
//! cargo run --release -p anyloop-examples --bin http -- --backend smol    # demo, one backend
//! cargo run --release -p anyloop-examples --bin http -- serve --backend smol --addr 127.0.0.1:8080
//! curl --http2-prior-knowledge http://127.0.0.1:8080/api/hello
//! cargo run --release -p anyloop-examples --bin http -- get --http2 http://127.0.0.1:8080/api/stream
//! ```
//!
//! The server speaks HTTP/1.1 and HTTP/2 (prior knowledge, no TLS) on one
//! port, one task per connection, HTTP/2 streams on the anyloop executor:
//!
//! - `GET /api/hello`: `{"message":"hello","backend":..,"version":..}`;
//! - `POST /api/echo`: the request body, streamed back as it arrives;
//! - `GET /api/stream?chunks=N`: N JSON lines, 10 ms apart (N ≤ 1000,
//!   default 5), sent as they are made;
//! - anything else: a JSON 404 (or 405 for a wrong method).
//!
//! Without a subcommand, the demo starts the server on a free port of each
//! backend in turn and checks every route over both protocols.

use std::convert::Infallible;
use std::io::{self, Write as _};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyloop::hyper::{Executor, Timer};
use anyloop::net::{TcpListener, TcpStream};
use anyloop::{Backend, Runtime};
use anyloop_examples::BackendChoice;
use clap::{Parser, Subcommand};
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::{Bytes, Frame, Incoming};
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::{Method, Request, Response, StatusCode, Uri, Version};

#[derive(Debug, Parser)]
#[command(about = "An HTTP/1.1 + HTTP/2 server and client on hyper, on every anyloop backend")]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    /// The demo's backends: `all`, `default` (the rule of ANYLOOP_BACKEND),
    /// or a backend name.
    #[arg(long, default_value = "all", value_parser = BackendChoice::parse)]
    backend: BackendChoice,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serves until Ctrl-C, printing `listening on http://ADDR (BACKEND)`.
    Serve {
        /// One backend, or `default` (the rule of ANYLOOP_BACKEND).
        #[arg(long, default_value = "default", value_parser = BackendChoice::parse)]
        backend: BackendChoice,
        /// The address to listen on (port 0: a free port).
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
    },
    /// Sends one GET and prints the status and the body as it arrives.
    Get {
        /// One backend, or `default` (the rule of ANYLOOP_BACKEND).
        #[arg(long, default_value = "default", value_parser = BackendChoice::parse)]
        backend: BackendChoice,
        /// HTTP/2 with prior knowledge instead of HTTP/1.1.
        #[arg(long)]
        http2: bool,
        /// `http://HOST:PORT/PATH`.
        url: Uri,
    },
}

type Body = BoxBody<Bytes, hyper::Error>;
type Error = Box<dyn std::error::Error + Send + Sync>;

// The server: written once, against the ambient API only.

/// Accepts connections until the listener fails, each served in its own
/// task on the backend running the caller.
async fn serve(listener: TcpListener) -> io::Result<()> {
    loop {
        let (stream, _) = listener.accept().await?;
        stream.set_nodelay(true)?;
        anyloop::spawn(async move {
            let mut builder = hyper_util::server::conn::auto::Builder::new(Executor::new());
            builder
                .http1()
                .timer(Timer::new())
                .header_read_timeout(Duration::from_secs(10));
            builder.http2().timer(Timer::new());
            // A client that hangs up early is its own business.
            let _ = builder
                .serve_connection(stream, hyper::service::service_fn(route))
                .await;
        });
    }
}

async fn route(request: Request<Incoming>) -> Result<Response<Body>, Infallible> {
    let response = match (request.method(), request.uri().path()) {
        (&Method::GET, "/api/hello") => json(
            StatusCode::OK,
            serde_json::json!({
                "message": "hello",
                "backend": Backend::current().map(Backend::name),
                "version": format!("{:?}", request.version()),
            }),
        ),
        (&Method::POST, "/api/echo") => {
            let mut response = Response::new(request.into_body().boxed());
            response.headers_mut().insert(
                CONTENT_TYPE,
                HeaderValue::from_static("application/octet-stream"),
            );
            response
        }
        (&Method::GET, "/api/stream") => match chunks(request.uri()) {
            Some(count) => {
                let mut response = Response::new(stream_body(count));
                response.headers_mut().insert(
                    CONTENT_TYPE,
                    HeaderValue::from_static("application/x-ndjson"),
                );
                response
            }
            None => json(
                StatusCode::BAD_REQUEST,
                serde_json::json!({ "error": "chunks must be a number from 0 to 1000" }),
            ),
        },
        (_, "/api/hello" | "/api/echo" | "/api/stream") => json(
            StatusCode::METHOD_NOT_ALLOWED,
            serde_json::json!({ "error": "method not allowed", "method": request.method().as_str() }),
        ),
        (_, path) => json(
            StatusCode::NOT_FOUND,
            serde_json::json!({ "error": "not found", "path": path }),
        ),
    };
    Ok(response)
}

/// The `chunks` query parameter: 5 when absent, `None` when not 0 to 1000.
fn chunks(uri: &Uri) -> Option<u32> {
    let query = uri.query().unwrap_or("");
    match query
        .split('&')
        .find_map(|pair| pair.strip_prefix("chunks="))
    {
        None => Some(5),
        Some(value) => value.parse().ok().filter(|&n| n <= 1000),
    }
}

/// `count` JSON lines, made one at a time, 10 ms apart.
fn stream_body(count: u32) -> Body {
    let lines = futures_lite::stream::unfold(0, move |n| async move {
        if n == count {
            return None;
        }
        if n > 0 {
            anyloop::time::sleep(Duration::from_millis(10)).await;
        }
        let line = format!("{{\"chunk\":{n},\"of\":{count}}}\n");
        Some((Ok(Frame::data(Bytes::from(line))), n + 1))
    });
    StreamBody::new(lines).boxed()
}

fn json(status: StatusCode, value: serde_json::Value) -> Response<Body> {
    let mut body = value.to_string();
    body.push('\n');
    let mut response = Response::new(full(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

fn full(bytes: impl Into<Bytes>) -> Body {
    Full::new(bytes.into())
        .map_err(|never| match never {})
        .boxed()
}

// The client.

/// A connection to `addr` over HTTP/1.1 or HTTP/2, its task spawned.
enum Client {
    Http1(hyper::client::conn::http1::SendRequest<Body>),
    Http2(hyper::client::conn::http2::SendRequest<Body>),
}

impl Client {
    async fn connect(addr: &str, http2: bool) -> Result<Client, Error> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        if http2 {
            let (sender, conn) = hyper::client::conn::http2::Builder::new(Executor::new())
                .timer(Timer::new())
                .handshake(stream)
                .await?;
            anyloop::spawn(conn);
            Ok(Client::Http2(sender))
        } else {
            let (sender, conn) = hyper::client::conn::http1::handshake(stream).await?;
            anyloop::spawn(conn);
            Ok(Client::Http1(sender))
        }
    }

    async fn send(&mut self, request: Request<Body>) -> Result<Response<Incoming>, Error> {
        Ok(match self {
            Client::Http1(sender) => {
                sender.ready().await?;
                sender.send_request(request).await?
            }
            Client::Http2(sender) => {
                sender.ready().await?;
                sender.send_request(request).await?
            }
        })
    }
}

/// A request to `path` of `host`, absolute for HTTP/2 (its `:authority`)
/// and with a `host` header for HTTP/1.1.
fn request(method: Method, host: &str, path: &str, body: Body) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(format!("http://{host}{path}"))
        .header("host", host)
        .body(body)
        .expect("a valid request")
}

/// The demo's client: every route over both protocols, each answer checked.
async fn check_routes(addr: SocketAddr) -> Result<String, Error> {
    let host = addr.to_string();
    let mut streamed = 0;
    for http2 in [false, true] {
        let version = if http2 {
            Version::HTTP_2
        } else {
            Version::HTTP_11
        };
        let mut client = Client::connect(&host, http2).await?;

        let hello = client
            .send(request(Method::GET, &host, "/api/hello", full("")))
            .await?;
        check(hello.status() == StatusCode::OK, "GET /api/hello: not 200")?;
        check(hello.version() == version, "GET /api/hello: wrong version")?;
        let body = hello.into_body().collect().await?.to_bytes();
        let value: serde_json::Value = serde_json::from_slice(&body)?;
        let here = Backend::current().map(Backend::name);
        check(
            value["message"] == "hello" && value["backend"] == serde_json::json!(here),
            "GET /api/hello: wrong JSON",
        )?;

        // 1 MiB, sent in 64 KiB chunks and echoed byte for byte.
        let sent: Vec<u8> = (0..1 << 20).map(|i: u32| (i % 251) as u8).collect();
        let chunks = sent
            .chunks(64 << 10)
            .map(|chunk| Ok(Frame::data(Bytes::copy_from_slice(chunk))))
            .collect::<Vec<_>>();
        let body = StreamBody::new(futures_lite::stream::iter(chunks)).boxed();
        let echo = client
            .send(request(Method::POST, &host, "/api/echo", body))
            .await?;
        check(echo.status() == StatusCode::OK, "POST /api/echo: not 200")?;
        let echoed = echo.into_body().collect().await?.to_bytes();
        check(echoed == sent, "POST /api/echo: the echo differs")?;

        let stream = client
            .send(request(
                Method::GET,
                &host,
                "/api/stream?chunks=5",
                full(""),
            ))
            .await?;
        let mut body = stream.into_body();
        let mut text = Vec::new();
        while let Some(frame) = body.frame().await {
            if let Ok(data) = frame?.into_data()
                && !data.is_empty()
            {
                streamed += 1;
                text.extend_from_slice(&data);
            }
        }
        check(
            text.split(|&b| b == b'\n')
                .filter(|l| !l.is_empty())
                .count()
                == 5,
            "GET /api/stream: not 5 lines",
        )?;

        let missing = client
            .send(request(Method::GET, &host, "/nowhere", full("")))
            .await?;
        check(
            missing.status() == StatusCode::NOT_FOUND,
            "GET /nowhere: not 404",
        )?;
    }
    Ok(format!(
        "HTTP/1.1 and HTTP/2: JSON, 1 MiB echoed, 10 lines streamed in {streamed} frames, 404"
    ))
}

fn check(ok: bool, what: &str) -> Result<(), Error> {
    if ok { Ok(()) } else { Err(what.into()) }
}

/// `get`: one request, the status and headers to stderr, the body to
/// stdout as it arrives.
async fn get(url: Uri, http2: bool) -> Result<(), Error> {
    if url.scheme_str() != Some("http") {
        return Err(format!("{url}: only http:// URLs (no TLS in this example)").into());
    }
    let authority = url.authority().ok_or("the URL has no host")?;
    let host = match authority.port() {
        Some(_) => authority.to_string(),
        None => format!("{authority}:80"),
    };
    let path = url.path_and_query().map_or("/", |p| p.as_str());
    let mut client = Client::connect(&host, http2).await?;
    let response = client
        .send(request(Method::GET, authority.as_str(), path, full("")))
        .await?;
    eprintln!("{:?} {}", response.version(), response.status());
    let mut body = response.into_body();
    let mut stdout = io::stdout();
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame?.into_data() {
            stdout.write_all(&data)?;
            stdout.flush()?;
        }
    }
    Ok(())
}

// The command line: one runtime per backend.

fn one_backend(choice: BackendChoice) -> Result<Backend, Error> {
    match choice.backends()?.as_slice() {
        [backend] => Ok(*backend),
        _ => Err("this command runs on one backend: pass --backend NAME or default".into()),
    }
}

fn runtime(backend: Backend) -> Result<Runtime, Error> {
    Ok(Runtime::builder().backend(backend).build()?)
}

fn run(args: Args) -> Result<(), Error> {
    match args.command {
        Some(Command::Serve { backend, addr }) => {
            let backend = one_backend(backend)?;
            runtime(backend)?.block_on(async {
                let listener = TcpListener::bind(addr).await?;
                println!("listening on http://{} ({backend})", listener.local_addr()?);
                io::stdout().flush()?;
                // Until the listener fails or Ctrl-C.
                futures_lite::future::or(serve(listener), anyloop::signal::ctrl_c())
                    .await
                    .map_err(Error::from)
            })
        }
        Some(Command::Get {
            backend,
            http2,
            url,
        }) => runtime(one_backend(backend)?)?.block_on(get(url, http2)),
        None => {
            for backend in args.backend.backends()? {
                let start = Instant::now();
                let summary = runtime(backend)?.block_on(async {
                    let listener = TcpListener::bind("127.0.0.1:0").await?;
                    let addr = listener.local_addr()?;
                    let server = anyloop::spawn(serve(listener)).abort_on_drop();
                    let summary = check_routes(addr).await;
                    drop(server);
                    summary
                })?;
                println!(
                    "http on {:<9}  {summary} ({:.0?})",
                    backend.name(),
                    start.elapsed()
                );
            }
            Ok(())
        }
    }
}

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("http: {err}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chunks_parameter() {
        assert_eq!(chunks(&"/api/stream".parse().unwrap()), Some(5));
        assert_eq!(chunks(&"/api/stream?chunks=12".parse().unwrap()), Some(12));
        assert_eq!(
            chunks(&"/api/stream?a=1&chunks=0".parse().unwrap()),
            Some(0)
        );
        assert_eq!(chunks(&"/api/stream?chunks=1001".parse().unwrap()), None);
        assert_eq!(chunks(&"/api/stream?chunks=x".parse().unwrap()), None);
    }
}
