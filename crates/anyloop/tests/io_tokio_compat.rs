//! With the `tokio-io` feature, anyloop's streams implement tokio's I/O
//! traits on every backend, so tokio-ecosystem codecs run on any runtime.
#![cfg(feature = "tokio-io")]

mod common;

use anyloop::net::{TcpListener, TcpStream};
use common::backend;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

#[anyloop::test]
async fn tokio_traits_on_every_backend() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let mut client = TcpStream::connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (server, _) = listener.accept().await.unwrap();
    let (read, mut write) = server.into_split();
    let echo = anyloop::spawn(async move {
        let mut lines = BufReader::new(read).lines();
        while let Some(line) = lines.next_line().await? {
            write.write_all(line.to_uppercase().as_bytes()).await?;
            write.write_all(b"\n").await?;
        }
        write.shutdown().await
    });
    client.write_all(b"one\ntwo\n").await.unwrap();
    // Vectored writes pass through: both slices go in one call (a default,
    // one-slice implementation would write 3 bytes).
    let parts = [
        std::io::IoSlice::new(b"thr"),
        std::io::IoSlice::new(b"ee\n"),
    ];
    let written = client.write_vectored(&parts).await.unwrap();
    assert_eq!(written, 6, "a vectored write was split on {}", backend());
    AsyncWriteExt::shutdown(&mut client).await.unwrap();
    let mut reply = String::new();
    client.read_to_string(&mut reply).await.unwrap();
    assert_eq!(reply, "ONE\nTWO\nTHREE\n", "on {}", backend());
    echo.await.unwrap().unwrap();
}
