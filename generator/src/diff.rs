//! The API change report: what changed for users of a generated crate
//! between two models, in terms of the Rust API they call, each line naming
//! the spec element behind it and classified under Rust's semver rules.
//!
//! Items are matched by what releases keep, as the name lock keys them: an
//! operation by its HTTP method and normalized path (so an operation whose
//! `operationId` changed is the same operation, and the report says its id
//! changed), a parameter by place and wire name, a field by name, an enum
//! value by value, a SID type by prefix; types by their Rust names, which
//! the lock keeps. Renames come from comparing the two name locks. The
//! rules follow cargo-semver-checks for what breaks a build and oasdiff for
//! behaviour: a tighter clamp changes what the same call sends, so it is
//! breaking; a looser one is not.
//!
//! Every change has a [`Kind`] with a mirror image, so the report from `b`
//! to `a` is the report from `a` to `b` mirrored (tests check it on every
//! pair of adjacent releases). Spec text in the report (paths, names,
//! values) is escaped for Markdown and terminals: the report goes into
//! `CHANGELOG.md` and to the screen.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::docs::{code_plain as code, plain};
use crate::lower::op_key_of;
use crate::model::*;
use crate::naming::NameLock;

/// What happened to an item, structurally; [`Kind::mirror`] is what the
/// report in the other direction says.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// The item is new.
    Added,
    /// The item is gone.
    Removed,
    /// The Rust name changed.
    Renamed(String, String),
    /// The operationId changed; the call did not.
    OperationId(String, String),
    /// Requests go to another server.
    Server(String, String),
    /// The type changed (old, new).
    Retyped(String, String),
    /// A parameter became required.
    Required,
    /// A parameter became optional.
    Optional,
    /// A field became an `Option`.
    Nullable,
    /// A field is no longer an `Option`.
    NotNullable,
    /// A bound changed: which, old, new (`None`: no bound).
    Bound(String, Option<i64>, Option<i64>),
    /// The item became personal data.
    Personal,
    /// The item is no longer personal data.
    NotPersonal,
    /// The spec no longer marks it personal; the lock keeps it so.
    Kept,
    /// The spec marks it personal again, as the lock kept it.
    MarkedAgain,
    /// A struct became an enum or the other way round (old, new).
    Shape(String, String),
}

impl Kind {
    /// What the report from the new model to the old one says instead.
    pub fn mirror(&self) -> Kind {
        match self {
            Kind::Added => Kind::Removed,
            Kind::Removed => Kind::Added,
            Kind::Renamed(a, b) => Kind::Renamed(b.clone(), a.clone()),
            Kind::OperationId(a, b) => Kind::OperationId(b.clone(), a.clone()),
            Kind::Server(a, b) => Kind::Server(b.clone(), a.clone()),
            Kind::Retyped(a, b) => Kind::Retyped(b.clone(), a.clone()),
            Kind::Required => Kind::Optional,
            Kind::Optional => Kind::Required,
            Kind::Nullable => Kind::NotNullable,
            Kind::NotNullable => Kind::Nullable,
            Kind::Bound(which, a, b) => Kind::Bound(which.clone(), *b, *a),
            Kind::Personal => Kind::NotPersonal,
            Kind::NotPersonal => Kind::Personal,
            Kind::Kept => Kind::MarkedAgain,
            Kind::MarkedAgain => Kind::Kept,
            Kind::Shape(a, b) => Kind::Shape(b.clone(), a.clone()),
        }
    }
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// Whether code written against the old crate may stop compiling or
    /// behave differently.
    pub breaking: bool,
    /// The Rust item users see (`chat_v2::BindingType::Twilsock`).
    pub rust: String,
    /// What happened to it, as Markdown whose spec text is escaped.
    pub what: String,
    /// The spec element behind it, as Markdown whose spec text is escaped.
    pub spec: String,
    /// What happened, structurally.
    pub kind: Kind,
    /// What releases keep of the item: the same in both directions
    /// (`chat_v2 GET /v2/Services/{}/Bindings query PageSize`).
    pub item: String,
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
/// suggested bump, then breaking and non-breaking changes, then the
/// personal data the name lock keeps redacted although the spec no longer
/// marks it.
pub fn render(changes: &[Change], current_version: &str) -> String {
    let mut out = String::new();
    match next_version(current_version, changes) {
        None => out.push_str("No change to the generated API.\n"),
        Some(next) => {
            let kind = if changes.iter().any(|c| c.breaking) { "breaking" } else { "compatible" };
            let _ =
                writeln!(out, "Suggested version: {next} (from {}; {kind} changes).", plain(current_version));
        }
    }
    // Which section a change goes in: breaking, non-breaking, kept personal.
    let section = |c: &Change| match (c.kind == Kind::Kept, c.breaking) {
        (true, _) => 2,
        (false, true) => 0,
        (false, false) => 1,
    };
    for (index, title) in
        ["Breaking", "Non-breaking", "Personal data kept by names.lock"].into_iter().enumerate()
    {
        let lines: Vec<&Change> = changes.iter().filter(|c| section(c) == index).collect();
        if lines.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{title} ({}):\n", lines.len());
        for c in lines {
            let _ = writeln!(out, "- {}: {} ({})", code(&c.rust), c.what, c.spec);
        }
    }
    out
}

/// Every change from `old` to `new`, each with the name lock it was
/// generated with, sorted: breaking first. Renames come from the locks: an
/// item whose key now has another Rust name.
pub fn diff(old: &Api, old_names: &NameLock, new: &Api, new_names: &NameLock) -> Vec<Change> {
    let mut report = Report::default();
    for (key, was) in old_names {
        // A personal-data mark's value says nothing of names.
        if key.split(' ').nth(1) == Some("pii") {
            continue;
        }
        if let Some(now) = new_names.get(key).filter(|now| *now != was) {
            let scope = key.split(' ').next().unwrap_or_default();
            report.push(Change {
                breaking: true,
                rust: format!("{scope}::{}", was.trim_start_matches("r#")),
                what: format!("renamed to {}", code(now.trim_start_matches("r#"))),
                spec: format!("name lock {}", code(key)),
                kind: Kind::Renamed(was.clone(), now.clone()),
                item: format!("lock {key}"),
            });
            report.renamed.insert(was.clone());
            report.renamed.insert(now.clone());
        }
    }
    report.sids(old, new);
    for module in keys(&old.domains, &new.domains) {
        match (old.domains.get(&module), new.domains.get(&module)) {
            (Some(a), Some(b)) => report.domain(a, b),
            (Some(a), None) => report.presence(true, &a.module, "module removed", &server(a), &module),
            (None, Some(b)) => report.presence(false, &b.module, "new module", &server(b), &module),
            (None, None) => {}
        }
    }
    let mut changes = report.changes;
    changes.sort_by(|a, b| b.breaking.cmp(&a.breaking).then_with(|| a.cmp(b)));
    changes.dedup();
    changes
}

fn server(d: &Domain) -> String {
    format!("server {}", code(&d.server))
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
    fn push(&mut self, change: Change) {
        self.changes.push(change);
    }

    /// An item that is only on one side: removed (breaking) or added.
    fn presence(&mut self, removed: bool, rust: &str, what: &str, spec: &str, item: &str) {
        self.push(Change {
            breaking: removed,
            rust: rust.to_owned(),
            what: what.to_owned(),
            spec: spec.to_owned(),
            kind: if removed { Kind::Removed } else { Kind::Added },
            item: item.to_owned(),
        });
    }

    fn sids(&mut self, old: &Api, new: &Api) {
        for prefix in keys(&old.sids, &new.sids) {
            let spec = format!("SID pattern {}", code(&format!("^{prefix}[0-9a-fA-F]{{32}}$")));
            let item = format!("sid {prefix}");
            match (old.sids.get(&prefix), new.sids.get(&prefix)) {
                (Some(a), None) if !self.renamed.contains(&a.rust_name) => {
                    self.presence(true, &format!("sid::{}", a.rust_name), "SID type removed", &spec, &item)
                }
                (None, Some(b)) if !self.renamed.contains(&b.rust_name) => {
                    self.presence(false, &format!("sid::{}", b.rust_name), "new SID type", &spec, &item)
                }
                _ => {}
            }
        }
    }

    fn domain(&mut self, a: &Domain, b: &Domain) {
        let module = &a.module;
        if a.server != b.server {
            self.push(Change {
                breaking: true,
                rust: format!("{module}::SERVER"),
                what: format!("requests now go to {} instead of {}", code(&b.server), code(&a.server)),
                spec: "servers[0].url".to_owned(),
                kind: Kind::Server(a.server.clone(), b.server.clone()),
                item: format!("{module} server"),
            });
        }
        let (ops_a, ops_b) = (operations(a), operations(b));
        for key in keys(&ops_a, &ops_b) {
            let item = format!("{module} {key}");
            match (ops_a.get(&key), ops_b.get(&key)) {
                (Some(x), Some(y)) => self.operation(x, y, &item),
                (Some(x), None) => self.presence(true, &x.call, "operation removed", &op_spec(x.op), &item),
                (None, Some(y)) => self.presence(false, &y.call, "new operation", &op_spec(y.op), &item),
                (None, None) => {}
            }
        }
        self.types(module, a, b);
    }

    fn operation(&mut self, x: &Op<'_>, y: &Op<'_>, item: &str) {
        let spec = op_spec(y.op);
        if x.op.operation_id != y.op.operation_id {
            // The same method and path: the same call, under another id
            // (in docs and tracing spans).
            self.push(Change {
                breaking: false,
                rust: y.call.clone(),
                what: format!(
                    "operationId {} is now {} (the call is unchanged)",
                    code(&x.op.operation_id),
                    code(&y.op.operation_id)
                ),
                spec: spec.clone(),
                kind: Kind::OperationId(x.op.operation_id.clone(), y.op.operation_id.clone()),
                item: format!("{item} operationId"),
            });
        }
        if x.op.response != y.op.response && !self.renamed_type_only(&x.op.response, &y.op.response) {
            self.push(Change {
                breaking: true,
                rust: y.call.clone(),
                what: format!(
                    "returns {} instead of {}",
                    code(&response(&y.op.response)),
                    code(&response(&x.op.response))
                ),
                spec: format!("{spec}, response"),
                kind: Kind::Retyped(response(&x.op.response), response(&y.op.response)),
                item: format!("{item} response"),
            });
        }
        fn params<'o>(o: &Op<'o>) -> BTreeMap<(String, String), &'o Param> {
            o.op.path_params
                .iter()
                .chain(&o.op.params)
                .map(|p| ((crate::naming::place(p.location).to_owned(), p.name.clone()), p))
                .collect()
        }
        let (pa, pb) = (params(x), params(y));
        for key in keys(&pa, &pb) {
            let (place, name) = &key;
            let spec = format!("{spec}, {place} {}", code(name));
            let item = format!("{item} {place} {name}");
            match (pa.get(&key), pb.get(&key)) {
                (Some(p), Some(q)) => self.param(y, p, q, &spec, &item),
                (Some(p), None) => self.presence(true, &param_rust(x, p), "parameter removed", &spec, &item),
                (None, Some(q)) if q.required => {
                    self.presence(false, &param_rust(y, q), "new required parameter", &spec, &item);
                    // A new argument breaks every call; mirrored, a removed one does.
                    if let Some(last) = self.changes.last_mut() {
                        last.breaking = true;
                    }
                }
                (None, Some(q)) => {
                    self.presence(false, &param_rust(y, q), "new optional parameter", &spec, &item)
                }
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

    fn param(&mut self, y: &Op<'_>, p: &Param, q: &Param, spec: &str, item: &str) {
        // The parameter as users meet it now.
        let rust = param_rust(y, q);
        if p.required != q.required {
            let (what, kind) =
                if q.required { ("now required", Kind::Required) } else { ("now optional", Kind::Optional) };
            self.push(Change {
                breaking: true,
                rust: rust.clone(),
                what: what.to_owned(),
                spec: spec.to_owned(),
                kind,
                item: format!("{item} required"),
            });
        }
        if p.ty != q.ty && !self.renamed_only(&p.ty, &q.ty) {
            self.retyped(&rust, &p.ty, &q.ty, spec, item);
        }
        for (bound, a, b) in [("minimum", p.minimum, q.minimum), ("maximum", p.maximum, q.maximum)] {
            if a == b {
                continue;
            }
            let show = |v: Option<i64>| v.map_or("none".to_owned(), |v| v.to_string());
            let tighter = match (bound, a, b) {
                (_, _, None) => false,
                (_, None, Some(_)) => true,
                ("minimum", Some(a), Some(b)) => b > a,
                (_, Some(a), Some(b)) => b < a,
            };
            let effect = match (q.minimum, q.maximum) {
                (Some(lo), Some(hi)) => format!("values are now clamped to {lo}..={hi}"),
                (Some(lo), None) => format!("values are now clamped to {lo}.."),
                (None, Some(hi)) => format!("values are now clamped to ..={hi}"),
                (None, None) => "values are no longer clamped".to_owned(),
            };
            let note =
                if tighter { "tighter clamp: the same call may now send less" } else { "looser clamp" };
            self.push(Change {
                breaking: tighter,
                rust: rust.clone(),
                what: format!("{effect} ({note})"),
                spec: format!("{spec}: {bound} {} → {}", show(a), show(b)),
                kind: Kind::Bound(bound.to_owned(), a, b),
                item: format!("{item} {bound}"),
            });
        }
        self.personal((p.pii, p.pii_kept), (q.pii, q.pii_kept), &rust, spec, item);
    }

    /// The changes in how an item is redacted.
    fn personal(
        &mut self,
        (was, was_kept): (bool, bool),
        (now, now_kept): (bool, bool),
        rust: &str,
        spec: &str,
        item: &str,
    ) {
        let (what, kind) = match (was, now) {
            (false, true) => ("now personal data, redacted in `Debug` and errors".to_owned(), Kind::Personal),
            (true, false) => ("no longer personal data: shown in `Debug`".to_owned(), Kind::NotPersonal),
            _ if !was_kept && now_kept => (
                "the spec no longer marks it personal; it stays redacted (set its `pii` entry in names.lock to `released` to stop)"
                    .to_owned(),
                Kind::Kept,
            ),
            _ if was_kept && !now_kept => ("marked personal by the spec again".to_owned(), Kind::MarkedAgain),
            _ => return,
        };
        self.push(Change {
            breaking: false,
            rust: rust.to_owned(),
            what,
            spec: format!("{spec}: x-twilio.pii"),
            kind,
            item: format!("{item} pii"),
        });
    }

    fn retyped(&mut self, rust: &str, a: &TypeRef, b: &TypeRef, spec: &str, item: &str) {
        self.push(Change {
            breaking: true,
            rust: rust.to_owned(),
            what: format!("type {} is now {}", code(&ty(a)), code(&ty(b))),
            spec: spec.to_owned(),
            kind: Kind::Retyped(ty(a), ty(b)),
            item: format!("{item} type"),
        });
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
            let rust = format!("{module}::{name}");
            let item = format!("{module} type {name}");
            match (a.types.get(&name), b.types.get(&name)) {
                (Some(da), Some(db)) => {
                    let spec = format!("schema {}", code(spec_name(db)));
                    match (da, db) {
                        (TypeDef::Struct(x), TypeDef::Struct(y)) => self.structure(&rust, x, y, &spec, &item),
                        (TypeDef::Enum(x), TypeDef::Enum(y)) => self.enumeration(&rust, x, y, &spec, &item),
                        _ => self.push(Change {
                            breaking: true,
                            rust,
                            what: "changed between struct and enum".to_owned(),
                            spec,
                            kind: Kind::Shape(shape(da).to_owned(), shape(db).to_owned()),
                            item,
                        }),
                    }
                }
                (Some(da), None) if !self.renamed.contains(&name) => self.presence(
                    true,
                    &rust,
                    "type removed",
                    &format!("schema {}", code(spec_name(da))),
                    &item,
                ),
                (None, Some(db)) if !self.renamed.contains(&name) => {
                    self.presence(false, &rust, "new type", &format!("schema {}", code(spec_name(db))), &item)
                }
                _ => {}
            }
        }
    }

    fn structure(&mut self, rust: &str, x: &StructDef, y: &StructDef, spec: &str, item: &str) {
        let fields = |s: &StructDef| -> BTreeMap<String, Field> {
            s.fields.iter().map(|f| (f.name.clone(), f.clone())).collect()
        };
        let (fa, fb) = (fields(x), fields(y));
        for name in keys(&fa, &fb) {
            let spec = format!("{spec}, property {}", code(&name));
            let item = format!("{item} field {name}");
            let rust_field = |f: &Field| format!("{rust}::{}", f.rust_name.trim_start_matches("r#"));
            match (fa.get(&name), fb.get(&name)) {
                (Some(f), Some(g)) => {
                    let field = rust_field(g);
                    if f.ty != g.ty && !self.renamed_only(&f.ty, &g.ty) {
                        self.retyped(&field, &f.ty, &g.ty, &spec, &item);
                    }
                    if f.optional != g.optional {
                        let (what, kind) = if g.optional {
                            ("now an Option (nullable or not required)", Kind::Nullable)
                        } else {
                            ("no longer an Option", Kind::NotNullable)
                        };
                        self.push(Change {
                            breaking: true,
                            rust: field.clone(),
                            what: what.to_owned(),
                            spec: spec.clone(),
                            kind,
                            item: format!("{item} optional"),
                        });
                    }
                    self.personal((f.pii, f.pii_kept), (g.pii, g.pii_kept), &field, &spec, &item);
                }
                (Some(f), None) => self.presence(true, &rust_field(f), "field removed", &spec, &item),
                (None, Some(g)) => {
                    self.presence(false, &rust_field(g), "new field", &spec, &item);
                    // Users build input structs with literals, which a new field breaks.
                    if let Some(last) = self.changes.last_mut() {
                        last.breaking = y.input;
                    }
                }
                (None, None) => {}
            }
        }
    }

    fn enumeration(&mut self, rust: &str, x: &EnumDef, y: &EnumDef, spec: &str, item: &str) {
        let values = |e: &EnumDef| -> BTreeMap<String, String> {
            e.variants.iter().map(|v| (v.value.clone(), v.rust_name.clone())).collect()
        };
        let (va, vb) = (values(x), values(y));
        for value in keys(&va, &vb) {
            let spec = format!("{spec}, value {}", code(&value));
            let item = format!("{item} value {value}");
            match (va.get(&value), vb.get(&value)) {
                // Such values still arrive, as `Unknown`; code naming the variant breaks.
                (Some(a), None) => {
                    self.presence(true, &format!("{rust}::{a}"), "value removed", &spec, &item)
                }
                (None, Some(b)) => self.presence(
                    false,
                    &format!("{rust}::{b}"),
                    "new value (the enum is non-exhaustive)",
                    &spec,
                    &item,
                ),
                _ => {}
            }
        }
    }
}

/// Operations of a domain by method and normalized path, with their Rust
/// call chains.
fn operations(domain: &Domain) -> BTreeMap<String, Op<'_>> {
    let mut out = BTreeMap::new();
    for resource in domain.resources.values() {
        for op in &resource.operations {
            let name = op.method_name.trim_start_matches("r#");
            out.insert(
                op_key_of(op),
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

fn shape(def: &TypeDef) -> &'static str {
    match def {
        TypeDef::Struct(_) => "struct",
        TypeDef::Enum(_) => "enum",
    }
}

/// An operation as the report names it: method and path template.
fn op_spec(op: &Operation) -> String {
    format!("{} {}", format!("{:?}", op.http_method).to_uppercase(), code(&op.path))
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

fn response(r: &Response) -> String {
    match r {
        Response::Empty => "()".to_owned(),
        Response::Json(t) => ty(t),
        Response::Page { item, .. } => format!("Page<{}>", ty(item)),
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

/// Every public Rust item of a generated crate, as the report names them:
/// modules, types and their fields, methods and variants, SID types,
/// builder setters, and the calls that reach each operation. What the
/// history walk compares across releases, and what each report line is
/// checked against.
pub fn public_items(api: &Api) -> BTreeSet<String> {
    let mut items = BTreeSet::new();
    for sid in api.sids.values() {
        items.insert(format!("sid::{}", sid.rust_name));
    }
    for domain in api.domains.values() {
        let m = &domain.module;
        items.insert(m.clone());
        items.insert(format!("{m}::SERVER"));
        items.insert(format!("{m}::{}", domain.rust_name));
        for resource in domain.resources.values() {
            items.insert(format!("{m}::{}", resource.rust_name));
            items.insert(format!(
                "{m}::{}::{}",
                resource.rust_name,
                resource.accessor.trim_start_matches("r#")
            ));
            for op in &resource.operations {
                let method =
                    format!("{m}::{}::{}", resource.rust_name, op.method_name.trim_start_matches("r#"));
                items.insert(crate::summary::call(domain, resource, op));
                items.insert(method.clone());
                items.insert(format!("{m}::{}", op.builder_name));
                if let Some(holder) = &op.required_struct {
                    items.insert(format!("{m}::{holder}"));
                }
                for p in op.path_params.iter().chain(&op.params) {
                    let name = p.rust_name.trim_start_matches("r#");
                    if p.location == Location::Path || p.required {
                        items.insert(format!("{method}({name})"));
                    } else {
                        items.insert(format!("{m}::{}::{name}", op.builder_name));
                    }
                }
            }
        }
        for (name, def) in &domain.types {
            items.insert(format!("{m}::{name}"));
            match def {
                TypeDef::Struct(s) => items.extend(
                    s.fields.iter().map(|f| format!("{m}::{name}::{}", f.rust_name.trim_start_matches("r#"))),
                ),
                TypeDef::Enum(e) => {
                    items.extend(e.variants.iter().map(|v| format!("{m}::{name}::{}", v.rust_name)))
                }
            }
        }
    }
    items
}

/// The report lines that say something the Rust API did not do: an item
/// added that was there before or is not there now, one removed that was
/// not there or still is, one changed that is missing on a side. Empty
/// for a true report.
pub fn untrue_lines(old: &Api, new: &Api, changes: &[Change]) -> Vec<String> {
    let (before, after) = (public_items(old), public_items(new));
    let leaf = |items: &BTreeSet<String>, name: &str| {
        items.iter().any(|i| i.rsplit("::").next() == Some(name) || i.ends_with(&format!("::{name}")))
    };
    changes
        .iter()
        .filter(|c| {
            let (was, is) = (before.contains(&c.rust), after.contains(&c.rust));
            match &c.kind {
                Kind::Added => was || !is,
                Kind::Removed => !was || is,
                Kind::Renamed(from, to) => {
                    !leaf(&before, from.trim_start_matches("r#"))
                        || !leaf(&after, to.trim_start_matches("r#"))
                }
                _ => !was && !is,
            }
        })
        .map(|c| format!("- {}: {} ({:?})", c.rust, c.what, c.kind))
        .collect()
}

/// The lines of `forward` and `backward` (the same two models, diffed
/// both ways) that do not mirror each other: each change from `a` to `b`
/// must be one from `b` to `a` with the same item and the mirrored kind.
pub fn unmirrored(forward: &[Change], backward: &[Change]) -> Vec<String> {
    let key = |c: &Change| (c.item.clone(), c.kind.clone());
    let there: BTreeSet<(String, Kind)> = backward.iter().map(key).collect();
    let back: BTreeSet<(String, Kind)> = forward.iter().map(|c| (c.item.clone(), c.kind.mirror())).collect();
    let mut out: Vec<String> = forward
        .iter()
        .filter(|c| !there.contains(&(c.item.clone(), c.kind.mirror())))
        .map(|c| format!("forward only: {} {:?}", c.item, c.kind))
        .collect();
    out.extend(
        backward
            .iter()
            .filter(|c| !back.contains(&key(c)))
            .map(|c| format!("backward only: {} {:?}", c.item, c.kind)),
    );
    out
}
