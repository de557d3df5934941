#[anyloop::main(backend = "glommio")]
async fn main() {}
