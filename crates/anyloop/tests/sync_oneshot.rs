//! Conformance: `oneshot` channels behave the same on every backend.

mod common;

use common::within;

use std::pin::pin;
use std::time::Duration;

use anyloop::sync::oneshot::{self, RecvError, TryRecvError};
use common::{DropFlag, backend};
use futures_lite::future::poll_once;

#[anyloop::test]
async fn send_then_receive_across_tasks() {
    let (tx, rx) = oneshot::channel();
    let receiver = anyloop::spawn(rx);
    anyloop::time::sleep(Duration::from_millis(5)).await;
    tx.send(String::from("value")).unwrap();
    let got = within("the receiver", receiver).await.unwrap();
    assert_eq!(got.as_deref(), Ok("value"), "on {}", backend());
}

#[anyloop::test]
async fn value_sent_before_the_receiver_waits() {
    let (tx, rx) = oneshot::channel();
    tx.send(1).unwrap();
    assert_eq!(within("recv", rx).await, Ok(1), "on {}", backend());
}

#[anyloop::test]
async fn dropped_sender_gives_recv_error() {
    let (tx, rx) = oneshot::channel::<u8>();
    drop(tx);
    assert_eq!(within("recv", rx).await, Err(RecvError), "on {}", backend());

    // Also when the receiver is already waiting.
    let (tx, rx) = oneshot::channel::<u8>();
    let receiver = anyloop::spawn(rx);
    anyloop::time::sleep(Duration::from_millis(5)).await;
    let dropper = anyloop::spawn(async move { drop(tx) });
    within("the dropper", dropper).await.unwrap();
    assert_eq!(
        within("a waiting receiver", receiver).await.unwrap(),
        Err(RecvError),
        "on {}",
        backend()
    );
}

#[anyloop::test]
async fn dropped_receiver_hands_the_value_back() {
    let (tx, rx) = oneshot::channel();
    assert!(!tx.is_closed(), "on {}", backend());
    drop(rx);
    assert!(tx.is_closed(), "on {}", backend());
    assert_eq!(tx.send(vec![1, 2]), Err(vec![1, 2]), "on {}", backend());
}

#[anyloop::test]
async fn value_never_received_is_dropped() {
    let dropped = DropFlag::new();
    let (tx, rx) = oneshot::channel();
    assert!(tx.send(dropped.guard()).is_ok(), "on {}", backend());
    assert!(!dropped.is_set(), "on {}", backend());
    drop(rx);
    assert!(dropped.is_set(), "on {}", backend());
}

#[anyloop::test]
async fn try_recv_states() {
    let (tx, rx) = oneshot::channel();
    assert_eq!(rx.try_recv(), Err(TryRecvError::Empty), "on {}", backend());
    tx.send('x').unwrap();
    assert_eq!(rx.try_recv(), Ok('x'), "on {}", backend());
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed), "on {}", backend());

    let (tx, rx) = oneshot::channel::<()>();
    drop(tx);
    let err = rx.try_recv().unwrap_err();
    assert!(err.is_closed() && !err.is_empty(), "on {}", backend());
}

#[anyloop::test]
async fn pending_receiver_is_woken_by_send() {
    let (tx, rx) = oneshot::channel();
    let mut rx = pin!(rx);
    assert!(poll_once(rx.as_mut()).await.is_none(), "on {}", backend());
    let sender = anyloop::spawn(async move { tx.send(5).unwrap() });
    within("the sender", sender).await.unwrap();
    assert_eq!(within("recv", rx).await, Ok(5), "on {}", backend());
}

#[anyloop::test(worker_threads = 2)]
async fn no_lost_wake_up_under_races() {
    for round in 0..500u32 {
        let (tx, rx) = oneshot::channel();
        let receiver = anyloop::spawn(rx);
        let sender = anyloop::spawn(async move { tx.send(round).unwrap() });
        within("the sender", sender).await.unwrap();
        let got = within(&format!("the receiver of round {round}"), receiver)
            .await
            .unwrap();
        assert_eq!(got, Ok(round), "on {}", backend());
    }
}
