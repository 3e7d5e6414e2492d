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

/// Every code block of a Markdown text, with its info string.
fn code_blocks(markdown: &str) -> Vec<String> {
    Parser::new_ext(markdown, Options::ENABLE_TABLES)
        .filter_map(|event| match event {
            Event::Start(Tag::CodeBlock(pulldown_cmark::CodeBlockKind::Fenced(info))) => {
                Some(info.to_string())
            }
            Event::Start(Tag::CodeBlock(pulldown_cmark::CodeBlockKind::Indented)) => Some(String::new()),
            _ => None,
        })
        .collect()
}

#[test]
fn no_checked_in_file_makes_a_runnable_doctest() {
    // What the generator writes from its own files (the provenance record)
    // holds no code at all; the hand-written guide compiles its examples
    // but never runs them.
    let root = xtask::root();
    let generated = root.join("generated/src/generated");
    for entry in std::fs::read_dir(&generated).expect("generated").flatten() {
        let path = entry.path();
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let blocks = if path.extension().is_some_and(|e| e == "md") { vec![text] } else { doc_blocks(&text) };
        for block in blocks {
            assert_eq!(code_or_html(&block), None, "{}: {block}", path.display());
        }
    }
    for file in ["generated/src/lib.rs"] {
        let text = std::fs::read_to_string(root.join(file)).expect("readable");
        // Hand-written files may include generated Markdown: their comments only.
        let docs: String = text
            .lines()
            .filter_map(|l| {
                let t = l.trim_start();
                t.strip_prefix("//!")
                    .or_else(|| t.strip_prefix("///"))
                    .map(|d| format!("{}\n", d.strip_prefix(' ').unwrap_or(d)))
            })
            .collect();
        assert!(docs.contains("```"), "{file} has examples");
        {
            let block = docs;
            for info in code_blocks(&block) {
                let runs = !["no_run", "ignore", "compile_fail", "text"].iter().any(|k| info.contains(k));
                assert!(!runs, "{file}: a doctest that runs: ```{info}");
            }
        }
    }
}

#[test]
fn provenance_text_cannot_open_a_code_block() {
    use xtask::upstream::{Provenance, Source, provenance_markdown};
    let hostile = "x`\n\n```\nfn main() { std::process::exit(1) }\n```\n`";
    let source = Source {
        path: "spec/yaml/twilio_chat_v2.yaml".to_owned(),
        commit: hostile.to_owned(),
        date: format!("<img src=x onerror=alert(1)>{hostile}"),
        sha256: "0".repeat(64),
    };
    let provenance = Provenance {
        repository: hostile.to_owned(),
        license: "MIT".to_owned(),
        files: [("twilio_chat_v2.yaml".to_owned(), source)].into(),
    };
    // Refused on read, by field ...
    let error = provenance.check().expect_err("hostile fields");
    assert!(error.contains("repository"), "{error}");
    // ... and harmless even if it were not.
    let markdown = provenance_markdown(&provenance);
    assert_eq!(code_or_html(&markdown), None, "{markdown}");
    assert_eq!(markdown.lines().count(), 1, "{markdown}");
}

#[test]
fn a_hostile_provenance_record_stops_codegen_by_name() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("hostile-provenance");
    let _ = std::fs::remove_dir_all(&dir);
    let root = xtask::root();
    for sub in ["spec", "spec/upstream", "generated", "generated/src/generated"] {
        std::fs::create_dir_all(dir.join(sub)).expect("dirs");
        for entry in std::fs::read_dir(root.join(sub)).expect("readable").flatten() {
            if entry.path().is_file() {
                std::fs::copy(entry.path(), dir.join(sub).join(entry.file_name())).expect("copies");
            }
        }
    }
    let path = dir.join("spec/upstream/provenance.json");
    let text = std::fs::read_to_string(&path).expect("provenance");
    let text = text.replacen(
        "\"twilio/twilio-oai\"",
        "\"twilio/twilio-oai` (x)\\n\\n```\\nfn main() {}\\n```\\n\"",
        1,
    );
    std::fs::write(&path, text).expect("writes");
    let inputs = xtask::read_specs(&dir, &xtask::default_specs(&dir).expect("specs")).expect("readable");
    for mode in [xtask::Mode::Check, xtask::Mode::Write] {
        let error =
            xtask::codegen(&dir, &inputs, &xtask::Target::Workspace, mode).expect_err("refused").to_string();
        assert!(error.contains("provenance.json") && error.contains("repository"), "{error}");
    }
}

#[test]
fn hostile_names_reach_the_report_as_text() {
    // Every name in this spec tries to become a heading, HTML, a fence or a
    // terminal escape in `CHANGELOG.md` and on the screen.
    let root = xtask::root();
    let read = |file: &str| std::fs::read_to_string(root.join(file)).expect("readable");
    let hostile = generate(&[Input {
        name: "hostile.yaml".to_owned(),
        text: read("tests/hostile/report_injection.yaml"),
    }])
    .expect("generates");
    let empty = twilio_codegen::model::Api {
        domains: Default::default(),
        sids: Default::default(),
        skipped: Vec::new(),
        warnings: Vec::new(),
    };
    let mut changed = hostile.clone();
    for domain in changed.api.domains.values_mut() {
        for def in domain.types.values_mut() {
            if let twilio_codegen::model::TypeDef::Enum(e) = def {
                e.variants.clear();
            }
        }
        for resource in domain.resources.values_mut() {
            for op in &mut resource.operations {
                op.operation_id.push_str("\n# Changed");
                for p in &mut op.params {
                    p.maximum = Some(5);
                }
            }
        }
    }
    let mut reports = Vec::new();
    for (old, new) in [
        (&empty, &hostile.api),
        (&hostile.api, &empty),
        (&hostile.api, &changed.api),
        (&changed.api, &hostile.api),
    ] {
        let changes = twilio_codegen::diff::diff(old, &hostile.names, new, &hostile.names);
        assert!(!changes.is_empty());
        reports.push(twilio_codegen::diff::render(&changes, "0.1.0"));
    }
    assert!(
        reports.iter().any(|r| r.contains("curl | sh <script>") && r.contains("<b>bold</b>")),
        "the text is shown: {reports:?}"
    );
    for report in reports {
        assert!(!report.chars().any(|c| c.is_control() && c != '\n'), "a control character: {report:?}");
        for line in report.lines().filter(|l| !l.is_empty()) {
            let allowed = ["Suggested", "No change", "Breaking", "Non-breaking", "Personal", "- "];
            assert!(allowed.iter().any(|a| line.starts_with(a)), "a line of its own: {line:?}");
        }
        let options = Options::ENABLE_TABLES;
        for event in Parser::new_ext(&report, options) {
            match event {
                Event::Html(h) | Event::InlineHtml(h) => panic!("HTML {h:?} in {report}"),
                Event::Start(Tag::Heading { .. } | Tag::CodeBlock(_)) => panic!("{event:?} in {report}"),
                _ => {}
            }
        }
    }
}
