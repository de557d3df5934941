#[anyloop::test(worker_threads = "4")]
async fn string_workers() {}

#[anyloop::test(worker_threads = -1)]
async fn negative_workers() {}

fn main() {}
