//! Reading spec files into `openapiv3` documents and resolving `$ref`s, with
//! errors that name the file, the JSON pointer and, where known, the line.

use openapiv3::{OpenAPI, Parameter, ReferenceOr, RequestBody, Response, Schema};

use crate::error::{Error, Pointer};
use crate::ptr;

/// A parsed spec file.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The file as the user named it.
    pub file: String,
    /// The parsed document.
    pub doc: OpenAPI,
    text: String,
}

/// Parses `text`, read from `file`, as an OpenAPI 3.0 document (YAML, or JSON
/// when the name ends in `.json`).
pub fn load(file: &str, text: &str) -> Result<Spec, Error> {
    if let Err(refusal) = crate::structure::check(text) {
        return Err(Error {
            file: file.to_owned(),
            pointer: String::new(),
            line: Some(refusal.line),
            message: refusal.message,
        });
    }
    // openapiv3 panics on some malformed input (a mapping with a duplicate
    // key, for one) instead of failing; such a panic becomes a parse error.
    let parsed = std::panic::catch_unwind(|| parse(file, text)).unwrap_or_else(|_| Err(duplicate_key(text)));
    let doc = match parsed {
        Ok(doc) => doc,
        Err((path, line, message)) => return Err(parse_error(file, text, &path, line, message)),
    };
    let spec = Spec { file: file.to_owned(), doc, text: text.to_owned() };
    if !spec.doc.openapi.starts_with("3.0") {
        return Err(spec.error(
            &ptr!["openapi"],
            format!("OpenAPI {} is not supported; only OpenAPI 3.0.x is", spec.doc.openapi),
        ));
    }
    Ok(spec)
}

/// The `(path, line, message)` of a failed parse.
type ParseFailure = (String, Option<usize>, String);

fn parse(file: &str, text: &str) -> Result<OpenAPI, ParseFailure> {
    // Tracking the path of every node costs a fifth of the parse; a
    // document that parses needs no path, so only a failure is parsed again
    // with tracking, to say where it failed.
    if file.ends_with(".json") {
        serde_json::from_str::<OpenAPI>(text).or_else(|_| {
            let mut de = serde_json::Deserializer::from_str(text);
            serde_path_to_error::deserialize::<_, OpenAPI>(&mut de).map_err(|e| {
                let line = Some(e.inner().line()).filter(|&l| l > 0);
                (e.path().to_string(), line, e.inner().to_string())
            })
        })
    } else if let Some(doc) = parse_in_parallel(text) {
        Ok(doc)
    } else {
        serde_yaml::from_str::<OpenAPI>(text).or_else(|_| {
            let de = serde_yaml::Deserializer::from_str(text);
            serde_path_to_error::deserialize::<_, OpenAPI>(de).map_err(|e| {
                let line = e.inner().location().map(|l| l.line());
                (e.path().to_string(), line, e.inner().to_string())
            })
        })
    }
}

/// Documents smaller than this are parsed in one piece. Splitting costs
/// CPU (thread start-up, the split itself, pieces that finish unevenly) and
/// pays back in wall time only on large documents: on 2 cores,
/// `twilio_chat_v2.yaml` (290 KB) took as long split as whole with a fifth
/// more CPU, while `twilio_conversations_v1.yaml` (680 KB) took a third less
/// wall time for 6% more CPU.
const PARALLEL_PARSE_BYTES: usize = 384 * 1024;

/// `components` on its own, for parsing that block apart.
#[derive(serde::Deserialize)]
struct ComponentsBlock {
    components: Option<openapiv3::Components>,
}

/// `paths` on its own, for parsing a share of the path items apart.
#[derive(serde::Deserialize)]
struct PathsBlock {
    paths: openapiv3::Paths,
}

/// What a piece of a split document holds.
enum Kind {
    Paths,
    Components,
    Rest,
}

/// One parsed piece of a document split for parsing.
enum Piece {
    Rest(Box<OpenAPI>),
    Components(Option<Box<openapiv3::Components>>),
    Paths(openapiv3::Paths),
}

/// Parses a large block-style YAML document faster than one parse can, on
/// every core: the path items in shares, `components` and the rest apart,
/// then put together in document order. Returns `None` whenever the text is
/// not laid out plainly enough to split, or any piece fails: the caller then
/// parses the whole document, so errors and edge cases (anchors across
/// pieces, directives) get exactly the usual treatment.
pub fn parse_in_parallel(text: &str) -> Option<OpenAPI> {
    if text.len() < PARALLEL_PARSE_BYTES {
        return None;
    }
    parse_in_parallel_with(text, crate::parallel::cores())
}

/// Like [`parse_in_parallel`], on `workers` workers whatever the machine has
/// and whatever the document's size (tests split the same way on one core
/// as on many, and split documents of every size).
pub fn parse_in_parallel_with(text: &str, workers: usize) -> Option<OpenAPI> {
    if workers < 2 {
        return None;
    }
    let lines: Vec<&str> = text.lines().collect();
    // Top-level keys: `key:` at column 0. Anything else there is not plain.
    let mut tops: Vec<(usize, &str)> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        match line.as_bytes().first() {
            None | Some(b' ' | b'#') => {}
            Some(b'-') if !tops.is_empty() => {}
            _ => {
                let key = line
                    .split_once(':')
                    .map(|(k, _)| k)
                    .filter(|k| !k.contains(['{', '[', '"', '\'', '&', '*', '!', '%']))?;
                tops.push((i, key));
            }
        }
    }
    // A key given twice is for the whole parse to reject.
    let unique: std::collections::BTreeSet<&str> = tops.iter().map(|(_, k)| *k).collect();
    if unique.len() != tops.len() {
        return None;
    }
    let block = |name: &str| -> Option<(usize, usize)> {
        let at = tops.iter().position(|(_, k)| *k == name)?;
        Some((tops[at].0, tops.get(at + 1).map_or(lines.len(), |(i, _)| *i)))
    };
    let (paths_start, paths_end) = block("paths")?;
    let components = block("components");
    if lines[paths_start].trim_end() != "paths:" {
        return None;
    }
    // Path items: keys at indent 2 under `paths:`, in shares of similar size.
    let entries: Vec<usize> = (paths_start + 1..paths_end)
        .filter(|&i| {
            lines[i].starts_with("  ")
                && !lines[i][2..].starts_with([' ', '#', '-'])
                && !lines[i].trim().is_empty()
        })
        .collect();
    let shares = (workers * 3).min(entries.len().max(1));
    let mut texts: Vec<(Kind, String)> = Vec::new();
    // The largest single piece goes first, so that no worker finishes last with it.
    if let Some((start, end)) = components {
        texts.push((Kind::Components, lines[start..end].join("\n")));
    }
    for share in 0..shares {
        let from = entries.get(entries.len() * share / shares).copied()?;
        let to = entries.get(entries.len() * (share + 1) / shares).copied().unwrap_or(paths_end);
        texts.push((Kind::Paths, format!("paths:\n{}\n", lines[from..to].join("\n"))));
    }
    let rest: Vec<&str> = (0..lines.len())
        .filter(|&i| {
            !(paths_start..paths_end).contains(&i) && !components.is_some_and(|(s, e)| (s..e).contains(&i))
        })
        .map(|i| lines[i])
        .collect();
    texts.push((Kind::Rest, format!("{}\npaths: {{}}\n", rest.join("\n"))));

    let pieces = crate::parallel::map_with(workers, &texts, |(kind, text)| match kind {
        Kind::Paths => serde_yaml::from_str::<PathsBlock>(text).ok().map(|b| Piece::Paths(b.paths)),
        Kind::Components => serde_yaml::from_str::<ComponentsBlock>(text)
            .ok()
            .map(|b| Piece::Components(b.components.map(Box::new))),
        Kind::Rest => serde_yaml::from_str::<OpenAPI>(text).ok().map(|d| Piece::Rest(Box::new(d))),
    })?;
    let (mut doc, mut components, mut paths) = (None, None, Vec::new());
    for piece in pieces {
        match piece? {
            Piece::Rest(d) => doc = Some(*d),
            Piece::Components(c) => components = c,
            Piece::Paths(p) => paths.push(p),
        }
    }
    let mut doc = doc?;
    doc.components = components.map(|c| *c);
    doc.paths = openapiv3::Paths::default();
    for chunk in paths {
        for (key, item) in chunk.paths {
            // A path in two shares is a duplicate key: let the full parse judge.
            if doc.paths.paths.insert(key, item).is_some() {
                return None;
            }
        }
        doc.paths.extensions.extend(chunk.extensions);
    }
    Some(doc)
}

/// Explains a parse that openapiv3 gave up on, by reading the text as plain
/// YAML, which reports duplicate keys with their line.
fn duplicate_key(text: &str) -> ParseFailure {
    match serde_yaml::from_str::<serde_yaml::Value>(text) {
        Err(e) => (String::new(), e.location().map(|l| l.line()), e.to_string()),
        Ok(_) => (String::new(), None, "the document has a structure openapiv3 cannot read".to_owned()),
    }
}

fn parse_error(file: &str, text: &str, path: &str, line: Option<usize>, message: String) -> Error {
    let is_swagger =
        text.lines().any(|l| l.starts_with("swagger:") || l.trim_start().starts_with("\"swagger\""));
    let message = if text.trim().is_empty() {
        "the file is empty; expected an OpenAPI 3.0 document".to_owned()
    } else if is_swagger {
        "this is a Swagger 2.0 document; only OpenAPI 3.0.x is supported".to_owned()
    } else {
        // serde_yaml repeats the path and position in its message; keep only the reason.
        let reason = message.split(" at line ").next().unwrap_or(&message);
        let reason = reason.strip_prefix(&format!("{path}: ")).unwrap_or(reason);
        format!("not a valid OpenAPI 3.0 document: {reason}")
    };
    // serde_path_to_error writes `.` for the root and `?` for a place it cannot name.
    let pointer =
        path.split('.').filter(|t| !t.is_empty() && *t != "?").fold(Pointer::root(), |p, t| p.join(t));
    Error { file: file.to_owned(), pointer: pointer.to_string(), line, message }
}

/// A schema or a reference to one, however openapiv3 boxes it.
#[derive(Debug, Clone, Copy)]
pub enum SchemaRef<'a> {
    /// An inline schema.
    Item(&'a Schema),
    /// A `$ref` string.
    Ref(&'a str),
}

impl<'a> From<&'a ReferenceOr<Schema>> for SchemaRef<'a> {
    fn from(item: &'a ReferenceOr<Schema>) -> Self {
        match item {
            ReferenceOr::Item(schema) => SchemaRef::Item(schema),
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
        }
    }
}

impl<'a> From<&'a ReferenceOr<Box<Schema>>> for SchemaRef<'a> {
    fn from(item: &'a ReferenceOr<Box<Schema>>) -> Self {
        match item {
            ReferenceOr::Item(schema) => SchemaRef::Item(schema),
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
        }
    }
}

/// The maximum number of `$ref` hops followed before giving up, so that
/// cycles of aliases end in an error rather than a hang.
const MAX_REF_HOPS: usize = 64;

impl Spec {
    /// An error at `pointer`, with the line looked up in the source text.
    pub fn error(&self, pointer: &Pointer, message: impl Into<String>) -> Error {
        let mut error = Error::at(&self.file, pointer, message);
        error.line = line_of(&self.text, &error.pointer);
        error
    }

    /// Follows `$ref`s to a schema. Returns the schema, the name of the last
    /// component it went through (if any) and the pointer to the schema.
    pub fn schema<'a>(
        &'a self,
        item: impl Into<SchemaRef<'a>>,
        at: &Pointer,
    ) -> Result<(&'a Schema, Option<&'a str>, Pointer), Error> {
        let mut item = item.into();
        let mut name = None;
        let mut pointer = at.clone();
        for _ in 0..MAX_REF_HOPS {
            match item {
                SchemaRef::Item(schema) => return Ok((schema, name, pointer)),
                SchemaRef::Ref(reference) => {
                    let target = self.component_name(reference, "schemas", &pointer)?;
                    let found = self
                        .doc
                        .components
                        .as_ref()
                        .and_then(|c| c.schemas.get(target))
                        .ok_or_else(|| self.unresolved(reference, &pointer))?;
                    item = found.into();
                    name = Some(target);
                    pointer = ptr!["components", "schemas", target];
                }
            }
        }
        Err(self.error(at, "`$ref` cycle: the reference never reaches a schema"))
    }

    /// Follows `$ref`s to a parameter.
    pub fn parameter<'a>(
        &'a self,
        item: &'a ReferenceOr<Parameter>,
        at: &Pointer,
    ) -> Result<(&'a Parameter, Pointer), Error> {
        self.follow(item, at, "parameters", |c, n| c.parameters.get(n))
    }

    /// Follows `$ref`s to a response.
    pub fn response<'a>(
        &'a self,
        item: &'a ReferenceOr<Response>,
        at: &Pointer,
    ) -> Result<(&'a Response, Pointer), Error> {
        self.follow(item, at, "responses", |c, n| c.responses.get(n))
    }

    /// Follows `$ref`s to a request body.
    pub fn request_body<'a>(
        &'a self,
        item: &'a ReferenceOr<RequestBody>,
        at: &Pointer,
    ) -> Result<(&'a RequestBody, Pointer), Error> {
        self.follow(item, at, "requestBodies", |c, n| c.request_bodies.get(n))
    }

    fn follow<'a, T>(
        &'a self,
        mut item: &'a ReferenceOr<T>,
        at: &Pointer,
        kind: &str,
        get: impl Fn(&'a openapiv3::Components, &str) -> Option<&'a ReferenceOr<T>>,
    ) -> Result<(&'a T, Pointer), Error> {
        let mut pointer = at.clone();
        for _ in 0..MAX_REF_HOPS {
            match item {
                ReferenceOr::Item(value) => return Ok((value, pointer)),
                ReferenceOr::Reference { reference } => {
                    let target = self.component_name(reference, kind, &pointer)?;
                    item = self
                        .doc
                        .components
                        .as_ref()
                        .and_then(|c| get(c, target))
                        .ok_or_else(|| self.unresolved(reference, &pointer))?;
                    pointer = ptr!["components", kind, target];
                }
            }
        }
        Err(self.error(at, "`$ref` cycle: the reference never reaches a definition"))
    }

    fn component_name<'a>(&self, reference: &'a str, kind: &str, at: &Pointer) -> Result<&'a str, Error> {
        reference
            .strip_prefix("#/components/")
            .and_then(|rest| rest.strip_prefix(kind))
            .and_then(|rest| rest.strip_prefix('/'))
            .filter(|name| !name.is_empty() && !name.contains('/'))
            .ok_or_else(|| {
                self.error(
                    at,
                    format!("unsupported `$ref` {reference:?}: expected `#/components/{kind}/NAME`"),
                )
            })
    }

    fn unresolved(&self, reference: &str, at: &Pointer) -> Error {
        self.error(at, format!("unresolved `$ref` {reference:?}: no such component"))
    }
}

/// Finds the line of the node a JSON pointer names in block-style YAML, by
/// following keys and list items down the indentation. Returns `None` when the
/// text is not laid out that way (JSON, flow style).
pub fn line_of(text: &str, pointer: &str) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    // The line of a list item just entered reads as its content after "- ".
    let mut dash: Option<usize> = None;
    let view = |i: usize, dash: Option<usize>| -> (usize, &str) {
        let line = lines[i];
        let indent = line.len() - line.trim_start().len();
        let content = line.trim_start();
        match content.strip_prefix("- ") {
            Some(rest) if dash == Some(i) => {
                (indent + 2 + rest.len() - rest.trim_start().len(), rest.trim_start())
            }
            _ => (indent, content),
        }
    };
    let (mut start, mut end, mut found) = (0, lines.len(), None);
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        let body: Vec<(usize, usize, &str)> = (start..end)
            .map(|i| {
                let (indent, content) = view(i, dash);
                (i, indent, content)
            })
            .filter(|(_, _, c)| !c.is_empty() && !c.starts_with('#'))
            .collect();
        let indent = body.iter().map(|b| b.1).min()?;
        let at_indent: Vec<(usize, &str)> =
            body.iter().filter(|b| b.1 == indent).map(|b| (b.0, b.2)).collect();
        let items: Vec<usize> =
            at_indent.iter().filter(|(_, c)| c.starts_with("- ") || *c == "-").map(|(i, _)| *i).collect();
        // A list may sit at its key's indentation, so keys win over items.
        let is_list = items.len() == at_indent.len();
        let keys: Vec<usize> = at_indent.iter().map(|(i, _)| *i).filter(|i| !items.contains(i)).collect();
        let hit = if is_list {
            *items.get(token.parse::<usize>().ok()?)?
        } else {
            at_indent
                .iter()
                .filter(|(i, _)| keys.contains(i))
                .find(|(_, c)| {
                    let key = c.split_once(':').map_or(*c, |(k, _)| k).trim();
                    key.trim_matches(|q| q == '\'' || q == '"') == token
                })?
                .0
        };
        let siblings = if is_list { &items } else { &keys };
        let next = siblings.iter().copied().find(|&i| i > hit).unwrap_or(end);
        found = Some(hit + 1);
        if is_list {
            (start, end, dash) = (hit, next, Some(hit));
        } else {
            (start, end, dash) = (hit + 1, next, None);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::line_of;

    #[test]
    fn finds_lines_of_keys_and_list_items() {
        let text = "a:\n  b:\n  - x: 1\n  - y: 2\n    z: 3\npaths:\n  /v1/Foo:\n    get: {}\n";
        let cases = [
            ("/a", Some(1)),
            ("/a/b", Some(2)),
            ("/a/b/1", Some(4)),
            ("/paths/~1v1~1Foo/get", Some(8)),
            ("/a/b/1/z", Some(5)),
            ("/a/b/0/x", Some(3)),
            ("/missing", None),
        ];
        for (pointer, line) in cases {
            assert_eq!(line_of(text, pointer), line, "{pointer}");
        }
    }
}
