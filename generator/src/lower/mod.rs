//! Lowering: from parsed specs to the model.
//!
//! Paths are grouped into domains by host and first path segment (Chat v2 is
//! `chat.twilio.com` + `/v2`), so that fragments of one API merge and one
//! spec with several products splits. Each domain gets a navigation tree built
//! from its path templates, with `x-twilio` `pathType` and `mountName`
//! refining it. Every Rust name is decided here, once.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{Operation as OaOperation, PathItem, ReferenceOr, Schema, SchemaKind, Type};

use crate::docs;
use crate::error::{Error, Pointer};
use crate::load::{SchemaRef, Spec};
use crate::model::*;
use crate::naming::{self, NameLock, Namespace, join_overlapping, pascal, singular, snake, unraw};
use crate::ptr;

mod operation;
mod schema;
mod tree;

/// Properties of an object schema, as openapiv3 holds them.
type Properties = indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>;

/// How deep schemas may nest before lowering gives up with an error.
const MAX_DEPTH: usize = 48;

/// Names that generated modules import or that would shadow the prelude.
use naming::RESERVED_TYPES;

/// Why an operation could not be lowered.
enum Problem {
    /// The spec is wrong: the whole run fails.
    Fatal(Error),
    /// The spec is fine but uses something not supported: skip the operation.
    Skip(Skipped),
}

impl From<Skipped> for Problem {
    fn from(skipped: Skipped) -> Self {
        Problem::Skip(skipped)
    }
}

impl From<Error> for Problem {
    fn from(error: Error) -> Self {
        Problem::Fatal(error)
    }
}

type Lowered<T> = Result<T, Problem>;

/// A lowered domain, its claims, its warnings and what its enums are of.
type Lowered3 = (Domain, NameLock, Vec<Skipped>, BTreeMap<String, BTreeSet<String>>);

/// Lowers parsed specs into the model of one crate, keeping every name that
/// `lock` pins. Returns the model and the lock that pins its own names.
///
/// Lock keys name what the spec calls an item, prefixed by the module
/// (`chat_v2 op ListBinding builder`): `api`; `node PATH accessor|type` and
/// `path PATH PARAM` for navigation; `op ID method|builder|required`;
/// `param ID PLACE NAME`; `type schema COMPONENT` and `type SITE` for where
/// a type is used (`param ID PLACE NAME`, `field TYPE FIELD`, `response ID`,
/// `item ID`, `body ID`); `field TYPE NAME`; `variant TYPE VALUE`; and
/// `sid PREFIX` for the crate's SID types.
pub fn lower(specs: &[Spec], lock: &NameLock) -> Result<(Api, NameLock), Error> {
    let mut domains: BTreeMap<String, DomainInput<'_>> = BTreeMap::new();
    for (index, spec) in specs.iter().enumerate() {
        let mut paths: Vec<_> = spec.doc.paths.paths.iter().collect();
        paths.sort_by(|a, b| a.0.cmp(b.0));
        for (path, item) in paths {
            let at = ptr!["paths", path];
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { .. } => {
                    return Err(spec.error(&at, "path items given by `$ref` are not supported"));
                }
            };
            let segments = parse_path(spec, path, &at)?;
            let (server, server_at) = match (item.servers.first(), spec.doc.servers.first()) {
                (Some(own), _) => (own, at.join("servers").join(0).join("url")),
                (None, Some(global)) => (global, ptr!["servers", 0, "url"]),
                (None, None) => {
                    return Err(spec.error(&at, "no `servers` entry for this path or the document"));
                }
            };
            let server = server.url.trim_end_matches('/').to_owned();
            // The URL is printed in docs and code: only the characters a URL may hold.
            if let Some(c) = server.chars().find(|&c| !is_url_char(c)) {
                return Err(
                    spec.error(&server_at, format!("server URL contains {c:?}, which no URL may hold"))
                );
            }
            let host = server
                .split_once("://")
                .map(|(_, rest)| rest.split(['/', ':']).next().unwrap_or(""))
                .filter(|h| !h.is_empty())
                .ok_or_else(|| spec.error(&server_at, format!("server {server:?} is not an absolute URL")))?;
            let product = host.split('.').next().unwrap_or(host);
            let first = match segments.first() {
                Some(Segment { parts, .. }) if parts.len() == 1 => match &parts[0] {
                    PathPart::Literal(text) => text.clone(),
                    PathPart::Param(_) => "api".to_owned(),
                },
                _ => "api".to_owned(),
            };
            let module = module_name(&format!("{product}_{first}"));
            let domain = domains.entry(module.clone()).or_insert_with(|| DomainInput {
                module,
                title: docs::lines(&spec.doc.info.title).join(" "),
                server: server.clone(),
                sources: BTreeSet::new(),
                paths: Vec::new(),
            });
            if domain.server != server {
                return Err(spec.error(
                    &at.join("servers"),
                    format!(
                        "server {server:?} differs from {:?}, used by other paths of the same API",
                        domain.server
                    ),
                ));
            }
            domain.sources.insert(spec.file.clone());
            domain.paths.push(PathInput { spec: index, path, item, at, segments });
        }
    }

    let mut sid_uses = SidUses::default();
    let mut skipped = Vec::new();
    let mut warnings = Vec::new();
    let mut lowered = BTreeMap::new();
    let mut claims = NameLock::new();
    let mut concepts: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for (module, input) in domains {
        let (domain, domain_claims, domain_warnings, domain_concepts) =
            DomainLowering::new(specs, lock, &mut sid_uses, &mut skipped).planned(input)?;
        warnings.extend(domain_warnings);
        // A domain whose every operation was skipped has nothing to offer.
        if !domain.resources.is_empty() {
            claims.extend(domain_claims);
            concepts.extend(domain_concepts.into_iter().map(|(name, c)| ((module.clone(), name), c)));
            lowered.insert(module, domain);
        }
    }
    conversions(&mut lowered, &concepts);
    let taken: BTreeSet<&str> = lowered
        .values()
        .flat_map(|d| d.types.keys().chain(d.resources.values().map(|r| &r.rust_name)))
        .map(String::as_str)
        .collect();
    let sids = sid_uses.name(taken, lock, &mut claims);
    skipped.sort_by(|a: &Skipped, b| (&a.file, &a.pointer).cmp(&(&b.file, &b.pointer)));
    warnings.sort_by(|a: &Skipped, b| (&a.file, &a.pointer).cmp(&(&b.file, &b.pointer)));
    warnings.dedup();
    // The lock never forgets (rule 13) and never rewrites (rule 16): what
    // this release did not use stays, and an entry keeps its name.
    let mut names = lock.clone();
    for (key, name) in claims {
        names.entry(key).or_insert(name);
    }
    Ok((Api { domains: lowered, sids, skipped, warnings }, names))
}

/// Claims a name in `ns` for the item `key`: the locked name if there is one
/// and it is free, else the first free candidate; records the claim.
fn pick<S: AsRef<str>>(
    lock: &NameLock,
    claims: &mut NameLock,
    ns: &mut Namespace,
    key: String,
    candidates: impl IntoIterator<Item = S>,
) -> String {
    let locked = lock.get(&key).cloned();
    let candidates: Vec<String> =
        locked.into_iter().chain(candidates.into_iter().map(|c| c.as_ref().to_owned())).collect();
    let name = ns.claim_first(&candidates);
    claims.insert(key, name.clone());
    name
}

/// One segment of a path template, split into literal text and parameters.
#[derive(Debug, Clone)]
struct Segment {
    parts: Vec<PathPart>,
}

impl Segment {
    fn literal(&self) -> Option<&str> {
        match self.parts.as_slice() {
            [PathPart::Literal(text)] => Some(text),
            _ => None,
        }
    }

    fn params(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            PathPart::Param(name) => Some(name.as_str()),
            PathPart::Literal(_) => None,
        })
    }

    fn normalized(&self) -> String {
        self.parts
            .iter()
            .map(|p| match p {
                PathPart::Literal(text) => text.as_str(),
                PathPart::Param(_) => "{}",
            })
            .collect()
    }
}

/// Splits a path template into segments, rejecting unbalanced braces and
/// empty parameter names.
fn parse_path(spec: &Spec, path: &str, at: &Pointer) -> Result<Vec<Segment>, Error> {
    if !path.starts_with('/') {
        return Err(spec.error(at, "path does not start with `/`"));
    }
    let mut segments = Vec::new();
    for raw in path.split('/').skip(1).filter(|s| !s.is_empty()) {
        // A URL parser resolves these, so the request would go elsewhere.
        let decoded = raw.replace("%2e", ".").replace("%2E", ".");
        if decoded == "." || decoded == ".." {
            return Err(spec.error(
                at,
                format!("path segment `{raw}` is not allowed: it would change the request's path"),
            ));
        }
        let mut parts = Vec::new();
        let mut rest = raw;
        while !rest.is_empty() {
            match rest.find(['{', '}']) {
                None => {
                    parts.push(PathPart::Literal(rest.to_owned()));
                    rest = "";
                }
                Some(i) if rest.as_bytes()[i] == b'}' => {
                    return Err(spec.error(at, "unbalanced `}` in path template"));
                }
                Some(i) => {
                    if i > 0 {
                        parts.push(PathPart::Literal(rest[..i].to_owned()));
                    }
                    let after = &rest[i + 1..];
                    let close =
                        after.find('}').ok_or_else(|| spec.error(at, "unbalanced `{` in path template"))?;
                    let name = &after[..close];
                    if name.is_empty() || name.contains('{') {
                        return Err(spec.error(at, format!("bad path parameter `{{{name}}}`")));
                    }
                    if segments
                        .iter()
                        .chain([&Segment { parts: parts.clone() }])
                        .any(|s: &Segment| s.params().any(|p| p == name))
                    {
                        return Err(
                            spec.error(at, format!("path parameter `{{{name}}}` is repeated in the path"))
                        );
                    }
                    parts.push(PathPart::Param(name.to_owned()));
                    rest = &after[close + 1..];
                }
            }
        }
        segments.push(Segment { parts });
    }
    Ok(segments)
}

#[derive(Clone)]
struct DomainInput<'a> {
    module: String,
    title: String,
    server: String,
    sources: BTreeSet<String>,
    paths: Vec<PathInput<'a>>,
}

#[derive(Clone)]
struct PathInput<'a> {
    spec: usize,
    path: &'a str,
    item: &'a PathItem,
    at: Pointer,
    segments: Vec<Segment>,
}

/// Every use of a SID prefix with the noun it was used for, and the
/// resources whose own `sid` has the prefix, to pick names.
#[derive(Default)]
struct SidUses {
    uses: BTreeMap<String, BTreeMap<String, usize>>,
    /// Prefix → the nouns of the resources that own it (their `sid`), with
    /// how many operations return each.
    owners: BTreeMap<String, BTreeMap<String, usize>>,
}

impl SidUses {
    fn record(&mut self, prefix: &str, noun: &str) {
        *self.uses.entry(prefix.to_owned()).or_default().entry(noun.to_owned()).or_default() += 1;
    }

    fn own(&mut self, prefix: &str, noun: &str) {
        *self.owners.entry(prefix.to_owned()).or_default().entry(noun.to_owned()).or_default() += 1;
    }

    /// Names each prefix after the resource that owns it (whose own `sid`
    /// has it; the one most operations return), else after its most
    /// frequent noun (then the shortest, then the first alphabetically),
    /// then its next nouns, then the noun with the prefix, avoiding names
    /// already taken. Prefixes the lock names claim first, then owned ones,
    /// then those whose noun is used most, so a shared noun goes to its main
    /// user.
    fn name(
        self,
        taken: BTreeSet<&str>,
        lock: &NameLock,
        claims: &mut NameLock,
    ) -> BTreeMap<String, SidType> {
        let mut ns = Namespace::with_reserved(taken.into_iter().chain(RESERVED_TYPES.iter().copied()));
        let by_count = |nouns: BTreeMap<String, usize>| {
            let mut nouns: Vec<(String, usize)> = nouns.into_iter().collect();
            nouns.sort_by(|(a, x), (b, y)| y.cmp(x).then(a.len().cmp(&b.len())).then(a.cmp(b)));
            nouns
        };
        let mut owners = self.owners;
        let mut ranked: Vec<_> = self
            .uses
            .into_iter()
            .map(|(prefix, nouns)| {
                let owned = owners.remove(&prefix).map(by_count).unwrap_or_default();
                let is_owned = !owned.is_empty();
                let mut all = owned;
                all.extend(by_count(nouns));
                (prefix, all, is_owned)
            })
            .collect();
        // Prefixes the lock names claim first: a locked name is theirs (rule 11).
        let locked = |p: &String| lock.contains_key(&format!("sid {p}"));
        ranked.sort_by(|(p, a, x), (q, b, y)| {
            locked(q).cmp(&locked(p)).then(y.cmp(x)).then(b[0].1.cmp(&a[0].1)).then(p.cmp(q))
        });
        ranked
            .into_iter()
            .map(|(prefix, nouns, _)| {
                let noun = nouns[0].0.clone();
                let candidates: Vec<String> = nouns
                    .iter()
                    .map(|(n, _)| format!("{n}Sid"))
                    .chain([format!("{noun}{prefix}Sid")])
                    .collect();
                let rust_name = pick(lock, claims, &mut ns, format!("sid {prefix}"), candidates);
                (prefix.clone(), SidType { prefix, rust_name, noun })
            })
            .collect()
    }
}

/// Returns the prefix of a SID pattern like `^BS[0-9a-fA-F]{32}$`.
pub fn sid_prefix(pattern: &str) -> Option<&str> {
    let body = pattern.strip_prefix('^').unwrap_or(pattern);
    let body = body.strip_suffix('$').unwrap_or(body);
    let (prefix, class) = body.split_at_checked(2)?;
    let hex = ["[0-9a-fA-F]{32}", "[0-9A-Fa-f]{32}", "[0-9a-f]{32}", "[a-fA-F0-9]{32}"];
    (prefix.chars().all(|c| c.is_ascii_uppercase()) && hex.contains(&class)).then_some(prefix)
}

/// The naming context of a schema: who owns it and under which name.
#[derive(Clone)]
struct Owner<'s> {
    /// The owner's noun in `UpperCamelCase` (`Binding`).
    noun: &'s str,
    /// The field or parameter name in the spec (`binding_type`).
    field: &'s str,
    /// Where the schema is used, as a lock key (`param ListBinding query
    /// BindingType`), so an inline schema keeps the name it had as a
    /// component and the other way round.
    site: &'s str,
}

struct DomainLowering<'a, 'u> {
    specs: &'a [Spec],
    /// Names pinned by the lock.
    lock: &'a NameLock,
    /// Every name claimed, by lock key.
    claims: NameLock,
    /// The module, which prefixes lock keys.
    module: String,
    /// Operation ids, given or derived, by path index and method.
    op_ids: BTreeMap<(usize, &'static str), String>,
    /// Builder names by operation key (`GET /v2/Services/{}/Bindings`),
    /// claimed before any type.
    builders: BTreeMap<String, String>,
    /// Type names the lock gives to items of this domain: no other item
    /// takes one, even if it is named first.
    promised: BTreeSet<String>,
    sid_uses: &'u mut SidUses,
    skipped: &'u mut Vec<Skipped>,
    /// Parts of the spec ignored, and why.
    warnings: Vec<Skipped>,
    ns: Namespace,
    /// Component name → (spec index, Rust name).
    components: BTreeMap<String, (usize, String)>,
    /// Components being lowered, to box fields that close a cycle.
    in_progress: BTreeSet<String>,
    types: BTreeMap<String, TypeDef>,
    /// Names that places kept for the types they now share (rule 16).
    aliases: BTreeMap<String, Alias>,
    /// Whether each struct field is required and nullable in the spec, by
    /// struct and wire name: what a request body's fields need.
    body_fields: BTreeMap<(String, String), (bool, bool)>,
    /// The lock keys of the places that use each schema, as met.
    places: BTreeMap<String, Vec<String>>,
    /// The same, from a first lowering of the whole domain: every place of
    /// a schema, before the first is named.
    planned: BTreeMap<String, Vec<String>>,
    /// The names of the fields and parameters each enum is used for.
    concepts: BTreeMap<String, BTreeSet<String>>,
    /// How deep the schema being lowered sits.
    depth: usize,
}

impl<'a, 'u> DomainLowering<'a, 'u> {
    fn new(
        specs: &'a [Spec],
        lock: &'a NameLock,
        sid_uses: &'u mut SidUses,
        skipped: &'u mut Vec<Skipped>,
    ) -> Self {
        DomainLowering {
            specs,
            lock,
            claims: NameLock::new(),
            module: String::new(),
            op_ids: BTreeMap::new(),
            builders: BTreeMap::new(),
            promised: BTreeSet::new(),
            sid_uses,
            skipped,
            warnings: Vec::new(),
            ns: Namespace::with_reserved(RESERVED_TYPES.iter().copied()),
            components: BTreeMap::new(),
            in_progress: BTreeSet::new(),
            types: BTreeMap::new(),
            aliases: BTreeMap::new(),
            body_fields: BTreeMap::new(),
            places: BTreeMap::new(),
            planned: BTreeMap::new(),
            concepts: BTreeMap::new(),
            depth: 0,
        }
    }

    /// Claims `candidates` in the domain's type namespace for the item with
    /// these lock `keys` (its own first, then hints such as its component):
    /// the first name any of them locks comes first, and a name the lock
    /// promises to another item is passed over. Records the claim under
    /// every key.
    fn pick_type<S: AsRef<str>>(
        &mut self,
        keys: &[String],
        candidates: impl IntoIterator<Item = S>,
    ) -> String {
        let keys: Vec<String> = keys.iter().map(|k| format!("{} {k}", self.module)).collect();
        let own: Vec<&String> = keys.iter().filter_map(|k| self.lock.get(k)).collect();
        let offered: Vec<String> = own
            .iter()
            .map(|n| (*n).clone())
            .chain(candidates.into_iter().map(|c| c.as_ref().to_owned()))
            .collect();
        let mut free: Vec<String> = offered
            .iter()
            .filter(|c| own.contains(c) || !self.promised.contains(unraw(c)))
            .cloned()
            .collect();
        // Every candidate promised to other items (rule 11): the item's last
        // (its most structural) still gives the name its base.
        if free.is_empty() {
            free.extend(offered.last().map(|last| format!("{}Alt", unraw(last))));
        }
        let name = self.ns.claim_first(&free);
        for key in keys {
            self.claims.insert(key, name.clone());
        }
        name
    }

    /// Whether a type name is free for the item with these lock keys: free
    /// in the namespace, and not promised to another item.
    fn type_name_free(&self, name: &str, keys: &[String]) -> bool {
        self.ns.is_free(name)
            && (!self.promised.contains(unraw(name))
                || keys
                    .iter()
                    .any(|k| self.lock.get(&format!("{} {k}", self.module)).is_some_and(|n| n == name)))
    }

    /// Whether the item at `site` (`field Binding identity`) is personal
    /// data, and whether only the lock says so: a mark the spec once gave is
    /// kept when a later or earlier spec drops it, until the user sets its
    /// lock entry to [`RELEASED`](naming::RELEASED).
    fn personal(&mut self, site: &str, marked: bool) -> (bool, bool) {
        let key = format!("{} pii {site}", self.module);
        let kept = !marked && self.lock.get(&key).is_some_and(|v| v == naming::PERSONAL);
        // A `released` entry stays as the lock keeps every entry (rule 13).
        if marked || kept {
            self.claims.insert(key, naming::PERSONAL.to_owned());
        }
        (marked || kept, kept)
    }

    /// The locked name of `key`, if any.
    fn locked(&self, key: &str) -> Option<&'a String> {
        self.lock.get(&format!("{} {key}", self.module))
    }

    /// Gives every operation its id, the spec's or one derived from its
    /// method and path, refusing duplicates; then claims the builder names,
    /// before any type can take one.
    fn operation_ids(&mut self, input: &DomainInput<'a>) -> Result<(), Error> {
        let mut derived: Vec<(usize, &'static str, String, String)> = Vec::new();
        let mut given: BTreeMap<String, Pointer> = BTreeMap::new();
        for (index, path) in input.paths.iter().enumerate() {
            let spec = &self.specs[path.spec];
            for (_, op, method) in methods(path.item) {
                let at = path.at.join(method);
                match op.operation_id.as_deref().map(str::trim).filter(|id| !id.is_empty()) {
                    Some(id) => {
                        if let Some(previous) = given.insert(id.to_owned(), at.clone()) {
                            return Err(spec.error(
                                &at.join("operationId"),
                                format!("duplicate operationId {id:?}, also used at {previous}"),
                            ));
                        }
                        self.op_ids.insert((index, method), id.to_owned());
                    }
                    None => {
                        let (short, full) = derived_ids(method, &path.segments);
                        derived.push((index, method, short, full));
                    }
                }
            }
        }
        // A derived id that two operations share takes the path parameters.
        let mut shared: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, _, short, _) in &derived {
            *shared.entry(short.as_str()).or_default() += 1;
        }
        let mut chosen: Vec<((usize, &'static str), String)> = Vec::new();
        for (index, method, short, full) in &derived {
            let id = if shared[short.as_str()] > 1 || given.contains_key(short) { full } else { short };
            if given.contains_key(id) || chosen.iter().any(|(_, other)| other == id) {
                let path = &input.paths[*index];
                return Err(self.specs[path.spec].error(
                    &path.at.join(method),
                    format!("this operation has no operationId, and the one derived from its method and path, {id:?}, is taken"),
                ));
            }
            chosen.push(((*index, *method), id.clone()));
        }
        self.op_ids.extend(chosen);
        // Builders in the order of their keys, which releases keep.
        let mut keyed: Vec<(String, String)> = self
            .op_ids
            .iter()
            .map(|((index, method), id)| (op_key(method, &input.paths[*index].segments), id.clone()))
            .collect();
        keyed.sort();
        for (key, id) in keyed {
            let builder = self.pick_type(&[format!("op {key} builder")], [format!("{}Request", pascal(&id))]);
            self.builders.insert(key, builder);
        }
        Ok(())
    }

    /// Lowers the domain twice: once to learn every place of each schema,
    /// then for real, naming each shared schema with all its places known
    /// (rule 16).
    fn planned(mut self, input: DomainInput<'a>) -> Result<Lowered3, Error> {
        let (mut uses, mut skipped) = (SidUses::default(), Vec::new());
        let mut first = DomainLowering::new(self.specs, self.lock, &mut uses, &mut skipped);
        first.lower_into(input.clone())?;
        self.planned = std::mem::take(&mut first.places);
        self.lower(input)
    }

    /// Lowers the domain, keeping what was learnt in `self`.
    fn lower_into(&mut self, input: DomainInput<'a>) -> Result<(), Error> {
        self.module = input.module.clone();
        self.operation_ids(&input)?;
        for (index, path) in input.paths.iter().enumerate() {
            let spec = &self.specs[path.spec];
            for (method, op, name) in methods(path.item) {
                let Some(method) = method else { continue };
                let id = self.op_ids.get(&(index, name)).cloned().unwrap_or_default();
                let at = path.at.join(name);
                if let Err(Problem::Fatal(error)) = self.operation(spec, path, method, op, &at, id) {
                    return Err(error);
                }
            }
        }
        Ok(())
    }

    fn lower(mut self, input: DomainInput<'a>) -> Result<Lowered3, Error> {
        self.module = input.module.clone();
        let prefix = format!("{} ", self.module);
        // Keys of these kinds name types (and accessors and methods, whose
        // snake_case names no type candidate can be).
        let type_kinds = ["api", "type ", "node ", "op "];
        self.promised = self
            .lock
            .iter()
            .filter_map(|(k, v)| k.strip_prefix(&prefix).map(|rest| (rest, v)))
            .filter(|(rest, _)| type_kinds.iter().any(|kind| rest.starts_with(kind)))
            .map(|(_, v)| unraw(v).to_owned())
            .collect();
        let rust_name = self.pick_type(&["api".to_owned()], [pascal(&input.module)]);
        self.operation_ids(&input)?;

        // Operations first: node identifiers take their types from them.
        let mut operations: BTreeMap<String, Vec<(Operation, Vec<Param>)>> = BTreeMap::new();
        for (index, path) in input.paths.iter().enumerate() {
            let spec = &self.specs[path.spec];
            let key = normalized(&path.segments);
            for (method, op, name) in methods(path.item) {
                let at = path.at.join(name);
                let Some(method) = method else {
                    let reason = format!("HTTP method {} is not supported", name.to_uppercase());
                    self.skipped.push(skipped(spec, &at, reason));
                    continue;
                };
                let id = self.op_ids.get(&(index, name)).cloned().unwrap_or_default();
                match self.operation(spec, path, method, op, &at, id) {
                    Ok(lowered) => {
                        operations.entry(key.clone()).or_default().push(lowered);
                    }
                    Err(Problem::Fatal(error)) => return Err(error),
                    Err(Problem::Skip(skip)) => self.skipped.push(skip),
                }
            }
        }

        let resources = self.tree(&input, operations);
        let domain = Domain {
            module: input.module,
            rust_name,
            title: input.title,
            server: input.server,
            sources: input.sources.into_iter().collect(),
            resources,
            types: self.types,
            aliases: self.aliases,
        };
        Ok((domain, self.claims, self.warnings, self.concepts))
    }
}

/// Gives each enum the enums it converts from: those used at places of
/// the same name whose values are among its own, or have its own among
/// theirs (`chat_v2::BindingType`, `chat_v2::UserBindingType`,
/// `conversations_v1::ServiceBindingType`). Conversions are total (a value
/// one does not know travels as its text), so they go both ways.
fn conversions(
    domains: &mut BTreeMap<String, Domain>,
    concepts: &BTreeMap<(String, String), BTreeSet<String>>,
) {
    let values =
        |domains: &BTreeMap<String, Domain>, (module, name): &(String, String)| -> Option<BTreeSet<String>> {
            match domains.get(module)?.types.get(name)? {
                TypeDef::Enum(e) => Some(e.variants.iter().map(|v| v.value.clone()).collect()),
                TypeDef::Struct(_) => None,
            }
        };
    let mut pairs: Vec<((String, String), String)> = Vec::new();
    for (a, a_concepts) in concepts {
        for (b, b_concepts) in concepts {
            if a == b || a_concepts.is_disjoint(b_concepts) {
                continue;
            }
            let (Some(va), Some(vb)) = (values(domains, a), values(domains, b)) else { continue };
            if !va.is_empty() && !vb.is_empty() && (va.is_subset(&vb) || vb.is_subset(&va)) {
                pairs.push((a.clone(), format!("{}::{}", b.0, b.1)));
            }
        }
    }
    for ((module, name), from) in pairs {
        if let Some(TypeDef::Enum(e)) = domains.get_mut(&module).and_then(|d| d.types.get_mut(&name)) {
            if !e.from.contains(&from) {
                e.from.push(from);
            }
        }
    }
}

/// Names a domain's module may not have: the crate's own modules, and the
/// file names of generated code.
const RESERVED_MODULES: &[&str] = &["sid", "mod", "lib", "main", "generated", "runtime", "rt"];

/// A domain's module name: its product and first path segment in snake
/// case; a reserved name or keyword gets `_api`.
fn module_name(name: &str) -> String {
    let module = snake(name);
    if module.starts_with("r#") || module.ends_with('_') || RESERVED_MODULES.contains(&module.as_str()) {
        format!("{}_api", unraw(&module).trim_end_matches('_'))
    } else {
        module
    }
}

/// Characters of an RFC 3986 URL, plus `{}` for server variables.
fn is_url_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=%{}".contains(c)
}

fn is_json(media: &str) -> bool {
    media == "application/json" || media.ends_with("+json")
}

/// The report of an operation left out at `at`, and why.
fn skipped(spec: &Spec, at: &Pointer, reason: String) -> Skipped {
    Skipped { file: spec.file.clone(), pointer: at.to_string(), reason }
}

/// The operations of a path item in a fixed order, with `None` for methods
/// the client cannot send.
fn methods(item: &PathItem) -> impl Iterator<Item = (Option<HttpMethod>, &OaOperation, &'static str)> {
    [
        (Some(HttpMethod::Get), &item.get, "get"),
        (Some(HttpMethod::Post), &item.post, "post"),
        (Some(HttpMethod::Put), &item.put, "put"),
        (Some(HttpMethod::Patch), &item.patch, "patch"),
        (Some(HttpMethod::Delete), &item.delete, "delete"),
        (None, &item.head, "head"),
        (None, &item.options, "options"),
        (None, &item.trace, "trace"),
    ]
    .into_iter()
    .filter_map(|(method, op, name)| op.as_ref().map(|op| (method, op, name)))
}

/// The operation ids derived from a method and a path: the verb Twilio
/// would use and the literal segments after the version
/// (`ListServicesBindings`), and the same with the path parameters, for when
/// the short one is shared (`ListServicesBindingsByServiceSid`).
fn derived_ids(method: &str, segments: &[Segment]) -> (String, String) {
    let collection = segments.last().is_some_and(|s| s.literal().is_some());
    let verb = match (method, collection) {
        ("get", true) => "List",
        ("get", false) => "Fetch",
        ("post", true) => "Create",
        ("post", false) | ("put" | "patch", _) => "Update",
        ("delete", _) => "Delete",
        (other, _) => other,
    };
    let rest = segments.get(1..).unwrap_or_default();
    let literals: String = rest.iter().filter_map(Segment::literal).map(pascal).collect();
    let params: Vec<String> = rest.iter().flat_map(Segment::params).map(pascal).collect();
    let short = format!("{}{literals}", pascal(verb));
    let full = if params.is_empty() { short.clone() } else { format!("{short}By{}", params.join("And")) };
    (short, full)
}

/// An operation's key in the lock, which releases keep: its method and its
/// normalized path (`GET /v2/Services/{}/Bindings`), never its operationId.
fn op_key(method: &str, segments: &[Segment]) -> String {
    format!("{} {}", method.to_ascii_uppercase(), normalized(segments))
}

/// The lock key of a lowered operation, as `op_key` spells it.
pub fn op_key_of(op: &Operation) -> String {
    format!("{} {}", format!("{:?}", op.http_method).to_ascii_uppercase(), normalize_template(&op.path))
}

/// A path template with every parameter spelled `{}`, as node keys are.
pub fn normalize_template(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut inside = false;
    for c in path.chars() {
        match c {
            '{' => {
                inside = true;
                out.push_str("{}");
            }
            '}' => inside = false,
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

fn normalized(segments: &[Segment]) -> String {
    segments.iter().map(|s| format!("/{}", s.normalized())).collect()
}

/// The path as literal text and parameters, with `/` joined into literals.
fn path_parts(segments: &[Segment]) -> Vec<PathPart> {
    let mut parts: Vec<PathPart> = Vec::new();
    for segment in segments {
        let mut pieces = vec![PathPart::Literal("/".to_owned())];
        pieces.extend(segment.parts.iter().cloned());
        for piece in pieces {
            match (parts.last_mut(), piece) {
                (Some(PathPart::Literal(text)), PathPart::Literal(more)) => text.push_str(&more),
                (_, piece) => parts.push(piece),
            }
        }
    }
    parts
}

fn twilio_ext<'e>(
    extensions: &'e indexmap::IndexMap<String, serde_json::Value>,
    key: &str,
) -> Option<&'e serde_json::Value> {
    extensions.get("x-twilio").and_then(|v| v.get(key))
}

fn is_pii(extensions: &indexmap::IndexMap<String, serde_json::Value>) -> bool {
    twilio_ext(extensions, "pii").is_some()
}

fn bounds(schema: &Schema) -> (Option<i64>, Option<i64>) {
    let target = match &schema.schema_kind {
        SchemaKind::Type(Type::Array(array)) => array.items.as_ref().and_then(|i| match i {
            ReferenceOr::Item(s) => Some(&**s),
            ReferenceOr::Reference { .. } => None,
        }),
        _ => Some(schema),
    };
    match target.map(|s| &s.schema_kind) {
        Some(SchemaKind::Type(Type::Integer(int))) => (int.minimum, int.maximum),
        _ => (None, None),
    }
}

/// The noun a SID is named after: `service_sid` → `Service`, a resource's
/// own `sid` → the resource.
fn sid_noun(owner: &Owner<'_>) -> String {
    let field = snake(owner.field);
    let field = unraw(&field);
    if field == "sid" {
        owner.noun.to_owned()
    } else if let Some(stem) = field.strip_suffix("_sid").filter(|s| !s.is_empty()) {
        pascal(stem)
    } else {
        pascal(field)
    }
}

#[cfg(test)]
mod tests {
    use super::{PathPart, module_name, parse_path, path_parts, sid_prefix};
    use crate::load::load;
    use crate::ptr;

    #[test]
    fn path_templates() {
        let spec =
            load("t.yaml", "openapi: 3.0.1\ninfo: {title: t, version: '1'}\npaths: {}\n").expect("loads");
        let lit = |t: &str| PathPart::Literal(t.to_owned());
        let param = |t: &str| PathPart::Param(t.to_owned());
        let good: &[(&str, Vec<PathPart>)] = &[
            ("/v2/Services", vec![lit("/v2/Services")]),
            (
                "/v2/Services/{ServiceSid}/Bindings/{Sid}",
                vec![lit("/v2/Services/"), param("ServiceSid"), lit("/Bindings/"), param("Sid")],
            ),
            ("/v1/Calls/{Sid}.json", vec![lit("/v1/Calls/"), param("Sid"), lit(".json")]),
            ("/v1/{A}-{B}", vec![lit("/v1/"), param("A"), lit("-"), param("B")]),
        ];
        for (path, parts) in good {
            let segments = parse_path(&spec, path, &ptr!["paths", path]).expect(path);
            assert_eq!(&path_parts(&segments), parts, "{path}");
        }
        let bad = [
            ("/v1/{Unclosed", "unbalanced `{`"),
            ("/v1/Closed}", "unbalanced `}`"),
            ("/v1/{}", "bad path parameter"),
            ("/v1/{a{b}}", "bad path parameter"),
            ("v1/NoSlash", "does not start with `/`"),
        ];
        for (path, message) in bad {
            let error = parse_path(&spec, path, &ptr!["paths", path]).expect_err(path);
            assert!(error.message.contains(message), "{path}: {error}");
            assert_eq!(error.pointer, format!("/paths/{}", path.replace('/', "~1")));
        }
    }

    #[test]
    fn module_names() {
        let cases = [
            ("chat_v2", "chat_v2"),
            ("Chat-V2", "chat_v2"),
            // Keywords, the crate's own modules and file names get `_api`.
            ("type", "type_api"),
            ("self", "self_api"),
            ("_rt", "rt_api"),
            ("sid", "sid_api"),
            ("mod", "mod_api"),
        ];
        for (name, expected) in cases {
            assert_eq!(module_name(name), expected, "{name}");
        }
    }

    #[test]
    fn modules_take_a_first_segment_only_when_it_is_plain_text() {
        for (path, module) in [
            ("/v1/Things", "things_v1"),
            ("/v1.{Format}/Things", "things_api"),
            ("/{Version}/Things", "things_api"),
        ] {
            let params = match path.split(['{', '}']).nth(1) {
                Some(name) => {
                    format!("[{{name: {name}, in: path, required: true, schema: {{type: string}}}}]")
                }
                None => "[]".to_owned(),
            };
            let text = format!(
                "openapi: 3.0.1\ninfo: {{title: t, version: '1'}}\nservers: [{{url: 'https://things.twilio.com'}}]\n\
                 paths:\n  {path}:\n    get:\n      parameters: {params}\n      responses: {{'204': {{description: OK}}}}\n"
            );
            let spec = load("t.yaml", &text).unwrap_or_else(|e| panic!("{e}"));
            let (api, _) = super::lower(&[spec], &Default::default()).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(api.domains.keys().collect::<Vec<_>>(), [module], "{path}");
        }
    }

    #[test]
    fn sid_patterns() {
        let cases = [
            ("^BS[0-9a-fA-F]{32}$", Some("BS")),
            ("^IS[0-9a-fA-F]{32}$", Some("IS")),
            ("US[0-9a-f]{32}", Some("US")),
            ("^AC[0-9A-Fa-f]{32}$", Some("AC")),
            ("^[a-zA-Z]{2}[0-9a-fA-F]{32}$", None),
            ("^(SM|MM)[0-9a-fA-F]{32}$", None),
            ("^OQ[a-zA-Z0-9]{32}$", None),
            ("^aia_asst_.+$", None),
            ("^bs[0-9a-fA-F]{32}$", None),
            ("", None),
        ];
        for (pattern, expected) in cases {
            assert_eq!(sid_prefix(pattern), expected, "{pattern}");
        }
    }
}

/// Unit tests of naming rules that the real specs never exercise, each on a
/// small spec of its own.
#[cfg(test)]
mod naming_tests {
    use crate::load::load;
    use crate::model::*;
    use crate::naming::NameLock;

    /// `paths` (and `schemas`, YAML under `components.schemas`) as a spec of
    /// its own, on `things.twilio.com`.
    fn spec(paths: &str, schemas: &str) -> String {
        format!(
            "openapi: 3.0.1\ninfo: {{title: t, version: '1'}}\nservers: [{{url: 'https://things.twilio.com'}}]\n\
             components:\n  schemas:\n{schemas}paths:\n{paths}"
        )
    }

    fn lowered(files: &[(&str, String)], lock: &[(&str, &str)]) -> Result<(Api, NameLock), crate::Error> {
        let specs: Vec<_> = files.iter().map(|(name, text)| load(name, text)).collect::<Result<_, _>>()?;
        let lock: NameLock = lock.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        super::lower(&specs, &lock)
    }

    fn domain(paths: &str, schemas: &str, lock: &[(&str, &str)]) -> Domain {
        let (mut api, _) =
            lowered(&[("t.yaml", spec(paths, schemas))], lock).unwrap_or_else(|e| panic!("{e}"));
        api.domains.remove("things_v1").expect("things_v1")
    }

    fn get(path: &str, params: &str, response: &str) -> String {
        format!(
            "  {path}:\n    get:\n      parameters: [{params}]\n      responses: {{'200': {{description: OK{response}}}}}\n"
        )
    }

    /// A path item with one operation, whose operationId is `id`.
    fn with_id(path: &str, id: &str) -> String {
        format!(
            "  {path}:\n    get:\n      operationId: {id}\n      responses: {{'204': {{description: OK}}}}\n"
        )
    }

    fn path_param(name: &str, schema: &str) -> String {
        format!("{{name: {name}, in: path, required: true, schema: {schema}}}, ")
    }

    fn returns(schema: &str) -> String {
        format!(", content: {{application/json: {{schema: {{$ref: '#/components/schemas/{schema}'}}}}}}")
    }

    fn operations(domain: &Domain) -> Vec<&Operation> {
        domain.resources.values().flat_map(|r| &r.operations).collect()
    }

    #[test]
    fn an_instance_under_an_instance_hangs_off_it() {
        let sid = path_param("Sid", "{type: string}");
        let version = path_param("Version", "{type: string}");
        let d = domain(&get("/v1/Things/{Sid}/{Version}", &format!("{sid}{version}"), ""), "", &[]);
        assert_eq!(d.resources["/v1/Things/{}/{}"].parent.as_deref(), Some("/v1/Things/{}"));
        assert_eq!(
            d.resources["/v1/Things/{}"].parent, None,
            "an instance hangs off its collection's parent"
        );
    }

    #[test]
    fn parameters_of_one_segment_take_their_types_in_order() {
        let sid = path_param("Sid", "{type: string, pattern: '^TH[0-9a-fA-F]{32}$'}");
        let version = path_param("Version", "{type: integer}");
        let d = domain(&get("/v1/Things/{Sid}-{Version}", &format!("{sid}{version}"), ""), "", &[]);
        let types: Vec<&TypeRef> =
            d.resources["/v1/Things/{}-{}"].identifiers.iter().map(|p| &p.ty).collect();
        assert_eq!(types, [&TypeRef::Sid("TH".to_owned()), &TypeRef::I64]);
    }

    #[test]
    fn an_operation_parameter_named_like_a_path_parameter_gives_way() {
        let sid = path_param("Sid", "{type: string}");
        let params = format!(
            "{sid}{{name: ThingSid, in: query, schema: {{type: string}}}}, {{name: QueryThingSid, in: query, schema: {{type: string}}}}"
        );
        let d = domain(&get("/v1/Things/{Sid}", &params, ""), "", &[]);
        let names: Vec<(&str, &str)> =
            operations(&d)[0].params.iter().map(|p| (p.name.as_str(), p.rust_name.as_str())).collect();
        assert_eq!(names, [("QueryThingSid", "query_thing_sid"), ("ThingSid", "query_thing_sid_alt")]);
        assert_eq!(d.resources["/v1/Things/{}"].identifiers[0].rust_name, "thing_sid");
    }

    #[test]
    fn derived_operation_ids_take_their_path_parameters_when_shared_or_given() {
        let sid = path_param("Sid", "{type: string}");
        let version = path_param("Version", "{type: string}");
        let paths = [
            with_id("/v1/Other", "FetchThings"),
            get("/v1/Things/{Sid}", &sid, ""),
            get("/v1/Widgets/{Sid}", &sid, ""),
            get("/v1/Widgets/{Sid}/{Version}", &format!("{sid}{version}"), ""),
            get("/v1/Gadgets/{Sid}", &sid, ""),
        ]
        .concat();
        let d = domain(&paths, "", &[]);
        let mut ids: Vec<&str> = operations(&d).iter().map(|op| op.operation_id.as_str()).collect();
        ids.sort();
        assert_eq!(
            ids,
            [
                "FetchGadgets",
                "FetchThings",
                "FetchThingsBySid",
                "FetchWidgetsBySid",
                "FetchWidgetsBySidAndVersion"
            ]
        );
    }

    #[test]
    fn a_derived_operation_id_that_is_taken_is_an_error() {
        let sid = path_param("Sid", "{type: string}");
        // Its short form is given, so it takes its full form: given too.
        let paths = [with_id("/v1/Other", "FetchThings"), get("/v1/Things/{Sid}", &sid, "")].concat();
        let taken = [paths.clone(), with_id("/v1/Else", "FetchThingsBySid")].concat();
        assert!(lowered(&[("t.yaml", spec(&paths, ""))], &[]).is_ok());
        let error = lowered(&[("t.yaml", spec(&taken, ""))], &[]).err().map(|e| e.to_string());
        assert!(error.as_deref().is_some_and(|e| e.contains("\"FetchThingsBySid\", is taken")), "{error:?}");
    }

    #[test]
    fn nodes_that_lead_to_no_operation_are_dropped_however_deep() {
        let sid = path_param("Sid", "{type: string}");
        let paths =
            [get("/v1/Other", "", ""), format!("  /v1/Things/{{Sid}}/Parts:\n    parameters: [{sid}]\n")]
                .concat();
        let d = domain(&paths, "", &[]);
        assert_eq!(d.resources.keys().collect::<Vec<_>>(), ["/v1/Other"]);
    }

    #[test]
    fn parameters_that_want_one_name_fall_back_by_where_they_are() {
        let params = "{name: Thing, in: query, schema: {type: string}}, {name: thing, in: query, schema: {type: string}}, \
                      {name: Other, in: header, schema: {type: string}}, {name: other, in: query, schema: {type: string}}";
        let d = domain(&get("/v1/Things", params, ""), "", &[]);
        let names: Vec<(&str, &str)> =
            operations(&d)[0].params.iter().map(|p| (p.name.as_str(), p.rust_name.as_str())).collect();
        // Beside one of its own place, a name takes its spelling; beside another place, its place.
        assert_eq!(
            names,
            [("Other", "header_other"), ("other", "other"), ("Thing", "thing"), ("thing", "thing_lower")]
        );
    }

    #[test]
    fn docs_say_what_a_path_holds_in_its_own_words() {
        let sid = "{name: Sid, in: path, required: true, description: The thing., schema: {type: string}}";
        let name = path_param("Name", "{type: string}");
        let paths = [get("/v1/Things/{Sid}/Parts", sid, ""), get("/v1/Widgets/{Name}", &name, "")].concat();
        let d = domain(&paths, "", &[]);
        let list = &d.resources["/v1/Things/{}/Parts"].operations[0];
        assert_eq!(list.doc.first().map(String::as_str), Some("Lists the parts."));
        assert_eq!(list.path_params[0].doc, ["The thing."], "an operation keeps the doc it declares");
        // A node no path item declares is documented by the template it stands for,
        // and its parameter by the operations below it.
        let thing = &d.resources["/v1/Things/{}"];
        assert!(thing.doc.iter().any(|l| l == "Path: `/v1/Things/{Sid}`."), "{:?}", thing.doc);
        let sid_doc = &thing.identifiers[0].doc;
        assert_eq!(sid_doc[0], "The thing.");
        assert!(sid_doc[1].starts_with("Any text is taken here, not only a SID"), "{sid_doc:?}");
        // Free text that is not called a SID needs no such note.
        assert_eq!(d.resources["/v1/Widgets/{}"].identifiers[0].doc, ["The `Name` path parameter."]);
    }

    #[test]
    fn members_collections_and_their_texts() {
        let sid = path_param("Sid", "{type: string}");
        let name = path_param("Name", "{type: string}");
        let part = path_param("PartSid", "{type: string}");
        let described = |path: &str, text: &str, params: &str| {
            get(path, params, "").replacen(":\n", &format!(":\n    description: {text}\n"), 1)
        };
        let paths = [
            described("/v1/Knowledge", "Bits of knowledge.", ""),
            described("/v1/Knowledge/{Sid}", "Bits of knowledge.", &sid),
            described("/v1/Widgets/{Name}", "A widget.", &name),
            get("/v1/Things/{Sid}/Parts/{PartSid}", &format!("{sid}{part}"), ""),
        ]
        .concat();
        let d = domain(&paths, "", &[]);
        // A collection spelled like its members leaves them the plain name.
        assert_eq!(d.resources["/v1/Knowledge"].accessor, "knowledge_list");
        assert_eq!(d.resources["/v1/Knowledge/{}"].accessor, "knowledge");
        // Text a member shares with its collection documents the collection only.
        let has = |key: &str, text: &str| d.resources[key].doc.iter().any(|l| l == text);
        assert!(has("/v1/Knowledge", "Bits of knowledge."));
        assert!(!has("/v1/Knowledge/{}", "Bits of knowledge."));
        assert!(has("/v1/Widgets/{}", "A widget."));
        // Each path parameter takes its own place in the path.
        let op = &d.resources["/v1/Things/{}/Parts/{}"].operations[0];
        let params: Vec<&str> = op
            .path_parts
            .iter()
            .filter_map(|p| match p {
                PathPart::Param(name) => Some(name.as_str()),
                PathPart::Literal(_) => None,
            })
            .collect();
        assert_eq!(params, ["thing_sid", "part_sid"]);
    }

    #[test]
    fn a_component_in_several_files_is_one_type_only_if_it_is_the_same() {
        let thing =
            "    things.v1.thing:\n      type: object\n      properties:\n        a: {type: string}\n";
        let other =
            "    things.v1.thing:\n      type: object\n      properties:\n        b: {type: string}\n";
        let sid = path_param("Sid", "{type: string}");
        let first = spec(&get("/v1/Things", "", &returns("things.v1.thing")), thing);
        let same = spec(&get("/v1/Things/{Sid}", &sid, &returns("things.v1.thing")), thing);
        let (api, _) =
            lowered(&[("a.yaml", first.clone()), ("b.yaml", same)], &[]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(api.domains["things_v1"].types.keys().collect::<Vec<_>>(), ["Thing"]);
        let differs = spec(&get("/v1/Things/{Sid}", &sid, &returns("things.v1.thing")), other);
        let error = lowered(&[("a.yaml", first), ("b.yaml", differs)], &[]).err().map(|e| e.to_string());
        assert!(
            error.is_some_and(|e| e.starts_with("b.yaml") && e.contains("differs from the one in a.yaml"))
        );
    }

    #[test]
    fn places_locked_to_one_enum_share_every_value() {
        let schemas = "    things.v1.thing:\n      type: object\n      properties:\n        kind: {type: string, enum: [a, b]}\n";
        let page = ", content: {application/json: {schema: {type: object, properties: {things: {type: array, items: {$ref: '#/components/schemas/things.v1.thing'}}, meta: {type: object, properties: {next_page_url: {type: string}}}}}}}";
        let param = "{name: Kind, in: query, schema: {type: string, enum: [b, c]}}";
        let lock = [
            ("things_v1 type field Thing kind", "Kind"),
            ("things_v1 type param GET /v1/Things query Kind", "Kind"),
        ];
        let d = domain(&get("/v1/Things", param, page), schemas, &lock);
        let Some(TypeDef::Enum(kind)) = d.types.get("Kind") else { panic!("{:?}", d.types.keys()) };
        let values: Vec<&str> = kind.variants.iter().map(|v| v.value.as_str()).collect();
        assert_eq!(values, ["b", "c", "a"]);
        assert_eq!(d.types.len(), 2, "{:?}", d.types.keys());
    }

    #[test]
    fn enums_of_the_same_values_under_other_names_stay_apart() {
        let schemas = "    things.v1.thing_enum:\n      type: object\n      properties:\n        kind: {type: string, enum: [big, small]}\n\
                       \x20   things.v1.thing:\n      type: object\n      properties:\n        kind: {$ref: '#/components/schemas/thing_enum_kind'}\n\
                       \x20   thing_enum_kind: {type: string, enum: [big, small]}\n";
        let paths = [
            get("/v1/Alpha", "", &returns("things.v1.thing_enum")),
            get("/v1/Things", "", &returns("things.v1.thing")),
        ];
        let d = domain(&paths.concat(), schemas, &[]);
        let enums: Vec<&String> =
            d.types.iter().filter(|(_, t)| matches!(t, TypeDef::Enum(_))).map(|(n, _)| n).collect();
        assert_eq!(enums, ["ThingEnumKind", "ThingKind"]);
    }

    /// A filter and a field with enums of their own, as older Twilio specs
    /// had them, then one schema for both.
    fn binding_types(shared: bool) -> (String, String) {
        let kind = |own: &str| {
            if shared {
                "$ref: '#/components/schemas/binding_enum_binding_type'".to_owned()
            } else {
                format!("type: string, enum: [apn, gcm{own}]")
            }
        };
        let paths = get(
            "/v1/Bindings",
            &format!("{{name: Kind, in: query, schema: {{{}}}}}, ", kind("")),
            ", content: {application/json: {schema: {type: object, properties: {kind: {$ref: '#/components/schemas/things.v1.binding'}}}}}",
        );
        let schemas = format!(
            "    things.v1.binding:\n      type: object\n      properties:\n        binding_type: {{{}}}\n    binding_enum_binding_type:\n      type: string\n      enum: [apn, gcm, fcm]\n",
            kind(", fcm")
        );
        (paths, schemas)
    }

    #[test]
    fn places_that_come_to_share_a_schema_keep_their_names() {
        let (paths, schemas) = binding_types(false);
        let (first, lock) = lowered(&[("t.yaml", spec(&paths, &schemas))], &[]).expect("lowers");
        let api = first.clone();
        let (filter, field) =
            ("things_v1 type param GET /v1/Bindings query Kind", "things_v1 type field Binding binding_type");
        assert_eq!((lock[filter].as_str(), lock[field].as_str()), ("BindingKind", "BindingType"));
        assert!(api.domains["things_v1"].aliases.is_empty());

        // One schema for both: one type, named as the schema's places most
        // often were (a tie: the first in key order), the other an alias.
        let (paths, schemas) = binding_types(true);
        let (api, merged) = lowered(
            &[("t.yaml", spec(&paths, &schemas))],
            &lock.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect::<Vec<_>>(),
        )
        .expect("lowers");
        let d = &api.domains["things_v1"];
        assert!(d.types.contains_key("BindingType") && !d.types.contains_key("BindingKind"));
        assert_eq!(
            d.aliases["BindingKind"],
            Alias { target: "BindingType".to_owned(), schema: "binding_enum_binding_type".to_owned() }
        );
        // The lock rewrites no entry, and learns the schema's name.
        for (key, name) in &lock {
            assert_eq!(merged.get(key), Some(name), "{key}");
        }
        assert_eq!(merged["things_v1 type schema binding_enum_binding_type"], "BindingType");
        // The report says so in one line, true and mirrored.
        let merged_again = merged.clone();
        let changes = crate::diff::diff(&first, &lock, &api, &merged_again);
        let lines: Vec<(&str, &crate::diff::Kind, bool)> =
            changes.iter().map(|c| (c.rust.as_str(), &c.kind, c.breaking)).collect();
        let merge = crate::diff::Kind::Merged("BindingKind".to_owned(), "BindingType".to_owned());
        assert_eq!(lines, [("things_v1::BindingKind", &merge, false)]);
        assert!(crate::diff::untrue_lines(&first, &api, &changes).is_empty());
        let back = crate::diff::diff(&api, &merged_again, &first, &lock);
        assert!(crate::diff::unmirrored(&changes, &back).is_empty(), "{back:#?}");
        assert!(back.iter().all(|c| c.breaking && c.kind == merge.mirror()));

        // Apart again: each place has its own name back, no alias.
        let (paths, schemas) = binding_types(false);
        let owned: Vec<(&str, &str)> = merged.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let (api, split) = lowered(&[("t.yaml", spec(&paths, &schemas))], &owned).expect("lowers");
        let d = &api.domains["things_v1"];
        assert!(
            d.types.contains_key("BindingType")
                && d.types.contains_key("BindingKind")
                && d.aliases.is_empty()
        );
        assert_eq!(split, merged);
    }

    #[test]
    fn a_name_every_candidate_of_which_is_promised_comes_from_the_path() {
        // `/v1/Account` (a singleton) and the members of `/v1/Accounts`
        // both want `AccountContext` and `account`.
        let paths = format!(
            "{}{}",
            get("/v1/Account", "", ""),
            get("/v1/Accounts/{Sid}", &path_param("Sid", "{type: string}"), "")
        )
        .replace("  /v1/Account:\n", "  /v1/Account:\n    x-twilio: {pathType: instance}\n");
        let d = domain(&paths, "", &[]);
        let names: Vec<(&str, &str)> =
            d.resources.values().map(|r| (r.rust_name.as_str(), r.accessor.as_str())).collect();
        assert_eq!(names, [("AccountContext", "account"), ("AccountsBySidContext", "account_by_sid")]);
        // A lock that promises the singleton's every candidate to the member:
        // still a base from the spec, and the member keeps its name.
        let d = domain(&paths, "", &[("things_v1 node /v1/Accounts/{} type", "AccountContext")]);
        assert_eq!(d.resources["/v1/Account"].rust_name, "AccountContextAlt");
        assert_eq!(d.resources["/v1/Accounts/{}"].rust_name, "AccountContext");
        // Two `{id}`s, in paths of their own, as Twilio's Assistants has
        // them: the inner one takes its node's name.
        let id = path_param("id", "{type: string}");
        let paths = format!(
            "{}{}",
            get("/v1/Assistants/{id}", &id, ""),
            get(
                "/v1/Assistants/{assistantId}/Tools/{id}",
                &format!("{}{id}", path_param("assistantId", "{type: string}")),
                ""
            )
        );
        let d = domain(&paths, "", &[]);
        let names: Vec<&str> = d.resources["/v1/Assistants/{}/Tools/{}"]
            .path_params
            .iter()
            .map(|p| p.rust_name.as_str())
            .collect();
        assert_eq!(names, ["id", "tool_id"]);
    }

    #[test]
    fn sid_names_the_lock_gives_are_claimed_first() {
        let schema = |name: &str, prefix: &str| {
            format!(
                "    things.v1.{name}:\n      type: object\n      properties:\n        participant_sid: {{type: string, pattern: '^{prefix}[0-9a-fA-F]{{32}}$'}}\n"
            )
        };
        let schemas = format!("{}{}{}", schema("a", "PA"), schema("b", "PA"), schema("c", "PB"));
        let paths = ["a", "b", "c"]
            .map(|n| get(&format!("/v1/{n}"), "", &returns(&format!("things.v1.{n}"))))
            .concat();
        let (api, _) = lowered(&[("t.yaml", spec(&paths, &schemas))], &[]).expect("lowers");
        assert_eq!(api.sids["PA"].rust_name, "ParticipantSid", "used most often");
        let (api, lock) =
            lowered(&[("t.yaml", spec(&paths, &schemas))], &[("sid PB", "ParticipantSid")]).expect("lowers");
        assert_eq!(
            (api.sids["PB"].rust_name.as_str(), lock["sid PB"].as_str()),
            ("ParticipantSid", "ParticipantSid")
        );
        assert_eq!(api.sids["PA"].rust_name, "ParticipantPASid");
    }

    #[test]
    fn sid_types_take_the_name_of_the_resource_most_operations_return() {
        let schema = |name: &str, field: &str, prefix: &str| {
            format!(
                "    things.v1.{name}:\n      type: object\n      properties:\n        {field}: {{type: string, pattern: '^{prefix}[0-9a-fA-F]{{32}}$'}}\n"
            )
        };
        let schemas = [
            schema("participant", "sid", "PA"),
            schema("a", "participant_sid", "PB"),
            schema("b", "participant_sid", "PB"),
            schema("incoming", "sid", "PN"),
            schema("number", "sid", "PN"),
        ]
        .concat();
        let sid = path_param("Sid", "{type: string}");
        let paths = [
            get("/v1/Participants", "", &returns("things.v1.participant")),
            get("/v1/A", "", &returns("things.v1.a")),
            get("/v1/B", "", &returns("things.v1.b")),
            get("/v1/IncomingPhoneNumbers", "", &returns("things.v1.incoming")),
            get("/v1/IncomingPhoneNumbers/{Sid}", &sid, &returns("things.v1.incoming")),
            get("/v1/Numbers", "", &returns("things.v1.number")),
        ]
        .concat();
        let (api, _) = lowered(&[("t.yaml", spec(&paths, &schemas))], &[]).expect("lowers");
        let names: Vec<(&str, &str)> =
            api.sids.iter().map(|(p, s)| (p.as_str(), s.rust_name.as_str())).collect();
        // The owner claims its noun before a prefix that is only used with
        // it, however often; of two owners, the one more operations return.
        assert_eq!(
            names,
            [("PA", "ParticipantSid"), ("PB", "ParticipantPBSid"), ("PN", "IncomingPhoneNumberSid")]
        );
    }

    #[test]
    fn nodes_that_lead_nowhere_leave_nothing_in_the_lock() {
        let (_, lock) = lowered(
            &[(
                "t.yaml",
                spec(&get("/v1/Services/{Sid}/Things", &path_param("Sid", "{type: string}"), ""), ""),
            )],
            &[],
        )
        .expect("lowers");
        assert!(lock.keys().all(|k| !k.contains("node /v1/Services ")), "{lock:#?}");
        assert!(lock.contains_key("things_v1 node /v1/Services/{} accessor"));
    }
}
