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

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::docs::{code_plain as code, plain};
use crate::lower::op_key_of;
use crate::model::*;
use crate::naming::{NameLock, unraw};

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
    /// A type became an alias of another (the alias, its target): the spec
    /// now uses one schema for both (naming rule 16).
    Merged(String, String),
    /// An alias became a type of its own again (the alias, its old target).
    Split(String, String),
    /// Users now give it elsewhere (where, as a public path: before, after):
    /// a required value moved from the method's arguments to a setter.
    Moved(String, String),
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
            Kind::Merged(a, b) => Kind::Split(a.clone(), b.clone()),
            Kind::Split(a, b) => Kind::Merged(a.clone(), b.clone()),
            Kind::Moved(a, b) => Kind::Moved(b.clone(), a.clone()),
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
    for domain in old.domains.values().chain(new.domains.values()) {
        for (alias, to) in &domain.aliases {
            report.same.insert((alias.clone(), to.target.clone()));
            report.same.insert((to.target.clone(), alias.clone()));
        }
    }
    report.renames(old, old_names, new, new_names);
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

/// The public path of the item that lock `key` names, were it called `name`
/// (`chat_v2::BindingContext::delete` for `chat_v2 op DELETE … method`), as
/// [`public_items`] spells it; `None` when `api` has no such item.
fn item_path(api: &Api, key: &str, name: &str) -> Option<String> {
    let name = unraw(name);
    if key.starts_with("sid ") {
        return Some(format!("sid::{name}"));
    }
    let (m, rest) = key.split_once(' ')?;
    let domain = api.domains.get(m)?;
    let op_at = |method: &str, path: &str| {
        let key = format!("{method} {path}");
        domain
            .resources
            .values()
            .flat_map(|r| r.operations.iter().map(move |op| (r, op)))
            .find(|(_, op)| op_key_of(op) == key)
    };
    let words: Vec<&str> = rest.split(' ').collect();
    Some(match words.as_slice() {
        ["node", path, "accessor"] => {
            format!("{m}::{}::{name}", parent_type(domain, domain.resources.get(*path)?))
        }
        ["path", path, ..] => {
            let node = domain.resources.get(*path)?;
            format!("{m}::{}::{}({name})", parent_type(domain, node), unraw(&node.accessor))
        }
        ["op", method, path, "method"] => format!("{m}::{}::{name}", op_at(method, path)?.0.rust_name),
        ["param", method, path, place, wire @ ..] => {
            let (resource, op) = op_at(method, path)?;
            let wire = wire.join(" ");
            let p = op
                .path_params
                .iter()
                .chain(&op.params)
                .find(|p| crate::naming::place(p.location) == *place && p.name == wire)?;
            param_path(&Op::new(domain, resource, op), p, name)
        }
        ["field" | "variant", owner, ..] => format!("{m}::{owner}::{name}"),
        // The API, a node's type, a builder, a type: module-level names.
        _ => format!("{m}::{name}"),
    })
}

/// The type whose method reaches `resource`: its parent's, or the API's.
fn parent_type<'d>(domain: &'d Domain, resource: &Resource) -> &'d str {
    resource.parent.as_ref().and_then(|p| domain.resources.get(p)).map_or(&domain.rust_name, |p| &p.rust_name)
}

/// `path` (an item called `from`) with the item called `to` instead.
fn renamed_path(path: &str, from: &str, to: &str) -> String {
    let (from, to) = (unraw(from), unraw(to));
    match path.strip_suffix(&format!("({from})")) {
        Some(call) => format!("{call}({to})"),
        None => format!("{}{to}", path.strip_suffix(from).unwrap_or(path)),
    }
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
    /// Type names that are one type on one side (an alias and its target):
    /// a place that uses one on one side and the other on the other side
    /// kept its type.
    same: BTreeSet<(String, String)>,
}

/// An operation with the Rust call that reaches it.
struct Op<'a> {
    /// The chain from the client (`client.chat_v2().service(..).bindings().list()`).
    call: String,
    /// The method (`chat_v2::BindingList::list`).
    method: String,
    /// The request builder (`chat_v2::ListBindingRequest`).
    builder: String,
    /// The struct of its required parameters, if it takes one (models of
    /// older generators).
    holder: Option<String>,
    /// Whether its required parameters are builder setters (rule 17).
    setters: bool,
    op: &'a Operation,
}

impl<'a> Op<'a> {
    fn new(domain: &Domain, resource: &Resource, op: &'a Operation) -> Self {
        let m = &domain.module;
        Op {
            call: crate::summary::call(domain, resource, op),
            method: format!("{m}::{}::{}", resource.rust_name, unraw(&op.method_name)),
            builder: format!("{m}::{}", op.builder_name),
            holder: op.required_struct.as_ref().map(|h| format!("{m}::{h}")),
            setters: op.required_setters,
            op,
        }
    }
}

impl Report {
    fn push(&mut self, change: Change) {
        self.changes.push(change);
    }

    /// Items whose lock key now has another name, each named by its public
    /// path. A type's keys are the places that use it (and its component):
    /// when a place now uses another type (the old one still there, or the
    /// new one there before), the place changed type, which its own line
    /// reports, and a type renamed is one line, however many places use it.
    fn renames(&mut self, old: &Api, old_names: &NameLock, new: &Api, new_names: &NameLock) {
        let (before, after) = (public_items(old), public_items(new));
        let mut types = BTreeSet::new();
        for (key, was) in old_names {
            // A personal-data mark's value says nothing of names.
            if key.split(' ').nth(1) == Some("pii") {
                continue;
            }
            let Some(now) = new_names.get(key).filter(|now| *now != was) else { continue };
            let (Some(from), Some(to)) = (item_path(old, key, was), item_path(new, key, now)) else {
                continue;
            };
            if !before.contains(&from) || !after.contains(&to) {
                continue;
            }
            let scope = key.split(' ').next().unwrap_or_default();
            if key.split(' ').nth(1) == Some("type") {
                let moved = after.contains(&from) || before.contains(&to);
                if moved || !types.insert((scope, was, now)) {
                    continue;
                }
            }
            self.push(Change {
                // Arguments are positional: only their docs name them.
                breaking: !from.ends_with(')'),
                rust: from.clone(),
                what: format!("renamed to {}", code(unraw(now))),
                spec: format!("name lock {}", code(key)),
                kind: Kind::Renamed(was.clone(), now.clone()),
                item: format!("lock {key}"),
            });
            // Names of types and SIDs, whose own lines the rename's covers.
            if from.matches("::").count() == 1 {
                self.renamed.insert(was.clone());
                self.renamed.insert(now.clone());
            }
        }
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
            // A SID type is its prefix: a renamed one is on both sides.
            match (old.sids.get(&prefix), new.sids.get(&prefix)) {
                (Some(a), None) => {
                    self.presence(true, &format!("sid::{}", a.rust_name), "SID type removed", &spec, &item)
                }
                (None, Some(b)) => {
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
                (Some(p), Some(q)) => self.param(x, y, p, q, &spec, &item),
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
        matches!((named(a), named(b)), (Some(x), Some(y)) if self.one_type(&x, &y))
    }

    /// Whether two type names are one type here: renamed, or an alias and
    /// its target.
    fn one_type(&self, x: &str, y: &str) -> bool {
        (self.renamed.contains(x) && self.renamed.contains(y))
            || self.same.contains(&(x.to_owned(), y.to_owned()))
    }

    fn param(&mut self, x: &Op<'_>, y: &Op<'_>, p: &Param, q: &Param, spec: &str, item: &str) {
        // The parameter as users meet it now.
        let rust = param_rust(y, q);
        // Required on both sides, given elsewhere now (an argument, a field
        // of the struct of required values, a setter checked at `send()`).
        let was = param_rust(x, p);
        if p.required
            && q.required
            && p.location != Location::Path
            && was != rust
            && p.rust_name == q.rust_name
        {
            let what = if y.setters {
                "now a setter of the request builder, checked at `send()`; no longer given to the method"
            } else {
                "now given to the method, no longer a setter of the request builder"
            };
            self.push(Change {
                breaking: true,
                rust: was.clone(),
                what: format!("{what} ({})", code(&rust)),
                spec: spec.to_owned(),
                kind: Kind::Moved(was, rust.clone()),
                item: format!("{item} given"),
            });
        }
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
            // A minimum that grows or a maximum that shrinks lets fewer values through.
            let tighter = match (a, b) {
                (_, None) => false,
                (None, Some(_)) => true,
                (Some(a), Some(b)) => {
                    b.cmp(&a) == if bound == "minimum" { Ordering::Greater } else { Ordering::Less }
                }
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
            (TypeRef::Named(x), TypeRef::Named(y)) => self.one_type(x, y),
            (TypeRef::Array(x), TypeRef::Array(y)) => self.renamed_only(x, y),
            _ => false,
        }
    }

    fn types(&mut self, module: &str, a: &Domain, b: &Domain) {
        let mut names = keys(&a.types, &b.types);
        names.extend(keys(&a.aliases, &b.aliases));
        names.sort();
        names.dedup();
        for name in names {
            let rust = format!("{module}::{name}");
            let item = format!("{module} type {name}");
            let (alias_a, alias_b) = (a.aliases.get(&name), b.aliases.get(&name));
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
                // One line for a merge, naming both types and the schema.
                (Some(_), None) if alias_b.is_some() => {
                    let alias = alias_b.map(|x| (x.target.clone(), x.schema.clone())).unwrap_or_default();
                    self.push(Change {
                        breaking: false,
                        rust,
                        what: format!(
                            "now the same type as {}, as an alias: code that names it still compiles",
                            code(&format!("{module}::{}", alias.0))
                        ),
                        spec: format!("the spec now uses schema {} for both", code(&alias.1)),
                        kind: Kind::Merged(name.clone(), alias.0),
                        item,
                    });
                }
                (None, Some(db)) if alias_a.is_some() => {
                    let alias = alias_a.map(|x| x.target.clone()).unwrap_or_default();
                    self.push(Change {
                        breaking: true,
                        rust,
                        what: format!(
                            "a type of its own again, no longer the same type as {}",
                            code(&format!("{module}::{alias}"))
                        ),
                        spec: format!("schema {}", code(spec_name(db))),
                        kind: Kind::Split(name.clone(), alias),
                        item,
                    });
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
                (None, None) => match (alias_a, alias_b) {
                    (Some(x), None) => self.presence(
                        true,
                        &rust,
                        "alias removed",
                        &format!("schema {}", code(&x.schema)),
                        &item,
                    ),
                    (None, Some(y)) => self.presence(
                        false,
                        &rust,
                        &format!("new alias of {}", code(&format!("{module}::{}", y.target))),
                        &format!("schema {}", code(&y.schema)),
                        &item,
                    ),
                    _ => {}
                },
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
                    // In a body users build: `null` became sendable, or not.
                    let (was, is) = (f.nullable, g.nullable);
                    if was != is && f.optional && g.optional {
                        let shown = |double: bool| {
                            let inner = format!("Option<{}>", ty(&g.ty));
                            if double { format!("Option<{inner}>") } else { inner }
                        };
                        self.push(Change {
                            breaking: true,
                            rust: field.clone(),
                            what: format!("type {} is now {}", code(&shown(was)), code(&shown(is))),
                            spec: spec.clone(),
                            kind: Kind::Retyped(shown(was), shown(is)),
                            item: format!("{item} null"),
                        });
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
    domain
        .resources
        .values()
        .flat_map(|resource| {
            resource.operations.iter().map(move |op| (op_key_of(op), Op::new(domain, resource, op)))
        })
        .collect()
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

/// Where users meet a parameter as it is named now.
fn param_rust(op: &Op<'_>, p: &Param) -> String {
    param_path(op, p, &p.rust_name)
}

/// Where users meet a parameter were it called `name`: an argument of the
/// operation's method if required (a path parameter's comes with the
/// navigation), a field of its struct of required values if it takes one,
/// else a builder method.
fn param_path(op: &Op<'_>, p: &Param, name: &str) -> String {
    let name = unraw(name);
    match (&op.holder, p.location, p.required) {
        (_, Location::Path, _) => format!("{}({name})", op.method),
        (Some(holder), _, true) => format!("{holder}::{name}"),
        (None, _, true) if !op.setters => format!("{}({name})", op.method),
        _ => format!("{}::{name}", op.builder),
    }
}

fn response(r: &Response) -> String {
    match r {
        Response::Empty => "()".to_owned(),
        Response::Redirect => "Redirect".to_owned(),
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
        TypeRef::Date => "Date".to_owned(),
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
            let accessor = format!("{m}::{}::{}", parent_type(domain, resource), unraw(&resource.accessor));
            for identifier in &resource.identifiers {
                items.insert(format!("{accessor}({})", unraw(&identifier.rust_name)));
            }
            items.insert(accessor);
            for op in &resource.operations {
                let op = Op::new(domain, resource, op);
                items.extend(op.op.path_params.iter().chain(&op.op.params).map(|p| param_rust(&op, p)));
                items.extend(op.holder.clone());
                items.extend([op.call, op.method, op.builder]);
            }
        }
        for (alias, to) in &domain.aliases {
            items.insert(format!("{m}::{alias}"));
            // Its members are the target's, reached by the alias's path too.
            let members: Vec<String> = match domain.types.get(&to.target) {
                Some(TypeDef::Struct(s)) => s.fields.iter().map(|f| unraw(&f.rust_name).to_owned()).collect(),
                Some(TypeDef::Enum(e)) => e.variants.iter().map(|v| v.rust_name.clone()).collect(),
                None => Vec::new(),
            };
            items.extend(members.iter().map(|member| format!("{m}::{alias}::{member}")));
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
/// not there or still is, one renamed that was not there or is not there
/// under its new name, one changed that is on neither side. Empty for a
/// true report.
pub fn untrue_lines(old: &Api, new: &Api, changes: &[Change]) -> Vec<String> {
    let (before, after) = (public_items(old), public_items(new));
    changes
        .iter()
        .filter(|c| {
            let (was, is) = (before.contains(&c.rust), after.contains(&c.rust));
            match &c.kind {
                Kind::Added => was || !is,
                Kind::Removed => !was || is,
                Kind::Renamed(from, to) => !was || !after.contains(&renamed_path(&c.rust, from, to)),
                Kind::Moved(from, to) => !before.contains(from) || !after.contains(to),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A small API with one of everything the report speaks of: a list, a
    /// create with a form body, an update with a JSON body, a fetch and a
    /// delete; query parameters with bounds and personal data; a struct with
    /// a SID, a personal field and an enum.
    const BASE: &str = r#"openapi: 3.0.1
info: {title: Things, version: '1'}
servers:
- url: https://things.twilio.com
components:
  schemas:
    things.v1.thing:
      type: object
      properties:
        sid: {type: string, pattern: '^TH[0-9a-fA-F]{32}$', nullable: true}
        identity:
          type: string
          nullable: true
          x-twilio: {pii: {handling: standard}}
        kind: {$ref: '#/components/schemas/thing_enum_kind'}
        kinds:
          type: array
          items: {$ref: '#/components/schemas/thing_enum_kind'}
        count: {type: integer, nullable: true}
    thing_enum_kind:
      type: string
      enum: [big, small]
    things.v1.patch:
      type: object
      properties:
        note: {type: string}
    things.v1.receipt:
      type: object
      properties:
        at: {type: string, format: date-time}
    color:
      type: string
      enum: [red, blue]
paths:
  /v1/Things:
    x-twilio: {pathType: list}
    get:
      operationId: ListThing
      parameters:
      - {name: Kind, in: query, schema: {type: string}}
      - name: Identity
        in: query
        schema: {type: string}
        x-twilio: {pii: {handling: standard}}
      - {name: PageSize, in: query, schema: {type: integer, minimum: 1, maximum: 50}}
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema:
                type: object
                properties:
                  things:
                    type: array
                    items: {$ref: '#/components/schemas/things.v1.thing'}
                  meta:
                    type: object
                    properties:
                      next_page_url: {type: string, nullable: true}
    post:
      operationId: CreateThing
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              required: [Name]
              properties:
                Name: {type: string}
      responses:
        '201':
          description: Created
          content:
            application/json:
              schema: {$ref: '#/components/schemas/things.v1.thing'}
  /v1/Things/{Sid}:
    x-twilio: {pathType: instance}
    parameters:
    - {name: Sid, in: path, required: true, schema: {type: string, pattern: '^TH[0-9a-fA-F]{32}$'}}
    get:
      operationId: FetchThing
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema: {$ref: '#/components/schemas/things.v1.thing'}
    post:
      operationId: UpdateThing
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/things.v1.patch'}
      responses:
        '204': {description: Updated}
    delete:
      operationId: DeleteThing
      responses:
        '204': {description: Deleted}
"#;

    /// `BASE` with each `(from, to)` made, each `from` found exactly once.
    fn edited(edits: &[(&str, &str)]) -> String {
        let mut text = BASE.to_owned();
        for (from, to) in edits {
            assert_eq!(text.matches(from).count(), 1, "{from:?}");
            text = text.replacen(from, to, 1);
        }
        text
    }

    fn lowered(text: &str, lock: &NameLock) -> (Api, NameLock) {
        let spec = crate::load::load("things.yaml", text).unwrap_or_else(|e| panic!("{e}"));
        crate::lower::lower(&[spec], lock).unwrap_or_else(|e| panic!("{e}"))
    }

    /// The changes from `BASE` to `text` generated, as users regenerate,
    /// under the lock of `BASE` with `lock_edits` made; checked true and
    /// mirrored.
    fn changes_to(text: &str, lock_edits: &[(&str, &str)]) -> Vec<Change> {
        let (old, old_names) = lowered(BASE, &NameLock::new());
        let mut lock = old_names.clone();
        for (key, name) in lock_edits {
            assert!(lock.contains_key(*key) || key.contains(" pii "), "{key}");
            lock.insert((*key).to_owned(), (*name).to_owned());
        }
        let (new, new_names) = lowered(text, &lock);
        let forward = diff(&old, &old_names, &new, &new_names);
        let backward = diff(&new, &new_names, &old, &old_names);
        assert_eq!(untrue_lines(&old, &new, &forward), Vec::<String>::new(), "{forward:#?}");
        assert_eq!(untrue_lines(&new, &old, &backward), Vec::<String>::new(), "{backward:#?}");
        assert_eq!(unmirrored(&forward, &backward), Vec::<String>::new());
        forward
    }

    #[test]
    fn each_change_is_reported_as_users_meet_it() {
        type Edits<'e> = &'e [(&'e str, &'e str)];
        let cases: &[(&str, Edits<'_>, Edits<'_>)] = &[
            ("nothing", &[], &[]),
            ("server", &[("https://things.twilio.com", "https://things.eu1.twilio.com")], &[]),
            ("operationId", &[("FetchThing", "FetchThingV2")], &[]),
            (
                "operation removed",
                &[(
                    "    delete:\n      operationId: DeleteThing\n      responses:\n        '204': {description: Deleted}\n",
                    "",
                )],
                &[],
            ),
            (
                "module added",
                &[(
                    "paths:\n",
                    "paths:\n  /v2/Things:\n    get:\n      responses: {'204': {description: OK}}\n",
                )],
                &[],
            ),
            (
                "query parameter required",
                &[("{name: Kind, in: query, schema", "{name: Kind, in: query, required: true, schema")],
                &[],
            ),
            (
                "query parameter retyped",
                &[(
                    "{name: Kind, in: query, schema: {type: string}}",
                    "{name: Kind, in: query, schema: {type: integer}}",
                )],
                &[],
            ),
            (
                "query parameter removed",
                &[("      - {name: Kind, in: query, schema: {type: string}}\n", "")],
                &[],
            ),
            (
                "query parameters added",
                &[(
                    "      - {name: Kind, in: query, schema: {type: string}}\n",
                    "      - {name: Kind, in: query, schema: {type: string}}\n      - {name: Color, in: query, schema: {type: string}}\n      - {name: Shape, in: query, required: true, schema: {type: string}}\n",
                )],
                &[],
            ),
            ("maximum looser", &[("maximum: 50", "maximum: 100")], &[]),
            ("maximum tighter", &[("maximum: 50", "maximum: 20")], &[]),
            ("maximum gone", &[(", maximum: 50", "")], &[]),
            ("minimum tighter", &[("minimum: 1", "minimum: 2")], &[]),
            ("minimum looser", &[("minimum: 1", "minimum: 0")], &[]),
            ("minimum gone", &[("minimum: 1, ", "")], &[]),
            (
                "bounds new",
                &[(
                    "minimum: 1, maximum: 50",
                    "minimum: 1, maximum: 50}}\n      - {name: Limit, in: query, schema: {type: integer",
                )],
                &[],
            ),
            ("bounds both gone", &[(", minimum: 1, maximum: 50", "")], &[]),
            (
                "bound new",
                &[(
                    "{type: string}}\n      - name: Identity",
                    "{type: integer, minimum: 3}}\n      - name: Identity",
                )],
                &[],
            ),
            (
                "parameter now personal",
                &[(
                    "{name: Kind, in: query, schema: {type: string}}",
                    "{name: Kind, in: query, schema: {type: string}, x-twilio: {pii: {handling: standard}}}",
                )],
                &[],
            ),
            (
                "parameter no longer personal",
                &[(
                    "        schema: {type: string}\n        x-twilio: {pii: {handling: standard}}\n",
                    "        schema: {type: string}\n",
                )],
                &[],
            ),
            (
                "parameter mark dropped, kept by the lock",
                &[(
                    "        schema: {type: string}\n        x-twilio: {pii: {handling: standard}}\n",
                    "        schema: {type: string}\n",
                )],
                &[("things_v1 pii param GET /v1/Things query Identity", "personal")],
            ),
            (
                "field mark dropped, kept by the lock",
                &[(
                    "          nullable: true\n          x-twilio: {pii: {handling: standard}}\n",
                    "          nullable: true\n",
                )],
                &[("things_v1 pii field Thing identity", "personal")],
            ),
            (
                "field not nullable",
                &[("count: {type: integer, nullable: true}", "count: {type: integer}")],
                &[],
            ),
            (
                "field retyped",
                &[("count: {type: integer, nullable: true}", "count: {type: string, nullable: true}")],
                &[],
            ),
            ("field removed", &[("        count: {type: integer, nullable: true}\n", "")], &[]),
            (
                "field added",
                &[(
                    "        count: {type: integer, nullable: true}\n",
                    "        count: {type: integer, nullable: true}\n        size: {type: integer}\n",
                )],
                &[],
            ),
            (
                "input field added",
                &[(
                    "        note: {type: string}\n",
                    "        note: {type: string}\n        color: {type: string}\n",
                )],
                &[],
            ),
            (
                "input field nullable: null becomes sendable",
                &[("        note: {type: string}\n", "        note: {type: string, nullable: true}\n")],
                &[],
            ),
            ("enum value added", &[("enum: [big, small]", "enum: [big, small, tiny]")], &[]),
            ("enum value removed", &[("enum: [big, small]", "enum: [big]")], &[]),
            (
                "enum became a struct",
                &[(
                    "      type: string\n      enum: [big, small]\n",
                    "      type: object\n      properties:\n        big: {type: string}\n",
                )],
                &[],
            ),
            (
                "SID type added",
                &[(
                    "        count: {type: integer, nullable: true}\n",
                    "        count: {type: integer, nullable: true}\n        owner_sid: {type: string, pattern: '^US[0-9a-fA-F]{32}$'}\n",
                )],
                &[],
            ),
            (
                "response retyped",
                &[(
                    "        '201':\n          description: Created\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/things.v1.thing'}\n",
                    "        '201':\n          description: Created\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/things.v1.patch'}\n",
                )],
                &[],
            ),
            (
                "a place's type named otherwise by the lock: an alias",
                &[],
                &[("things_v1 type item GET /v1/Things", "Item")],
            ),
            (
                "a place's enum named otherwise by the lock: an alias",
                &[],
                &[("things_v1 type field Thing kind", "Size")],
            ),
            (
                "schema renamed by the lock: its places keep the old name as an alias",
                &[],
                &[("things_v1 type schema things.v1.thing", "Item")],
            ),
            ("SID type renamed by the lock", &[], &[("sid TH", "ThingId")]),
            ("method renamed by the lock", &[], &[("things_v1 op DELETE /v1/Things/{} method", "remove")]),
            (
                "builder renamed by the lock",
                &[],
                &[("things_v1 op GET /v1/Things/{} builder", "GetThingRequest")],
            ),
            ("accessor renamed by the lock", &[], &[("things_v1 node /v1/Things/{} accessor", "item")]),
            ("argument renamed by the lock", &[], &[("things_v1 path /v1/Things/{} Sid", "thing_id")]),
            (
                "path parameter retyped where a required value is a setter",
                &[
                    (
                        "    get:\n      operationId: FetchThing\n",
                        "    get:\n      operationId: FetchThing\n      parameters:\n      - {name: Depth, in: query, required: true, schema: {type: integer}}\n",
                    ),
                    (
                        "{name: Sid, in: path, required: true, schema: {type: string, pattern: '^TH[0-9a-fA-F]{32}$'}}",
                        "{name: Sid, in: path, required: true, schema: {type: integer}}",
                    ),
                ],
                &[],
            ),
            ("parameter renamed by the lock", &[], &[("things_v1 param GET /v1/Things query Kind", "sort")]),
            (
                "required parameter renamed by the lock",
                &[],
                &[("things_v1 param POST /v1/Things form Name", "label")],
            ),
            ("field renamed by the lock", &[], &[("things_v1 field Thing count", "total")]),
            ("variant renamed by the lock", &[], &[("things_v1 variant ThingKind big", "Large")]),
            ("API renamed by the lock", &[], &[("things_v1 api", "Things")]),
            (
                "response now a new type",
                &[(
                    "              schema: {$ref: '#/components/schemas/things.v1.thing'}\n  /v1/Things/{Sid}:",
                    "              schema: {$ref: '#/components/schemas/things.v1.receipt'}\n  /v1/Things/{Sid}:",
                )],
                &[],
            ),
            (
                "type removed",
                &[(
                    "      requestBody:\n        content:\n          application/json:\n            schema: {$ref: '#/components/schemas/things.v1.patch'}\n",
                    "",
                )],
                &[],
            ),
            (
                "a field's enum replaced by another, whose name stays with the field",
                &[(
                    "        kind: {$ref: '#/components/schemas/thing_enum_kind'}",
                    "        kind: {$ref: '#/components/schemas/color'}",
                )],
                &[("things_v1 type field Thing kinds", "Size")],
            ),
            (
                "parameter renamed beside a required one",
                &[(
                    "        schema: {type: string}\n        x-twilio: {pii: {handling: standard}}\n",
                    "        required: true\n        schema: {type: string}\n        x-twilio: {pii: {handling: standard}}\n",
                )],
                &[("things_v1 param GET /v1/Things query Kind", "sort")],
            ),
            (
                "required parameters gathered into a struct",
                &[
                    ("required: [Name]", "required: [Name, A, B, C]"),
                    (
                        "                Name: {type: string}\n",
                        "                Name: {type: string}\n                A: {type: string}\n                B: {type: string}\n                C: {type: string}\n",
                    ),
                ],
                &[],
            ),
        ];
        let mut out = String::new();
        for (name, edits, lock) in cases {
            let changes = changes_to(&edited(edits), lock);
            out.push_str(&format!("## {name}\n\n{}\n", render(&changes, "0.1.0")));
            let kinds: Vec<String> = changes
                .iter()
                .map(|c| format!("- {} ({:?}, breaking: {})\n", c.item, c.kind, c.breaking))
                .collect();
            out.push_str(&kinds.concat());
            out.push('\n');
        }
        insta::assert_snapshot!(out);
    }

    #[test]
    fn an_item_the_old_release_lacked_is_new_whatever_the_lock_remembers() {
        // The lock remembers `size` from a release before the old one; the
        // new release has the field again, under another name.
        let (old, mut old_names) = lowered(BASE, &NameLock::new());
        let key = "things_v1 field Thing size";
        old_names.insert(key.to_owned(), "size".to_owned());
        let mut lock = old_names.clone();
        lock.insert(key.to_owned(), "extent".to_owned());
        let text = edited(&[(
            "        count: {type: integer, nullable: true}\n",
            "        count: {type: integer, nullable: true}\n        size: {type: integer}\n",
        )]);
        let (new, new_names) = lowered(&text, &lock);
        let changes = diff(&old, &old_names, &new, &new_names);
        let lines: Vec<(&str, &Kind)> = changes.iter().map(|c| (c.rust.as_str(), &c.kind)).collect();
        assert_eq!(lines, [("things_v1::Thing::extent", &Kind::Added)]);
    }

    #[test]
    fn only_types_renamed_on_both_sides_hide_a_change_of_type() {
        let mut report = Report::default();
        report.renamed.extend(["A".to_owned(), "B".to_owned()]);
        let named = |n: &str| TypeRef::Named(n.to_owned());
        let array = |t: TypeRef| TypeRef::Array(Box::new(t));
        assert!(report.renamed_only(&named("A"), &named("B")));
        assert!(report.renamed_only(&array(named("A")), &array(named("B"))));
        assert!(!report.renamed_only(&named("A"), &named("C")));
        assert!(!report.renamed_only(&named("C"), &named("B")));
        assert!(!report.renamed_only(&array(named("A")), &named("B")));
        assert!(!report.renamed_only(&TypeRef::String, &TypeRef::String));
        let page = |t: TypeRef| Response::Page { items_key: "things".to_owned(), item: t };
        assert!(report.renamed_type_only(&Response::Json(named("A")), &page(named("B"))));
        assert!(!report.renamed_type_only(&Response::Json(named("A")), &page(named("C"))));
        assert!(!report.renamed_type_only(&Response::Json(named("C")), &Response::Json(named("B"))));
        assert!(!report.renamed_type_only(&Response::Json(array(named("A"))), &Response::Json(named("B"))));
        assert!(!report.renamed_type_only(&Response::Empty, &Response::Empty));
    }

    /// A crate from a generator that took required values as arguments
    /// (or in a struct of them), regenerated: each value says where it is
    /// given now, and the report back says the reverse.
    #[test]
    fn required_values_that_became_setters_say_so() {
        let (new, names) = lowered(BASE, &NameLock::new());
        let with = |setters: bool, holder: Option<&str>| {
            let mut api = new.clone();
            for op in api
                .domains
                .values_mut()
                .flat_map(|d| d.resources.values_mut())
                .flat_map(|r| &mut r.operations)
            {
                if op.required_setters {
                    op.required_setters = setters;
                    op.required_struct = holder.map(str::to_owned);
                }
            }
            api
        };
        for (old, from) in [
            (with(false, None), "things_v1::ThingList::create(name)"),
            (with(false, Some("CreateThingRequired")), "things_v1::CreateThingRequired::name"),
        ] {
            let forward = diff(&old, &names, &new, &names);
            let lines: Vec<(&str, &Kind, bool)> =
                forward.iter().map(|c| (c.rust.as_str(), &c.kind, c.breaking)).collect();
            let to = "things_v1::CreateThingRequest::name";
            assert_eq!(lines, [(from, &Kind::Moved(from.to_owned(), to.to_owned()), true)]);
            assert!(forward[0].what.contains("checked at `send()`"), "{}", forward[0].what);
            assert!(untrue_lines(&old, &new, &forward).is_empty());
            let backward = diff(&new, &names, &old, &names);
            assert!(unmirrored(&forward, &backward).is_empty(), "{backward:#?}");
        }
    }

    #[test]
    fn versions_follow_semver() {
        let change = |breaking| Change {
            breaking,
            rust: String::new(),
            what: String::new(),
            spec: String::new(),
            kind: Kind::Added,
            item: String::new(),
        };
        let cases = [
            ("0.1.0", vec![], None),
            ("0.1.3", vec![change(false)], Some("0.1.4")),
            ("0.1.3", vec![change(false), change(true)], Some("0.2.0")),
            ("1.2.3", vec![change(true)], Some("2.0.0")),
            ("1.2.3", vec![change(false)], Some("1.3.0")),
            ("x", vec![change(false)], Some("0.0.1")),
        ];
        for (current, changes, next) in cases {
            assert_eq!(next_version(current, &changes).as_deref(), next, "{current}");
        }
    }

    #[test]
    fn every_kind_mirrors_back() {
        let s = |t: &str| t.to_owned();
        let kinds = [
            Kind::Added,
            Kind::Removed,
            Kind::Renamed(s("A"), s("B")),
            Kind::OperationId(s("A"), s("B")),
            Kind::Server(s("a"), s("b")),
            Kind::Retyped(s("a"), s("b")),
            Kind::Required,
            Kind::Optional,
            Kind::Nullable,
            Kind::NotNullable,
            Kind::Bound(s("maximum"), Some(1), None),
            Kind::Personal,
            Kind::NotPersonal,
            Kind::Kept,
            Kind::MarkedAgain,
            Kind::Shape(s("struct"), s("enum")),
        ];
        for kind in &kinds {
            assert_ne!(&kind.mirror(), kind);
            assert_eq!(&kind.mirror().mirror(), kind);
        }
    }

    #[test]
    fn untrue_and_unmirrored_lines_are_found() {
        let (api, names) = lowered(BASE, &NameLock::new());
        let (other, other_names) =
            lowered(&edited(&[("enum: [big, small]", "enum: [big, small, tiny]")]), &names);
        let line = |rust: &str, kind: Kind| Change {
            breaking: false,
            rust: rust.to_owned(),
            what: "what".to_owned(),
            spec: String::new(),
            kind,
            item: format!("item {rust}"),
        };
        let rename =
            |rust: &str, from: &str, to: &str| line(rust, Kind::Renamed(from.to_owned(), to.to_owned()));
        let (kind, tiny, binding) =
            ("things_v1::ThingKind", "things_v1::ThingKind::Tiny", "things_v1::Binding");
        // Each of these says something the Rust API did not do.
        let untrue = [
            line(kind, Kind::Added),
            line(binding, Kind::Added),
            line(binding, Kind::Removed),
            line(tiny, Kind::Removed),
            line(binding, Kind::Nullable),
            rename(binding, "Binding", "ThingKind"),
            rename(kind, "ThingKind", "Binding"),
            rename("things_v1::CreateThingRequest::name", "name", "label"),
            // A move from what was not there, or to what is not there now.
            line(kind, Kind::Moved(binding.to_owned(), kind.to_owned())),
            line(kind, Kind::Moved(kind.to_owned(), binding.to_owned())),
        ];
        for change in untrue {
            let found = untrue_lines(&api, &other, std::slice::from_ref(&change));
            assert_eq!(found.len(), 1, "{change:?}");
            assert!(found[0].starts_with(&format!("- {}: what (", change.rust)), "{found:?}");
        }
        let true_ones = [
            line(tiny, Kind::Added),
            line(kind, Kind::Nullable),
            rename(kind, "ThingKind", "ThingKind"),
            rename("things_v1::Thing", "r#Thing", "Thing"),
            rename("things_v1::CreateThingRequest::name", "name", "r#name"),
            line(kind, Kind::Moved(kind.to_owned(), tiny.to_owned())),
        ];
        assert_eq!(untrue_lines(&api, &other, &true_ones), Vec::<String>::new());
        let forward = diff(&api, &names, &other, &other_names);
        assert_eq!(forward.len(), 1);
        let mut backward = diff(&other, &other_names, &api, &names);
        assert_eq!(unmirrored(&forward, &backward), Vec::<String>::new());
        backward[0].kind = Kind::Added;
        assert_eq!(
            unmirrored(&forward, &backward),
            [
                format!("forward only: {} Added", forward[0].item),
                format!("backward only: {} Added", forward[0].item)
            ]
        );
    }
}
