#[anyloop::test(flavor = "multi_thread", flavor = "current_thread")]
async fn duplicate_option() {}

#[anyloop::test(backend = "tokio", backends = ["smol"])]
async fn backend_and_backends() {}

#[anyloop::test(backends = ["async-std", "async_std"])]
async fn duplicate_backend() {}

fn main() {}
