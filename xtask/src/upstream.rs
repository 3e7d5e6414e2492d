//! The upstream specs the fragments are cut from, kept in the repository
//! under `spec/upstream/` with a provenance record, and `cargo xtask
//! update-spec`, which replaces them, cuts the fragments again, regenerates
//! and reports what changed in the API.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::{Deserialize, Serialize};
use twilio_codegen::Input;

use crate::{Failure, Mode, Target, output, slice};

/// Where the upstream specs live, relative to the root.
pub const UPSTREAM_DIR: &str = "spec/upstream";

/// The provenance record's file name in [`UPSTREAM_DIR`].
pub const PROVENANCE: &str = "provenance.json";

/// Where every upstream spec came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
pub struct Source {
    /// Its path in the upstream repository.
    pub path: String,
    /// The upstream commit it was taken from (`unknown` if not known).
    pub commit: String,
    /// The date of that commit, `YYYY-MM-DD` (`unknown` if not known).
    pub date: String,
    /// SHA-256 of the file as stored here.
    pub sha256: String,
}

/// The upstream spec files that fragments are cut from, sorted.
pub fn upstream_names() -> Vec<&'static str> {
    let mut names: Vec<&str> = slice::FRAGMENTS.iter().map(|f| f.upstream).collect();
    names.sort();
    names.dedup();
    names
}

/// The provenance record in the repository.
pub fn provenance(root: &Path) -> Result<Provenance, Failure> {
    let path = root.join(UPSTREAM_DIR).join(PROVENANCE);
    let text = fs::read_to_string(&path).map_err(|e| Failure::Io(path.clone(), e))?;
    serde_json::from_str(&text).map_err(|e| Failure::Io(path, std::io::Error::other(e.to_string())))
}

/// A sentence for the generated crate's docs: which upstream specs, at
/// which commits, it was generated from.
pub fn provenance_markdown(root: &Path) -> Result<String, Failure> {
    let provenance = provenance(root)?;
    let files: Vec<String> = provenance
        .files
        .iter()
        .map(|(name, source)| format!("`{name}` at commit `{}` ({})", short(&source.commit), source.date))
        .collect();
    Ok(format!(
        "Generated from Twilio's OpenAPI specs in `{}`: {}.\n",
        provenance.repository,
        files.join(", ")
    ))
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
            fs::read_to_string(&path).map(|text| (name.to_owned(), text)).map_err(|e| Failure::Io(path, e))
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
    /// Its commit and date, if they could be found.
    pub commit: Option<(String, String)>,
}

/// Finds the upstream specs in `paths`: twilio-oai checkouts (their
/// `spec/yaml/` folder; the commit comes from git) or spec files whose names
/// end in an upstream name (`2025-07-03_4ae76f3_twilio_chat_v2.yaml` is
/// `twilio_chat_v2.yaml` at commit `4ae76f3` of 2025-07-03).
pub fn find(paths: &[PathBuf]) -> Result<Vec<Incoming>, String> {
    let known = upstream_names();
    let mut found: BTreeMap<String, Incoming> = BTreeMap::new();
    for path in paths {
        let checkout = path.is_dir();
        let files: Vec<PathBuf> = if checkout {
            let candidates = ["spec/yaml", "spec", "."]
                .iter()
                .flat_map(|sub| known.iter().map(move |n| path.join(sub).join(n)));
            let files: Vec<PathBuf> = candidates.filter(|p| p.is_file()).collect();
            if files.is_empty() {
                return Err(format!(
                    "{}: no {} in it, in spec/yaml/ or in spec/",
                    path.display(),
                    known.join(" or ")
                ));
            }
            files
        } else {
            vec![path.clone()]
        };
        for file in files {
            let file_name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let Some(name) = known.iter().find(|n| file_name.ends_with(*n)) else {
                return Err(format!(
                    "{}: not a spec the fragments are cut from (expected a name ending in {})",
                    file.display(),
                    known.join(" or ")
                ));
            };
            let text = fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            // A checkout's git history says where its files came from; a
            // lone file can say so only by its name.
            let commit = if checkout { git_commit(&file) } else { commit_from_name(&file_name, name) };
            if found.contains_key(*name) {
                return Err(format!("{}: {name} is given twice", file.display()));
            }
            found.insert((*name).to_owned(), Incoming { name: (*name).to_owned(), from: file, text, commit });
        }
    }
    Ok(found.into_values().collect())
}

/// The last commit that touched `file`, with its date, if it is in a git
/// checkout.
fn git_commit(file: &Path) -> Option<(String, String)> {
    let dir = file.parent()?;
    let out = Command::new("git")
        .current_dir(dir)
        .args(["log", "-1", "--format=%H %cs", "--"])
        .arg(file.file_name()?)
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let (commit, date) = text.trim().split_once(' ')?;
    (out.status.success() && !commit.is_empty()).then(|| (commit.to_owned(), date.to_owned()))
}

/// `DATE_COMMIT_NAME` file names, as in `spec/history/`.
fn commit_from_name(file_name: &str, name: &str) -> Option<(String, String)> {
    let prefix = file_name.strip_suffix(name)?.strip_suffix('_')?;
    let (date, commit) = prefix.split_once('_')?;
    let date_ok = date.len() == 10 && date.chars().all(|c| c.is_ascii_digit() || c == '-');
    let commit_ok = !commit.is_empty() && commit.chars().all(|c| c.is_ascii_hexdigit());
    (date_ok && commit_ok).then(|| (commit.to_owned(), date.to_owned()))
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
}

/// Replaces the upstream specs with `incoming`, cuts the fragments again,
/// regenerates `generated/` and records the change report in its
/// `CHANGELOG.md`. Everything is checked and generated in memory first: a
/// spec that fails to load, or output that cannot be written, leaves every
/// file as it was. Running it again with the same input writes nothing.
pub fn update(root: &Path, incoming: &[Incoming]) -> Result<Update, Failure> {
    for spec in incoming {
        twilio_codegen::load::load(&spec.from.display().to_string(), &spec.text).map_err(Failure::Spec)?;
    }
    let mut provenance = provenance(root)?;
    let mut upstream = stored(root)?;
    for spec in incoming {
        let (commit, date) =
            spec.commit.clone().unwrap_or_else(|| ("unknown".to_owned(), "unknown".to_owned()));
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
    let fragments =
        cut(&upstream).map_err(|e| Failure::Io(root.join(UPSTREAM_DIR), std::io::Error::other(e)))?;
    let inputs: Vec<Input> = fragments
        .iter()
        .map(|(file, text)| Input { name: format!("spec/{file}"), text: text.clone() })
        .collect();

    let target = Target::Workspace;
    let old = crate::generated_model(root, &target);
    let new = crate::generate(root, &inputs, &target)?;
    let changes = old
        .as_ref()
        .map(|(api, names)| twilio_codegen::diff::diff(api, names, &new.api, &new.names))
        .unwrap_or_default();
    let version = crate::crate_version(root, &target);
    let sources: Vec<String> = incoming
        .iter()
        .map(|s| {
            let source = &provenance.files[&s.name];
            format!("`{}` at {} ({})", s.name, short(&source.commit), source.date)
        })
        .collect();
    let report = format!(
        "## Unreleased: {} from {}\n\n{}",
        sources.join(", "),
        provenance.repository,
        twilio_codegen::diff::render(&changes, &version)
    );

    let mut files: BTreeMap<PathBuf, String> = BTreeMap::new();
    for spec in incoming {
        files.insert(Path::new(UPSTREAM_DIR).join(&spec.name), spec.text.clone());
    }
    files.insert(
        Path::new(UPSTREAM_DIR).join(PROVENANCE),
        serde_json::to_string_pretty(&provenance).unwrap_or_default() + "\n",
    );
    for (file, text) in &fragments {
        files.insert(Path::new("spec").join(file), text.clone());
    }
    // Nothing new upstream: nothing to write, not even a changelog entry.
    let unchanged =
        files.iter().all(|(rel, text)| fs::read_to_string(root.join(rel)).ok().as_deref() == Some(text));
    let codegen = crate::write_output(root, &inputs, &new, &target, Mode::Check)?;
    if unchanged && codegen.changed.is_empty() && codegen.removed.is_empty() {
        return Ok(Update {
            report: "Already up to date: nothing changed.\n".to_owned(),
            written: Vec::new(),
            changes: Vec::new(),
        });
    }
    let changelog = Path::new("generated/CHANGELOG.md");
    let old_log = fs::read_to_string(root.join(changelog)).unwrap_or_default();
    files.insert(changelog.to_path_buf(), changelog_with(&old_log, &report));

    let changed: Vec<(PathBuf, Vec<u8>)> = files
        .into_iter()
        .filter(|(rel, text)| fs::read_to_string(root.join(rel)).ok().as_deref() != Some(text.as_str()))
        .map(|(rel, text)| (root.join(rel), text.into_bytes()))
        .collect();
    let mut written: Vec<String> =
        changed.iter().map(|(p, _)| p.strip_prefix(root).unwrap_or(p).display().to_string()).collect();
    output::write_all(&changed)?;
    let generated = crate::write_output(root, &inputs, &new, &target, Mode::Write)?;
    written.extend(generated.changed);
    written.extend(generated.removed.iter().map(|f| format!("{f} (removed)")));
    Ok(Update { report, written, changes })
}

fn short(commit: &str) -> &str {
    commit.get(..7).unwrap_or(commit)
}

/// The changelog with `entry` as its newest entry.
fn changelog_with(old: &str, entry: &str) -> String {
    const HEADER: &str = "# Changelog of the generated crate\n\n\
        Each entry is written by `cargo xtask update-spec`: the upstream spec it was\n\
        regenerated from and the API change report, newest first.\n";
    let rest = old.strip_prefix(HEADER).unwrap_or(old).trim_start();
    if rest.is_empty() { format!("{HEADER}\n{entry}") } else { format!("{HEADER}\n{entry}\n{rest}") }
}
