//! TCP and UDP over loopback, both ends on the backend under test.

use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyloop::io::{AsyncReadExt, AsyncWriteExt};
use anyloop::net::{TcpListener, TcpStream, UdpSocket};

use crate::engine::{Case, Measurement};

use super::Sizes;

/// The size of a ping-pong message.
const MESSAGE: usize = 64;
/// The size of each write of the throughput workload.
const CHUNK: usize = 64 * 1024;
/// The period of the byte pattern the throughput workload sends.
const PERIOD: usize = 251;

fn err(what: &str) -> impl Fn(io::Error) -> String + '_ {
    move |e| format!("{what}: {e}")
}

async fn listen() -> Result<(TcpListener, SocketAddr), String> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(err("bind"))?;
    let addr = listener.local_addr().map_err(err("local_addr"))?;
    Ok((listener, addr))
}

async fn connect(addr: SocketAddr) -> Result<TcpStream, String> {
    let stream = TcpStream::connect(addr).await.map_err(err("connect"))?;
    stream.set_nodelay(true).map_err(err("set_nodelay"))?;
    Ok(stream)
}

/// Accepts `connections` connections, echoing each in its own task until it
/// ends; returns once all have ended.
async fn echo_server(listener: TcpListener, connections: usize) -> io::Result<()> {
    let mut tasks = Vec::with_capacity(connections);
    for _ in 0..connections {
        let (mut stream, _) = listener.accept().await?;
        stream.set_nodelay(true)?;
        tasks.push(anyloop::spawn(async move {
            let mut buf = vec![0u8; CHUNK];
            loop {
                let n = stream.read(&mut buf).await?;
                if n == 0 {
                    return io::Result::Ok(());
                }
                stream.write_all(&buf[..n]).await?;
            }
        }));
    }
    for task in tasks {
        task.await.map_err(io::Error::other)??;
    }
    Ok(())
}

fn ping(round: u64, connection: usize) -> [u8; MESSAGE] {
    let mut message = [0u8; MESSAGE];
    message[..8].copy_from_slice(&round.to_be_bytes());
    message[8..16].copy_from_slice(&(connection as u64).to_be_bytes());
    message
}

/// `rounds` rounds over `connections` connections: every connection sends
/// its message, then every echo is read and compared.
async fn ping_pong(rounds: u64, connections: usize) -> Result<Measurement, String> {
    let (listener, addr) = listen().await?;
    let server = anyloop::spawn(echo_server(listener, connections));
    let mut clients = Vec::with_capacity(connections);
    for _ in 0..connections {
        clients.push(connect(addr).await?);
    }
    let mut pong = [0u8; MESSAGE];
    let start = Instant::now();
    for round in 0..rounds {
        for (c, client) in clients.iter_mut().enumerate() {
            client
                .write_all(&ping(round, c))
                .await
                .map_err(err("write"))?;
        }
        for (c, client) in clients.iter_mut().enumerate() {
            client.read_exact(&mut pong).await.map_err(err("read"))?;
            if pong != ping(round, c) {
                return Err(format!("connection {c}, round {round}: the echo differs"));
            }
        }
    }
    let time = start.elapsed();
    drop(clients);
    server
        .await
        .map_err(|e| format!("the server failed: {e}"))?
        .map_err(err("the server"))?;
    let trips = rounds * connections as u64;
    Ok(Measurement::new(
        time,
        format!("{trips} echoes of {MESSAGE} B compared byte for byte"),
    ))
}

pub(super) fn tcp_echo(s: &Sizes) -> Vec<Case> {
    let n = s.echo_trips;
    vec![Case::new(format!("{n} round trips"), move |_| {
        ping_pong(n, 1)
    })]
}

pub(super) fn tcp_echo_64(s: &Sizes) -> Vec<Case> {
    let n = s.echo64_rounds;
    vec![Case::new(format!("64 connections × {n}"), move |_| {
        ping_pong(n, 64)
    })]
}

/// Streams `bytes` of a known pattern; the reader checks every byte.
pub(super) fn tcp_throughput(s: &Sizes) -> Vec<Case> {
    let mib = s.stream_mib;
    vec![Case::new(format!("{mib} MiB"), move |_| async move {
        let bytes = mib << 20;
        let pattern: Vec<u8> = (0..CHUNK + PERIOD).map(|i| (i % PERIOD) as u8).collect();
        let (listener, addr) = listen().await?;
        let check = pattern.clone();
        let reader = anyloop::spawn(async move {
            let (mut stream, _) = listener.accept().await?;
            let mut buf = vec![0u8; CHUNK];
            let mut seen = 0u64;
            loop {
                let n = stream.read(&mut buf).await?;
                if n == 0 {
                    break;
                }
                let at = (seen % PERIOD as u64) as usize;
                if buf[..n] != check[at..at + n] {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("the bytes at offset {seen} differ"),
                    ));
                }
                seen += n as u64;
                if seen == bytes {
                    stream.write_all(&seen.to_le_bytes()).await?;
                }
            }
            io::Result::Ok(seen)
        });
        let mut client = connect(addr).await?;
        let start = Instant::now();
        let mut sent = 0u64;
        while sent < bytes {
            let n = (bytes - sent).min(CHUNK as u64) as usize;
            let at = (sent % PERIOD as u64) as usize;
            client
                .write_all(&pattern[at..at + n])
                .await
                .map_err(err("write"))?;
            sent += n as u64;
        }
        let mut ack = [0u8; 8];
        client
            .read_exact(&mut ack)
            .await
            .map_err(err("read the count"))?;
        let time = start.elapsed();
        drop(client);
        let seen = reader
            .await
            .map_err(|e| format!("the reader failed: {e}"))?
            .map_err(err("the reader"))?;
        if seen != bytes || u64::from_le_bytes(ack) != bytes {
            return Err(format!("the reader got {seen} bytes of {bytes}"));
        }
        Ok(
            Measurement::new(time, format!("{bytes} bytes checked by the reader"))
                .metric("throughput (MiB/s)", mib as f64 / time.as_secs_f64()),
        )
    })]
}

/// `n` UDP round trips; a datagram lost on loopback is sent again, at most
/// 3 times, after 200 ms.
pub(super) fn udp_echo(s: &Sizes) -> Vec<Case> {
    let n = s.udp_trips;
    vec![Case::new(format!("{n} round trips"), move |_| async move {
        let server = UdpSocket::bind("127.0.0.1:0").await.map_err(err("bind"))?;
        let client = UdpSocket::bind("127.0.0.1:0").await.map_err(err("bind"))?;
        let server_addr = server.local_addr().map_err(err("local_addr"))?;
        client.connect(server_addr).await.map_err(err("connect"))?;
        let echo = anyloop::spawn(async move {
            let mut buf = [0u8; MESSAGE];
            loop {
                let (len, peer) = server.recv_from(&mut buf).await?;
                if len == 1 {
                    return io::Result::Ok(()); // the end
                }
                server.send_to(&buf[..len], peer).await?;
            }
        });
        let mut pong = [0u8; MESSAGE];
        let mut resent = 0u64;
        let start = Instant::now();
        for i in 0..n {
            let message = ping(i, 0);
            let mut tries = 0;
            'trip: loop {
                client.send(&message).await.map_err(err("send"))?;
                loop {
                    let answer =
                        anyloop::time::timeout(Duration::from_millis(200), client.recv(&mut pong))
                            .await;
                    match answer {
                        Ok(Ok(len)) if len == MESSAGE && pong == message => break 'trip,
                        // A late echo of an earlier datagram: wait for ours.
                        Ok(Ok(len)) if len == MESSAGE && pong[..8] < message[..8] => {}
                        Ok(Ok(len)) => return Err(format!("trip {i}: a wrong echo of {len} B")),
                        Ok(Err(e)) => return Err(format!("recv: {e}")),
                        Err(_) if tries < 3 => {
                            tries += 1;
                            resent += 1;
                            continue 'trip;
                        }
                        Err(_) => return Err(format!("trip {i}: no echo after 4 tries")),
                    }
                }
            }
        }
        let time = start.elapsed();
        client.send(&[0]).await.map_err(err("send"))?;
        echo.await
            .map_err(|e| format!("the server failed: {e}"))?
            .map_err(err("the server"))?;
        Ok(Measurement::new(
            time,
            format!("{n} echoes of {MESSAGE} B compared ({resent} resent)"),
        ))
    })]
}
