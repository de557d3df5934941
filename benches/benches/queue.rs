//! Queue throughput: `anyloop::sync::queue::bounded` against the
//! async-channel `bounded` channel it was first built on (`async-channel`
//! rows, the reference), on every backend, in one run.
//!
//! An iteration is one item through a queue of [`CAPACITY`] items, from
//! put to get: `1_producer` has one producer task and the consumer (the
//! benchmark's task); `4_producers` has four producers sharing the items.
//! The queue and the producers are made before the timed loop of each
//! sample; the loop ends when the consumer has taken every item.

use anyloop_benches::{RUNTIMES, Runtimes, bench_timed, criterion};
use criterion::{Criterion, Throughput};

/// The bound of the queue: small enough that producers wait on it.
const CAPACITY: usize = 64;

/// The benchmark body, written once against a `bounded` function, a
/// `put(&tx, item)` and a `get(&rx)` that the invoking module brings in.
macro_rules! queue_body {
    () => {
        use std::hint::black_box;
        use std::time::{Duration, Instant};

        /// `iters` items from `producers` producer tasks to this task.
        pub(super) async fn throughput(iters: u64, producers: u64) -> Duration {
            let (tx, rx) = bounded::<u64>(super::CAPACITY);
            let share = iters / producers;
            let tasks: Vec<_> = (0..producers)
                .map(|p| {
                    let tx = tx.clone();
                    // The first producer also sends the remainder.
                    let n = share + if p == 0 { iters % producers } else { 0 };
                    anyloop::spawn(async move {
                        for i in 0..n {
                            put(&tx, black_box(i)).await;
                        }
                    })
                })
                .collect();
            drop(tx);

            let start = Instant::now();
            let mut got = 0u64;
            while let Some(item) = get(&rx).await {
                black_box(item);
                got += 1;
            }
            let elapsed = start.elapsed();

            assert_eq!(got, iters, "every item arrives");
            for task in tasks {
                task.await.expect("a producer panicked");
            }
            elapsed
        }
    };
}

/// anyloop's queue.
mod anyloop_queue {
    use anyloop::sync::queue::{Receiver, Sender, bounded};

    async fn put(tx: &Sender<u64>, item: u64) {
        tx.put(item).await.expect("the queue is open");
    }

    async fn get(rx: &Receiver<u64>) -> Option<u64> {
        rx.get().await.ok()
    }

    queue_body!();
}

/// async-channel's bounded channel, the reference.
mod async_channel_bounded {
    use async_channel::{Receiver, Sender, bounded};

    async fn put(tx: &Sender<u64>, item: u64) {
        tx.send(item).await.expect("the channel is open");
    }

    async fn get(rx: &Receiver<u64>) -> Option<u64> {
        rx.recv().await.ok()
    }

    queue_body!();
}

fn queue(c: &mut Criterion, rts: &'static Runtimes, producers: u64) {
    let plural = if producers == 1 { "" } else { "s" };
    let mut g = c.benchmark_group(format!("queue_{producers}_producer{plural}"));
    g.throughput(Throughput::Elements(1));
    macro_rules! rows {
        ($($backend:literal => $rt:expr),*) => {$(
            bench_timed!(g, concat!($backend, "/anyloop"), $rt, |n| anyloop_queue::throughput(n, producers));
            bench_timed!(g, concat!($backend, "/async-channel"), $rt, |n| async_channel_bounded::throughput(n, producers));
        )*};
    }
    rows!("tokio" => &rts.tokio, "smol" => &rts.smol, "async-std" => &rts.async_std);
    g.finish();
}

fn main() {
    let rts = &*RUNTIMES;
    let mut c = criterion();
    queue(&mut c, rts, 1);
    queue(&mut c, rts, 4);
    c.final_summary();
}
