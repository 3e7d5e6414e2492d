//! Writing generated files without ever touching a file the generator did
//! not create.
//!
//! Every output directory holds a manifest, [`MANIFEST`], in `sha256sum`
//! format: the files the generator wrote there and their hashes. A run may
//! write into a directory that does not exist, that is empty, or that has a
//! manifest; it may overwrite or delete only files the manifest lists with
//! their content unchanged since. Symlinks are never followed: a symlink
//! where the generator would write or delete is refused. Temporary files are
//! created exclusively (`create_new`) beside their target. Anything else is
//! refused with a clear error before anything is written.

use std::collections::BTreeMap;
use std::fs::{self, OpenOptions};
use std::io::{self, Write as _};
use std::path::{Component, Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::Failure;

/// The manifest's file name in an output directory.
pub const MANIFEST: &str = ".codegen-manifest";

/// What writing a set of files into a directory would do.
#[derive(Debug, Default)]
pub struct Plan {
    /// Files to write, relative to the directory, with their contents.
    pub changed: Vec<(PathBuf, String)>,
    /// Files the manifest lists that are no longer generated.
    pub stale: Vec<PathBuf>,
    /// Files already as wanted.
    pub unchanged: usize,
    /// The manifest after the run.
    manifest: BTreeMap<PathBuf, String>,
    /// Whether the manifest on disk differs from the one after the run.
    pub manifest_changed: bool,
    /// The manifest on disk.
    old: BTreeMap<PathBuf, String>,
}

/// The SHA-256 of `bytes` in lowercase hex.
pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn refuse(path: &Path, why: impl Into<String>) -> Failure {
    Failure::Io(path.to_path_buf(), io::Error::other(why.into()))
}

/// Plans writing `files` (paths relative to `dir`) into `dir`, refusing
/// anything that would touch a file the generator did not create.
pub fn plan(dir: &Path, files: &BTreeMap<PathBuf, String>) -> Result<Plan, Failure> {
    let old = match fs::symlink_metadata(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => BTreeMap::new(),
        Err(e) => return Err(Failure::Io(dir.to_path_buf(), e)),
        Ok(meta) if meta.file_type().is_symlink() => {
            return Err(refuse(dir, "is a symlink; give the directory it points to"));
        }
        Ok(meta) if !meta.is_dir() => return Err(refuse(dir, "is not a directory")),
        Ok(_) => match read_manifest(dir)? {
            Some(manifest) => manifest,
            None => {
                if !holds_no_files(dir).map_err(|e| Failure::Io(dir.to_path_buf(), e))? {
                    return Err(refuse(
                        dir,
                        format!(
                            "is not empty and holds no {MANIFEST}, so `cargo xtask codegen` did not make it; \
                             refusing to write into it (choose a new or empty directory)"
                        ),
                    ));
                }
                BTreeMap::new()
            }
        },
    };

    let mut plan = Plan::default();
    for (rel, text) in files {
        let path = dir.join(rel);
        check_parents(dir, rel)?;
        let hash = sha256(text.as_bytes());
        match existing(&path)? {
            None => plan.changed.push((rel.clone(), text.clone())),
            Some(current) if current == text.as_bytes() => plan.unchanged += 1,
            Some(current) => match old.get(rel) {
                Some(listed) if *listed == sha256(&current) => plan.changed.push((rel.clone(), text.clone())),
                Some(_) => {
                    return Err(refuse(
                        &path,
                        "was edited since it was generated; move your changes elsewhere or delete the file",
                    ));
                }
                None => {
                    return Err(refuse(
                        &path,
                        "exists and was not written by the generator; refusing to overwrite it",
                    ));
                }
            },
        }
        plan.manifest.insert(rel.clone(), hash);
    }
    for (rel, listed) in &old {
        // Only generated modules are ever removed, whatever the manifest
        // says: a listed `Cargo.toml` or `lib.rs` is dropped from it, not deleted.
        if files.contains_key(rel) || !rel.starts_with(crate::GENERATED_DIR) {
            continue;
        }
        let path = dir.join(rel);
        check_parents(dir, rel)?;
        match existing(&path)? {
            None => {}
            Some(current) if sha256(&current) == *listed => plan.stale.push(rel.clone()),
            Some(_) => {
                return Err(refuse(
                    &path,
                    "is no longer generated but was edited since; move your changes elsewhere or delete the file",
                ));
            }
        }
    }
    plan.manifest_changed = plan.manifest != old;
    plan.old = old;
    Ok(plan)
}

impl Plan {
    /// The files to write, relative to the directory, the manifest last.
    pub fn writes(&self) -> Vec<(PathBuf, Vec<u8>)> {
        let mut writes: Vec<(PathBuf, Vec<u8>)> =
            self.changed.iter().map(|(rel, text)| (rel.clone(), text.clone().into_bytes())).collect();
        if self.manifest_changed {
            writes.push((PathBuf::from(MANIFEST), manifest_text(&self.manifest).into_bytes()));
        }
        writes
    }

    /// The files to remove, relative to the directory, with the SHA-256 of
    /// the content they hold.
    pub fn removals(&self) -> Vec<(PathBuf, String)> {
        self.stale.iter().map(|rel| (rel.clone(), self.old.get(rel).cloned().unwrap_or_default())).collect()
    }
}

/// Writes the plan with [`write_all`], manifest included, then deletes the
/// stale files.
pub fn apply(dir: &Path, plan: &Plan) -> Result<(), Failure> {
    let writes: Vec<(PathBuf, Vec<u8>)> =
        plan.writes().into_iter().map(|(rel, bytes)| (dir.join(rel), bytes)).collect();
    write_all(&writes)?;
    for rel in &plan.stale {
        let path = dir.join(rel);
        fs::remove_file(&path).map_err(|e| Failure::Io(path, e))?;
    }
    Ok(())
}

/// Whether `dir` holds nothing but (nested) empty folders, as a failed run
/// into a new directory may leave it. Symlinks count as files.
fn holds_no_files(dir: &Path) -> io::Result<bool> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        if !kind.is_dir() || !holds_no_files(&entry.path())? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Writes every file to an exclusive temporary beside it, then renames
/// them all into place; a failure while staging removes the temporaries and
/// the folders it made, and leaves every file as it was.
pub fn write_all(writes: &[(PathBuf, Vec<u8>)]) -> Result<(), Failure> {
    let mut staged: Vec<(PathBuf, &Path)> = Vec::new();
    let mut made: Vec<PathBuf> = Vec::new();
    for (path, bytes) in writes {
        match stage(path, bytes, &mut made) {
            Ok(temp) => staged.push((temp, path)),
            Err(error) => {
                for (temp, _) in &staged {
                    let _ = fs::remove_file(temp);
                }
                // Deepest first; a folder that is not empty stays.
                for dir in made.iter().rev() {
                    let _ = fs::remove_dir(dir);
                }
                return Err(Failure::Io(path.clone(), error));
            }
        }
    }
    for (temp, path) in &staged {
        fs::rename(temp, path).map_err(|e| Failure::Io(path.to_path_buf(), e))?;
    }
    Ok(())
}

/// Writes `bytes` to a new temporary file beside `path`, never reusing or
/// following an existing one.
fn stage(path: &Path, bytes: &[u8], made: &mut Vec<PathBuf>) -> io::Result<PathBuf> {
    let parent = path.parent().ok_or_else(|| io::Error::other("no parent directory"))?;
    let missing: Vec<PathBuf> =
        parent.ancestors().take_while(|a| !a.exists()).map(Path::to_path_buf).collect();
    fs::create_dir_all(parent)?;
    made.extend(missing.into_iter().rev());
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    for attempt in 0..100 {
        let temp = parent.join(format!(".{name}.{}.{attempt}.tmp", std::process::id()));
        match OpenOptions::new().write(true).create_new(true).open(&temp) {
            Ok(mut file) => {
                let written = file.write_all(bytes).and_then(|()| file.sync_all());
                if let Err(error) = written {
                    let _ = fs::remove_file(&temp);
                    return Err(error);
                }
                return Ok(temp);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other("could not create a temporary file"))
}

/// The process id in the name of a temporary that [`write_all`] makes
/// (`.NAME.PID.N.tmp`), if `name` is one.
pub fn temporary_pid(name: &str) -> Option<u32> {
    let inner = name.strip_prefix('.')?.strip_suffix(".tmp")?;
    let mut parts = inner.rsplitn(3, '.');
    let attempt = parts.next()?;
    let pid = parts.next()?;
    let file = parts.next()?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (digits(attempt) && digits(pid) && !file.is_empty()).then(|| pid.parse().ok()).flatten()
}

/// Refuses a path whose directories inside `dir` include a symlink or a
/// file, or that leaves `dir`.
pub fn check_parents(dir: &Path, rel: &Path) -> Result<(), Failure> {
    if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
        return Err(refuse(&dir.join(rel), "is not a plain path inside the output directory"));
    }
    let mut path = dir.to_path_buf();
    let parents: Vec<Component<'_>> = rel.components().collect();
    for component in &parents[..parents.len().saturating_sub(1)] {
        path.push(component);
        match fs::symlink_metadata(&path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(Failure::Io(path, e)),
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(refuse(&path, "is a symlink; the generator never writes through one"));
            }
            Ok(meta) if !meta.is_dir() => return Err(refuse(&path, "is not a directory")),
            Ok(_) => {}
        }
    }
    Ok(())
}

/// The bytes of a file the generator wrote: a regular file, never a
/// symlink (opened with `O_NOFOLLOW`, so a link put in its place between
/// the look and the open is refused too), read within the bound.
pub fn read_own(path: &Path) -> Result<Vec<u8>, Failure> {
    use std::io::Read as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(nix::libc::O_NONBLOCK | nix::libc::O_NOFOLLOW)
        .open(path)
        .map_err(|e| match e.raw_os_error() {
            Some(nix::libc::ELOOP) => refuse(path, "is a symlink; the generator never reads one as its own"),
            _ => Failure::Io(path.to_path_buf(), e),
        })?;
    let meta = file.metadata().map_err(|e| Failure::Io(path.to_path_buf(), e))?;
    if !meta.is_file() {
        return Err(refuse(path, "is not a regular file"));
    }
    let limit = crate::MAX_OWN_FILE;
    let mut bytes = Vec::with_capacity(meta.len().min(limit) as usize);
    file.take(limit + 1).read_to_end(&mut bytes).map_err(|e| Failure::Io(path.to_path_buf(), e))?;
    if bytes.len() as u64 > limit {
        return Err(refuse(path, format!("is larger than {limit} bytes; refusing to read it")));
    }
    Ok(bytes)
}

/// Writes files of the repository at `root` (paths relative to it) through
/// [`write_all`], after refusing any whose place is a symlink or not a
/// regular file, or whose folders inside `root` include a symlink.
pub fn write_in(root: &Path, files: &[(PathBuf, Vec<u8>)]) -> Result<(), Failure> {
    let mut writes = Vec::with_capacity(files.len());
    for (rel, bytes) in files {
        check_parents(root, rel)?;
        let path = root.join(rel);
        existing(&path)?;
        writes.push((path, bytes.clone()));
    }
    write_all(&writes)
}

/// The bytes of the regular file at `path`, `None` if there is none; a
/// symlink or anything else is refused.
fn existing(path: &Path) -> Result<Option<Vec<u8>>, Failure> {
    match fs::symlink_metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Failure::Io(path.to_path_buf(), e)),
        Ok(meta) if meta.file_type().is_symlink() => {
            Err(refuse(path, "is a symlink; the generator never writes or deletes through one"))
        }
        Ok(meta) if !meta.is_file() => Err(refuse(path, "is not a regular file")),
        Ok(_) => read_own(path).map(Some),
    }
}

/// The manifest of `dir`, if it has one.
fn read_manifest(dir: &Path) -> Result<Option<BTreeMap<PathBuf, String>>, Failure> {
    let path = dir.join(MANIFEST);
    if existing(&path)?.is_none() {
        return Ok(None);
    }
    let text = crate::read_text(&path, crate::MAX_OWN_FILE)?;
    let mut entries = BTreeMap::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let (hash, rel) = line
            .split_once("  ")
            .filter(|(h, _)| h.len() == 64 && h.chars().all(|c| c.is_ascii_hexdigit()))
            .ok_or_else(|| refuse(&path, format!("line {}: not `SHA256  PATH`", n + 1)))?;
        let rel = PathBuf::from(rel);
        if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
            return Err(refuse(&path, format!("line {}: {rel:?} is not a plain relative path", n + 1)));
        }
        entries.insert(rel, hash.to_owned());
    }
    Ok(Some(entries))
}

fn manifest_text(entries: &BTreeMap<PathBuf, String>) -> String {
    let mut text = String::new();
    for (rel, hash) in entries {
        let rel: Vec<String> =
            rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        text.push_str(&format!("{hash}  {}\n", rel.join("/")));
    }
    text
}
