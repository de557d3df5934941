#[anyloop::test(start_paused = "yes")]
async fn start_paused_takes_a_bool() {}

fn main() {}
