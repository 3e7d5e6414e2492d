//! A program that calls every operation of a generated crate through its
//! typed API, for `cargo xtask contract`, which runs it against Prism
//! serving the same spec with request validation on.
//!
//! Each operation is called twice: once with every optional value set and
//! once with only the required ones (once, when it has no optional value);
//! a list's first page is followed to its second. Values come from the
//! spec's schema of each parameter, so they satisfy its pattern, enum,
//! format, bounds and lengths; lists get two values. A value goes in as
//! users give it: text for strings and SIDs, a parsed value for dates, URLs
//! and enums, and a body struct deserialized from a sample of its schema.
//! The program prints one line per call:
//! `RESULT<TAB>METHOD PATH<TAB>call<TAB>outcome<TAB>detail`, where the
//! outcome is `ok`, `rejected` (Prism refused the request), `decode` (the
//! answer did not fit the type), `unsent` (the probe built an invalid
//! request) or `error`.

use std::fmt::Write as _;

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde_json::{Value, json};

use crate::emit::ident;
use crate::model::*;

/// How deep a sample of nested schemas goes.
const MAX_SAMPLE_DEPTH: usize = 12;

/// The specs a crate was generated from, as JSON, to read each
/// parameter's schema from.
pub struct Specs {
    docs: Vec<Value>,
}

impl Specs {
    /// Parses the spec texts (YAML or JSON).
    pub fn new(texts: &[String]) -> Result<Specs, String> {
        let docs = texts
            .iter()
            .map(|text| serde_yaml::from_str::<Value>(text).map_err(|e| e.to_string()))
            .collect::<Result<_, _>>()?;
        Ok(Specs { docs })
    }

    /// Whether the first spec's default security is an OAuth 2.0 or bearer
    /// token rather than an account's Basic credentials.
    fn bearer(&self) -> bool {
        let Some(doc) = self.docs.first() else { return false };
        let schemes = doc.pointer("/components/securitySchemes");
        doc.get("security")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
            .flat_map(|m| m.keys())
            .any(|name| {
                let scheme = schemes.and_then(|s| s.get(name));
                let kind = scheme.and_then(|s| s.get("type")).and_then(Value::as_str);
                let http = scheme.and_then(|s| s.get("scheme")).and_then(Value::as_str);
                kind == Some("oauth2") || http == Some("bearer")
            })
    }

    /// The document and operation of `method path`.
    fn operation(&self, method: HttpMethod, path: &str) -> Option<(&Value, &Value, &Value)> {
        let method = format!("{method:?}").to_ascii_lowercase();
        self.docs.iter().find_map(|doc| {
            let item = doc.get("paths")?.get(path)?;
            Some((doc, item, item.get(&method)?))
        })
    }
}

/// `value` with its `$ref`s followed within `doc`.
fn resolve<'v>(doc: &'v Value, mut value: &'v Value) -> &'v Value {
    for _ in 0..32 {
        let Some(reference) = value.get("$ref").and_then(Value::as_str) else { return value };
        let Some(pointer) = reference.strip_prefix('#') else { return value };
        match doc.pointer(pointer) {
            Some(target) => value = target,
            None => return value,
        }
    }
    value
}

/// The schema of parameter `p` of an operation, named `name` in its spec: a
/// declared parameter's, a form field's, or the JSON body's.
fn parameter_schema<'v>(
    doc: &'v Value,
    item: &'v Value,
    op: &'v Value,
    p: &Param,
    name: &str,
) -> Option<&'v Value> {
    let declared = |list: Option<&'v Value>| {
        list.and_then(Value::as_array)?.iter().map(|x| resolve(doc, x)).find(|x| {
            x.get("name").and_then(Value::as_str) == Some(name)
                && x.get("in").and_then(Value::as_str) == Some(crate::naming::place(p.location))
        })
    };
    match p.location {
        Location::Path | Location::Query | Location::Header => {
            declared(op.get("parameters")).or_else(|| declared(item.get("parameters")))?.get("schema")
        }
        Location::Form | Location::Json => {
            let media = if p.location == Location::Form {
                "application/x-www-form-urlencoded"
            } else {
                "application/json"
            };
            let body = resolve(doc, op.get("requestBody")?);
            let schema = resolve(doc, body.get("content")?.get(media)?.get("schema")?);
            if p.location == Location::Json { Some(schema) } else { schema.get("properties")?.get(name) }
        }
    }
}

/// A value that satisfies `schema`: its first enum value, a string of its
/// pattern, format and lengths, a number within its bounds, two items of a
/// list, and an object's properties (every one with `all`, else only the
/// required ones).
pub fn sample(doc: &Value, schema: &Value, all: bool, depth: usize) -> Value {
    let schema = resolve(doc, schema);
    if depth > MAX_SAMPLE_DEPTH {
        return Value::Null;
    }
    if let Some(first) =
        schema.get("enum").and_then(Value::as_array).and_then(|e| e.iter().find(|v| !v.is_null()))
    {
        return first.clone();
    }
    for union in ["oneOf", "anyOf"] {
        if let Some(first) = schema.get(union).and_then(Value::as_array).and_then(|v| v.first()) {
            let mut value = sample(doc, first, all, depth + 1);
            // The discriminator's value for the first variant, when mapped.
            if let (Some(name), Some(mapping), Some(object)) = (
                schema.pointer("/discriminator/propertyName").and_then(Value::as_str),
                schema.pointer("/discriminator/mapping").and_then(Value::as_object),
                value.as_object_mut(),
            ) {
                let target = first.get("$ref").and_then(Value::as_str);
                if let Some((tag, _)) = mapping.iter().find(|(_, r)| r.as_str() == target) {
                    object.insert(name.to_owned(), json!(tag));
                }
            }
            return value;
        }
    }
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        let mut merged = serde_json::Map::new();
        for part in parts {
            if let Value::Object(fields) = sample(doc, part, all, depth + 1) {
                merged.extend(fields);
            }
        }
        return Value::Object(merged);
    }
    let kind = schema
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_else(|| if schema.get("properties").is_some() { "object" } else { "string" });
    let number = |key: &str| schema.get(key).and_then(Value::as_f64);
    match kind {
        "integer" | "number" => {
            // 1 (1.5), moved into the bounds.
            let low = number("minimum").unwrap_or(f64::MIN);
            let high = number("maximum").unwrap_or(f64::MAX).max(low);
            if kind == "integer" {
                json!(1.0f64.clamp(low, high) as i64)
            } else {
                json!(1.5f64.clamp(low, high))
            }
        }
        "boolean" => json!(true),
        "array" => {
            let item = schema.get("items").map_or(Value::Null, |items| sample(doc, items, all, depth + 1));
            let most = schema.get("maxItems").and_then(Value::as_u64).unwrap_or(2).clamp(1, 2);
            Value::Array(std::iter::repeat_n(item, most as usize).collect())
        }
        "object" => {
            let required: Vec<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let mut object = serde_json::Map::new();
            for (name, property) in schema.get("properties").and_then(Value::as_object).into_iter().flatten()
            {
                if all || required.contains(&name.as_str()) {
                    let value = sample(doc, property, all, depth + 1);
                    if !value.is_null() {
                        object.insert(name.clone(), value);
                    }
                }
            }
            Value::Object(object)
        }
        _ => json!(string(schema)),
    }
}

/// A string of a schema's pattern, else its format, within its lengths.
fn string(schema: &Value) -> String {
    let format = schema.get("format").and_then(Value::as_str).unwrap_or_default();
    let mut text = match schema.get("pattern").and_then(Value::as_str).and_then(from_pattern) {
        Some(text) => return text,
        None => match format {
            "date-time" => "2024-01-02T03:04:05Z".to_owned(),
            "date" => "2024-01-02".to_owned(),
            "uri" | "url" => "https://example.com/twilio".to_owned(),
            "email" => "user@example.com".to_owned(),
            "phone-number" => "+15005550006".to_owned(),
            "iso-country-code" => "US".to_owned(),
            "currency" => "USD".to_owned(),
            "http-method" => "POST".to_owned(),
            "uuid" => "00000000-0000-4000-8000-000000000000".to_owned(),
            _ => "example".to_owned(),
        },
    };
    let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let max = schema.get("maxLength").and_then(Value::as_u64).map_or(usize::MAX, |m| m as usize);
    while text.chars().count() < min {
        text.push('x');
    }
    text.chars().take(max.max(1)).collect()
}

/// The shortest text a regular expression matches, taking the first of
/// each choice and a readable character of each class.
pub fn from_pattern(pattern: &str) -> Option<String> {
    use regex_syntax::hir::{Class, HirKind};
    fn walk(hir: &regex_syntax::hir::Hir, out: &mut String) {
        match hir.kind() {
            HirKind::Empty | HirKind::Look(_) => {}
            HirKind::Literal(literal) => out.push_str(&String::from_utf8_lossy(&literal.0)),
            HirKind::Class(Class::Unicode(class)) => {
                let readable = class
                    .ranges()
                    .iter()
                    .find_map(|r| (r.start()..=r.end()).take(128).find(char::is_ascii_alphanumeric));
                out.extend(readable.or_else(|| class.ranges().first().map(|r| r.start())));
            }
            HirKind::Class(Class::Bytes(class)) => {
                let readable =
                    class.ranges().iter().find_map(|r| (r.start()..=r.end()).find(u8::is_ascii_alphanumeric));
                out.extend(readable.or_else(|| class.ranges().first().map(|r| r.start())).map(char::from));
            }
            HirKind::Repetition(repetition) => {
                for _ in 0..repetition.min.min(64) {
                    walk(&repetition.sub, out);
                }
            }
            HirKind::Capture(capture) => walk(&capture.sub, out),
            HirKind::Concat(parts) => parts.iter().for_each(|part| walk(part, out)),
            HirKind::Alternation(choices) => choices.iter().take(1).for_each(|choice| walk(choice, out)),
        }
    }
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    let mut out = String::new();
    walk(&hir, &mut out);
    Some(out)
}

/// The Rust expression that gives a parameter of type `ty` the value
/// `sample`, as users would write it.
fn expression(api: &Api, module: &str, ty: &TypeRef, sample: &Value) -> TokenStream {
    let text = |value: &Value| match value {
        Value::String(s) => s.clone(),
        Value::Null => "example".to_owned(),
        other => other.to_string(),
    };
    let module_ident = ident(module);
    match ty {
        TypeRef::String => {
            let text = Literal::string(&text(sample));
            quote! { #text }
        }
        TypeRef::Sid(prefix) => {
            let given = text(sample);
            let sid = if given.starts_with(prefix.as_str()) && given.len() == 34 {
                given
            } else {
                format!("{prefix}{}", "0".repeat(32))
            };
            let sid = Literal::string(&sid);
            quote! { #sid }
        }
        TypeRef::Bool => {
            let value = sample.as_bool().unwrap_or(true);
            quote! { #value }
        }
        TypeRef::I32 => {
            let value = Literal::i32_unsuffixed(
                sample.as_i64().unwrap_or(1).clamp(i32::MIN.into(), i32::MAX.into()) as i32,
            );
            quote! { #value }
        }
        TypeRef::I64 => {
            let value = Literal::i64_unsuffixed(sample.as_i64().unwrap_or(1));
            quote! { #value }
        }
        TypeRef::F64 => {
            let value = Literal::f64_unsuffixed(sample.as_f64().unwrap_or(1.5));
            quote! { #value }
        }
        TypeRef::DateTime | TypeRef::Date | TypeRef::Url => {
            let (ty, fallback) = match ty {
                TypeRef::DateTime => (quote! { rt::DateTime }, "2024-01-02T03:04:05Z"),
                TypeRef::Date => (quote! { rt::Date }, "2024-01-02"),
                _ => (quote! { rt::Url }, "https://example.com/twilio"),
            };
            let given = text(sample);
            let value = Literal::string(if given == "example" { fallback } else { &given });
            quote! { #value.parse::<#ty>().expect("the sample parses") }
        }
        TypeRef::UrlMap | TypeRef::Json => {
            let ty = if *ty == TypeRef::Json {
                quote! { rt::Json }
            } else {
                quote! { rt::UrlMap }
            };
            let value = if sample.is_null() { json!({}) } else { sample.clone() };
            let json = Literal::string(&value.to_string());
            quote! { serde_json::from_str::<#ty>(#json).expect("the sample is JSON") }
        }
        TypeRef::Named(name) => {
            let name_ident = ident(name);
            let is_enum = api
                .domains
                .get(module)
                .and_then(|d| d.types.get(name))
                .is_some_and(|t| matches!(t, TypeDef::Enum(_)));
            if is_enum {
                let value = Literal::string(&text(sample));
                quote! { #value.parse::<api::#module_ident::#name_ident>().expect("a known value") }
            } else {
                let json = Literal::string(&sample.to_string());
                quote! { serde_json::from_str::<api::#module_ident::#name_ident>(#json).expect("the sample fits the type") }
            }
        }
        TypeRef::Array(inner) => {
            let items: Vec<Value> = match sample {
                Value::Array(items) if !items.is_empty() => items.clone(),
                Value::Null => vec![Value::Null],
                other => vec![other.clone()],
            };
            let items = items.iter().map(|item| expression(api, module, inner, item));
            quote! { [ #( #items ),* ] }
        }
    }
}

/// The program that calls every operation of `api` (the crate `krate`),
/// formatted; `specs` are the specs it was generated from.
pub fn program(api: &Api, specs: &Specs, krate: &str) -> String {
    let krate = ident(&krate.replace('-', "_"));
    let mut calls = Vec::new();
    let mut functions = Vec::new();
    for domain in api.domains.values() {
        for resource in domain.resources.values() {
            for op in &resource.operations {
                let name = ident(&format!("call_{}", calls.len()));
                functions.push(operation(api, specs, domain, resource, op, &name));
                calls.push(quote! { #name(&client, &probe).await; });
            }
        }
    }
    // The spec's own scheme: an OAuth 2.0 token, or an account's (HTTP Basic).
    let credentials = if specs.bearer() {
        quote! { rt::Credentials::bearer("probe-access-token") }
    } else {
        quote! { rt::Credentials::auth_token("AC00000000000000000000000000000000", "token") }
    };
    let file = quote! {
        //! Calls every operation of the generated crate against a mock
        //! (`cargo xtask contract`); written by the generator, do not edit.
        #![allow(deprecated, unused_mut, clippy::all)]

        use #krate as api;
        use api::runtime as rt;

        /// What a call ended in, printed as one line.
        struct Probe {
            /// Whether lists are followed to their second page.
            pages: bool,
        }

        impl Probe {
            fn report<T>(&self, op: &str, call: &str, outcome: Result<T, rt::Error>) {
                let (kind, detail) = match outcome {
                    Ok(_) => ("ok", String::new()),
                    Err(error) => {
                        let kind = match &error {
                            rt::Error::Api(_) if error.status().is_some_and(|s| (400..500).contains(&s)) => "rejected",
                            rt::Error::Decode { .. } => "decode",
                            rt::Error::InvalidInput(_) | rt::Error::InvalidSid(_) => "unsent",
                            _ => "error",
                        };
                        // Prism's reasons for a refusal are in its body.
                        let reasons: Vec<String> = error
                            .api()
                            .and_then(|api| serde_json::from_str::<rt::Json>(&api.body).ok())
                            .and_then(|body| body.get("validation").and_then(|v| v.as_array()).cloned())
                            .unwrap_or_default()
                            .iter()
                            .map(|v| format!("{} {}", v["location"], v["message"].as_str().unwrap_or_default()))
                            .collect();
                        let detail = if reasons.is_empty() { error.to_string() } else { reasons.join("; ") };
                        (kind, detail)
                    }
                };
                println!("RESULT\t{op}\t{call}\t{kind}\t{}", detail.replace(['\t', '\n'], " "));
            }
        }

        /// Adds Prism's `Prefer` header to every request.
        #[derive(Debug)]
        struct Prefer(rt::ReqwestTransport, Option<String>);

        impl rt::HttpClient for Prefer {
            fn execute(&self, mut request: rt::HttpRequest) -> rt::BoxFuture<'_, Result<rt::HttpResponse, rt::TransportError>> {
                if let Some(prefer) = &self.1 {
                    request.headers.push(("prefer".to_owned(), prefer.clone()));
                }
                self.0.execute(request)
            }
        }

        #[tokio::main(flavor = "current_thread")]
        async fn main() {
            let mut args = std::env::args().skip(1);
            let base = args.next().expect("usage: probe BASE_URL [PREFER]");
            let prefer = args.next();
            let probe = Probe { pages: prefer.is_none() };
            let transport = rt::ReqwestTransport::new(std::time::Duration::from_secs(10)).expect("a transport");
            let client = api::Client::builder()
                .credentials(#credentials)
                .base_url(&base)
                .expect("a base URL")
                .retry(rt::RetryPolicy::none())
                .timeout(std::time::Duration::from_secs(10))
                .transport(std::sync::Arc::new(Prefer(transport, prefer)))
                .build()
                .expect("a client");
            #( #calls )*
        }

        #( #functions )*
    };
    let parsed = syn::parse2::<syn::File>(file).map(|f| prettyplease::unparse(&f));
    parsed.unwrap_or_else(|e| format!("compile_error!({:?});", e.to_string()))
}

/// The function that calls one operation: with every optional value, then
/// with the required ones only, then (a list) its second page.
fn operation(
    api: &Api,
    specs: &Specs,
    domain: &Domain,
    resource: &Resource,
    op: &Operation,
    name: &syn::Ident,
) -> TokenStream {
    let key = format!("{} {}", format!("{:?}", op.http_method).to_uppercase(), op.path);
    let module = &domain.module;
    let found = specs.operation(op.http_method, &op.path);
    let sample_named = |p: &Param, name: &str, all: bool| -> Value {
        found
            .and_then(|(doc, item, spec_op)| {
                parameter_schema(doc, item, spec_op, p, name).map(|s| sample(doc, s, all, 0))
            })
            .unwrap_or(Value::Null)
    };
    let sample_of = |p: &Param, all: bool| sample_named(p, &p.name, all);
    // A path's parameters go by place: a node may name one as another
    // operation on it does (`{Sid}` for this path's `{ServiceSid}`).
    let path_names: Vec<&str> =
        op.path.split('{').skip(1).filter_map(|rest| rest.split_once('}').map(|(name, _)| name)).collect();
    // The chain of accessors from the client, with path values.
    let mut nodes = Vec::new();
    let mut at = Some(resource);
    while let Some(node) = at {
        nodes.push(node);
        at = node.parent.as_deref().and_then(|k| domain.resources.get(k));
    }
    nodes.reverse();
    let module_ident = ident(module);
    let mut chain = quote! { client.#module_ident() };
    for node in nodes {
        let accessor = ident(&node.accessor);
        // The accessor's type, with a value from the operation's schema of
        // the parameter in the same place of the path (names may differ).
        let first = node.path_params.len() - node.identifiers.len();
        let args = node.identifiers.iter().enumerate().map(|(i, identifier)| {
            let name = path_names.get(first + i).copied().unwrap_or(identifier.name.as_str());
            expression(api, module, &identifier.ty, &sample_named(identifier, name, true))
        });
        chain = quote! { #chain.#accessor( #( #args ),* ) };
    }
    let method = ident(&op.method_name);
    let call = |all: bool| {
        let setters = op.params.iter().filter(|p| all || p.required).map(|p| {
            let setter = ident(&p.rust_name);
            let value = expression(api, module, &p.ty, &sample_of(p, all));
            quote! { .#setter(#value) }
        });
        quote! { #chain.#method() #( #setters )* .send().await }
    };
    let key = Literal::string(&key);
    let has_optional = op.params.iter().any(|p| !p.required);
    let first = call(true);
    let (all, required) = if has_optional { ("all", Some(call(false))) } else { ("required", None) };
    let first_call = match &op.response {
        Response::Page { .. } => quote! {
            match #first {
                Ok(page) => {
                    probe.report(#key, #all, Ok(()));
                    if probe.pages {
                        probe.report(#key, "next page", page.next_page().await);
                    }
                }
                Err(error) => probe.report::<()>(#key, #all, Err(error)),
            }
        },
        _ => quote! { probe.report(#key, #all, #first); },
    };
    let second = required.map(|call| quote! { probe.report(#key, "required", #call); });
    quote! {
        async fn #name(client: &api::Client, probe: &Probe) {
            #first_call
            #second
        }
    }
}

/// The `Cargo.toml` of the probe of the crate `krate` at `path` (relative).
pub fn manifest(krate: &str, path: &str) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "# Written by `cargo xtask contract`.\n[package]\nname = \"probe-{krate}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\n{krate} = {{ path = {path:?} }}\ntokio = {{ version = \"1\", features = [\"macros\", \"rt\"] }}\nserde_json = \"1\"\n"
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_give_the_text_they_match() {
        let cases = [
            ("^BS[0-9a-fA-F]{32}$", "BS00000000000000000000000000000000"),
            ("^aia_asst_.+$", "aia_asst_0"),
            ("^[A-Z0-9]{6}$", "000000"),
            ("^(STOP|START|HELP)\\.(ALL|AFRIKAANS)$", "STOP.ALL"),
            ("^BU[0-9a-fA-F]{32}(,BU[0-9a-fA-F]{32}){0,19}$", "BU00000000000000000000000000000000"),
            ("^[0-9abcdefghjkmnpqrstvwxyz]{26}$", "00000000000000000000000000"),
        ];
        for (pattern, text) in cases {
            assert_eq!(from_pattern(pattern).as_deref(), Some(text), "{pattern}");
            let matches = regex_syntax::Parser::new().parse(pattern).is_ok();
            assert!(matches, "{pattern}");
        }
    }

    #[test]
    fn samples_satisfy_their_schemas() {
        let doc = json!({"components": {"schemas": {"kind": {"type": "string", "enum": ["big", "small"]}}}});
        let cases = [
            (json!({"$ref": "#/components/schemas/kind"}), json!("big")),
            (json!({"type": "integer", "minimum": 5, "maximum": 9}), json!(5)),
            (json!({"type": "integer", "maximum": 0}), json!(0)),
            (
                json!({"type": "string", "minLength": 34, "maxLength": 34, "pattern": "^AC[0-9a-f]{32}$"}),
                json!(format!("AC{}", "0".repeat(32))),
            ),
            (json!({"type": "string", "format": "date"}), json!("2024-01-02")),
            (json!({"type": "string", "minLength": 10}), json!("examplexxx")),
            (json!({"type": "array", "items": {"type": "boolean"}}), json!([true, true])),
            (json!({"type": "array", "maxItems": 1, "items": {"type": "string"}}), json!(["example"])),
            (
                json!({"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}, "b": {"type": "number"}}}),
                json!({"a": "example", "b": 1.5}),
            ),
        ];
        for (schema, expected) in cases {
            assert_eq!(sample(&doc, &schema, true, 0), expected, "{schema}");
        }
        let object = json!({"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}, "b": {"type": "number"}}});
        assert_eq!(sample(&doc, &object, false, 0), json!({"a": "example"}));
    }
}
