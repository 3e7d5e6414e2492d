//! The API change report: what changed for users of a generated crate
//! between two models, in terms of the Rust API they call, each line naming
//! the spec element behind it and classified under Rust's semver rules.
//!
//! Items are matched by their keys in the spec (operationId, parameter name
//! and location, field name, enum value, SID prefix); types by their Rust
//! names, which the name lock keeps. Renames come from comparing the two name
//! locks, so a renamed item is reported as a rename rather than as one item
//! removed and another added. The rules follow cargo-semver-checks for
//! what breaks a build and oasdiff for behaviour: a tighter clamp changes
//! what the same call sends, so it is breaking; a looser one is not.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::model::*;
use crate::naming::NameLock;

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// Whether code written against the old crate may stop compiling or
    /// behave differently.
    pub breaking: bool,
    /// The Rust item users see (`chat_v2::BindingType::Twilsock`).
    pub rust: String,
    /// What happened to it.
    pub what: String,
    /// The spec element behind it.
    pub spec: String,
}

/// The version a crate at `current` (`0.1.0`) should move to after
/// `changes`, or `None` when nothing changed. Under 0.x a breaking change
/// bumps the minor version and anything else the patch version.
pub fn next_version(current: &str, changes: &[Change]) -> Option<String> {
    if changes.is_empty() {
        return None;
    }
    let parts: Vec<u64> = current.split('.').map(|p| p.parse().unwrap_or(0)).collect();
    let (major, minor, patch) = (
        parts.first().copied().unwrap_or(0),
        parts.get(1).copied().unwrap_or(0),
        parts.get(2).copied().unwrap_or(0),
    );
    let breaking = changes.iter().any(|c| c.breaking);
    Some(match (major, breaking) {
        (0, true) => format!("0.{}.0", minor + 1),
        (0, false) => format!("0.{minor}.{}", patch + 1),
        (_, true) => format!("{}.0.0", major + 1),
        (_, false) => format!("{major}.{}.0", minor + 1),
    })
}

/// The report as Markdown: a heading line is the caller's; this is the
/// suggested bump, then breaking and non-breaking changes.
pub fn render(changes: &[Change], current_version: &str) -> String {
    let mut out = String::new();
    match next_version(current_version, changes) {
        None => out.push_str("No change to the generated API.\n"),
        Some(next) => {
            let kind = if changes.iter().any(|c| c.breaking) { "breaking" } else { "compatible" };
            let _ = writeln!(out, "Suggested version: {next} (from {current_version}; {kind} changes).");
        }
    }
    for (breaking, title) in [(true, "Breaking"), (false, "Non-breaking")] {
        let lines: Vec<&Change> = changes.iter().filter(|c| c.breaking == breaking).collect();
        if lines.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{title} ({}):\n", lines.len());
        for c in lines {
            let _ = writeln!(out, "- `{}`: {} ({})", c.rust, c.what, c.spec);
        }
    }
    out
}

/// Every change from `old` to `new`, each with the name lock it was
/// generated with, sorted: breaking first. Renames come from the locks: an
/// item whose key in the spec now has another Rust name.
pub fn diff(old: &Api, old_names: &NameLock, new: &Api, new_names: &NameLock) -> Vec<Change> {
    let mut report = Report::default();
    for (key, was) in old_names {
        if let Some(now) = new_names.get(key).filter(|now| *now != was) {
            let scope = key.split(' ').next().unwrap_or_default();
            report.push(
                true,
                &format!("{scope}::{was}"),
                &format!("renamed to `{now}`"),
                &format!("name lock `{key}`"),
            );
            report.renamed.insert(was.clone());
            report.renamed.insert(now.clone());
        }
    }
    report.sids(old, new);
    for module in keys(&old.domains, &new.domains) {
        match (old.domains.get(&module), new.domains.get(&module)) {
            (Some(a), Some(b)) => report.domain(a, b),
            (Some(a), None) => {
                report.push(true, &a.module, "module removed", &format!("server {}", a.server))
            }
            (None, Some(b)) => report.push(false, &b.module, "new module", &format!("server {}", b.server)),
            (None, None) => {}
        }
    }
    let mut changes = report.changes;
    changes.sort_by(|a, b| b.breaking.cmp(&a.breaking).then_with(|| a.cmp(b)));
    changes.dedup();
    changes
}

/// The union of two maps' keys, sorted.
fn keys<K: Ord + Clone, V, W>(a: &BTreeMap<K, V>, b: &BTreeMap<K, W>) -> Vec<K> {
    let mut all: Vec<K> = a.keys().chain(b.keys()).cloned().collect();
    all.sort();
    all.dedup();
    all
}

#[derive(Default)]
struct Report {
    changes: Vec<Change>,
    /// Names on either side of a rename: the rename's line covers them.
    renamed: BTreeSet<String>,
}

/// An operation with the Rust call that reaches it.
struct Op<'a> {
    /// The chain from the client (`client.chat_v2().service(..).bindings().list()`).
    call: String,
    /// The method (`chat_v2::BindingList::list`).
    method: String,
    /// The request builder (`chat_v2::ListBindingRequest`).
    builder: String,
    op: &'a Operation,
}

impl Report {
    fn push(&mut self, breaking: bool, rust: &str, what: &str, spec: &str) {
        self.changes.push(Change {
            breaking,
            rust: rust.to_owned(),
            what: what.to_owned(),
            spec: spec.to_owned(),
        });
    }

    fn sids(&mut self, old: &Api, new: &Api) {
        for prefix in keys(&old.sids, &new.sids) {
            let spec = format!("SID pattern ^{prefix}[0-9a-fA-F]{{32}}$");
            match (old.sids.get(&prefix), new.sids.get(&prefix)) {
                (Some(a), None) if !self.renamed.contains(&a.rust_name) => {
                    self.push(true, &format!("sid::{}", a.rust_name), "removed", &spec)
                }
                (None, Some(b)) if !self.renamed.contains(&b.rust_name) => {
                    self.push(false, &format!("sid::{}", b.rust_name), "new SID type", &spec)
                }
                _ => {}
            }
        }
    }

    fn domain(&mut self, a: &Domain, b: &Domain) {
        let module = &a.module;
        if a.server != b.server {
            self.push(
                true,
                &format!("{module}::SERVER"),
                &format!("requests now go to {} instead of {}", b.server, a.server),
                "servers[0].url",
            );
        }
        let (ops_a, ops_b) = (operations(a), operations(b));
        for id in keys(&ops_a, &ops_b) {
            match (ops_a.get(&id), ops_b.get(&id)) {
                (Some(x), Some(y)) => self.operation(x, y),
                (Some(x), None) => self.push(true, &x.call, "operation removed", &op_spec(x.op)),
                (None, Some(y)) => self.push(false, &y.call, "new operation", &op_spec(y.op)),
                (None, None) => {}
            }
        }
        self.types(module, a, b);
    }

    fn operation(&mut self, x: &Op<'_>, y: &Op<'_>) {
        let spec = op_spec(y.op);
        if x.op.response != y.op.response && !self.renamed_type_only(&x.op.response, &y.op.response) {
            self.push(true, &y.call, "returns a different type", &format!("{spec}, response"));
        }
        fn params<'o>(o: &Op<'o>) -> BTreeMap<String, &'o Param> {
            o.op.path_params
                .iter()
                .chain(&o.op.params)
                .map(|p| (format!("{} {}", crate::naming::place(p.location), p.name), p))
                .collect()
        }
        let (pa, pb) = (params(x), params(y));
        for name in keys(&pa, &pb) {
            let spec = format!("{spec}, {name}");
            match (pa.get(&name), pb.get(&name)) {
                (Some(p), Some(q)) => self.param(y, p, q, &spec),
                (Some(p), None) => self.push(true, &param_rust(x, p), "parameter removed", &spec),
                (None, Some(q)) if q.required => {
                    self.push(true, &param_rust(y, q), "new required parameter", &spec)
                }
                (None, Some(q)) => self.push(false, &param_rust(y, q), "new optional parameter", &spec),
                (None, None) => {}
            }
        }
    }

    /// Whether two responses differ only by a renamed type, which the
    /// rename's own line reports.
    fn renamed_type_only(&self, a: &Response, b: &Response) -> bool {
        let named = |r: &Response| match r {
            Response::Json(TypeRef::Named(n)) | Response::Page { item: TypeRef::Named(n), .. } => {
                Some(n.clone())
            }
            _ => None,
        };
        matches!((named(a), named(b)), (Some(x), Some(y)) if self.renamed.contains(&x) && self.renamed.contains(&y))
    }

    fn param(&mut self, y: &Op<'_>, p: &Param, q: &Param, spec: &str) {
        let rust = param_rust(y, q);
        if p.required != q.required {
            let what = if q.required { "now required" } else { "now optional" };
            self.push(true, &rust, what, spec);
        }
        if p.ty != q.ty && !self.renamed_only(&p.ty, &q.ty) {
            self.push(true, &rust, &format!("type {} is now {}", ty(&p.ty), ty(&q.ty)), spec);
        }
        let tighter_min = q.minimum.is_some() && (p.minimum.is_none() || q.minimum > p.minimum);
        let tighter_max = q.maximum.is_some() && (p.maximum.is_none() || q.maximum < p.maximum);
        for (bound, a, b, tighter) in
            [("minimum", p.minimum, q.minimum, tighter_min), ("maximum", p.maximum, q.maximum, tighter_max)]
        {
            if a == b {
                continue;
            }
            let show = |v: Option<i64>| v.map_or("none".to_owned(), |v| v.to_string());
            let effect = match (q.minimum, q.maximum) {
                (Some(lo), Some(hi)) => format!("values are now clamped to {lo}..={hi}"),
                (Some(lo), None) => format!("values are now clamped to {lo}.."),
                (None, Some(hi)) => format!("values are now clamped to ..={hi}"),
                (None, None) => "values are no longer clamped".to_owned(),
            };
            let kind =
                if tighter { "tighter clamp: the same call may now send less" } else { "looser clamp" };
            let spec = format!("{spec}: {bound} {} → {}", show(a), show(b));
            self.push(tighter, &rust, &format!("{effect} ({kind})"), &spec);
        }
        if p.pii != q.pii {
            let what =
                if q.pii { "now personal data, redacted in Debug" } else { "no longer marked personal data" };
            self.push(false, &rust, what, &format!("{spec}: x-twilio.pii"));
        }
    }

    /// Whether two types differ only by a renamed type inside them.
    fn renamed_only(&self, a: &TypeRef, b: &TypeRef) -> bool {
        match (a, b) {
            (TypeRef::Named(x), TypeRef::Named(y)) => self.renamed.contains(x) && self.renamed.contains(y),
            (TypeRef::Array(x), TypeRef::Array(y)) => self.renamed_only(x, y),
            _ => false,
        }
    }

    fn types(&mut self, module: &str, a: &Domain, b: &Domain) {
        for name in keys(&a.types, &b.types) {
            match (a.types.get(&name), b.types.get(&name)) {
                (Some(da), Some(db)) => {
                    let rust = format!("{module}::{name}");
                    let spec = format!("schema {}", spec_name(db));
                    match (da, db) {
                        (TypeDef::Struct(x), TypeDef::Struct(y)) => self.structure(&rust, x, y, &spec),
                        (TypeDef::Enum(x), TypeDef::Enum(y)) => self.enumeration(&rust, x, y, &spec),
                        _ => self.push(true, &rust, "changed between struct and enum", &spec),
                    }
                }
                (Some(da), None) if !self.renamed.contains(&name) => self.push(
                    true,
                    &format!("{module}::{name}"),
                    "type removed",
                    &format!("schema {}", spec_name(da)),
                ),
                (None, Some(db)) if !self.renamed.contains(&name) => self.push(
                    false,
                    &format!("{module}::{name}"),
                    "new type",
                    &format!("schema {}", spec_name(db)),
                ),
                _ => {}
            }
        }
    }

    fn structure(&mut self, rust: &str, x: &StructDef, y: &StructDef, spec: &str) {
        let fields = |s: &StructDef| -> BTreeMap<String, Field> {
            s.fields.iter().map(|f| (f.name.clone(), f.clone())).collect()
        };
        let (fa, fb) = (fields(x), fields(y));
        for name in keys(&fa, &fb) {
            let spec = format!("{spec}, property {name}");
            let rust_field = |f: &Field| format!("{rust}::{}", f.rust_name.trim_start_matches("r#"));
            match (fa.get(&name), fb.get(&name)) {
                (Some(f), Some(g)) => {
                    let field = rust_field(g);
                    if f.ty != g.ty && !self.renamed_only(&f.ty, &g.ty) {
                        self.push(true, &field, &format!("type {} is now {}", ty(&f.ty), ty(&g.ty)), &spec);
                    }
                    if f.optional != g.optional {
                        let what = if g.optional {
                            "now an Option (nullable or not required)"
                        } else {
                            "no longer an Option"
                        };
                        self.push(true, &field, what, &spec);
                    }
                    if f.pii != g.pii {
                        let what = if g.pii {
                            "now personal data, redacted in Debug"
                        } else {
                            "no longer marked personal data"
                        };
                        self.push(false, &field, what, &format!("{spec}: x-twilio.pii"));
                    }
                }
                (Some(f), None) => self.push(true, &rust_field(f), "field removed", &spec),
                // Users build input structs with literals, which a new field breaks.
                (None, Some(g)) => self.push(y.input, &rust_field(g), "new field", &spec),
                (None, None) => {}
            }
        }
    }

    fn enumeration(&mut self, rust: &str, x: &EnumDef, y: &EnumDef, spec: &str) {
        let values = |e: &EnumDef| -> BTreeMap<String, String> {
            e.variants.iter().map(|v| (v.value.clone(), v.rust_name.clone())).collect()
        };
        let (va, vb) = (values(x), values(y));
        for value in keys(&va, &vb) {
            let spec = format!("{spec}, value {value:?}");
            match (va.get(&value), vb.get(&value)) {
                // Such values still arrive, as `Unknown`; code naming the variant breaks.
                (Some(a), None) => self.push(true, &format!("{rust}::{a}"), "value removed", &spec),
                (None, Some(b)) => {
                    self.push(false, &format!("{rust}::{b}"), "new value (the enum is non-exhaustive)", &spec)
                }
                _ => {}
            }
        }
    }
}

/// Operations of a domain by operationId, with their Rust call chains.
fn operations(domain: &Domain) -> BTreeMap<String, Op<'_>> {
    let mut out = BTreeMap::new();
    for resource in domain.resources.values() {
        for op in &resource.operations {
            let name = op.method_name.trim_start_matches("r#");
            out.insert(
                op.operation_id.clone(),
                Op {
                    call: crate::summary::call(domain, resource, op),
                    method: format!("{}::{}::{name}", domain.module, resource.rust_name),
                    builder: format!("{}::{}", domain.module, op.builder_name),
                    op,
                },
            );
        }
    }
    out
}

/// What the spec calls a type.
fn spec_name(def: &TypeDef) -> &str {
    match def {
        TypeDef::Struct(s) => &s.name,
        TypeDef::Enum(e) => &e.name,
    }
}

fn op_spec(op: &Operation) -> String {
    format!("{} {} `{}`", format!("{:?}", op.http_method).to_uppercase(), op.path, op.operation_id)
}

/// Where users meet a parameter: an argument of a navigation or operation
/// method if required, a builder method if not.
fn param_rust(op: &Op<'_>, p: &Param) -> String {
    let name = p.rust_name.trim_start_matches("r#");
    if p.location == Location::Path || p.required {
        format!("{}({name})", op.method)
    } else {
        format!("{}::{name}", op.builder)
    }
}

fn ty(t: &TypeRef) -> String {
    match t {
        TypeRef::String => "String".to_owned(),
        TypeRef::Bool => "bool".to_owned(),
        TypeRef::I32 => "i32".to_owned(),
        TypeRef::I64 => "i64".to_owned(),
        TypeRef::F64 => "f64".to_owned(),
        TypeRef::DateTime => "DateTime".to_owned(),
        TypeRef::Url => "Url".to_owned(),
        TypeRef::UrlMap => "UrlMap".to_owned(),
        TypeRef::Json => "Json".to_owned(),
        TypeRef::Sid(prefix) => format!("{prefix} SID"),
        TypeRef::Named(name) => name.clone(),
        TypeRef::Array(inner) => format!("Vec<{}>", ty(inner)),
    }
}
