//! The classic I/O-bound crawler, written once and run on every backend.
//!
//! A local HTTP server (written with anyloop, on loopback) answers each
//! request after `--delay-ms`; a client fetches `--requests` pages three
//! ways: one after the other, with `anyloop::map_concurrent` (at most
//! `--limit` in flight), and with a `TaskGroup` whose children share a
//! `Semaphore` of `--limit` permits. It prints the times and the speed-ups.
//!
//! ```text
//! cargo run --release -p anyloop-examples --bin crawler
//! cargo run --release -p anyloop-examples --bin crawler -- --backend smol --requests 1000 --delay-ms 100 --limit 100
//! ```

use std::io;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyloop::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use anyloop::net::{TcpListener, TcpStream};
use anyloop::sync::Semaphore;
use anyloop::task::{TaskGroup, scope};
use anyloop::{Backend, Runtime};
use anyloop_examples::BackendChoice;
use clap::Parser;

#[derive(Debug, Parser)]
#[command(
    about = "Fetch pages from a slow local server: serially, with map_concurrent, and with a TaskGroup"
)]
struct Args {
    /// `all`, `default` (the rule of ANYLOOP_BACKEND), or a backend name.
    #[arg(long, default_value = "all", value_parser = BackendChoice::parse)]
    backend: BackendChoice,
    /// How many pages to fetch.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..))]
    requests: u32,
    /// How long the server takes to answer each request, in milliseconds.
    #[arg(long, default_value_t = 20)]
    delay_ms: u64,
    /// How many requests may be in flight at once.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..))]
    limit: u32,
}

/// The server: `GET /<n>` answers `page <n>` after `delay`.
async fn serve(listener: TcpListener, delay: Duration) {
    while let Ok((stream, _)) = listener.accept().await {
        anyloop::spawn(async move {
            // A client that misbehaves only loses its own connection.
            let _ = answer(stream, delay).await;
        });
    }
}

async fn answer(stream: TcpStream, delay: Duration) -> io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    let mut request = String::new();
    lines.read_line(&mut request).await?;
    let path = request.split_whitespace().nth(1).unwrap_or("/").to_owned();
    // Skip the headers, up to the empty line.
    let mut header = String::new();
    while lines.read_line(&mut header).await? > 2 {
        header.clear();
    }
    anyloop::time::sleep(delay).await;
    let body = format!("page {}", path.trim_start_matches('/'));
    let response = format!(
        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    write.write_all(response.as_bytes()).await?;
    write.close().await
}

/// The client: fetches page `n` and checks what came back.
async fn fetch(addr: SocketAddr, n: u32) -> io::Result<()> {
    let mut stream = TcpStream::connect(addr).await?;
    let request = format!("GET /{n} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut response = String::new();
    stream.read_to_string(&mut response).await?;
    let body = response.split_once("\r\n\r\n").map(|(_, body)| body);
    if !response.starts_with("HTTP/1.1 200 ") || body != Some(&format!("page {n}")) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("page {n}: unexpected response {response:?}"),
        ));
    }
    Ok(())
}

async fn serially(addr: SocketAddr, requests: u32) -> io::Result<()> {
    for n in 0..requests {
        fetch(addr, n).await?;
    }
    Ok(())
}

async fn with_map_concurrent(addr: SocketAddr, requests: u32, limit: u32) -> io::Result<()> {
    let results = anyloop::map_concurrent(0..requests, limit as usize, |n| fetch(addr, n)).await;
    results.into_iter().collect()
}

async fn with_task_group(addr: SocketAddr, requests: u32, limit: u32) -> io::Result<()> {
    scope(|group: TaskGroup<io::Error>| async move {
        let permits = Semaphore::new(limit as usize);
        for n in 0..requests {
            let permit = permits.acquire_owned().await;
            group.spawn(async move {
                let _permit = permit; // released when the fetch ends
                fetch(addr, n).await
            });
        }
        Ok(())
    })
    .await
    .map_err(|err| match err.into_errors().into_iter().next() {
        Some(err) => err,
        None => io::Error::other("a fetch panicked"),
    })
}

async fn timed(run: impl Future<Output = io::Result<()>>) -> io::Result<Duration> {
    let start = Instant::now();
    run.await?;
    Ok(start.elapsed())
}

async fn crawl(args: &Args) -> io::Result<[Duration; 3]> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = anyloop::spawn(serve(listener, Duration::from_millis(args.delay_ms)));
    let times = [
        timed(serially(addr, args.requests)).await?,
        timed(with_map_concurrent(addr, args.requests, args.limit)).await?,
        timed(with_task_group(addr, args.requests, args.limit)).await?,
    ];
    server.abort();
    Ok(times)
}

fn run_on(backend: Backend, args: &Args) -> Result<(), String> {
    let rt = Runtime::builder()
        .backend(backend)
        .build()
        .map_err(|err| err.to_string())?;
    let [serial, mapped, grouped] = rt
        .block_on(crawl(args))
        .map_err(|err| format!("on {backend}: {err}"))?;
    let speedup = |t: Duration| serial.as_secs_f64() / t.as_secs_f64().max(1e-9);
    println!(
        "crawler on {backend:<9}  {} requests, {} ms each: serial {serial:.2?} | \
         map_concurrent({limit}) {mapped:.2?} ({:.1}x) | TaskGroup+Semaphore({limit}) {grouped:.2?} ({:.1}x)",
        args.requests,
        args.delay_ms,
        speedup(mapped),
        speedup(grouped),
        limit = args.limit,
    );
    Ok(())
}

fn main() -> ExitCode {
    let args = Args::parse();
    let result = args
        .backend
        .backends()
        .map_err(|err| err.to_string())
        .and_then(|backends| backends.into_iter().try_for_each(|b| run_on(b, &args)));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}
