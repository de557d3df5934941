//! Conformance: the batcher flushes on size, on time and on close, and
//! loses nothing, on every backend.

mod common;

use std::time::Duration;

use anyloop::pipeline::{Closed, batcher};
use anyloop::time::{Instant, sleep, timeout};
use common::backend;

#[anyloop::test]
async fn flushes_when_full() {
    let (tx, mut rx) = batcher::<u32>(4, Duration::from_secs(3600), 2);
    for i in 0..8 {
        tx.push(i).await.unwrap();
    }
    let first = timeout(Duration::from_secs(5), rx.recv()).await.unwrap();
    assert_eq!(first, Some(vec![0, 1, 2, 3]), "on {}", backend());
    assert_eq!(rx.recv().await, Some(vec![4, 5, 6, 7]));
}

#[anyloop::test]
async fn flushes_after_max_delay() {
    let delay = Duration::from_millis(20);
    let (tx, mut rx) = batcher::<u32>(100, delay, 2);
    tx.push(1).await.unwrap();
    tx.push(2).await.unwrap();
    let start = Instant::now();
    let batch = timeout(Duration::from_secs(5), rx.recv()).await.unwrap();
    assert_eq!(batch, Some(vec![1, 2]), "on {}", backend());
    // Not before the delay (counted from the first item, which was pushed
    // before `start`), and not much after.
    assert!(
        start.elapsed() < delay + Duration::from_secs(2),
        "on {}",
        backend()
    );
    drop(tx);
    assert_eq!(rx.recv().await, None);
}

#[anyloop::test]
async fn close_flushes_the_partial_batch() {
    let (tx, mut rx) = batcher::<u32>(10, Duration::from_secs(3600), 1);
    let more = tx.clone();
    tx.push(1).await.unwrap();
    more.push(2).await.unwrap();
    assert!(tx.close());
    assert_eq!(more.push(3).await, Err(Closed(3)), "on {}", backend());
    let batch = timeout(Duration::from_secs(5), rx.recv()).await.unwrap();
    assert_eq!(batch, Some(vec![1, 2]), "on {}", backend());
    assert_eq!(rx.recv().await, None);
}

#[anyloop::test]
async fn back_pressure_bounds_what_waits() {
    let (tx, mut rx) = batcher::<u32>(2, Duration::from_millis(1), 2);
    for i in 0..4 {
        tx.try_push(i).unwrap();
    }
    // Two batches' worth wait: the next push must wait for the consumer.
    assert_eq!(tx.try_push(4), Err(Closed(4)));
    let blocked = timeout(Duration::from_millis(20), tx.push(4)).await;
    assert!(blocked.is_err(), "push did not wait on {}", backend());
    assert_eq!(rx.recv().await, Some(vec![0, 1]));
    timeout(Duration::from_secs(5), tx.push(4))
        .await
        .unwrap()
        .unwrap();
}

#[anyloop::test]
async fn a_dropped_recv_loses_no_item() {
    let (tx, mut rx) = batcher::<u32>(3, Duration::from_secs(3600), 4);
    tx.push(1).await.unwrap();
    // The batch is not full: recv waits, and is dropped by the timeout.
    assert!(timeout(Duration::from_millis(5), rx.recv()).await.is_err());
    tx.push(2).await.unwrap();
    tx.push(3).await.unwrap();
    let batch = timeout(Duration::from_secs(5), rx.recv()).await.unwrap();
    assert_eq!(batch, Some(vec![1, 2, 3]), "on {}", backend());
}

#[anyloop::test(worker_threads = 2)]
async fn a_random_stream_of_100k_items_arrives_whole_and_in_order() {
    const ITEMS: u32 = 100_000;
    let (tx, mut rx) = batcher::<u32>(64, Duration::from_millis(2), 4);
    let producers: Vec<_> = (0..4u32)
        .map(|p| {
            let tx = tx.clone();
            anyloop::spawn(async move {
                // A cheap xorshift decides when to pause.
                let mut x = 0x9E37_79B9u32 ^ (p + 1);
                for i in (p..ITEMS).step_by(4) {
                    tx.push(i).await.unwrap();
                    x ^= x << 13;
                    x ^= x >> 17;
                    x ^= x << 5;
                    if x.is_multiple_of(5000) {
                        sleep(Duration::from_millis(u64::from(x % 4))).await;
                    }
                }
            })
        })
        .collect();
    drop(tx);
    let mut seen = vec![0u8; ITEMS as usize];
    let mut last = [None::<u32>; 4];
    let mut batches = 0;
    while let Some(batch) = timeout(Duration::from_secs(30), rx.recv()).await.unwrap() {
        assert!(!batch.is_empty() && batch.len() <= 64, "on {}", backend());
        batches += 1;
        for item in batch {
            seen[item as usize] += 1;
            // Each producer's items arrive in the order it pushed them.
            let producer = (item % 4) as usize;
            assert!(last[producer] < Some(item), "reordered on {}", backend());
            last[producer] = Some(item);
        }
    }
    for producer in producers {
        producer.await.unwrap();
    }
    assert!(
        seen.iter().all(|&n| n == 1),
        "an item was lost or duplicated on {}",
        backend()
    );
    assert!(batches >= (ITEMS / 64) as usize, "on {}", backend());
}

#[anyloop::test]
async fn zero_sizes_are_taken_as_one() {
    let (tx, mut rx) = batcher::<u32>(0, Duration::ZERO, 0);
    tx.push(7).await.unwrap();
    assert_eq!(
        tx.try_push(8),
        Err(Closed(8)),
        "one item fits, on {}",
        backend()
    );
    assert_eq!(rx.recv().await, Some(vec![7]), "on {}", backend());
    drop(tx);
    assert_eq!(rx.recv().await, None);
}

#[anyloop::test]
async fn an_overdue_batch_is_handed_out_at_once() {
    // The consumer was busy for longer than `max_delay` after the first
    // push: the batch's age counts from that push, so `recv` is ready on
    // its first poll with everything that waited.
    let max_delay = Duration::from_millis(60);
    let (tx, mut rx) = batcher::<u32>(100, max_delay, 4);
    for i in 0..3 {
        tx.push(i).await.unwrap();
    }
    sleep(max_delay + Duration::from_millis(40)).await;
    let batch = futures_lite::future::poll_once(rx.recv()).await;
    assert_eq!(
        batch,
        Some(Some(vec![0, 1, 2])),
        "a batch older than max_delay was held back on {}",
        backend()
    );
}

#[anyloop::test]
async fn a_max_delay_past_the_clock_means_only_full_batches() {
    let (tx, mut rx) = batcher::<u32>(3, Duration::MAX, 1);
    tx.push(1).await.unwrap();
    tx.push(2).await.unwrap();
    // No panic, and no partial batch: it waits for a third item...
    assert!(
        timeout(Duration::from_millis(30), rx.recv()).await.is_err(),
        "on {}",
        backend()
    );
    tx.push(3).await.unwrap();
    let full = timeout(Duration::from_secs(5), rx.recv()).await.unwrap();
    assert_eq!(full, Some(vec![1, 2, 3]), "on {}", backend());
    // ...or for the close.
    tx.push(4).await.unwrap();
    drop(tx);
    let last = timeout(Duration::from_secs(5), rx.recv()).await.unwrap();
    assert_eq!(last, Some(vec![4]), "on {}", backend());
    assert_eq!(rx.recv().await, None, "on {}", backend());
}

#[anyloop::test]
async fn huge_sizes_allocate_nothing_up_front() {
    // usize::MAX items per batch and batches in flight: no capacity overflow,
    // since the room for waiting items is a bound, not an allocation.
    let (tx, mut rx) = batcher::<u32>(usize::MAX, Duration::from_millis(5), usize::MAX);
    for i in 0..10 {
        tx.push(i).await.unwrap();
    }
    let batch = timeout(Duration::from_secs(5), rx.recv()).await.unwrap();
    assert_eq!(batch, Some((0..10).collect::<Vec<_>>()), "on {}", backend());
    drop(tx);
    assert_eq!(rx.recv().await, None, "on {}", backend());
}
