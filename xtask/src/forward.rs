//! Walks that start where a user who adopted the generator early started:
//! a spec's oldest release, an empty name lock, then every later release
//! in date order up to today's, regenerating at each, as `cargo xtask
//! codegen --spec FILE --out DIR` does with the lock kept in `DIR`.
//!
//! Each step must generate, must keep every lock entry as it was (the lock
//! never rewrites an entry), must give every element the spec still has
//! the public name its lock entry holds (a merged type keeps the other
//! names as aliases), and must write only names with a meaningful base
//! (no `_alt`, no `Unnamed`). Names of elements the spec removed go with
//! them, and are counted, not failed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use twilio_codegen::diff;
use twilio_codegen::model::Api;
use twilio_codegen::naming::{self, NameLock};

use crate::{Failure, Mode, RuntimeDep, Standalone, Target};

/// What a step broke, each as a line naming the step.
#[derive(Debug, Default, Clone)]
pub struct Problems {
    /// Lock entries whose name changed or that went away.
    pub rewritten: Vec<String>,
    /// Elements the spec still has whose locked name is no public name.
    pub lost: Vec<String>,
    /// Names with no meaningful base, or that the lock check refuses.
    pub unnamed: Vec<String>,
    /// Steps that did not generate.
    pub failed: Vec<String>,
}

impl Problems {
    /// Whether nothing broke.
    pub fn is_empty(&self) -> bool {
        self.rewritten.is_empty() && self.lost.is_empty() && self.unnamed.is_empty() && self.failed.is_empty()
    }

    fn extend(&mut self, other: Problems) {
        self.rewritten.extend(other.rewritten);
        self.lost.extend(other.lost);
        self.unnamed.extend(other.unnamed);
        self.failed.extend(other.failed);
    }

    /// Every problem, one per line.
    pub fn lines(&self) -> Vec<String> {
        let kinds = [
            ("rewritten", &self.rewritten),
            ("lost", &self.lost),
            ("unnamed", &self.unnamed),
            ("failed", &self.failed),
        ];
        kinds.iter().flat_map(|(what, list)| list.iter().map(move |l| format!("{what}: {l}"))).collect()
    }
}

/// Whether a lock key names a type (its value is `module::Name`).
fn names_a_type(key: &str) -> bool {
    let rest = key.split_once(' ').map_or("", |(_, rest)| rest);
    rest == "api"
        || rest.starts_with("type ")
        || (rest.starts_with("node ") && rest.ends_with(" type"))
        || (rest.starts_with("op ") && (rest.ends_with(" builder") || rest.ends_with(" required")))
}

/// A name with nothing but suffixes and placeholders in it (`_alt`,
/// `AltAlt`, `Unnamed`, `unnamed_alt`).
fn meaningless(name: &str) -> bool {
    let words = naming::snake(naming::unraw(name));
    words.split('_').filter(|w| !w.is_empty()).all(|w| w == "alt" || w == "unnamed")
}

/// The lock keys of the elements the specs have: the keys a lowering with
/// an empty lock claims.
pub fn present_keys(inputs: &[twilio_codegen::Input]) -> Result<BTreeSet<String>, Failure> {
    let specs: Vec<_> = inputs
        .iter()
        .map(|i| twilio_codegen::load::load(&i.name, &i.text))
        .collect::<Result<_, _>>()
        .map_err(Failure::Spec)?;
    let (_, claims) = twilio_codegen::lower::lower(&specs, &NameLock::new()).map_err(Failure::Spec)?;
    Ok(claims.into_keys().collect())
}

/// What one step did to the names: `old` is the lock before it, `new` the
/// lock and model after it, `present` the keys of what the step's specs
/// have.
pub fn check_step(
    step: &str,
    old: &NameLock,
    new: &NameLock,
    api: &Api,
    present: &BTreeSet<String>,
) -> Problems {
    let mut problems = Problems::default();
    for (key, name) in old {
        match new.get(key) {
            Some(now) if now == name => {}
            Some(now) => problems.rewritten.push(format!("{step}: {key:?}: {name} → {now}")),
            None => problems.rewritten.push(format!("{step}: {key:?}: {name} dropped")),
        }
    }
    if let Err((key, value, why)) = naming::check_lock(new) {
        problems.unnamed.push(format!("{step}: {key:?} = {value:?}: {why}"));
    }
    let items = diff::public_items(api);
    let sids: BTreeSet<&str> = api.sids.values().map(|s| s.rust_name.as_str()).collect();
    for (key, name) in new {
        if meaningless(name) {
            problems.unnamed.push(format!("{step}: {key:?} = {name:?}"));
        }
        if !present.contains(key) || !names_a_type(key) {
            continue;
        }
        let module = key.split_once(' ').map_or("", |(m, _)| m);
        let public = format!("{module}::{}", naming::unraw(name));
        if !items.contains(&public) {
            problems.lost.push(format!("{step}: {key:?}: the spec has it, {public} is gone"));
        }
    }
    for (key, name) in new.iter().filter(|(k, _)| k.starts_with("sid ") && present.contains(*k)) {
        if !sids.contains(name.as_str()) {
            problems.lost.push(format!("{step}: {key:?}: the spec has it, sid::{name} is gone"));
        }
    }
    problems
}

/// One spec's walk.
#[derive(Debug, Default)]
pub struct SpecWalk {
    /// The spec's file name.
    pub spec: String,
    /// Releases walked (identical releases are one).
    pub steps: usize,
    /// Public names at the end.
    pub names: usize,
    /// Public names that went with elements the spec removed.
    pub removed: usize,
    /// What broke.
    pub problems: Problems,
    /// Seconds for the walk.
    pub seconds: f64,
}

/// The releases of each spec in `history` (`DATE_COMMIT_NAME.yaml`), in
/// date order, with `current/NAME` last when it is there: by spec name.
pub fn releases(history: &Path, current: &Path) -> Result<BTreeMap<String, Vec<PathBuf>>, Failure> {
    let mut by_spec: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    let read = |dir: &Path| -> Result<Vec<PathBuf>, Failure> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| Failure::Io(dir.to_path_buf(), e))?
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .collect();
        files.sort();
        Ok(files)
    };
    for file in read(history)? {
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        // `2020-12-02_462b7e1_twilio_events_v1.yaml` → `twilio_events_v1.yaml`.
        let mut parts = name.splitn(3, '_');
        let (Some(date), Some(_), Some(spec)) = (parts.next(), parts.next(), parts.next()) else { continue };
        if date.len() == 10 {
            by_spec.entry(spec.to_owned()).or_default().push(file);
        }
    }
    for file in read(current)? {
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        by_spec.entry(name).or_default().push(file);
    }
    Ok(by_spec)
}

/// Walks one spec's `releases` in order into a standalone crate in `dir`,
/// from an empty lock.
pub fn walk_spec(root: &Path, spec: &str, releases: &[PathBuf], dir: &Path) -> Result<SpecWalk, Failure> {
    let started = Instant::now();
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| Failure::Io(dir.to_path_buf(), e))?;
    }
    let target = Target::Standalone(Standalone {
        dir: dir.to_path_buf(),
        name: Some(spec.trim_end_matches(".yaml").replace('_', "-")),
        runtime: RuntimeDep::Path,
    });
    let mut walk = SpecWalk { spec: spec.to_owned(), ..SpecWalk::default() };
    let mut last_text: Option<String> = None;
    let mut last_items: BTreeSet<String> = BTreeSet::new();
    for release in releases {
        let step = release.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let inputs = crate::read_specs(root, std::slice::from_ref(release))?;
        if last_text.as_deref() == Some(inputs[0].text.as_str()) {
            continue;
        }
        last_text = Some(inputs[0].text.clone());
        walk.steps += 1;
        // A lock this generator wrote and now refuses ends the walk: no
        // later release can be generated either.
        let old = match crate::name_lock(root, &target) {
            Ok(lock) => lock,
            Err(error) => {
                walk.problems.failed.push(format!("{step}: {error}"));
                break;
            }
        };
        if let Err(error) = crate::codegen(root, &inputs, &target, Mode::Write) {
            walk.problems.failed.push(format!("{step}: {error}"));
            continue;
        }
        let (api, new) = match crate::generated_model(root, &target) {
            Ok(Some(generated)) => generated,
            Ok(None) => {
                walk.problems.failed.push(format!("{step}: no model was written"));
                continue;
            }
            // The lock just written is refused: the generator wrote a name it
            // does not accept, and nothing later can be generated.
            Err(error) => {
                walk.problems.unnamed.push(format!("{step}: {error}"));
                break;
            }
        };
        let present = present_keys(&inputs)?;
        walk.problems.extend(check_step(&step, &old, &new, &api, &present));
        let items = diff::public_items(&api);
        walk.removed += last_items.difference(&items).count();
        walk.names = items.len();
        last_items = items;
    }
    walk.seconds = started.elapsed().as_secs_f64();
    Ok(walk)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meaningless_names_are_only_suffixes_and_placeholders() {
        for name in ["_alt", "Alt", "AltAlt", "Unnamed", "unnamed_alt", "r#_alt"] {
            assert!(meaningless(name), "{name}");
        }
        for name in ["AccountContext", "start_time_alt", "ClientAlt", "alternative"] {
            assert!(!meaningless(name), "{name}");
        }
    }

    #[test]
    fn type_keys_are_told_from_others() {
        for key in [
            "m api",
            "m type field A b",
            "m node /v1/A type",
            "m op GET /v1/A builder",
            "m op POST /v1/A required",
        ] {
            assert!(names_a_type(key), "{key}");
        }
        for key in
            ["m node /v1/A accessor", "m op GET /v1/A method", "m field A b", "m variant A b", "sid AC"]
        {
            assert!(!names_a_type(key), "{key}");
        }
    }
}
