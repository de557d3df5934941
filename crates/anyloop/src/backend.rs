//! The compiled-in backends and how the default one is chosen.

use std::fmt;
use std::str::FromStr;

/// A runtime that anyloop can run on. Only the backends whose cargo feature
/// is enabled exist as variants.
///
/// # Which backend runs my code?
///
/// - Inside a running runtime, the ambient API (`anyloop::spawn`,
///   `anyloop::time::sleep`, ...) uses that runtime, whether anyloop started
///   it or the application did (`#[tokio::main]`, `async_std::task::block_on`,
///   `smol::block_on`): see [`Backend::current`].
/// - A runtime that anyloop starts ([`run`](crate::run),
///   [`Runtime::new`](crate::Runtime::new), `#[anyloop::main]`) uses the
///   default backend: the `ANYLOOP_BACKEND` environment variable when it is
///   set (an unknown or not-compiled name is a [`BackendError`]), otherwise
///   the first compiled-in backend of `tokio`, `smol`, `async-std`, in that
///   order.
///
/// # Examples
///
/// ```
/// use anyloop::Backend;
///
/// for backend in Backend::available() {
///     let parsed: Backend = backend.name().parse().unwrap();
///     assert_eq!(parsed, *backend);
/// }
/// assert!("uvloop".parse::<Backend>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Backend {
    /// [tokio](https://docs.rs/tokio), feature `tokio`.
    #[cfg(feature = "tokio")]
    Tokio,
    /// [smol](https://docs.rs/smol), feature `smol`.
    #[cfg(feature = "smol")]
    Smol,
    /// [async-std](https://docs.rs/async-std), feature `async-std`.
    /// Legacy: discontinued upstream (RUSTSEC-2025-0052).
    #[cfg(feature = "async-std")]
    AsyncStd,
    /// A plug-in runtime, by the name it was given: any
    /// [`DynRuntime`](crate::rt::DynRuntime) run by
    /// [`Runtime::from_dyn`](crate::Runtime::from_dyn). Never chosen by
    /// default, parsed or listed in [`available`](Backend::available).
    ///
    /// ```
    /// use anyloop::{Backend, PluginName};
    ///
    /// let backend = Backend::Custom(PluginName::new("pool"));
    /// assert_eq!(backend.name(), "pool");
    /// assert_eq!(backend.to_string(), "pool");
    /// ```
    Custom(PluginName),
}

/// The name of a plug-in runtime ([`Backend::Custom`]), interned: one byte,
/// so that a `Backend` stays two bytes and the built-in backends' dispatch
/// (which copies it on every poll of a task) costs what it did.
///
/// # Panics
///
/// [`PluginName::new`] panics after 255 distinct names in one process.
///
/// # Examples
///
/// ```
/// use anyloop::PluginName;
///
/// let pool = PluginName::new("pool");
/// assert_eq!(pool, PluginName::new("pool"));
/// assert_eq!(pool.as_str(), "pool");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PluginName(u8);

static PLUGIN_NAMES: std::sync::RwLock<Vec<&'static str>> = std::sync::RwLock::new(Vec::new());

impl PluginName {
    /// The interned `name`: the same value for the same name.
    #[track_caller]
    pub fn new(name: &'static str) -> PluginName {
        PluginName::try_new(name)
            .unwrap_or_else(|| panic!("anyloop: more than 255 distinct plug-in runtime names"))
    }

    /// The interned `name`; `None` once 255 distinct names are taken.
    pub(crate) fn try_new(name: &'static str) -> Option<PluginName> {
        let mut names = PLUGIN_NAMES.write().unwrap_or_else(|e| e.into_inner());
        let index = match names.iter().position(|&known| known == name) {
            Some(index) => index,
            None if names.len() < usize::from(u8::MAX) => {
                names.push(name);
                names.len() - 1
            }
            None => return None,
        };
        u8::try_from(index).ok().map(PluginName)
    }

    /// The name's index, for the thread's mark (`crate::rt::mark_of`).
    #[inline(always)]
    pub(crate) fn index(self) -> u8 {
        self.0
    }

    /// The name of index `index`, as [`PluginName::index`] gave it.
    #[inline(always)]
    pub(crate) fn from_index(index: u8) -> PluginName {
        PluginName(index)
    }

    /// The name.
    pub fn as_str(self) -> &'static str {
        PLUGIN_NAMES.read().unwrap_or_else(|e| e.into_inner())[usize::from(self.0)]
    }
}

impl fmt::Debug for PluginName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for PluginName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// The environment variable that picks the default backend.
pub const BACKEND_ENV: &str = "ANYLOOP_BACKEND";

/// Every backend anyloop knows, compiled in or not: (name, feature).
const KNOWN: [&str; 3] = ["tokio", "async-std", "smol"];

impl Backend {
    /// The compiled-in backends, in default-priority order.
    pub const fn available() -> &'static [Backend] {
        &[
            #[cfg(feature = "tokio")]
            Backend::Tokio,
            #[cfg(feature = "smol")]
            Backend::Smol,
            #[cfg(feature = "async-std")]
            Backend::AsyncStd,
        ]
    }

    /// The backend's name: `tokio`, `async-std` or `smol`, also the name of
    /// its cargo feature; a plug-in's own name for [`Backend::Custom`].
    pub fn name(self) -> &'static str {
        match self {
            #[cfg(feature = "tokio")]
            Backend::Tokio => "tokio",
            #[cfg(feature = "smol")]
            Backend::Smol => "smol",
            #[cfg(feature = "async-std")]
            Backend::AsyncStd => "async-std",
            Backend::Custom(name) => name.as_str(),
        }
    }

    /// The default backend for runtimes that anyloop starts: the value of
    /// `ANYLOOP_BACKEND` when it is set and not empty, else the first
    /// compiled-in backend of `tokio`, `smol`, `async-std`.
    ///
    /// # Errors
    ///
    /// A [`BackendError`] when `ANYLOOP_BACKEND` names a backend that is
    /// unknown or not compiled in.
    pub fn from_env() -> Result<Backend, BackendError> {
        match std::env::var_os(BACKEND_ENV) {
            None => Ok(Backend::default()),
            Some(value) => Backend::from_env_value(&value.to_string_lossy()),
        }
    }

    #[doc(hidden)]
    pub fn from_env_value(value: &str) -> Result<Backend, BackendError> {
        if value.trim().is_empty() {
            return Ok(Backend::default());
        }
        value.parse()
    }

    /// The backend of the runtime that runs the caller, as the ambient API
    /// sees it; `None` if no runtime was found and the `smol` fallback is
    /// not compiled in.
    ///
    /// The checks, cheapest first: the task that anyloop is running (tasks
    /// spawned through the ambient API and `Runtime::block_on` carry their
    /// backend), the threads of runtimes that anyloop built (tokio, then
    /// smol), any other tokio runtime
    /// (`Handle::try_current`), an async-std task, and then, when the `smol`
    /// feature is enabled, smol's global executor, which always answers
    /// (smol cannot tell whether the caller is inside `smol::block_on`).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "tokio")] {
    /// use anyloop::{Backend, Runtime};
    ///
    /// let rt = Runtime::builder().backend(Backend::Tokio).build()?;
    /// assert_eq!(rt.block_on(async { Backend::current() }), Some(Backend::Tokio));
    /// # }
    /// # Ok::<(), anyloop::BuildError>(())
    /// ```
    #[inline]
    pub fn current() -> Option<Backend> {
        if let Some(backend) = crate::rt::polling() {
            return Some(backend);
        }
        #[cfg(feature = "tokio")]
        if anyloop_tokio::Tokio::is_anyloop_thread() {
            return Some(Backend::Tokio);
        }
        // Only worth asking when another backend could answer otherwise.
        #[cfg(all(feature = "smol", any(feature = "tokio", feature = "async-std")))]
        if anyloop_smol::Smol::is_current() {
            return Some(Backend::Smol);
        }
        #[cfg(feature = "tokio")]
        if anyloop_tokio::Tokio::is_current() {
            return Some(Backend::Tokio);
        }
        #[cfg(feature = "async-std")]
        if anyloop_async_std::AsyncStd::is_current() {
            return Some(Backend::AsyncStd);
        }
        #[cfg(feature = "smol")]
        return Some(Backend::Smol);
        #[cfg(not(feature = "smol"))]
        None
    }
}

impl Default for Backend {
    /// The first compiled-in backend of `tokio`, `smol`, `async-std`. Does
    /// not read `ANYLOOP_BACKEND`; see [`Backend::from_env`].
    fn default() -> Backend {
        Backend::available()[0]
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

impl FromStr for Backend {
    type Err = BackendError;

    /// Parses `tokio`, `async-std` (or `async_std`) and `smol`, ignoring
    /// ASCII case and surrounding white space.
    fn from_str(s: &str) -> Result<Backend, BackendError> {
        let name = s.trim().to_ascii_lowercase().replace('_', "-");
        Backend::available()
            .iter()
            .copied()
            .find(|backend| backend.name() == name)
            .ok_or_else(|| BackendError {
                compiled_out: KNOWN.contains(&name.as_str()),
                name: s.to_owned(),
            })
    }
}

/// A backend name that is unknown, or whose feature is not enabled.
///
/// Its message lists the backends that are available.
///
/// # Examples
///
/// ```
/// let err = "uvloop".parse::<anyloop::Backend>().unwrap_err();
/// assert!(err.to_string().starts_with("unknown backend `uvloop`"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.describe())]
pub struct BackendError {
    name: String,
    compiled_out: bool,
}

impl BackendError {
    /// The name that was asked for.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Returns `true` if the name is a backend anyloop knows, whose cargo
    /// feature is not enabled.
    pub fn is_not_compiled_in(&self) -> bool {
        self.compiled_out
    }

    fn describe(&self) -> String {
        let available: Vec<&str> = Backend::available().iter().map(|b| b.name()).collect();
        let available = available.join(", ");
        if self.compiled_out {
            let feature = self.name.trim().to_ascii_lowercase().replace('_', "-");
            format!(
                "backend `{}` is not compiled in: enable the `{feature}` feature of anyloop \
                 (available: {available})",
                self.name
            )
        } else {
            format!(
                "unknown backend `{}` (expected one of: {})",
                self.name, available
            )
        }
    }
}
