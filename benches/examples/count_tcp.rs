//! Counts what one TCP ping-pong through the ambient sockets
//! (`anyloop::net`) costs, for callgrind:
//! `valgrind --tool=callgrind target/release/examples/count_tcp <backend> <n>`
//! with `backend` one of `tokio`, `smol`, `async-std`, run with two values
//! of `n`: the difference of the instruction counts divided by the
//! difference of `n` is the cost of one round (64 bytes each way).
//!
//! The round is sequential in one task (the client writes, the server reads
//! and answers, the client reads): over loopback a written byte is readable
//! at once, so no read waits on the reactor and the count is the dispatch
//! and socket path only, the same from run to run. Used to check that the
//! plug-in sockets (the `Dyn` arm of the ambient socket types) cost the
//! built-in backends nothing.

use anyloop::io::{AsyncReadExt, AsyncWriteExt};
use anyloop::net::{TcpListener, TcpStream};
use anyloop_benches::{RUNTIMES, time_in};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let backend = args[1].as_str();
    let n: u64 = args[2].parse().unwrap();
    let rts = &*RUNTIMES;
    let body = move || async move {
        // One connection for every round: `time_in` calls the body `n`
        // times, so the set-up is in the first call only.
        thread_local! {
            static PAIR: std::cell::RefCell<Option<(TcpStream, TcpStream)>> =
                const { std::cell::RefCell::new(None) };
        }
        let (mut client, mut server) = match PAIR.take() {
            Some(pair) => pair,
            None => {
                let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
                let client = TcpStream::connect(listener.local_addr().unwrap())
                    .await
                    .unwrap();
                let (server, _) = listener.accept().await.unwrap();
                client.set_nodelay(true).unwrap();
                server.set_nodelay(true).unwrap();
                (client, server)
            }
        };
        let mut buf = [0u8; 64];
        client.write_all(&[7; 64]).await.unwrap();
        server.read_exact(&mut buf).await.unwrap();
        server.write_all(&buf).await.unwrap();
        client.read_exact(&mut buf).await.unwrap();
        std::hint::black_box(&buf);
        PAIR.set(Some((client, server)));
    };
    let time = match backend {
        "tokio" => time_in(&rts.tokio, n, body),
        "smol" => time_in(&rts.smol, n, body),
        "async-std" => time_in(&rts.async_std, n, body),
        other => panic!("unknown backend {other:?}"),
    };
    println!("{:.1}", time.as_secs_f64() * 1e9 / n as f64);
}
