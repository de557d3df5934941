//! Conformance: `queue` (asyncio's `Queue`, AnyIO's memory object streams)
//! behaves the same on every backend.

#[path = "common/child.rs"]
mod child;
mod common;

use common::within;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyloop::sync::queue::{self, RecvError, SendError, TryRecvError, TrySendError};
use common::{PollCounter, backend, eventually};
use futures_lite::StreamExt;

#[anyloop::test]
async fn fifo_order() {
    let (tx, rx) = queue::bounded(100);
    for n in 0..100 {
        within("put", tx.put(n)).await.unwrap();
    }
    assert_eq!((tx.len(), rx.len()), (100, 100), "on {}", backend());
    for n in 0..100 {
        assert_eq!(within("get", rx.get()).await, Ok(n), "on {}", backend());
    }
    assert!(rx.is_empty(), "on {}", backend());
}

#[anyloop::test]
async fn full_queue_blocks_put_until_get() {
    let (tx, rx) = queue::bounded(2);
    tx.put(1).await.unwrap();
    tx.put(2).await.unwrap();
    assert!(tx.is_full(), "on {}", backend());
    let done = Arc::new(AtomicBool::new(false));
    let producer = anyloop::spawn({
        let (tx, done) = (tx.clone(), done.clone());
        async move {
            tx.put(3).await.unwrap();
            done.store(true, Ordering::SeqCst);
        }
    });
    anyloop::time::sleep(Duration::from_millis(20)).await;
    assert!(
        !done.load(Ordering::SeqCst),
        "put into a full queue did not wait on {}",
        backend()
    );
    assert_eq!(rx.len(), 2, "on {}", backend());
    assert_eq!(within("get", rx.get()).await, Ok(1), "on {}", backend());
    within("the blocked producer", producer).await.unwrap();
    assert!(done.load(Ordering::SeqCst), "on {}", backend());
    assert_eq!(rx.try_get(), Ok(2), "on {}", backend());
    assert_eq!(rx.try_get(), Ok(3), "on {}", backend());
}

#[anyloop::test]
async fn receivers_drain_then_see_the_end_when_all_senders_are_gone() {
    let (tx, rx) = queue::bounded(8);
    let tx2 = tx.clone();
    tx.put(1).await.unwrap();
    tx2.put(2).await.unwrap();
    drop(tx);
    assert!(
        !rx.is_closed(),
        "closed with a sender left on {}",
        backend()
    );
    tx2.put(3).await.unwrap();
    drop(tx2);
    assert!(rx.is_closed(), "on {}", backend());
    let mut rx2 = rx.clone();
    assert_eq!(within("get", rx.get()).await, Ok(1), "on {}", backend());
    // The stream face drains the rest, then ends.
    let rest: Vec<_> = within("collect", (&mut rx2).collect()).await;
    assert_eq!(rest, [2, 3], "on {}", backend());
    assert_eq!(
        within("get", rx.get()).await,
        Err(RecvError),
        "on {}",
        backend()
    );
    assert_eq!(rx.try_get(), Err(TryRecvError::Closed), "on {}", backend());
    assert_eq!(within("next", rx2.next()).await, None, "on {}", backend());
}

#[anyloop::test]
async fn waiting_receiver_sees_the_end_when_the_last_sender_goes() {
    let (tx, rx) = queue::bounded::<u8>(1);
    let consumer = anyloop::spawn(async move { rx.get().await });
    anyloop::time::sleep(Duration::from_millis(5)).await;
    drop(tx);
    assert_eq!(
        within("a waiting get", consumer).await.unwrap(),
        Err(RecvError),
        "on {}",
        backend()
    );
}

#[anyloop::test]
async fn put_after_all_receivers_are_gone_hands_the_item_back() {
    let (tx, rx) = queue::bounded(1);
    let rx2 = rx.clone();
    drop(rx);
    assert!(
        !tx.is_closed(),
        "closed with a receiver left on {}",
        backend()
    );
    drop(rx2);
    assert!(tx.is_closed(), "on {}", backend());
    let SendError(item) = within("put", tx.put(String::from("kept")))
        .await
        .unwrap_err();
    assert_eq!(item, "kept", "on {}", backend());
    assert_eq!(
        tx.try_put(String::from("again")),
        Err(TrySendError::Closed(String::from("again"))),
        "on {}",
        backend()
    );
}

#[anyloop::test]
async fn blocked_put_gets_its_item_back_when_receivers_go() {
    let (tx, rx) = queue::bounded(1);
    tx.put(1).await.unwrap();
    let producer = anyloop::spawn(async move { tx.put(2).await });
    anyloop::time::sleep(Duration::from_millis(5)).await;
    drop(rx);
    let result = within("a blocked put", producer).await.unwrap();
    assert_eq!(
        result.map_err(SendError::into_inner),
        Err(2),
        "on {}",
        backend()
    );
}

#[anyloop::test]
async fn close_from_either_side() {
    let (tx, rx) = queue::bounded(4);
    tx.put(1).await.unwrap();
    assert!(tx.close(), "on {}", backend());
    assert!(!rx.close(), "closed twice on {}", backend());
    assert!(tx.is_closed() && rx.is_closed(), "on {}", backend());
    assert!(tx.put(2).await.is_err(), "on {}", backend());
    assert_eq!(
        rx.get().await,
        Ok(1),
        "queued items survive close on {}",
        backend()
    );
    assert_eq!(rx.get().await, Err(RecvError), "on {}", backend());

    let (tx, rx) = queue::bounded::<u8>(4);
    let consumer = anyloop::spawn(async move { rx.get().await });
    anyloop::time::sleep(Duration::from_millis(5)).await;
    assert!(tx.close(), "on {}", backend());
    assert_eq!(
        within("a get woken by close", consumer).await.unwrap(),
        Err(RecvError),
        "on {}",
        backend()
    );
}

#[anyloop::test]
async fn try_put_and_try_get_errors() {
    let (tx, rx) = queue::bounded(1);
    assert_eq!(rx.try_get(), Err(TryRecvError::Empty), "on {}", backend());
    assert!(rx.try_get().unwrap_err().is_empty(), "on {}", backend());
    tx.try_put(1).unwrap();
    let full = tx.try_put(2).unwrap_err();
    assert!(full.is_full() && !full.is_closed(), "on {}", backend());
    assert_eq!(full.into_inner(), 2, "on {}", backend());
    assert_eq!(rx.try_get(), Ok(1), "on {}", backend());
    drop(tx);
    let closed = rx.try_get().unwrap_err();
    assert!(closed.is_closed() && !closed.is_empty(), "on {}", backend());

    let (tx, rx) = queue::bounded(1);
    drop(rx);
    let err = tx.try_put('c').unwrap_err();
    assert!(err.is_closed() && !err.is_full(), "on {}", backend());
    assert_eq!(err.into_inner(), 'c', "on {}", backend());
}

#[anyloop::test]
async fn len_capacity_and_flags() {
    let (tx, rx) = queue::bounded(3);
    assert_eq!((tx.capacity(), rx.capacity()), (3, 3), "on {}", backend());
    assert!(tx.is_empty() && rx.is_empty(), "on {}", backend());
    tx.try_put(()).unwrap();
    tx.try_put(()).unwrap();
    assert_eq!((tx.len(), rx.len()), (2, 2), "on {}", backend());
    assert!(!tx.is_full() && !rx.is_full(), "on {}", backend());
    tx.try_put(()).unwrap();
    assert!(tx.is_full() && rx.is_full(), "on {}", backend());
}

#[anyloop::test(worker_threads = 2)]
async fn many_producers_and_consumers_deliver_every_item_once() {
    const PRODUCERS: usize = 4;
    const CONSUMERS: usize = 4;
    const ITEMS: usize = 10_000;
    let (tx, rx) = queue::bounded(16);
    let producers: Vec<_> = (0..PRODUCERS)
        .map(|p| {
            let tx = tx.clone();
            anyloop::spawn(async move {
                for item in (p..ITEMS).step_by(PRODUCERS) {
                    tx.put(item).await.unwrap();
                }
            })
        })
        .collect();
    drop(tx);
    let consumers: Vec<_> = (0..CONSUMERS)
        .map(|_| {
            let rx = rx.clone();
            anyloop::spawn(async move {
                let mut got = Vec::new();
                while let Ok(item) = rx.get().await {
                    got.push(item);
                }
                got
            })
        })
        .collect();
    drop(rx);
    for producer in producers {
        within("a producer", producer).await.unwrap();
    }
    let mut all = Vec::with_capacity(ITEMS);
    for consumer in consumers {
        all.extend(within("a consumer", consumer).await.unwrap());
    }
    all.sort_unstable();
    assert_eq!(all.len(), ITEMS, "items delivered on {}", backend());
    assert!(
        all.iter().copied().eq(0..ITEMS),
        "an item was lost or duplicated on {}",
        backend()
    );
}

#[anyloop::test]
async fn blocking_put_and_get_from_threads() {
    let (tx, rx) = queue::bounded(2);
    let producer = anyloop::spawn_blocking(move || {
        for n in 0..100 {
            tx.put_blocking(n).unwrap();
        }
    });
    let consumer = anyloop::spawn_blocking(move || {
        let mut got = Vec::new();
        while let Ok(n) = rx.get_blocking() {
            got.push(n);
        }
        got
    });
    within("the blocking producer", producer).await.unwrap();
    let got = within("the blocking consumer", consumer).await.unwrap();
    assert!(got.into_iter().eq(0..100), "on {}", backend());
}

#[anyloop::test]
async fn consumer_is_woken_by_a_later_put() {
    let (tx, rx) = queue::bounded(1);
    let got = Arc::new(AtomicBool::new(false));
    let consumer = anyloop::spawn({
        let got = got.clone();
        async move {
            let item = rx.get().await;
            got.store(true, Ordering::SeqCst);
            item
        }
    });
    anyloop::time::sleep(Duration::from_millis(10)).await;
    assert!(!got.load(Ordering::SeqCst), "on {}", backend());
    tx.put(9).await.unwrap();
    assert!(
        eventually(|| got.load(Ordering::SeqCst)).await,
        "on {}",
        backend()
    );
    assert_eq!(within("the consumer", consumer).await.unwrap(), Ok(9));
}

#[anyloop::test]
async fn a_zero_capacity_is_taken_as_one() {
    let (tx, rx) = anyloop::sync::queue::bounded::<u8>(0);
    assert_eq!(tx.capacity(), 1, "on {}", backend());
    tx.try_put(1).unwrap();
    assert!(tx.try_put(2).is_err());
    assert_eq!(rx.get().await.unwrap(), 1);
}

#[anyloop::test]
async fn a_queue_of_usize_max_capacity_works() {
    let (tx, rx) = queue::bounded::<u64>(usize::MAX);
    assert_eq!(
        (tx.capacity(), rx.capacity()),
        (usize::MAX, usize::MAX),
        "on {}",
        backend()
    );
    for n in 0..1000 {
        within("put", tx.put(n)).await.unwrap();
    }
    tx.try_put(1000).unwrap();
    assert!(!tx.is_full(), "on {}", backend());
    assert_eq!(rx.len(), 1001, "on {}", backend());
    for n in 0..=1000 {
        assert_eq!(within("get", rx.get()).await, Ok(n), "on {}", backend());
    }
    assert_eq!(rx.try_get(), Err(TryRecvError::Empty), "on {}", backend());
}

#[anyloop::test]
async fn a_cancelled_waiting_put_passes_its_wake_up_on() {
    // Two puts wait on a full queue; a get frees one place and wakes the
    // first, which is then dropped without running: the second must be
    // woken in its stead and get the place.
    let (tx, rx) = queue::bounded(1);
    tx.put(0).await.unwrap();
    let mut first = PollCounter::new(tx.put(1));
    let mut second = PollCounter::new(tx.put(2));
    assert!(first.poll_once().is_pending(), "on {}", backend());
    assert!(second.poll_once().is_pending(), "on {}", backend());
    assert_eq!(rx.try_get(), Ok(0), "on {}", backend());
    assert_eq!(
        (first.wakes(), second.wakes()),
        (1, 0),
        "one get wakes one put on {}",
        backend()
    );
    drop(first);
    assert_eq!(
        second.wakes(),
        1,
        "the dropped put passed its wake-up on, on {}",
        backend()
    );
    assert!(
        matches!(second.poll_once(), std::task::Poll::Ready(Ok(()))),
        "on {}",
        backend()
    );
    assert_eq!(rx.try_get(), Ok(2), "on {}", backend());
    assert_eq!(rx.try_get(), Err(TryRecvError::Empty), "on {}", backend());
}

#[anyloop::test]
async fn a_put_waiting_on_a_full_queue_fails_when_the_queue_is_closed() {
    let (tx, rx) = queue::bounded(1);
    tx.put(1).await.unwrap();
    let producer = anyloop::spawn({
        let tx = tx.clone();
        async move { tx.put(2).await }
    });
    anyloop::time::sleep(Duration::from_millis(5)).await;
    assert!(rx.close(), "on {}", backend());
    let result = within("a put woken by close", producer).await.unwrap();
    assert_eq!(
        result.map_err(SendError::into_inner),
        Err(2),
        "on {}",
        backend()
    );
    assert_eq!(rx.get().await, Ok(1), "on {}", backend());
    assert_eq!(rx.get().await, Err(RecvError), "on {}", backend());
}

/// The resident memory of this process, in bytes (`/proc/self/statm`).
fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("read /proc/self/statm");
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|field| field.parse().ok())
        .expect("statm's second field is the resident size in pages");
    // The page size is 4 KiB on the platforms these tests run on.
    pages * 4096
}

#[cfg(target_os = "linux")]
#[anyloop::test]
async fn an_empty_large_queue_takes_no_memory_up_front() {
    const MIB: u64 = 1 << 20;
    // Measured alone, in a child process of this test binary, so that other
    // tests' allocations cannot move the figure.
    if !child::in_child("an_empty_large_queue_takes_no_memory_up_front").await {
        return;
    }
    let before = resident_bytes();
    let (tx, rx) = queue::bounded::<u8>(4_000_000);
    let grown = resident_bytes().saturating_sub(before);
    assert!(
        grown < 4 * MIB,
        "an empty bounded::<u8>(4_000_000) took {} KiB of resident memory on {}",
        grown / 1024,
        backend()
    );
    // And it works.
    tx.put(7).await.unwrap();
    assert_eq!(rx.get().await, Ok(7), "on {}", backend());
}

#[anyloop::test(flavor = "multi_thread", worker_threads = 4)]
async fn no_wake_up_is_lost_under_contention() {
    // Producers on worker threads (some of them cancelling their puts with
    // short timeouts and trying again) and on plain threads, consumers on
    // worker threads, through a queue of one, two or four places: a lost wake-up
    // leaves a producer waiting while there is room, and the test times out.
    const PER_PRODUCER: usize = 2_000;
    for capacity in [1, 2, 4] {
        let (tx, rx) = queue::bounded(capacity);
        let mut producers = Vec::new();
        for p in 0..4 {
            let tx = tx.clone();
            producers.push(anyloop::spawn(async move {
                for i in 0..PER_PRODUCER {
                    let item = p * PER_PRODUCER + i;
                    if i % 3 == 0 {
                        // A put that may be cancelled while it waits (or
                        // after it was woken), then tried again.
                        while anyloop::time::timeout(Duration::from_micros(50), tx.put(item))
                            .await
                            .is_err()
                        {}
                    } else {
                        tx.put(item).await.unwrap();
                    }
                }
            }));
        }
        let blocking: Vec<_> = (4..6)
            .map(|p| {
                let tx = tx.clone();
                std::thread::spawn(move || {
                    for i in 0..PER_PRODUCER {
                        tx.put_blocking(p * PER_PRODUCER + i).unwrap();
                    }
                })
            })
            .collect();
        drop(tx);
        let consumers: Vec<_> = (0..3)
            .map(|_| {
                let rx = rx.clone();
                anyloop::spawn(async move {
                    let mut got = Vec::new();
                    while let Ok(item) = rx.get().await {
                        got.push(item);
                    }
                    got
                })
            })
            .collect();
        drop(rx);
        let mut all = Vec::new();
        for consumer in consumers {
            all.extend(within("a consumer", consumer).await.unwrap());
        }
        for producer in producers {
            within("a producer", producer).await.unwrap();
        }
        for thread in blocking {
            thread.join().unwrap();
        }
        all.sort_unstable();
        assert!(
            all.iter().copied().eq(0..6 * PER_PRODUCER),
            "an item was lost or duplicated with capacity {capacity} on {}",
            backend()
        );
    }
}
