//! Living with Twilio's spec changes: the API change report on real
//! upstream history (both directions), and `cargo xtask update-spec` on a
//! scratch copy of the repository: it regenerates, records the report, is a
//! no-op the second time, and leaves everything as it was on a broken spec.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use twilio_codegen::Input;
use twilio_codegen::diff::{Change, diff, render};
use xtask::upstream;

/// The model of the Bindings crate, with its name lock, when the fragments
/// are cut from `history` files (by name under `spec/history/`) instead of
/// the upstream specs stored in the repository; named under the committed
/// name lock, as `cargo xtask update-spec` names them.
fn model_with(history: &[&str]) -> twilio_codegen::Output {
    let root = xtask::root();
    let mut specs = upstream::stored(&root).expect("spec/upstream");
    for file in history {
        let name = upstream::upstream_names()
            .into_iter()
            .find(|n| file.ends_with(n))
            .expect("a history file of an upstream spec");
        let text = fs::read_to_string(root.join("spec/history").join(file)).expect("spec/history");
        specs.insert(name.to_owned(), text);
    }
    let fragments = upstream::cut(&specs).expect("the fragments cut");
    let inputs: Vec<Input> =
        fragments.into_iter().map(|(file, text)| Input { name: format!("spec/{file}"), text }).collect();
    xtask::generate(&root, &inputs, &xtask::Target::Workspace).unwrap_or_else(|e| panic!("{e}"))
}

fn report(from: &[&str], to: &[&str]) -> (Vec<Change>, String) {
    let (old, new) = (model_with(from), model_with(to));
    let changes = diff(&old.api, &old.names, &new.api, &new.names);
    let text = render(&changes, "0.1.0");
    (changes, text)
}

const CHAT_OLD: &str = "2025-07-03_4ae76f3_twilio_chat_v2.yaml";
const CHAT_NEW: &str = "2025-10-28_af3dd9e_twilio_chat_v2.yaml";
const CONV_OLD: &str = "2024-06-06_832bf7b_twilio_conversations_v1.yaml";
const CONV_NEW: &str = "2024-06-18_cc2f698_twilio_conversations_v1.yaml";

#[test]
fn chat_page_size_maximum_1000_to_50_is_breaking() {
    let (changes, text) = report(&[CHAT_OLD], &[CHAT_NEW]);
    assert!(
        changes.iter().any(|c| c.breaking && c.rust == "chat_v2::ListBindingRequest::page_size"),
        "{text}"
    );
    assert!(text.contains("maximum 1000 → 50"), "{text}");
    insta::assert_snapshot!("chat_v2_2025_07_03_to_2025_10_28", text);
}

#[test]
fn chat_page_size_maximum_50_to_1000_is_not_breaking() {
    let (changes, text) = report(&[CHAT_NEW], &[CHAT_OLD]);
    assert!(!changes.is_empty() && changes.iter().all(|c| !c.breaking), "{text}");
    insta::assert_snapshot!("chat_v2_2025_10_28_to_2025_07_03", text);
}

#[test]
fn conversations_2024_06_06_to_2024_06_18_changes_nothing_generated() {
    // The later version adds examples and component enums that no operation
    // uses (one of them with a `TWILSOCK` value): nothing a user calls.
    let (changes, text) = report(&[CONV_OLD], &[CONV_NEW]);
    assert!(changes.is_empty(), "{text}");
    let (changes, text) = report(&[CONV_NEW], &[CONV_OLD]);
    assert!(changes.is_empty(), "{text}");
}

#[test]
fn conversations_twilsock_added_is_not_breaking_and_removed_is() {
    // `twilsock` reached the binding types after 2024-06-18; `&[]` is the
    // upstream spec stored in the repository.
    let (added, text) = report(&[CONV_NEW], &[]);
    assert!(added.iter().any(|c| !c.breaking && c.rust.ends_with("::Twilsock")), "{text}");
    insta::assert_snapshot!("conversations_v1_2024_06_18_to_upstream", text);
    let (removed, text) = report(&[], &[CONV_NEW]);
    assert!(removed.iter().any(|c| c.breaking && c.rust.ends_with("::Twilsock")), "{text}");
    insta::assert_snapshot!("conversations_v1_upstream_to_2024_06_18", text);
}

#[test]
fn the_same_spec_reports_nothing() {
    let (changes, text) = report(&[CHAT_NEW, CONV_NEW], &[CHAT_NEW, CONV_NEW]);
    assert!(changes.is_empty(), "{text}");
    assert_eq!(text, "No change to the generated API.\n");
}

/// Copies what `update-spec` reads and writes into a scratch root.
fn scratch_repo(name: &str) -> PathBuf {
    let root = xtask::root();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = fs::remove_dir_all(&dir);
    for sub in ["spec", "spec/upstream", "generated", "generated/src/generated"] {
        fs::create_dir_all(dir.join(sub)).expect("scratch dirs");
        for entry in fs::read_dir(root.join(sub)).expect("readable").flatten() {
            if entry.path().is_file() {
                fs::copy(entry.path(), dir.join(sub).join(entry.file_name())).expect("copies");
            }
        }
    }
    fs::copy(root.join("Cargo.toml"), dir.join("Cargo.toml")).expect("copies");
    dir
}

fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.insert(path.clone(), fs::read(&path).unwrap_or_default());
            }
        }
    }
    out
}

#[test]
fn update_spec_regenerates_records_the_report_and_is_idempotent() {
    let dir = scratch_repo("update-spec");
    let history = xtask::root().join("spec/history").join(CHAT_OLD);
    let incoming = upstream::find(std::slice::from_ref(&history)).expect("found");
    let first = upstream::update(&dir, &incoming).unwrap_or_else(|e| panic!("{e}"));
    assert!(first.report.contains("at 4ae76f3 (2025-07-03)"), "{}", first.report);
    assert!(first.report.contains("maximum 50 → 1000"), "{}", first.report);
    for file in [
        "spec/upstream/twilio_chat_v2.yaml",
        "spec/upstream/provenance.json",
        "spec/chat_v2_service_bindings.yaml",
        "generated/src/generated/chat_v2.rs",
        "generated/CHANGELOG.md",
    ] {
        assert!(first.written.iter().any(|w| w.ends_with(file)), "{file} not in {:?}", first.written);
    }
    let chat = fs::read_to_string(dir.join("generated/src/generated/chat_v2.rs")).expect("generated");
    assert!(chat.contains("page_size.clamp(1, 1000)"));
    let provenance = upstream::provenance(&dir).expect("provenance");
    assert_eq!(provenance.files["twilio_chat_v2.yaml"].commit, "4ae76f3");
    let log = fs::read_to_string(dir.join("generated/CHANGELOG.md")).expect("changelog");
    assert!(log.contains("## Unreleased: `twilio_chat_v2.yaml` at 4ae76f3"), "{log}");

    let before = files(&dir);
    let second = upstream::update(&dir, &incoming).unwrap_or_else(|e| panic!("{e}"));
    assert!(second.written.is_empty(), "{:?}", second.written);
    assert_eq!(files(&dir), before, "a second run changes nothing");

    // A broken spec names its file and place, and leaves everything as it was.
    let broken = dir.join("twilio_chat_v2.yaml");
    let text = fs::read_to_string(&history).expect("readable").replacen("paths:", "paths: [", 1);
    fs::write(&broken, text).expect("writes");
    let before = files(&dir);
    let incoming = upstream::find(&[broken]).expect("found");
    let error = upstream::update(&dir, &incoming).expect_err("a broken spec fails").to_string();
    let line = error.split("twilio_chat_v2.yaml:").nth(1).unwrap_or_default();
    assert!(line.starts_with(|c: char| c.is_ascii_digit()), "no line number: {error}");
    assert_eq!(files(&dir), before, "a failed update leaves everything as it was");
}

/// Every file under `dir` but `target`-like scratch, as a map.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    files(dir)
        .into_iter()
        .map(|(p, b)| (p.strip_prefix(dir).map(Path::to_path_buf).unwrap_or(p), b))
        .collect()
}

/// Leftovers an interrupted update must not leave: its journal, temporaries.
fn litter(state: &BTreeMap<PathBuf, Vec<u8>>) -> Vec<&PathBuf> {
    state
        .keys()
        .filter(|p| {
            p.starts_with(xtask::transaction::JOURNAL)
                || p.file_name().is_some_and(|n| n.to_string_lossy().ends_with(".tmp"))
        })
        .collect()
}

#[test]
fn update_spec_killed_at_any_step_is_finished_or_rolled_back() {
    let history = xtask::root().join("spec/history").join(CHAT_OLD);
    let incoming = upstream::find(std::slice::from_ref(&history)).expect("found");
    let clean = scratch_repo("kill-clean");
    let before = tree(&clean);
    upstream::update(&clean, &incoming).unwrap_or_else(|e| panic!("{e}"));
    let after = tree(&clean);
    assert_ne!(before, after);

    let mut kill_points = 0;
    for n in 0.. {
        let dir = scratch_repo("kill");
        let mut steps = 0;
        let mut hook = |step: &xtask::transaction::Step| {
            steps += 1;
            if steps > n { Err(std::io::Error::other(format!("killed at {step:?}"))) } else { Ok(()) }
        };
        let outcome = upstream::update_with(&dir, &incoming, &mut hook);
        if outcome.is_ok() {
            assert_eq!(tree(&dir), after, "a run that was not stopped");
            break;
        }
        kill_points += 1;
        let killed = tree(&dir);
        // Either nothing changed yet, or the journal says how to finish.
        let pending = xtask::transaction::pending(&dir);
        assert!(pending || killed == before, "killed at step {n}: neither old nor pending");
        if pending {
            let specs = xtask::default_specs(&dir).expect("specs");
            let inputs = xtask::read_specs(&dir, &specs).expect("readable");
            let checked = xtask::codegen(&dir, &inputs, &xtask::Target::Workspace, xtask::Mode::Check);
            let error = checked.expect_err("a check of an interrupted update fails").to_string();
            assert!(error.contains("update-spec --finish"), "{error}");
        }
        // The next run finishes or rolls back, then updates: the result is
        // the clean run's, with one changelog entry and no litter.
        upstream::update(&dir, &incoming).unwrap_or_else(|e| panic!("after a kill at step {n}: {e}"));
        let state = tree(&dir);
        assert!(litter(&state).is_empty(), "step {n}: {:?}", litter(&state));
        assert_eq!(state, after, "killed at step {n}, then run again");
        let log = String::from_utf8_lossy(&state[Path::new("generated/CHANGELOG.md")]).into_owned();
        assert_eq!(log.matches("## Unreleased").count(), 1, "{log}");
    }
    eprintln!("update-spec: {kill_points} kill points, each finished or rolled back");
    // Staged files, the plan, the commit point, each move and the plan's removal.
    assert!(kill_points >= 10, "only {kill_points} kill points");
}
