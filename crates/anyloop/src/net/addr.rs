//! Socket addresses and name resolution.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

/// Anything that names one or more socket addresses: a `SocketAddr`, an
/// `(ip, port)` or `(host, port)` pair, or a `"host:port"` string.
///
/// Host names are resolved with [`lookup_host`], off the async threads;
/// literal addresses are parsed without any lookup. Sealed: anyloop
/// implements it for the same types as `std::net::ToSocketAddrs`.
pub trait ToSocketAddrs: sealed::Sealed {}

pub(crate) mod sealed {
    use super::Resolve;

    pub trait Sealed {
        fn resolve(&self) -> Resolve;

        /// The address, for the types that are one socket address already:
        /// no `Vec` and no future (`send_to` takes it on every datagram).
        #[inline]
        fn socket_addr(&self) -> Option<std::net::SocketAddr> {
            None
        }
    }
}

/// What it takes to turn a [`ToSocketAddrs`] into addresses.
#[doc(hidden)]
#[derive(Debug)]
pub enum Resolve {
    /// Parsed without a lookup (or failed to parse).
    Done(io::Result<Vec<SocketAddr>>),
    /// A host name and port to look up.
    Lookup(String, u16),
}

impl Resolve {
    /// The addresses, looking the host up on the blocking pool if needed.
    pub(crate) async fn addrs(self) -> io::Result<Vec<SocketAddr>> {
        match self {
            Resolve::Done(addrs) => addrs,
            Resolve::Lookup(host, port) => lookup(host, port).await,
        }
    }
}

async fn lookup(host: String, port: u16) -> io::Result<Vec<SocketAddr>> {
    let found = crate::spawn_blocking(move || {
        let addrs = std::net::ToSocketAddrs::to_socket_addrs(&(host.as_str(), port));
        (host, addrs.map(Iterator::collect::<Vec<_>>))
    })
    .await?;
    match found {
        (_, Ok(addrs)) if !addrs.is_empty() => Ok(addrs),
        (host, Ok(_)) => Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("no addresses found for host `{host}`"),
        )),
        (host, Err(err)) => Err(io::Error::new(
            err.kind(),
            format!("cannot resolve host `{host}`: {err}"),
        )),
    }
}

/// Resolves `host` (`"example.com:80"`, `("example.com", 80)`, ...) to its
/// socket addresses, like tokio's `lookup_host`.
///
/// The lookup runs on the blocking pool of the runtime that runs the
/// caller, never on a thread that runs async tasks; literal addresses are
/// parsed without a lookup.
///
/// # Errors
///
/// `InvalidInput` for a string that is not `host:port` or has a port out of
/// range; the resolver's error (with the host in its message) for a host
/// that cannot be resolved.
///
/// # Examples
///
/// ```
/// anyloop::run(async {
///     let addrs = anyloop::net::lookup_host("localhost:8080").await?;
///     assert!(addrs.into_iter().all(|a| a.ip().is_loopback() && a.port() == 8080));
///     assert!(anyloop::net::lookup_host("localhost:99999").await.is_err());
///     Ok::<(), std::io::Error>(())
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub async fn lookup_host(
    host: impl ToSocketAddrs,
) -> io::Result<impl Iterator<Item = SocketAddr> + Send + 'static> {
    Ok(sealed::Sealed::resolve(&host).addrs().await?.into_iter())
}

/// Whether `host` can be a DNS name (letters, digits, `-`, `_`, dots between
/// labels): anything else is refused before it reaches the resolver.
fn is_host_name(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 253
        && host.split('.').enumerate().all(|(i, label)| {
            // One trailing dot (a fully qualified name) is allowed.
            (!label.is_empty() || i > 0 && host.ends_with('.') && host.len() > 1)
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

fn done(addr: impl Into<SocketAddr>) -> Resolve {
    Resolve::Done(Ok(vec![addr.into()]))
}

fn invalid(message: String) -> Resolve {
    Resolve::Done(Err(io::Error::new(io::ErrorKind::InvalidInput, message)))
}

macro_rules! addr_types {
    ($($ty:ty),*) => {$(
        impl ToSocketAddrs for $ty {}
        impl sealed::Sealed for $ty {
            fn resolve(&self) -> Resolve {
                done(*self)
            }

            #[inline]
            fn socket_addr(&self) -> Option<SocketAddr> {
                Some((*self).into())
            }
        }
    )*};
}

addr_types!(
    SocketAddr,
    SocketAddrV4,
    SocketAddrV6,
    (IpAddr, u16),
    (Ipv4Addr, u16),
    (Ipv6Addr, u16)
);

impl ToSocketAddrs for str {}
impl sealed::Sealed for str {
    fn resolve(&self) -> Resolve {
        if let Ok(addr) = self.parse::<SocketAddr>() {
            return done(addr);
        }
        let Some((host, port)) = self.rsplit_once(':') else {
            return invalid(format!(
                "invalid socket address `{self}`: expected `host:port`"
            ));
        };
        match port.parse::<u16>() {
            Ok(port) => (host, port).resolve(),
            Err(_) => invalid(format!(
                "invalid port `{port}` in `{self}`: expected 0 to 65535"
            )),
        }
    }
}

impl ToSocketAddrs for (&str, u16) {}
impl sealed::Sealed for (&str, u16) {
    fn resolve(&self) -> Resolve {
        let (host, port) = *self;
        let host = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host);
        match host.parse::<IpAddr>() {
            Ok(ip) => done((ip, port)),
            Err(_) if is_host_name(host) => Resolve::Lookup(host.to_owned(), port),
            Err(_) => invalid(format!(
                "invalid host `{host}`: not an IP address or a host name"
            )),
        }
    }
}

impl ToSocketAddrs for (String, u16) {}
impl sealed::Sealed for (String, u16) {
    fn resolve(&self) -> Resolve {
        (self.0.as_str(), self.1).resolve()
    }
}

impl ToSocketAddrs for String {}
impl sealed::Sealed for String {
    fn resolve(&self) -> Resolve {
        self.as_str().resolve()
    }
}

impl ToSocketAddrs for [SocketAddr] {}
impl sealed::Sealed for [SocketAddr] {
    fn resolve(&self) -> Resolve {
        Resolve::Done(Ok(self.to_vec()))
    }
}

impl ToSocketAddrs for Vec<SocketAddr> {}
impl sealed::Sealed for Vec<SocketAddr> {
    fn resolve(&self) -> Resolve {
        Resolve::Done(Ok(self.clone()))
    }
}

impl<T: ToSocketAddrs + ?Sized> ToSocketAddrs for &T {}
impl<T: sealed::Sealed + ?Sized> sealed::Sealed for &T {
    fn resolve(&self) -> Resolve {
        (**self).resolve()
    }

    #[inline]
    fn socket_addr(&self) -> Option<SocketAddr> {
        (**self).socket_addr()
    }
}

/// Tries `f` on every address of `addrs` in turn, like `std`: the first
/// success, or the last error.
pub(crate) async fn each_addr<T, F, Fut>(addrs: &impl ToSocketAddrs, mut f: F) -> io::Result<T>
where
    F: FnMut(SocketAddr) -> Fut,
    Fut: Future<Output = io::Result<T>>,
{
    let mut last = None;
    for addr in sealed::Sealed::resolve(addrs).addrs().await? {
        match f(addr).await {
            Ok(value) => return Ok(value),
            Err(err) => last = Some(err),
        }
    }
    Err(last
        .unwrap_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no socket address to try")))
}

/// The first address of `addrs`.
pub(crate) async fn first(addrs: &impl ToSocketAddrs) -> io::Result<SocketAddr> {
    sealed::Sealed::resolve(addrs)
        .addrs()
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no socket address to use"))
}
