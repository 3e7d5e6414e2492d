//! Facts about a generated API that hand-written docs would otherwise
//! repeat: how each operation is called, hosts, page-size bounds and the
//! values of list filters. Generated from the model, so a guide that
//! includes them stays true when the spec changes.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::docs;
use crate::model::*;

/// Spec text as code in a table cell.
fn cell(text: &str) -> String {
    docs::code(text).replace('|', "\\|")
}

/// The call that reaches `op` on `resource` from a client:
/// `client.chat_v2().service(..).bindings().list()`.
pub fn call(domain: &Domain, resource: &Resource, op: &Operation) -> String {
    let mut chain = Vec::new();
    let mut at = Some(resource);
    while let Some(r) = at {
        let args = if r.identifiers.is_empty() { "()" } else { "(..)" };
        chain.push(format!("{}{args}", r.accessor.trim_start_matches("r#")));
        at = r.parent.as_deref().and_then(|k| domain.resources.get(k));
    }
    chain.push(format!("{}()", domain.module));
    chain.reverse();
    format!("client.{}.{}()", chain.join("."), op.method_name.trim_start_matches("r#"))
}

/// Markdown tables for a crate's guide: every operation with its call, and
/// per API its host, page-size range and list-filter values.
pub fn guide_tables(api: &Api) -> String {
    let mut out = String::from("| API | Operation | Call |\n|---|---|---|\n");
    for domain in api.domains.values() {
        for resource in domain.resources.values() {
            for op in &resource.operations {
                let request = format!("{} {}", format!("{:?}", op.http_method).to_uppercase(), op.path);
                let _ = writeln!(
                    out,
                    "| [`{m}`](crate::{m}) | {} | {} |",
                    cell(&request),
                    cell(&call(domain, resource, op)),
                    m = domain.module,
                );
            }
        }
    }

    let domains: Vec<&Domain> = api.domains.values().collect();
    let _ = write!(out, "\n| |");
    for d in &domains {
        let _ = write!(out, " [`{m}`](crate::{m}) |", m = d.module);
    }
    let _ = write!(out, "\n|---|");
    for _ in &domains {
        out.push_str("---|");
    }
    out.push('\n');
    let host = |d: &Domain| cell(d.server.split_once("://").map_or(d.server.as_str(), |(_, h)| h));
    row(&mut out, "Host", &domains, |d| Some(host(d)));
    // One row per list setter, by its Rust name; each cell what it takes
    // in that API: an enum's name and values, a range, or text.
    let setters: BTreeSet<&str> =
        domains.iter().flat_map(|d| list_params(d)).map(|p| p.rust_name.as_str()).collect();
    for rust in setters {
        let label = cell(&format!(".{}(..)", rust.trim_start_matches("r#")));
        row(&mut out, &label, &domains, |d| {
            let params: Vec<&Param> = list_params(d).filter(|p| p.rust_name == rust).collect();
            let mut shown: BTreeSet<String> = BTreeSet::new();
            for p in &params {
                if let Some((name, values)) = enum_values(d, &p.ty) {
                    let values = values.iter().map(|v| cell(v)).collect::<Vec<_>>().join(", ");
                    shown.insert(format!("{}: {values}", cell(name)));
                } else if p.minimum.is_some() || p.maximum.is_some() {
                    let bound = |b: Option<i64>| b.map(|b| b.to_string()).unwrap_or_default();
                    shown.insert(cell(&format!("{}..={}", bound(p.minimum), bound(p.maximum))));
                } else {
                    shown.insert(shown_type(api, &p.ty));
                }
            }
            (!shown.is_empty()).then(|| shown.into_iter().collect::<Vec<_>>().join("; "))
        });
    }
    out.lines().map(docs::sanitize).map(|l| l + "\n").collect()
}

fn row(out: &mut String, label: &str, domains: &[&Domain], cell: impl Fn(&Domain) -> Option<String>) {
    let _ = write!(out, "| {label} |");
    for d in domains {
        let _ = write!(out, " {} |", cell(d).unwrap_or_else(|| "—".to_owned()));
    }
    out.push('\n');
}

/// The optional query parameters of list operations.
fn list_params(domain: &Domain) -> impl Iterator<Item = &Param> {
    domain
        .resources
        .values()
        .flat_map(|r| &r.operations)
        .filter(|op| matches!(op.response, Response::Page { .. }))
        .flat_map(|op| &op.params)
        .filter(|p| p.location == Location::Query && !p.required)
}

/// What a filter takes, as its setter does: text, or the Rust type (a SID
/// type, `DateTime`, `bool`); a list takes one value or several.
fn shown_type(api: &Api, ty: &TypeRef) -> String {
    let rust = match ty {
        TypeRef::Array(inner) => return shown_type(api, inner),
        TypeRef::String => return "text".to_owned(),
        TypeRef::Bool => "bool",
        TypeRef::I32 => "i32",
        TypeRef::I64 => "i64",
        TypeRef::F64 => "f64",
        TypeRef::DateTime => "DateTime",
        TypeRef::Date => "Date",
        TypeRef::Url => "Url",
        TypeRef::UrlMap => "UrlMap",
        TypeRef::Json => "Json",
        TypeRef::Sid(prefix) => api.sids.get(prefix).map_or("text", |s| s.rust_name.as_str()),
        TypeRef::Named(name) => name,
    };
    cell(rust)
}

/// The name and values of an enum, or of the enum in an array.
fn enum_values<'d>(domain: &'d Domain, ty: &'d TypeRef) -> Option<(&'d str, Vec<&'d str>)> {
    match ty {
        TypeRef::Array(inner) => enum_values(domain, inner),
        TypeRef::Named(name) => match domain.types.get(name) {
            Some(TypeDef::Enum(e)) => Some((name, e.variants.iter().map(|v| v.value.as_str()).collect())),
            _ => None,
        },
        _ => None,
    }
}
