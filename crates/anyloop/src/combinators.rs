//! asyncio's combinators: run many futures concurrently within one task.
//!
//! These poll their futures from the task that awaits them (like
//! `asyncio.gather` over coroutines that wait on I/O): concurrency, with no
//! spawning and no `Send` or `'static` bound. To use several threads, make
//! each future a task: `gather(items.map(|i| anyloop::spawn(work(i))))`.
//! Dropping the combinator's future drops (cancels) every future it holds.

use std::future::Future;

use futures_core::Stream;
use futures_util::stream::{FuturesOrdered, FuturesUnordered, StreamExt as _};

/// Runs every future concurrently and returns their outputs in input order,
/// like `asyncio.gather`.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// let out = anyloop::run(anyloop::gather([30u64, 10, 20].map(|ms| async move {
///     anyloop::time::sleep(Duration::from_millis(ms)).await;
///     ms
/// })));
/// assert_eq!(out, [30, 10, 20]);
/// ```
pub async fn gather<I>(futures: I) -> Vec<<I::Item as Future>::Output>
where
    I: IntoIterator,
    I::Item: Future,
{
    futures
        .into_iter()
        .collect::<FuturesOrdered<_>>()
        .collect()
        .await
}

/// Runs every future concurrently and returns their values in input order,
/// or the first error, at which point the other futures are dropped
/// (cancelled). `asyncio.gather` with fail-fast semantics.
///
/// # Examples
///
/// ```
/// let ok = anyloop::run(anyloop::try_gather([1, 2, 3].map(|n| async move { Ok::<_, String>(n) })));
/// assert_eq!(ok, Ok(vec![1, 2, 3]));
///
/// let failed = anyloop::run(anyloop::try_gather([
///     Box::pin(async { Err::<u32, _>("bad") }) as std::pin::Pin<Box<dyn Future<Output = _>>>,
///     Box::pin(std::future::pending()), // dropped when the other fails
/// ]));
/// assert_eq!(failed, Err("bad"));
/// ```
pub async fn try_gather<I, T, E>(futures: I) -> Result<Vec<T>, E>
where
    I: IntoIterator,
    I::Item: Future<Output = Result<T, E>>,
{
    let mut pending: FuturesUnordered<_> = futures
        .into_iter()
        .enumerate()
        .map(|(i, future)| async move { (i, future.await) })
        .collect();
    let mut slots: Vec<Option<T>> = (0..pending.len()).map(|_| None).collect();
    while let Some((i, result)) = pending.next().await {
        slots[i] = Some(result?);
    }
    Ok(slots.into_iter().flatten().collect())
}

/// Runs every future concurrently and returns the output of the first to
/// complete; the others are dropped (cancelled). `None` only if there was no
/// future at all.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use anyloop::time::sleep;
///
/// let winner = anyloop::run(anyloop::race([50u64, 1, 30].map(|ms| async move {
///     sleep(Duration::from_millis(ms)).await;
///     ms
/// })));
/// assert_eq!(winner, Some(1));
/// ```
pub async fn race<I>(futures: I) -> Option<<I::Item as Future>::Output>
where
    I: IntoIterator,
    I::Item: Future,
{
    futures
        .into_iter()
        .collect::<FuturesUnordered<_>>()
        .next()
        .await
}

/// Runs every future concurrently and yields their outputs as they
/// complete, like `asyncio.as_completed`. Dropping the stream cancels the
/// futures not yet completed.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use anyloop::io::StreamExt;
///
/// let order: Vec<u64> = anyloop::run(
///     anyloop::as_completed([20u64, 1, 10].map(|ms| async move {
///         anyloop::time::sleep(Duration::from_millis(ms)).await;
///         ms
///     }))
///     .collect(),
/// );
/// assert_eq!(order, [1, 10, 20]);
/// ```
pub fn as_completed<I>(futures: I) -> impl Stream<Item = <I::Item as Future>::Output>
where
    I: IntoIterator,
    I::Item: Future,
{
    futures.into_iter().collect::<FuturesUnordered<_>>()
}

/// Maps every item through `f` with at most `limit` futures in flight, and
/// returns the outputs in input order: the crawler that asyncio code writes
/// with a semaphore, as one call. A `limit` of 0 is taken as 1.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// let pages = anyloop::run(anyloop::map_concurrent(1..=5, 2, |page| async move {
///     anyloop::time::sleep(Duration::from_millis(1)).await;
///     format!("page {page}")
/// }));
/// assert_eq!(pages[4], "page 5");
/// ```
pub async fn map_concurrent<I, F, Fut>(items: I, limit: usize, f: F) -> Vec<Fut::Output>
where
    I: IntoIterator,
    F: FnMut(I::Item) -> Fut,
    Fut: Future,
{
    futures_util::stream::iter(items)
        .map(f)
        .buffered(limit.max(1))
        .collect()
        .await
}

/// As [`map_concurrent`], returning the outputs in the order they complete,
/// which frees a slot for the next item as soon as any future completes.
///
/// # Examples
///
/// ```
/// let mut squares = anyloop::run(anyloop::map_concurrent_unordered(1..=4u32, 3, |n| async move { n * n }));
/// squares.sort();
/// assert_eq!(squares, [1, 4, 9, 16]);
/// ```
pub async fn map_concurrent_unordered<I, F, Fut>(items: I, limit: usize, f: F) -> Vec<Fut::Output>
where
    I: IntoIterator,
    F: FnMut(I::Item) -> Fut,
    Fut: Future,
{
    futures_util::stream::iter(items)
        .map(f)
        .buffer_unordered(limit.max(1))
        .collect()
        .await
}
