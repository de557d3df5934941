//! The expansions of `#[anyloop::main]` and `#[anyloop::test]`.
//!
//! On bad input the macros never panic: they emit `compile_error!` at the
//! offending tokens and still emit the user's function (expanded with the
//! default options when only the options are wrong), so that the IDE keeps
//! completing inside it.

use proc_macro2::{Delimiter, Group, Ident, Literal, Span, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{AttrStyle, Attribute, Meta, ReturnType, Signature, Token, Type, Visibility, braced};

use crate::options::{Errors, Macro, Options};

const MISSING_ASYNC: &str = "the `async` keyword is missing from the function declaration";

/// A function item whose body is kept as tokens: it is never parsed, so a
/// syntax error inside it is reported by rustc itself, and expansion is cheap.
struct ItemFn {
    attrs: Vec<Attribute>,
    vis: Visibility,
    sig: Signature,
    brace: syn::token::Brace,
    inner_attrs: Vec<Attribute>,
    stmts: TokenStream,
}

impl Parse for ItemFn {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis = input.parse()?;
        let sig = input.parse()?;
        let content;
        let brace = braced!(content in input);
        let inner_attrs = content.call(Attribute::parse_inner)?;
        let stmts = content.parse()?;
        Ok(Self {
            attrs,
            vis,
            sig,
            brace,
            inner_attrs,
            stmts,
        })
    }
}

impl ItemFn {
    /// The body, braces included (with their original span).
    fn body(&self, inner_attrs: bool) -> Group {
        let mut tokens = TokenStream::new();
        if inner_attrs {
            for attr in &self.inner_attrs {
                attr.to_tokens(&mut tokens);
            }
        }
        tokens.extend(self.stmts.clone());
        let mut body = Group::new(Delimiter::Brace, tokens);
        body.set_span(self.brace.span.join());
        body
    }
}

/// `#[anyloop::main]`.
pub(crate) fn main(args: TokenStream, item: TokenStream) -> TokenStream {
    let input: ItemFn = match syn::parse2(item.clone()) {
        Ok(input) => input,
        Err(error) => return with_errors(item, Err(error)),
    };
    let mut errors = Errors::default();
    if input.sig.asyncness.is_none() {
        errors.push(syn::Error::new_spanned(input.sig.fn_token, MISSING_ASYNC));
    }
    if input.sig.ident == "main" && !input.sig.inputs.is_empty() {
        let msg = "the `main` function cannot take arguments";
        errors.push(syn::Error::new(input.sig.paren_token.span.join(), msg));
    }
    let options = Options::parse(args, Macro::Main).unwrap_or_else(|error| {
        errors.push(error);
        Options::defaults(Macro::Main)
    });
    with_errors(expand_main(&input, &options), errors.finish())
}

/// `#[anyloop::test]`.
pub(crate) fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    let input: ItemFn = match syn::parse2(item.clone()) {
        Ok(input) => input,
        Err(error) => return with_errors(item, Err(error)),
    };

    // A signature the generated tests cannot call: report it, keep the item.
    let mut errors = Errors::default();
    let sig = &input.sig;
    if sig.asyncness.is_none() {
        errors.push(syn::Error::new_spanned(sig.fn_token, MISSING_ASYNC));
    }
    if let syn::Safety::Unsafe(unsafety) = sig.safety {
        let msg = "`#[anyloop::test]` functions cannot be `unsafe`";
        errors.push(syn::Error::new_spanned(unsafety, msg));
    }
    if !sig.generics.params.is_empty() {
        let msg = "`#[anyloop::test]` functions cannot be generic";
        errors.push(syn::Error::new_spanned(&sig.generics, msg));
    } else if let Some(where_clause) = &sig.generics.where_clause {
        let msg = "`#[anyloop::test]` functions cannot have a `where` clause";
        errors.push(syn::Error::new_spanned(where_clause, msg));
    }
    if !sig.inputs.is_empty() || sig.variadic.is_some() {
        let msg = "`#[anyloop::test]` functions cannot take arguments";
        errors.push(syn::Error::new(sig.paren_token.span.join(), msg));
    }
    if !errors.is_empty() {
        return with_errors(item, errors.finish());
    }

    // Mistakes in the options or attributes: report them, expand anyway.
    let attrs = TestAttrs::split(&input.attrs, &mut errors);
    let options = Options::parse(args, Macro::Test).unwrap_or_else(|error| {
        errors.push(error);
        Options::defaults(Macro::Test)
    });
    with_errors(expand_test(&input, &attrs, &options), errors.finish())
}

fn with_errors(mut tokens: TokenStream, errors: syn::Result<()>) -> TokenStream {
    if let Err(errors) = errors {
        tokens.extend(errors.into_compile_error());
    }
    tokens
}

/// `::core::option::Option::Some(value)`, or `None` for no value.
fn option(value: Option<impl ToTokens>) -> TokenStream {
    match value {
        Some(value) => quote!(::core::option::Option::Some(#value)),
        None => quote!(::core::option::Option::None),
    }
}

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// `async fn main() -> R { body }` becomes
/// `fn main() -> R { block_on(BACKEND, MULTI, WORKERS, async move { body }) }`,
/// inside `__if_BACKEND!` when a backend is named.
fn expand_main(input: &ItemFn, options: &Options) -> TokenStream {
    let ItemFn {
        attrs,
        vis,
        sig,
        inner_attrs,
        ..
    } = input;
    let mut sig = sig.clone();
    sig.asyncness = None;
    // `#![attr]` is not allowed in an async block: make it an outer attribute.
    let inner_attrs = inner_attrs.iter().map(|attr| Attribute {
        style: AttrStyle::Outer,
        ..attr.clone()
    });
    let body = input.body(false);
    let multi_thread = options.multi_thread;
    let worker_threads = option(options.worker_threads.map(Literal::usize_unsuffixed));
    let item = |backend: TokenStream| {
        let inner_attrs = inner_attrs.clone();
        quote! {
            #(#attrs)*
            #(#inner_attrs)*
            #vis #sig {
                ::anyloop::__private::block_on(
                    #backend,
                    #multi_thread,
                    #worker_threads,
                    async move #body,
                )
            }
        }
    };

    let Some(selected) = options.backends.first() else {
        return item(option(None::<TokenStream>));
    };
    let backend = selected.backend;
    let if_backend = ident(backend.if_macro());
    let variant = ident(backend.variant());
    let enabled = item(option(Some(
        quote!(::anyloop::__private::Backend::#variant),
    )));
    let disabled = item(option(None::<TokenStream>));
    let msg = format!(
        "`backend = \"{0}\"` needs the `{0}` feature of anyloop",
        backend.feature()
    );
    let error = quote_spanned!(selected.span=> ::core::compile_error!(#msg););
    quote! {
        ::anyloop::#if_backend!({
            #enabled
        } else {
            #error
            #disabled
        });
    }
}

/// The attributes of a test function, sorted by where they go.
#[derive(Debug, Default)]
struct TestAttrs {
    /// Stay on the user's async fn.
    on_fn: Vec<TokenStream>,
    /// `#[cfg]`: on the async fn and on the module of tests.
    cfgs: Vec<TokenStream>,
    /// `#[should_panic]`, `#[ignore]`: moved to each generated `#[test]` fn.
    on_tests: Vec<TokenStream>,
}

impl TestAttrs {
    fn split(attrs: &[Attribute], errors: &mut Errors) -> Self {
        let mut split = Self::default();
        for attr in attrs {
            let path = attr.path();
            if path.is_ident("cfg") {
                split.on_fn.push(attr.to_token_stream());
                split.cfgs.push(attr.to_token_stream());
            } else if is_test_only(path) {
                split.on_tests.push(attr.to_token_stream());
            } else if is_builtin_test(path) {
                let msg = "`#[anyloop::test]` already adds `#[test]`: remove this attribute";
                errors.push(syn::Error::new_spanned(attr, msg));
            } else if path.is_ident("cfg_attr") {
                split.cfg_attr(attr);
            } else {
                split.on_fn.push(attr.to_token_stream());
            }
        }
        split
    }

    /// `#[cfg_attr(pred, ignore, inline)]` becomes `#[cfg_attr(pred, inline)]`
    /// on the fn and `#[cfg_attr(pred, ignore)]` on the tests.
    fn cfg_attr(&mut self, attr: &Attribute) {
        let parsed = attr.parse_args_with(|input: ParseStream<'_>| {
            let predicate: Meta = input.parse()?;
            input.parse::<Token![,]>()?;
            let metas = Punctuated::<Meta, Token![,]>::parse_terminated(input)?;
            Ok((predicate, metas))
        });
        let Ok((predicate, metas)) = parsed else {
            // Malformed: leave it where it is, for rustc to report.
            self.on_fn.push(attr.to_token_stream());
            return;
        };
        let (on_tests, on_fn): (Vec<Meta>, Vec<Meta>) = metas
            .into_iter()
            .partition(|meta| is_test_only(meta.path()));
        if on_tests.is_empty() {
            self.on_fn.push(attr.to_token_stream());
            return;
        }
        let pound = attr.pound_token;
        if !on_fn.is_empty() {
            self.on_fn
                .push(quote!(#pound[cfg_attr(#predicate, #(#on_fn),*)]));
        }
        self.on_tests
            .push(quote!(#pound[cfg_attr(#predicate, #(#on_tests),*)]));
    }
}

/// `()`, which `#[should_panic]` tests must return.
fn is_unit(ty: &Type) -> bool {
    match ty {
        Type::Tuple(tuple) => tuple.elems.is_empty(),
        Type::Paren(paren) => is_unit(&paren.elem),
        Type::Group(group) => is_unit(&group.elem),
        _ => false,
    }
}

/// Attributes that only mean something on a `#[test]` function.
fn is_test_only(path: &syn::Path) -> bool {
    path.is_ident("should_panic") || path.is_ident("ignore")
}

/// `#[test]`, `#[core::prelude::v1::test]` and the like.
fn is_builtin_test(path: &syn::Path) -> bool {
    if path.is_ident("test") {
        return true;
    }
    let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    matches!(segments[..], ["core" | "std", "prelude", _, "test"])
}

/// The user's fn, unchanged but for `#[should_panic]`/`#[ignore]`, and
/// `mod name { fn tokio() { .. } fn async_std() { .. } fn smol() { .. } }`
/// next to it, each `#[test]` fn inside `__if_BACKEND!`.
fn expand_test(input: &ItemFn, attrs: &TestAttrs, options: &Options) -> TokenStream {
    let ItemFn { vis, sig, .. } = input;
    let TestAttrs {
        on_fn,
        cfgs,
        on_tests,
    } = attrs;
    let body = input.body(true);
    let name = &sig.ident;
    let output = &sig.output;
    let multi_thread = options.multi_thread;
    let worker_threads = option(options.worker_threads.map(Literal::usize_unsuffixed));
    // The return type is written for the parent module, where `self::` and
    // `super::` mean something else: do not repeat it in the child module.
    let output = match output {
        ReturnType::Type(_, ty) if !is_unit(ty) => {
            quote_spanned!(ty.span()=> -> impl ::std::process::Termination)
        }
        _ => TokenStream::new(),
    };
    let future = if options.start_paused {
        quote!(::anyloop::__private::start_paused(super::#name()))
    } else {
        quote!(super::#name())
    };
    let tests = options.backends.iter().map(|selected| {
        let backend = selected.backend;
        let if_backend = ident(backend.if_macro());
        let test_name = ident(backend.test_name());
        let variant = ident(backend.variant());
        quote! {
            ::anyloop::#if_backend!({
                #[::core::prelude::v1::test]
                #(#on_tests)*
                fn #test_name() #output {
                    ::anyloop::__private::block_on(
                        ::core::option::Option::Some(::anyloop::__private::Backend::#variant),
                        #multi_thread,
                        #worker_threads,
                        #future,
                    )
                }
            } else {});
        }
    });
    let plugins = options.plugins.iter().map(|plugin| {
        let test_name = &plugin.name;
        let name = plugin.name.to_string();
        let make = from_child_module(&plugin.path);
        quote! {
            #[::core::prelude::v1::test]
            #(#on_tests)*
            fn #test_name() #output {
                ::anyloop::__private::block_on_plugin(#name, #make, #future)
            }
        }
    });
    quote! {
        #[allow(dead_code, clippy::unused_async)]
        #(#on_fn)*
        #vis #sig #body

        #(#cfgs)*
        mod #name {
            #(#tests)*
            #(#plugins)*
        }
    }
}

/// `path`, written in the test's module, as seen from the module of
/// generated tests inside it: a relative path gains a `super::`.
fn from_child_module(path: &syn::Path) -> TokenStream {
    let first = path.segments.first().map(|s| s.ident.to_string());
    match first.as_deref() {
        _ if path.leading_colon.is_some() => path.to_token_stream(),
        Some("crate") => path.to_token_stream(),
        Some("self") => {
            let rest = path.segments.iter().skip(1);
            quote!(super #(:: #rest)*)
        }
        _ => quote!(super::#path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn assert_tokens(actual: TokenStream, expected: TokenStream) {
        assert_eq!(actual.to_string(), expected.to_string());
    }

    #[test]
    fn main_default() {
        let item = quote! {
            /// Docs.
            pub(crate) async fn main() -> Result<(), Error> {
                #![allow(unused)]
                run().await
            }
        };
        assert_tokens(
            main(quote!(), item),
            quote! {
                /// Docs.
                #[allow(unused)]
                pub(crate) fn main() -> Result<(), Error> {
                    ::anyloop::__private::block_on(
                        ::core::option::Option::None,
                        true,
                        ::core::option::Option::None,
                        async move { run().await },
                    )
                }
            },
        );
    }

    #[test]
    fn main_with_backend() {
        let item = quote!(
            async fn main() {}
        );
        let args = quote!(backend = "async-std", worker_threads = 2);
        assert_tokens(
            main(args, item),
            quote! {
                ::anyloop::__if_async_std!({
                    fn main() {
                        ::anyloop::__private::block_on(
                            ::core::option::Option::Some(::anyloop::__private::Backend::AsyncStd),
                            true,
                            ::core::option::Option::Some(2),
                            async move {},
                        )
                    }
                } else {
                    ::core::compile_error!("`backend = \"async-std\"` needs the `async-std` feature of anyloop");
                    fn main() {
                        ::anyloop::__private::block_on(
                            ::core::option::Option::None,
                            true,
                            ::core::option::Option::Some(2),
                            async move {},
                        )
                    }
                });
            },
        );
    }

    #[test]
    fn main_errors_still_expand() {
        let item = quote!(
            fn main() {}
        );
        let out = main(quote!(flavor = "x"), item).to_string();
        assert!(out.starts_with("fn main () { :: anyloop :: __private :: block_on"));
        assert!(out.contains("the `async` keyword is missing"));
        assert!(out.contains("unknown flavor `x`"));
    }

    #[test]
    fn test_default() {
        let item = quote! {
            #[cfg(unix)]
            #[should_panic(expected = "boom")]
            #[cfg_attr(miri, ignore, allow(unused))]
            #[doc = "x"]
            async fn boom() { panic!("boom") }
        };
        let test = |if_backend: &str, test_name: &str, variant: &str| {
            let (if_backend, test_name, variant) =
                (ident(if_backend), ident(test_name), ident(variant));
            quote! {
                ::anyloop::#if_backend!({
                    #[::core::prelude::v1::test]
                    #[should_panic(expected = "boom")]
                    #[cfg_attr(miri, ignore)]
                    fn #test_name() {
                        ::anyloop::__private::block_on(
                            ::core::option::Option::Some(::anyloop::__private::Backend::#variant),
                            false,
                            ::core::option::Option::None,
                            super::boom(),
                        )
                    }
                } else {});
            }
        };
        let tokio = test("__if_tokio", "tokio", "Tokio");
        let async_std = test("__if_async_std", "async_std", "AsyncStd");
        let smol = test("__if_smol", "smol", "Smol");
        assert_tokens(
            super::test(quote!(), item),
            quote! {
                #[allow(dead_code, clippy::unused_async)]
                #[cfg(unix)]
                #[cfg_attr(miri, allow(unused))]
                #[doc = "x"]
                async fn boom() { panic!("boom") }

                #[cfg(unix)]
                mod boom {
                    #tokio
                    #async_std
                    #smol
                }
            },
        );
    }

    #[test]
    fn test_with_options_and_return_type() {
        let item = quote!(
            pub async fn it() -> super::Result<()> {
                Ok(())
            }
        );
        let args = quote!(backends = ["smol"], worker_threads = 3);
        assert_tokens(
            test(args, item),
            quote! {
                #[allow(dead_code, clippy::unused_async)]
                pub async fn it() -> super::Result<()> { Ok(()) }

                mod it {
                    ::anyloop::__if_smol!({
                        #[::core::prelude::v1::test]
                        fn smol() -> impl ::std::process::Termination {
                            ::anyloop::__private::block_on(
                                ::core::option::Option::Some(::anyloop::__private::Backend::Smol),
                                true,
                                ::core::option::Option::Some(3),
                                super::it(),
                            )
                        }
                    } else {});
                }
            },
        );
    }

    #[test]
    fn test_with_plugins() {
        let item = quote!(
            async fn it() {}
        );
        let args = quote!(
            backends = [],
            plugin(
                pool = pool_runtime,
                other = crate::rt::other,
                third = self::third
            )
        );
        let plugin = |name: &str, make: TokenStream| {
            let test_name = ident(name);
            quote! {
                #[::core::prelude::v1::test]
                fn #test_name() {
                    ::anyloop::__private::block_on_plugin(#name, #make, super::it())
                }
            }
        };
        let pool = plugin("pool", quote!(super::pool_runtime));
        let other = plugin("other", quote!(crate::rt::other));
        let third = plugin("third", quote!(super::third));
        assert_tokens(
            test(args, item),
            quote! {
                #[allow(dead_code, clippy::unused_async)]
                async fn it() {}

                mod it {
                    #pool
                    #other
                    #third
                }
            },
        );
    }

    #[test]
    fn test_plugin_errors_still_expand() {
        let out = test(
            quote!(plugin(tokio = f)),
            quote!(
                async fn f() {}
            ),
        )
        .to_string();
        assert!(out.starts_with("# [allow (dead_code"), "{out}");
        assert!(out.contains("mod f"), "{out}");
        assert!(out.contains("is a built-in backend"), "{out}");
    }

    #[test]
    fn test_returning_unit() {
        let out = test(
            quote!(),
            quote!(
                async fn f() -> () {}
            ),
        )
        .to_string();
        assert!(out.contains("fn tokio () {"), "{out}");
    }

    #[test]
    fn test_signature_errors_keep_the_item() {
        for item in [
            quote!(
                fn f() {}
            ),
            quote!(
                async fn f(x: u32) {}
            ),
            quote!(
                async fn f<T>() {}
            ),
            quote!(
                async fn f()
                where
                    u8: Copy,
                {
                }
            ),
            quote!(
                async unsafe fn f() {}
            ),
        ] {
            let out = test(quote!(), item.clone()).to_string();
            assert!(out.starts_with(&item.to_string()), "{out}");
            assert!(out.contains("compile_error"), "{out}");
            assert!(!out.contains("mod f"), "{out}");
        }
    }

    #[test]
    fn test_option_errors_still_expand() {
        let out = test(
            quote!(backend = "x"),
            quote!(
                async fn f() {}
            ),
        )
        .to_string();
        assert!(out.contains("mod f"), "{out}");
        assert!(out.contains("unknown backend `x`"), "{out}");
    }

    #[test]
    fn second_test_attribute() {
        let out = test(
            quote!(),
            quote!(
                #[test]
                async fn f() {}
            ),
        )
        .to_string();
        assert!(out.contains("already adds `#[test]`"), "{out}");
        assert!(!out.contains("# [test]"), "{out}");
    }

    #[test]
    fn not_a_function() {
        let item = quote!(
            struct S;
        );
        let out = main(quote!(), item).to_string();
        assert!(out.starts_with("struct S ;"), "{out}");
        assert!(out.contains("compile_error"), "{out}");
    }
}
