//! A TCP echo server and its clients: the same code on every backend.
//!
//! ```text
//! cargo run --release -p anyloop-examples --bin echo                    # every backend
//! cargo run --release -p anyloop-examples --bin echo -- --backend smol  # one backend
//! cargo run --release -p anyloop-examples --bin echo -- --clients 200 --messages 1000 --size 1024
//! ANYLOOP_BACKEND=smol cargo run -p anyloop-examples --bin echo -- --backend default
//! ```
//!
//! The server listens on a free port of 127.0.0.1 and runs one task per
//! connection, which copies what it reads back until the end of the stream.
//! Each client sends its messages one at a time and checks every echo byte
//! for byte. Any error (a refused connection, a short echo, a wrong byte)
//! ends the program with a message and a non-zero exit status.

use std::fmt;
use std::io;
use std::net::{Shutdown, SocketAddr};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyloop::io::{AsyncReadExt, AsyncWriteExt, copy};
use anyloop::net::{TcpListener, TcpStream};
use anyloop::task::JoinError;
use anyloop::{Backend, BuildError, Runtime};
use anyloop_examples::BackendChoice;
use clap::Parser;

/// The largest message: each client writes a whole message before it reads
/// the echo, so a round trip must fit in the sockets' buffers.
const MAX_SIZE: u64 = 64 * 1024;

#[derive(Debug, Parser)]
#[command(about = "A TCP echo server and its clients, on every anyloop backend")]
struct Args {
    /// `all`, `default` (the rule of ANYLOOP_BACKEND), or a backend name.
    #[arg(long, default_value = "all", value_parser = BackendChoice::parse)]
    backend: BackendChoice,
    /// How many clients connect at once.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..))]
    clients: u32,
    /// How many messages each client sends, one round trip each.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..))]
    messages: u32,
    /// The size of a message in bytes (at most 65536).
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..=MAX_SIZE))]
    size: u64,
}

/// What the clients do: `clients` connections, `messages` round trips each.
#[derive(Debug, Clone, Copy)]
struct Load {
    clients: u32,
    messages: u32,
    size: usize,
}

impl Load {
    fn round_trips(self) -> u64 {
        u64::from(self.clients) * u64::from(self.messages)
    }
}

// The program itself: written once, against the ambient API only.

/// Accepts `connections` connections, echoes each in its own task, and
/// returns the number of bytes echoed once every connection has ended.
async fn serve(listener: TcpListener, connections: u32) -> io::Result<u64> {
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (stream, peer) = listener
            .accept()
            .await
            .map_err(|err| context(err, format_args!("accept")))?;
        tasks.push((peer, anyloop::spawn(echo(stream))));
    }
    let mut echoed = 0;
    for (peer, task) in tasks {
        echoed += joined(task.await).map_err(|err| context(err, format_args!("echo to {peer}")))?;
    }
    Ok(echoed)
}

/// Copies what the peer sends back to it, until the peer ends its side;
/// then ends ours (dropping the write half shuts it down).
async fn echo(stream: TcpStream) -> io::Result<u64> {
    stream.set_nodelay(true)?;
    let (reader, mut writer) = stream.into_split();
    copy(reader, &mut writer).await
}

/// Connects, sends `messages` messages one at a time and checks each echo.
async fn client(addr: SocketAddr, id: u32, load: Load) -> io::Result<()> {
    let mut stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let mut message = vec![0; load.size];
    let mut echo = vec![0; load.size];
    for n in 0..load.messages {
        // Different bytes in every message, so a mixed-up echo shows.
        for (i, byte) in message.iter_mut().enumerate() {
            *byte = (id as usize + n as usize * 7 + i) as u8;
        }
        stream.write_all(&message).await?;
        stream.read_exact(&mut echo).await?;
        if let Some(at) = message.iter().zip(&echo).position(|(a, b)| a != b) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("message {n}: the echo differs at byte {at}"),
            ));
        }
    }
    // The server ends its side once it has read the end of ours: nothing
    // more may come back.
    stream.shutdown(Shutdown::Write)?;
    match stream.read(&mut echo).await? {
        0 => Ok(()),
        extra => Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{extra} unexpected bytes after the last echo"),
        )),
    }
}

/// Runs the server and the clients; returns how long the clients took.
async fn echo_run(load: Load) -> io::Result<Duration> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let mut server = anyloop::spawn(serve(listener, load.clients));

    let start = Instant::now();
    let clients: Vec<_> = (0..load.clients)
        .map(|id| anyloop::spawn(client(addr, id, load)))
        .collect();
    for (id, task) in clients.into_iter().enumerate() {
        if let Err(err) = joined(task.await) {
            // A server that fails resets its connections: its error, if it
            // has one, is the cause to report.
            let waited = anyloop::time::timeout(Duration::from_millis(100), &mut server).await;
            if let Ok(Err(cause)) = waited.map(joined) {
                return Err(context(cause, format_args!("server")));
            }
            server.abort();
            return Err(context(err, format_args!("client {id}")));
        }
    }
    let elapsed = start.elapsed();

    let echoed = joined(server.await).map_err(|err| context(err, format_args!("server")))?;
    let expected = load.round_trips() * load.size as u64;
    if echoed != expected {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("the server echoed {echoed} bytes, expected {expected}"),
        ));
    }
    Ok(elapsed)
}

/// A task's result as an `io::Result`: a panic or a cancellation is an error.
fn joined<T>(result: Result<io::Result<T>, JoinError>) -> io::Result<T> {
    result?
}

/// Prefixes an error's message with where it happened, keeping its kind.
fn context(err: io::Error, place: fmt::Arguments<'_>) -> io::Error {
    io::Error::new(err.kind(), format!("{place}: {err}"))
}

// Running it on each backend.

#[derive(Debug)]
enum Error {
    /// The runtime could not be started (or `ANYLOOP_BACKEND` is bad).
    Build(BuildError),
    /// The echo failed on a backend.
    Echo(Backend, io::Error),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Build(err) => write!(f, "cannot start the runtime: {err}"),
            Error::Echo(backend, err) => write!(f, "echo on {backend} failed: {err}"),
        }
    }
}

fn run_on(backend: Backend, load: Load) -> Result<(), Error> {
    let rt = Runtime::builder()
        .backend(backend)
        .build()
        .map_err(Error::Build)?;
    let elapsed = rt
        .block_on(echo_run(load))
        .map_err(|err| Error::Echo(backend, err))?;
    let round_trips = load.round_trips();
    println!(
        "echo on {backend:<9}  {} clients x {} messages of {} B: {round_trips} round trips in {elapsed:.1?} ({}/s)",
        load.clients,
        load.messages,
        load.size,
        per_second(round_trips, elapsed),
    );
    Ok(())
}

/// `41.6k`, `1.25M`: a rate for people.
fn per_second(count: u64, elapsed: Duration) -> String {
    let rate = count as f64 / elapsed.as_secs_f64().max(1e-9);
    match rate {
        r if r >= 1e6 => format!("{:.2}M", r / 1e6),
        r if r >= 1e3 => format!("{:.1}k", r / 1e3),
        r => format!("{r:.0}"),
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    let load = Load {
        clients: args.clients,
        messages: args.messages,
        // At most MAX_SIZE, checked by clap.
        size: args.size as usize,
    };
    let result = args
        .backend
        .backends()
        .map_err(|err| Error::Build(err.into()))
        .and_then(|backends| backends.into_iter().try_for_each(|b| run_on(b, load)));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}
