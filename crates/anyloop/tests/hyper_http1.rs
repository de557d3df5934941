//! hyper's HTTP/1.1 client and server over anyloop's streams, executor-less
//! (HTTP/1 needs none) and with anyloop's timer, on every backend.
#![cfg(feature = "hyper")]

mod common;

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyloop::hyper::Timer;
use anyloop::io::{AsyncReadExt, AsyncWriteExt};
#[cfg(unix)]
use anyloop::net::UnixStream;
use anyloop::net::{TcpListener, TcpStream};
use common::{backend, within};
use http_body_util::{BodyExt, Empty, Full, StreamBody};
use hyper::body::{Bytes, Frame, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Serves the one connection that `listener` accepts with `service`, and
/// returns how the connection ended.
async fn serve_one<S>(listener: TcpListener, service: S) -> hyper::Result<()>
where
    S: hyper::service::Service<Request<Incoming>, Response = Response<Incoming>> + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
{
    let (stream, _) = listener.accept().await.expect("accept");
    http1::Builder::new()
        .timer(Timer::new())
        .serve_connection(stream, service)
        .await
}

/// An HTTP/1 client connection to `addr`, its connection task spawned.
async fn client(
    addr: std::net::SocketAddr,
) -> hyper::client::conn::http1::SendRequest<Full<Bytes>> {
    let stream = TcpStream::connect(addr).await.expect("connect");
    let (sender, conn) = hyper::client::conn::http1::handshake(stream)
        .await
        .unwrap_or_else(|err| panic!("handshake on {}: {err}", backend()));
    anyloop::spawn(conn);
    sender
}

#[anyloop::test]
async fn keep_alive_serves_1000_requests_on_one_connection() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let served = Arc::new(AtomicUsize::new(0));
    let counter = served.clone();
    let server = anyloop::spawn(async move {
        let (stream, _) = listener.accept().await.expect("accept");
        let service = service_fn(move |request: Request<Incoming>| {
            counter.fetch_add(1, Ordering::SeqCst);
            let body = format!("{} {}", request.method(), request.uri().path());
            async move { Ok::<_, Infallible>(Response::new(Full::new(Bytes::from(body)))) }
        });
        // Nothing else is accepted: every request must come on this one.
        http1::Builder::new()
            .timer(Timer::new())
            .serve_connection(stream, service)
            .await
    });
    within("1000 requests", async {
        let mut sender = client(addr).await;
        for n in 0..1000 {
            sender.ready().await.expect("the connection stays open");
            let request = Request::get(format!("/item/{n}"))
                .header("host", "localhost")
                .body(Full::new(Bytes::new()))
                .unwrap();
            let response = sender
                .send_request(request)
                .await
                .unwrap_or_else(|err| panic!("request {n} on {}: {err}", backend()));
            assert_eq!(response.status(), 200, "request {n} on {}", backend());
            assert!(
                response
                    .headers()
                    .get("connection")
                    .is_none_or(|v| v != "close")
            );
            let body = response.into_body().collect().await.unwrap().to_bytes();
            assert_eq!(
                body,
                format!("GET /item/{n}"),
                "request {n} on {}",
                backend()
            );
        }
    })
    .await;
    // The client hung up: the server's connection ends cleanly.
    within("the server's end", server)
        .await
        .unwrap()
        .unwrap_or_else(|err| panic!("the server failed on {}: {err}", backend()));
    assert_eq!(served.load(Ordering::SeqCst), 1000, "on {}", backend());
}

/// The byte at `offset` of the test body: a pattern that shows a shifted,
/// lost or repeated chunk.
fn pattern(offset: usize) -> u8 {
    (offset % 251) as u8 ^ (offset >> 16) as u8
}

#[anyloop::test]
async fn a_16_mib_body_is_echoed_byte_for_byte() {
    const SIZE: usize = 16 << 20;
    const CHUNK: usize = 64 << 10;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    // The server streams the request body back as it arrives.
    let server = anyloop::spawn(serve_one(
        listener,
        service_fn(|request: Request<Incoming>| async move {
            Ok::<_, Infallible>(Response::new(request.into_body()))
        }),
    ));
    let echoed = within("the 16 MiB echo", async {
        let stream = TcpStream::connect(addr).await.unwrap();
        let (mut sender, conn) = hyper::client::conn::http1::handshake(stream).await.unwrap();
        anyloop::spawn(conn);
        let chunks = futures_lite::stream::iter((0..SIZE / CHUNK).map(|n| {
            let chunk: Vec<u8> = (n * CHUNK..(n + 1) * CHUNK).map(pattern).collect();
            Ok::<_, Infallible>(Frame::data(Bytes::from(chunk)))
        }));
        let request = Request::post("/echo")
            .header("host", "localhost")
            .body(StreamBody::new(chunks))
            .unwrap();
        let response = sender
            .send_request(request)
            .await
            .unwrap_or_else(|err| panic!("the echo request on {}: {err}", backend()));
        assert_eq!(response.status(), 200, "on {}", backend());
        response.into_body().collect().await.unwrap().to_bytes()
    })
    .await;
    assert_eq!(echoed.len(), SIZE, "echo length on {}", backend());
    if let Some(at) = echoed
        .iter()
        .enumerate()
        .position(|(i, &b)| b != pattern(i))
    {
        panic!("the echo differs at byte {at} on {}", backend());
    }
    within("the server's end", server).await.unwrap().unwrap();
}

#[anyloop::test]
async fn the_header_read_timeout_fires_through_anyloops_timer() {
    const TIMEOUT: Duration = Duration::from_millis(200);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = anyloop::spawn(async move {
        let (stream, _) = listener.accept().await.expect("accept");
        let service = service_fn(|_: Request<Incoming>| async {
            Ok::<_, Infallible>(Response::new(Empty::<Bytes>::new()))
        });
        let start = Instant::now();
        let ended = http1::Builder::new()
            .timer(Timer::new())
            .header_read_timeout(TIMEOUT)
            .serve_connection(stream, service)
            .await;
        (ended, start.elapsed())
    });
    let mut stream = TcpStream::connect(addr).await.unwrap();
    // Half a request head, and then nothing: the server must give up.
    stream
        .write_all(b"GET / HTTP/1.1\r\nhost: localhost\r\n")
        .await
        .unwrap();
    let mut reply = Vec::new();
    let read = within("the server closing", stream.read_to_end(&mut reply)).await;
    // The connection ended (a reset is an end too); whatever came before
    // the end can only be a 408.
    if read.is_ok() && !reply.is_empty() {
        let text = String::from_utf8_lossy(&reply);
        assert!(text.starts_with("HTTP/1.1 408"), "on {}: {text}", backend());
    }
    let (ended, took) = within("the server's end", server).await.unwrap();
    let err = ended.expect_err("the connection outlived its header-read timeout");
    assert!(err.is_timeout(), "not a timeout on {}: {err:?}", backend());
    // Timers never fire early, so this cannot race.
    assert!(took >= TIMEOUT, "fired after {took:?} on {}", backend());
}

#[cfg(unix)]
#[anyloop::test]
async fn http1_over_a_unix_stream() {
    let (server_end, client_end) = UnixStream::pair().unwrap();
    let server = anyloop::spawn(http1::Builder::new().serve_connection(
        server_end,
        service_fn(|request: Request<Incoming>| async move {
            let body = request.into_body().collect().await?.to_bytes();
            Ok::<_, hyper::Error>(Response::new(Full::new(Bytes::from(
                body.to_ascii_uppercase(),
            ))))
        }),
    ));
    let (mut sender, conn) = hyper::client::conn::http1::handshake(client_end)
        .await
        .unwrap();
    anyloop::spawn(conn);
    let request = Request::post("/")
        .header("host", "localhost")
        .body(Full::new(Bytes::from("over a unix socket")))
        .unwrap();
    let response = within("the unix request", sender.send_request(request))
        .await
        .unwrap();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(body, "OVER A UNIX SOCKET", "on {}", backend());
    drop(sender);
    within("the server's end", server).await.unwrap().unwrap();
}
