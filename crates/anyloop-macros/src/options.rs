//! The options of `#[anyloop::main]` and `#[anyloop::test]`, parsed from the
//! attribute's arguments.
//!
//! Everything here is a pure function over [`proc_macro2::TokenStream`], so it
//! is unit-tested without a compiler in the loop (see the tests at the end).

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{Expr, Lit, LitStr, Meta, Token};

/// Which attribute is being expanded: they take different options and defaults.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Macro {
    /// `#[anyloop::main]`.
    Main,
    /// `#[anyloop::test]`.
    Test,
}

impl Macro {
    /// How the user writes the attribute, for messages.
    pub(crate) fn attribute(self) -> &'static str {
        match self {
            Self::Main => "#[anyloop::main]",
            Self::Test => "#[anyloop::test]",
        }
    }

    /// The options this attribute accepts, in the order the messages list them.
    fn options(self) -> &'static [Opt] {
        match self {
            Self::Main => &[Opt::Backend, Opt::Flavor, Opt::WorkerThreads],
            Self::Test => &[
                Opt::Backends,
                Opt::Backend,
                Opt::Flavor,
                Opt::WorkerThreads,
                Opt::StartPaused,
                Opt::Plugin,
            ],
        }
    }
}

/// A backend, as named by the user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Backend {
    Tokio,
    AsyncStd,
    Smol,
}

impl Backend {
    /// Every backend, in the order tests are generated.
    pub(crate) const ALL: [Self; 3] = [Self::Tokio, Self::AsyncStd, Self::Smol];

    /// The list of valid names, for messages.
    const NAMES: &'static str = "`tokio`, `async-std` or `smol`";

    fn from_name(name: &str) -> Option<Self> {
        match name {
            "tokio" => Some(Self::Tokio),
            "async-std" | "async_std" => Some(Self::AsyncStd),
            "smol" => Some(Self::Smol),
            _ => None,
        }
    }

    /// The name of the `anyloop` feature that enables this backend.
    pub(crate) fn feature(self) -> &'static str {
        match self {
            Self::Tokio => "tokio",
            Self::AsyncStd => "async-std",
            Self::Smol => "smol",
        }
    }

    /// The name of the generated `#[test]` function: the last part of the test ID.
    pub(crate) fn test_name(self) -> &'static str {
        match self {
            Self::Tokio => "tokio",
            Self::AsyncStd => "async_std",
            Self::Smol => "smol",
        }
    }

    /// The variant of `anyloop::Backend`.
    pub(crate) fn variant(self) -> &'static str {
        match self {
            Self::Tokio => "Tokio",
            Self::AsyncStd => "AsyncStd",
            Self::Smol => "Smol",
        }
    }

    /// The `anyloop::__if_*!` macro that keeps tokens only when the backend's
    /// feature is enabled.
    pub(crate) fn if_macro(self) -> &'static str {
        match self {
            Self::Tokio => "__if_tokio",
            Self::AsyncStd => "__if_async_std",
            Self::Smol => "__if_smol",
        }
    }
}

/// A backend and the string literal that named it, where errors about it point.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Selected {
    pub(crate) backend: Backend,
    pub(crate) span: Span,
}

/// `#[anyloop::test(plugin(NAME = PATH))]`: one more test, `name::NAME`, on
/// the plug-in runtime that the function at `PATH` makes.
#[derive(Clone)]
pub(crate) struct Plugin {
    /// The plug-in's name: the generated test's name and the
    /// `Backend::Custom` name.
    pub(crate) name: syn::Ident,
    /// A `fn() -> Arc<dyn DynRuntime>`, as written by the user.
    pub(crate) path: syn::Path,
}

impl std::fmt::Debug for Plugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Plugin")
            .field("name", &self.name)
            .field("path", &self.path.to_token_stream().to_string())
            .finish()
    }
}

/// The parsed options of one attribute.
#[derive(Clone, Debug)]
pub(crate) struct Options {
    /// `#[anyloop::main]`: empty for the default rule, or the one named backend.
    /// `#[anyloop::test]`: the backends to generate a test for, never empty.
    pub(crate) backends: Vec<Selected>,
    /// `false` for the current-thread flavour.
    pub(crate) multi_thread: bool,
    /// Only ever `Some` with `multi_thread`.
    pub(crate) worker_threads: Option<usize>,
    /// `#[anyloop::test(start_paused = true)]`: the clock starts paused.
    pub(crate) start_paused: bool,
    /// `#[anyloop::test(plugin(..))]`: the plug-in runtimes to test on too.
    pub(crate) plugins: Vec<Plugin>,
}

impl Options {
    /// The options of an attribute written without arguments.
    pub(crate) fn defaults(mac: Macro) -> Self {
        match mac {
            Macro::Main => Self {
                backends: Vec::new(),
                multi_thread: true,
                worker_threads: None,
                start_paused: false,
                plugins: Vec::new(),
            },
            Macro::Test => Self {
                backends: Backend::ALL
                    .iter()
                    .map(|&backend| Selected {
                        backend,
                        span: Span::call_site(),
                    })
                    .collect(),
                multi_thread: false,
                worker_threads: None,
                start_paused: false,
                plugins: Vec::new(),
            },
        }
    }

    /// Parses the arguments of `mac`, reporting every mistake at once.
    pub(crate) fn parse(args: TokenStream, mac: Macro) -> syn::Result<Self> {
        let metas = Punctuated::<Meta, Token![,]>::parse_terminated.parse2(args)?;
        let mut errors = Errors::default();
        let mut seen: Vec<Opt> = Vec::new();
        let mut backends = None;
        let mut flavor = None;
        let mut worker_threads: Option<(usize, TokenStream)> = None;
        let mut start_paused = false;
        let mut plugins = Vec::new();
        // `backends = []`, an error unless a plug-in is given.
        let mut no_backends: Option<TokenStream> = None;

        for meta in &metas {
            let key = path_to_string(meta.path());
            let Some(opt) = Opt::from_key(&key, mac) else {
                errors.push(syn::Error::new_spanned(
                    meta.path(),
                    unknown_option(&key, mac),
                ));
                continue;
            };
            if seen.contains(&opt) {
                let msg = format!("`{key}` is given twice");
                errors.push(syn::Error::new_spanned(meta.path(), msg));
                continue;
            }
            let other = match opt {
                Opt::Backend => Some(Opt::Backends),
                Opt::Backends => Some(Opt::Backend),
                _ => None,
            };
            if other.is_some_and(|other| seen.contains(&other)) {
                let msg = "`backend` and `backends` cannot be used together: \
                           list every backend in `backends = [...]`";
                errors.push(syn::Error::new_spanned(meta.path(), msg));
                continue;
            }
            seen.push(opt);

            if opt == Opt::Plugin {
                match plugin_list(meta) {
                    Ok(list) => plugins = list,
                    Err(error) => errors.push(error),
                }
                continue;
            }
            let Meta::NameValue(name_value) = meta else {
                errors.push(opt.expected(meta, "a value"));
                continue;
            };
            let value = ungroup(&name_value.value);
            let parsed = match opt {
                Opt::Backend => backend(opt, value).map(|b| backends = Some(vec![b])),
                Opt::Backends => backend_list(opt, value).map(|b| {
                    if b.is_empty() {
                        no_backends = Some(value.to_token_stream());
                    }
                    backends = Some(b)
                }),
                Opt::Flavor => multi_thread(opt, value).map(|f| flavor = Some(f)),
                Opt::WorkerThreads => {
                    threads(opt, value).map(|n| worker_threads = Some((n, meta.to_token_stream())))
                }
                Opt::StartPaused => boolean(opt, value).map(|b| start_paused = b),
                Opt::Plugin => unreachable!("parsed above"),
            };
            if let Err(error) = parsed {
                errors.push(error);
            }
        }

        if let Some(array) = no_backends.filter(|_| plugins.is_empty()) {
            let msg = format!(
                "`backends = []` would run the test on no backend; name at least one of {} \
                 (or give a plug-in with `plugin(name = path)`)",
                Backend::NAMES
            );
            errors.push(syn::Error::new_spanned(array, msg));
        }
        let defaults = Self::defaults(mac);
        let multi_thread = match (flavor, &worker_threads) {
            (Some(false), Some((_, tokens))) => {
                let msg = "`worker_threads` cannot be used with `flavor = \"current_thread\"`: \
                           a current-thread runtime has no worker threads";
                errors.push(syn::Error::new_spanned(tokens, msg));
                false
            }
            (Some(multi_thread), _) => multi_thread,
            (None, Some(_)) => true,
            (None, None) => defaults.multi_thread,
        };
        errors.finish()?;
        Ok(Self {
            backends: backends.unwrap_or(defaults.backends),
            multi_thread,
            worker_threads: worker_threads.map(|(n, _)| n),
            start_paused,
            plugins,
        })
    }
}

/// One option key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Opt {
    Backend,
    Backends,
    Flavor,
    WorkerThreads,
    StartPaused,
    Plugin,
}

impl Opt {
    fn key(self) -> &'static str {
        match self {
            Self::Backend => "backend",
            Self::Backends => "backends",
            Self::Flavor => "flavor",
            Self::WorkerThreads => "worker_threads",
            Self::StartPaused => "start_paused",
            Self::Plugin => "plugin",
        }
    }

    /// A correct use of the option, for messages.
    fn example(self) -> &'static str {
        match self {
            Self::Backend => "`backend = \"tokio\"`",
            Self::Backends => "`backends = [\"tokio\", \"smol\"]`",
            Self::Flavor => "`flavor = \"multi_thread\"` or `flavor = \"current_thread\"`",
            Self::WorkerThreads => "`worker_threads = 4`",
            Self::StartPaused => "`start_paused = true`",
            Self::Plugin => "`plugin(pool = crate::pool_runtime)`",
        }
    }

    fn from_key(key: &str, mac: Macro) -> Option<Self> {
        mac.options().iter().copied().find(|opt| opt.key() == key)
    }

    /// "`key` expects WHAT, like EXAMPLE", pointing at `tokens`.
    fn expected(self, tokens: impl ToTokens, what: &str) -> syn::Error {
        let msg = format!("`{}` expects {what}, like {}", self.key(), self.example());
        syn::Error::new_spanned(tokens, msg)
    }
}

/// The message for an unknown option `key`, with a suggestion for a near miss.
fn unknown_option(key: &str, mac: Macro) -> String {
    let options = mac.options();
    let mut msg = format!("unknown option `{key}`");
    if mac == Macro::Main && key == Opt::Backends.key() {
        msg.push_str(" (`#[anyloop::main]` runs on one backend: use `backend = \"...\"`)");
    } else if let Some(near) = options
        .iter()
        .map(|opt| (edit_distance(key, opt.key()), opt.key()))
        .filter(|&(distance, _)| distance <= (key.len() / 3).max(1))
        .min()
    {
        msg.push_str(&format!(" (did you mean `{}`?)", near.1));
    }
    let keys: Vec<String> = options
        .iter()
        .map(|opt| format!("`{}`", opt.key()))
        .collect();
    let (last, rest) = keys.split_last().expect("every attribute has options");
    msg.push_str(&format!(
        "; the options of `{}` are {} and {last}",
        mac.attribute(),
        rest.join(", ")
    ));
    msg
}

/// `backend = "tokio"`.
fn backend(opt: Opt, value: &Expr) -> syn::Result<Selected> {
    backend_name(string(opt, value, value)?)
}

/// `backends = ["tokio", "smol"]`: at least one, each once.
fn backend_list(opt: Opt, value: &Expr) -> syn::Result<Vec<Selected>> {
    let Expr::Array(array) = value else {
        return Err(opt.expected(value, "a list"));
    };
    // Empty: checked by the caller (allowed with a plug-in).
    let mut errors = Errors::default();
    let mut selected: Vec<Selected> = Vec::new();
    for elem in &array.elems {
        let parsed = string(opt, ungroup(elem), value).and_then(|lit| {
            let new = backend_name(lit)?;
            if selected.iter().any(|old| old.backend == new.backend) {
                let msg = format!("backend `{}` is listed twice", new.backend.feature());
                return Err(syn::Error::new(new.span, msg));
            }
            Ok(new)
        });
        match parsed {
            Ok(new) => selected.push(new),
            Err(error) => errors.push(error),
        }
    }
    errors.finish().map(|()| selected)
}

fn backend_name(lit: &LitStr) -> syn::Result<Selected> {
    let name = lit.value();
    match Backend::from_name(&name) {
        Some(backend) => Ok(Selected {
            backend,
            span: lit.span(),
        }),
        None => {
            let msg = format!("unknown backend `{name}`; expected {}", Backend::NAMES);
            Err(syn::Error::new(lit.span(), msg))
        }
    }
}

/// `plugin(pool = crate::pool_runtime, other = path)`: at least one, each
/// name once and none a built-in backend's (their tests have those names).
fn plugin_list(meta: &Meta) -> syn::Result<Vec<Plugin>> {
    let opt = Opt::Plugin;
    let what = "a list of `name = path` (the path of a `fn() -> Arc<dyn DynRuntime>`)";
    let Meta::List(list) = meta else {
        return Err(opt.expected(meta, what));
    };
    let entries = list.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)?;
    if entries.is_empty() {
        let msg = "`plugin()` names no plug-in; give one as `plugin(name = path)`";
        return Err(syn::Error::new_spanned(meta, msg));
    }
    let mut errors = Errors::default();
    let mut plugins: Vec<Plugin> = Vec::new();
    for entry in &entries {
        let Some(name) = entry.path().get_ident() else {
            let msg = "a plug-in's name is one identifier, like `pool`";
            errors.push(syn::Error::new_spanned(entry.path(), msg));
            continue;
        };
        let Meta::NameValue(name_value) = entry else {
            let msg = format!(
                "plug-in `{name}` needs the path of a function that makes it: \
                 `{name} = crate::{name}_runtime` (a `fn() -> Arc<dyn DynRuntime>`)"
            );
            errors.push(syn::Error::new_spanned(entry, msg));
            continue;
        };
        let syn::Expr::Path(path) = ungroup(&name_value.value) else {
            let msg = format!(
                "plug-in `{name}` expects the path of a `fn() -> Arc<dyn DynRuntime>`, \
                 like `{name} = crate::{name}_runtime`"
            );
            errors.push(syn::Error::new_spanned(&name_value.value, msg));
            continue;
        };
        let text = name.to_string();
        if Backend::ALL
            .iter()
            .any(|b| b.test_name() == text || b.feature() == text)
        {
            let msg = format!(
                "`{text}` is a built-in backend, not a plug-in: choose it with `backends = [..]`, \
                 and name the plug-in otherwise"
            );
            errors.push(syn::Error::new_spanned(name, msg));
            continue;
        }
        if plugins.iter().any(|old| old.name == *name) {
            let msg = format!("plug-in `{text}` is given twice");
            errors.push(syn::Error::new_spanned(name, msg));
            continue;
        }
        plugins.push(Plugin {
            name: name.clone(),
            path: path.path.clone(),
        });
    }
    errors.finish().map(|()| plugins)
}

/// `flavor = "multi_thread" | "current_thread"`, as "is multi-thread".
fn multi_thread(opt: Opt, value: &Expr) -> syn::Result<bool> {
    let lit = string(opt, value, value)?;
    match lit.value().as_str() {
        "multi_thread" => Ok(true),
        "current_thread" => Ok(false),
        other => {
            let msg =
                format!("unknown flavor `{other}`; expected `multi_thread` or `current_thread`");
            Err(syn::Error::new(lit.span(), msg))
        }
    }
}

/// `start_paused = true | false`.
fn boolean(opt: Opt, value: &Expr) -> syn::Result<bool> {
    match value {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Bool(b),
            ..
        }) => Ok(b.value),
        other => Err(opt.expected(other, "`true` or `false`")),
    }
}

/// `worker_threads = N`, N >= 1.
fn threads(opt: Opt, value: &Expr) -> syn::Result<usize> {
    let what = "a positive integer";
    let int = match value {
        // syn reads `-1` as one negative literal.
        Expr::Lit(syn::ExprLit {
            lit: Lit::Int(int), ..
        }) if !int.base10_digits().starts_with('-') => int,
        _ => return Err(opt.expected(value, what)),
    };
    match int.base10_parse::<usize>()? {
        0 => Err(syn::Error::new(
            int.span(),
            "`worker_threads` must be at least 1",
        )),
        n => Ok(n),
    }
}

/// The string literal `value`, or an error "`key` expects a string" at `whole`.
fn string<'a>(opt: Opt, value: &'a Expr, whole: &Expr) -> syn::Result<&'a LitStr> {
    match value {
        Expr::Lit(syn::ExprLit {
            lit: Lit::Str(lit), ..
        }) => Ok(lit),
        _ => {
            let what = if opt == Opt::Backends {
                "a list of strings"
            } else {
                "a string"
            };
            let at = if opt == Opt::Backends { value } else { whole };
            Err(opt.expected(at, what))
        }
    }
}

/// Looks through the invisible groups `macro_rules!` puts around `$x:expr`.
fn ungroup(mut expr: &Expr) -> &Expr {
    while let Expr::Group(group) = expr {
        expr = &group.expr;
    }
    expr
}

fn path_to_string(path: &syn::Path) -> String {
    let segments: Vec<String> = path
        .segments
        .iter()
        .map(|segment| segment.ident.to_string())
        .collect();
    let prefix = if path.leading_colon.is_some() {
        "::"
    } else {
        ""
    };
    format!("{prefix}{}", segments.join("::"))
}

/// Levenshtein distance, to suggest an option for a typo.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if ca == cb {
                diagonal
            } else {
                1 + diagonal.min(above).min(row[j])
            };
            diagonal = above;
        }
    }
    row[b.len()]
}

/// Collects errors so that one expansion reports every mistake.
#[derive(Debug, Default)]
pub(crate) struct Errors(Option<syn::Error>);

impl Errors {
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(errors) => errors.combine(error),
            None => self.0 = Some(error),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    pub(crate) fn finish(self) -> syn::Result<()> {
        self.0.map_or(Ok(()), Err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn parse(mac: Macro, args: TokenStream) -> syn::Result<Options> {
        Options::parse(args, mac)
    }

    fn backends(options: &Options) -> Vec<Backend> {
        options.backends.iter().map(|s| s.backend).collect()
    }

    /// Every message of a failed parse.
    fn errors(mac: Macro, args: TokenStream) -> Vec<String> {
        match parse(mac, args) {
            Ok(options) => panic!("expected an error, got {options:?}"),
            Err(error) => error.into_iter().map(|e| e.to_string()).collect(),
        }
    }

    /// The only message of a failed parse.
    fn error(mac: Macro, args: TokenStream) -> String {
        let mut all = errors(mac, args);
        assert_eq!(all.len(), 1, "{all:?}");
        all.remove(0)
    }

    #[test]
    fn main_defaults() {
        let options = parse(Macro::Main, quote!()).unwrap();
        assert!(backends(&options).is_empty());
        assert!(options.multi_thread);
        assert_eq!(options.worker_threads, None);
    }

    #[test]
    fn test_defaults() {
        let options = parse(Macro::Test, quote!()).unwrap();
        assert_eq!(backends(&options), Backend::ALL);
        assert!(!options.multi_thread);
        assert_eq!(options.worker_threads, None);
    }

    #[test]
    fn main_all_options() {
        let args = quote!(
            backend = "smol",
            flavor = "multi_thread",
            worker_threads = 4,
        );
        let options = parse(Macro::Main, args).unwrap();
        assert_eq!(backends(&options), [Backend::Smol]);
        assert!(options.multi_thread);
        assert_eq!(options.worker_threads, Some(4));
    }

    #[test]
    fn main_current_thread() {
        let options = parse(Macro::Main, quote!(flavor = "current_thread")).unwrap();
        assert!(!options.multi_thread);
        assert_eq!(options.worker_threads, None);
    }

    #[test]
    fn backend_names() {
        for (name, backend) in [
            ("tokio", Backend::Tokio),
            ("async-std", Backend::AsyncStd),
            ("async_std", Backend::AsyncStd),
            ("smol", Backend::Smol),
        ] {
            for mac in [Macro::Main, Macro::Test] {
                let options = parse(mac, quote!(backend = #name)).unwrap();
                assert_eq!(backends(&options), [backend]);
            }
        }
    }

    #[test]
    fn test_backends_keep_their_order() {
        let args = quote!(backends = ["smol", "tokio"]);
        let options = parse(Macro::Test, args).unwrap();
        assert_eq!(backends(&options), [Backend::Smol, Backend::Tokio]);
        assert!(!options.multi_thread);
    }

    #[test]
    fn test_worker_threads_implies_multi_thread() {
        let options = parse(Macro::Test, quote!(worker_threads = 2)).unwrap();
        assert!(options.multi_thread);
        assert_eq!(options.worker_threads, Some(2));

        let options = parse(Macro::Test, quote!(flavor = "multi_thread")).unwrap();
        assert!(options.multi_thread);
        assert_eq!(options.worker_threads, None);
    }

    #[test]
    fn suffixed_worker_threads() {
        let options = parse(Macro::Main, quote!(worker_threads = 3usize)).unwrap();
        assert_eq!(options.worker_threads, Some(3));
    }

    #[test]
    fn unknown_option_lists_the_valid_ones() {
        assert_eq!(
            error(Macro::Main, quote!(threads = 2)),
            "unknown option `threads`; the options of `#[anyloop::main]` are \
             `backend`, `flavor` and `worker_threads`"
        );
        assert_eq!(
            error(Macro::Test, quote!(thread_name = "t")),
            "unknown option `thread_name`; the options of `#[anyloop::test]` are \
             `backends`, `backend`, `flavor`, `worker_threads`, `start_paused` and `plugin`"
        );
        assert_eq!(
            error(Macro::Main, quote!(start_paused = true)),
            "unknown option `start_paused`; the options of `#[anyloop::main]` are \
             `backend`, `flavor` and `worker_threads`"
        );
    }

    #[test]
    fn start_paused() {
        assert!(!parse(Macro::Test, quote!()).unwrap().start_paused);
        assert!(
            parse(Macro::Test, quote!(start_paused = true))
                .unwrap()
                .start_paused
        );
        assert!(
            !parse(Macro::Test, quote!(start_paused = false))
                .unwrap()
                .start_paused
        );
        assert_eq!(
            error(Macro::Test, quote!(start_paused = "yes")),
            "`start_paused` expects `true` or `false`, like `start_paused = true`"
        );
    }

    #[test]
    fn unknown_option_suggests_a_near_miss() {
        assert_eq!(
            error(Macro::Main, quote!(flavour = "current_thread")),
            "unknown option `flavour` (did you mean `flavor`?); the options of \
             `#[anyloop::main]` are `backend`, `flavor` and `worker_threads`"
        );
        assert!(
            error(Macro::Test, quote!(worker_thread = 2))
                .contains("did you mean `worker_threads`?")
        );
        assert!(error(Macro::Main, quote!(backends = ["tokio"])).contains("runs on one backend"));
        assert!(!error(Macro::Main, quote!(x = 1)).contains("did you mean"));
    }

    #[test]
    fn unknown_backend_lists_the_valid_ones() {
        let expected = "unknown backend `glommio`; expected `tokio`, `async-std` or `smol`";
        assert_eq!(error(Macro::Main, quote!(backend = "glommio")), expected);
        assert_eq!(
            error(Macro::Test, quote!(backends = ["tokio", "glommio"])),
            expected
        );
    }

    #[test]
    fn unknown_flavor() {
        assert_eq!(
            error(Macro::Test, quote!(flavor = "multi-thread")),
            "unknown flavor `multi-thread`; expected `multi_thread` or `current_thread`"
        );
    }

    #[test]
    fn worker_threads_must_be_a_positive_integer() {
        assert_eq!(
            error(Macro::Main, quote!(worker_threads = 0)),
            "`worker_threads` must be at least 1"
        );
        let not_an_integer =
            "`worker_threads` expects a positive integer, like `worker_threads = 4`";
        assert_eq!(
            error(Macro::Main, quote!(worker_threads = "4")),
            not_an_integer
        );
        assert_eq!(
            error(Macro::Main, quote!(worker_threads = -1)),
            not_an_integer
        );
        assert_eq!(
            error(Macro::Main, quote!(worker_threads = 2.5)),
            not_an_integer
        );
        assert_eq!(
            error(Macro::Test, quote!(worker_threads = N)),
            not_an_integer
        );
        assert_eq!(
            error(
                Macro::Main,
                quote!(worker_threads = 99999999999999999999999)
            ),
            "number too large to fit in target type"
        );
    }

    #[test]
    fn option_given_twice() {
        assert_eq!(
            error(
                Macro::Main,
                quote!(flavor = "multi_thread", flavor = "current_thread")
            ),
            "`flavor` is given twice"
        );
        assert_eq!(
            error(Macro::Test, quote!(backend = "tokio", backends = ["smol"])),
            "`backend` and `backends` cannot be used together: list every backend in \
             `backends = [...]`"
        );
        assert_eq!(
            error(
                Macro::Test,
                quote!(backends = ["tokio", "async-std", "async_std"])
            ),
            "backend `async-std` is listed twice"
        );
    }

    #[test]
    fn current_thread_with_worker_threads() {
        let expected = "`worker_threads` cannot be used with `flavor = \"current_thread\"`: \
                        a current-thread runtime has no worker threads";
        for mac in [Macro::Main, Macro::Test] {
            let args = quote!(flavor = "current_thread", worker_threads = 2);
            assert_eq!(error(mac, args), expected);
            let args = quote!(worker_threads = 2, flavor = "current_thread");
            assert_eq!(error(mac, args), expected);
        }
    }

    #[test]
    fn empty_backends() {
        assert_eq!(
            error(Macro::Test, quote!(backends = [])),
            "`backends = []` would run the test on no backend; name at least one of \
             `tokio`, `async-std` or `smol` (or give a plug-in with `plugin(name = path)`)"
        );
    }

    #[test]
    fn plugins() {
        let options = parse(
            Macro::Test,
            quote!(
                plugin(pool = crate::pool, uring = self::uring),
                start_paused = true
            ),
        )
        .unwrap();
        let names: Vec<String> = options.plugins.iter().map(|p| p.name.to_string()).collect();
        assert_eq!(names, ["pool", "uring"]);
        assert_eq!(backends(&options), Backend::ALL, "the built-in tests stay");
        assert!(options.start_paused);

        let only = parse(Macro::Test, quote!(backends = [], plugin(pool = pool))).unwrap();
        assert!(backends(&only).is_empty(), "a plug-in alone");
        assert_eq!(only.plugins.len(), 1);
    }

    #[test]
    fn plugin_mistakes() {
        let test = |args| error(Macro::Test, args);
        assert!(
            test(quote!(plugin(pool))).starts_with("plug-in `pool` needs the path of a function"),
            "a missing path"
        );
        assert!(
            test(quote!(plugin(pool = 1)))
                .contains("expects the path of a `fn() -> Arc<dyn DynRuntime>`")
        );
        assert_eq!(
            test(quote!(plugin(pool = a, pool = b))),
            "plug-in `pool` is given twice"
        );
        for builtin in ["tokio", "smol", "async_std"] {
            let name = syn::Ident::new(builtin, Span::call_site());
            assert!(
                test(quote!(plugin(#name = f)))
                    .starts_with(&format!("`{builtin}` is a built-in backend")),
                "{builtin}"
            );
        }
        assert!(test(quote!(plugin = f)).starts_with("`plugin` expects a list of `name = path`"));
        assert!(test(quote!(plugin())).starts_with("`plugin()` names no plug-in"));
        assert!(test(quote!(plugin(a::b = f))).starts_with("a plug-in's name is one identifier"));
        assert_eq!(
            test(quote!(plugin(a = f), plugin(b = g))),
            "`plugin` is given twice"
        );
    }

    #[test]
    fn main_has_no_plugins() {
        assert!(
            error(Macro::Main, quote!(plugin(pool = f))).starts_with("unknown option `plugin`")
        );
    }

    #[test]
    fn values_of_the_wrong_kind() {
        assert_eq!(
            error(Macro::Main, quote!(backend = tokio)),
            "`backend` expects a string, like `backend = \"tokio\"`"
        );
        assert_eq!(
            error(Macro::Test, quote!(backends = "tokio")),
            "`backends` expects a list, like `backends = [\"tokio\", \"smol\"]`"
        );
        assert_eq!(
            error(Macro::Test, quote!(backends = [tokio])),
            "`backends` expects a list of strings, like `backends = [\"tokio\", \"smol\"]`"
        );
        assert_eq!(
            error(Macro::Main, quote!(flavor)),
            "`flavor` expects a value, like `flavor = \"multi_thread\"` or \
             `flavor = \"current_thread\"`"
        );
        assert_eq!(
            error(Macro::Main, quote!(flavor("current_thread"))),
            "`flavor` expects a value, like `flavor = \"multi_thread\"` or \
             `flavor = \"current_thread\"`"
        );
    }

    #[test]
    fn every_mistake_is_reported() {
        let args = quote!(
            backend = "glommio",
            flavor = "x",
            worker_threads = 0,
            nope = 1
        );
        assert_eq!(errors(Macro::Main, args).len(), 4);
    }

    #[test]
    fn syntax_errors_come_from_syn() {
        assert!(parse(Macro::Main, quote!("tokio")).is_err());
        assert!(parse(Macro::Main, quote!(backend = "tokio" flavor)).is_err());
    }

    #[test]
    fn near_misses() {
        assert_eq!(edit_distance("flavour", "flavor"), 1);
        assert_eq!(edit_distance("backned", "backend"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }
}
