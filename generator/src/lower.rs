//! Lowering: from parsed specs to the model.
//!
//! Paths are grouped into domains by host and first path segment (Chat v2 is
//! `chat.twilio.com` + `/v2`), so that fragments of one API merge and one
//! spec with several products splits. Each domain gets a navigation tree built
//! from its path templates, with `x-twilio` `pathType` and `mountName`
//! refining it. Every Rust name is decided here, once.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{
    Operation as OaOperation, Parameter, ParameterSchemaOrContent, PathItem, ReferenceOr, Schema, SchemaKind,
    StatusCode, Type, VariantOrUnknownOrEmpty,
};

use crate::docs;
use crate::error::{Error, Pointer};
use crate::load::{SchemaRef, Spec};
use crate::model::*;
use crate::naming::{Namespace, join_overlapping, pascal, singular, snake, unraw};
use crate::ptr;

/// Properties of an object schema, as openapiv3 holds them.
type Properties = indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>;

/// How deep schemas may nest before lowering gives up with an error.
const MAX_DEPTH: usize = 48;

/// Names that generated modules import or that would shadow the prelude.
const RESERVED_TYPES: &[&str] =
    &["Box", "Client", "Error", "Option", "Page", "Request", "Result", "Self", "String", "Vec"];

/// Why an operation could not be lowered.
enum Problem {
    /// The spec is wrong: the whole run fails.
    Fatal(Error),
    /// The spec is fine but uses something not supported: skip the operation.
    Skip(Skipped),
}

impl From<Error> for Problem {
    fn from(error: Error) -> Self {
        Problem::Fatal(error)
    }
}

type Lowered<T> = Result<T, Problem>;

/// Lowers parsed specs into the model of one crate.
pub fn lower(specs: &[Spec]) -> Result<Api, Error> {
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
            let module = snake(&format!("{product}_{first}"));
            let domain = domains.entry(module.clone()).or_insert_with(|| DomainInput {
                module,
                title: spec.doc.info.title.clone(),
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
    let mut lowered = BTreeMap::new();
    for (module, input) in domains {
        let domain = DomainLowering::new(specs, &mut sid_uses, &mut skipped).lower(input)?;
        // A domain whose every operation was skipped has nothing to offer.
        if !domain.resources.is_empty() {
            lowered.insert(module, domain);
        }
    }
    let taken: BTreeSet<&str> = lowered
        .values()
        .flat_map(|d| d.types.keys().chain(d.resources.values().map(|r| &r.rust_name)))
        .map(String::as_str)
        .collect();
    let sids = sid_uses.name(taken);
    skipped.sort_by(|a: &Skipped, b| (&a.file, &a.pointer).cmp(&(&b.file, &b.pointer)));
    Ok(Api { domains: lowered, sids, skipped })
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
                    parts.push(PathPart::Param(name.to_owned()));
                    rest = &after[close + 1..];
                }
            }
        }
        segments.push(Segment { parts });
    }
    Ok(segments)
}

struct DomainInput<'a> {
    module: String,
    title: String,
    server: String,
    sources: BTreeSet<String>,
    paths: Vec<PathInput<'a>>,
}

struct PathInput<'a> {
    spec: usize,
    path: &'a str,
    item: &'a PathItem,
    at: Pointer,
    segments: Vec<Segment>,
}

/// A navigation node before names are given.
struct NodeDraft {
    depth: usize,
    /// Navigation parent: the previous node, except that an instance hangs
    /// off the parent of its collection, as `service.binding(sid)` does.
    parent: Option<String>,
    literal: Option<String>,
    own_path: Option<usize>,
    mount_name: Option<String>,
    /// Index of the first path (sorted) that reaches this node.
    first_path: usize,
}

/// Every use of a SID prefix with the noun it was used for, to pick names.
#[derive(Default)]
struct SidUses {
    uses: BTreeMap<String, BTreeMap<String, usize>>,
}

impl SidUses {
    fn record(&mut self, prefix: &str, noun: &str) {
        *self.uses.entry(prefix.to_owned()).or_default().entry(noun.to_owned()).or_default() += 1;
    }

    /// Names each prefix after its most frequent noun (then the shortest,
    /// then the first alphabetically), avoiding names already taken.
    fn name(self, taken: BTreeSet<&str>) -> BTreeMap<String, SidType> {
        let mut ns = Namespace::with_reserved(taken.into_iter().chain(RESERVED_TYPES.iter().copied()));
        self.uses
            .into_iter()
            .map(|(prefix, nouns)| {
                let noun = nouns
                    .into_iter()
                    .max_by(|(a, x), (b, y)| x.cmp(y).then(b.len().cmp(&a.len())).then(b.cmp(a)))
                    .map(|(noun, _)| noun)
                    .unwrap_or_default();
                let rust_name = ns.claim(&format!("{noun}Sid"));
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
}

struct DomainLowering<'a, 'u> {
    specs: &'a [Spec],
    sid_uses: &'u mut SidUses,
    skipped: &'u mut Vec<Skipped>,
    ns: Namespace,
    /// Component name → (spec index, Rust name).
    components: BTreeMap<String, (usize, String)>,
    /// Components being lowered, to box fields that close a cycle.
    in_progress: BTreeSet<String>,
    types: BTreeMap<String, TypeDef>,
    /// How deep the schema being lowered sits.
    depth: usize,
}

impl<'a, 'u> DomainLowering<'a, 'u> {
    fn new(specs: &'a [Spec], sid_uses: &'u mut SidUses, skipped: &'u mut Vec<Skipped>) -> Self {
        DomainLowering {
            specs,
            sid_uses,
            skipped,
            ns: Namespace::with_reserved(RESERVED_TYPES.iter().copied()),
            components: BTreeMap::new(),
            in_progress: BTreeSet::new(),
            types: BTreeMap::new(),
            depth: 0,
        }
    }

    fn lower(mut self, input: DomainInput<'a>) -> Result<Domain, Error> {
        let rust_name = self.ns.claim(&pascal(&input.module));
        let drafts = Self::drafts(&input);

        // Operations first: node identifiers take their types from them.
        let mut operations: BTreeMap<String, Vec<(Operation, Vec<Param>)>> = BTreeMap::new();
        let mut op_ids = BTreeMap::new();
        for path in &input.paths {
            let spec = &self.specs[path.spec];
            let key = normalized(&path.segments);
            for (method, op, name) in methods(path.item) {
                let at = path.at.join(name);
                let Some(method) = method else {
                    self.skip(spec, &at, format!("HTTP method {} is not supported", name.to_uppercase()));
                    continue;
                };
                match self.operation(spec, path, method, op, &at) {
                    Ok(lowered) => {
                        if let Some(previous) = op_ids.insert(lowered.0.operation_id.clone(), at.clone()) {
                            return Err(spec.error(
                                &at.join("operationId"),
                                format!(
                                    "duplicate operationId {:?}, also used at {previous}",
                                    lowered.0.operation_id
                                ),
                            ));
                        }
                        operations.entry(key.clone()).or_default().push(lowered);
                    }
                    Err(Problem::Fatal(error)) => return Err(error),
                    Err(Problem::Skip(skip)) => self.skipped.push(skip),
                }
            }
        }

        let resources = self.resources(&input, drafts, operations);
        Ok(Domain {
            module: input.module,
            rust_name,
            title: input.title,
            server: input.server,
            sources: input.sources.into_iter().collect(),
            resources,
            types: self.types,
        })
    }

    fn skip(&mut self, spec: &Spec, at: &Pointer, reason: String) {
        self.skipped.push(Skipped { file: spec.file.clone(), pointer: at.to_string(), reason });
    }

    /// Lays out the navigation tree: one node per path prefix below the
    /// domain's first segment.
    fn drafts(input: &DomainInput<'a>) -> BTreeMap<String, NodeDraft> {
        let mut drafts: BTreeMap<String, NodeDraft> = BTreeMap::new();
        for (index, path) in input.paths.iter().enumerate() {
            let mut parent: Option<String> = None;
            let mut last_literal: Option<String> = None;
            for depth in 1..path.segments.len() {
                let key = normalized(&path.segments[..=depth]);
                let segment = &path.segments[depth];
                let literal = segment.literal().map(str::to_owned);
                // An instance under a collection hangs off the collection's parent.
                let nav_parent = match (&literal, &parent) {
                    (None, Some(p)) if drafts.get(p).is_some_and(|d| d.literal.is_some()) => {
                        drafts.get(p).and_then(|d| d.parent.clone())
                    }
                    _ => parent.clone(),
                };
                let draft = drafts.entry(key.clone()).or_insert(NodeDraft {
                    depth,
                    parent: nav_parent,
                    literal,
                    own_path: None,
                    mount_name: None,
                    first_path: index,
                });
                if draft.literal.is_some() {
                    last_literal = Some(key.clone());
                }
                if depth == path.segments.len() - 1 {
                    draft.own_path = Some(index);
                }
                parent = Some(key);
            }
            let mount = twilio_ext(&path.item.extensions, "mountName").and_then(|v| v.as_str());
            if let (Some(mount), Some(key)) = (mount, last_literal) {
                if let Some(draft) = drafts.get_mut(&key) {
                    draft.mount_name.get_or_insert_with(|| mount.to_owned());
                }
            }
        }
        drafts
    }

    fn resources(
        &mut self,
        input: &DomainInput<'a>,
        drafts: BTreeMap<String, NodeDraft>,
        mut operations: BTreeMap<String, Vec<(Operation, Vec<Param>)>>,
    ) -> BTreeMap<String, Resource> {
        let mut order: Vec<&String> = drafts.keys().collect();
        order.sort_by_key(|k| (drafts[*k].depth, *k));

        let mut child_names: BTreeMap<Option<String>, Namespace> = BTreeMap::new();
        let mut resources: BTreeMap<String, Resource> = BTreeMap::new();
        for key in order {
            let draft = &drafts[key];
            let path = &input.paths[draft.own_path.unwrap_or(draft.first_path)];
            let segments = &path.segments[..=draft.depth];
            let own = draft.own_path.map(|i| &input.paths[i]);
            let parent_literal_accessor = key
                .rsplit_once('/')
                .filter(|(prefix, _)| drafts.get(*prefix).is_some_and(|d| d.literal.is_some()))
                .and_then(|(prefix, _)| resources.get(prefix))
                .map(|r| r.accessor.clone());

            let accessor = match (&draft.literal, &draft.mount_name) {
                (Some(_), Some(mount)) => snake(mount),
                (Some(literal), None) => snake(literal),
                (None, _) => match parent_literal_accessor {
                    Some(list) => singular(&list),
                    None => snake(segments[draft.depth].params().next().unwrap_or("item")),
                },
            };
            let accessor = child_names.entry(draft.parent.clone()).or_default().claim(&accessor);

            let is_instance = draft.literal.is_none()
                || own.and_then(|p| twilio_ext(&p.item.extensions, "pathType")).and_then(|v| v.as_str())
                    == Some("instance");
            let base = pascal(&singular(unraw(&accessor)));
            let candidate = if is_instance {
                format!("{}Context", pascal(unraw(&accessor)))
            } else {
                format!("{base}List")
            };
            let rust_name = if self.ns.is_free(&candidate) {
                self.ns.claim(&candidate)
            } else {
                let parent_base = draft
                    .parent
                    .as_ref()
                    .and_then(|p| resources.get(p))
                    .map(|r| r.rust_name.trim_end_matches("Context").trim_end_matches("List").to_owned())
                    .unwrap_or_default();
                self.ns.claim(&format!("{parent_base}{candidate}"))
            };

            // Path parameters: the parent's, then this segment's.
            let mut path_params = draft
                .parent
                .as_ref()
                .and_then(|p| resources.get(p))
                .map(|r| r.path_params.clone())
                .unwrap_or_default();
            let mut identifiers = Vec::new();
            for name in segments[draft.depth].params() {
                let rust_name = match snake(name).as_str() {
                    "sid" => format!("{}_sid", unraw(&accessor)),
                    other => other.to_owned(),
                };
                let position = path_params.len() + identifiers.len();
                let ty = Self::identifier_type(key, &operations, position);
                let doc = own
                    .and_then(|p| self.declared_doc(p, name))
                    .or_else(|| {
                        below(key, &operations)
                            .find_map(|(_, params)| params.get(position))
                            .map(|p| p.doc.clone())
                    })
                    .filter(|d| !d.is_empty())
                    .unwrap_or_else(|| vec![format!("The `{name}` path parameter.")]);
                identifiers.push(Param {
                    name: name.to_owned(),
                    rust_name,
                    location: Location::Path,
                    required: true,
                    ty,
                    minimum: None,
                    maximum: None,
                    doc,
                    pii: false,
                });
            }
            path_params.extend(identifiers.iter().cloned());
            let mut names = Namespace::default();
            for param in &mut path_params {
                param.rust_name = names.claim(&param.rust_name);
            }

            let template = template(&path.segments[..=draft.depth], own.map(|p| p.path));
            let mut doc =
                own.and_then(|p| p.item.description.as_deref()).map(docs::lines).unwrap_or_default();
            if doc.is_empty() {
                doc.push(if is_instance {
                    "One resource.".to_owned()
                } else {
                    "A list of resources.".to_owned()
                });
            }
            doc.extend([String::new(), format!("Path: `{template}`.")]);

            let mut ops = operations.remove(key).unwrap_or_default();
            ops.sort_by(|a, b| a.0.operation_id.cmp(&b.0.operation_id));
            let operations = ops
                .into_iter()
                .map(|(mut op, declared)| {
                    op.path_params = path_params
                        .iter()
                        .zip(declared)
                        .map(|(node, declared)| Param { doc: declared.doc, ..node.clone() })
                        .collect();
                    let mut index = 0;
                    for part in &mut op.path_parts {
                        if let PathPart::Param(name) = part {
                            *name = path_params.get(index).map(|p| p.rust_name.clone()).unwrap_or_default();
                            index += 1;
                        }
                    }
                    op
                })
                .collect();

            resources.insert(
                key.clone(),
                Resource {
                    path: own.map(|p| p.path.to_owned()),
                    kind: if is_instance { ResourceKind::Instance } else { ResourceKind::List },
                    rust_name,
                    accessor,
                    parent: draft.parent.clone(),
                    identifiers,
                    path_params,
                    doc,
                    operations,
                    children: Vec::new(),
                },
            );
        }

        // Navigation-only nodes that lead to no operation are dropped.
        loop {
            let parents: BTreeSet<String> = resources.values().filter_map(|r| r.parent.clone()).collect();
            let before = resources.len();
            resources.retain(|key, r| !r.operations.is_empty() || parents.contains(key));
            if resources.len() == before {
                break;
            }
        }

        // Children lists, and method names that avoid the children's accessors.
        let keys: Vec<String> = resources.keys().cloned().collect();
        for key in &keys {
            if let Some(parent) = resources[key].parent.clone() {
                if let Some(p) = resources.get_mut(&parent) {
                    p.children.push(key.clone());
                }
            }
        }
        // Method names avoid the node's child accessors.
        let taken: BTreeMap<String, Vec<String>> = resources
            .iter()
            .map(|(key, r)| {
                (key.clone(), r.children.iter().map(|c| unraw(&resources[c].accessor).to_owned()).collect())
            })
            .collect();
        for (key, resource) in resources.iter_mut() {
            let mut names = Namespace::with_reserved(taken[key].iter().map(String::as_str));
            for op in &mut resource.operations {
                // The leading word of the operationId (`list`, `fetch`), itself a name.
                let full = snake(&op.operation_id);
                let verb = snake(unraw(&full).split('_').next().unwrap_or("call"));
                let name = if names.is_free(&verb) { verb } else { full };
                op.method_name = names.claim(&name);
            }
        }
        // Builder names are claimed in operationId order, whatever the paths.
        let mut ops: Vec<&mut Operation> =
            resources.values_mut().flat_map(|r| r.operations.iter_mut()).collect();
        ops.sort_by(|a, b| a.operation_id.cmp(&b.operation_id));
        for op in ops {
            op.builder_name = self.ns.claim(&format!("{}Request", pascal(&op.operation_id)));
        }
        for resource in resources.values_mut() {
            resource.children.sort();
        }
        resources
    }

    /// The type of the path parameter at `position` for the node at `key`:
    /// what its own operations declare, else what every operation below it
    /// agrees on, else a plain string.
    fn identifier_type(
        key: &str,
        operations: &BTreeMap<String, Vec<(Operation, Vec<Param>)>>,
        position: usize,
    ) -> TypeRef {
        let at_position = |(_, params): &(Operation, Vec<Param>)| params.get(position).map(|p| p.ty.clone());
        if let Some(own) = operations.get(key).and_then(|ops| ops.iter().find_map(at_position)) {
            return own;
        }
        let below: BTreeSet<TypeRef> = below(key, operations).filter_map(at_position).collect();
        match below.into_iter().collect::<Vec<_>>().as_slice() {
            [one] => one.clone(),
            _ => TypeRef::String,
        }
    }

    fn declared_doc(&self, path: &PathInput<'a>, name: &str) -> Option<Vec<String>> {
        let spec = &self.specs[path.spec];
        methods(path.item).find_map(|(_, op, _)| {
            op.parameters.iter().chain(&path.item.parameters).find_map(|p| {
                let (p, _) = spec.parameter(p, &Pointer::root()).ok()?;
                let data = p.parameter_data_ref();
                (data.name == name).then(|| docs::first_of([data.description.as_deref()]))
            })
        })
    }

    /// Lowers one operation. Returns it with its declared path parameters in
    /// path order, which the navigation tree later reconciles.
    fn operation(
        &mut self,
        spec: &'a Spec,
        path: &PathInput<'a>,
        http_method: HttpMethod,
        op: &'a OaOperation,
        at: &Pointer,
    ) -> Lowered<(Operation, Vec<Param>)> {
        let operation_id = match &op.operation_id {
            Some(id) if !id.trim().is_empty() => id.clone(),
            _ => {
                let name = path.segments.iter().rev().find_map(Segment::literal).unwrap_or("root");
                pascal(&format!("{http_method:?} {name}"))
            }
        };
        let noun = path
            .segments
            .iter()
            .rev()
            .find_map(Segment::literal)
            .map(|l| pascal(&singular(&snake(l))))
            .unwrap_or_else(|| "Item".to_owned());

        // Parameters: the operation's override the path item's of the same name and place.
        let mut declared: BTreeMap<(String, &'static str), (&Parameter, Pointer)> = BTreeMap::new();
        let all = path
            .item
            .parameters
            .iter()
            .enumerate()
            .map(|(i, p)| (p, path.at.join("parameters").join(i)))
            .chain(op.parameters.iter().enumerate().map(|(i, p)| (p, at.join("parameters").join(i))));
        for (param, param_at) in all {
            let (param, param_at) = spec.parameter(param, &param_at)?;
            let place = match param {
                Parameter::Query { .. } => "query",
                Parameter::Header { .. } => "header",
                Parameter::Path { .. } => "path",
                Parameter::Cookie { .. } => "cookie",
            };
            declared.insert((param.parameter_data_ref().name.clone(), place), (param, param_at));
        }

        let template_params: Vec<&str> = path.segments.iter().flat_map(Segment::params).collect();
        let mut path_params = Vec::new();
        for name in &template_params {
            let (param, param_at) = declared.remove(&((*name).to_owned(), "path")).ok_or_else(|| {
                spec.error(at, format!("path parameter `{{{name}}}` is used in the path but not declared"))
            })?;
            let owner = Owner { noun: &noun, field: name };
            path_params.push(self.param(spec, param, &param_at, Location::Path, owner)?);
        }
        let mut params = Vec::new();
        let mut names =
            Namespace::with_reserved(["client", "limit", "resume", "send", "stream", "to_request"]);
        // Query parameters claim names before headers, so that when two
        // collide the one users set most often keeps the plain name.
        let mut declared: Vec<_> = declared.iter().collect();
        declared.sort_by_key(|((name, place), _)| (*place == "header", name.clone()));
        for ((name, place), (param, param_at)) in declared {
            let location = match *place {
                "query" => Location::Query,
                "header" => Location::Header,
                "path" => {
                    return Err(Problem::Fatal(spec.error(
                        param_at,
                        format!("path parameter {name:?} is declared but not in the path template"),
                    )));
                }
                _ => {
                    return Err(skip(spec, param_at, format!("{place} parameters are not supported")));
                }
            };
            let owner = Owner { noun: &noun, field: name };
            let mut param = self.param(spec, param, param_at, location, owner)?;
            param.rust_name = names.claim(&param.rust_name);
            params.push(param);
        }
        if let Some(body) = &op.request_body {
            for mut field in self.body(spec, body, &at.join("requestBody"), &noun, &operation_id)? {
                field.rust_name = names.claim(&field.rust_name);
                params.push(field);
            }
        }

        let response = self.response(spec, op, at, &operation_id)?;
        // Twilio pages are followed by `next_page_url`; page numbers and tokens stay internal.
        if matches!(response, Response::Page { .. }) {
            params.retain(|p| {
                !(p.location == Location::Query && matches!(p.name.as_str(), "Page" | "PageToken"))
            });
        }
        params.sort_by(|a, b| a.rust_name.cmp(&b.rust_name));

        let mut doc = docs::first_of([op.description.as_deref(), op.summary.as_deref()]);
        if doc.is_empty() {
            doc = path.item.description.as_deref().map(docs::lines).unwrap_or_default();
        }
        if !doc.is_empty() {
            doc.push(String::new());
        }
        doc.push(format!(
            "`{} {}` (operation `{operation_id}`).",
            format!("{http_method:?}").to_uppercase(),
            path.path
        ));

        let op = Operation {
            operation_id,
            method_name: String::new(),
            builder_name: String::new(),
            http_method,
            path: path.path.to_owned(),
            path_parts: path_parts(&path.segments),
            doc,
            path_params: Vec::new(),
            params,
            response,
            deprecated: op.deprecated,
        };
        Ok((op, path_params))
    }

    fn param(
        &mut self,
        spec: &'a Spec,
        param: &'a Parameter,
        at: &Pointer,
        location: Location,
        owner: Owner<'_>,
    ) -> Lowered<Param> {
        let data = param.parameter_data_ref();
        let schema = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => schema,
            ParameterSchemaOrContent::Content(_) => {
                return Err(skip(spec, at, "parameters described by `content` are not supported".to_owned()));
            }
        };
        let (resolved, _, _) = spec.schema(schema, &at.join("schema"))?;
        let (minimum, maximum) = bounds(resolved);
        let ty = self.schema(spec, schema.into(), &at.join("schema"), owner)?;
        Ok(Param {
            name: data.name.clone(),
            rust_name: snake(&data.name),
            location,
            required: data.required || location == Location::Path,
            ty,
            minimum,
            maximum,
            doc: docs::first_of([data.description.as_deref(), resolved.schema_data.description.as_deref()]),
            pii: is_pii(&data.extensions),
        })
    }

    /// A request body as parameters: one per field of a form body
    /// (`application/x-www-form-urlencoded`, preferred, as Twilio's create and
    /// update operations use), or one `body` parameter for a JSON body.
    fn body(
        &mut self,
        spec: &'a Spec,
        body: &'a ReferenceOr<openapiv3::RequestBody>,
        at: &Pointer,
        noun: &str,
        operation_id: &str,
    ) -> Lowered<Vec<Param>> {
        let (body, at) = spec.request_body(body, at)?;
        let chosen = ["application/x-www-form-urlencoded", "application/json"]
            .iter()
            .find_map(|wanted| body.content.get_key_value(*wanted))
            .or_else(|| body.content.iter().next());
        let Some((media, content)) = chosen else {
            return Ok(Vec::new());
        };
        let content_at = at.join("content").join(media);
        let Some(schema) = &content.schema else {
            return Ok(Vec::new());
        };
        if media == "application/json" {
            let noun = pascal(operation_id);
            let owner = Owner { noun: &noun, field: "body" };
            let ty = self.schema(spec, schema.into(), &content_at.join("schema"), owner)?;
            self.mark_input(&ty);
            return Ok(vec![Param {
                name: "body".to_owned(),
                rust_name: "body".to_owned(),
                location: Location::Json,
                required: body.required,
                ty,
                minimum: None,
                maximum: None,
                doc: docs::first_of([body.description.as_deref(), Some("The request body.")]),
                pii: false,
            }]);
        }
        if media != "application/x-www-form-urlencoded" {
            return Err(skip(spec, &content_at, format!("request bodies of type {media} are not supported")));
        }
        let (schema, _, schema_at) = spec.schema(schema, &content_at.join("schema"))?;
        let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
            return Err(skip(spec, &schema_at, "a form body must be an object schema".to_owned()));
        };
        let mut fields = Vec::new();
        for (name, property) in &object.properties {
            let field_at = schema_at.join("properties").join(name);
            let (resolved, _, _) = spec.schema(property, &field_at)?;
            let (minimum, maximum) = bounds(resolved);
            let ty = self.schema(spec, property.into(), &field_at, Owner { noun, field: name })?;
            fields.push(Param {
                name: name.clone(),
                rust_name: snake(name),
                location: Location::Form,
                required: object.required.contains(name),
                ty,
                minimum,
                maximum,
                doc: docs::first_of([resolved.schema_data.description.as_deref()]),
                pii: is_pii(&resolved.schema_data.extensions),
            });
        }
        Ok(fields)
    }

    /// Marks the structs a request body is built from, and the structs
    /// they hold, as input: users construct them, so they stay open.
    fn mark_input(&mut self, ty: &TypeRef) {
        let name = match ty {
            TypeRef::Named(name) => name,
            TypeRef::Array(inner) => return self.mark_input(inner),
            _ => return,
        };
        let fields = match self.types.get_mut(name) {
            Some(TypeDef::Struct(def)) if !def.input => {
                def.input = true;
                def.fields.iter().map(|f| f.ty.clone()).collect::<Vec<_>>()
            }
            _ => return,
        };
        for field in &fields {
            self.mark_input(field);
        }
    }

    fn response(
        &mut self,
        spec: &'a Spec,
        op: &'a OaOperation,
        at: &Pointer,
        operation_id: &str,
    ) -> Lowered<Response> {
        let success = op
            .responses
            .responses
            .iter()
            .filter(|(code, _)| match code {
                StatusCode::Code(c) => (200..300).contains(c),
                StatusCode::Range(r) => *r == 2,
            })
            .min_by_key(|(code, _)| match code {
                StatusCode::Code(c) => *c,
                StatusCode::Range(_) => 299,
            });
        let Some((code, response)) = success else {
            return Ok(Response::Empty);
        };
        let (response, response_at) = spec.response(response, &at.join("responses").join(code))?;
        let json = response.content.iter().find(|(media, _)| is_json(media));
        let Some((media, content)) = json.or_else(|| response.content.iter().next()) else {
            return Ok(Response::Empty);
        };
        let content_at = response_at.join("content").join(media);
        if !is_json(media) {
            return Err(skip(spec, &content_at, format!("responses of type {media} are not supported")));
        }
        let Some(schema) = &content.schema else {
            return Ok(Response::Json(TypeRef::Json));
        };
        let schema_at = content_at.join("schema");
        if let Some(page) = self.page(spec, schema, &schema_at)? {
            return Ok(page);
        }
        let noun = pascal(operation_id);
        let owner = Owner { noun: &noun, field: "response" };
        Ok(Response::Json(self.schema(spec, schema.into(), &schema_at, owner)?))
    }

    /// Recognizes a Twilio list page: an object with `meta` (holding
    /// `next_page_url`) and one array of items.
    fn page(
        &mut self,
        spec: &'a Spec,
        schema: &'a ReferenceOr<Schema>,
        at: &Pointer,
    ) -> Lowered<Option<Response>> {
        let (schema, _, at) = spec.schema(schema, at)?;
        let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
            return Ok(None);
        };
        let Some(meta) = object.properties.get("meta") else {
            return Ok(None);
        };
        let (meta, _, _) = spec.schema(meta, &at.join("properties").join("meta"))?;
        let has_next = match &meta.schema_kind {
            SchemaKind::Type(Type::Object(m)) => m.properties.contains_key("next_page_url"),
            SchemaKind::Any(m) => m.properties.contains_key("next_page_url"),
            _ => false,
        };
        let arrays: Vec<_> = object.properties.iter().filter(|(name, _)| name.as_str() != "meta").collect();
        let (true, [(items_key, items)]) = (has_next, arrays.as_slice()) else {
            return Ok(None);
        };
        let items_at = at.join("properties").join(items_key);
        let (items_schema, _, _) = spec.schema(*items, &items_at)?;
        let SchemaKind::Type(Type::Array(array)) = &items_schema.schema_kind else {
            return Ok(None);
        };
        let Some(item) = &array.items else {
            return Ok(None);
        };
        let noun = pascal(&singular(&snake(items_key)));
        let owner = Owner { noun: &noun, field: "item" };
        let item = self.schema(spec, item.into(), &items_at.join("items"), owner)?;
        Ok(Some(Response::Page { items_key: (*items_key).clone(), item }))
    }

    /// Lowers a schema to a type reference, lowering named and inline
    /// structs and enums on the way.
    fn schema(
        &mut self,
        spec: &'a Spec,
        item: SchemaRef<'a>,
        at: &Pointer,
        owner: Owner<'_>,
    ) -> Lowered<TypeRef> {
        if self.depth >= MAX_DEPTH {
            return Err(Problem::Fatal(
                spec.error(at, format!("schemas nest deeper than {MAX_DEPTH} levels")),
            ));
        }
        self.depth += 1;
        let lowered = self.schema_at_depth(spec, item, at, owner);
        self.depth -= 1;
        lowered
    }

    fn schema_at_depth(
        &mut self,
        spec: &'a Spec,
        item: SchemaRef<'a>,
        at: &Pointer,
        owner: Owner<'_>,
    ) -> Lowered<TypeRef> {
        let (schema, component, schema_at) = spec.schema(item, at)?;
        let ty = match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => {
                let values: Vec<&str> = string.enumeration.iter().flatten().map(String::as_str).collect();
                if !values.is_empty() || !string.enumeration.is_empty() {
                    let name = self.type_name(spec, component, &owner, &schema_at)?;
                    if !self.types.contains_key(&name) {
                        let def = self.enumeration(&values, schema);
                        self.types.insert(name.clone(), def);
                    }
                    return Ok(TypeRef::Named(name));
                }
                if let Some(prefix) = string.pattern.as_deref().and_then(sid_prefix) {
                    let noun = sid_noun(&owner);
                    self.sid_uses.record(prefix, &noun);
                    return Ok(TypeRef::Sid(prefix.to_owned()));
                }
                match &string.format {
                    VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::DateTime) => TypeRef::DateTime,
                    VariantOrUnknownOrEmpty::Unknown(f) if f == "uri" => TypeRef::Url,
                    _ => TypeRef::String,
                }
            }
            SchemaKind::Type(Type::Integer(int)) => match int.format {
                VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32) => TypeRef::I32,
                _ => TypeRef::I64,
            },
            SchemaKind::Type(Type::Number(_)) => TypeRef::F64,
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Bool,
            SchemaKind::Type(Type::Array(array)) => match &array.items {
                Some(items) => TypeRef::Array(Box::new(self.schema(
                    spec,
                    items.into(),
                    &schema_at.join("items"),
                    owner,
                )?)),
                None => TypeRef::Array(Box::new(TypeRef::Json)),
            },
            SchemaKind::Type(Type::Object(object)) => self.object(
                spec,
                schema,
                component,
                (&object.properties, &object.required),
                &schema_at,
                owner,
            )?,
            // openapiv3 leaves typed schemas with unusual keywords (an integer
            // with fractional bounds, say) as `Any`; their `type` still holds.
            SchemaKind::Any(any) if any.typ.as_deref() == Some("integer") => TypeRef::I64,
            SchemaKind::Any(any) if any.typ.as_deref() == Some("number") => TypeRef::F64,
            SchemaKind::Any(any) if any.typ.as_deref() == Some("boolean") => TypeRef::Bool,
            SchemaKind::Any(any) if any.typ.as_deref() == Some("string") => TypeRef::String,
            SchemaKind::Any(any)
                if any.typ.as_deref() == Some("object") && any.format.as_deref() == Some("uri-map") =>
            {
                TypeRef::UrlMap
            }
            SchemaKind::Any(any)
                if matches!(any.typ.as_deref(), None | Some("object")) && !any.properties.is_empty() =>
            {
                self.object(spec, schema, component, (&any.properties, &any.required), &schema_at, owner)?
            }
            // Combinators and untyped schemas carry any JSON value: correct, if loosely typed.
            SchemaKind::OneOf { .. }
            | SchemaKind::AllOf { .. }
            | SchemaKind::AnyOf { .. }
            | SchemaKind::Not { .. }
            | SchemaKind::Any(_) => TypeRef::Json,
        };
        Ok(ty)
    }

    /// An object schema: a named struct when it has properties, any JSON
    /// value when it is free-form.
    fn object(
        &mut self,
        spec: &'a Spec,
        schema: &'a Schema,
        component: Option<&str>,
        shape: (&'a Properties, &'a [String]),
        at: &Pointer,
        owner: Owner<'_>,
    ) -> Lowered<TypeRef> {
        if shape.0.is_empty() {
            return Ok(TypeRef::Json);
        }
        let name = self.type_name(spec, component, &owner, at)?;
        if !self.types.contains_key(&name) && !self.in_progress.contains(&name) {
            self.in_progress.insert(name.clone());
            let def = self.structure(spec, schema, shape, at, &name);
            self.in_progress.remove(&name);
            self.types.insert(name.clone(), def?);
        }
        Ok(TypeRef::Named(name))
    }

    /// The Rust name of a struct or enum: the component's own name, or one
    /// made from its owner for inline schemas. A component keeps its name
    /// across the spec files of a domain only if it is the same everywhere.
    fn type_name(
        &mut self,
        spec: &'a Spec,
        component: Option<&str>,
        owner: &Owner<'_>,
        at: &Pointer,
    ) -> Result<String, Error> {
        let Some(component) = component else {
            let name = pascal(&join_overlapping(&snake(owner.noun), &snake(owner.field)));
            return Ok(self.ns.claim(&name));
        };
        let index = self.specs.iter().position(|s| std::ptr::eq(s, spec)).unwrap_or(0);
        if let Some((first, name)) = self.components.get(component) {
            let same = *first == index
                || component_schema(&self.specs[*first], component) == component_schema(spec, component);
            if !same {
                return Err(spec.error(
                    at,
                    format!("schema {component:?} differs from the one in {}", self.specs[*first].file),
                ));
            }
            return Ok(name.clone());
        }
        let candidate = match component.split_once("_enum_") {
            Some((resource, field)) => {
                let resource = resource.rsplit('.').next().unwrap_or(resource);
                pascal(&join_overlapping(&snake(resource), &snake(field)))
            }
            None => pascal(component.rsplit('.').next().unwrap_or(component)),
        };
        let name = if self.ns.is_free(&candidate) { candidate } else { pascal(component) };
        let name = self.ns.claim(&name);
        self.components.insert(component.to_owned(), (index, name.clone()));
        Ok(name)
    }

    fn enumeration(&self, values: &[&str], schema: &Schema) -> TypeDef {
        let mut names = Namespace::with_reserved(["Unknown"]);
        let mut seen = BTreeSet::new();
        let variants = values
            .iter()
            .filter(|v| seen.insert(**v))
            .map(|value| {
                let base = if value.is_empty() { "Empty".to_owned() } else { pascal(value) };
                Variant { value: (*value).to_owned(), rust_name: names.claim(&base) }
            })
            .collect();
        TypeDef::Enum(EnumDef {
            name: schema.schema_data.title.clone().unwrap_or_default(),
            doc: docs::first_of([schema.schema_data.description.as_deref()]),
            variants,
        })
    }

    fn structure(
        &mut self,
        spec: &'a Spec,
        schema: &'a Schema,
        (properties, required): (&'a Properties, &'a [String]),
        at: &Pointer,
        name: &str,
    ) -> Lowered<TypeDef> {
        let noun = name.to_owned();
        let mut names = Namespace::default();
        let mut fields = Vec::new();
        for (field_name, property) in properties {
            let field_at = at.join("properties").join(field_name);
            let (resolved, _, _) = spec.schema(property, &field_at)?;
            let owner = Owner { noun: &noun, field: field_name };
            let ty = self.schema(spec, property.into(), &field_at, owner)?;
            let boxed = matches!(&ty, TypeRef::Named(n) if self.in_progress.contains(n));
            fields.push(Field {
                name: field_name.clone(),
                rust_name: names.claim(&snake(field_name)),
                ty,
                optional: resolved.schema_data.nullable || !required.contains(field_name),
                boxed,
                doc: docs::first_of([resolved.schema_data.description.as_deref()]),
                pii: is_pii(&resolved.schema_data.extensions),
            });
        }
        Ok(TypeDef::Struct(StructDef {
            input: false,
            name: schema.schema_data.title.clone().unwrap_or_else(|| name.to_owned()),
            doc: docs::first_of([schema.schema_data.description.as_deref()]),
            fields,
        }))
    }
}

/// The operations on paths below `key`, with their declared path parameters.
fn below<'o>(
    key: &'o str,
    operations: &'o BTreeMap<String, Vec<(Operation, Vec<Param>)>>,
) -> impl Iterator<Item = &'o (Operation, Vec<Param>)> {
    operations
        .iter()
        .filter(move |(k, _)| k.starts_with(key) && k.as_bytes().get(key.len()) == Some(&b'/'))
        .flat_map(|(_, ops)| ops)
}

fn is_json(media: &str) -> bool {
    media == "application/json" || media.ends_with("+json")
}

fn component_schema<'s>(spec: &'s Spec, name: &str) -> Option<&'s ReferenceOr<Schema>> {
    spec.doc.components.as_ref().and_then(|c| c.schemas.get(name))
}

fn skip(spec: &Spec, at: &Pointer, reason: String) -> Problem {
    Problem::Skip(Skipped { file: spec.file.clone(), pointer: at.to_string(), reason })
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

fn normalized(segments: &[Segment]) -> String {
    segments.iter().map(|s| format!("/{}", s.normalized())).collect()
}

/// The path template of a node, spelled with the spec's parameter names.
fn template(segments: &[Segment], own: Option<&str>) -> String {
    own.map(str::to_owned).unwrap_or_else(|| {
        segments
            .iter()
            .map(|s| {
                let text: String = s
                    .parts
                    .iter()
                    .map(|p| match p {
                        PathPart::Literal(t) => t.clone(),
                        PathPart::Param(n) => format!("{{{n}}}"),
                    })
                    .collect();
                format!("/{text}")
            })
            .collect()
    })
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
    use super::{PathPart, parse_path, path_parts, sid_prefix};
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
