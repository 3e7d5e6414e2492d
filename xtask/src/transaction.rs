//! `cargo xtask update-spec` as one transaction over the repository: every
//! new file is staged in a journal folder, [`JOURNAL`], then a plan naming
//! each change is renamed into place (the commit point), then the staged
//! files are renamed over their targets and stale files removed, then the
//! journal goes.
//!
//! Killed before the commit point, nothing outside the journal has changed
//! and the next run removes it (rolls back); killed after it, the plan says
//! what is left and the next run finishes it. Every rename and every
//! removal is atomic, so each file is either old or new, never half
//! written. The plan is read back as untrusted input: it may only move files
//! out of the journal into the places an update writes, and only remove
//! generated files whose content it names.

use std::collections::BTreeSet;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write as _};
use std::path::{Component, Path, PathBuf};

use crate::{Failure, output};

/// The journal folder, at the repository's root.
pub const JOURNAL: &str = ".update-spec";

/// The plan's file name in the journal.
const PLAN: &str = "plan";

/// Where an update may write: the stored upstream specs, the fragments, and
/// the generator's own files in `generated/`.
fn writable(rel: &str) -> bool {
    let parts: Vec<&str> = rel.split('/').collect();
    match parts.as_slice() {
        ["spec", "upstream", _] => true,
        ["spec", file] => file.ends_with(".yaml"),
        ["generated", "CHANGELOG.md" | "names.lock" | output::MANIFEST] => true,
        ["generated", "src", "generated", ..] => true,
        _ => false,
    }
}

/// Where an update may remove a file: only generated modules.
fn removable(rel: &str) -> bool {
    rel.starts_with("generated/src/generated/") && rel.split('/').count() >= 4
}

/// One change to the repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Write this content at this path (relative to the root, `/`-separated).
    Write(String, Vec<u8>),
    /// Remove the file at this path, which holds content with this SHA-256.
    Remove(String, String),
}

impl Change {
    fn path(&self) -> &str {
        match self {
            Change::Write(rel, _) | Change::Remove(rel, _) => rel,
        }
    }
}

/// A step of a transaction, for tests that stop it there (as a kill would).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A staged file was written and synced.
    Staged(usize),
    /// The plan was written and synced, not yet in place.
    PlanWritten,
    /// The plan is in place: the commit point.
    Committed,
    /// A staged file was renamed over its target.
    Moved(usize),
    /// A stale file was removed.
    Removed(usize),
    /// The journal's plan was removed.
    PlanRemoved,
}

/// Called before each step; an error stops the transaction right there,
/// with no cleanup, as a kill would.
pub type Hook<'a> = &'a mut dyn FnMut(&Step) -> io::Result<()>;

fn io_at(path: &Path) -> impl FnOnce(io::Error) -> Failure + '_ {
    move |e| Failure::Io(path.to_path_buf(), e)
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Applies `changes` to `root` as one transaction (see the module docs).
pub fn apply(root: &Path, changes: &[Change], hook: Hook<'_>) -> Result<(), Failure> {
    for change in changes {
        let ok = match change {
            Change::Write(rel, _) => writable(rel),
            Change::Remove(rel, _) => removable(rel),
        };
        if !ok || !plain(change.path()) {
            return Err(Failure::Io(
                root.join(change.path()),
                io::Error::other("not a file an update may change"),
            ));
        }
    }
    let journal = root.join(JOURNAL);
    if fs::symlink_metadata(&journal).is_ok() {
        return Err(Failure::Io(
            journal,
            io::Error::other(
                "an earlier update was interrupted: run `cargo xtask update-spec --finish` first",
            ),
        ));
    }
    fs::create_dir(&journal).map_err(io_at(&journal))?;
    // Until the commit point a failure removes the journal: nothing else
    // has changed. A hook's error is a kill: it leaves everything.
    let staged = stage(&journal, changes, hook);
    match staged {
        Ok(()) => {}
        Err(Stop::Failed(error)) => {
            let _ = fs::remove_dir_all(&journal);
            return Err(error);
        }
        Err(Stop::Killed(error)) => return Err(error),
    }
    finish_plan(root, hook).map_err(Stop::into_failure)
}

/// Why a transaction stopped.
enum Stop {
    /// An operation failed (a full disk, say): safe to clean up.
    Failed(Failure),
    /// The hook stopped it, as a kill would.
    Killed(Failure),
}

impl Stop {
    fn into_failure(self) -> Failure {
        match self {
            Stop::Failed(f) | Stop::Killed(f) => f,
        }
    }
}

fn step(hook: Hook<'_>, step: Step, at: &Path) -> Result<(), Stop> {
    hook(&step).map_err(|e| Stop::Killed(Failure::Io(at.to_path_buf(), e)))
}

fn failed(path: &Path) -> impl FnOnce(io::Error) -> Stop + '_ {
    move |e| Stop::Failed(Failure::Io(path.to_path_buf(), e))
}

/// Writes the staged files and the plan, up to the commit point.
fn stage(journal: &Path, changes: &[Change], hook: Hook<'_>) -> Result<(), Stop> {
    let mut plan = String::new();
    for (index, change) in changes.iter().enumerate() {
        match change {
            Change::Write(rel, bytes) => {
                let staged = journal.join(index.to_string());
                write_new(&staged, bytes).map_err(failed(&staged))?;
                step(hook, Step::Staged(index), &staged)?;
                plan.push_str(&format!("write {index} {} {rel}\n", output::sha256(bytes)));
            }
            Change::Remove(rel, hash) => plan.push_str(&format!("remove {index} {hash} {rel}\n")),
        }
    }
    let temp = journal.join("plan.tmp");
    write_new(&temp, plan.as_bytes()).map_err(failed(&temp))?;
    step(hook, Step::PlanWritten, &temp)?;
    let target = journal.join(PLAN);
    fs::rename(&temp, &target).map_err(failed(&target))?;
    sync_dir(journal).map_err(failed(journal))?;
    step(hook, Step::Committed, &target)
}

fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = OpenOptions::new().write(true).create_new(true).open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// A path of plain components only, `/`-separated.
fn plain(rel: &str) -> bool {
    !rel.is_empty()
        && Path::new(rel).components().all(|c| matches!(c, Component::Normal(_)))
        && !rel.contains('\\')
}

/// One line of the plan, checked.
struct Entry {
    write: bool,
    index: usize,
    hash: String,
    rel: String,
}

fn read_plan(journal: &Path) -> Result<Vec<Entry>, Failure> {
    let path = journal.join(PLAN);
    let text = crate::read_text(&path, crate::MAX_OWN_FILE)?;
    let broken = |n: usize, why: &str| {
        Failure::Io(
            path.clone(),
            io::Error::other(format!("line {n}: {why}; remove {JOURNAL}/ and run the update again")),
        )
    };
    let mut entries = Vec::new();
    let mut seen = BTreeSet::new();
    for (n, line) in text.lines().enumerate().map(|(n, l)| (n + 1, l)) {
        let mut words = line.splitn(4, ' ');
        let (Some(kind), Some(index), Some(hash), Some(rel)) =
            (words.next(), words.next(), words.next(), words.next())
        else {
            return Err(broken(n, "not `write|remove INDEX SHA256 PATH`"));
        };
        let index: usize = index.parse().map_err(|_| broken(n, "a bad index"))?;
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(broken(n, "a bad SHA-256"));
        }
        let write = match kind {
            "write" => true,
            "remove" => false,
            _ => return Err(broken(n, "neither write nor remove")),
        };
        let allowed = if write { writable(rel) } else { removable(rel) };
        if !plain(rel) || !allowed || !seen.insert(rel.to_owned()) {
            return Err(broken(n, "a path an update may not change"));
        }
        entries.push(Entry { write, index, hash: hash.to_owned(), rel: rel.to_owned() });
    }
    Ok(entries)
}

/// Carries out the plan in the journal, then removes the journal.
fn finish_plan(root: &Path, hook: Hook<'_>) -> Result<(), Stop> {
    let journal = root.join(JOURNAL);
    let entries = read_plan(&journal).map_err(Stop::Failed)?;
    for entry in &entries {
        let target = root.join(&entry.rel);
        output::check_parents(root, Path::new(&entry.rel)).map_err(Stop::Failed)?;
        let current = match fs::symlink_metadata(&target) {
            Ok(meta) if meta.file_type().is_symlink() || !meta.is_file() => {
                return Err(Stop::Failed(Failure::Io(target, io::Error::other("is not a regular file"))));
            }
            Ok(_) => Some(output::sha256(&output::read_own(&target).map_err(Stop::Failed)?)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(failed(&target)(e)),
        };
        if entry.write {
            if current.as_deref() == Some(entry.hash.as_str()) {
                continue;
            }
            // A staged file is one this update wrote: a regular file, read
            // within the bound and never through a link.
            let staged = journal.join(entry.index.to_string());
            let bytes = output::read_own(&staged).map_err(Stop::Failed)?;
            if output::sha256(&bytes) != entry.hash {
                return Err(Stop::Failed(Failure::Io(
                    staged,
                    io::Error::other("does not hold what the plan says"),
                )));
            }
            if let Some(parent) = target.parent() {
                fs::create_dir_all(parent).map_err(failed(parent))?;
            }
            fs::rename(&staged, &target).map_err(failed(&target))?;
            step(hook, Step::Moved(entry.index), &target)?;
        } else {
            match current {
                None => continue,
                Some(hash) if hash == entry.hash => {
                    fs::remove_file(&target).map_err(failed(&target))?;
                    step(hook, Step::Removed(entry.index), &target)?;
                }
                Some(_) => {
                    return Err(Stop::Failed(Failure::Io(
                        target,
                        io::Error::other("was edited since the update began; it is left as it is"),
                    )));
                }
            }
        }
    }
    for parent in entries.iter().filter_map(|e| root.join(&e.rel).parent().map(Path::to_path_buf)) {
        let _ = sync_dir(&parent);
    }
    let plan = journal.join(PLAN);
    fs::remove_file(&plan).map_err(failed(&plan))?;
    step(hook, Step::PlanRemoved, &plan)?;
    remove_journal(&journal).map_err(Stop::Failed)
}

/// Removes the journal folder: only the files a transaction writes there.
fn remove_journal(journal: &Path) -> Result<(), Failure> {
    for entry in fs::read_dir(journal).map_err(io_at(journal))?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let ours = name == PLAN || name == "plan.tmp" || name.bytes().all(|b| b.is_ascii_digit());
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if !ours || !is_file {
            return Err(Failure::Io(
                entry.path(),
                io::Error::other(format!("is not a file an update writes; remove {JOURNAL}/ by hand")),
            ));
        }
        fs::remove_file(entry.path()).map_err(io_at(&entry.path()))?;
    }
    fs::remove_dir(journal).map_err(io_at(journal))
}

/// What [`recover`] found and did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recovery {
    /// No interrupted update.
    Nothing,
    /// An update stopped before its commit point: its journal is removed
    /// and nothing else had changed.
    RolledBack,
    /// An update stopped after its commit point: it is finished now.
    Finished,
}

/// Whether an interrupted update left its journal.
pub fn pending(root: &Path) -> bool {
    fs::symlink_metadata(root.join(JOURNAL)).is_ok()
}

/// Finishes an update interrupted after its commit point, or rolls back one
/// interrupted before it.
pub fn recover(root: &Path, hook: Hook<'_>) -> Result<Recovery, Failure> {
    let journal = root.join(JOURNAL);
    match fs::symlink_metadata(&journal) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Recovery::Nothing),
        Err(e) => return Err(Failure::Io(journal, e)),
        Ok(meta) if !meta.is_dir() || meta.file_type().is_symlink() => {
            return Err(Failure::Io(journal, io::Error::other("is not the folder an update writes")));
        }
        Ok(_) => {}
    }
    if fs::symlink_metadata(journal.join(PLAN)).is_err() {
        remove_journal(&journal)?;
        return Ok(Recovery::RolledBack);
    }
    finish_plan(root, hook).map_err(Stop::into_failure)?;
    Ok(Recovery::Finished)
}

/// Removes temporaries that an interrupted `codegen` of this repository
/// left beside its files (`.NAME.PID.N.tmp`, from a process no longer
/// running), in `dirs`; returns how many.
pub fn remove_stale_temporaries(dirs: &[PathBuf]) -> usize {
    let mut removed = 0;
    for dir in dirs {
        for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(pid) = output::temporary_pid(&name) else { continue };
            let alive = Path::new("/proc").join(pid.to_string()).exists();
            if !alive && entry.file_type().is_ok_and(|t| t.is_file()) && fs::remove_file(entry.path()).is_ok()
            {
                removed += 1;
            }
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_files_an_update_owns_may_change() {
        for rel in [
            "spec/upstream/twilio_chat_v2.yaml",
            "spec/chat_v2_service_bindings.yaml",
            "generated/CHANGELOG.md",
            "generated/names.lock",
            "generated/.codegen-manifest",
            "generated/src/generated/chat_v2.rs",
        ] {
            assert!(writable(rel), "{rel}");
        }
        for rel in [
            "generated/src/lib.rs",
            "generated/Cargo.toml",
            "README.md",
            "spec/x.rs",
            ".ci/run",
            "generated/README.md",
        ] {
            assert!(!writable(rel), "{rel}");
        }
        assert!(removable("generated/src/generated/old.rs"));
        for rel in ["generated/src/lib.rs", "generated/CHANGELOG.md", "spec/chat_v2_service_bindings.yaml"] {
            assert!(!removable(rel), "{rel}");
        }
        assert!(!plain("generated/../README.md") && !plain("/etc/passwd") && plain("spec/a.yaml"));
    }
}
