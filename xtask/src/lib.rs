//! Project automation behind `cargo xtask`: running the generator over spec
//! files and writing (or checking) its output, and cutting the Bindings
//! fragments out of Twilio's specs.

pub mod bench;
pub mod contract;
pub mod corpus;
pub mod forward;
pub mod fuzz;
pub mod git;
pub mod history;
pub mod newest;
pub mod output;
pub mod prism;
pub mod slice;
pub mod transaction;
pub mod upstream;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use twilio_codegen::{Input, PREAMBLE};

/// Writes one line to standard output; a closed pipe (`xtask report |
/// head -1`) is not an error: the rest is dropped and the program goes on
/// to end normally.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {{
        use ::std::io::Write as _;
        let _ = ::std::writeln!(::std::io::stdout(), $($arg)*);
    }};
}

/// Writes one line to standard error, like [`say!`].
#[macro_export]
macro_rules! tell {
    ($($arg:tt)*) => {{
        use ::std::io::Write as _;
        let _ = ::std::writeln!(::std::io::stderr(), $($arg)*);
    }};
}

/// The workspace root: the parent of the running package (`xtask` or
/// `tests`). Cargo sets `CARGO_MANIFEST_DIR` for `cargo run` and `cargo test`;
/// the path compiled in is only a fallback, because cargo reuses a build made
/// in another clone sharing the target directory (as `.ci/run` does), path
/// and all.
pub fn root() -> PathBuf {
    let package = std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    package.parent().map(Path::to_path_buf).unwrap_or_default()
}

/// The arguments to `cargo mutants` (with `--no-config`) for the naming
/// code: every mutant of `naming.rs` and `diff.rs`, and of the functions of
/// `lower/` that pick names, keys or personal-data marks; killed by the
/// generator's unit tests (which pin the names of every real spec the
/// repository carries and the reports of the walk through its history) or
/// by the suites of names, snapshots, hostile specs, reports and freshness.
pub const NAMING_MUTANTS: &[&str] = &[
    "--profile=mutants",
    "-f=generator/src/naming.rs",
    "-f=generator/src/diff.rs",
    "-f=generator/src/lower/*.rs",
    r"-F=(naming|diff)\.rs:",
    r"-F=lower/.*(pick|type_name|personal|locked|operation_ids|lower\b|SidUses|module_name|derived_ids|op_key|normaliz|sid_noun|nouns|variant|add_values|enumeration|resources|drafts|template)",
    "--test-package=twilio-codegen",
    "--test-package=tests",
    // For the build as well as the run: only these test targets.
    "--cargo-arg=--lib",
    "--cargo-arg=--test=names",
    "--cargo-arg=--test=snapshots",
    "--cargo-arg=--test=hostile",
    "--cargo-arg=--test=spec_changes",
    "--cargo-arg=--test=freshness",
];

/// A cargo command in `dir`: the cargo that runs this program (`CARGO`), else
/// the one on the path.
pub fn cargo(dir: &Path) -> std::process::Command {
    let mut command = std::process::Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(dir);
    command
}

/// Cargo's target directory: `CARGO_TARGET_DIR` if set, else `target/`.
pub fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root.join(dir),
        None => root.join("target"),
    }
}

/// The directory, under a crate's `src/`, that holds the generated modules.
pub const GENERATED_DIR: &str = "src/generated";

/// The model a crate was generated from, as JSON, in [`GENERATED_DIR`].
pub const MODEL: &str = "model.json";

/// The directory of the crate that `target` writes.
pub fn crate_dir(root: &Path, target: &Target) -> PathBuf {
    match target {
        Target::Workspace => root.join("generated"),
        Target::Standalone(Standalone { dir, .. }) | Target::Member(dir) => dir.clone(),
    }
}

/// The model that the crate in `target` was last generated from, with its
/// name lock: the old side of a change report. `None` when there is none
/// (a new crate); an error, naming the file and how to rebuild it, when it
/// cannot be read as a model.
pub fn generated_model(
    root: &Path,
    target: &Target,
) -> Result<Option<(twilio_codegen::model::Api, twilio_codegen::naming::NameLock)>, Failure> {
    let path = crate_dir(root, target).join(GENERATED_DIR).join(MODEL);
    let Some(text) = read_text_if_exists(&path, MAX_OWN_FILE)? else { return Ok(None) };
    let api = serde_json::from_str(&text).map_err(|e| {
        Failure::Io(
            path.clone(),
            io::Error::other(format!(
                "is not the model `cargo xtask codegen` writes ({e}); run `cargo xtask codegen` to rebuild it"
            )),
        )
    })?;
    Ok(Some((api, name_lock(root, target)?)))
}

/// The version in a crate's `Cargo.toml`, or the workspace's when it
/// inherits it.
pub fn crate_version(root: &Path, target: &Target) -> String {
    let version = |path: PathBuf| -> Option<String> {
        let text = fs::read_to_string(path).ok()?;
        text.lines().find_map(|l| {
            let rest = l.trim().strip_prefix("version")?.trim_start().strip_prefix('=')?;
            Some(rest.trim().trim_matches('"').to_owned())
        })
    };
    version(crate_dir(root, target).join("Cargo.toml"))
        .filter(|v| !v.is_empty() && v.chars().next().is_some_and(|c| c.is_ascii_digit()))
        .or_else(|| version(root.join("Cargo.toml")))
        .unwrap_or_else(|| "0.1.0".to_owned())
}

/// Where generated code goes.
#[derive(Debug, Clone)]
pub enum Target {
    /// The checked-in `generated/` crate: only its generated modules are
    /// written; `Cargo.toml` and `lib.rs` are hand-written.
    Workspace,
    /// A standalone crate in any directory, with its own `Cargo.toml`.
    Standalone(Standalone),
    /// Like `Standalone`, for a member of an enclosing workspace (the corpus).
    Member(PathBuf),
}

/// A standalone crate to generate: where, its package name, and how it
/// depends on the runtime.
#[derive(Debug, Clone)]
pub struct Standalone {
    /// The crate's directory, absolute.
    pub dir: PathBuf,
    /// The package name (default: from the directory's name).
    pub name: Option<String>,
    /// How `Cargo.toml` names `twilio-runtime`.
    pub runtime: RuntimeDep,
}

/// How a standalone crate depends on `twilio-runtime`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RuntimeDep {
    /// Its version, and the path of this checkout's `runtime/` relative to
    /// the crate: builds here, and publishes once the runtime is published.
    #[default]
    Path,
    /// Its version only, from crates.io: the crate can move anywhere once
    /// `twilio-runtime` is published.
    Registry,
    /// The runtime as it would be published (`cargo package`), written into
    /// the crate's folder as `twilio-runtime/`, a member of the crate's own
    /// workspace, with this checkout's `Cargo.lock`: the crate can move
    /// anywhere and builds without `twilio-runtime` in any registry.
    Vendored,
}

/// The folder of a standalone crate that holds the vendored runtime.
pub const VENDORED_RUNTIME: &str = "twilio-runtime";

/// Whether a package name is one cargo takes: ASCII letters, digits, `-`
/// and `_`, starting with a letter, at most 64 characters.
pub fn valid_package_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// `to` as a path relative to the directory `from` (both absolute), with
/// `/` between parts, as `Cargo.toml` writes paths.
fn relative_path(from: &Path, to: &Path) -> String {
    let from: Vec<Component<'_>> = from.components().collect();
    let to: Vec<Component<'_>> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_owned(); from.len() - common];
    parts.extend(to[common..].iter().map(|c| c.as_os_str().to_string_lossy().into_owned()));
    if parts.is_empty() { ".".to_owned() } else { parts.join("/") }
}

/// Whether to write files or only compare them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write files whose content changed and delete stale ones.
    Write,
    /// Write nothing; report what differs.
    Check,
}

/// What a run did, or in check mode, would do.
#[derive(Debug, Default)]
pub struct Report {
    /// Files written (or, in check mode, out of date), relative to the root.
    pub changed: Vec<String>,
    /// Files deleted (or, in check mode, that should be).
    pub removed: Vec<String>,
    /// Files already up to date.
    pub unchanged: usize,
    /// Lines of generated code.
    pub lines: usize,
    /// Operations generated.
    pub operations: usize,
    /// Operations skipped, one line each.
    pub skipped: Vec<String>,
    /// Parts of the specs ignored, one line each.
    pub warnings: Vec<String>,
    /// Public names with a number the spec does not have (there should be
    /// none), as `key = name`.
    pub invented: Vec<String>,
}

/// A failure of `cargo xtask codegen`.
#[derive(Debug)]
pub enum Failure {
    /// A spec is wrong.
    Spec(twilio_codegen::Error),
    /// Reading or writing failed.
    Io(PathBuf, io::Error),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Errors quote files (serde names an unknown field as written):
        // what reaches the terminal can set no title, erase no line.
        match self {
            Failure::Spec(error) => write!(f, "error: {}", terminal(&error.to_string())),
            Failure::Io(path, error) => {
                write!(
                    f,
                    "error: {}: {}",
                    terminal(&path.display().to_string()),
                    terminal(&error.to_string())
                )
            }
        }
    }
}

/// Text made safe for a terminal: control characters (ESC, CR, newlines
/// included) and the characters that reorder or hide text are escaped.
pub fn terminal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let hidden = c.is_control()
            || matches!(c, '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{FEFF}');
        if hidden {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// The Bindings fragments in `spec/`, sorted.
pub fn default_specs(root: &Path) -> Result<Vec<PathBuf>, Failure> {
    let dir = root.join("spec");
    let entries = fs::read_dir(&dir).map_err(|e| Failure::Io(dir.clone(), e))?;
    let mut specs: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json")))
        .collect();
    specs.sort();
    Ok(specs)
}

/// The specs fuzzing starts from: the Bindings fragments and the hostile corpus.
pub fn fuzz_seeds(root: &Path) -> Result<Vec<Input>, Failure> {
    let mut paths = default_specs(root)?;
    let hostile = root.join("tests/hostile");
    let entries = fs::read_dir(&hostile).map_err(|e| Failure::Io(hostile.clone(), e))?;
    let mut more: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    more.sort();
    paths.extend(more);
    read_specs(root, &paths)
}

/// The most bytes a spec may have (the generator's own limit).
pub const MAX_SPEC: u64 = twilio_codegen::structure::MAX_BYTES as u64;

/// The most bytes a file the generator wrote may have when it is read back
/// (model, lock, manifest, provenance, changelog, generated code): far above
/// what it writes, even for Twilio's largest API.
pub const MAX_OWN_FILE: u64 = 64 * 1024 * 1024;

/// Reads at most `limit` bytes of the regular file at `path` (a symlink to
/// one is followed), refusing devices, FIFOs and sockets before reading
/// (a FIFO is opened without blocking, then refused), and a file longer
/// than `limit` after reading `limit + 1` bytes: a file that is
/// `/dev/zero`, or grows while read, costs at most that much memory.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, Failure> {
    use std::io::Read as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let refuse = |why: String| Failure::Io(path.to_path_buf(), io::Error::other(why));
    let meta = fs::metadata(path).map_err(|e| Failure::Io(path.to_path_buf(), e))?;
    if !meta.is_file() {
        return Err(refuse("is not a regular file; refusing to read it".to_owned()));
    }
    let file = fs::OpenOptions::new()
        .read(true)
        .custom_flags(nix::libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| Failure::Io(path.to_path_buf(), e))?;
    // The path may have changed between the two looks: trust the open file.
    let opened = file.metadata().map_err(|e| Failure::Io(path.to_path_buf(), e))?;
    if !opened.is_file() {
        return Err(refuse("is not a regular file; refusing to read it".to_owned()));
    }
    let mut bytes = Vec::with_capacity(opened.len().min(limit) as usize);
    file.take(limit + 1).read_to_end(&mut bytes).map_err(|e| Failure::Io(path.to_path_buf(), e))?;
    if bytes.len() as u64 > limit {
        return Err(refuse(format!("is larger than {limit} bytes; refusing to read it")));
    }
    Ok(bytes)
}

/// [`read_bounded`] as UTF-8 text.
pub fn read_text(path: &Path, limit: u64) -> Result<String, Failure> {
    String::from_utf8(read_bounded(path, limit)?)
        .map_err(|_| Failure::Io(path.to_path_buf(), io::Error::other("is not UTF-8 text")))
}

/// [`read_text`], with `None` for a file that does not exist.
pub fn read_text_if_exists(path: &Path, limit: u64) -> Result<Option<String>, Failure> {
    match fs::symlink_metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        _ => read_text(path, limit).map(Some),
    }
}

/// Reads spec files, naming each relative to `root` where possible.
pub fn read_specs(root: &Path, paths: &[PathBuf]) -> Result<Vec<Input>, Failure> {
    paths
        .iter()
        .map(|path| {
            let text = read_text(path, MAX_SPEC)?;
            let name = path.strip_prefix(root).unwrap_or(path).display().to_string();
            Ok(Input { name, text })
        })
        .collect()
}

/// The name lock's file name in a crate's directory.
pub const NAME_LOCK: &str = "names.lock";

/// The name lock of the crate in `target`: every public name it has, by its
/// key in the spec; empty for a new crate.
pub fn name_lock(root: &Path, target: &Target) -> Result<twilio_codegen::naming::NameLock, Failure> {
    let path = crate_dir(root, target).join(NAME_LOCK);
    let Some(text) = read_text_if_exists(&path, MAX_OWN_FILE)? else { return Ok(Default::default()) };
    let broken = |why: String| Failure::Io(path.clone(), io::Error::other(why));
    let lock: twilio_codegen::naming::NameLock =
        serde_json::from_str(&text).map_err(|e| broken(e.to_string()))?;
    twilio_codegen::naming::check_lock(&lock)
        .map_err(|(key, value, why)| broken(format!("entry {key:?} = {value:?}: {why}")))?;
    Ok(lock)
}

/// Runs the generator on `inputs` with the name lock of `target`.
pub fn generate(root: &Path, inputs: &[Input], target: &Target) -> Result<twilio_codegen::Output, Failure> {
    let lock = name_lock(root, target)?;
    twilio_codegen::generate_locked(inputs, &lock).map_err(Failure::Spec)
}

/// Generates code from `inputs` into `target`, writing or checking, keeping
/// the names its name lock pins and writing the lock anew.
pub fn codegen(root: &Path, inputs: &[Input], target: &Target, mode: Mode) -> Result<Report, Failure> {
    let output = generate(root, inputs, target)?;
    write_output(root, inputs, &output, target, mode)
}

/// Plans writing what one generator run produced into `target`, with the
/// model, the name lock and the manifest beside it, refusing anything that
/// would touch a file the generator did not write. `provenance` is the
/// record the checked-in crate's docs name (the stored one when `None`).
pub fn plan_output(
    root: &Path,
    inputs: &[Input],
    output: &twilio_codegen::Output,
    target: &Target,
    provenance: Option<&upstream::Provenance>,
) -> Result<output::Plan, Failure> {
    let crate_dir = crate_dir(root, target);
    let mut files: Vec<(PathBuf, String)> =
        output.files.iter().map(|(name, text)| (Path::new(GENERATED_DIR).join(name), text.clone())).collect();
    // The model the code came from: the old side of the next change report.
    let model = serde_json::to_string_pretty(&output.api).unwrap_or_default() + "\n";
    files.push((Path::new(GENERATED_DIR).join(MODEL), model));
    let lock = serde_json::to_string_pretty(&output.names).unwrap_or_default() + "\n";
    files.push((PathBuf::from(NAME_LOCK), lock));
    // The checked-in crate says which upstream specs it was generated from.
    if let Target::Workspace = target {
        let markdown = match provenance {
            Some(provenance) => upstream::provenance_markdown(provenance),
            None => upstream::provenance_markdown(&upstream::provenance(root)?),
        };
        files.push((Path::new(GENERATED_DIR).join("upstream.md"), markdown));
    }
    match target {
        Target::Standalone(standalone) => {
            files.extend(scaffold(root, standalone, inputs, true));
            if standalone.runtime == RuntimeDep::Vendored {
                files.extend(packaged_runtime(root)?);
                let lock = read_text(&root.join("Cargo.lock"), MAX_OWN_FILE)?;
                files.push((PathBuf::from("Cargo.lock"), lock));
            }
        }
        Target::Member(dir) => {
            let member = Standalone { dir: dir.clone(), name: None, runtime: RuntimeDep::Path };
            files.extend(scaffold(root, &member, inputs, false))
        }
        Target::Workspace => {}
    }
    let wanted: BTreeMap<PathBuf, String> = files.into_iter().collect();
    output::plan(&crate_dir, &wanted)
}

/// Writes (or checks) what one generator run produced, with the model, the
/// name lock and the manifest beside it.
pub fn write_output(
    root: &Path,
    inputs: &[Input],
    output: &twilio_codegen::Output,
    target: &Target,
    mode: Mode,
) -> Result<Report, Failure> {
    let crate_dir = crate_dir(root, target);
    if matches!(target, Target::Workspace) && transaction::pending(root) {
        return Err(Failure::Io(
            root.join(transaction::JOURNAL),
            io::Error::other(
                "an update of the specs was interrupted here: run `cargo xtask update-spec --finish`",
            ),
        ));
    }
    let plan = plan_output(root, inputs, output, target, None)?;
    let mut report = Report {
        lines: output.files.values().map(|t| t.lines().count()).sum(),
        operations: output
            .api
            .domains
            .values()
            .flat_map(|d| d.resources.values())
            .map(|r| r.operations.len())
            .sum(),
        skipped: output
            .api
            .skipped
            .iter()
            .map(|s| format!("{}: at {}: skipped: {}", s.file, s.pointer, s.reason))
            .collect(),
        warnings: output
            .api
            .warnings
            .iter()
            .map(|s| format!("{}: at {}: warning: {}", s.file, s.pointer, s.reason))
            .collect(),
        invented: twilio_codegen::naming::invented_numbers_in(output)
            .into_iter()
            .map(|(key, name)| format!("{key} = {name}"))
            .collect(),
        ..Report::default()
    };
    let display = |path: &Path| path.strip_prefix(root).unwrap_or(path).display().to_string();
    report.unchanged = plan.unchanged;
    report.changed = plan.changed.iter().map(|(rel, _)| display(&crate_dir.join(rel))).collect();
    // The manifest follows the files; on its own it is stale only when they are not.
    if plan.manifest_changed && report.changed.is_empty() && report.removed.is_empty() {
        report.changed.push(display(&crate_dir.join(output::MANIFEST)));
    }
    report.removed = plan.stale.iter().map(|rel| display(&crate_dir.join(rel))).collect();
    if mode == Mode::Write {
        output::apply(&crate_dir, &plan)?;
    }
    Ok(report)
}

/// The runtime's files as `cargo package` makes them (workspace settings
/// written out, only what is published), under [`VENDORED_RUNTIME`].
fn packaged_runtime(root: &Path) -> Result<Vec<(PathBuf, String)>, Failure> {
    let package = target_dir(root).join("package");
    let output = cargo(root)
        .env("CARGO_TARGET_DIR", target_dir(root))
        .args(["package", "--quiet", "--no-verify", "--allow-dirty", "-p", "twilio-runtime"])
        .output()
        .map_err(|e| Failure::Io(root.join("runtime"), e))?;
    if !output.status.success() {
        let log = String::from_utf8_lossy(&output.stderr);
        let last = log.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("failed");
        return Err(Failure::Io(root.join("runtime"), io::Error::other(format!("cargo package: {last}"))));
    }
    let version = crate_version(root, &Target::Member(root.join("runtime")));
    let path = package.join(format!("twilio-runtime-{version}.crate"));
    let bytes = read_bounded(&path, MAX_OWN_FILE)?;
    let prefix = format!("twilio-runtime-{version}/");
    let mut files = Vec::new();
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(bytes.as_slice()));
    let entries = archive.entries().map_err(|e| Failure::Io(path.clone(), e))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| Failure::Io(path.clone(), e))?;
        let name = entry.path().map_err(|e| Failure::Io(path.clone(), e))?.to_string_lossy().into_owned();
        let Some(rel) = name.strip_prefix(&prefix) else { continue };
        // cargo's own records of the packaging, not the package.
        if matches!(rel, "Cargo.toml.orig" | ".cargo_vcs_info.json" | "Cargo.lock")
            || !entry.header().entry_type().is_file()
        {
            continue;
        }
        let mut text = String::new();
        io::Read::read_to_string(&mut entry, &mut text).map_err(|e| Failure::Io(path.clone(), e))?;
        files.push((Path::new(VENDORED_RUNTIME).join(rel), text));
    }
    Ok(files)
}

/// `Cargo.toml` and `src/lib.rs` of a standalone crate: a package a user
/// can keep and publish, depending on the runtime by version (and, while
/// it is not published, by a path relative to the crate), with the
/// runtime's features.
fn scaffold(
    root: &Path,
    crate_: &Standalone,
    inputs: &[Input],
    own_workspace: bool,
) -> Vec<(PathBuf, String)> {
    let name =
        crate_
            .name
            .clone()
            .or_else(|| {
                crate_
                    .dir
                    .file_name()
                    .map(|n| {
                        n.to_string_lossy()
                            .replace(|c: char| !c.is_ascii_alphanumeric() && c != '-' && c != '_', "-")
                    })
                    .filter(|n| !n.is_empty())
                    .map(|n| {
                        if n.starts_with(|c: char| c.is_ascii_alphabetic()) {
                            n
                        } else {
                            format!("twilio-{n}")
                        }
                    })
            })
            .unwrap_or_else(|| "twilio-generated".to_owned());
    let version = crate_version(root, &Target::Member(root.join("runtime")));
    let runtime = match crate_.runtime {
        RuntimeDep::Path => format!(
            "{{ version = \"{version}\", path = \"{}\", default-features = false }}",
            relative_path(&crate_.dir, &root.join("runtime"))
        ),
        RuntimeDep::Registry => format!("{{ version = \"{version}\", default-features = false }}"),
        RuntimeDep::Vendored => {
            format!("{{ version = \"{version}\", path = \"{VENDORED_RUNTIME}\", default-features = false }}")
        }
    };
    let workspace = match (own_workspace, crate_.runtime) {
        (true, RuntimeDep::Vendored) => format!(
            "\n# A crate of its own with the runtime beside it, even when generated inside another workspace.\n\
             [workspace]\nmembers = [\"{VENDORED_RUNTIME}\"]\n"
        ),
        (true, _) => {
            "\n# A crate of its own, even when generated inside another workspace.\n[workspace]\n".to_owned()
        }
        (false, _) => String::new(),
    };
    let manifest = format!(
        "# Generated by `cargo xtask codegen`; regenerate rather than edit.\n\
         [package]\n\
         name = \"{name}\"\n\
         version = \"0.1.0\"\n\
         edition = \"2024\"\n\
         description = \"A Twilio API client generated from Twilio's OpenAPI specs.\"\n\n\
         [dependencies]\n\
         twilio-runtime = {runtime}\n\n\
         [features]\n\
         default = [\"rustls\"]\n\
         rustls = [\"twilio-runtime/rustls\"]\n\
         rustls-aws-lc = [\"twilio-runtime/rustls-aws-lc\"]\n\
         rustls-ring = [\"twilio-runtime/rustls-ring\"]\n\
         native-tls = [\"twilio-runtime/native-tls\"]\n\
         tracing = [\"twilio-runtime/tracing\"]\n\
         test-util = [\"twilio-runtime/test-util\"]\n{workspace}"
    );
    let mut sources = String::new();
    for input in inputs {
        // By file name only: the path given may name a maintainer's home
        // folder, and these docs are published. File names are text like
        // any other: one sanitized code span.
        let file = Path::new(&input.name)
            .file_name()
            .map_or(input.name.as_str(), |n| n.to_str().unwrap_or_default());
        let name = twilio_codegen::docs::sanitize(&twilio_codegen::docs::code(file));
        let _ = write!(sources, "\n//! - {name}");
    }
    let lib = format!(
        "{PREAMBLE}\n\
         //! A Twilio API client generated from:{sources}\n\
         //!\n\
         #![doc = include_str!(\"generated/apis.md\")]\n\n\
         #[rustfmt::skip]\n\
         mod generated;\n\n\
         pub use generated::*;\n\
         pub use twilio_runtime as runtime;\n"
    );
    vec![(PathBuf::from("Cargo.toml"), manifest), (PathBuf::from("src/lib.rs"), lib)]
}
