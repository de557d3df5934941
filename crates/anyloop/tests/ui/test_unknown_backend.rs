#[anyloop::test(backends = ["tokio", "glommio"])]
async fn unknown_backend() {}

fn main() {}
