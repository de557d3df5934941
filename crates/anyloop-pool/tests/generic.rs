//! Runtime-generic library code (`anyloop_examples::generic`, written
//! against `R: Runtime` for anyloop's backends) runs unchanged on this one.

use std::time::Duration;

use anyloop_core::net::{Net, TcpListener as _};
use anyloop_core::{BlockOn, Spawn};
use anyloop_examples::generic::{echo_client, echo_server, hello};

#[test]
fn hello_runs_unchanged() {
    let runtime = anyloop_pool::Runtime::new(2).unwrap();
    let pool = runtime.handle();
    let (sum, cancelled) = runtime.block_on(hello(&pool, 1000, Duration::from_millis(5)));
    assert_eq!(sum, 999 * 1000 / 2 + 3_628_800);
    assert!(cancelled, "the aborted task was not cancelled");
}

#[test]
fn echo_server_runs_unchanged() {
    const CLIENTS: usize = 50;
    let runtime = anyloop_pool::Runtime::new(2).unwrap();
    let pool = runtime.handle();
    let total = runtime.block_on(async {
        let listener = pool.bind_tcp("127.0.0.1:0".parse().unwrap()).unwrap();
        let addr = listener.local_addr().unwrap();
        let server = pool.spawn(echo_server(pool.clone(), listener, CLIENTS));
        let clients: Vec<_> = (0..CLIENTS)
            .map(|i| {
                let pool2 = pool.clone();
                pool.spawn(async move {
                    let message = format!("client {i:03}").repeat(100);
                    let reply = echo_client(&pool2, addr, message.as_bytes()).await?;
                    assert_eq!(reply, message.as_bytes(), "client {i}");
                    std::io::Result::Ok(())
                })
            })
            .collect();
        for client in clients {
            client.await.unwrap().unwrap();
        }
        server.await.unwrap().unwrap()
    });
    assert_eq!(total, (CLIENTS * 1000) as u64);
}
