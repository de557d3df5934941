//! A plug-in runtime in the comparison: `anyloop-pool` (the fourth backend)
//! through `Runtime::from_dyn`, beside a built-in backend, on the crawler
//! workload (its own check: every page fetched) and on user code.

use std::sync::Arc;

use anyloop::Backend;
use anyloop::rt::DynRuntime;
use anyloop_bench::{Compare, Mode, Plugin, Suite};

fn pool() -> Plugin {
    Plugin::new("pool", |threads| {
        let pool = anyloop_pool::Runtime::new(threads)?;
        let handle: Arc<dyn DynRuntime> = Arc::new(pool.handle());
        Ok((handle, Box::new(pool)))
    })
}

#[test]
fn the_crawler_runs_on_a_plugin() {
    let first = Backend::available()[0];
    let report = Suite::new(Mode::Quick)
        .workloads(vec!["crawler"])
        .backends(vec![first])
        .plugin(pool())
        .threads(2)
        .repeat(1)
        .warmup(0)
        .run()
        .expect("the crawler on the pool plug-in");
    assert_eq!(report.settings.backends, [first.name(), "pool"]);
    for case in &report.workloads[0].cases {
        let backends: Vec<&str> = case.cells.iter().map(|c| c.backend.as_str()).collect();
        assert_eq!(backends, [first.name(), "pool"], "{}", case.label);
        for cell in &case.cells {
            assert!(
                cell.passed,
                "{} on {}: {}",
                case.label, cell.backend, cell.check
            );
        }
    }
}

#[test]
fn user_code_runs_on_a_plugin() {
    let report = Compare::new("spawn")
        .backends(vec![])
        .plugin(pool())
        .repeat(2)
        .run(|| async {
            assert_eq!(Backend::current().map(Backend::name), Some("pool"));
            anyloop::spawn(async { 1 }).await.unwrap()
        })
        .expect("user code on the pool plug-in");
    let cells = &report.workloads[0].cases[0].cells;
    assert_eq!(cells.len(), 1);
    assert_eq!(cells[0].backend, "pool");
    assert_eq!(cells[0].samples_s.len(), 2);
}
