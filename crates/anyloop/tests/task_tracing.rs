//! Conformance, feature `tracing`: every task spawned through anyloop runs
//! in the span of the code that spawned it, and a named task in a `task`
//! span with its name, on every backend.
#![cfg(feature = "tracing")]

mod common;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

use anyloop::task::{Builder, TaskGroup};
use common::backend;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id};
use tracing::{Event, Instrument, Subscriber, info, info_span};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::prelude::*;
use tracing_subscriber::registry::LookupSpan;

/// A span as an event saw it: its name and its `name` field, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SpanSeen {
    span: &'static str,
    name: Option<String>,
}

/// An event with a `test` field: that id, and its spans, innermost first.
#[derive(Debug, Clone)]
struct EventSeen {
    test: u64,
    spans: Vec<SpanSeen>,
}

static EVENTS: Mutex<Vec<EventSeen>> = Mutex::new(Vec::new());

/// Records the `name` field of spans, and the scope of events with a
/// `test` field.
struct Recorder;

#[derive(Default)]
struct Fields {
    name: Option<String>,
    test: Option<u64>,
}

impl Visit for Fields {
    fn record_u64(&mut self, field: &Field, value: u64) {
        if field.name() == "test" {
            self.test = Some(value);
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "name" {
            self.name = Some(value.to_owned());
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "name" {
            self.name = Some(format!("{value:?}").trim_matches('"').to_owned());
        }
    }
}

struct SpanName(Option<String>);

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Recorder {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        attrs.record(&mut fields);
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(SpanName(fields.name));
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let Some(test) = fields.test else { return };
        let spans = ctx
            .event_scope(event)
            .map(|scope| {
                scope
                    .map(|span| SpanSeen {
                        span: span.name(),
                        name: span
                            .extensions()
                            .get::<SpanName>()
                            .and_then(|n| n.0.clone()),
                    })
                    .collect()
            })
            .unwrap_or_default();
        EVENTS.lock().unwrap().push(EventSeen { test, spans });
    }
}

/// Installs the recorder once per process and returns an id unique to the
/// caller, for its spans' and events' `test` field.
fn test_id() -> u64 {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    static NEXT: AtomicU64 = AtomicU64::new(1);
    INSTALLED.get_or_init(|| {
        tracing_subscriber::registry()
            .with(Recorder)
            .try_init()
            .expect("no other subscriber in this test binary");
    });
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// The spans of the events of test `id`, innermost first.
fn events_of(id: u64) -> Vec<Vec<SpanSeen>> {
    let events = EVENTS.lock().unwrap();
    events
        .iter()
        .filter(|event| event.test == id)
        .map(|event| event.spans.clone())
        .collect()
}

fn caller() -> SpanSeen {
    SpanSeen {
        span: "caller",
        name: None,
    }
}

fn task_named(name: &str) -> SpanSeen {
    SpanSeen {
        span: "task",
        name: Some(name.to_owned()),
    }
}

/// Asserts that test `id` saw exactly one event, whose spans are `expected`.
fn assert_spans(id: u64, expected: &[SpanSeen], what: &str) {
    let events = events_of(id);
    assert_eq!(events, vec![expected.to_vec()], "{what} on {}", backend());
}

#[anyloop::test]
async fn spawn_runs_in_the_callers_span() {
    let id = test_id();
    async {
        let task = anyloop::spawn(async move { info!(test = id, "in a task") });
        task.await.unwrap();
    }
    .instrument(info_span!("caller"))
    .await;
    assert_spans(id, &[caller()], "anyloop::spawn");
}

#[anyloop::test(flavor = "multi_thread", worker_threads = 2)]
async fn spawn_on_a_worker_thread_runs_in_the_callers_span() {
    let id = test_id();
    let task = info_span!("caller").in_scope(|| {
        anyloop::spawn(async move {
            anyloop::task::yield_now().await;
            info!(test = id, "on a worker");
        })
    });
    task.await.unwrap();
    assert_spans(id, &[caller()], "anyloop::spawn on a worker");
}

#[anyloop::test]
async fn spawn_blocking_runs_in_the_callers_span() {
    let id = test_id();
    let task = info_span!("caller")
        .in_scope(|| anyloop::spawn_blocking(move || info!(test = id, "blocking")));
    task.await.unwrap();
    assert_spans(id, &[caller()], "anyloop::spawn_blocking");
}

#[anyloop::test]
async fn spawn_local_runs_in_the_callers_span() {
    let id = test_id();
    let task = info_span!("caller").in_scope(|| {
        anyloop::task::spawn_local(async move {
            anyloop::task::yield_now().await;
            info!(test = id, "local");
        })
    });
    task.await.unwrap();
    assert_spans(id, &[caller()], "anyloop::task::spawn_local");
}

#[anyloop::test]
async fn task_group_children_run_in_the_callers_span() {
    let id = test_id();
    let group = TaskGroup::<()>::new();
    info_span!("caller").in_scope(|| {
        group.spawn(async move {
            info!(test = id, "child");
            Ok(())
        })
    });
    group.wait().await.unwrap();
    // A scope's children too, spawned from its body.
    let id2 = test_id();
    anyloop::task::scope(|group| async move {
        group.spawn(async move {
            info!(test = id2, "scope child");
            Ok::<_, ()>(())
        });
        Ok(())
    })
    .instrument(info_span!("caller"))
    .await
    .unwrap();
    assert_spans(id, &[caller()], "a TaskGroup child");
    assert_spans(id2, &[caller()], "a scope's child");
}

#[anyloop::test]
async fn nested_spawns_keep_the_span_chain() {
    let id = test_id();
    async move {
        anyloop::spawn(
            async move {
                let inner = anyloop::spawn(async move { info!(test = id, "nested") });
                inner.await.unwrap();
            }
            .instrument(info_span!("inner")),
        )
        .await
        .unwrap();
    }
    .instrument(info_span!("caller"))
    .await;
    let inner = SpanSeen {
        span: "inner",
        name: None,
    };
    assert_spans(id, &[inner, caller()], "a task spawned by a task");
}

#[anyloop::test]
async fn builder_names_the_task_span() {
    let id = test_id();
    let task = info_span!("caller").in_scope(|| {
        Builder::new().name("fetch").spawn(async move {
            info!(test = id, "named");
            // The runtime's own name, where the backend has one.
            native_name()
        })
    });
    let native = task.await.unwrap();
    assert_spans(id, &[task_named("fetch"), caller()], "Builder::spawn");
    let expected = match backend().name() {
        "async-std" => Some("fetch".to_owned()),
        _ => None,
    };
    assert_eq!(native, expected, "the runtime's task name on {}", backend());
}

#[anyloop::test]
async fn builder_names_blocking_and_local_tasks() {
    let (blocking, local) = (test_id(), test_id());
    let (a, b) = info_span!("caller").in_scope(|| {
        let a = Builder::new()
            .name("hash")
            .spawn_blocking(move || info!(test = blocking, "named blocking"));
        let b = Builder::new()
            .name("ui")
            .spawn_local(async move { info!(test = local, "named local") });
        (a, b)
    });
    a.await.unwrap();
    b.await.unwrap();
    assert_spans(
        blocking,
        &[task_named("hash"), caller()],
        "Builder::spawn_blocking",
    );
    assert_spans(local, &[task_named("ui"), caller()], "Builder::spawn_local");
}

#[anyloop::test]
async fn handle_spawn_from_a_plain_thread_runs_in_the_callers_span() {
    let id = test_id();
    let handle = anyloop::Handle::current();
    let task = std::thread::spawn(move || {
        info_span!("caller")
            .in_scope(|| handle.spawn(async move { info!(test = id, "via a handle") }))
    })
    .join()
    .unwrap();
    task.await.unwrap();
    assert_spans(id, &[caller()], "Handle::spawn");
}

#[anyloop::test]
async fn outside_any_span_a_task_has_none() {
    let id = test_id();
    anyloop::spawn(async move { info!(test = id, "no span") })
        .await
        .unwrap();
    assert_spans(id, &[], "a task spawned outside any span");
}

/// The name the runtime itself gives the running task.
fn native_name() -> Option<String> {
    #[cfg(feature = "async-std")]
    if anyloop::Backend::current() == Some(anyloop::Backend::AsyncStd) {
        return async_std::task::current().name().map(str::to_owned);
    }
    None
}
