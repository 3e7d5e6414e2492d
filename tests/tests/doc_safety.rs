//! Spec text never reaches rustdoc as code or HTML: every doc comment of
//! every crate generated from the fragments, the upstream specs and the
//! hostile corpus is read the way rustdoc reads it (pulldown-cmark, with
//! rustdoc's extensions), and must hold no code block (a doctest) and no raw
//! HTML. `cargo xtask corpus` also counts doctests with rustdoc itself.

use std::path::PathBuf;

use pulldown_cmark::{Event, Options, Parser, Tag};
use twilio_codegen::{Input, generate};

/// The doc comments of a file, one string per item.
fn doc_blocks(code: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    let mut kind = "";
    for line in code.lines() {
        let trimmed = line.trim_start();
        let this =
            ["//!", "///"].into_iter().find(|p| trimmed.starts_with(p) && !trimmed.starts_with("////"));
        match this {
            Some(prefix) if prefix == kind || current.is_empty() => {
                kind = prefix;
                current.push(trimmed[3..].strip_prefix(' ').unwrap_or(&trimmed[3..]));
            }
            _ => {
                if !current.is_empty() {
                    blocks.push(current.join("\n"));
                    current.clear();
                }
                if let Some(prefix) = this {
                    kind = prefix;
                    current.push(trimmed[3..].strip_prefix(' ').unwrap_or(&trimmed[3..]));
                }
            }
        }
        assert!(!trimmed.starts_with("#[doc") && !trimmed.starts_with("#![doc"), "a doc attribute: {line}");
    }
    if !current.is_empty() {
        blocks.push(current.join("\n"));
    }
    blocks
}

fn code_or_html(markdown: &str) -> Option<String> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION;
    Parser::new_ext(markdown, options).find_map(|event| match event {
        Event::Start(Tag::CodeBlock(kind)) => Some(format!("code block {kind:?}")),
        Event::Html(html) | Event::InlineHtml(html) => Some(format!("HTML {html:?}")),
        _ => None,
    })
}

fn specs(dir: &str) -> Vec<PathBuf> {
    let dir = xtask::root().join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "yaml"));
    files.sort();
    files
}

#[test]
fn generated_docs_hold_no_code_and_no_html() {
    let mut files = specs("spec");
    files.extend(specs("spec/upstream"));
    files.extend(specs("tests/hostile"));
    let mut generated = 0;
    let mut blocks = 0;
    for path in files {
        let name = path.display().to_string();
        let text = String::from_utf8_lossy(&std::fs::read(&path).expect("readable")).into_owned();
        let Ok(output) = generate(&[Input { name: name.clone(), text }]) else { continue };
        generated += 1;
        for (file, code) in &output.files {
            let blocks_of_file = if file.ends_with(".md") { vec![code.clone()] } else { doc_blocks(code) };
            for block in blocks_of_file {
                blocks += 1;
                if let Some(found) = code_or_html(&block) {
                    panic!("{name}: {file}: {found} in the docs:\n{block}");
                }
            }
        }
    }
    assert!(generated >= 15, "only {generated} specs generated");
    assert!(blocks >= 1000, "only {blocks} doc comments read");
}

#[test]
fn the_reader_finds_what_rustdoc_would_run() {
    // The check above must be able to fail: each of these is a doctest or HTML.
    let code =
        "/// Text.\n///\n/// ```\n/// run();\n/// ```\nfn a() {}\n//! ~~~\n//! x\n//! ~~~\n/// <b>bold</b>\n";
    let found: Vec<Option<String>> = doc_blocks(code).iter().map(|b| code_or_html(b)).collect();
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(found.iter().all(Option::is_some), "{found:?}");
}
