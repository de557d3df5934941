//! The conformance kit (`anyloop-conformance`) on every in-tree backend,
//! through both faces: the backend's static handle (`rt::Tokio`, `rt::Smol`,
//! `rt::AsyncStd`) on a multi-thread runtime of two workers, and the ambient
//! `rt::Current` on a runtime of one worker. Each face is a module, and each
//! behaviour of the kit one test in it: `conformance::smol::handle::tcp::half_close`,
//! `conformance::tokio::current::task::abort_before_first_poll`, ...

/// A runtime of `backend` with `workers` worker threads.
#[allow(dead_code)]
fn runtime(backend: anyloop::Backend, workers: usize) -> anyloop::Runtime {
    anyloop::Runtime::builder()
        .backend(backend)
        .worker_threads(workers)
        .build()
        .unwrap_or_else(|err| panic!("a {backend} runtime: {err}"))
}

macro_rules! backend {
    ($module:ident, $feature:literal, $backend:ident, $handle:ident) => {
        #[cfg(feature = $feature)]
        mod $module {
            mod handle {
                anyloop_conformance::tests!(
                    backend = $feature,
                    block_on = crate::runtime(anyloop::Backend::$backend, 2),
                    runtime = anyloop::rt::$handle,
                );
            }

            mod current {
                anyloop_conformance::tests!(
                    backend = concat!($feature, " (rt::Current)"),
                    block_on = crate::runtime(anyloop::Backend::$backend, 1),
                    runtime = anyloop::rt::Current,
                );
            }
        }
    };
}

backend!(tokio, "tokio", Tokio, Tokio);
backend!(smol, "smol", Smol, Smol);
backend!(async_std, "async-std", AsyncStd, AsyncStd);
