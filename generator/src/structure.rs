//! A one-pass look at a YAML (or JSON) document's structure before it is
//! parsed: how deep it nests and how far its aliases expand. openapiv3's
//! deserializer backtracks through untagged enums, so a parse under deep
//! nesting costs time exponential in the depth; aliases build that nesting
//! (and size) from few, shallow lines. Depth is counted on structure, never
//! on text: brackets inside quoted strings, plain text and block scalars
//! (`|`, `>`) are content, not nesting.

use std::collections::BTreeMap;

/// How deep a document may nest, counting mappings, lists and flow
/// collections, aliases expanded. Twilio's specs nest at most 17.
pub const MAX_NESTING: usize = 32;

/// The largest document accepted, in bytes; Twilio's largest is about 3 MiB.
pub const MAX_BYTES: usize = 32 * 1024 * 1024;

/// How many lines aliases may add to a document, expanded.
pub const MAX_EXPANDED_LINES: usize = 1_000_000;

/// Why a document is refused, and the 1-based line where it shows.
#[derive(Debug, PartialEq, Eq)]
pub struct Refusal {
    /// The line.
    pub line: usize,
    /// Why.
    pub message: String,
}

/// An anchored node: where it starts, and, once closed, how deep and long
/// it is.
struct Anchor {
    indent: usize,
    start_depth: usize,
    max_depth: usize,
    start_line: usize,
    lines: usize,
}

/// The scanner's state across lines.
#[derive(Default)]
struct Scanner {
    /// Indentation of the enclosing block nodes.
    indents: Vec<usize>,
    /// Open flow collections (`[`, `{`).
    flow: usize,
    /// A quoted scalar that goes on to the next line.
    quote: Option<u8>,
    /// The indentation of the node that owns a block scalar being skipped.
    block_scalar: Option<usize>,
    /// Whether the previous line left a value to come (`key:` at its end).
    value_pending: bool,
    /// Anchors whose node is still open, innermost last.
    open: Vec<(String, Anchor)>,
    /// Closed anchors by name: depth and lines of their node.
    anchors: BTreeMap<String, (usize, usize)>,
    /// Lines added by aliases so far.
    expanded: usize,
}

/// Checks `text`: its size, its nesting depth and its aliases.
pub fn check(text: &str) -> Result<(), Refusal> {
    if text.len() > MAX_BYTES {
        return Err(Refusal {
            line: 1,
            message: format!(
                "the document is {} MiB; documents over {} MiB are refused",
                text.len() / (1024 * 1024),
                MAX_BYTES / (1024 * 1024)
            ),
        });
    }
    let mut scanner = Scanner { value_pending: true, ..Scanner::default() };
    for (number, line) in text.lines().enumerate() {
        scanner.line(number + 1, line)?;
    }
    Ok(())
}

fn too_deep(line: usize) -> Refusal {
    Refusal {
        line,
        message: format!(
            "the document nests deeper than {MAX_NESTING} levels here, aliases expanded; deeper documents \
             are refused because parsing them can take exponential time (Twilio's specs nest at most 17)"
        ),
    }
}

impl Scanner {
    fn line(&mut self, number: usize, line: &str) -> Result<(), Refusal> {
        let content = line.trim_start_matches(' ');
        let indent = line.len() - content.len();
        if let Some(owner) = self.block_scalar {
            if content.is_empty() || indent > owner {
                return Ok(());
            }
            self.block_scalar = None;
        }
        let in_block = self.quote.is_none() && self.flow == 0;
        if in_block && (content.is_empty() || content.starts_with('#')) {
            return Ok(());
        }
        if in_block {
            if content == "---" || content == "..." || content.starts_with("--- ") || content.starts_with('%')
            {
                self.value_pending = true;
                return Ok(());
            }
            while self.indents.last().is_some_and(|&top| top >= indent) {
                self.indents.pop();
            }
            self.indents.push(indent);
            while self.open.last().is_some_and(|(_, a)| indent <= a.indent && a.start_line < number) {
                if let Some((name, anchor)) = self.open.pop() {
                    let depth = anchor.max_depth.saturating_sub(anchor.start_depth);
                    self.anchors.insert(name, (depth, number - anchor.start_line));
                }
            }
        }
        let items =
            if in_block { (content.len() - content.trim_start_matches(['-', ' ']).len()) / 2 } else { 0 };
        let base = self.indents.len() + items;
        let bytes = content.as_bytes();
        // Where a node may start: the line's start when a value is pending,
        // after sequence dashes, after a key's `: `, and in flow after `[ { ,`.
        let mut at_value = in_block && (self.value_pending || content.starts_with("- ") || content == "-");
        let mut i = 0;
        if in_block {
            while i + 1 < bytes.len() && bytes[i] == b'-' && bytes[i + 1] == b' ' {
                i += 2;
                while bytes.get(i) == Some(&b' ') {
                    i += 1;
                }
            }
        }
        let mut deepest = base + self.flow;
        while i < bytes.len() {
            let b = bytes[i];
            if let Some(quote) = self.quote {
                if quote == b'"' && b == b'\\' {
                    i += 2;
                    continue;
                }
                if b == quote {
                    self.quote = None;
                }
                i += 1;
                continue;
            }
            match b {
                b'"' | b'\'' if at_value || self.flow > 0 => {
                    self.quote = Some(b);
                    at_value = false;
                }
                b'#' if i == 0 || bytes[i - 1] == b' ' => break,
                b'[' | b'{' if at_value || self.flow > 0 => {
                    self.flow += 1;
                    deepest = deepest.max(base + self.flow);
                    at_value = true;
                }
                b']' | b'}' if self.flow > 0 => {
                    self.flow -= 1;
                    at_value = false;
                }
                b',' if self.flow > 0 => at_value = true,
                b':' if bytes.get(i + 1).is_none_or(|n| *n == b' ') => at_value = true,
                b'|' | b'>' if at_value && self.flow == 0 => {
                    self.block_scalar = Some(indent);
                    break;
                }
                b'&' if at_value => {
                    let name = token(&bytes[i + 1..]);
                    i += name.len();
                    let anchor = Anchor {
                        indent,
                        start_depth: base + self.flow,
                        max_depth: base + self.flow,
                        start_line: number,
                        lines: 0,
                    };
                    self.open.push((name, anchor));
                }
                b'*' if at_value => {
                    let name = token(&bytes[i + 1..]);
                    i += name.len();
                    if !self.open.is_empty() {
                        return Err(Refusal {
                            line: number,
                            message: "an alias inside an anchored node is refused: nested aliases can \
                                      make a small document expand without bound"
                                .to_owned(),
                        });
                    }
                    let (depth, lines) = self.anchors.get(&name).copied().unwrap_or_default();
                    if base + self.flow + depth > MAX_NESTING {
                        return Err(too_deep(number));
                    }
                    self.expanded += lines;
                    if self.expanded > MAX_EXPANDED_LINES {
                        return Err(Refusal {
                            line: number,
                            message: format!(
                                "aliases expand the document by more than {MAX_EXPANDED_LINES} lines here"
                            ),
                        });
                    }
                    at_value = false;
                }
                b' ' => {}
                _ => at_value = false,
            }
            i += 1;
        }
        if base + self.flow > MAX_NESTING || deepest > MAX_NESTING {
            return Err(too_deep(number));
        }
        for (_, anchor) in &mut self.open {
            anchor.max_depth = anchor.max_depth.max(deepest);
            anchor.lines += 1;
        }
        self.value_pending = self.quote.is_none() && self.flow == 0 && content.trim_end().ends_with(':');
        Ok(())
    }
}

/// An anchor or alias name: up to a space or a flow indicator.
fn token(bytes: &[u8]) -> String {
    let end = bytes
        .iter()
        .position(|b| matches!(b, b' ' | b',' | b'[' | b']' | b'{' | b'}'))
        .unwrap_or(bytes.len());
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::{MAX_NESTING, check};

    fn nested_flow(depth: usize) -> String {
        format!("a: {}1{}\n", "[".repeat(depth), "]".repeat(depth))
    }

    #[test]
    fn depth_is_counted_on_structure() {
        assert!(check(&nested_flow(MAX_NESTING - 2)).is_ok());
        assert_eq!(check(&nested_flow(MAX_NESTING + 1)).map_err(|r| r.line), Err(1));
        let mut block = String::new();
        for level in 0..40 {
            block.push_str(&format!("{}k{level}:\n", "  ".repeat(level)));
        }
        assert!(check(&block).is_err());
        // Brackets that are content, not structure.
        let content = [
            format!("description: |\n  {}\n  more\nnext: 1\n", "[".repeat(100)),
            format!("description: >-\n  {}\n", "{".repeat(100)),
            format!("description: '{}'\n", "[".repeat(100)),
            format!("description: \"a\n  {} b\"\nnext: 1\n", "[".repeat(100)),
            format!(
                "description: plain text [with {} brackets\n  continued {}\n",
                "[".repeat(50),
                "{".repeat(50)
            ),
            format!("- |\n  {}\n", "[".repeat(100)),
            "key: '**Note** that \"{}\" is returned'\n".to_owned(),
            "description: The string\n  **Note** that \"{}\" will be returned.\n".to_owned(),
        ];
        for text in content {
            assert!(check(&text).is_ok(), "{text}");
        }
    }

    #[test]
    fn aliases_cannot_nest_or_deepen_past_the_limit() {
        // Billion laughs: each level an anchored list of aliases to the last.
        let mut laughs = String::from("a: &a [lol, lol]\n");
        for level in 1..10 {
            let prev = (b'a' + level - 1) as char;
            let this = (b'a' + level) as char;
            laughs.push_str(&format!("{this}: &{this} [*{prev}, *{prev}, *{prev}]\n"));
        }
        let refusal = check(&laughs).expect_err("nested aliases");
        assert_eq!(refusal.line, 2);
        assert!(refusal.message.contains("alias inside an anchored node"), "{}", refusal.message);

        // A deep anchored block, aliased where it is already deep.
        let mut deep = String::from("base: &deep\n");
        for level in 1..20 {
            deep.push_str(&format!("{}k:\n", "  ".repeat(level)));
        }
        deep.push_str(&format!("{}v: 1\n", "  ".repeat(20)));
        let mut nest = String::from("use:\n");
        for level in 1..16 {
            nest.push_str(&format!("{}k:\n", "  ".repeat(level)));
        }
        nest.push_str(&format!("{}v: *deep\n", "  ".repeat(16)));
        let refusal = check(&format!("{deep}{nest}")).expect_err("too deep once expanded");
        assert!(refusal.message.contains("aliases expanded"), "{}", refusal.message);

        // Plain aliases, as YAML users write them, are fine.
        assert!(check("defaults: &defaults\n  a: 1\n  b: 2\nuse:\n  x: *defaults\n  y: *defaults\n").is_ok());
    }

    #[test]
    fn size_is_capped() {
        let big = "a".repeat(super::MAX_BYTES + 1);
        assert!(check(&big).expect_err("too big").message.contains("MiB"));
    }
}
