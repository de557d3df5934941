//! Conformance: gather, race, as_completed and map_concurrent behave the
//! same on every backend.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyloop::io::StreamExt;
use anyloop::time::sleep;
use common::{DropFlag, backend};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

#[anyloop::test]
async fn gather_keeps_input_order() {
    let out = anyloop::gather([15u64, 1, 8, 3].map(|n| async move {
        sleep(ms(n)).await;
        n
    }))
    .await;
    assert_eq!(out, [15, 1, 8, 3], "on {}", backend());
    let empty: Vec<u8> = anyloop::gather(Vec::<std::future::Ready<u8>>::new()).await;
    assert!(empty.is_empty());
}

#[anyloop::test]
async fn try_gather_fails_fast_and_cancels_the_rest() {
    let dropped = DropFlag::new();
    let guard = dropped.guard();
    let slow = Box::pin(async move {
        let _guard = guard;
        sleep(Duration::from_secs(3600)).await;
        Ok::<u32, &str>(0)
    }) as std::pin::Pin<Box<dyn Future<Output = _> + Send>>;
    let failing = Box::pin(async {
        sleep(ms(2)).await;
        Err("failed")
    });
    let result =
        anyloop::time::timeout(Duration::from_secs(5), anyloop::try_gather([slow, failing]))
            .await
            .unwrap();
    assert_eq!(result, Err("failed"), "on {}", backend());
    assert!(
        dropped.is_set(),
        "the other future was not dropped on {}",
        backend()
    );
    let ok = anyloop::try_gather([3, 1, 2].map(|n| async move {
        sleep(ms(n)).await;
        Ok::<_, ()>(n)
    }))
    .await;
    assert_eq!(ok, Ok(vec![3, 1, 2]));
}

#[anyloop::test]
async fn race_cancels_the_losers() {
    let flags: Vec<DropFlag> = (0..3).map(|_| DropFlag::new()).collect();
    let racers = flags.iter().zip([30u64, 1, 20]).map(|(flag, n)| {
        let guard = flag.guard();
        async move {
            let _guard = guard;
            sleep(ms(n)).await;
            n
        }
    });
    assert_eq!(anyloop::race(racers).await, Some(1), "on {}", backend());
    assert!(
        flags.iter().all(DropFlag::is_set),
        "a loser kept running on {}",
        backend()
    );
    assert_eq!(
        anyloop::race(Vec::<std::future::Ready<()>>::new()).await,
        None
    );
}

#[anyloop::test]
async fn as_completed_yields_in_completion_order() {
    let order: Vec<u64> = anyloop::as_completed([25u64, 1, 12].map(|n| async move {
        sleep(ms(n)).await;
        n
    }))
    .collect()
    .await;
    assert_eq!(order, [1, 12, 25], "on {}", backend());
}

async fn check_limit(limit: usize, ordered: bool) {
    let in_flight = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let work = |i: u64| {
        let (in_flight, peak) = (in_flight.clone(), peak.clone());
        async move {
            let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(now, Ordering::SeqCst);
            sleep(ms(1 + i % 3)).await;
            in_flight.fetch_sub(1, Ordering::SeqCst);
            i
        }
    };
    let out = if ordered {
        anyloop::map_concurrent(0..50u64, limit, work).await
    } else {
        anyloop::map_concurrent_unordered(0..50u64, limit, work).await
    };
    let peak = peak.load(Ordering::SeqCst);
    assert!(
        peak <= limit.max(1),
        "peak {peak} > limit {limit} on {}",
        backend()
    );
    assert!(
        peak >= limit.clamp(1, 2),
        "no concurrency at all (peak {peak}) on {}",
        backend()
    );
    if ordered {
        assert_eq!(out, (0..50).collect::<Vec<_>>(), "on {}", backend());
    } else {
        let mut sorted = out.clone();
        sorted.sort();
        assert_eq!(sorted, (0..50).collect::<Vec<_>>(), "on {}", backend());
    }
}

#[anyloop::test]
async fn map_concurrent_never_exceeds_the_limit() {
    for limit in [0, 1, 4, 16] {
        check_limit(limit, true).await;
        check_limit(limit, false).await;
    }
}
