//! hyper's HTTP/2 client and server over anyloop's streams, with anyloop's
//! executor and timer, on every backend.
#![cfg(feature = "hyper")]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyloop::hyper::{Executor, Timer};
use anyloop::net::{TcpListener, TcpStream};
use anyloop::sync::Barrier;
use common::{backend, within};
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use hyper::{Request, Response};

const STREAMS: usize = 200;

/// The body of stream `n`: 1 KiB, different for every stream.
fn body_of(n: usize) -> Vec<u8> {
    (0..1024).map(|i| (n * 7 + i) as u8).collect()
}

#[anyloop::test]
async fn two_hundred_concurrent_streams_on_one_connection() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let test_backend = backend();
    // Every handler waits until all of them have started: the test only
    // passes if the 200 streams are open at the same time.
    let all_in = Arc::new(Barrier::new(STREAMS));
    let wrong_backend = Arc::new(AtomicUsize::new(0));
    let wrong = wrong_backend.clone();
    let server = anyloop::spawn(async move {
        let (stream, _) = listener.accept().await.expect("accept");
        let service = service_fn(move |request: Request<Incoming>| {
            let (all_in, wrong) = (all_in.clone(), wrong.clone());
            async move {
                // hyper runs each stream's handler through the Executor.
                if anyloop::Backend::current() != Some(test_backend) {
                    wrong.fetch_add(1, Ordering::SeqCst);
                }
                let path = request.uri().path().to_owned();
                let body = request.into_body().collect().await?.to_bytes();
                all_in.wait().await;
                let mut reply = path.into_bytes();
                reply.extend_from_slice(&body);
                Ok::<_, hyper::Error>(Response::new(Full::new(Bytes::from(reply))))
            }
        });
        hyper::server::conn::http2::Builder::new(Executor::new())
            .timer(Timer::new())
            .max_concurrent_streams(STREAMS as u32)
            .serve_connection(stream, service)
            .await
    });

    within("200 concurrent streams", async {
        let stream = TcpStream::connect(addr).await.unwrap();
        let (sender, conn) = hyper::client::conn::http2::Builder::new(Executor::new())
            .timer(Timer::new())
            .handshake(stream)
            .await
            .unwrap_or_else(|err| panic!("handshake on {}: {err}", backend()));
        let conn = anyloop::spawn(conn);
        let requests: Vec<_> = (0..STREAMS)
            .map(|n| {
                let mut sender = sender.clone();
                anyloop::spawn(async move {
                    let request = Request::post(format!("http://localhost/stream/{n}"))
                        .body(Full::new(Bytes::from(body_of(n))))
                        .unwrap();
                    let response = sender.send_request(request).await?;
                    assert_eq!(response.status(), 200);
                    Ok::<_, hyper::Error>(response.into_body().collect().await?.to_bytes())
                })
            })
            .collect();
        for (n, request) in requests.into_iter().enumerate() {
            let reply = request
                .await
                .unwrap()
                .unwrap_or_else(|err| panic!("stream {n} on {}: {err}", backend()));
            let mut expected = format!("/stream/{n}").into_bytes();
            expected.extend_from_slice(&body_of(n));
            assert!(
                reply == expected,
                "stream {n}: a wrong reply on {}",
                backend()
            );
        }
        drop(sender);
        conn.await
            .unwrap()
            .unwrap_or_else(|err| panic!("the client connection failed on {}: {err}", backend()));
    })
    .await;
    within("the server's end", server)
        .await
        .unwrap()
        .unwrap_or_else(|err| panic!("the server failed on {}: {err}", backend()));
    assert_eq!(
        wrong_backend.load(Ordering::SeqCst),
        0,
        "handlers ran off {}",
        backend()
    );
}
