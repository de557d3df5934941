//! The runtime-generic library code of `anyloop_examples::generic` on every
//! backend's static handle (the fourth backend, `anyloop-pool`, runs it in
//! its own tests).

use std::time::Duration;

use anyloop::rt::Runtime;
use anyloop::rt::net::TcpListener as _;
use anyloop_examples::generic::{echo_client, echo_server, hello};

async fn both<R: Runtime>(rt: R, name: &str) {
    let (sum, cancelled) = hello(&rt, 100, Duration::from_millis(1)).await;
    assert_eq!(sum, 99 * 100 / 2 + 3_628_800, "on {name}");
    assert!(cancelled, "on {name}");

    let listener = rt.bind_tcp("127.0.0.1:0".parse().unwrap()).unwrap();
    let addr = listener.local_addr().unwrap();
    let server = rt.spawn(echo_server(rt.clone(), listener, 3));
    for i in 0..3 {
        let message = format!("message {i}");
        let reply = echo_client(&rt, addr, message.as_bytes()).await.unwrap();
        assert_eq!(reply, message.as_bytes(), "on {name}");
    }
    assert_eq!(server.await.unwrap().unwrap(), 27, "on {name}");
}

#[test]
fn on_every_backend() {
    for &backend in anyloop::Backend::available() {
        let rt = anyloop::Runtime::builder()
            .backend(backend)
            .build()
            .unwrap();
        match backend {
            anyloop::Backend::Tokio => rt.block_on(both(anyloop::rt::Tokio, "tokio")),
            anyloop::Backend::Smol => rt.block_on(both(anyloop::rt::Smol, "smol")),
            anyloop::Backend::AsyncStd => rt.block_on(both(anyloop::rt::AsyncStd, "async-std")),
            other => unreachable!("{other}"),
        }
    }
}
