//! Emitting Rust from the model with `quote`. Names come from the model; this
//! module only decides how the code is laid out.

use std::collections::BTreeSet;

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote};

use crate::docs;
use crate::model::*;
use crate::naming::unraw;

/// One independently emitted piece of a file: a few top-level items.
/// Parts are plain data, so that worker threads can emit and format them
/// (tokens themselves cannot cross threads).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// `mod.rs`: module declarations and the `Client`.
    Root,
    /// `sid.rs`: the SID newtypes.
    Sids,
    /// A domain module's docs, imports and `SERVER`.
    Header(String),
    /// A domain's entry-point type.
    Entry(String),
    /// One navigation node with its request builders: domain and key.
    Resource(String, String),
    /// One struct or enum: domain and Rust name.
    Type(String, String),
    /// One alias of a type: domain and the alias.
    Alias(String, String),
}

/// Every file of the generated module tree, by path relative to the tree's
/// root (`mod.rs`, `sid.rs`, `chat_v2.rs`), sorted, with its parts in order.
pub fn plan(api: &Api) -> Vec<(String, Vec<Part>)> {
    let mut files = vec![("mod.rs".to_owned(), vec![Part::Root])];
    if !api.sids.is_empty() {
        files.push(("sid.rs".to_owned(), vec![Part::Sids]));
    }
    for (module, domain) in &api.domains {
        let mut parts = vec![Part::Header(module.clone()), Part::Entry(module.clone())];
        parts.extend(domain.resources.keys().map(|key| Part::Resource(module.clone(), key.clone())));
        parts.extend(domain.types.keys().map(|name| Part::Type(module.clone(), name.clone())));
        parts.extend(domain.aliases.keys().map(|name| Part::Alias(module.clone(), name.clone())));
        files.push((format!("{module}.rs"), parts));
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

/// The tokens of one part. A file's parts, in order, form the whole file.
pub fn emit(api: &Api, part: &Part) -> TokenStream {
    let emitter = |module: &str| api.domains.get(module).map(|domain| Emitter { api, domain });
    match part {
        Part::Root => root(api),
        Part::Sids => sids(api),
        Part::Header(module) => emitter(module).map(|e| e.header()).unwrap_or_default(),
        Part::Entry(module) => emitter(module).map(|e| e.entry()).unwrap_or_default(),
        Part::Resource(module, key) => emitter(module)
            .and_then(|e| e.domain.resources.get(key).map(|r| e.resource(r)))
            .unwrap_or_default(),
        Part::Type(module, name) => emitter(module)
            .and_then(|e| {
                e.domain.types.get(name).map(|def| match def {
                    TypeDef::Struct(s) => e.structure(name, s),
                    TypeDef::Enum(en) => e.enumeration(name, en),
                })
            })
            .unwrap_or_default(),
        Part::Alias(module, name) => emitter(module)
            .and_then(|e| e.domain.aliases.get(name).map(|alias| e.alias(name, alias)))
            .unwrap_or_default(),
    }
}

/// An identifier, raw where the model says so (`r#type`).
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// One `#[doc = " line"]` per line, with the leading space rustdoc expects.
fn doc_attrs(lines: &[String]) -> TokenStream {
    let lines = doc_lines(lines);
    quote! { #( #[doc = #lines] )* }
}

fn doc_str(text: &str) -> TokenStream {
    doc_attrs(&[text.to_owned()])
}

fn inner_doc(lines: &[String]) -> TokenStream {
    let lines = doc_lines(lines);
    quote! { #( #![doc = #lines] )* }
}

/// Doc lines as rustdoc wants them: a leading space, and never a line
/// break inside one (which prettyplease would print as a `/** */` block that
/// spec text could close). Every line, whatever its source, passes through
/// [`docs::sanitize`], so no spec text reaches rustdoc as code or HTML.
fn doc_lines(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .flat_map(|l| l.split(['\n', '\r']))
        .map(docs::sanitize)
        .map(|l| if l.is_empty() { l } else { format!(" {l}") })
        .collect()
}

fn root(api: &Api) -> TokenStream {
    let mut modules: Vec<String> = api.domains.keys().cloned().collect();
    if !api.sids.is_empty() {
        modules.push("sid".to_owned());
    }
    modules.sort();
    // Each module documents itself with inner docs, so links resolve inside it.
    let module_items = modules.iter().map(|m| {
        let name = ident(m);
        quote! { pub mod #name; }
    });
    let accessors = api.domains.values().map(|d| {
        let method = ident(&d.module);
        let ty = ident(&d.rust_name);
        let module = ident(&d.module);
        let doc = doc_str(&format!("{} at `{}/{}`.", d.title, d.server, first_segment(d)));
        quote! {
            #doc
            pub fn #method(&self) -> #module::#ty {
                #module::#ty::new(self.inner.clone())
            }
        }
    });
    let header = inner_doc(&[
        "The generated API: one module per product and version, SID types in [`sid`],".to_owned(),
        "and [`Client`], the entry point.".to_owned(),
    ]);
    quote! {
        #header

        #( #module_items )*

        // What every call's signature and every user's error handling names,
        // at the crate's root (each generated crate offers the same).
        pub use twilio_runtime::{
            ApiError, Call, CallOptions, ClientBuilder, Credentials, Date, DateTime, Error, ItemStream, Json, Links,
            Page, PageMeta, PageStream, Redirect, RetryPolicy, StreamExt, TryStreamExt, Url, UrlMap,
        };

        /// The entry point: one authenticated connection to Twilio, cheap to clone.
        ///
        /// Reach each API through its method, then navigate to a resource and
        /// call an operation; see the crate documentation for examples.
        #[derive(Clone, Debug)]
        pub struct Client {
            inner: twilio_runtime::Client,
        }

        impl Client {
            /// Wraps a runtime client configured with [`twilio_runtime::ClientBuilder`].
            pub fn new(inner: twilio_runtime::Client) -> Self {
                let product = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));
                Client { inner: inner.with_product(product) }
            }

            /// A builder for a client: credentials, base URL, edge and region,
            /// timeouts, retries, transport. It reads the environment only when
            /// asked with `from_env()`, which takes every setting not given on
            /// the builder from `TWILIO_ACCOUNT_SID` with `TWILIO_AUTH_TOKEN`
            /// (or `TWILIO_API_KEY` and `TWILIO_API_SECRET`), `TWILIO_EDGE`,
            /// `TWILIO_REGION` and `TWILIO_BASE_URL`.
            pub fn builder() -> twilio_runtime::ClientBuilder<Self> {
                twilio_runtime::ClientBuilder::new()
            }

            /// A client with credentials and settings from the environment:
            /// `Client::builder().from_env().build()`.
            pub fn from_env() -> Result<Self, twilio_runtime::Error> {
                Self::builder().from_env().build()
            }

            /// The runtime client underneath, for requests built by hand.
            pub fn runtime(&self) -> &twilio_runtime::Client {
                &self.inner
            }

            #( #accessors )*
        }

        impl From<twilio_runtime::Client> for Client {
            fn from(inner: twilio_runtime::Client) -> Self {
                Client::new(inner)
            }
        }
    }
}

fn first_segment(domain: &Domain) -> String {
    domain
        .resources
        .values()
        .find_map(|r| r.path.as_deref())
        .and_then(|p| p.split('/').nth(1))
        .unwrap_or_default()
        .to_owned()
}

fn sids(api: &Api) -> TokenStream {
    let items = api.sids.values().map(|sid| {
        let name = ident(&sid.rust_name);
        let prefix = Literal::string(&sid.prefix);
        let article = docs::article(&sid.noun);
        let doc = doc_str(&format!(
            "The SID of {article} {}: `{}` followed by 32 hexadecimal digits.",
            sid.noun, sid.prefix
        ));
        quote! {
            #doc
            #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
            pub struct #name(String);

            twilio_runtime::impl_sid!(#name, #prefix);
        }
    });
    let header = inner_doc(&[
        "SID newtypes, one per two-letter prefix, shared by every API in this crate.".to_owned(),
        String::new(),
        "Building one from a string checks its prefix and its 32 hexadecimal digits, so a".to_owned(),
        "malformed SID is an error before any request is sent. SIDs in Twilio's responses".to_owned(),
        "are kept as sent, so one odd SID never fails a whole response.".to_owned(),
    ]);
    quote! {
        #header
        #( #items )*
    }
}

struct Emitter<'a> {
    api: &'a Api,
    domain: &'a Domain,
}

impl Emitter<'_> {
    /// The module's docs, imports and `SERVER`.
    fn header(&self) -> TokenStream {
        let d = self.domain;
        let header = inner_doc(&[
            format!("{}: `{}/{}`.", d.title, d.server, first_segment(d)),
            String::new(),
            format!(
                "Start at [`{}`], from [`Client::{}`](crate::Client::{}).",
                d.rust_name, d.module, d.module
            ),
        ]);
        let sids: BTreeSet<&str> = self.sids_used();
        let sid_import = (!sids.is_empty()).then(|| {
            let names = sids.iter().map(|s| ident(s));
            quote! { use super::sid::{ #( #names ),* }; }
        });
        let server = Literal::string(&d.server);
        let shows_urls = d.types.values().any(|t| match t {
            TypeDef::Struct(s) => s.fields.iter().any(|f| f.urls && !f.pii),
            TypeDef::Enum(_) => false,
        });
        let words = shows_urls.then(|| {
            let words = path_words(d);
            quote! {
                /// The words of this API's paths: what `Debug` shows of a URL
                /// besides its host and SIDs (other segments can be identities).
                const PATH_WORDS: &[&str] = &[#( #words ),*];
            }
        });
        quote! {
            #header

            #sid_import
            use twilio_runtime as rt;

            /// The base URL of every operation in this module.
            pub const SERVER: &str = #server;

            #words
        }
    }

    fn sids_used(&self) -> BTreeSet<&str> {
        fn walk<'t>(ty: &'t TypeRef, out: &mut BTreeSet<&'t str>) {
            match ty {
                TypeRef::Sid(p) => {
                    out.insert(p);
                }
                TypeRef::Array(inner) => walk(inner, out),
                _ => {}
            }
        }
        let mut prefixes = BTreeSet::new();
        for resource in self.domain.resources.values() {
            for param in &resource.path_params {
                walk(&param.ty, &mut prefixes);
            }
            for op in &resource.operations {
                for param in op.path_params.iter().chain(&op.params) {
                    walk(&param.ty, &mut prefixes);
                }
                match &op.response {
                    Response::Json(ty) | Response::Page { item: ty, .. } => walk(ty, &mut prefixes),
                    Response::Empty | Response::Redirect => {}
                }
            }
        }
        for def in self.domain.types.values() {
            if let TypeDef::Struct(s) = def {
                for field in &s.fields {
                    walk(&field.ty, &mut prefixes);
                }
            }
        }
        prefixes.into_iter().filter_map(|p| self.api.sids.get(p)).map(|s| s.rust_name.as_str()).collect()
    }

    fn ty(&self, ty: &TypeRef) -> TokenStream {
        match ty {
            TypeRef::String => quote! { String },
            TypeRef::Bool => quote! { bool },
            TypeRef::I32 => quote! { i32 },
            TypeRef::I64 => quote! { i64 },
            TypeRef::F64 => quote! { f64 },
            TypeRef::DateTime => quote! { rt::DateTime },
            TypeRef::Date => quote! { rt::Date },
            TypeRef::Url => quote! { rt::Url },
            TypeRef::UrlMap => quote! { rt::UrlMap },
            TypeRef::Json => quote! { rt::Json },
            TypeRef::Sid(prefix) => {
                let name = self.api.sids.get(prefix).map_or("String", |s| s.rust_name.as_str());
                let name = ident(name);
                quote! { #name }
            }
            TypeRef::Named(name) => {
                let name = ident(name);
                quote! { #name }
            }
            TypeRef::Array(inner) => {
                let inner = self.ty(inner);
                quote! { Vec<#inner> }
            }
        }
    }

    /// The argument type a setter takes, and the expression that stores it:
    /// text as `impl Into<String>`, a SID as anything `rt::SidArg` takes
    /// (checked when the request is sent), a list as one value or several
    /// (`rt::OneOrMany`).
    fn input(&self, ty: &TypeRef, value: &Ident) -> (TokenStream, TokenStream) {
        match ty {
            TypeRef::String => (quote! { impl Into<String> }, quote! { #value.into() }),
            TypeRef::Sid(_) => {
                let sid = self.ty(ty);
                (quote! { impl rt::SidArg<#sid> }, quote! { rt::SidArg::into_sid(#value) })
            }
            TypeRef::Array(inner) => {
                let element = self.element(inner);
                (quote! { impl rt::OneOrMany<#element> }, quote! { rt::OneOrMany::into_vec(#value) })
            }
            other => (self.ty(other), quote! { #value }),
        }
    }

    /// How one value of a list is stored: a SID checked, anything else as is.
    fn element(&self, ty: &TypeRef) -> TokenStream {
        match ty {
            TypeRef::Sid(_) => {
                let sid = self.ty(ty);
                quote! { rt::Checked<#sid> }
            }
            other => self.ty(other),
        }
    }

    /// How a parameter is stored in a node or builder: SIDs as
    /// `rt::Checked`, so that a bad one given as text is the call's error.
    fn storage(&self, param: &Param) -> TokenStream {
        let ty = match &param.ty {
            TypeRef::Array(inner) => {
                let element = self.element(inner);
                quote! { Vec<#element> }
            }
            other => self.element(other),
        };
        // Required ones too: a builder starts empty, and `send()` names a
        // required value that was not set (rule 17).
        match (&param.ty, param.location) {
            (TypeRef::Array(_), _) | (_, Location::Path) => ty,
            _ => quote! { Option<#ty> },
        }
    }

    fn entry(&self) -> TokenStream {
        let d = self.domain;
        let name = ident(&d.rust_name);
        let doc = doc_attrs(&[
            format!("{}, at `{}/{}`.", d.title, d.server, first_segment(d)),
            String::new(),
            "Its methods lead to the resources of this API.".to_owned(),
        ]);
        let children: Vec<&Resource> = d.resources.values().filter(|r| r.parent.is_none()).collect();
        let accessors = children.iter().map(|child| self.accessor(child, &[]));
        quote! {
            #doc
            #[derive(Clone, Debug)]
            pub struct #name {
                client: rt::Client,
            }

            impl #name {
                pub(crate) fn new(client: rt::Client) -> Self {
                    #name { client }
                }

                #( #accessors )*
            }
        }
    }

    /// The method on a parent that returns `child`, carrying the parent's
    /// path parameters and taking the child's identifiers.
    fn accessor(&self, child: &Resource, inherited: &[Param]) -> TokenStream {
        let method = ident(&child.accessor);
        let ty = ident(&child.rust_name);
        // The spec documents path parameters; here they are the arguments.
        let mut lines = child.doc.clone();
        for p in child.identifiers.iter().filter(|p| !p.doc.is_empty()) {
            lines.push(String::new());
            lines.push(format!("`{}`: {}", unraw(&p.rust_name), p.doc.join(" ")));
        }
        let doc = doc_attrs(&lines);
        let args = child.identifiers.iter().map(|p| {
            let name = ident(&p.rust_name);
            let (input, _) = self.input(&p.ty, &name);
            quote! { #name: #input }
        });
        let fields = inherited.iter().map(|p| {
            let name = ident(&p.rust_name);
            copy_field(&name, &p.ty)
        });
        let new_fields =
            child.identifiers.iter().zip(&child.path_params[inherited.len()..]).map(|(p, stored)| {
                let arg = ident(&p.rust_name);
                let name = ident(&stored.rust_name);
                let (_, store) = self.input(&p.ty, &arg);
                field_init(&name, store)
            });
        quote! {
            #doc
            pub fn #method(&self, #( #args ),*) -> #ty {
                #ty {
                    client: self.client.clone(),
                    #( #fields, )*
                    #( #new_fields, )*
                }
            }
        }
    }

    fn resource(&self, r: &Resource) -> TokenStream {
        let name = ident(&r.rust_name);
        let doc = doc_attrs(&r.doc);
        let fields = r.path_params.iter().map(|p| {
            let field = ident(&p.rust_name);
            let ty = self.storage(p);
            quote! { #field: #ty }
        });
        let accessors = r.children.iter().filter_map(|c| self.domain.resources.get(c)).map(|child| {
            let inherited_len = if child.identifiers.is_empty() {
                child.path_params.len()
            } else {
                child.path_params.len() - child.identifiers.len()
            };
            self.accessor(child, &child.path_params[..inherited_len])
        });
        let personal_path = r.path_params.iter().any(personal);
        let derive_debug = (!personal_path).then(|| quote! { , Debug });
        let debug_fields: Vec<(String, Shown)> =
            r.path_params.iter().map(|p| (p.rust_name.clone(), Shown::redacted(personal(p)))).collect();
        let debug = self.debug_impl(&r.rust_name, &debug_fields, personal_path);
        let methods = r.operations.iter().map(|op| self.operation_method(r, op));
        let builders = r.operations.iter().map(|op| self.builder(r, op));
        quote! {
            #doc
            #[derive(Clone #derive_debug)]
            pub struct #name {
                client: rt::Client,
                #( #fields, )*
            }

            #debug

            impl #name {
                #( #accessors )*
                #( #methods )*
            }

            #( #builders )*
        }
    }

    fn operation_method(&self, r: &Resource, op: &Operation) -> TokenStream {
        let method = ident(&op.method_name);
        let builder = ident(&op.builder_name);
        let mut lines = op.doc.clone();
        let required: Vec<String> = op
            .params
            .iter()
            .filter(|p| p.required)
            .map(|p| format!("[`{}`]({}::{})", unraw(&p.rust_name), op.builder_name, p.rust_name))
            .collect();
        if !required.is_empty() {
            lines.extend([
                String::new(),
                format!(
                    "Required, set on the builder: {}; `send()` fails without them.",
                    required.join(", ")
                ),
            ]);
        }
        let doc = doc_attrs(&lines);
        let deprecated = op.deprecated.then(|| quote! { #[deprecated] });
        let path_fields = r.path_params.iter().map(|p| {
            let name = ident(&p.rust_name);
            copy_field(&name, &p.ty)
        });
        let param_fields = op.params.iter().map(|p| {
            let name = ident(&p.rust_name);
            match &p.ty {
                TypeRef::Array(_) => quote! { #name: Vec::new() },
                _ => quote! { #name: None },
            }
        });
        let limit = matches!(op.response, Response::Page { .. }).then(|| quote! { limit: None, });
        let limit = quote! { #limit call: rt::CallOptions::default(), };
        quote! {
            #doc
            #deprecated
            pub fn #method(&self) -> #builder {
                #builder {
                    client: self.client.clone(),
                    #( #path_fields, )*
                    #( #param_fields, )*
                    #limit
                }
            }
        }
    }

    fn builder(&self, r: &Resource, op: &Operation) -> TokenStream {
        let name = ident(&op.builder_name);
        let owner = format!("{}::{}", r.rust_name, op.method_name.trim_start_matches("r#"));
        let request = format!("{} {}", format!("{:?}", op.http_method).to_uppercase(), op.path);
        let doc = doc_attrs(&[format!("Request builder for [`{owner}`]: {}.", docs::code(&request))]);
        let is_page = matches!(op.response, Response::Page { .. });
        let path_fields = op.path_params.iter().map(|p| {
            let field = ident(&p.rust_name);
            let ty = self.storage(p);
            quote! { #field: #ty }
        });
        let param_fields = op.params.iter().map(|p| {
            let field = ident(&p.rust_name);
            let ty = self.storage(p);
            quote! { #field: #ty }
        });
        let limit_field = is_page.then(|| quote! { limit: Option<usize>, });
        let overrides = quote! {
            /// Overrides the client's timeout for this call (per attempt).
            pub fn with_timeout(mut self, timeout: std::time::Duration) -> Self {
                self.call.timeout = Some(timeout);
                self
            }

            /// Overrides the client's retry policy for this call.
            pub fn with_retry(mut self, retry: rt::RetryPolicy) -> Self {
                self.call.retry = Some(retry);
                self
            }
        };
        let setters = op.params.iter().map(|p| self.setter(p));
        let limit_setter = is_page.then(|| {
            let asks = page_size_param(op).map(|p| {
                let setter = unraw(&p.rust_name).to_owned();
                doc_attrs(&[
                    String::new(),
                    format!(
                        "Without [`{setter}`](Self::{setter}), pages of at most this many items are asked for \
                         (within the range `{setter}` takes), as Twilio's SDKs do."
                    ),
                ])
            });
            quote! {
                /// Stops [`stream`](Self::stream) and [`pages`](Self::pages) after
                /// this many items; `send` and `resume` fetch one page whatever it is.
                #asks
                pub fn limit(mut self, limit: usize) -> Self {
                    self.limit = Some(limit);
                    self
                }
            }
        });
        let request = self.to_request(op);
        let send = self.send(op);
        let mut debug_fields: Vec<(String, Shown)> = op
            .path_params
            .iter()
            .chain(&op.params)
            .map(|p| (p.rust_name.clone(), Shown::redacted(personal(p))))
            .collect();
        if is_page {
            debug_fields.push(("limit".to_owned(), Shown::Plain));
        }
        debug_fields.push(("call".to_owned(), Shown::Plain));
        let needs_redaction = op.path_params.iter().chain(&op.params).any(personal);
        let debug = self.debug_impl(&op.builder_name, &debug_fields, needs_redaction);
        let derive_debug = (!needs_redaction).then(|| quote! { , Debug });
        quote! {
            #doc
            #[derive(Clone #derive_debug)]
            #[must_use = "a request does nothing until it is sent"]
            pub struct #name {
                client: rt::Client,
                #( #path_fields, )*
                #( #param_fields, )*
                #limit_field
                call: rt::CallOptions,
            }

            impl #name {
                #( #setters )*
                #limit_setter
                #overrides

                /// The HTTP request this builder describes, for inspection or for
                /// sending through another transport.
                pub fn to_request(&self) -> rt::Request {
                    #request
                }

                #send
            }

            #debug
        }
    }

    /// A `Debug` impl that prints `[redacted]` for personal data, or nothing
    /// when no field needs it (the type derives `Debug` then).
    fn debug_impl(&self, type_name: &str, fields: &[(String, Shown)], needed: bool) -> Option<TokenStream> {
        if !needed {
            return None;
        }
        let name = ident(type_name);
        let label = Literal::string(type_name);
        let entries = fields.iter().map(|(field, shown)| {
            let label = Literal::string(unraw(field));
            let field = ident(field);
            match shown {
                Shown::Redacted => quote! { .field(#label, &rt::Redacted) },
                Shown::Urls => quote! { .field(#label, &rt::redact::ShownUrls(&self.#field, PATH_WORDS)) },
                Shown::Plain => quote! { .field(#label, &self.#field) },
            }
        });
        Some(quote! {
            impl std::fmt::Debug for #name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.debug_struct(#label) #( #entries )* .finish_non_exhaustive()
                }
            }
        })
    }

    fn setter(&self, p: &Param) -> TokenStream {
        let name = ident(&p.rust_name);
        let (input, store) = self.input(&p.ty, &name);
        let mut lines =
            if p.doc.is_empty() { vec![format!("Sets {}.", docs::code(&p.name))] } else { p.doc.clone() };
        if p.required {
            lines.extend([
                String::new(),
                "Required: `send()` fails without it, and sends nothing.".to_owned(),
            ]);
        }
        let body = match (&p.ty, p.minimum, p.maximum) {
            (TypeRef::Array(_), _, _) => {
                lines.extend([
                    String::new(),
                    "Takes one value or several (an array, a `Vec`, a slice); they add to those given before."
                        .to_owned(),
                ]);
                quote! { rt::OneOrMany::extend_into(#name, &mut self.#name); }
            }
            (TypeRef::I32 | TypeRef::I64, min, max) if min.is_some() || max.is_some() => {
                let lo = min.map(Literal::i64_unsuffixed);
                let hi = max.map(Literal::i64_unsuffixed);
                let clamp = match (&lo, &hi) {
                    (Some(lo), Some(hi)) => quote! { #name.clamp(#lo, #hi) },
                    (Some(lo), None) => quote! { #name.max(#lo) },
                    (None, Some(hi)) => quote! { #name.min(#hi) },
                    (None, None) => quote! { #name },
                };
                let range = match (min, max) {
                    (Some(lo), Some(hi)) => format!("{lo}..={hi}"),
                    (Some(lo), None) => format!("{lo}.."),
                    (None, Some(hi)) => format!("..={hi}"),
                    (None, None) => String::new(),
                };
                lines.extend([String::new(), format!("Values outside `{range}` are clamped into it.")]);
                quote! { self.#name = Some(#clamp); }
            }
            _ => quote! { self.#name = Some(#store); },
        };
        if matches!(p.ty, TypeRef::Sid(_)) {
            lines.extend([
                String::new(),
                "Takes the SID type or text; text that is not a SID is the call's error when it is sent."
                    .to_owned(),
            ]);
        }
        let doc = doc_attrs(&lines);
        quote! {
            #doc
            pub fn #name(mut self, #name: #input) -> Self {
                #body
                self
            }
        }
    }

    fn to_request(&self, op: &Operation) -> TokenStream {
        let method = format_ident!("{}", format!("{:?}", op.http_method));
        let path = op.path_parts.iter().map(|part| match part {
            PathPart::Literal(text) => quote! { request.push_path(#text); },
            PathPart::Param(name) => {
                let personal = op.path_params.iter().find(|p| &p.rust_name == name).is_some_and(personal);
                let name = ident(name);
                if personal {
                    quote! { request.push_path_param_pii(&self.#name); }
                } else {
                    quote! { request.push_path_param(&self.#name); }
                }
            }
        });
        let page_size = page_size_param(op).map(|p| p.rust_name.clone());
        let params = op.params.iter().map(|p| {
            let key = Literal::string(&p.name);
            let field = ident(&p.rust_name);
            if page_size.as_ref() == Some(&p.rust_name) {
                // No page size given: no more than the limit (clamped into
                // the spec's range), as Twilio's SDKs ask.
                let lo = Literal::i64_unsuffixed(p.minimum.unwrap_or(1).max(1));
                let clamp = match p.maximum {
                    Some(hi) => {
                        let hi = Literal::i64_unsuffixed(hi);
                        quote! { .clamp(#lo, #hi) }
                    }
                    None => quote! { .max(#lo) },
                };
                let int = if p.ty == TypeRef::I32 {
                    quote! { i32 }
                } else {
                    quote! { i64 }
                };
                return quote! {
                    let #field = self.#field.or_else(|| {
                        self.limit.map(|limit| #int::try_from(limit).unwrap_or(#int::MAX) #clamp)
                    });
                    request.query(#key, &#field);
                };
            }
            let add = match (p.location, p.pii) {
                (Location::Query | Location::Path, false) => quote! { query },
                (Location::Query | Location::Path, true) => quote! { query_pii },
                (Location::Header, false) => quote! { header },
                (Location::Header, true) => quote! { header_pii },
                (Location::Form, false) => quote! { form },
                (Location::Form, true) => quote! { form_pii },
                (Location::Json, _) => quote! { json },
            };
            let require = p.required.then(|| {
                let setter = Literal::string(unraw(&p.rust_name));
                let given = match &p.ty {
                    TypeRef::Array(_) => quote! { !self.#field.is_empty() },
                    _ => quote! { self.#field.is_some() },
                };
                quote! { request.require(#given, #key, #setter); }
            });
            quote! { #require request.#add(#key, &self.#field); }
        });
        let id = Literal::string(&op.operation_id);
        let template = Literal::string(&op.path);
        let accept = op.accept.as_deref().map(|media| {
            let media = Literal::string(media);
            quote! { request.header("Accept", &#media); }
        });
        quote! {
            let mut request = rt::Request::new(rt::Method::#method, SERVER).operation(#id, #template);
            #accept
            #( #path )*
            #( #params )*
            request.set_call_options(self.call);
            request
        }
    }

    fn send(&self, op: &Operation) -> TokenStream {
        match &op.response {
            Response::Empty => quote! {
                /// Sends the request.
                pub async fn send(self) -> Result<(), rt::Error> {
                    self.client.send_empty(self.to_request()).await
                }
            },
            Response::Redirect => quote! {
                /// Sends the request and returns where the redirect it is
                /// answered with points (never following it).
                pub async fn send(self) -> Result<rt::Redirect, rt::Error> {
                    self.client.send_redirect(self.to_request()).await
                }
            },
            Response::Json(ty) => {
                let ty = self.ty(ty);
                quote! {
                    /// Sends the request and decodes the response.
                    pub async fn send(self) -> Result<#ty, rt::Error> {
                        self.client.send_json(self.to_request()).await
                    }
                }
            }
            Response::Page { items_key, item } => {
                let ty = self.ty(item);
                let key = Literal::string(items_key);
                quote! {
                    /// Sends the request and returns the first page.
                    pub async fn send(self) -> Result<rt::Page<#ty>, rt::Error> {
                        self.client.send_page(self.to_request(), #key).await
                    }

                    /// Fetches the page at a `next_page_url` from an earlier page, so that a
                    /// listing can resume later. Only URLs on this API's host are followed.
                    pub async fn resume(self, next_page_url: &str) -> Result<rt::Page<#ty>, rt::Error> {
                        self.client.page_at(&self.to_request(), next_page_url, #key).await
                    }

                    /// Every item across all pages, fetched page by page as the stream is
                    /// polled, up to [`limit`](Self::limit) items.
                    pub fn stream(self) -> rt::ItemStream<#ty> {
                        self.client.stream(self.to_request(), #key, self.limit)
                    }

                    /// Every page, fetched one by one as the stream is polled, with the
                    /// same checks as [`stream`](Self::stream) and up to
                    /// [`limit`](Self::limit) items in all (the last page is cut to it).
                    pub fn pages(self) -> rt::PageStream<#ty> {
                        self.client.page_stream(self.to_request(), #key, self.limit)
                    }

                    /// A page of this list as Twilio sends it, holding `items` and, if
                    /// given, the next page's URL: a response body for tests that script
                    /// a transport (`runtime::test_util::MockTransport::push_json`).
                    pub fn page_body(items: &[#ty], next_page_url: Option<&str>) -> rt::Json {
                        rt::page_body(#key, items, next_page_url)
                    }
                }
            }
        }
    }

    fn structure(&self, name: &str, s: &StructDef) -> TokenStream {
        let type_name = ident(name);
        let mut lines = s.doc.clone();
        if lines.is_empty() {
            lines.push(format!("The {} object.", docs::code(&s.name)));
        }
        let doc = doc_attrs(&lines);
        let fields = s.fields.iter().map(|f| {
            let field = ident(&f.rust_name);
            let mut ty = self.ty(&f.ty);
            if f.boxed {
                ty = quote! { Box<#ty> };
            }
            // In a request body an unset value is left out, and a nullable
            // one that may be left out can also be sent as `null`.
            if f.optional {
                ty = quote! { Option<#ty> };
            }
            if f.nullable {
                ty = quote! { Option<#ty> };
            }
            let skip = (s.input && f.optional && !f.required)
                .then(|| quote! { #[serde(skip_serializing_if = "Option::is_none")] });
            let doc = if f.doc.is_empty() {
                doc_str(&format!("The {} field.", docs::code(&f.name)))
            } else {
                doc_attrs(&f.doc)
            };
            let rename = (unraw(&f.rust_name) != f.name).then(|| {
                let wire = Literal::string(&f.name);
                quote! { #[serde(rename = #wire)] }
            });
            let number = matches!(f.ty, TypeRef::F64 | TypeRef::I64 | TypeRef::I32) && !f.boxed;
            let lenient = match (&f.ty, f.optional) {
                _ if f.nullable => {
                    Some(quote! { #[serde(default, deserialize_with = "rt::lenient::nullable")] })
                }
                // Twilio sends some numbers as text (prices): either is read.
                (_, true) if number => {
                    Some(quote! { #[serde(default, deserialize_with = "rt::lenient::optional_number")] })
                }
                (_, false) if number => Some(quote! { #[serde(deserialize_with = "rt::lenient::number")] }),
                (TypeRef::Array(_), true) if f.nullable_items && !f.boxed => {
                    Some(quote! { #[serde(default, deserialize_with = "rt::lenient::optional_items")] })
                }
                (TypeRef::Array(_), false) if f.nullable_items && !f.boxed => {
                    Some(quote! { #[serde(deserialize_with = "rt::lenient::items")] })
                }
                (TypeRef::Sid(_), true) => {
                    Some(quote! { #[serde(default, deserialize_with = "rt::lenient::optional_sid")] })
                }
                (TypeRef::Sid(_), false) => Some(quote! { #[serde(deserialize_with = "rt::lenient::sid")] }),
                // Twilio's one date form without chrono's general parser.
                (TypeRef::DateTime, true) if !f.boxed => {
                    Some(quote! { #[serde(default, deserialize_with = "rt::dates::optional")] })
                }
                (TypeRef::DateTime, false) if !f.boxed => {
                    Some(quote! { #[serde(deserialize_with = "rt::dates::required")] })
                }
                (_, true) => Some(quote! { #[serde(default)] }),
                _ => None,
            };
            quote! {
                #doc
                #rename
                #lenient
                #skip
                pub #field: #ty
            }
        });
        let has_pii = s.fields.iter().any(|f| f.pii || f.urls);
        // Users build input structs themselves; Twilio may add fields to the others.
        let non_exhaustive = (!s.input).then(|| quote! { #[non_exhaustive] });
        let derive_debug = (!has_pii).then(|| quote! { Debug, });
        // Tests build responses with `Default` and field assignments, which
        // `#[non_exhaustive]` still allows.
        let derive_default = s.fields.iter().all(|f| f.optional).then(|| quote! { Default, });
        let debug_fields: Vec<(String, Shown)> = s
            .fields
            .iter()
            .map(|f| {
                let shown = if f.pii {
                    Shown::Redacted
                } else if f.urls {
                    Shown::Urls
                } else {
                    Shown::Plain
                };
                (f.rust_name.clone(), shown)
            })
            .collect();
        let debug = self.debug_impl(name, &debug_fields, has_pii);
        quote! {
            #doc
            #[derive(Clone, #derive_debug #derive_default PartialEq, rt::serde::Serialize, rt::serde::Deserialize)]
            #[serde(crate = "rt::serde")]
            #non_exhaustive
            pub struct #type_name {
                #( #fields, )*
            }

            #debug
        }
    }

    /// `pub type Old = New;`: a name a place kept when the spec made it
    /// share another type's schema (naming rule 16).
    fn alias(&self, name: &str, alias: &Alias) -> TokenStream {
        let (ty, target) = (ident(name), ident(&alias.target));
        let doc = doc_attrs(&[
            format!("The same type as [`{}`].", alias.target),
            String::new(),
            format!(
                "The spec once gave this name's places a type of their own; it now uses one schema, {}, for them and for [`{}`]'s. The name stays, so code that uses it still compiles.",
                docs::code(&alias.schema),
                alias.target
            ),
        ]);
        quote! {
            #doc
            pub type #ty = #target;
        }
    }

    fn enumeration(&self, name: &str, e: &EnumDef) -> TokenStream {
        let type_name = ident(name);
        let mut lines = e.doc.clone();
        if lines.is_empty() {
            lines.push(format!("The values of `{name}`."));
        }
        lines.extend([
            String::new(),
            "Values that this crate does not know yet arrive as `Unknown`, keeping the text.".to_owned(),
        ]);
        if !e.from.is_empty() {
            let names: Vec<String> = e.from.iter().map(|p| format!("[`{p}`](crate::{p})")).collect();
            lines.extend([
                String::new(),
                format!("Converts from {} (`From`, and in list setters), value by value.", names.join(", ")),
            ]);
        }
        let doc = doc_attrs(&lines);
        let variants = e.variants.iter().map(|v| {
            let variant = ident(&v.rust_name);
            let doc = doc_str(&format!("{}, as Twilio spells it.", docs::code(&v.value)));
            quote! { #doc #variant }
        });
        let conversions = e.from.iter().map(|path| {
            let (module, source) = path.split_once("::").unwrap_or_default();
            let (module, source) = (ident(module), ident(source));
            if module == self.domain.module.as_str() {
                quote! { rt::enum_from!(#type_name, #source); }
            } else {
                quote! { rt::enum_from!(#type_name, super::#module::#source); }
            }
        });
        let pairs = e.variants.iter().map(|v| {
            let variant = ident(&v.rust_name);
            let value = Literal::string(&v.value);
            quote! { #variant = #value }
        });
        quote! {
            #doc
            #[derive(Clone, Debug, PartialEq, Eq, Hash)]
            #[non_exhaustive]
            pub enum #type_name {
                #( #variants, )*
                /// A value that this version of the crate does not know.
                Unknown(rt::UnknownValue),
            }

            rt::string_enum!(#type_name, #( #pairs ),*);
            #( #conversions )*
        }
    }
}

/// A list operation's `PageSize` query parameter, which `limit` also sets.
fn page_size_param(op: &Operation) -> Option<&Param> {
    matches!(op.response, Response::Page { .. })
        .then(|| {
            op.params.iter().find(|p| {
                p.name == "PageSize"
                    && p.location == Location::Query
                    && !p.required
                    && matches!(p.ty, TypeRef::I64 | TypeRef::I32)
            })
        })
        .flatten()
}

/// How `Debug` shows a field.
#[derive(Clone, Copy)]
enum Shown {
    /// As it is.
    Plain,
    /// As `[redacted]`: personal data.
    Redacted,
    /// Its URLs with only SIDs and path words ([`PATH_WORDS`](rt::redact)).
    Urls,
}

impl Shown {
    fn redacted(personal: bool) -> Shown {
        if personal { Shown::Redacted } else { Shown::Plain }
    }
}

/// The literal words of a domain's path templates (`v2`, `Services`), which
/// a URL in `Debug` may show.
fn path_words(domain: &Domain) -> Vec<String> {
    let words: BTreeSet<String> = domain
        .resources
        .values()
        .flat_map(|r| r.operations.iter().map(|op| op.path.clone()).chain(r.path.clone()))
        .flat_map(|path| path.split('/').map(str::to_owned).collect::<Vec<_>>())
        .filter(|w| !w.is_empty() && !w.contains(['{', '}']))
        .collect();
    words.into_iter().collect()
}

/// `name: value`, or the shorthand `name` when the value is that name.
fn field_init(name: &Ident, value: TokenStream) -> TokenStream {
    if *name == value.to_string() {
        quote! { #name }
    } else {
        quote! { #name: #value }
    }
}

/// Whether a parameter may be personal data: the spec marks it so, or it is a
/// path segment that is free text (a user's SID *or* identity), not a SID.
fn personal(p: &Param) -> bool {
    p.pii || (p.location == Location::Path && p.ty == TypeRef::String)
}

/// `name: self.name.clone()`, without the clone for `Copy` types.
fn copy_field(name: &Ident, ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::Bool | TypeRef::I32 | TypeRef::I64 | TypeRef::F64 => quote! { #name: self.#name },
        _ => quote! { #name: self.#name.clone() },
    }
}

#[cfg(test)]
mod tests {
    /// The generated module of `things_v1` for a spec with these `paths`
    /// and `schemas` (YAML under `components.schemas`).
    pub(crate) fn module(paths: &str, schemas: &str) -> String {
        let text = spec(paths, schemas);
        let output = crate::generate(&[crate::Input { name: "t.yaml".to_owned(), text }])
            .unwrap_or_else(|e| panic!("{e}"));
        output.files.get("things_v1.rs").cloned().unwrap_or_default()
    }

    /// A spec of `paths` and `schemas` on `things.twilio.com`.
    fn spec(paths: &str, schemas: &str) -> String {
        format!(
            "openapi: 3.0.1\ninfo: {{title: t, version: '1'}}\nservers: [{{url: 'https://things.twilio.com'}}]\n\
             components:\n  schemas:\n{schemas}paths:\n{paths}"
        )
    }

    /// The text from `start` to the next blank line.
    fn item<'t>(text: &'t str, start: &str) -> &'t str {
        let at = text.find(start).unwrap_or_else(|| panic!("{start} in\n{text}"));
        let rest = &text[at..];
        &rest[..rest.find("\n}\n").map_or(rest.len(), |end| end + 2)]
    }

    #[test]
    fn json_bodies_leave_unset_values_out_and_can_send_null() {
        let schemas = "    things.v1.patch:\n      type: object\n      required: [name, note]\n      properties:\n\
                       \x20       name: {type: string}\n        note: {type: string, nullable: true}\n\
                       \x20       color: {type: string}\n        shade: {type: string, nullable: true}\n";
        let paths = "  /v1/Things:\n    post:\n      operationId: UpdateThing\n      requestBody:\n        content:\n\
                     \x20         application/json:\n            schema: {$ref: '#/components/schemas/things.v1.patch'}\n\
                     \x20     responses: {'204': {description: OK}}\n";
        let text = module(paths, schemas);
        let body = item(&text, "pub struct Patch");
        for (field, ty, skipped) in [
            ("name", "String", false),
            ("note", "Option<String>", false),
            ("color", "Option<String>", true),
            ("shade", "Option<Option<String>>", true),
        ] {
            let at = body
                .find(&format!("pub {field}: {ty},"))
                .unwrap_or_else(|| panic!("{field}: {ty} in\n{body}"));
            let attrs = &body[body[..at].rfind("///").unwrap_or(0)..at];
            assert_eq!(attrs.contains("skip_serializing_if"), skipped, "{field}:\n{attrs}");
        }
        assert!(body.contains(r#"deserialize_with = "rt::lenient::nullable""#), "{body}");
    }

    #[test]
    fn required_values_are_setters_checked_at_send() {
        let paths = "  /v1/Things:\n    post:\n      operationId: CreateThing\n      requestBody:\n        content:\n\
                     \x20         application/x-www-form-urlencoded:\n            schema:\n              type: object\n\
                     \x20             required: [StartDay, EndDay]\n              properties:\n\
                     \x20               StartDay: {type: string}\n                EndDay: {type: string}\n\
                     \x20               Note: {type: string}\n      responses: {'204': {description: OK}}\n";
        let text = module(paths, "");
        assert!(text.contains("pub fn create(&self) -> CreateThingRequest {"), "{text}");
        for (wire, setter) in [("StartDay", "start_day"), ("EndDay", "end_day")] {
            assert!(
                text.contains(&format!("pub fn {setter}(mut self, {setter}: impl Into<String>) -> Self")),
                "{text}"
            );
            assert!(
                text.contains(&format!(r#"request.require(self.{setter}.is_some(), "{wire}", "{setter}");"#)),
                "{text}"
            );
        }
        assert!(!text.contains(r#"request.require(self.note"#), "{text}");
    }

    #[test]
    fn dates_are_dates_and_docs_take_the_operations_verb() {
        let page = "{'200': {description: OK, content: {application/json: {schema: {$ref: '#/components/schemas/page'}}}}}";
        let schemas = "    page:\n      type: object\n      properties:\n        things: {type: array, items: {type: object, properties: {a: {type: string}}}}\n\
                       \x20       meta: {type: object, properties: {next_page_url: {type: string}}}\n";
        let paths = format!(
            "  /v1/Things:\n    get:\n      operationId: ListThing\n      parameters:\n\
             \x20     - {{name: Day, in: query, schema: {{type: string, format: date}}}}\n\
             \x20     - {{name: Since, in: query, schema: {{type: string, format: date-time}}}}\n\
             \x20     - {{name: Owner, in: query, schema: {{type: string, pattern: '^US[0-9a-fA-F]{{32}}$'}}}}\n\
             \x20     - {{name: Live, in: query, schema: {{type: boolean}}}}\n\
             \x20     responses: {page}\n\
             \x20 /v1/Things/{{Sid}}/Copies:\n    parameters:\n    - {{name: Sid, in: path, required: true, schema: {{type: string}}}}\n\
             \x20   x-twilio: {{pathType: instance}}\n    post:\n      operationId: CreateCopy\n\
             \x20     responses: {{'204': {{description: OK}}}}\n"
        );
        let text = module(&paths, schemas);
        assert!(text.contains("pub fn day(mut self, day: rt::Date) -> Self"), "{text}");
        assert!(text.contains("/// Creates a copy."), "{text}");
        let tables =
            crate::generate(&[crate::Input { name: "t.yaml".to_owned(), text: spec(&paths, schemas) }])
                .map(|o| o.files.get("apis.md").cloned().unwrap_or_default())
                .unwrap_or_else(|e| panic!("{e}"));
        for shown in ["`Date`", "`DateTime`", "`OwnerSid`", "`bool`"] {
            assert!(tables.contains(shown), "{shown} in\n{tables}");
        }
    }

    #[test]
    fn an_operation_answered_only_by_a_redirect_returns_where_it_points() {
        let paths = "  /v1/Days/{Day}:\n    get:\n      operationId: FetchDay\n      parameters:\n\
                     \x20     - {name: Day, in: path, required: true, schema: {type: string}}\n\
                     \x20     responses:\n        '307':\n          description: Redirect\n";
        let text = module(paths, "");
        assert!(text.contains("pub async fn send(self) -> Result<rt::Redirect, rt::Error>"), "{text}");
        assert!(text.contains("self.client.send_redirect(self.to_request()).await"), "{text}");
    }

    #[test]
    fn unions_are_any_json_and_say_so() {
        let schemas = "    a: {type: object, properties: {x: {type: string}}}\n    b: {type: object, properties: {y: {type: string}}}\n\
                       \x20   either:\n      type: object\n      oneOf: [{$ref: '#/components/schemas/a'}, {$ref: '#/components/schemas/b'}]\n";
        let paths = "  /v1/Things:\n    get:\n      operationId: FetchThing\n      responses:\n        '200':\n\
                     \x20         description: OK\n          content: {application/json: {schema: {$ref: '#/components/schemas/either'}}}\n";
        let output =
            crate::generate(&[crate::Input { name: "t.yaml".to_owned(), text: spec(paths, schemas) }])
                .unwrap_or_else(|e| panic!("{e}"));
        let warnings: Vec<(&str, &str)> =
            output.api.warnings.iter().map(|w| (w.pointer.as_str(), w.reason.as_str())).collect();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(warnings[0].0, "/components/schemas/either");
        assert!(warnings[0].1.starts_with("`oneOf` is not typed"), "{warnings:?}");
        let text = output.files.get("things_v1.rs").cloned().unwrap_or_default();
        assert!(text.contains("pub async fn send(self) -> Result<rt::Json, rt::Error>"), "{text}");
    }
}
