//! Types: the auto traits promised by the core traits' bounds, checked when
//! the kit is compiled for the runtime.

use std::time::Duration;

use anyloop_core::net::Net;
use anyloop_core::time::{Interval, Sleep, Timeout};
use anyloop_core::{Runtime, Spawn, TimerExt};

fn send_sync_unpin<T: Send + Sync + Unpin>() {}
fn send_sync<T: Send + Sync>() {}
fn send<T: Send>(_: &T) {}

/// The runtime, its join handles, timers and sockets are `Send + Sync`
/// (join handles, intervals and streams also `Unpin`), and the futures its
/// methods return are `Send`, so that they can be spawned in turn. A
/// runtime that breaks this does not compile with the kit.
pub async fn auto_traits<R: Runtime>(rt: R) {
    send_sync::<R>();
    send_sync_unpin::<<R as Spawn>::JoinHandle<()>>();
    send_sync_unpin::<<R as Spawn>::JoinHandle<String>>();
    send_sync_unpin::<anyloop_core::task::AbortOnDrop<<R as Spawn>::JoinHandle<u8>>>();
    send_sync::<Sleep<R>>();
    send_sync_unpin::<Interval<R>>();
    send_sync::<Timeout<std::future::Ready<()>, R>>();
    send_sync::<<R as Net>::TcpListener>();
    send_sync_unpin::<<R as Net>::TcpStream>();
    send_sync::<<R as Net>::UdpSocket>();
    #[cfg(unix)]
    {
        send_sync::<<R as Net>::UnixListener>();
        send_sync_unpin::<<R as Net>::UnixStream>();
        send_sync::<<R as Net>::UnixDatagram>();
    }
    let sleep = rt.sleep(Duration::ZERO);
    send(&sleep);
    let connect = rt.connect_tcp(crate::support::LOCALHOST);
    send(&connect);
    drop(connect);
    // A future holding all of them across an await is `Send`: spawnable.
    let inner = rt.clone();
    let task = rt.spawn(async move {
        let mut interval = inner.interval(Duration::ZERO);
        interval.tick().await;
        let handle = inner.spawn(async { 1 });
        sleep.await;
        handle.await.unwrap()
    });
    assert_eq!(task.await.unwrap(), 1);
}
