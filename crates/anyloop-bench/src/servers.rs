//! The loopback servers of the crawler and the pipeline workloads. They are
//! not under test: they run on their own thread, on one fixed runtime (the
//! first compiled-in backend, current-thread) that is the same whichever
//! backend the client runs on.

use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use anyloop::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use anyloop::net::{TcpListener, TcpStream};
use anyloop::sync::Event;
use anyloop::{Backend, Runtime};

/// The servers, stopped when dropped.
pub(crate) struct Servers {
    /// The HTTP server: `GET /<n>?delay=<ms>` answers `page <n>` after the
    /// delay, on keep-alive HTTP/1.1 connections.
    pub(crate) http: SocketAddr,
    /// The "database": `SAVE <run> <delay_ms> <count>` followed by `count`
    /// lines `<id> <digest>` stores them after the delay and answers
    /// `OK <count>`.
    pub(crate) db: SocketAddr,
    /// The backend the servers run on.
    pub(crate) backend: Backend,
    state: Arc<State>,
    stop: Arc<Event>,
    thread: Option<JoinHandle<()>>,
}

#[derive(Default)]
struct State {
    served: AtomicU64,
    saved: Mutex<HashMap<u64, Vec<(u64, u64)>>>,
}

impl Servers {
    pub(crate) fn start() -> io::Result<Servers> {
        let (http, db) = (listener()?, listener()?);
        let (http_addr, db_addr) = (http.local_addr()?, db.local_addr()?);
        let backend = Backend::available()[0];
        let rt = Runtime::builder()
            .backend(backend)
            .current_thread()
            .build()
            .map_err(io::Error::other)?;
        let state = Arc::new(State::default());
        let stop = Arc::new(Event::new());
        let (started_tx, started_rx) = std::sync::mpsc::channel();
        let thread = {
            let (state, stop) = (state.clone(), stop.clone());
            std::thread::Builder::new()
                .name("anyloop-bench-servers".to_owned())
                .spawn(move || {
                    rt.block_on(async move {
                        let listeners = TcpListener::from_std(http)
                            .and_then(|h| Ok((h, TcpListener::from_std(db)?)));
                        let (http, db) = match listeners {
                            Ok(pair) => {
                                let _ = started_tx.send(Ok(()));
                                pair
                            }
                            Err(err) => {
                                let _ = started_tx.send(Err(err));
                                return;
                            }
                        };
                        let web = anyloop::spawn(accept_loop(http, state.clone(), Kind::Http));
                        let store = anyloop::spawn(accept_loop(db, state, Kind::Db));
                        stop.wait().await;
                        web.abort();
                        store.abort();
                    })
                })?
        };
        match started_rx.recv() {
            Ok(Ok(())) => {}
            Ok(Err(err)) => return Err(err),
            Err(_) => return Err(io::Error::other("the server thread ended at its start")),
        }
        Ok(Servers {
            http: http_addr,
            db: db_addr,
            backend,
            state,
            stop,
            thread: Some(thread),
        })
    }

    /// How many HTTP requests have been answered so far.
    pub(crate) fn served(&self) -> u64 {
        self.state.served.load(Ordering::SeqCst)
    }

    /// Takes the items saved by run `run`.
    pub(crate) fn take_saved(&self, run: u64) -> Vec<(u64, u64)> {
        self.state
            .saved
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&run)
            .unwrap_or_default()
    }
}

/// A loopback listener on a free port whose backlog holds the sweep's 800
/// simultaneous connects (the default of 128 would drop SYNs, which the
/// client's kernel retries only after a second).
fn listener() -> io::Result<std::net::TcpListener> {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    socket.set_reuse_address(true)?;
    socket.bind(&SocketAddr::from(([127, 0, 0, 1], 0)).into())?;
    socket.listen(2048)?;
    socket.set_nonblocking(true)?;
    Ok(socket.into())
}

impl Drop for Servers {
    fn drop(&mut self) {
        self.stop.set();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[derive(Clone, Copy)]
enum Kind {
    Http,
    Db,
}

async fn accept_loop(listener: TcpListener, state: Arc<State>, kind: Kind) {
    while let Ok((stream, _)) = listener.accept().await {
        let _ = stream.set_nodelay(true);
        let state = state.clone();
        anyloop::spawn(async move {
            // A misbehaving client only loses its own connection.
            let _ = match kind {
                Kind::Http => http_connection(stream, &state).await,
                Kind::Db => db_connection(stream, &state).await,
            };
        });
    }
}

fn invalid(what: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.into())
}

async fn http_connection(stream: TcpStream, state: &State) -> io::Result<()> {
    let mut conn = BufReader::new(stream);
    let mut line = String::new();
    loop {
        line.clear();
        if conn.read_line(&mut line).await? == 0 {
            return Ok(()); // the client closed its keep-alive connection
        }
        let target = line
            .strip_prefix("GET ")
            .and_then(|rest| rest.split_whitespace().next())
            .ok_or_else(|| invalid(format!("not a GET: {line:?}")))?
            .to_owned();
        // Skip the headers, up to the empty line.
        let mut header = String::new();
        loop {
            header.clear();
            if conn.read_line(&mut header).await? == 0 {
                return Ok(());
            }
            if header == "\r\n" || header == "\n" {
                break;
            }
        }
        let (page, delay) = parse_target(&target).ok_or_else(|| invalid(target.clone()))?;
        anyloop::time::sleep(delay).await;
        let body = format!("page {page}");
        let response = format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nContent-Type: text/plain\r\n\r\n{body}",
            body.len()
        );
        state.served.fetch_add(1, Ordering::SeqCst);
        conn.get_mut().write_all(response.as_bytes()).await?;
    }
}

/// `/<page>?delay=<ms>`.
fn parse_target(target: &str) -> Option<(u64, Duration)> {
    let (page, query) = target.strip_prefix('/')?.split_once("?delay=")?;
    Some((
        page.parse().ok()?,
        Duration::from_millis(query.parse().ok()?),
    ))
}

async fn db_connection(stream: TcpStream, state: &State) -> io::Result<()> {
    let mut conn = BufReader::new(stream);
    let mut line = String::new();
    loop {
        line.clear();
        if conn.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let fields: Vec<u64> = line
            .strip_prefix("SAVE ")
            .ok_or_else(|| invalid(format!("not a SAVE: {line:?}")))?
            .split_whitespace()
            .map(|f| f.parse().map_err(|_| invalid(line.clone())))
            .collect::<io::Result<_>>()?;
        let [run, delay_ms, count] = fields[..] else {
            return Err(invalid(line.clone()));
        };
        let mut items = Vec::with_capacity(count as usize);
        for _ in 0..count {
            line.clear();
            conn.read_line(&mut line).await?;
            let mut parts = line.split_whitespace().map(str::parse::<u64>);
            match (parts.next(), parts.next()) {
                (Some(Ok(id)), Some(Ok(digest))) => items.push((id, digest)),
                _ => return Err(invalid(line.clone())),
            }
        }
        anyloop::time::sleep(Duration::from_millis(delay_ms)).await;
        state
            .saved
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(run)
            .or_default()
            .extend(items);
        conn.get_mut()
            .write_all(format!("OK {count}\n").as_bytes())
            .await?;
    }
}

/// A keep-alive HTTP client connection.
pub(crate) struct HttpConn {
    conn: BufReader<TcpStream>,
    line: String,
}

impl HttpConn {
    pub(crate) async fn connect(addr: SocketAddr) -> io::Result<HttpConn> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(HttpConn {
            conn: BufReader::new(stream),
            line: String::new(),
        })
    }

    /// Fetches page `n` (served after `delay_ms`) and checks the answer.
    pub(crate) async fn fetch(&mut self, n: u64, delay_ms: u64) -> io::Result<()> {
        let request = format!("GET /{n}?delay={delay_ms} HTTP/1.1\r\nHost: bench\r\n\r\n");
        self.conn.get_mut().write_all(request.as_bytes()).await?;
        self.line.clear();
        self.conn.read_line(&mut self.line).await?;
        if !self.line.starts_with("HTTP/1.1 200 ") {
            return Err(invalid(format!("page {n}: status {:?}", self.line)));
        }
        let mut length = None;
        loop {
            self.line.clear();
            if self.conn.read_line(&mut self.line).await? == 0 {
                return Err(invalid(format!("page {n}: the connection closed")));
            }
            if self.line == "\r\n" {
                break;
            }
            if let Some(value) = self.line.strip_prefix("Content-Length: ") {
                length = value.trim().parse::<usize>().ok();
            }
        }
        let length = length.ok_or_else(|| invalid(format!("page {n}: no Content-Length")))?;
        let mut body = vec![0; length];
        self.conn.read_exact(&mut body).await?;
        if body != format!("page {n}").as_bytes() {
            return Err(invalid(format!(
                "page {n}: body {:?}",
                String::from_utf8_lossy(&body)
            )));
        }
        Ok(())
    }
}

/// A connection to the "database".
pub(crate) struct DbConn {
    conn: BufReader<TcpStream>,
}

impl DbConn {
    pub(crate) async fn connect(addr: SocketAddr) -> io::Result<DbConn> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(DbConn {
            conn: BufReader::new(stream),
        })
    }

    /// Saves `items` as part of run `run`, waiting `delay_ms` on the server.
    pub(crate) async fn save(
        &mut self,
        run: u64,
        delay_ms: u64,
        items: &[(u64, u64)],
    ) -> io::Result<()> {
        let mut request = format!("SAVE {run} {delay_ms} {}\n", items.len());
        for (id, digest) in items {
            request.push_str(&format!("{id} {digest}\n"));
        }
        self.conn.get_mut().write_all(request.as_bytes()).await?;
        let mut answer = String::new();
        self.conn.read_line(&mut answer).await?;
        if answer.trim() != format!("OK {}", items.len()) {
            return Err(invalid(format!("the database answered {answer:?}")));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse() {
        assert_eq!(
            parse_target("/7?delay=20"),
            Some((7, Duration::from_millis(20)))
        );
        assert_eq!(parse_target("/x?delay=20"), None);
        assert_eq!(parse_target("/7"), None);
    }
}
