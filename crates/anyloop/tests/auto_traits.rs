//! The auto traits promised by the public types of the umbrella crate,
//! checked at compile time. Those of every backend's static handle and of
//! `rt::Current` (join handles, timers, sockets) are the kit's
//! `types::auto_traits`, run by `tests/conformance.rs`.

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

/// The static face's handles are zero-sized `Copy + Default + Debug`
/// runtimes (the umbrella's promise, beyond the kit's).
macro_rules! static_handle {
    ($handle:ty) => {{
        fn runtime<R: anyloop::rt::Runtime + Copy + Default + std::fmt::Debug>() {}
        runtime::<$handle>();
        send_sync_unpin::<$handle>();
        assert_eq!(std::mem::size_of::<$handle>(), 0);
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
