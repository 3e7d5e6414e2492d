//! Turning spec descriptions into rustdoc lines that render as the spec meant
//! and can never become code: no doctests, no lazy list continuations.

/// Splits a description into doc lines: one line per paragraph or list item,
/// blank lines between paragraphs. Leading indentation is dropped so nothing
/// reads as an indented code block, and code fences are defused so rustdoc
/// never compiles spec text as a doctest.
pub fn lines(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current: Option<String> = None;
    for raw in text.lines() {
        let trimmed = raw.trim();
        let line =
            if trimmed.contains('`') { trimmed.replace("```", "\\`\\`\\`") } else { trimmed.to_owned() };
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

#[cfg(test)]
mod tests {
    use super::lines;

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
