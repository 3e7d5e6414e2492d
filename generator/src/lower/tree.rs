//! The navigation tree of a domain: one node per path prefix, named and
//! documented, with operations attached and navigation-only nodes that lead
//! nowhere dropped.

use std::collections::{BTreeMap, BTreeSet};

use super::*;

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

impl<'a> DomainLowering<'a, '_> {
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

    /// The domain's navigation nodes with their operations, keyed by
    /// normalized path.
    pub(super) fn tree(
        &mut self,
        input: &DomainInput<'a>,
        operations: BTreeMap<String, Vec<(Operation, Vec<Param>)>>,
    ) -> BTreeMap<String, Resource> {
        let drafts = Self::drafts(input);
        self.resources(input, drafts, operations)
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
        // Accessors before any suffix, which members take their singular from.
        let mut plain_names: BTreeMap<&String, String> = BTreeMap::new();
        for key in order {
            let draft = &drafts[key];
            let path = &input.paths[draft.own_path.unwrap_or(draft.first_path)];
            let segments = &path.segments[..=draft.depth];
            let own = draft.own_path.map(|i| &input.paths[i]);
            let parent_literal_plain = key
                .rsplit_once('/')
                .filter(|(prefix, _)| drafts.get(*prefix).is_some_and(|d| d.literal.is_some()))
                .and_then(|(prefix, _)| plain_names.get(&prefix.to_owned()).cloned());

            let plain = match (&draft.literal, &draft.mount_name) {
                (Some(_), Some(mount)) => snake(mount),
                (Some(literal), None) => snake(literal),
                (None, _) => match parent_literal_plain {
                    Some(list) => singular(&list),
                    None => snake(segments[draft.depth].params().next().unwrap_or("item")),
                },
            };
            plain_names.insert(key, plain.clone());
            // A collection spelled like its members (`knowledge`) leaves the
            // plain name to them.
            let has_members = drafts.iter().any(|(k, d)| {
                d.literal.is_none()
                    && d.depth == draft.depth + 1
                    && k.strip_prefix(key.as_str()).is_some_and(|r| r.starts_with('/'))
            });
            let collection_like_member =
                draft.literal.is_some() && has_members && unraw(&singular(&plain)) == unraw(&plain);
            let wanted =
                if collection_like_member { format!("{}_list", unraw(&plain)) } else { plain.clone() };
            // When that is taken: a member by its identifier
            // (`account_by_sid`), a literal segment as written.
            let structural = match &draft.literal {
                None => segments[draft.depth]
                    .params()
                    .next()
                    .map(|p| format!("{}_by_{}", unraw(&plain), unraw(&snake(p))))
                    .unwrap_or_default(),
                Some(literal) => snake(literal),
            };
            let module = self.module.clone();
            let accessor = pick(
                self.lock,
                &mut self.claims,
                child_names.entry(draft.parent.clone()).or_default(),
                format!("{module} node {key} accessor"),
                [wanted, structural],
            );

            let is_instance = draft.literal.is_none()
                || own.and_then(|p| twilio_ext(&p.item.extensions, "pathType")).and_then(|v| v.as_str())
                    == Some("instance");
            let base = pascal(&singular(unraw(&plain)));
            let candidate =
                if is_instance { format!("{}Context", pascal(unraw(&plain))) } else { format!("{base}List") };
            let parent_base = draft
                .parent
                .as_ref()
                .and_then(|p| resources.get(p))
                .map(|r| r.rust_name.trim_end_matches("Context").trim_end_matches("List").to_owned())
                .unwrap_or_default();
            // The whole path in words names it when both are taken
            // (`AccountsBySidContext` beside a singleton `AccountContext`).
            let suffix = if is_instance { "Context" } else { "List" };
            let rust_name = self.pick_type(
                &[format!("node {key} type")],
                [
                    candidate.clone(),
                    format!("{parent_base}{candidate}"),
                    format!("{}{suffix}", path_words(segments)),
                ],
            );

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
                // A "SID" the spec leaves free text: say what it takes.
                let mut doc = doc;
                if ty == TypeRef::String && name.ends_with("Sid") {
                    doc.push(
                        "Any text is taken here, not only a SID (Twilio takes an identity in some such places, \
                         as Chat's `UserSid` does): it is sent percent-encoded as one path segment, and redacted in `Debug`."
                            .to_owned(),
                    );
                }
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
                    pii_kept: false,
                });
            }
            path_params.extend(identifiers.iter().cloned());
            let mut names = Namespace::default();
            let inherited = path_params.len() - identifiers.len();
            for (i, param) in path_params.iter_mut().enumerate() {
                param.rust_name = if i < inherited {
                    names.claim(&param.rust_name)
                } else {
                    // A name an outer parameter has (two `{id}`s) takes the
                    // node's name: `knowledge_id`.
                    let key = format!("{} path {key} {}", self.module, param.name);
                    let qualified = format!("{}_{}", unraw(&accessor), unraw(&snake(&param.name)));
                    pick(self.lock, &mut self.claims, &mut names, key, [param.rust_name.clone(), qualified])
                };
            }
            for (identifier, named) in identifiers.iter_mut().zip(&path_params[inherited..]) {
                identifier.rust_name = named.rust_name.clone();
            }

            let template = template(&path.segments[..=draft.depth], own.map(|p| p.path));
            // A first line of its own; the spec's text, shared by every
            // operation on the path, follows.
            let (one, many) = match own {
                Some(p) => operation::nouns(p),
                None => (unraw(&singular(&plain)).replace('_', " "), unraw(&plain).replace('_', " ")),
            };
            let role = if own.is_some() { "" } else { ", on the way to the resources below it" };
            let mut doc =
                vec![if is_instance { format!("One {one}{role}.") } else { format!("The {many}{role}.") }];
            // Text a member shares with its collection documents the collection.
            let described =
                |p: &PathInput<'_>| p.item.description.as_deref().map(docs::lines).unwrap_or_default();
            let collection_text = key
                .rsplit_once('/')
                .and_then(|(prefix, _)| drafts.get(prefix))
                .and_then(|d| d.own_path)
                .map(|i| described(&input.paths[i]));
            let text = own.map(described).unwrap_or_default();
            let text = if is_instance && draft.literal.is_none() && collection_text.as_ref() == Some(&text) {
                Vec::new()
            } else {
                text
            };
            if !text.is_empty() {
                doc.push(String::new());
                doc.extend(text);
            }
            doc.extend([String::new(), format!("Path: {}.", docs::code(&template))]);

            let mut ops = operations.remove(key).unwrap_or_default();
            // In the order of their keys (the method, on one path), which releases keep.
            ops.sort_by_key(|op| op.0.http_method);
            let operations = ops
                .into_iter()
                .map(|(mut op, declared)| {
                    op.path_params = path_params
                        .iter()
                        .zip(declared)
                        .map(|(node, declared)| Param { doc: declared.doc, ..node.clone() })
                        .collect();
                    // The node may name a path parameter like one of the
                    // operation's (`binding_sid` for `{Sid}`): that one takes its place.
                    let mut taken: BTreeSet<String> =
                        path_params.iter().map(|p| unraw(&p.rust_name).to_owned()).collect();
                    taken.extend(op.params.iter().map(|p| unraw(&p.rust_name).to_owned()));
                    for param in &mut op.params {
                        if path_params.iter().any(|p| unraw(&p.rust_name) == unraw(&param.rust_name)) {
                            let mut name = format!(
                                "{}_{}",
                                crate::naming::place(param.location),
                                unraw(&param.rust_name)
                            );
                            while !taken.insert(name.clone()) {
                                name.push_str("_alt");
                            }
                            param.rust_name = name;
                        }
                    }
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

        // Navigation-only nodes that lead to no operation are dropped, a level
        // at a time; a tree has no more levels than nodes.
        let all: Vec<String> = resources.keys().cloned().collect();
        for _ in 0..resources.len() {
            let parents: BTreeSet<String> = resources.values().filter_map(|r| r.parent.clone()).collect();
            let before = resources.len();
            resources.retain(|key, r| !r.operations.is_empty() || parents.contains(key));
            if resources.len() == before {
                break;
            }
        }
        // A dropped node is nothing of this release's: the lock learns no
        // name of it (an entry it has stays, rule 13).
        for dropped in all.iter().filter(|key| !resources.contains_key(*key)) {
            let node = format!("{} node {dropped} ", self.module);
            let path = format!("{} path {dropped} ", self.module);
            self.claims.retain(|key, _| !key.starts_with(&node) && !key.starts_with(&path));
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
                let key = format!("{} op {} method", self.module, op_key_of(op));
                op.method_name = pick(self.lock, &mut self.claims, &mut names, key, [verb, full]);
            }
        }
        for resource in resources.values_mut() {
            resource.children.sort();
        }
        resources
    }

    /// The type of the path parameter at `position` for the node at `key`:
    /// what its own operations and every operation below it agree on, else
    /// a plain string, so that every one of them can be called (Twilio's
    /// Intelligence declares one `{ServiceSid}` with two SID prefixes).
    fn identifier_type(
        key: &str,
        operations: &BTreeMap<String, Vec<(Operation, Vec<Param>)>>,
        position: usize,
    ) -> TypeRef {
        let at_position = |(_, params): &(Operation, Vec<Param>)| params.get(position).map(|p| p.ty.clone());
        let own = operations.get(key).into_iter().flatten();
        let all: BTreeSet<TypeRef> = own.chain(below(key, operations)).filter_map(at_position).collect();
        match all.into_iter().collect::<Vec<_>>().as_slice() {
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

/// A path's segments after the first (the version) in `UpperCamelCase`
/// words, a parameter as `By` and its name: `/v1/Accounts/{Sid}` is
/// `AccountsBySid`.
fn path_words(segments: &[Segment]) -> String {
    segments
        .iter()
        .skip(1)
        .flat_map(|s| s.parts.iter())
        .map(|part| match part {
            PathPart::Literal(text) => pascal(text),
            PathPart::Param(name) => format!("By{}", pascal(name)),
        })
        .collect()
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
