//! Faults: synchronisation primitives given extreme counts neither panic,
//! wrap around nor hang, on every backend.

mod common;

use std::time::Duration;

use anyloop::sync::Semaphore;
use anyloop::time::timeout;
use common::backend;

#[anyloop::test]
async fn a_semaphore_saturates_instead_of_wrapping_around() {
    let semaphore = Semaphore::new(usize::MAX);
    assert_eq!(semaphore.available_permits(), Semaphore::MAX_PERMITS);
    semaphore.add_permits(1);
    semaphore.add_permits(usize::MAX);
    assert_eq!(
        semaphore.available_permits(),
        Semaphore::MAX_PERMITS,
        "on {}",
        backend()
    );
    // Permits held while the count is at its maximum come back without
    // wrapping the count around to zero.
    let held: Vec<_> = (0..100)
        .map(|_| semaphore.try_acquire_owned().unwrap())
        .collect();
    semaphore.add_permits(usize::MAX);
    drop(held);
    assert!(
        semaphore.available_permits() >= Semaphore::MAX_PERMITS,
        "on {}",
        backend()
    );
    let permit = timeout(Duration::from_secs(5), semaphore.acquire()).await;
    assert!(permit.is_ok(), "acquire waited forever on {}", backend());

    // From zero, adding saturates too.
    let empty = Semaphore::new(0);
    empty.add_permits(usize::MAX);
    empty.add_permits(usize::MAX);
    assert_eq!(empty.available_permits(), Semaphore::MAX_PERMITS);
    assert!(
        timeout(Duration::from_secs(5), empty.acquire())
            .await
            .is_ok()
    );
}
