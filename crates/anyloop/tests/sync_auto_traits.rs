//! The auto traits the `sync` types promise: everything can be shared
//! between tasks and threads; owned guards and channel ends are `'static`;
//! channel ends and the hand-written futures are `Unpin`.

use anyloop::sync::futures::{
    Acquire, AcquireCapacity, AcquireCapacityOwned, AcquireOwned, Lock, Wait,
};
use anyloop::sync::{
    Barrier, CapacityGuard, CapacityLimiter, Event, Mutex, MutexGuardArc, OwnedCapacityGuard,
    OwnedSemaphorePermit, RwLock, Semaphore, SemaphorePermit, oneshot, queue,
};

fn send_sync<T: Send + Sync>() {}
fn send_sync_unpin_static<T: Send + Sync + Unpin + 'static>() {}
fn send<T: Send>() {}
fn send_static<T: Send + 'static>() {}

#[test]
fn primitives_are_send_and_sync() {
    send_sync_unpin_static::<Event>();
    send_sync_unpin_static::<Semaphore>();
    send_sync_unpin_static::<CapacityLimiter>();
    send_sync_unpin_static::<Mutex<Vec<u8>>>();
    send_sync_unpin_static::<RwLock<Vec<u8>>>();
    send_sync_unpin_static::<Barrier>();
}

#[test]
fn guards_are_send_and_sync() {
    send_sync::<SemaphorePermit<'_>>();
    send_sync::<CapacityGuard<'_>>();
    send_sync_unpin_static::<OwnedSemaphorePermit>();
    send_sync_unpin_static::<OwnedCapacityGuard>();
    send_sync_unpin_static::<MutexGuardArc<Vec<u8>>>();
}

#[test]
fn channel_ends_are_send_sync_unpin() {
    send_sync_unpin_static::<oneshot::Sender<String>>();
    send_sync_unpin_static::<oneshot::Receiver<String>>();
    send_sync_unpin_static::<queue::Sender<String>>();
    send_sync_unpin_static::<queue::Receiver<String>>();
    send_sync_unpin_static::<oneshot::RecvError>();
    send_sync_unpin_static::<queue::SendError<String>>();
}

#[test]
fn futures_are_send() {
    send::<Acquire<'_>>();
    send_static::<AcquireOwned>();
    send::<Lock<'_, Vec<u8>>>();
    send::<queue::Put<'_, String>>();
    send::<queue::Get<'_, String>>();
    send_sync::<Wait<'_>>();
    send_sync::<AcquireCapacity<'_>>();
    send_sync_unpin_static::<AcquireCapacityOwned>();
    fn unpin<T: Unpin>() {}
    unpin::<Wait<'_>>();
    unpin::<AcquireCapacity<'_>>();
}
