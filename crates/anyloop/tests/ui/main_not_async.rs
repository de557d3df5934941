#[anyloop::main]
fn main() {}
