//! The `#[anyloop::main]` and `#[anyloop::test]` attributes.
//!
//! Use them through the `anyloop` crate, which re-exports them and documents
//! them with runnable examples. The code they expand to calls into `anyloop`
//! by absolute path (`::anyloop::...`), so the crate using them must depend on
//! `anyloop` under that name.
//!
//! Both attributes build a fresh runtime of the chosen backend, block on the
//! async function, and drop the runtime. Mistakes in their use are compile
//! errors pointing at the offending token; the function is still emitted
//! next to the error, so that IDEs keep working inside it.

#![deny(missing_docs)]
#![forbid(unsafe_code)]
#![warn(missing_debug_implementations, rust_2018_idioms, unreachable_pub)]

mod expand;
mod options;

use proc_macro::TokenStream;

/// Runs an `async fn` (usually `main`) to completion on a fresh runtime.
///
/// ```text
/// #[anyloop::main]
/// async fn main() {
///     let answer = anyloop::spawn(async { 42 }).await;
///     println!("{answer:?}");
/// }
/// ```
///
/// The function loses its `async` and keeps everything else (attributes,
/// visibility, name, parameters, return type); its body runs on the runtime:
///
/// ```text
/// fn main() {
///     ::anyloop::__private::block_on(BACKEND, MULTI_THREAD, WORKER_THREADS, async move {
///         let answer = anyloop::spawn(async { 42 }).await;
///         println!("{answer:?}");
///     })
/// }
/// ```
///
/// # Options
///
/// ```text
/// #[anyloop::main(backend = "smol", flavor = "multi_thread", worker_threads = 4)]
/// ```
///
/// - `backend = "tokio"`, `"async-std"` (or `"async_std"`) or `"smol"`: the
///   runtime to build. Without it, `anyloop` picks one of its enabled backends
///   by its documented default rule. Naming a backend whose `anyloop` feature
///   is disabled is a compile error, not a fallback.
/// - `flavor = "multi_thread"` (the default) or `"current_thread"`: a pool of
///   worker threads, or everything on the calling thread.
/// - `worker_threads = N`, `N >= 1`: the size of the pool; only with the
///   multi-thread flavour. By default the backend decides (usually one per
///   core).
#[proc_macro_attribute]
pub fn main(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::main(args.into(), item.into()).into()
}

/// Runs an `async fn` as a test, once per enabled backend, each time on a
/// fresh runtime.
///
/// ```text
/// #[anyloop::test]
/// async fn sleeps() {
///     anyloop::time::sleep(std::time::Duration::from_millis(1)).await;
/// }
/// ```
///
/// generates one `#[test]` per backend enabled in `anyloop`, named after the
/// backend, like the test IDs of AnyIO's pytest plugin:
///
/// ```text
/// test sleeps::tokio ... ok
/// test sleeps::async_std ... ok
/// test sleeps::smol ... ok
/// ```
///
/// so `cargo test sleeps::smol` runs one backend, and `cargo test ::tokio`
/// every test on tokio. The function keeps its attributes, except
/// `#[should_panic]` and `#[ignore]` (also inside `#[cfg_attr]`), which move
/// to the generated tests; `#[cfg]` applies to both. It must take no
/// arguments and may return anything a `#[test]` may return, such as
/// `Result<(), E>` (the generated tests then return
/// `impl std::process::Termination`, so the type is only named where it was
/// written). The expansion is:
///
/// ```text
/// #[allow(dead_code)]
/// async fn sleeps() { ... }             // unchanged
///
/// mod sleeps {
///     ::anyloop::__if_tokio!({          // only if anyloop's `tokio` feature is on
///         #[test]
///         fn tokio() {
///             ::anyloop::__private::block_on(Some(Backend::Tokio), false, None, super::sleeps())
///         }
///     } else {});
///     // the same for `async_std` and `smol`
/// }
/// ```
///
/// # Options
///
/// ```text
/// #[anyloop::test(backends = ["tokio", "smol"], flavor = "multi_thread", worker_threads = 2)]
/// #[anyloop::test(backends = [], plugin(pool = crate::pool_runtime), start_paused = true)]
/// ```
///
/// - `backends = ["tokio", "async-std", "smol"]`: the backends to test on,
///   of those enabled (default: all three); `backend = "smol"` for one.
/// - `flavor = "current_thread"` (the default, like `#[tokio::test]`) or
///   `"multi_thread"`.
/// - `worker_threads = N`, `N >= 1`: the size of the pool; implies the
///   multi-thread flavour.
/// - `start_paused = true`: the runtime's clock starts paused, as if the
///   test began with `anyloop::time::pause()` (see "Virtual time" in
///   `anyloop::time`), on every backend.
///
/// - `plugin(NAME = PATH, ...)`: one more test per plug-in runtime,
///   `name::NAME`, whose body runs on `Runtime::from_dyn("NAME", PATH())`;
///   `PATH` names a `fn() -> Arc<dyn DynRuntime>` (a relative path is read
///   from the test's module). With `backends = []`, the plug-ins alone.
///   `start_paused` applies to them; `flavor` and `worker_threads` only to
///   the built-in backends (a plug-in's threads are its own). A name given
///   twice, a built-in backend's name, or a missing path is a compile error.
///
/// ```text
/// fn pool() -> Arc<dyn DynRuntime> { /* make the plug-in */ }
///
/// #[anyloop::test(plugin(pool = pool))]   // also `echo::pool`
/// async fn echo() { ... }
/// ```
///
/// expands to, beside the built-in backends' tests in `mod echo`:
///
/// ```text
/// #[test]
/// fn pool() {
///     ::anyloop::__private::block_on_plugin("pool", super::pool, super::echo())
/// }
/// ```
///
/// ```text
/// use std::time::Duration;
/// use anyloop::time::Instant;
///
/// #[anyloop::test(start_paused = true)]
/// async fn an_hour_at_once() {
///     let start = Instant::now();
///     anyloop::time::sleep(Duration::from_secs(3600)).await;
///     assert_eq!(start.elapsed(), Duration::from_secs(3600));
/// }
/// ```
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::test(args.into(), item.into()).into()
}
