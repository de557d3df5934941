//! Tasks, timers, blocking work, locks and queues.

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyloop::sync::{Mutex, Semaphore, queue};

use crate::engine::{Case, Measurement};
use crate::stats::percentile;

use super::Sizes;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Spawns `n` tasks, then joins them all.
pub(super) fn spawn_join(s: &Sizes) -> Vec<Case> {
    let n = s.spawn;
    vec![Case::new(format!("{n} tasks"), move |_| async move {
        let start = Instant::now();
        let tasks: Vec<_> = (0..n)
            .map(|i| anyloop::spawn(async move { black_box(i) }))
            .collect();
        let mut sum = 0u64;
        for task in tasks {
            sum += task.await.map_err(|e| format!("a task failed: {e}"))?;
        }
        let time = start.elapsed();
        let expected = n * (n - 1) / 2;
        if sum != expected {
            return Err(format!("the tasks' outputs sum to {sum}, not {expected}"));
        }
        Ok(Measurement::new(
            time,
            format!("{n} tasks joined, outputs sum to {sum}"),
        ))
    })]
}

/// `n` yields in one task.
pub(super) fn yields(s: &Sizes) -> Vec<Case> {
    let n = s.yields;
    vec![Case::new(format!("{n} yields"), move |_| async move {
        let start = Instant::now();
        let mut count = 0u64;
        for _ in 0..n {
            anyloop::task::yield_now().await;
            count = black_box(count + 1);
        }
        let time = start.elapsed();
        if count != n {
            return Err(format!("{count} yields completed, not {n}"));
        }
        Ok(Measurement::new(time, format!("{count} yields completed")))
    })]
}

/// `n` tasks each sleeping `delay`, at once; measures their lateness.
pub(super) fn sleeps(s: &Sizes) -> Vec<Case> {
    let (n, delay) = (s.sleeps, Duration::from_millis(s.sleep_ms));
    let label = format!("{n} × {} ms", s.sleep_ms);
    vec![Case::new(label, move |_| async move {
        let start = Instant::now();
        let tasks: Vec<_> = (0..n)
            .map(|_| {
                let deadline = Instant::now() + delay;
                anyloop::spawn(async move {
                    anyloop::time::sleep_until(deadline.into()).await;
                    Instant::now().checked_duration_since(deadline)
                })
            })
            .collect();
        let mut late = Vec::with_capacity(n as usize);
        for task in tasks {
            match task.await {
                Ok(Some(lateness)) => late.push(ms(lateness)),
                Ok(None) => return Err("a sleep ended before its deadline".to_owned()),
                Err(e) => return Err(format!("a sleeping task failed: {e}")),
            }
        }
        let time = start.elapsed();
        if late.len() as u64 != n {
            return Err(format!("{} sleeps ended, not {n}", late.len()));
        }
        let (p50, p99, max) = (
            percentile(&mut late, 50.0),
            percentile(&mut late, 99.0),
            percentile(&mut late, 100.0),
        );
        Ok(
            Measurement::new(time, format!("{n} sleeps ended, none before its deadline"))
                .metric("lateness p50 (ms)", p50)
                .metric("lateness p99 (ms)", p99)
                .metric("lateness max (ms)", max),
        )
    })]
}

/// `n` timeouts around a future that is ready at once.
pub(super) fn timeouts(s: &Sizes) -> Vec<Case> {
    let n = s.timeouts;
    vec![Case::new(format!("{n} timeouts"), move |_| async move {
        let start = Instant::now();
        let mut sum = 0u64;
        for i in 0..n {
            match anyloop::time::timeout(Duration::from_secs(1), async { black_box(i) }).await {
                Ok(v) => sum += v,
                Err(_) => return Err(format!("timeout {i} elapsed on a ready future")),
            }
        }
        let time = start.elapsed();
        let expected = n * (n - 1) / 2;
        if sum != expected {
            return Err(format!("the outputs sum to {sum}, not {expected}"));
        }
        Ok(Measurement::new(
            time,
            format!("{n} ready futures, none timed out"),
        ))
    })]
}

/// `n` round trips to the blocking pool, one after the other.
pub(super) fn spawn_blocking(s: &Sizes) -> Vec<Case> {
    let n = s.blocking;
    vec![Case::new(format!("{n} round trips"), move |_| async move {
        let start = Instant::now();
        let mut sum = 0u64;
        for i in 0..n {
            sum += anyloop::spawn_blocking(move || black_box(i) * 2)
                .await
                .map_err(|e| format!("a blocking task failed: {e}"))?;
        }
        let time = start.elapsed();
        let expected = n * (n - 1);
        if sum != expected {
            return Err(format!("the outputs sum to {sum}, not {expected}"));
        }
        Ok(Measurement::new(
            time,
            format!("{n} blocking calls returned"),
        ))
    })]
}

/// `tasks` tasks contending for a mutex and for a semaphore of 4 permits.
pub(super) fn sync(s: &Sizes) -> Vec<Case> {
    let (tasks, ops) = (s.sync_tasks, s.sync_ops);
    let mutex = Case::new(
        format!("mutex, {tasks} tasks × {ops}"),
        move |_| async move {
            let counter = Arc::new(Mutex::new(0u64));
            let start = Instant::now();
            let handles: Vec<_> = (0..tasks)
                .map(|_| {
                    let counter = counter.clone();
                    anyloop::spawn(async move {
                        for i in 0..ops {
                            let mut guard = counter.lock().await;
                            *guard += 1;
                            drop(guard);
                            if i % 16 == 0 {
                                anyloop::task::yield_now().await;
                            }
                        }
                    })
                })
                .collect();
            for handle in handles {
                handle.await.map_err(|e| format!("a task failed: {e}"))?;
            }
            let time = start.elapsed();
            let total = *counter.lock().await;
            if total != tasks * ops {
                return Err(format!("the counter is {total}, not {}", tasks * ops));
            }
            Ok(Measurement::new(time, format!("counter reached {total}")))
        },
    );
    let semaphore = Case::new(
        format!("semaphore(4), {tasks} tasks × {ops}"),
        move |_| async move {
            const PERMITS: usize = 4;
            let permits = Arc::new(Semaphore::new(PERMITS));
            let inside = Arc::new(AtomicUsize::new(0));
            let most = Arc::new(AtomicUsize::new(0));
            let done = Arc::new(AtomicU64::new(0));
            let start = Instant::now();
            let handles: Vec<_> = (0..tasks)
                .map(|_| {
                    let (permits, inside, most, done) =
                        (permits.clone(), inside.clone(), most.clone(), done.clone());
                    anyloop::spawn(async move {
                        for _ in 0..ops {
                            let _permit = permits.acquire().await;
                            let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                            most.fetch_max(now, Ordering::SeqCst);
                            anyloop::task::yield_now().await;
                            inside.fetch_sub(1, Ordering::SeqCst);
                            done.fetch_add(1, Ordering::Relaxed);
                        }
                    })
                })
                .collect();
            for handle in handles {
                handle.await.map_err(|e| format!("a task failed: {e}"))?;
            }
            let time = start.elapsed();
            let (most, done) = (most.load(Ordering::SeqCst), done.load(Ordering::SeqCst));
            if most > PERMITS {
                return Err(format!(
                    "{most} tasks held one of {PERMITS} permits at once"
                ));
            }
            if done != tasks * ops {
                return Err(format!("{done} acquisitions, not {}", tasks * ops));
            }
            Ok(Measurement::new(
                time,
                format!("{done} acquisitions, at most {most} at once"),
            ))
        },
    );
    vec![mutex, semaphore]
}

/// A bounded queue with one consumer and 1 or N producers.
pub(super) fn queues(s: &Sizes) -> Vec<Case> {
    [1, s.producers]
        .into_iter()
        .map(|producers| {
            let items = s.queue_items;
            let label = format!(
                "{items} items, {producers} producer{}",
                if producers == 1 { "" } else { "s" }
            );
            Case::new(label, move |_| async move {
                let (tx, rx) = queue::bounded::<u64>(1024);
                let start = Instant::now();
                let per = items / producers;
                let handles: Vec<_> = (0..producers)
                    .map(|p| {
                        let tx = tx.clone();
                        anyloop::spawn(async move {
                            for i in p * per..(p + 1) * per {
                                if tx.put(i).await.is_err() {
                                    return;
                                }
                            }
                        })
                    })
                    .collect();
                drop(tx);
                let (mut count, mut sum) = (0u64, 0u64);
                while let Ok(item) = rx.get().await {
                    count += 1;
                    sum += item;
                }
                for handle in handles {
                    handle
                        .await
                        .map_err(|e| format!("a producer failed: {e}"))?;
                }
                let time = start.elapsed();
                let n = per * producers;
                if count != n || sum != n * (n - 1) / 2 {
                    return Err(format!("received {count} items summing to {sum}, not {n}"));
                }
                Ok(Measurement::new(
                    time,
                    format!("{count} items received, each once"),
                ))
            })
        })
        .collect()
}
