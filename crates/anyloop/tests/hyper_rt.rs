//! anyloop's hyper runtime pieces on their own: the executor, the timer
//! and its sleeps, and hyper's `Read`/`Write` on the owned halves, on every
//! backend.
#![cfg(feature = "hyper")]

mod common;

use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use anyloop::hyper::{Executor, Timer};
use anyloop::net::{TcpListener, TcpStream};
use common::{backend, within};
use hyper::rt::{Executor as _, Read, ReadBuf, Sleep, Timer as _, Write};

/// What hyper's builders require of the executor, the timer and the I/O.
#[test]
fn auto_traits() {
    fn runtime_piece<T: Send + Sync + Clone + Copy + Unpin + std::fmt::Debug + 'static>() {}
    fn io<T: Read + Write + Send + Sync + Unpin + 'static>() {}
    fn read<T: Read + Send + Unpin + 'static>() {}
    fn write<T: Write + Send + Unpin + 'static>() {}
    runtime_piece::<Executor>();
    runtime_piece::<Timer>();
    io::<TcpStream>();
    read::<anyloop::net::OwnedReadHalf>();
    write::<anyloop::net::OwnedWriteHalf>();
    #[cfg(unix)]
    {
        io::<anyloop::net::UnixStream>();
        read::<anyloop::net::UnixOwnedReadHalf>();
        write::<anyloop::net::UnixOwnedWriteHalf>();
    }
}

#[anyloop::test]
async fn the_executor_spawns_on_the_callers_backend() {
    let (tx, rx) = anyloop::sync::oneshot::channel();
    Executor::new().execute(async move {
        tx.send(anyloop::Backend::current()).unwrap();
    });
    let ran_on = within("the executed task", rx).await.unwrap();
    assert_eq!(ran_on, Some(backend()));
}

#[anyloop::test]
async fn reset_moves_the_sleep_in_place() {
    let timer = Timer::new();
    let mut sleep = timer.sleep(Duration::from_secs(3600));
    let before: *const dyn Sleep = &*sleep;
    assert!(sleep.is::<anyloop::time::Sleep>(), "on {}", backend());
    // Armed first, so that the reset moves a live native timer.
    let polled = poll_fn(|cx| Poll::Ready(sleep.as_mut().poll(cx))).await;
    assert!(polled.is_pending(), "an hour went by on {}", backend());
    let deadline = Instant::now() + Duration::from_millis(20);
    timer.reset(&mut sleep, deadline);
    let after: *const dyn Sleep = &*sleep;
    assert!(
        std::ptr::addr_eq(before, after),
        "the sleep was replaced on {}",
        backend()
    );
    within("the reset sleep", sleep).await;
    assert!(Instant::now() >= deadline, "woke early on {}", backend());
}

/// A sleep that is not anyloop's: `reset` must replace it.
struct Foreign;

impl Future for Foreign {
    type Output = ();
    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        Poll::Pending
    }
}

impl Sleep for Foreign {}

#[anyloop::test]
async fn reset_replaces_a_foreign_sleep() {
    let timer = Timer::new();
    let mut sleep: Pin<Box<dyn Sleep>> = Box::pin(Foreign);
    let deadline = Instant::now() + Duration::from_millis(5);
    timer.reset(&mut sleep, deadline);
    assert!(sleep.is::<anyloop::time::Sleep>(), "on {}", backend());
    within("the replacing sleep", sleep).await;
    assert!(Instant::now() >= deadline, "woke early on {}", backend());
}

#[anyloop::test]
async fn read_and_write_on_the_owned_halves() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (server, _) = listener.accept().await.unwrap();
    let (_client_read, mut client_write) = client.into_split();
    let (mut server_read, _server_write) = server.into_split();

    let message = b"through hyper's traits";
    let written = poll_fn(|cx| Pin::new(&mut client_write).poll_write(cx, message))
        .await
        .unwrap();
    assert_eq!(written, message.len(), "on {}", backend());
    poll_fn(|cx| Pin::new(&mut client_write).poll_shutdown(cx))
        .await
        .unwrap();

    let mut received = Vec::new();
    let mut storage = [0u8; 7]; // several reads, into a small buffer
    loop {
        let mut buf = ReadBuf::new(&mut storage);
        within(
            "a read",
            poll_fn(|cx| Pin::new(&mut server_read).poll_read(cx, buf.unfilled())),
        )
        .await
        .unwrap();
        if buf.filled().is_empty() {
            break; // the end of the stream, after the shutdown
        }
        received.extend_from_slice(buf.filled());
    }
    assert_eq!(received, message, "on {}", backend());
}
