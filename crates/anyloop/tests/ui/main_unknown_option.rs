#[anyloop::main(backends = ["tokio"])]
async fn main() {}
