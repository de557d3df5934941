//! The book's experiments: the crawler, its concurrency sweep, and the
//! pipelining of CPU work with saves to a slow "database".

use std::hint::black_box;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use crate::engine::{Case, Ctx, Measurement};
use crate::servers::{DbConn, HttpConn, Servers};

use super::Sizes;

fn servers(ctx: &Ctx) -> Result<Arc<Servers>, String> {
    ctx.servers
        .clone()
        .ok_or_else(|| "the loopback servers are not running".to_owned())
}

/// Keep-alive connections, reused by the fetches that follow.
struct Pool<C> {
    idle: Mutex<Vec<C>>,
}

impl<C> Pool<C> {
    fn new() -> Pool<C> {
        Pool {
            idle: Mutex::new(Vec::new()),
        }
    }
    fn take(&self) -> Option<C> {
        self.idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop()
    }
    fn put(&self, conn: C) {
        self.idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(conn);
    }
}

async fn fetch(
    pool: &Pool<HttpConn>,
    addr: SocketAddr,
    n: u64,
    delay_ms: u64,
) -> Result<(), String> {
    let mut conn = match pool.take() {
        Some(conn) => conn,
        None => HttpConn::connect(addr)
            .await
            .map_err(|e| format!("connect: {e}"))?,
    };
    conn.fetch(n, delay_ms).await.map_err(|e| e.to_string())?;
    pool.put(conn);
    Ok(())
}

/// Fetches pages `0..requests` with at most `limit` in flight
/// (`map_concurrent`); checks every page and the server's count.
async fn crawl(
    servers: &Servers,
    requests: u64,
    delay_ms: u64,
    limit: u64,
) -> Result<Duration, String> {
    let pool = Pool::new();
    let before = servers.served();
    let start = Instant::now();
    let results = anyloop::map_concurrent(0..requests, limit as usize, |n| {
        fetch(&pool, servers.http, n, delay_ms)
    })
    .await;
    let time = start.elapsed();
    results.into_iter().collect::<Result<Vec<()>, String>>()?;
    let served = servers.served() - before;
    if served != requests {
        return Err(format!(
            "the server answered {served} requests, not {requests}"
        ));
    }
    Ok(time)
}

fn rounds(requests: u64, limit: u64) -> u64 {
    requests.div_ceil(limit.max(1))
}

/// The crawler: serial (sampled) and `map_concurrent` at the limit.
pub(super) fn crawler(s: &Sizes) -> Vec<Case> {
    let (n, delay, limit, k) = (
        s.crawl_requests,
        s.crawl_delay_ms,
        s.crawl_limit,
        s.crawl_sample,
    );
    let serial = Case::new(
        format!("serial ({k} of {n} fetched, extrapolated)"),
        move |ctx| async move {
            let servers = servers(&ctx)?;
            let time = crawl(&servers, k, delay, 1).await?;
            let time = time.mul_f64(n as f64 / k as f64);
            let ideal = Duration::from_millis(n * delay);
            Ok(
                Measurement::new(time, format!("{k} pages fetched one at a time and checked"))
                    .metric("efficiency", ideal.as_secs_f64() / time.as_secs_f64()),
            )
        },
    )
    .extrapolated(true);
    let concurrent = Case::new(
        format!("map_concurrent, limit {limit}"),
        move |ctx| async move {
            let servers = servers(&ctx)?;
            let time = crawl(&servers, n, delay, limit).await?;
            let ideal = Duration::from_millis(rounds(n, limit) * delay);
            Ok(Measurement::new(
                time,
                format!("{n} pages checked; the server answered {n} requests"),
            )
            .metric("efficiency", ideal.as_secs_f64() / time.as_secs_f64()))
        },
    );
    vec![serial, concurrent]
}

/// The crawler at each limit; limits whose ideal time exceeds the cap run
/// whole rounds of a sample of the requests and are extrapolated.
pub(super) fn sweep(s: &Sizes) -> Vec<Case> {
    let (n, delay, cap) = (s.sweep_requests, s.sweep_delay_ms, s.sweep_cap);
    s.sweep_limits
        .iter()
        .map(|&limit| {
            let full_rounds = rounds(n, limit);
            let cap_rounds = (cap.as_millis() as u64 / delay.max(1)).max(1);
            let sampled = full_rounds > cap_rounds;
            let sample = if sampled { cap_rounds * limit } else { n };
            let label = if sampled {
                format!("limit {limit} ({sample} of {n}, extrapolated)")
            } else {
                format!("limit {limit}")
            };
            Case::new(label, move |ctx| async move {
                let servers = servers(&ctx)?;
                let measured = crawl(&servers, sample, delay, limit).await?;
                let sample_rounds = rounds(sample, limit);
                let ideal = Duration::from_millis(sample_rounds * delay);
                let time = measured.mul_f64(full_rounds as f64 / sample_rounds as f64);
                Ok(Measurement::new(time, format!("{sample} pages checked"))
                    .metric("efficiency", ideal.as_secs_f64() / measured.as_secs_f64()))
            })
            .at(limit as f64)
            .extrapolated(sampled)
        })
        .collect()
}

/// The CPU step of an item: a hash loop of `rounds` rounds.
pub(crate) fn cpu_step(id: u64, rounds: u32) -> u64 {
    let mut x = id ^ 0x9e37_79b9_7f4a_7c15;
    for _ in 0..rounds {
        x ^= x >> 33;
        x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
        x ^= x >> 29;
        x = black_box(x);
    }
    x
}

/// The rounds of [`cpu_step`] that cost about `target` on this machine,
/// measured once per process (before any workload runs).
pub(crate) fn calibrated_rounds(target: Duration) -> u32 {
    static ROUNDS_PER_MS: OnceLock<f64> = OnceLock::new();
    let per_ms = *ROUNDS_PER_MS.get_or_init(|| {
        const PROBE: u32 = 20_000;
        let best = (0..7)
            .map(|i| {
                let start = Instant::now();
                black_box(cpu_step(i, PROBE));
                start.elapsed()
            })
            .min()
            .unwrap_or(Duration::from_millis(1))
            .max(Duration::from_nanos(1));
        f64::from(PROBE) / (best.as_secs_f64() * 1e3)
    });
    ((per_ms * target.as_secs_f64() * 1e3) as u32).max(1)
}

static RUNS: AtomicU64 = AtomicU64::new(1);

/// Checks on the server's side that run `run` saved items `0..n` once each,
/// with the right digest (every 10th one recomputed).
fn verify(servers: &Servers, run: u64, n: u64, rounds: u32) -> Result<String, String> {
    let mut saved = servers.take_saved(run);
    saved.sort_unstable();
    if saved.len() as u64 != n || saved.iter().enumerate().any(|(i, &(id, _))| id != i as u64) {
        return Err(format!(
            "the database holds {} items, not items 0..{n} once each",
            saved.len()
        ));
    }
    for &(id, digest) in saved.iter().step_by(10) {
        if cpu_step(id, rounds) != digest {
            return Err(format!("item {id} was saved with a wrong digest"));
        }
    }
    Ok(format!(
        "the database holds items 0..{n} once each, digests checked"
    ))
}

/// The pipeline: serial (sampled), `pipeline::batcher` at each batch size,
/// and fully concurrent saves.
pub(super) fn pipeline(s: &Sizes) -> Vec<Case> {
    let (n, latency, k, in_flight) = (
        s.pipe_items,
        s.pipe_latency_ms,
        s.pipe_sample,
        s.pipe_concurrency,
    );
    let rounds = calibrated_rounds(s.pipe_cpu);
    let mut cases = Vec::new();
    cases.push(
        Case::new(
            format!("serial ({k} of {n}, extrapolated)"),
            move |ctx| async move {
                let servers = servers(&ctx)?;
                let run = RUNS.fetch_add(1, Ordering::Relaxed);
                let mut db = DbConn::connect(servers.db)
                    .await
                    .map_err(|e| e.to_string())?;
                let start = Instant::now();
                for id in 0..k {
                    let digest = cpu_step(id, rounds);
                    db.save(run, latency, &[(id, digest)])
                        .await
                        .map_err(|e| e.to_string())?;
                }
                let time = start.elapsed().mul_f64(n as f64 / k as f64);
                let check = verify(&servers, run, k, rounds)?;
                Ok(Measurement::new(time, check))
            },
        )
        .extrapolated(true),
    );
    for &size in &s.pipe_batches {
        cases.push(
            Case::new(format!("batcher, batch {size}"), move |ctx| async move {
                let servers = servers(&ctx)?;
                let run = RUNS.fetch_add(1, Ordering::Relaxed);
                let mut db = DbConn::connect(servers.db)
                    .await
                    .map_err(|e| e.to_string())?;
                let start = Instant::now();
                let (batcher, mut batches) = anyloop::pipeline::batcher::<(u64, u64)>(
                    size as usize,
                    Duration::from_millis(50),
                    4,
                );
                let producer = anyloop::spawn(async move {
                    for id in 0..n {
                        if batcher.push((id, cpu_step(id, rounds))).await.is_err() {
                            return;
                        }
                    }
                });
                let mut requests = 0u64;
                while let Some(batch) = batches.recv().await {
                    db.save(run, latency, &batch)
                        .await
                        .map_err(|e| e.to_string())?;
                    requests += 1;
                }
                producer
                    .await
                    .map_err(|e| format!("the producer failed: {e}"))?;
                let time = start.elapsed();
                let check = verify(&servers, run, n, rounds)?;
                Ok(
                    Measurement::new(time, format!("{check}; {requests} requests"))
                        .metric("requests", requests as f64),
                )
            })
            .at(size as f64),
        );
    }
    cases.push(Case::new(
        format!("concurrent saves ({in_flight} in flight)"),
        move |ctx| async move {
            let servers = servers(&ctx)?;
            let run = RUNS.fetch_add(1, Ordering::Relaxed);
            let pool = Pool::new();
            let addr = servers.db;
            let start = Instant::now();
            let results = anyloop::map_concurrent(0..n, in_flight as usize, |id| {
                let pool = &pool;
                async move {
                    let digest = cpu_step(id, rounds);
                    let mut db = match pool.take() {
                        Some(db) => db,
                        None => DbConn::connect(addr).await.map_err(|e| e.to_string())?,
                    };
                    db.save(run, latency, &[(id, digest)])
                        .await
                        .map_err(|e| e.to_string())?;
                    pool.put(db);
                    Ok::<(), String>(())
                }
            })
            .await;
            let time = start.elapsed();
            results.into_iter().collect::<Result<Vec<()>, String>>()?;
            let check = verify(&servers, run, n, rounds)?;
            Ok(Measurement::new(time, check))
        },
    ));
    cases
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_of_a_limit() {
        assert_eq!(rounds(1000, 100), 10);
        assert_eq!(rounds(1000, 800), 2);
        assert_eq!(rounds(5, 1), 5);
        assert_eq!(rounds(5, 0), 5);
    }

    #[test]
    fn the_cpu_step_is_deterministic() {
        assert_eq!(cpu_step(7, 100), cpu_step(7, 100));
        assert_ne!(cpu_step(7, 100), cpu_step(8, 100));
        assert!(calibrated_rounds(Duration::from_millis(1)) >= 1);
    }
}
