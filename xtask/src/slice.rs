//! Cutting the Bindings fragments out of Twilio's full specs.
//!
//! The cut is textual, so every kept line is byte-for-byte upstream's: the
//! selected paths, exactly the components they reference (transitively), the
//! tags they use, and the document's `info`, `servers`, `security` and
//! `openapi` as they are. Refreshing the fragments from a newer upstream is
//! `cargo xtask slice`, never hand editing.

use std::collections::{BTreeSet, VecDeque};

use serde_yaml::Value;

/// One fragment: the file to write, the upstream spec and its paths.
pub struct Fragment {
    /// File name under `spec/`.
    pub file: &'static str,
    /// File name under `../shared/twilio-oai/spec/`.
    pub upstream: &'static str,
    /// Path templates to keep.
    pub paths: &'static [&'static str],
}

/// The Bindings fragments.
pub const FRAGMENTS: &[Fragment] = &[
    Fragment {
        file: "chat_v2_service_bindings.yaml",
        upstream: "twilio_chat_v2.yaml",
        paths: &["/v2/Services/{ServiceSid}/Bindings", "/v2/Services/{ServiceSid}/Bindings/{Sid}"],
    },
    Fragment {
        file: "chat_v2_user_bindings.yaml",
        upstream: "twilio_chat_v2.yaml",
        paths: &[
            "/v2/Services/{ServiceSid}/Users/{UserSid}/Bindings",
            "/v2/Services/{ServiceSid}/Users/{UserSid}/Bindings/{Sid}",
        ],
    },
    Fragment {
        file: "conversations_v1_service_bindings.yaml",
        upstream: "twilio_conversations_v1.yaml",
        paths: &["/v1/Services/{ChatServiceSid}/Bindings", "/v1/Services/{ChatServiceSid}/Bindings/{Sid}"],
    },
];

/// Every path the fragments cut from the upstream spec `upstream`.
pub fn paths_of(upstream: &str) -> Vec<&'static str> {
    FRAGMENTS.iter().filter(|f| f.upstream == upstream).flat_map(|f| f.paths.iter().copied()).collect()
}

/// The part of an upstream spec that the fragments are cut from (all their
/// paths and what those reference), as `spec/history/` keeps older
/// versions: cutting each fragment from it gives what cutting it from the
/// whole spec gives, which this checks.
pub fn history_slice(text: &str, upstream: &str) -> Result<String, String> {
    let slice = slice(text, &paths_of(upstream))?;
    for fragment in FRAGMENTS.iter().filter(|f| f.upstream == upstream) {
        if self::slice(&slice, fragment.paths)? != self::slice(text, fragment.paths)? {
            return Err(format!(
                "{}: cut from the slice, it differs from the cut of the whole spec",
                fragment.file
            ));
        }
    }
    Ok(slice)
}

/// A key and the lines it spans, `[start, end)`.
struct Block {
    key: String,
    start: usize,
    end: usize,
}

/// The blocks of keys at `indent` within `lines[start..end]`. A block runs
/// until the next line at that indentation or less, except that a list may
/// sit at its key's own indentation.
fn blocks(lines: &[&str], start: usize, end: usize, indent: usize) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    for (i, line) in lines.iter().enumerate().take(end).skip(start) {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let level = line.len() - trimmed.len();
        if level < indent {
            break;
        }
        if level == indent && !trimmed.starts_with("- ") && trimmed != "-" {
            if let Some(last) = out.last_mut() {
                last.end = i;
            }
            let key = trimmed.split_once(':').map_or(trimmed, |(k, _)| k);
            out.push(Block { key: key.trim_matches(['\'', '"']).to_owned(), start: i, end });
        }
    }
    out
}

/// Every `#/components/KIND/NAME` reference under `value`.
fn references(value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Mapping(map) => {
            for (key, inner) in map {
                if let (Some("$ref"), Some(target)) = (key.as_str(), inner.as_str()) {
                    if let Some(rest) = target.strip_prefix("#/components/") {
                        if let Some((kind, name)) = rest.split_once('/') {
                            out.push((kind.to_owned(), name.to_owned()));
                        }
                    }
                }
                references(inner, out);
            }
        }
        Value::Sequence(items) => items.iter().for_each(|v| references(v, out)),
        Value::Tagged(tagged) => references(&tagged.value, out),
        _ => {}
    }
}

/// Cuts `paths` out of `text`.
pub fn slice(text: &str, paths: &[&str]) -> Result<String, String> {
    let doc: Value = serde_yaml::from_str(text).map_err(|e| e.to_string())?;
    let lines: Vec<&str> = text.lines().collect();

    // Components reached from the selected paths, transitively.
    let mut needed: BTreeSet<(String, String)> = BTreeSet::new();
    let mut queue: VecDeque<(String, String)> = VecDeque::new();
    let mut tags: BTreeSet<String> = BTreeSet::new();
    for path in paths {
        let item = doc
            .get("paths")
            .and_then(|p| p.get(*path))
            .ok_or_else(|| format!("path {path} is not in the upstream spec"))?;
        let mut refs = Vec::new();
        references(item, &mut refs);
        queue.extend(refs);
        if let Value::Mapping(ops) = item {
            for op in ops.values() {
                for tag in op.get("tags").and_then(Value::as_sequence).into_iter().flatten() {
                    tags.extend(tag.as_str().map(str::to_owned));
                }
            }
        }
    }
    while let Some(reference) = queue.pop_front() {
        if !needed.insert(reference.clone()) {
            continue;
        }
        let target = doc
            .get("components")
            .and_then(|c| c.get(reference.0.as_str()))
            .and_then(|k| k.get(reference.1.as_str()))
            .ok_or_else(|| format!("unresolved reference #/components/{}/{}", reference.0, reference.1))?;
        let mut refs = Vec::new();
        references(target, &mut refs);
        queue.extend(refs);
    }

    let mut out = String::new();
    let mut keep = |from: usize, to: usize| {
        for line in &lines[from..to] {
            out.push_str(line);
            out.push('\n');
        }
    };
    for top in blocks(&lines, 0, lines.len(), 0) {
        match top.key.as_str() {
            "components" => {
                keep(top.start, top.start + 1);
                for kind in blocks(&lines, top.start + 1, top.end, 2) {
                    let entries = blocks(&lines, kind.start + 1, kind.end, 4);
                    let chosen: Vec<&Block> = entries
                        .iter()
                        .filter(|e| {
                            kind.key == "securitySchemes"
                                || needed.contains(&(kind.key.clone(), e.key.clone()))
                        })
                        .collect();
                    if chosen.is_empty() {
                        continue;
                    }
                    keep(kind.start, kind.start + 1);
                    for entry in chosen {
                        keep(entry.start, entry.end);
                    }
                }
            }
            "paths" => {
                keep(top.start, top.start + 1);
                for entry in blocks(&lines, top.start + 1, top.end, 2) {
                    if paths.contains(&entry.key.as_str()) {
                        keep(entry.start, entry.end);
                    }
                }
            }
            "tags" => {
                keep(top.start, top.start + 1);
                // Tag entries are list items at the key's indentation.
                let mut i = top.start + 1;
                while i < top.end {
                    let mut j = i + 1;
                    while j < top.end && !lines[j].starts_with("- ") {
                        j += 1;
                    }
                    let name = lines[i].trim_start_matches("- ").trim_start_matches("name:").trim();
                    if tags.contains(name.trim_matches(['\'', '"'])) {
                        keep(i, j);
                    }
                    i = j;
                }
            }
            _ => keep(top.start, top.end),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::slice;

    #[test]
    fn keeps_selected_paths_and_what_they_reference() {
        let text = "\
components:
  schemas:
    a:
      type: object
      properties:
        b:
          $ref: '#/components/schemas/b'
    b:
      type: string
    unused:
      type: string
info:
  title: T
openapi: 3.0.1
paths:
  /keep:
    get:
      tags:
      - Kept
      responses:
        '200':
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/a'
  /drop:
    get: {}
tags:
- name: Dropped
- name: Kept
";
        let cut = slice(text, &["/keep"]).expect("slices");
        assert!(cut.contains("    a:\n") && cut.contains("    b:\n"), "{cut}");
        assert!(!cut.contains("unused") && !cut.contains("/drop") && !cut.contains("Dropped"), "{cut}");
        assert!(cut.contains("- name: Kept") && cut.contains("  title: T"), "{cut}");
    }
}
