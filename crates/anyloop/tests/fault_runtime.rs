//! Faults: runtimes built, nested and dropped in awkward places neither
//! panic nor deadlock, on every backend.

mod common;

use anyloop::{Backend, Runtime};
use common::{DropFlag, backend, eventually, within};

#[anyloop::test]
async fn a_runtime_dropped_inside_a_task_shuts_down_without_panicking() {
    let outer = backend();
    for &inner in Backend::available() {
        let dropped = DropFlag::new();
        let guard = dropped.guard();
        let task = anyloop::spawn(async move {
            let rt = Runtime::builder().backend(inner).build().unwrap();
            let handle = rt.handle();
            let answer = handle.spawn(async { 6 * 7 });
            let pending = handle.spawn(async move {
                let _guard = guard;
                std::future::pending::<()>().await;
            });
            let answer = answer.await;
            drop(rt);
            drop(pending);
            answer
        });
        let answer = within("a runtime dropped in a task", task).await;
        assert_eq!(
            answer.ok().and_then(Result::ok),
            Some(42),
            "dropping a {inner} runtime inside a {outer} task"
        );
        if inner != Backend::AsyncStd {
            assert!(
                eventually(|| dropped.is_set()).await,
                "a {inner} runtime dropped inside a {outer} task kept its pending task"
            );
        }
    }
}
