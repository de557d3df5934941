//! UDP.

use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};

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

/// Runs an async method of the backend socket, checking first that a tokio
/// socket is used from tokio.
macro_rules! udp_io {
    ($socket:expr, $s:ident => $body:expr) => {
        match &$socket.0 {
            #[cfg(feature = "tokio")]
            UdpInner::Native(UdpNative::Tokio($s)) => {
                super::tokio_here()?;
                $body.await
            }
            #[cfg(any(feature = "smol", feature = "async-std"))]
            UdpInner::Native(UdpNative::AsyncIo($s)) => $body.await,
            UdpInner::Dyn($s) => {
                super::cold();
                $body.await
            }
        }
    };
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
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        udp_io!(self, s => core_net::UdpSocket::send(s, buf))
    }

    /// Receives a datagram from the connected peer. Cancel safe.
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        udp_io!(self, s => core_net::UdpSocket::recv(s, buf))
    }

    /// Sends `buf` to `target` (its first address).
    pub async fn send_to(&self, buf: &[u8], target: impl ToSocketAddrs) -> io::Result<usize> {
        // A `SocketAddr` is used as it is: no `Vec`, no future to poll.
        let target = match super::addr::sealed::Sealed::socket_addr(&target) {
            Some(target) => target,
            None => super::addr::first(&target).await?,
        };
        udp_io!(self, s => core_net::UdpSocket::send_to(s, buf, target))
    }

    /// Receives a datagram and the address it came from. Cancel safe.
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        udp_io!(self, s => core_net::UdpSocket::recv_from(s, buf))
    }

    /// Receives a datagram without consuming it: the next receive returns it
    /// again. Cancel safe.
    pub async fn peek_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        udp_io!(self, s => core_net::UdpSocket::peek_from(s, buf))
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

    async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        UdpSocket::send(self, buf).await
    }

    async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        UdpSocket::recv(self, buf).await
    }

    async fn send_to(&self, buf: &[u8], target: SocketAddr) -> io::Result<usize> {
        UdpSocket::send_to(self, buf, target).await
    }

    async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        UdpSocket::recv_from(self, buf).await
    }

    async fn peek_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        UdpSocket::peek_from(self, buf).await
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
