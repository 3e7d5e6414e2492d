//! The upstream specs the fragments are cut from, kept in the repository
//! under `spec/upstream/` with a provenance record, and `cargo xtask
//! update-spec`, which replaces them, cuts the fragments again, regenerates
//! and reports what changed in the API.
//!
//! Every file read here is untrusted: the provenance record is checked
//! field by field when read (a commit is hex, a date a real date, the
//! repository `owner/name`), spec files are read within a size bound and
//! only when they are regular files, and a checkout's git history is read
//! from its objects without running git ([`crate::git`]).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use twilio_codegen::Input;

use crate::transaction::{self, Change, Hook, Recovery};
use crate::{Failure, Target, git, output, slice};

/// Where the upstream specs live, relative to the root.
pub const UPSTREAM_DIR: &str = "spec/upstream";

/// The provenance record's file name in [`UPSTREAM_DIR`].
pub const PROVENANCE: &str = "provenance.json";

/// What stands for a commit or date nobody knows.
pub const UNKNOWN: &str = "unknown";

/// Where every upstream spec came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provenance {
    /// The upstream repository (`twilio/twilio-oai`).
    pub repository: String,
    /// Its license, and the file beside the specs that holds it.
    pub license: String,
    /// Each spec by file name.
    pub files: BTreeMap<String, Source>,
}

/// One upstream spec file's origin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Its path in the upstream repository.
    pub path: String,
    /// The upstream commit it was taken from ([`UNKNOWN`] if not known).
    pub commit: String,
    /// The date of that commit, `YYYY-MM-DD` ([`UNKNOWN`] if not known).
    pub date: String,
    /// SHA-256 of the file as stored here.
    pub sha256: String,
}

/// A commit as provenance records it: 7 to 40 lowercase hex digits.
pub fn valid_commit(text: &str) -> bool {
    (7..=40).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A date as provenance records it: a real `YYYY-MM-DD`, not after today.
pub fn valid_date(text: &str) -> bool {
    let Ok(date) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") else { return false };
    // `parse_from_str` takes `2024-6-1`; only the padded spelling is kept.
    date.format("%Y-%m-%d").to_string() == text && date <= chrono::Utc::now().date_naive()
}

impl Provenance {
    /// Checks every field's shape, naming the first that is wrong.
    pub fn check(&self) -> Result<(), String> {
        let name_part = |s: &str| {
            !s.is_empty()
                && s.len() <= 100
                && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
                && !s.starts_with('.')
        };
        match self.repository.split_once('/') {
            Some((owner, name)) if name_part(owner) && name_part(name) => {}
            _ => return Err(format!("repository {:?} is not `owner/name`", self.repository)),
        }
        if self.license.len() > 200 || self.license.chars().any(char::is_control) {
            return Err("license is not one short line".to_owned());
        }
        let known = upstream_names();
        for (name, source) in &self.files {
            if !known.contains(&name.as_str()) {
                return Err(format!("files: {name:?} is not a spec the fragments are cut from"));
            }
            if source.path != format!("spec/yaml/{name}") {
                return Err(format!("files.{name}.path {:?} is not spec/yaml/{name}", source.path));
            }
            if source.commit != UNKNOWN && !valid_commit(&source.commit) {
                return Err(format!("files.{name}.commit {:?} is not 7 to 40 hex digits", source.commit));
            }
            if source.date != UNKNOWN && !valid_date(&source.date) {
                return Err(format!(
                    "files.{name}.date {:?} is not a date (YYYY-MM-DD, not after today)",
                    source.date
                ));
            }
            if source.sha256.len() != 64 || !source.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(format!("files.{name}.sha256 is not a SHA-256"));
            }
        }
        Ok(())
    }
}

/// The upstream spec files that fragments are cut from, sorted.
pub fn upstream_names() -> Vec<&'static str> {
    let mut names: Vec<&str> = slice::FRAGMENTS.iter().map(|f| f.upstream).collect();
    names.sort();
    names.dedup();
    names
}

/// The provenance record in the repository, checked.
pub fn provenance(root: &Path) -> Result<Provenance, Failure> {
    let path = root.join(UPSTREAM_DIR).join(PROVENANCE);
    let text = crate::read_text(&path, crate::MAX_OWN_FILE)?;
    let broken = |why: String| Failure::Io(path.clone(), std::io::Error::other(why));
    let provenance: Provenance = serde_json::from_str(&text).map_err(|e| broken(e.to_string()))?;
    provenance.check().map_err(broken)?;
    Ok(provenance)
}

/// A sentence for the generated crate's docs: which upstream specs, at
/// which commits, it was generated from. Every part is checked on read and
/// goes through the same sanitizer as spec text.
pub fn provenance_markdown(provenance: &Provenance) -> String {
    use twilio_codegen::docs::{code, sanitize};
    let files: Vec<String> = provenance
        .files
        .iter()
        .map(|(name, source)| {
            format!("{} at commit {} ({})", code(name), code(short(&source.commit)), code(&source.date))
        })
        .collect();
    let line = format!(
        "Generated from Twilio's OpenAPI specs in {}: {}.",
        code(&provenance.repository),
        files.join(", ")
    );
    sanitize(&line) + "\n"
}

/// Cuts every fragment out of the upstream texts (by upstream file name).
pub fn cut(upstream: &BTreeMap<String, String>) -> Result<BTreeMap<String, String>, String> {
    slice::FRAGMENTS
        .iter()
        .map(|fragment| {
            let text = upstream
                .get(fragment.upstream)
                .ok_or_else(|| format!("{UPSTREAM_DIR}/{} is missing", fragment.upstream))?;
            let cut =
                slice::slice(text, fragment.paths).map_err(|e| format!("{}: {e}", fragment.upstream))?;
            Ok((fragment.file.to_owned(), cut))
        })
        .collect()
}

/// The upstream specs stored in the repository, by file name.
pub fn stored(root: &Path) -> Result<BTreeMap<String, String>, Failure> {
    upstream_names()
        .into_iter()
        .map(|name| {
            let path = root.join(UPSTREAM_DIR).join(name);
            crate::read_text(&path, crate::MAX_SPEC).map(|text| (name.to_owned(), text))
        })
        .collect()
}

/// A new upstream spec and where it came from.
#[derive(Debug)]
pub struct Incoming {
    /// Its upstream file name (`twilio_chat_v2.yaml`).
    pub name: String,
    /// The file it was read from.
    pub from: PathBuf,
    /// Its text.
    pub text: String,
    /// Its commit and date, checked, if they are known.
    pub commit: Option<(String, String)>,
    /// Why the commit or date is not known, or what else to say of them.
    pub note: Option<String>,
}

/// A commit and date given on the command line (`--commit`, `--date`).
#[derive(Debug, Clone, Default)]
pub struct Given {
    /// The commit, 7 to 40 hex digits.
    pub commit: Option<String>,
    /// The date, `YYYY-MM-DD`.
    pub date: Option<String>,
}

/// Finds the upstream specs in `paths`, with what is known of their origin.
/// See [`find_given`].
pub fn find(paths: &[PathBuf]) -> Result<Vec<Incoming>, String> {
    find_given(paths, &Given::default())
}

/// Finds the upstream specs in `paths`: twilio-oai checkouts (their
/// `spec/yaml/` folder) or spec files named exactly as upstream names them
/// (`twilio_chat_v2.yaml`) or `DATE_COMMIT_NAME` (`2025-07-03_4ae76f3_twilio_chat_v2.yaml`
/// is `twilio_chat_v2.yaml` at commit `4ae76f3` of 2025-07-03).
///
/// The commit and date come from `given`, else from the git checkout the
/// file lies in (at its upstream path `spec/yaml/NAME`, as committed),
/// else from its name; otherwise they are unknown and `note` says why.
/// Only regular files are read, within the size bound; in a checkout,
/// neither the file nor a folder on the way to it may be a symlink.
pub fn find_given(paths: &[PathBuf], given: &Given) -> Result<Vec<Incoming>, String> {
    if let Some(commit) = &given.commit {
        if !valid_commit(commit) {
            return Err(format!("--commit {commit:?}: not 7 to 40 lowercase hex digits"));
        }
    }
    if let Some(date) = &given.date {
        if !valid_date(date) {
            return Err(format!("--date {date:?}: not a date YYYY-MM-DD, or after today"));
        }
    }
    let known = upstream_names();
    let mut found: BTreeMap<String, Incoming> = BTreeMap::new();
    for path in paths {
        let checkout = fs::metadata(path).is_ok_and(|m| m.is_dir());
        let files: Vec<PathBuf> = if checkout {
            let candidates: Vec<PathBuf> = ["spec/yaml", "spec", "."]
                .iter()
                .flat_map(|sub| known.iter().map(move |n| path.join(sub).join(n)))
                .filter(|p| fs::symlink_metadata(p).is_ok())
                .collect();
            if candidates.is_empty() {
                return Err(format!(
                    "{}: no {} in it, in spec/yaml/ or in spec/",
                    path.display(),
                    known.join(" or ")
                ));
            }
            for file in &candidates {
                no_symlinks(path, file)?;
            }
            candidates
        } else {
            vec![path.clone()]
        };
        for file in files {
            let file_name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let Some((name, from_name)) =
                known.iter().find_map(|n| upstream_name(&file_name, n).map(|c| (*n, c)))
            else {
                return Err(format!(
                    "{}: not a spec the fragments are cut from (expected {} or DATE_COMMIT_NAME)",
                    file.display(),
                    known.join(" or ")
                ));
            };
            let bytes = crate::read_bounded(&file, crate::MAX_SPEC).map_err(|e| e.to_string())?;
            let text = String::from_utf8(bytes).map_err(|_| format!("{}: not UTF-8 text", file.display()))?;
            if found.contains_key(name) {
                return Err(format!("{}: {name} is given twice", file.display()));
            }
            let (commit, note) = origin(&file, &text, name, from_name, given);
            found.insert(name.to_owned(), Incoming { name: name.to_owned(), from: file, text, commit, note });
        }
    }
    Ok(found.into_values().collect())
}

/// Refuses a file of a checkout that is a symlink, or that a symlinked
/// folder leads to: it could point out of the checkout.
fn no_symlinks(checkout: &Path, file: &Path) -> Result<(), String> {
    let rel = file.strip_prefix(checkout).unwrap_or(file);
    let mut at = checkout.to_path_buf();
    for part in rel.components() {
        at.push(part);
        if fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(format!(
                "{}: is a symlink; a checkout's specs are read only as plain files",
                at.display()
            ));
        }
    }
    Ok(())
}

/// The commit and date named in `DATE_COMMIT_NAME`, if `file_name` is
/// `name` itself (`Some(None)`) or that (`Some(Some(..))`).
fn upstream_name(file_name: &str, name: &str) -> Option<Option<(String, String)>> {
    if file_name == name {
        return Some(None);
    }
    let prefix = file_name.strip_suffix(name)?.strip_suffix('_')?;
    let (date, commit) = prefix.split_once('_')?;
    (valid_date(date) && valid_commit(commit)).then(|| Some((commit.to_owned(), date.to_owned())))
}

/// What is known of where `file` came from, and a note when it is not all.
fn origin(
    file: &Path,
    text: &str,
    name: &str,
    from_name: Option<(String, String)>,
    given: &Given,
) -> (Option<(String, String)>, Option<String>) {
    if given.commit.is_some() || given.date.is_some() {
        let commit = given.commit.clone().unwrap_or_else(|| UNKNOWN.to_owned());
        let date = given.date.clone().unwrap_or_else(|| UNKNOWN.to_owned());
        let note = (given.commit.is_none() || given.date.is_none())
            .then(|| "given on the command line; the rest is unknown".to_owned());
        return (Some((commit, date)), note);
    }
    let git = git::origin(file, text.as_bytes(), &format!("spec/yaml/{name}"));
    match git {
        git::Origin::Committed { commit, date } => return (Some((commit, date)), None),
        git::Origin::Modified { head } => {
            let note = format!(
                "the file differs from {} at commit {} of its checkout (uncommitted changes), so no commit is recorded; give --commit and --date to record them",
                name,
                short(&head)
            );
            return (None, Some(note));
        }
        _ => {}
    }
    if let Some(named) = from_name {
        return (Some(named), None);
    }
    let why = match git {
        git::Origin::Unreadable(why) => format!("its git checkout could not be read ({why})"),
        git::Origin::OtherPath(rel) => {
            format!(
                "it lies in a git checkout at {rel}, not at spec/yaml/{name}, and its name holds no DATE_COMMIT_"
            )
        }
        _ => {
            "it lies in no git checkout, its name holds no DATE_COMMIT_, and no --commit or --date was given"
                .to_owned()
        }
    };
    (None, Some(format!("commit and date unknown: {why}; give --commit and --date to record them")))
}

/// What `update-spec` did.
#[derive(Debug)]
pub struct Update {
    /// The change report, Markdown.
    pub report: String,
    /// Files written, relative to the root.
    pub written: Vec<String>,
    /// The changes the report lists.
    pub changes: Vec<twilio_codegen::diff::Change>,
    /// What became of an interrupted earlier update.
    pub recovered: Recovery,
}

/// Replaces the upstream specs with `incoming`, cuts the fragments again,
/// regenerates `generated/` and records the change report in its
/// `CHANGELOG.md`, as one transaction ([`transaction`]). Everything is
/// checked and generated in memory first: a spec that fails to load, or
/// output that cannot be written, leaves every file as it was. Running it
/// again with the same input writes nothing. An earlier update that was
/// interrupted is finished (or rolled back) first.
pub fn update(root: &Path, incoming: &[Incoming]) -> Result<Update, Failure> {
    update_with(root, incoming, &mut |_| Ok(()))
}

/// [`update`], calling `hook` before each step of the transaction (tests
/// stop it there, as a kill would).
pub fn update_with(root: &Path, incoming: &[Incoming], hook: Hook<'_>) -> Result<Update, Failure> {
    for spec in incoming {
        twilio_codegen::load::load(&spec.from.display().to_string(), &spec.text).map_err(Failure::Spec)?;
    }
    let recovered = transaction::recover(root, &mut |_| Ok(()))?;
    let mut provenance = provenance(root)?;
    let mut upstream = stored(root)?;
    // A spec byte for byte as stored is no change, whatever commit it comes
    // with: Twilio republishes every spec at each release, and a pull request
    // for a new commit of the same bytes would be noise.
    let incoming: Vec<&Incoming> =
        incoming.iter().filter(|spec| upstream.get(&spec.name) != Some(&spec.text)).collect();
    for spec in &incoming {
        let (commit, date) = spec.commit.clone().unwrap_or_else(|| (UNKNOWN.to_owned(), UNKNOWN.to_owned()));
        provenance.files.insert(
            spec.name.clone(),
            Source {
                path: format!("spec/yaml/{}", spec.name),
                commit,
                date,
                sha256: output::sha256(spec.text.as_bytes()),
            },
        );
        upstream.insert(spec.name.clone(), spec.text.clone());
    }
    provenance
        .check()
        .map_err(|e| Failure::Io(root.join(UPSTREAM_DIR).join(PROVENANCE), std::io::Error::other(e)))?;
    let fragments =
        cut(&upstream).map_err(|e| Failure::Io(root.join(UPSTREAM_DIR), std::io::Error::other(e)))?;
    let inputs: Vec<Input> = fragments
        .iter()
        .map(|(file, text)| Input { name: format!("spec/{file}"), text: text.clone() })
        .collect();

    let target = Target::Workspace;
    let old = crate::generated_model(root, &target)?.ok_or_else(|| {
        Failure::Io(
            crate::crate_dir(root, &target).join(crate::GENERATED_DIR).join(crate::MODEL),
            std::io::Error::other("is missing: run `cargo xtask codegen` to rebuild it, then update again"),
        )
    })?;
    let new = crate::generate(root, &inputs, &target)?;
    let changes = twilio_codegen::diff::diff(&old.0, &old.1, &new.api, &new.names);
    let version = crate::crate_version(root, &target);
    let sources: Vec<String> = incoming
        .iter()
        .map(|s| {
            let source = &provenance.files[&s.name];
            let mut line = format!("`{}` at {} ({})", s.name, short(&source.commit), source.date);
            if let Some(note) = &s.note {
                line.push_str(&format!(" ({})", twilio_codegen::docs::plain(note)));
            }
            line
        })
        .collect();
    let report = format!(
        "## Unreleased: {} from {}\n\n{}",
        sources.join(", "),
        provenance.repository,
        twilio_codegen::diff::render(&changes, &version)
    );

    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for spec in &incoming {
        files.insert(format!("{UPSTREAM_DIR}/{}", spec.name), spec.text.clone().into_bytes());
    }
    files.insert(
        format!("{UPSTREAM_DIR}/{PROVENANCE}"),
        (serde_json::to_string_pretty(&provenance).unwrap_or_default() + "\n").into_bytes(),
    );
    for (file, text) in &fragments {
        files.insert(format!("spec/{file}"), text.clone().into_bytes());
    }
    // The generated crate, planned as `codegen` would write it (its checks
    // included), with the new provenance in its docs.
    let plan = crate::plan_output(root, &inputs, &new, &target, Some(&provenance))?;
    let crate_dir = crate::crate_dir(root, &target);
    let relative = |p: &Path| -> String {
        let full = crate_dir.join(p);
        let rel = full.strip_prefix(root).unwrap_or(&full);
        rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
    };
    for (rel, bytes) in plan.writes() {
        files.insert(relative(&rel), bytes);
    }
    let removals: Vec<(String, String)> =
        plan.removals().iter().map(|(rel, hash)| (relative(rel), hash.clone())).collect();

    // Nothing new upstream: nothing to write, not even a changelog entry.
    let differs = |rel: &str, bytes: &[u8]| {
        crate::read_bounded(&root.join(rel), crate::MAX_OWN_FILE).ok().as_deref() != Some(bytes)
    };
    files.retain(|rel, bytes| differs(rel, bytes));
    if files.is_empty() && removals.is_empty() {
        return Ok(Update {
            report: "Already up to date: nothing changed.\n".to_owned(),
            written: Vec::new(),
            changes: Vec::new(),
            recovered,
        });
    }
    let changelog = "generated/CHANGELOG.md";
    let old_log = crate::read_text_if_exists(&root.join(changelog), crate::MAX_OWN_FILE)?.unwrap_or_default();
    let new_log = changelog_with(&old_log, &report);
    if new_log != old_log {
        files.insert(changelog.to_owned(), new_log.into_bytes());
    }

    let mut written: Vec<String> = files.keys().cloned().collect();
    written.extend(removals.iter().map(|(rel, _)| format!("{rel} (removed)")));
    let mut changes_to_apply: Vec<Change> =
        files.into_iter().map(|(rel, bytes)| Change::Write(rel, bytes)).collect();
    changes_to_apply.extend(removals.into_iter().map(|(rel, hash)| Change::Remove(rel, hash)));
    transaction::apply(root, &changes_to_apply, hook)?;
    Ok(Update { report, written, changes, recovered })
}

fn short(commit: &str) -> &str {
    commit.get(..7).unwrap_or(commit)
}

/// The changelog's first lines, above the entries.
const CHANGELOG_HEADER: &str = "# Changelog of the generated crate\n\n\
    Each entry is written by `cargo xtask update-spec`: the upstream spec it was\n\
    regenerated from and the API change report, newest first.\n";

/// The changelog with `entry` as its newest entry; unchanged if that is
/// already its newest entry, so no entry is ever written twice in a row.
fn changelog_with(old: &str, entry: &str) -> String {
    let rest = old.strip_prefix(CHANGELOG_HEADER).unwrap_or(old).trim_start();
    let newest = rest.find("\n## ").map_or(rest, |end| &rest[..end]);
    if !rest.is_empty() && newest.trim_end() == entry.trim_end() {
        return old.to_owned();
    }
    if rest.is_empty() {
        format!("{CHANGELOG_HEADER}\n{entry}")
    } else {
        format!("{CHANGELOG_HEADER}\n{entry}\n{rest}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_dates_are_strict() {
        let chat = "twilio_chat_v2.yaml";
        assert_eq!(upstream_name(chat, chat), Some(None));
        assert_eq!(
            upstream_name("2025-07-03_4ae76f3_twilio_chat_v2.yaml", chat),
            Some(Some(("4ae76f3".to_owned(), "2025-07-03".to_owned())))
        );
        for bad in [
            "my_twilio_chat_v2.yaml",
            "xtwilio_chat_v2.yaml",
            "9999-99-99_4ae76f3_twilio_chat_v2.yaml",
            "2025-02-30_4ae76f3_twilio_chat_v2.yaml",
            "2025-7-3_4ae76f3_twilio_chat_v2.yaml",
            "9999-12-31_4ae76f3_twilio_chat_v2.yaml",
            "2025-07-03_4ae76_twilio_chat_v2.yaml",
            "2025-07-03_4AE76F3_twilio_chat_v2.yaml",
            "2025-07-03_zzzzzzz_twilio_chat_v2.yaml",
        ] {
            assert_eq!(upstream_name(bad, chat), None, "{bad}");
        }
        assert!(valid_commit("d50069b44ea8cd23141385bdb6db48f16ff75bb5") && !valid_commit("unknown"));
    }

    #[test]
    fn a_changelog_entry_is_never_written_twice() {
        let entry = "## Unreleased: x\n\nNo change to the generated API.\n";
        let once = changelog_with("", entry);
        assert_eq!(changelog_with(&once, entry), once);
        let other = "## Unreleased: y\n\nSuggested version: 0.1.1.\n";
        let twice = changelog_with(&once, other);
        assert!(twice.contains(entry) && twice.contains(other));
        assert_eq!(changelog_with(&twice, other), twice);
    }
}
