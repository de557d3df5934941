//! The auto traits promised by the public types, checked at compile time.

use std::future::Future;

fn send_sync_unpin<T: Send + Sync + Unpin>() {}
fn send_sync<T: Send + Sync>() {}
fn error<T: std::error::Error + Send + Sync + 'static>() {}

#[test]
fn ambient_types() {
    send_sync_unpin::<anyloop::task::JoinHandle<()>>();
    send_sync_unpin::<anyloop::task::JoinHandle<String>>();
    send_sync_unpin::<anyloop::task::AbortOnDrop<anyloop::task::JoinHandle<u8>>>();
    send_sync_unpin::<anyloop::time::Interval>();
    send_sync::<anyloop::time::Sleep>();
    send_sync::<anyloop::time::Timeout<std::future::Ready<()>>>();
    send_sync::<anyloop::Runtime>();
    send_sync_unpin::<anyloop::Builder>();
    send_sync_unpin::<anyloop::Backend>();
    send_sync_unpin::<anyloop::task::YieldNow>();
    error::<anyloop::task::JoinError>();
    error::<anyloop::time::Elapsed>();
    error::<anyloop::BuildError>();
    error::<anyloop::BackendError>();
}

/// The static face: every backend handle is a cheap `Runtime` whose join
/// handles and timers can cross threads.
macro_rules! static_handle {
    ($handle:ty) => {{
        fn runtime<R: anyloop::rt::Runtime + Copy + Default + std::fmt::Debug>() {}
        runtime::<$handle>();
        send_sync_unpin::<$handle>();
        send_sync_unpin::<<$handle as anyloop::rt::Spawn>::JoinHandle<()>>();
        send_sync::<anyloop::time::Sleep<$handle>>();
        send_sync_unpin::<anyloop::time::Interval<$handle>>();
    }};
}

#[test]
fn static_face_types() {
    static_handle!(anyloop::rt::Current);
    #[cfg(feature = "tokio")]
    static_handle!(anyloop::rt::Tokio);
    #[cfg(feature = "smol")]
    static_handle!(anyloop::rt::Smol);
    #[cfg(feature = "async-std")]
    static_handle!(anyloop::rt::AsyncStd);
}

/// Futures returned by spawn are `Send`, so they can be spawned in turn.
#[test]
fn futures_are_send() {
    fn send<F: Future + Send>(_: &F) {}
    let sleep = anyloop::time::sleep(std::time::Duration::ZERO);
    send(&sleep);
    send(&anyloop::task::yield_now());
}
