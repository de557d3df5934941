use std::sync::Arc;

fn pool() -> Arc<dyn anyloop::rt::DynRuntime> {
    Arc::new(anyloop::rt::Smol)
}

#[anyloop::test(plugin(pool))]
async fn missing_path() {}

#[anyloop::test(plugin(pool = pool, pool = pool))]
async fn duplicate_name() {}

#[anyloop::test(plugin(smol = pool))]
async fn built_in_name() {}

#[anyloop::test(plugin = pool)]
async fn not_a_list() {}

#[anyloop::test(plugin())]
async fn no_plugin() {}

fn main() {}
