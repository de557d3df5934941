#[anyloop::test(worker_threads = 0)]
async fn zero_workers() {}

fn main() {}
