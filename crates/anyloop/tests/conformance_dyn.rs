//! The conformance kit (`anyloop-conformance`) through the dyn face: each
//! in-tree backend as an `Arc<dyn DynRuntime>` (the blanket impl), run by
//! generic code through the reverse impl, on a multi-thread runtime of two
//! workers. One test per behaviour: `conformance_dyn::smol::tcp::half_close`, ...

use std::future::Future;
use std::sync::Arc;

use anyloop::rt::{BlockOn, DynRuntime, dyn_rt};

/// Drives each check on a runtime of `backend`, with its dyn runtime in
/// context (for the checks' `from_std` and Unix `pair`, which take no
/// runtime argument).
#[allow(dead_code)]
struct Driver {
    runtime: anyloop::Runtime,
    dyn_runtime: Arc<dyn DynRuntime>,
}

#[allow(dead_code)]
impl Driver {
    fn new(backend: anyloop::Backend, dyn_runtime: Arc<dyn DynRuntime>) -> Self {
        let runtime = anyloop::Runtime::builder()
            .backend(backend)
            .worker_threads(2)
            .build()
            .unwrap_or_else(|err| panic!("a {backend} runtime: {err}"));
        Driver {
            runtime,
            dyn_runtime,
        }
    }
}

impl BlockOn for Driver {
    fn block_on<F: Future>(&self, future: F) -> F::Output {
        let _context = dyn_rt::enter(&self.dyn_runtime);
        self.runtime.block_on(future)
    }
}

macro_rules! backend {
    ($module:ident, $feature:literal, $backend:ident, $handle:ident) => {
        #[cfg(feature = $feature)]
        mod $module {
            use super::*;

            fn dyn_runtime() -> Arc<dyn DynRuntime> {
                Arc::new(anyloop::rt::$handle)
            }

            anyloop_conformance::tests!(
                backend = concat!($feature, " (Arc<dyn DynRuntime>)"),
                block_on = crate::Driver::new(anyloop::Backend::$backend, dyn_runtime()),
                runtime = dyn_runtime(),
            );
        }
    };
}

backend!(tokio, "tokio", Tokio, Tokio);
backend!(smol, "smol", Smol, Smol);
backend!(async_std, "async-std", AsyncStd, AsyncStd);
