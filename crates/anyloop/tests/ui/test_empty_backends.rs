#[anyloop::test(backends = [])]
async fn empty_backends() {}

fn main() {}
