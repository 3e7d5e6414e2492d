//! Tests: what the generator names in every real spec the repository
//! carries, and what it reports between releases, pinned as snapshots.
//!
//! Names are API, so a change to a naming rule must show which names of
//! Twilio's real specs it moves, not only the fragments' (whose names
//! `generated/names.lock` pins). The walk here is the history walk of
//! `cargo xtask history` done in process: each release of `spec/history/` in
//! date order, the other spec kept, under the lock of the step before, then
//! back to `spec/upstream/`. Each step's report is pinned word for word, and
//! must be true and mirrored.

use std::fs;
use std::path::{Path, PathBuf};

use crate::diff::{diff, render, unmirrored, untrue_lines};
use crate::model::Api;
use crate::naming::NameLock;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// The YAML files of a directory of the repository, sorted, as
/// (repository path, text).
fn yaml_files(dir: &str) -> Vec<(String, String)> {
    let mut files: Vec<PathBuf> = fs::read_dir(root().join(dir))
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let name = format!("{dir}/{}", path.file_name().unwrap_or_default().to_string_lossy());
            let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, text)
        })
        .collect()
}

/// Loads and lowers specs as one crate (no code is emitted).
fn lowered(specs: &[&(String, String)], lock: &NameLock) -> (Api, NameLock) {
    let specs: Vec<_> = specs
        .iter()
        .map(|(name, text)| crate::load::load(name, text).unwrap_or_else(|e| panic!("{e}")))
        .collect();
    crate::lower::lower(&specs, lock).unwrap_or_else(|e| panic!("{e}"))
}

/// A lock as lines of `key = name`, keys escaped.
fn lines(lock: &NameLock) -> String {
    lock.iter().map(|(key, name)| format!("{key:?} = {name}\n")).collect()
}

#[test]
fn every_real_spec_gets_the_names_it_had() {
    let mut specs = yaml_files("spec/upstream");
    specs.extend(yaml_files("spec/history"));
    assert!(specs.len() >= 31, "{} specs", specs.len());
    for spec in &specs {
        let (_, names) = lowered(&[spec], &NameLock::new());
        let stem = spec.0.trim_end_matches(".yaml").replace('/', "__");
        insta::assert_snapshot!(format!("names__{stem}"), lines(&names));
    }
}

#[test]
fn the_walk_through_every_release_reports_what_changed() {
    let fragments = yaml_files("spec");
    let history = yaml_files("spec/history");
    assert!(history.len() >= 29, "{} releases", history.len());
    let chat = |name: &str| name.contains("chat_v2");
    // The crate as users start: the fragments, cut from today's specs.
    let mut current: Vec<&(String, String)> = fragments.iter().collect();
    let (mut api, mut lock) = lowered(&current, &NameLock::new());
    let start = crate::diff::public_items(&api);
    let mut out = String::new();
    // Each release replaces the files of its own spec; then back to today.
    let back = [
        fragments.iter().filter(|f| chat(&f.0)).collect(),
        fragments.iter().filter(|f| !chat(&f.0)).collect(),
    ];
    let steps = history.iter().map(|release| vec![release]).chain(back);
    for release in steps {
        let is_chat = chat(&release[0].0);
        current.retain(|spec| chat(&spec.0) != is_chat);
        current.extend(&release);
        let (next_api, next_lock) = lowered(&current, &lock);
        let forward = diff(&api, &lock, &next_api, &next_lock);
        let backward = diff(&next_api, &next_lock, &api, &lock);
        let step: Vec<&str> = release.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(untrue_lines(&api, &next_api, &forward), Vec::<String>::new(), "{step:?}");
        assert_eq!(unmirrored(&forward, &backward), Vec::<String>::new(), "{step:?}");
        out.push_str(&format!("## {}\n\n{}\n", step.join(", "), render(&forward, "0.1.0")));
        (api, lock) = (next_api, next_lock);
    }
    // Every name of the start is there at the end, and nothing else.
    assert_eq!(crate::diff::public_items(&api), start);
    insta::assert_snapshot!("history_walk", out);
}
