//! UDP.

use std::future::Future;
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::pin::Pin;
use std::task::{Context, Poll};

use anyloop_core::net::{self as core_net, Net};

use super::{ToSocketAddrs, each_addr, make, on_socket as on, socket_types};
use crate::rt::Current;

socket_types! {
    /// A UDP socket on the runtime that runs the caller.
    ///
    /// Every method takes `&self`, so one task can send while another
    /// receives (share it in an `Arc`).
    ///
    /// # Examples
    ///
    /// ```
    /// use anyloop::net::UdpSocket;
    ///
    /// anyloop::run(async {
    ///     let a = UdpSocket::bind("127.0.0.1:0").await?;
    ///     let b = UdpSocket::bind("127.0.0.1:0").await?;
    ///     a.send_to(b"ping", b.local_addr()?).await?;
    ///     let mut buf = [0; 16];
    ///     let (n, from) = b.recv_from(&mut buf).await?;
    ///     assert_eq!((&buf[..n], from), (&b"ping"[..], a.local_addr()?));
    ///     std::io::Result::Ok(())
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    UdpSocket(UdpInner: UdpNative, DynUdpSocket);
}

/// Starts an async method of the backend socket, as a [`UdpIo`]: the
/// dispatch is made once, here; the check that a tokio socket is used from
/// tokio on every poll, as a byte stream's (see `on_io!`).
macro_rules! udp_io {
    ($socket:expr, $s:ident => $body:expr) => {{
        let io = match &$socket.0 {
            #[cfg(feature = "tokio")]
            UdpInner::Native(UdpNative::Tokio($s)) => UdpIo::Tokio { fut: $body },
            #[cfg(any(feature = "smol", feature = "async-std"))]
            UdpInner::Native(UdpNative::AsyncIo($s)) => UdpIo::AsyncIo { fut: $body },
            UdpInner::Dyn($s) => UdpIo::Dyn { fut: $body },
        };
        // The variant of a backend that is not compiled in is never made.
        #[cfg(not(feature = "tokio"))]
        let io: UdpIo<std::future::Pending<_>, _, _, _> = io;
        #[cfg(not(any(feature = "smol", feature = "async-std")))]
        let io: UdpIo<_, std::future::Pending<_>, _, _> = io;
        io
    }};
}

pin_project_lite::pin_project! {
    /// The future of a UDP call: the backend socket's own future, picked
    /// when the call is made, so that polling it costs one comparison (and,
    /// on tokio, the runtime check) more than polling the backend's (an
    /// `async fn` around the dispatch was a state machine around three,
    /// with its own poll and drop).
    #[project = UdpIoProj]
    enum UdpIo<T, A, D, R> {
        // tokio's, polled only where tokio runs the caller (a tokio socket
        // polled from another backend's task is an error, see the module
        // docs): checked on every poll, which cost 11 instructions a round
        // trip less than a flag set by the first poll.
        Tokio { #[pin] fut: T },
        // async-io's (smol, async-std).
        AsyncIo { #[pin] fut: A },
        // A plug-in runtime's.
        Dyn { #[pin] fut: D },
        // `send_to`'s lookup of a target that is not a socket address yet,
        // then the send.
        Resolve { #[pin] fut: R },
    }
}

impl<T, A, D, R, O> Future for UdpIo<T, A, D, R>
where
    T: Future<Output = io::Result<O>>,
    A: Future<Output = io::Result<O>>,
    D: Future<Output = io::Result<O>>,
    R: Future<Output = io::Result<O>>,
{
    type Output = io::Result<O>;

    #[inline(always)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<O>> {
        match self.project() {
            #[cfg(feature = "tokio")]
            UdpIoProj::Tokio { fut } => {
                if !super::tokio_ok() {
                    super::tokio_here()?;
                }
                fut.poll(cx)
            }
            #[cfg(not(feature = "tokio"))]
            UdpIoProj::Tokio { fut } => fut.poll(cx),
            UdpIoProj::AsyncIo { fut } => fut.poll(cx),
            UdpIoProj::Dyn { fut } => {
                super::cold();
                fut.poll(cx)
            }
            UdpIoProj::Resolve { fut } => fut.poll(cx),
        }
    }
}

/// A [`UdpIo`] of a call that looks nothing up (all but `send_to` to a
/// name): its `Resolve` variant is never made.
#[inline(always)]
fn direct<T, A, D, O>(
    io: UdpIo<T, A, D, std::future::Pending<io::Result<O>>>,
) -> UdpIo<T, A, D, std::future::Pending<io::Result<O>>> {
    io
}

impl UdpSocket {
    /// Binds to `addr`, trying each address it resolves to in turn.
    ///
    /// # Errors
    ///
    /// `AddrInUse` if the address is taken; `InvalidInput` for a malformed
    /// address.
    pub async fn bind(addr: impl ToSocketAddrs) -> io::Result<UdpSocket> {
        each_addr(&addr, |addr| std::future::ready(Current.bind_udp(addr))).await
    }

    /// Sets the default peer for [`send`](UdpSocket::send) and the only
    /// source [`recv`](UdpSocket::recv) accepts; with several addresses, the
    /// first that works.
    pub async fn connect(&self, addr: impl ToSocketAddrs) -> io::Result<()> {
        each_addr(&addr, |addr| {
            std::future::ready(
                on!(UdpInner: UdpNative, &self.0, s => core_net::UdpSocket::connect(s, addr)),
            )
        })
        .await
    }

    /// Sends `buf` to the connected peer.
    ///
    /// # Errors
    ///
    /// `NotConnected` without [`connect`](UdpSocket::connect).
    pub fn send(&self, buf: &[u8]) -> impl Future<Output = io::Result<usize>> + Send {
        direct(udp_io!(self, s => core_net::UdpSocket::send(s, buf)))
    }

    /// Receives a datagram from the connected peer. Cancel safe.
    pub fn recv(&self, buf: &mut [u8]) -> impl Future<Output = io::Result<usize>> + Send {
        direct(udp_io!(self, s => core_net::UdpSocket::recv(s, buf)))
    }

    /// Sends `buf` to `target` (its first address).
    pub fn send_to(
        &self,
        buf: &[u8],
        target: impl ToSocketAddrs,
    ) -> impl Future<Output = io::Result<usize>> {
        // A `SocketAddr` is used as it is: no `Vec`, no future to poll.
        match super::addr::sealed::Sealed::socket_addr(&target) {
            Some(target) => udp_io!(self, s => core_net::UdpSocket::send_to(s, buf, target)),
            None => UdpIo::Resolve {
                fut: async move {
                    let target = super::addr::first(&target).await?;
                    self.send_to_addr(buf, target).await
                },
            },
        }
    }

    fn send_to_addr(
        &self,
        buf: &[u8],
        target: SocketAddr,
    ) -> impl Future<Output = io::Result<usize>> + Send {
        direct(udp_io!(self, s => core_net::UdpSocket::send_to(s, buf, target)))
    }

    /// Receives a datagram and the address it came from. Cancel safe.
    pub fn recv_from(
        &self,
        buf: &mut [u8],
    ) -> impl Future<Output = io::Result<(usize, SocketAddr)>> + Send {
        direct(udp_io!(self, s => core_net::UdpSocket::recv_from(s, buf)))
    }

    /// Receives a datagram without consuming it: the next receive returns it
    /// again. Cancel safe.
    pub fn peek_from(
        &self,
        buf: &mut [u8],
    ) -> impl Future<Output = io::Result<(usize, SocketAddr)>> + Send {
        direct(udp_io!(self, s => core_net::UdpSocket::peek_from(s, buf)))
    }

    /// The local address.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        on!(UdpInner: UdpNative, &self.0, s => core_net::UdpSocket::local_addr(s))
    }

    /// The connected peer's address.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        on!(UdpInner: UdpNative, &self.0, s => core_net::UdpSocket::peer_addr(s))
    }

    /// Whether broadcast sends are allowed.
    pub fn broadcast(&self) -> io::Result<bool> {
        on!(UdpInner: UdpNative, &self.0, s => core_net::UdpSocket::broadcast(s))
    }

    /// Allows or forbids broadcast sends.
    pub fn set_broadcast(&self, on: bool) -> io::Result<()> {
        on!(UdpInner: UdpNative, &self.0, s => core_net::UdpSocket::set_broadcast(s, on))
    }

    /// The IP time-to-live.
    pub fn ttl(&self) -> io::Result<u32> {
        on!(UdpInner: UdpNative, &self.0, s => core_net::UdpSocket::ttl(s))
    }

    /// Sets the IP time-to-live.
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        on!(UdpInner: UdpNative, &self.0, s => core_net::UdpSocket::set_ttl(s, ttl))
    }

    /// Joins the IPv4 multicast group `group` on `interface`
    /// (`Ipv4Addr::UNSPECIFIED`: the default one).
    pub fn join_multicast_v4(&self, group: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()> {
        on!(UdpInner: UdpNative, &self.0, s => core_net::UdpSocket::join_multicast_v4(s, group, interface))
    }

    /// Leaves an IPv4 multicast group.
    pub fn leave_multicast_v4(&self, group: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()> {
        on!(UdpInner: UdpNative, &self.0, s => core_net::UdpSocket::leave_multicast_v4(s, group, interface))
    }

    /// Joins the IPv6 multicast group `group` on the interface of index
    /// `interface` (0: the default one).
    pub fn join_multicast_v6(&self, group: &Ipv6Addr, interface: u32) -> io::Result<()> {
        on!(UdpInner: UdpNative, &self.0, s => core_net::UdpSocket::join_multicast_v6(s, group, interface))
    }

    /// Leaves an IPv6 multicast group.
    pub fn leave_multicast_v6(&self, group: &Ipv6Addr, interface: u32) -> io::Result<()> {
        on!(UdpInner: UdpNative, &self.0, s => core_net::UdpSocket::leave_multicast_v6(s, group, interface))
    }

    /// Whether IPv4 multicast sends loop back to this host.
    pub fn multicast_loop_v4(&self) -> io::Result<bool> {
        on!(UdpInner: UdpNative, &self.0, s => core_net::UdpSocket::multicast_loop_v4(s))
    }

    /// Sets whether IPv4 multicast sends loop back to this host.
    pub fn set_multicast_loop_v4(&self, on: bool) -> io::Result<()> {
        on!(UdpInner: UdpNative, &self.0, s => core_net::UdpSocket::set_multicast_loop_v4(s, on))
    }

    /// Wraps a bound `std` socket, on the runtime that runs the caller.
    pub fn from_std(socket: std::net::UdpSocket) -> io::Result<UdpSocket> {
        make!(R => <<R as Net>::UdpSocket as core_net::UdpSocket>::from_std(socket))
    }

    /// Returns the `std` socket, in blocking mode.
    pub fn into_std(self) -> io::Result<std::net::UdpSocket> {
        on!(UdpInner: UdpNative, self.0, s => core_net::UdpSocket::into_std(s))
    }
}

impl core_net::UdpSocket for UdpSocket {
    fn from_std(socket: std::net::UdpSocket) -> io::Result<Self> {
        UdpSocket::from_std(socket)
    }

    fn into_std(self) -> io::Result<std::net::UdpSocket> {
        UdpSocket::into_std(self)
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        UdpSocket::local_addr(self)
    }

    fn peer_addr(&self) -> io::Result<SocketAddr> {
        UdpSocket::peer_addr(self)
    }

    fn connect(&self, addr: SocketAddr) -> io::Result<()> {
        on!(UdpInner: UdpNative, &self.0, s => core_net::UdpSocket::connect(s, addr))
    }

    fn send(&self, buf: &[u8]) -> impl Future<Output = io::Result<usize>> + Send {
        UdpSocket::send(self, buf)
    }

    fn recv(&self, buf: &mut [u8]) -> impl Future<Output = io::Result<usize>> + Send {
        UdpSocket::recv(self, buf)
    }

    fn send_to(
        &self,
        buf: &[u8],
        target: SocketAddr,
    ) -> impl Future<Output = io::Result<usize>> + Send {
        self.send_to_addr(buf, target)
    }

    fn recv_from(
        &self,
        buf: &mut [u8],
    ) -> impl Future<Output = io::Result<(usize, SocketAddr)>> + Send {
        UdpSocket::recv_from(self, buf)
    }

    fn peek_from(
        &self,
        buf: &mut [u8],
    ) -> impl Future<Output = io::Result<(usize, SocketAddr)>> + Send {
        UdpSocket::peek_from(self, buf)
    }

    fn broadcast(&self) -> io::Result<bool> {
        UdpSocket::broadcast(self)
    }

    fn set_broadcast(&self, on: bool) -> io::Result<()> {
        UdpSocket::set_broadcast(self, on)
    }

    fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        UdpSocket::set_ttl(self, ttl)
    }

    fn ttl(&self) -> io::Result<u32> {
        UdpSocket::ttl(self)
    }

    fn join_multicast_v4(&self, group: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()> {
        UdpSocket::join_multicast_v4(self, group, interface)
    }

    fn leave_multicast_v4(&self, group: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()> {
        UdpSocket::leave_multicast_v4(self, group, interface)
    }

    fn join_multicast_v6(&self, group: &Ipv6Addr, interface: u32) -> io::Result<()> {
        UdpSocket::join_multicast_v6(self, group, interface)
    }

    fn leave_multicast_v6(&self, group: &Ipv6Addr, interface: u32) -> io::Result<()> {
        UdpSocket::leave_multicast_v6(self, group, interface)
    }

    fn multicast_loop_v4(&self) -> io::Result<bool> {
        UdpSocket::multicast_loop_v4(self)
    }

    fn set_multicast_loop_v4(&self, on: bool) -> io::Result<()> {
        UdpSocket::set_multicast_loop_v4(self, on)
    }
}
