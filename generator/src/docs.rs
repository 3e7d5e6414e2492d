//! Turning spec text into rustdoc lines that render as the spec meant and can
//! never become code: no doctests, no raw HTML, no lazy list continuations.

/// Splits a description into doc lines: one line per paragraph or list item,
/// blank lines between paragraphs, each passed through [`sanitize`].
pub fn lines(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current: Option<String> = None;
    for raw in text.lines() {
        let line = sanitize(raw);
        if line.is_empty() {
            if let Some(paragraph) = current.take() {
                out.push(paragraph);
                out.push(String::new());
            }
            continue;
        }
        let is_item = line.starts_with("- ")
            || line.starts_with("* ")
            || line.starts_with("+ ")
            || line
                .split_once(". ")
                .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
        match current.as_mut() {
            Some(paragraph) if !is_item => {
                paragraph.push(' ');
                paragraph.push_str(&line);
            }
            _ => {
                if let Some(paragraph) = current.replace(line) {
                    out.push(paragraph);
                }
            }
        }
    }
    out.extend(current);
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    out
}

/// Doc lines from the first of `texts` that has any text.
pub fn first_of<'a>(texts: impl IntoIterator<Item = Option<&'a str>>) -> Vec<String> {
    texts.into_iter().flatten().map(lines).find(|l| !l.is_empty()).unwrap_or_default()
}

/// Makes one line of spec text safe to print as one line of rustdoc
/// Markdown, whatever the spec says: the only function that spec text
/// reaches the docs through (the emitter calls it on every doc line).
///
/// After it, rustdoc can see no code block and no raw HTML in the line, on
/// its own or joined to its neighbours:
/// - control, bidi and invisible characters are dropped, and every run of
///   whitespace (tabs, non-breaking spaces) becomes one space, so nothing is
///   indented, not even after a list or quote marker;
/// - runs of three or more `` ` `` or `~`, which could open a fence, are
///   backslash-escaped, and so is every backtick that does not close a code
///   span within the line, so code spans never reach across lines;
/// - `<` outside code spans is escaped, so there is no HTML or autolink, and
///   so is `&` before a character reference, which could hide a scheme;
/// - the colon of a `javascript:`-like scheme becomes a full-width colon, so
///   no link runs or embeds content.
///
/// It is idempotent: safe text passes through unchanged.
pub fn sanitize(line: &str) -> String {
    let mut chars: Vec<char> = Vec::with_capacity(line.len());
    for c in line.chars() {
        if c.is_whitespace() {
            if chars.last().is_some_and(|&last| last != ' ') {
                chars.push(' ');
            }
        } else if !is_hidden(c) {
            chars.push(c);
        }
    }
    while chars.last() == Some(&' ') {
        chars.pop();
    }

    let mut out = String::with_capacity(line.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            // An escape stays an escape, so a second pass changes nothing.
            '\\' if chars.get(i + 1).is_some_and(char::is_ascii_punctuation) => {
                out.push('\\');
                out.push(chars[i + 1]);
                i += 2;
            }
            '`' => {
                let run = run_length(&chars, i);
                match (run <= 2).then(|| closing_run(&chars, i + run, run)).flatten() {
                    Some(close) => {
                        out.extend(&chars[i..close + run]);
                        i = close + run;
                    }
                    None => {
                        for _ in 0..run {
                            out.push_str("\\`");
                        }
                        i += run;
                    }
                }
            }
            '~' => {
                let run = run_length(&chars, i);
                for _ in 0..run {
                    out.push_str(if run >= 3 { "\\~" } else { "~" });
                }
                i += run;
            }
            '<' => {
                out.push_str("\\<");
                i += 1;
            }
            '&' if is_reference(&chars, i) => {
                out.push_str("\\&");
                i += 1;
            }
            // A full-width colon reads the same and makes no URL scheme.
            ':' if ends_unsafe_scheme(&chars, i) => {
                out.push('\u{FF1A}');
                i += 1;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// Characters that are invisible or reorder text: control characters, bidi
/// controls (which rustc also denies in doc comments), zero-width spaces.
fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{FEFF}')
}

/// How many copies of `chars[at]` start at `at`.
fn run_length(chars: &[char], at: usize) -> usize {
    chars[at..].iter().take_while(|&&c| c == chars[at]).count()
}

/// Where a backtick run of exactly `len` starts at or after `from`: the end
/// of a code span opened by a run of that length, as CommonMark finds it.
fn closing_run(chars: &[char], from: usize, len: usize) -> Option<usize> {
    let mut i = from;
    while i < chars.len() {
        if chars[i] == '`' {
            let run = run_length(chars, i);
            if run == len {
                return Some(i);
            }
            i += run;
        } else {
            i += 1;
        }
    }
    None
}

/// URL schemes that run or embed content, which a link must not reach.
const UNSAFE_SCHEMES: &[&str] = &["javascript", "vbscript", "data", "file"];

/// Whether `chars[at..]` starts a character reference such as `&#106;`,
/// which could spell a scheme that the text does not show.
fn is_reference(chars: &[char], at: usize) -> bool {
    let name = chars[at + 1..].iter().take_while(|c| c.is_ascii_alphanumeric() || **c == '#').count();
    name > 0 && chars.get(at + 1 + name) == Some(&';')
}

/// Whether `chars[at..]` is `:` ending an unsafe scheme that starts a word.
fn ends_unsafe_scheme(chars: &[char], at: usize) -> bool {
    UNSAFE_SCHEMES.iter().any(|scheme| {
        let len = scheme.len();
        at >= len
            && chars[at - len..at].iter().zip(scheme.chars()).all(|(a, b)| a.to_ascii_lowercase() == b)
            && (at == len || !chars[at - len - 1].is_alphanumeric())
    })
}

/// The indefinite article before a word: `an` before a vowel sound (`an
/// address`, `an upload`), else `a` (`a user`, `a union`), whatever its case.
pub fn article(word: &str) -> &'static str {
    let word = word.to_ascii_lowercase();
    let vowel_sound = word.starts_with(['a', 'e', 'i', 'o'])
        || (word.starts_with('u') && !["us", "uni", "ut", "ur", "uk"].iter().any(|p| word.starts_with(p)));
    if vowel_sound { "an" } else { "a" }
}

/// Untrusted text as plain Markdown prose for reports, the changelog and
/// terminals: one line, no control, bidi or invisible character (so no
/// escape sequence reaches a terminal), and every character Markdown could
/// read as markup backslash-escaped, so it shows as written.
pub fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c == '\n' || c == '\r' || c == '\t' {
            out.push(' ');
        } else if is_hidden(c) {
            continue;
        } else {
            if "\\`*_[]<>#|!~&".contains(c) {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

/// Untrusted text as one inline code span, safe for reports and terminals.
pub fn code_plain(text: &str) -> String {
    let visible: String = text.chars().filter(|&c| c.is_whitespace() || !is_hidden(c)).collect();
    code(&visible)
}

/// Spec text shown as inline code: one line, no backticks of its own.
pub fn code(text: &str) -> String {
    let text: String = text.chars().map(|c| if c == '`' || c.is_whitespace() { ' ' } else { c }).collect();
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() { "`\"\"`".to_owned() } else { format!("`{text}`") }
}

#[cfg(test)]
mod tests {
    use super::{code, lines, sanitize};
    use pulldown_cmark::{Event, Options, Parser, Tag};

    /// What rustdoc would see as code or HTML in `markdown`, if anything.
    fn code_or_html(markdown: &str) -> Option<String> {
        let options = Options::ENABLE_TABLES
            | Options::ENABLE_FOOTNOTES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_TASKLISTS
            | Options::ENABLE_SMART_PUNCTUATION;
        Parser::new_ext(markdown, options).find_map(|event| match event {
            Event::Start(Tag::CodeBlock(kind)) => Some(format!("code block {kind:?}")),
            Event::Html(html) | Event::InlineHtml(html) => Some(format!("HTML {html:?}")),
            // A scheme other than the web's could run or embed content.
            Event::Start(Tag::Link { dest_url, .. })
                if dest_url.split_once(':').is_some_and(|(scheme, _)| {
                    super::UNSAFE_SCHEMES.contains(&scheme.trim().to_ascii_lowercase().as_str())
                }) =>
            {
                Some(format!("link to {dest_url:?}"))
            }
            _ => None,
        })
    }

    /// Doc lines as the emitter joins them into one doc comment.
    fn rendered(texts: &[&str]) -> String {
        texts.iter().flat_map(|t| lines(t)).map(|l| sanitize(&l)).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn spec_text_never_becomes_code_or_html() {
        let attacks = [
            "~~~\nfn main() { std::process::exit(1) }\n~~~",
            "```rust\nfn main() {}\n```",
            "Title\n\n```\npanic!()\n```",
            "para\n\n    indented code",
            "para\n\n\u{a0}\u{a0}\u{a0}\u{a0}nbsp code",
            "\t\ttab code",
            "> ```\n> quoted fence\n> ```",
            ">     quoted indented",
            "-     listed indented",
            "1.     numbered indented",
            "- ~~~ rust",
            "<script>alert(1)</script>",
            "<!-- comment -->",
            "text <img src=x onerror=alert(1)> text",
            "<https://example.com>",
            "`a` <b> `c`",
            "open ` only\nthen `<script>` closes",
            "\\```\ncode\n\\```",
            "``<x>``",
            "[click](javascript:alert(1))",
            "[click]( JAVASCRIPT:alert(1))",
            "[click](&#106;avascript:alert(1))",
            "[a]: javascript:alert(1)\n\n[a]",
            "bidi \u{202E}reversed\u{202C} and \u{2066}isolate\u{2069} and \u{1b}[31m",
        ];
        for attack in attacks {
            let text = rendered(&[attack]);
            assert_eq!(code_or_html(&text), None, "{attack:?} became {text:?}");
            assert!(
                !text.replace('\n', "").chars().any(super::is_hidden),
                "{attack:?} kept a hidden character"
            );
        }
        // Pieces that mean something to Markdown, combined at random, alone
        // and next to each other.
        let pieces = [
            "```",
            "~~~",
            "`",
            "``",
            "    ",
            "\u{a0}",
            "\t",
            "\n",
            "\n\n",
            ">",
            "> ",
            "- ",
            "1. ",
            "<",
            "<a>",
            "\\",
            "[x](",
            "javascript:",
            ")",
            "a",
            " ",
            "*",
            "|",
            "#",
            "&#",
            "]",
            "[",
        ];
        let mut state = 0x2545_f491_u64;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        for _ in 0..20_000 {
            let mut texts = [String::new(), String::new()];
            for text in &mut texts {
                for _ in 0..next(14) {
                    text.push_str(pieces[next(pieces.len())]);
                }
            }
            let text = rendered(&[&texts[0], &texts[1]]);
            assert_eq!(code_or_html(&text), None, "{texts:?} became {text:?}");
        }
    }

    #[test]
    fn safe_text_is_left_alone() {
        let cases = [
            "The [Service](https://www.twilio.com/docs/chat/rest/service-resource) to read.",
            "Sets `StartTime<` and `PageSize`, up to `1..=50`.",
            "A ~~struck~~ word, `code with <angle>` and *emphasis*.",
        ];
        for text in cases {
            assert_eq!(sanitize(text), text);
            assert_eq!(sanitize(&sanitize(text)), sanitize(text), "idempotent");
        }
        assert_eq!(sanitize("a <b>"), "a \\<b>");
        assert_eq!(code("two `ticks`\nand a line"), "`two ticks and a line`");
    }

    #[test]
    fn paragraphs_lists_and_fences() {
        let cases: &[(&str, &[&str])] = &[
            ("", &[]),
            ("One line.", &["One line."]),
            ("Folded\n  over lines.", &["Folded over lines."]),
            ("First.\n\nSecond.", &["First.", "", "Second."]),
            ("Can be:\n- a\n- b\n  continued", &["Can be:", "- a", "- b continued"]),
            ("1. one\n2. two", &["1. one", "2. two"]),
            ("```rust\nfn main() {}\n```", &["\\`\\`\\`rust fn main() {} \\`\\`\\`"]),
            ("    indented code", &["indented code"]),
            ("*/ \"quote\" `tick`", &["*/ \"quote\" `tick`"]),
        ];
        for (text, expected) in cases {
            assert_eq!(lines(text), *expected, "{text:?}");
        }
    }
}
