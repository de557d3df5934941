#[anyloop::test(flavour = "multi_thread")]
async fn unknown_option() {}

#[anyloop::test(thread_name = "t")]
async fn unknown_option_without_near_miss() {}

fn main() {}
