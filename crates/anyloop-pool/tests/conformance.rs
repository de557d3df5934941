//! The whole conformance kit on this backend, on both flavours: a pool of
//! two workers, and the current thread only.

mod multi_thread {
    anyloop_conformance::tests!(
        backend = "anyloop-pool (2 workers)",
        block_on = anyloop_pool::Runtime::new(2).expect("a pool of two workers"),
        handle = |rt| rt.handle(),
    );
}

mod one_worker {
    anyloop_conformance::tests!(
        backend = "anyloop-pool (1 worker)",
        block_on = anyloop_pool::Runtime::new(1).expect("a pool of one worker"),
        handle = |rt| rt.handle(),
    );
}

mod current_thread {
    anyloop_conformance::tests!(
        backend = "anyloop-pool (current thread)",
        block_on = anyloop_pool::Runtime::current_thread(),
        handle = |rt| rt.handle(),
    );
}

/// The report form, as a backend's `--check` command would run it.
#[test]
fn kit_report() {
    let report = anyloop_conformance::Kit::new("anyloop-pool")
        .only("task::spawn")
        .only("tcp::echo_round_trip")
        .run_with(|| {
            let runtime = anyloop_pool::Runtime::new(2).unwrap();
            let pool = runtime.handle();
            (runtime, pool)
        });
    assert!(report.is_success(), "{report}");
    assert_eq!(report.outcomes().len(), 3, "{report}");
    println!("{report}");
}
