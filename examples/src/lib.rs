//! What the example programs share.

pub mod generic;

use anyloop::{Backend, BackendError};

/// The backends that an example's `--backend` flag asks for: `all`,
/// `default` (the rule of `ANYLOOP_BACKEND`), or a backend name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendChoice {
    /// Every compiled-in backend, in turn.
    All,
    /// The default backend, as `Backend::from_env` chooses it.
    Default,
    /// One backend.
    One(Backend),
}

impl BackendChoice {
    /// Parses the flag; usable as clap's `value_parser`.
    ///
    /// # Errors
    ///
    /// A [`BackendError`] for a name that is unknown or not compiled in.
    pub fn parse(arg: &str) -> Result<BackendChoice, BackendError> {
        match arg {
            "all" => Ok(BackendChoice::All),
            "default" => Ok(BackendChoice::Default),
            name => name.parse().map(BackendChoice::One),
        }
    }

    /// The backends to run on, in turn.
    ///
    /// # Errors
    ///
    /// For `default`, when `ANYLOOP_BACKEND` names a backend that is unknown
    /// or not compiled in.
    pub fn backends(self) -> Result<Vec<Backend>, BackendError> {
        match self {
            BackendChoice::All => Ok(Backend::available().to_vec()),
            BackendChoice::Default => Backend::from_env().map(|backend| vec![backend]),
            BackendChoice::One(backend) => Ok(vec![backend]),
        }
    }
}
