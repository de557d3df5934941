//! The tool's workloads, each written once on anyloop's ambient API and
//! each checking its own work.

mod crawl;
mod micro;
mod net;

use std::time::Duration;

use serde::Serialize;

use crate::engine::Case;

/// How big the workloads are.
///
/// # Examples
///
/// ```
/// use anyloop_bench::Mode;
///
/// assert_eq!(Mode::default(), Mode::Default);
/// assert_eq!(Mode::Quick.name(), "quick");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Mode {
    /// Tiny sizes: every workload in seconds (what CI runs).
    Quick,
    /// The defaults: every workload on three backends in under 3 minutes
    /// on a 2-core machine.
    #[default]
    Default,
    /// The book's sizes (longer: tens of minutes).
    Full,
}

impl Mode {
    /// `quick`, `default` or `full`.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(anyloop_bench::Mode::Full.name(), "full");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Mode::Quick => "quick",
            Mode::Default => "default",
            Mode::Full => "full",
        }
    }

    /// The repeat count when none is given: 2 in quick mode, else 5.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(anyloop_bench::Mode::Default.repeat(), 5);
    /// ```
    pub fn repeat(self) -> usize {
        match self {
            Mode::Quick => 2,
            Mode::Default | Mode::Full => 5,
        }
    }

    /// The repeat count of a workload when none is given: the slow ones,
    /// that use the loopback servers, run 3 times in the default mode.
    pub(crate) fn repeat_of(self, uses_servers: bool) -> usize {
        match self {
            Mode::Default if uses_servers => 3,
            _ => self.repeat(),
        }
    }

    /// How long one run of a case may take before it is an error.
    pub(crate) fn limit(self) -> Duration {
        match self {
            Mode::Quick => Duration::from_secs(60),
            Mode::Default => Duration::from_secs(120),
            Mode::Full => Duration::from_secs(900),
        }
    }
}

/// The sizes of every workload in one mode.
#[derive(Debug, Clone)]
pub(crate) struct Sizes {
    spawn: u64,
    yields: u64,
    sleeps: u64,
    sleep_ms: u64,
    timeouts: u64,
    echo_trips: u64,
    echo64_rounds: u64,
    stream_mib: u64,
    udp_trips: u64,
    blocking: u64,
    sync_tasks: u64,
    sync_ops: u64,
    queue_items: u64,
    producers: u64,
    crawl_requests: u64,
    crawl_delay_ms: u64,
    crawl_limit: u64,
    crawl_sample: u64,
    sweep_requests: u64,
    sweep_delay_ms: u64,
    sweep_limits: Vec<u64>,
    sweep_cap: Duration,
    pipe_items: u64,
    pipe_latency_ms: u64,
    pipe_cpu: Duration,
    pipe_batches: Vec<u64>,
    pipe_sample: u64,
    pipe_concurrency: u64,
}

impl Sizes {
    pub(crate) fn of(mode: Mode) -> Sizes {
        let base = Sizes {
            spawn: 100_000,
            yields: 1_000_000,
            sleeps: 10_000,
            sleep_ms: 10,
            timeouts: 1_000_000,
            echo_trips: 10_000,
            echo64_rounds: 300,
            stream_mib: 64,
            udp_trips: 10_000,
            blocking: 10_000,
            sync_tasks: 64,
            sync_ops: 2_000,
            queue_items: 1_000_000,
            producers: 8,
            crawl_requests: 1000,
            crawl_delay_ms: 100,
            crawl_limit: 100,
            crawl_sample: 5,
            sweep_requests: 500,
            sweep_delay_ms: 50,
            sweep_limits: vec![1, 10, 25, 50, 100, 200, 400, 800],
            sweep_cap: Duration::from_millis(500),
            pipe_items: 100,
            pipe_latency_ms: 20,
            pipe_cpu: Duration::from_millis(1),
            pipe_batches: vec![1, 10, 50, 100, 500],
            pipe_sample: 5,
            pipe_concurrency: 100,
        };
        match mode {
            Mode::Default => base,
            Mode::Quick => Sizes {
                spawn: 2_000,
                yields: 20_000,
                sleeps: 500,
                timeouts: 20_000,
                echo_trips: 300,
                echo64_rounds: 10,
                stream_mib: 4,
                udp_trips: 300,
                blocking: 200,
                sync_tasks: 8,
                sync_ops: 200,
                queue_items: 10_000,
                crawl_requests: 40,
                crawl_delay_ms: 10,
                crawl_limit: 10,
                crawl_sample: 4,
                sweep_requests: 40,
                sweep_delay_ms: 5,
                sweep_cap: Duration::from_millis(50),
                pipe_items: 20,
                pipe_latency_ms: 5,
                pipe_sample: 4,
                pipe_concurrency: 20,
                ..base
            },
            Mode::Full => Sizes {
                echo_trips: 100_000,
                echo64_rounds: 3_000,
                stream_mib: 1024,
                udp_trips: 100_000,
                blocking: 100_000,
                sync_ops: 20_000,
                queue_items: 10_000_000,
                crawl_sample: 20,
                sweep_requests: 1000,
                sweep_delay_ms: 800,
                sweep_cap: Duration::from_secs(10),
                pipe_items: 1000,
                pipe_sample: 20,
                ..base
            },
        }
    }

    /// The sizes of `workload`, in words.
    fn describe(&self, workload: &str) -> String {
        match workload {
            "spawn-join" => format!("{} tasks spawned, then joined", self.spawn),
            "yield" => format!("{} yield_now in one task", self.yields),
            "sleep" => format!("{} concurrent sleeps of {} ms", self.sleeps, self.sleep_ms),
            "timeout" => format!("{} timeouts on a ready future", self.timeouts),
            "tcp-echo" => format!("{} round trips of 64 B, 1 connection", self.echo_trips),
            "tcp-echo-64" => format!("{} rounds of 64 B on 64 connections", self.echo64_rounds),
            "tcp-throughput" => format!("{} MiB on one stream", self.stream_mib),
            "udp-echo" => format!("{} round trips of 64 B", self.udp_trips),
            "spawn-blocking" => format!("{} round trips, one after the other", self.blocking),
            "sync" => format!(
                "{} tasks × {} locks / acquisitions",
                self.sync_tasks, self.sync_ops
            ),
            "queue" => format!(
                "{} items, 1 and {} producers",
                self.queue_items, self.producers
            ),
            "crawler" => format!(
                "{} requests × {} ms at limit {} (serial: {} sampled)",
                self.crawl_requests, self.crawl_delay_ms, self.crawl_limit, self.crawl_sample
            ),
            "sweep" => format!(
                "{} requests × {} ms at limits {:?} (limits slower than {:?} sampled)",
                self.sweep_requests, self.sweep_delay_ms, self.sweep_limits, self.sweep_cap
            ),
            "pipeline" => format!(
                "{} items × {:?} CPU, saves of {} ms; batches {:?}; serial: {} sampled",
                self.pipe_items,
                self.pipe_cpu,
                self.pipe_latency_ms,
                self.pipe_batches,
                self.pipe_sample
            ),
            _ => String::new(),
        }
    }
}

/// What a workload is, for the reports.
pub(crate) struct Info {
    pub(crate) name: &'static str,
    pub(crate) title: &'static str,
    pub(crate) about: &'static str,
    pub(crate) how_to_read: &'static str,
    /// Whether it uses the loopback servers.
    pub(crate) servers: bool,
    /// The name of the x axis of its line charts, if it has some.
    pub(crate) x_name: Option<&'static str>,
    make: fn(&Sizes) -> Vec<Case>,
}

/// The workloads, in the order they run.
pub(crate) const WORKLOADS: &[Info] = &[
    Info {
        name: "spawn-join",
        title: "spawn + join",
        about: "Spawns tasks that return their index, then joins them all and checks the sum.",
        how_to_read: "The cost of a task's life: allocation, scheduling, the wake-up of the joiner. Lower is better.",
        servers: false,
        x_name: None,
        make: micro::spawn_join,
    },
    Info {
        name: "yield",
        title: "yield_now",
        about: "One task yields to the scheduler again and again.",
        how_to_read: "The cost of one trip through the run queue. Lower is better.",
        servers: false,
        x_name: None,
        make: micro::yields,
    },
    Info {
        name: "sleep",
        title: "concurrent sleeps",
        about: "Many tasks sleep 10 ms at once; each records how late it woke.",
        how_to_read: "The time is the whole batch; the lateness percentiles show the timer: tokio rounds deadlines up to its 1 ms tick, async-io does not.",
        servers: false,
        x_name: None,
        make: micro::sleeps,
    },
    Info {
        name: "timeout",
        title: "timeout on a ready future",
        about: "Wraps a future that is ready at once in a timeout, many times.",
        how_to_read: "What a timeout costs when it never fires (anyloop creates no timer then). Lower is better.",
        servers: false,
        x_name: None,
        make: micro::timeouts,
    },
    Info {
        name: "tcp-echo",
        title: "TCP ping-pong, 1 connection",
        about: "A client sends 64 B and waits for the echo, over one loopback connection.",
        how_to_read: "Latency of the reactor: two wake-ups per round trip. Lower is better.",
        servers: false,
        x_name: None,
        make: net::tcp_echo,
    },
    Info {
        name: "tcp-echo-64",
        title: "TCP ping-pong, 64 connections",
        about: "64 connections each send 64 B, then read their echo, round after round.",
        how_to_read: "The reactor under many ready sockets at once. Lower is better.",
        servers: false,
        x_name: None,
        make: net::tcp_echo_64,
    },
    Info {
        name: "tcp-throughput",
        title: "TCP throughput",
        about: "One stream of 64 KiB writes; the reader checks every byte against the pattern.",
        how_to_read: "Bulk data through the reactor; the MiB/s metric is the rate. Lower time is better.",
        servers: false,
        x_name: None,
        make: net::tcp_throughput,
    },
    Info {
        name: "udp-echo",
        title: "UDP ping-pong",
        about: "A client sends a 64 B datagram and waits for its echo.",
        how_to_read: "Latency of datagram sockets. Lower is better.",
        servers: false,
        x_name: None,
        make: net::udp_echo,
    },
    Info {
        name: "spawn-blocking",
        title: "spawn_blocking round trips",
        about: "Sends a tiny closure to the blocking pool and awaits it, one after the other.",
        how_to_read: "The hand-off to and back from the blocking pool. Lower is better.",
        servers: false,
        x_name: None,
        make: micro::spawn_blocking,
    },
    Info {
        name: "sync",
        title: "mutex and semaphore contention",
        about: "Many tasks increment a counter under an async mutex, or take one of 4 semaphore permits and yield while holding it.",
        how_to_read: "Wake-ups between contending tasks across the worker threads. Lower is better.",
        servers: false,
        x_name: None,
        make: micro::sync,
    },
    Info {
        name: "queue",
        title: "queue throughput",
        about: "Items through a bounded queue (capacity 1024) to one consumer, from 1 or 8 producers.",
        how_to_read: "Hand-off between tasks with back-pressure. Lower is better.",
        servers: false,
        x_name: None,
        make: micro::queues,
    },
    Info {
        name: "crawler",
        title: "crawler (High Performance Python, ch. 8)",
        about: "A client fetches pages from a loopback HTTP server that answers each after a delay, with at most `limit` requests in flight (map_concurrent, keep-alive connections). The server runs on its own thread on one fixed runtime: only the client differs by backend.",
        how_to_read: "Ideal time is rounds × delay; efficiency is ideal / measured (1.0 is perfect), speed-up is serial / measured. Serial is measured on a few requests and extrapolated.",
        servers: true,
        x_name: None,
        make: crawl::crawler,
    },
    Info {
        name: "sweep",
        title: "crawler concurrency sweep",
        about: "The crawler at limits from 1 to 800.",
        how_to_read: "Time falls as the limit grows until the per-request overhead, not the server's delay, dominates: the knee of the curve is where more concurrency stops helping. Points marked extrapolated ran whole rounds of a sample.",
        servers: true,
        x_name: Some("limit (requests in flight)"),
        make: crawl::sweep,
    },
    Info {
        name: "pipeline",
        title: "pipelining / batching (CPU + I/O)",
        about: "Each item costs about 1 ms of CPU (a hash loop, the same on every backend), then is saved to a loopback \"database\" that takes 20 ms per request, whether it holds one item or a batch: serially, through pipeline::batcher at several batch sizes, and with concurrent saves.",
        how_to_read: "Batching pays one round trip per batch: time falls with the batch size until the CPU work dominates; the curve shows where tuning stops paying.",
        servers: true,
        x_name: Some("batch size"),
        make: crawl::pipeline,
    },
];

/// The names of the workloads, in the order they run.
///
/// # Examples
///
/// ```
/// let names = anyloop_bench::workload_names();
/// assert_eq!(names.len(), 14);
/// assert!(names.contains(&"crawler"));
/// ```
pub fn workload_names() -> Vec<&'static str> {
    WORKLOADS.iter().map(|w| w.name).collect()
}

pub(crate) fn find(name: &str) -> Option<&'static Info> {
    WORKLOADS.iter().find(|w| w.name == name)
}

pub(crate) fn cases(info: &Info, mode: Mode) -> Vec<Case> {
    (info.make)(&Sizes::of(mode))
}

pub(crate) fn sizes_text(info: &Info, mode: Mode) -> String {
    Sizes::of(mode).describe(info.name)
}

/// The text of `--list`: every workload with its sizes in each mode.
///
/// # Examples
///
/// ```
/// let list = anyloop_bench::list();
/// assert!(list.contains("crawler"));
/// assert!(list.contains("1000 requests × 100 ms at limit 100"));
/// ```
pub fn list() -> String {
    let mut out = String::new();
    for w in WORKLOADS {
        out.push_str(&format!("{:<15} {}\n", w.name, w.title));
        for mode in [Mode::Quick, Mode::Default, Mode::Full] {
            out.push_str(&format!(
                "{:<15}   {:<8} {}\n",
                "",
                mode.name(),
                sizes_text(w, mode)
            ));
        }
    }
    out
}
