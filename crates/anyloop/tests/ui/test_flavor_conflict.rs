#[anyloop::test(flavor = "current_thread", worker_threads = 2)]
async fn flavor_conflict() {}

fn main() {}
