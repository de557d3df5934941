#[anyloop::test]
fn not_async() {}

fn main() {}
