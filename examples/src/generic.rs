//! Library code written once against the static face (`R: Runtime`, the
//! core traits only): it runs unchanged on anyloop's backends and on any
//! other backend that implements the core traits, such as the
//! `anyloop-pool` crate of this repository.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use anyloop::io::{AsyncReadExt, AsyncWriteExt};
use anyloop::rt::net::TcpListener as _;
use anyloop::rt::{Runtime, TimerExt};
use anyloop::task::TaskHandle;

/// The hello example's work on the runtime `rt`: spawns `tasks` tasks that
/// each sleep for `sleep` and return their index, a blocking task that
/// computes 10!, and a task that is aborted. Returns the sum of the outputs
/// and whether the aborted task's handle reported the cancellation.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// let (sum, cancelled) = anyloop::run(anyloop_examples::generic::hello(
///     &anyloop::rt::Smol,
///     10,
///     Duration::from_millis(1),
/// ));
/// assert_eq!(sum, 45 + 3_628_800);
/// assert!(cancelled);
/// ```
pub async fn hello<R: Runtime>(rt: &R, tasks: u32, sleep: Duration) -> (u64, bool) {
    let handles: Vec<_> = (0..tasks)
        .map(|i| {
            let timer = rt.clone();
            rt.spawn(async move {
                timer.sleep(sleep).await;
                u64::from(i)
            })
        })
        .collect();
    let blocking = rt.spawn_blocking(|| (1..=10u64).product::<u64>());
    let forever = rt.spawn(std::future::pending::<()>());
    forever.abort();

    let mut sum = 0;
    for handle in handles {
        sum += handle.await.expect("a task failed");
    }
    sum += blocking.await.expect("the blocking task failed");
    (sum, forever.await.is_err_and(|e| e.is_cancelled()))
}

/// An echo server on the runtime `rt`: accepts `connections` connections on
/// `listener`, each served by a task of its own that writes back what it
/// reads until the client closes. Returns the bytes echoed in all.
///
/// # Errors
///
/// The first I/O error of an accept or a connection.
///
/// # Examples
///
/// ```
/// use anyloop::rt::Net;
///
/// anyloop::run(async {
///     let rt = anyloop::rt::Smol;
///     let listener = rt.bind_tcp("127.0.0.1:0".parse().unwrap())?;
///     let addr = anyloop::rt::net::TcpListener::local_addr(&listener)?;
///     let server = anyloop::spawn(anyloop_examples::generic::echo_server(rt, listener, 1));
///     let reply = anyloop_examples::generic::echo_client(&rt, addr, b"ping").await?;
///     assert_eq!(reply, b"ping");
///     assert_eq!(server.await??, 4);
///     std::io::Result::Ok(())
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub async fn echo_server<R: Runtime>(
    rt: R,
    listener: R::TcpListener,
    connections: usize,
) -> io::Result<u64> {
    let mut handlers = Vec::with_capacity(connections);
    for _ in 0..connections {
        let (mut stream, _) = listener.accept().await?;
        handlers.push(rt.spawn(async move {
            let mut buf = vec![0; 4096];
            let mut echoed = 0;
            loop {
                let n = stream.read(&mut buf).await?;
                if n == 0 {
                    return io::Result::Ok(echoed);
                }
                stream.write_all(&buf[..n]).await?;
                echoed += n as u64;
            }
        }));
    }
    let mut total = 0;
    for handler in handlers {
        total += handler.await??;
    }
    Ok(total)
}

/// A client of [`echo_server`]: sends `message`, closes its side, and
/// returns what came back.
///
/// # Errors
///
/// The error of the connect, a write or a read.
///
/// # Examples
///
/// See [`echo_server`].
pub async fn echo_client<R: Runtime>(
    rt: &R,
    addr: SocketAddr,
    message: &[u8],
) -> io::Result<Vec<u8>> {
    let mut stream = rt.connect_tcp(addr).await?;
    stream.write_all(message).await?;
    stream.close().await?;
    let mut reply = Vec::with_capacity(message.len());
    stream.read_to_end(&mut reply).await?;
    Ok(reply)
}
