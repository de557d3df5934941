#[anyloop::test(flavour = "multi_thread")]
async fn unknown_option() {}

#[anyloop::test(start_paused = true)]
async fn unknown_option_without_near_miss() {}

fn main() {}
