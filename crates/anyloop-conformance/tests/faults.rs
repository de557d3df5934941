//! The kit catches a backend that breaks the rules: a runtime over smol
//! whose timers fire early, or whose tasks never run, fails the checks that
//! pin those rules (a hang included, through the time limit). The same
//! runtime, unbroken, passes the whole kit through the short form of
//! `tests!` (a type that is both the runtime and its driver).

use std::future::Future;
use std::io;
use std::net::SocketAddr;
#[cfg(unix)]
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyloop::rt::{BlockOn, Net, Smol, Spawn, Timer};
use anyloop_conformance::{Kit, Status};

/// What the runtime gets wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    None,
    /// Every timer fires at once.
    EarlyTimers,
    /// Spawned futures are dropped; their handles never resolve.
    TasksNeverRun,
}

/// smol's handle, driven by an anyloop runtime of its own, with a fault.
#[derive(Debug, Clone)]
struct Faulty {
    driver: Arc<anyloop::Runtime>,
    fault: Fault,
}

impl Faulty {
    fn new(fault: Fault) -> Faulty {
        let driver = anyloop::Runtime::builder()
            .backend(anyloop::Backend::Smol)
            .worker_threads(2)
            .build()
            .expect("a smol runtime");
        Faulty {
            driver: Arc::new(driver),
            fault,
        }
    }
}

impl BlockOn for Faulty {
    fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.driver.block_on(future)
    }
}

impl Spawn for Faulty {
    type JoinHandle<T: Send + 'static> = <Smol as Spawn>::JoinHandle<T>;

    fn spawn<F>(&self, future: F) -> Self::JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        if self.fault == Fault::TasksNeverRun {
            drop(future);
            return Smol.spawn(std::future::pending());
        }
        Smol.spawn(future)
    }

    fn spawn_blocking<F, T>(&self, f: F) -> Self::JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        Smol.spawn_blocking(f)
    }
}

impl Timer for Faulty {
    type Delay = <Smol as Timer>::Delay;

    fn delay_until(&self, deadline: Instant) -> Self::Delay {
        match self.fault {
            Fault::EarlyTimers => Smol.delay_until(Instant::now()),
            _ => Smol.delay_until(deadline),
        }
    }

    fn reset(&self, delay: Pin<&mut Self::Delay>, deadline: Instant) {
        match self.fault {
            Fault::EarlyTimers => Smol.reset(delay, Instant::now()),
            _ => Smol.reset(delay, deadline),
        }
    }
}

impl Net for Faulty {
    type TcpListener = <Smol as Net>::TcpListener;
    type TcpStream = <Smol as Net>::TcpStream;
    type UdpSocket = <Smol as Net>::UdpSocket;
    #[cfg(unix)]
    type UnixListener = <Smol as Net>::UnixListener;
    #[cfg(unix)]
    type UnixStream = <Smol as Net>::UnixStream;
    #[cfg(unix)]
    type UnixDatagram = <Smol as Net>::UnixDatagram;

    fn bind_tcp(&self, addr: SocketAddr) -> io::Result<Self::TcpListener> {
        Smol.bind_tcp(addr)
    }

    fn connect_tcp(
        &self,
        addr: SocketAddr,
    ) -> impl Future<Output = io::Result<Self::TcpStream>> + Send {
        Smol.connect_tcp(addr)
    }

    fn connect_tcp_socket(
        &self,
        socket: std::net::TcpStream,
        addr: SocketAddr,
    ) -> impl Future<Output = io::Result<Self::TcpStream>> + Send {
        Smol.connect_tcp_socket(socket, addr)
    }

    fn bind_udp(&self, addr: SocketAddr) -> io::Result<Self::UdpSocket> {
        Smol.bind_udp(addr)
    }

    #[cfg(unix)]
    fn bind_unix(&self, path: &Path) -> io::Result<Self::UnixListener> {
        Smol.bind_unix(path)
    }

    #[cfg(unix)]
    fn connect_unix(
        &self,
        path: &Path,
    ) -> impl Future<Output = io::Result<Self::UnixStream>> + Send {
        Smol.connect_unix(path)
    }

    #[cfg(unix)]
    fn bind_unix_datagram(&self, path: &Path) -> io::Result<Self::UnixDatagram> {
        Smol.bind_unix_datagram(path)
    }
}

#[test]
fn early_timers_fail_the_time_checks() {
    let report = Kit::new("early timers")
        .only("time::sleep_lasts_at_least_its_duration")
        .only("time::interval_ticks_on_schedule")
        .only("task::spawn_returns_output")
        .run(|| Faulty::new(Fault::EarlyTimers));
    let status = |name: &str| {
        report
            .outcomes()
            .iter()
            .find(|outcome| format!("{}::{}", outcome.area, outcome.name) == name)
            .unwrap_or_else(|| panic!("{name} did not run:\n{report}"))
            .status
    };
    assert_eq!(
        status("time::sleep_lasts_at_least_its_duration"),
        Status::Failed,
        "{report}"
    );
    assert_eq!(
        status("time::interval_ticks_on_schedule"),
        Status::Failed,
        "{report}"
    );
    // What the fault does not touch still passes.
    assert_eq!(
        status("task::spawn_returns_output"),
        Status::Passed,
        "{report}"
    );
    assert!(!report.is_success());
    assert!(report.to_string().contains("FAILED"), "{report}");
}

#[test]
fn a_hang_is_a_failure_within_the_time_limit() {
    let start = Instant::now();
    let report = Kit::new("tasks never run")
        .only("task::spawn_returns_output")
        .time_limit(Duration::from_secs(2))
        .run(|| Faulty::new(Fault::TasksNeverRun));
    assert!(start.elapsed() < Duration::from_secs(30), "the kit hung");
    let outcome = &report.outcomes()[0];
    assert_eq!(outcome.status, Status::Failed, "{report}");
    let message = outcome.message.as_deref().unwrap_or_default();
    assert!(message.contains("did not complete within"), "{report}");
}

mod self_driving {
    // The short form: the value is both the runtime and its driver.
    anyloop_conformance::tests!(crate::Faulty::new(crate::Fault::None));
}

mod named {
    anyloop_conformance::tests!(
        backend = "smol, self-driving",
        runtime = crate::Faulty::new(crate::Fault::None),
    );
}
