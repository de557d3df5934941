//! Compile-fail tests of `#[anyloop::main]` and `#[anyloop::test]`.

// The messages do not depend on the backend: run them once, in the
// all-features build.
#![cfg(all(feature = "tokio", feature = "async-std", feature = "smol"))]

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
