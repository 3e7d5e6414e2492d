//! `cargo xtask history`: a user's life with the crate, release after
//! release. One scratch copy of the repository is regenerated with `cargo
//! xtask update-spec` from every older upstream version in `spec/history/`,
//! in date order, then back to the committed upstream specs. After each
//! step the report must be true (every line matches what the Rust API did)
//! and the same, mirrored, in the other direction; personal data must stay
//! redacted; no type that appeared may vanish; and whenever the generated
//! code changed, the crate, its example program and the README's example
//! must compile. At the end the crate must have exactly the public names it
//! started with.
//!
//! `cargo xtask slice --history-from DIR` fills `spec/history/` from
//! twilio-oai's history: each version cut to the part the fragments come
//! from ([`slice::history_slice`]), so the repository carries what the walk
//! needs without the whole specs.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use twilio_codegen::diff::{self, Kind};
use twilio_codegen::model::{Api, TypeDef};

use crate::{Failure, Target, forward, output, slice, upstream};

/// Where the history versions live, relative to the root.
pub const HISTORY_DIR: &str = "spec/history";

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Failure + '_ {
    move |e| Failure::Io(path.to_path_buf(), e)
}

/// Cuts every `DATE_COMMIT_NAME.yaml` upstream version in `from` into
/// `spec/history/`, with `SHA256SUMS` of the slices and
/// `UPSTREAM-SHA256SUMS` of the whole files they were cut from. Returns how
/// many were written.
pub fn slice_all(root: &Path, from: &Path) -> Result<usize, Failure> {
    let names = upstream::upstream_names();
    let mut entries: Vec<PathBuf> =
        fs::read_dir(from).map_err(io(from))?.flatten().map(|e| e.path()).collect();
    entries.sort();
    let (mut sums, mut upstream_sums) = (String::new(), String::new());
    let mut written = 0;
    for path in entries {
        let file = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let Some(name) = names.iter().find(|n| file.ends_with(*n) && file.len() > n.len()) else { continue };
        let found = upstream::find(std::slice::from_ref(&path))
            .map_err(|e| Failure::Io(path.clone(), std::io::Error::other(e)))?;
        let text = &found[0].text;
        let cut = slice::history_slice(text, name)
            .map_err(|e| Failure::Io(path.clone(), std::io::Error::other(e)))?;
        output::write_in(root, &[(Path::new(HISTORY_DIR).join(&file), cut.clone().into_bytes())])?;
        sums.push_str(&format!("{}  {file}\n", output::sha256(cut.as_bytes())));
        upstream_sums.push_str(&format!("{}  {file}\n", output::sha256(text.as_bytes())));
        written += 1;
    }
    output::write_in(
        root,
        &[
            (Path::new(HISTORY_DIR).join("SHA256SUMS"), sums.into_bytes()),
            (Path::new(HISTORY_DIR).join("UPSTREAM-SHA256SUMS"), upstream_sums.into_bytes()),
        ],
    )?;
    Ok(written)
}

/// The history versions in `spec/history/`, in date order (their names
/// start with the date).
pub fn versions(root: &Path) -> Result<Vec<PathBuf>, Failure> {
    let dir = root.join(HISTORY_DIR);
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .map_err(io(&dir))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    Ok(files)
}

/// One step of the walk.
#[derive(Debug)]
pub struct Step {
    /// The version regenerated from (a history file, or `upstream`).
    pub version: String,
    /// Breaking changes the report listed.
    pub breaking: usize,
    /// Other changes, personal data kept included.
    pub compatible: usize,
    /// Whether the crate, its example and the README's were compiled.
    pub built: bool,
    /// `ok`, or everything that failed.
    pub result: String,
    /// Seconds for the update, the checks and the build.
    pub seconds: f64,
}

/// The whole walk.
#[derive(Debug, Default)]
pub struct Walk {
    /// Each step, in order.
    pub steps: Vec<Step>,
    /// Public names the crate had at the start and not at the end.
    pub missing: Vec<String>,
    /// Public names the crate has at the end and did not at the start.
    pub extra: Vec<String>,
    /// Types that appeared and then vanished, with the step that lost them.
    pub vanished: Vec<String>,
    /// Seconds for the whole walk.
    pub seconds: f64,
    /// Whether it walked forward from the first version (names that
    /// releases added are then no failure).
    pub forward: bool,
}

impl Walk {
    /// Whether every check held.
    pub fn passed(&self) -> bool {
        self.missing.is_empty()
            && (self.forward || self.extra.is_empty())
            && self.vanished.is_empty()
            && self.steps.iter().all(|s| s.result == "ok")
    }
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), Failure> {
    fs::create_dir_all(to).map_err(io(to))?;
    for entry in fs::read_dir(from).map_err(io(from))?.flatten() {
        let (source, target) = (entry.path(), to.join(entry.file_name()));
        if source.is_dir() {
            copy_dir(&source, &target)?;
        } else {
            fs::copy(&source, &target).map_err(io(&source))?;
        }
    }
    Ok(())
}

/// The README's Rust examples as one module each, so that one `cargo check`
/// compiles them all (rustdoc's hidden `# ` lines included).
fn readme_examples(readme: &str) -> String {
    let mut out = String::from("//! The README's examples, compiled.\n#![allow(dead_code, unused)]\n");
    let mut block: Option<Vec<String>> = None;
    let mut count = 0;
    for line in readme.lines() {
        match (&mut block, line.trim_start().strip_prefix("```")) {
            (None, Some(info)) if info.starts_with("rust") && !info.contains("ignore") => {
                block = Some(Vec::new())
            }
            (Some(lines), Some(_)) => {
                out.push_str(&format!("\nmod example_{count} {{\n{}\n}}\n", lines.join("\n")));
                count += 1;
                block = None;
            }
            (Some(lines), None) => {
                let hidden =
                    line.trim_start().strip_prefix("# ").or(if line.trim() == "#" { Some("") } else { None });
                lines.push(hidden.unwrap_or(line).to_owned());
            }
            (None, None) | (None, Some(_)) => {}
        }
    }
    out
}

/// A scratch workspace holding the generated crate, the specs, the README
/// and a crate that compiles the README's examples; the runtime is the
/// repository's own, so its build is shared.
fn scratch(root: &Path, dir: &Path) -> Result<(), Failure> {
    if dir.exists() {
        fs::remove_dir_all(dir).map_err(io(dir))?;
    }
    copy_dir(&root.join("generated"), &dir.join("generated"))?;
    copy_dir(&root.join(upstream::UPSTREAM_DIR), &dir.join(upstream::UPSTREAM_DIR))?;
    for entry in fs::read_dir(root.join("spec")).map_err(io(root))?.flatten() {
        if entry.path().is_file() {
            fs::copy(entry.path(), dir.join("spec").join(entry.file_name())).map_err(io(&entry.path()))?;
        }
    }
    for file in ["README.md", "Cargo.lock"] {
        fs::copy(root.join(file), dir.join(file)).map_err(io(&root.join(file)))?;
    }
    let manifest = crate::read_text(&root.join("Cargo.toml"), crate::MAX_OWN_FILE)?;
    let runtime = root.join("runtime").display().to_string().replace('\\', "/");
    let manifest: String = manifest
        .lines()
        .map(|line| {
            if line.starts_with("members") {
                "members = [\"generated\", \"readme\"]".to_owned()
            } else if line.starts_with("default-members") || line.starts_with("twilio-codegen") {
                String::new()
            } else if line.starts_with("twilio-runtime") {
                format!("twilio-runtime = {{ path = {runtime:?}, default-features = false }}")
            } else if line.starts_with("twilio-bindings") {
                "twilio-bindings = { path = \"generated\" }".to_owned()
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    fs::write(dir.join("Cargo.toml"), manifest + "\n").map_err(io(dir))?;
    fs::create_dir_all(dir.join("readme/src")).map_err(io(dir))?;
    fs::write(
        dir.join("readme/Cargo.toml"),
        "[package]\nname = \"readme\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\ntwilio-bindings.workspace = true\n",
    )
    .map_err(io(dir))?;
    let readme = crate::read_text(&root.join("README.md"), crate::MAX_OWN_FILE)?;
    fs::write(dir.join("readme/src/lib.rs"), readme_examples(&readme)).map_err(io(dir))
}

/// The crate's types and their aliases, as `module::Type`.
fn types(api: &Api) -> BTreeSet<String> {
    api.domains
        .values()
        .flat_map(|d| d.types.keys().chain(d.aliases.keys()).map(move |t| format!("{}::{t}", d.module)))
        .collect()
}

/// Fields and parameters that are personal data, as `module Type field` or
/// `module OPERATION place name`.
fn personal(api: &Api) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for d in api.domains.values() {
        for (name, def) in &d.types {
            if let TypeDef::Struct(s) = def {
                out.extend(
                    s.fields.iter().filter(|f| f.pii).map(|f| format!("{} {name} {}", d.module, f.name)),
                );
            }
        }
        for r in d.resources.values() {
            for op in &r.operations {
                let key = twilio_codegen::lower::op_key_of(op);
                out.extend(
                    op.params.iter().filter(|p| p.pii).map(|p| format!("{} {key} {}", d.module, p.name)),
                );
            }
        }
    }
    out
}

/// What is personal at the start and is present but not personal now.
fn unredacted(start: &BTreeSet<String>, api: &Api) -> Vec<String> {
    let now = personal(api);
    let present: BTreeSet<String> = api
        .domains
        .values()
        .flat_map(|d| {
            let fields = d.types.iter().flat_map(move |(name, def)| match def {
                TypeDef::Struct(s) => {
                    s.fields.iter().map(|f| format!("{} {name} {}", d.module, f.name)).collect()
                }
                TypeDef::Enum(_) => Vec::new(),
            });
            let params = d.resources.values().flat_map(move |r| {
                r.operations.iter().flat_map(move |op| {
                    let key = twilio_codegen::lower::op_key_of(op);
                    op.params.iter().map(move |p| format!("{} {key} {}", d.module, p.name))
                })
            });
            fields.chain(params).collect::<Vec<_>>()
        })
        .collect();
    start.iter().filter(|k| present.contains(*k) && !now.contains(*k)).cloned().collect()
}

fn cargo(dir: &Path, root: &Path, args: &[&str]) -> Result<Option<String>, Failure> {
    let output = crate::cargo(dir)
        .env("CARGO_TARGET_DIR", crate::target_dir(root))
        .args(args)
        .output()
        .map_err(io(dir))?;
    if output.status.success() {
        return Ok(None);
    }
    let log = String::from_utf8_lossy(&output.stderr);
    let first = log.lines().find(|l| l.starts_with("error")).unwrap_or("failed");
    Ok(Some(format!("`cargo {}`: {first}", args[0])))
}

/// Walks `versions` in order, then back to the committed upstream specs,
/// in one scratch copy of the repository at `root`, made in `dir`; builds
/// after every step when `build` is set. `progress` hears of each step as
/// it ends.
pub fn walk(
    root: &Path,
    dir: &Path,
    versions: &[PathBuf],
    build: bool,
    progress: &mut dyn FnMut(&Step),
) -> Result<Walk, Failure> {
    walk_from(root, dir, versions, build, false, progress)
}

/// [`walk`]; with `fresh`, as a user who adopted the generator at the
/// first version: the scratch copy's name lock is removed, so the first
/// step names everything anew, and the walk's names are checked from there
/// ([`forward::check_step`] at every step: no lock entry rewritten, no
/// element the spec still has without its locked name, no meaningless
/// name).
pub fn walk_from(
    root: &Path,
    dir: &Path,
    versions: &[PathBuf],
    build: bool,
    fresh: bool,
    progress: &mut dyn FnMut(&Step),
) -> Result<Walk, Failure> {
    let started = Instant::now();
    scratch(root, dir)?;
    if fresh {
        fs::remove_file(dir.join("generated").join(crate::NAME_LOCK)).map_err(io(dir))?;
    }
    let target = Target::Workspace;
    let (start, _) = crate::generated_model(dir, &target)?
        .ok_or_else(|| Failure::Io(dir.join("generated"), std::io::Error::other("no model.json")))?;
    let mut start_items = diff::public_items(&start);
    let mut start_personal = personal(&start);
    let mut seen = types(&start);
    let mut walk = Walk { forward: fresh, ..Walk::default() };

    // The last step goes back to the committed specs, as they were recorded.
    let provenance = upstream::provenance(root)?;
    let mut steps: Vec<(String, Vec<upstream::Incoming>)> = Vec::new();
    for version in versions {
        let name = version.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let incoming = upstream::find(std::slice::from_ref(version))
            .map_err(|e| Failure::Io(version.clone(), std::io::Error::other(e)))?;
        // From the start, the first step takes each spec's oldest version:
        // the crate as it was generated then.
        let first_of_its_spec = !steps.iter().flat_map(|(_, i)| i).any(|i| i.name == incoming[0].name);
        match steps.first_mut() {
            Some((first, earlier)) if fresh && first_of_its_spec => {
                first.push_str(&format!(" + {name}"));
                earlier.extend(incoming);
            }
            _ => steps.push((name, incoming)),
        }
    }
    let mut back = Vec::new();
    for (name, source) in &provenance.files {
        let given = upstream::Given {
            commit: Some(source.commit.clone()).filter(|c| c != upstream::UNKNOWN),
            date: Some(source.date.clone()).filter(|d| d != upstream::UNKNOWN),
        };
        let file = root.join(upstream::UPSTREAM_DIR).join(name);
        back.extend(
            upstream::find_given(&[file], &given)
                .map_err(|e| Failure::Io(root.join(name), std::io::Error::other(e)))?,
        );
    }
    steps.push(("upstream".to_owned(), back));

    for (version, incoming) in steps {
        let step_started = Instant::now();
        let (old, old_names) =
            crate::generated_model(dir, &target)?.unwrap_or_else(|| (start.clone(), Default::default()));
        let update = upstream::update(dir, &incoming)?;
        let (new, new_names) =
            crate::generated_model(dir, &target)?.unwrap_or_else(|| (old.clone(), Default::default()));
        let mut problems: Vec<String> = Vec::new();
        // The report tells what the Rust API did, the same both ways.
        problems.extend(
            diff::untrue_lines(&old, &new, &update.changes).into_iter().map(|l| format!("untrue: {l}")),
        );
        let backward = diff::diff(&new, &new_names, &old, &old_names);
        problems.extend(diff::unmirrored(&update.changes, &backward));
        if update.changes.iter().any(|c| c.kind == Kind::Removed && c.rust.starts_with("client.")) {
            problems.push("an operation was reported removed".to_owned());
        }
        let now = types(&new);
        if fresh && walk.steps.is_empty() {
            // The first step is where this user started.
            (start_items, seen, start_personal) = (diff::public_items(&new), now.clone(), personal(&new));
        } else {
            problems.extend(
                unredacted(&start_personal, &new).into_iter().map(|k| format!("no longer redacted: {k}")),
            );
        }
        for lost in seen.difference(&now) {
            walk.vanished.push(format!("{lost} (at {version})"));
        }
        seen.extend(now);
        let fragments = crate::read_specs(dir, &crate::default_specs(dir)?)?;
        let present = forward::present_keys(&fragments)?;
        problems.extend(forward::check_step(&version, &old_names, &new_names, &new, &present).lines());

        if build {
            // The crate, and, for a user of today's names, its example and
            // the README's; one who started at the first version has other
            // names, which only the crate itself can be checked for.
            let check: &[&str] = if fresh {
                &["check", "--quiet", "-p", "twilio-bindings", "--lib"]
            } else {
                &["check", "--quiet", "-p", "twilio-bindings", "-p", "readme", "--all-targets"]
            };
            problems.extend(cargo(dir, root, check)?);
        }
        let breaking = update.changes.iter().filter(|c| c.breaking).count();
        let step = Step {
            version,
            breaking,
            compatible: update.changes.len() - breaking,
            built: build,
            result: if problems.is_empty() { "ok".to_owned() } else { problems.join("; ") },
            seconds: step_started.elapsed().as_secs_f64(),
        };
        progress(&step);
        walk.steps.push(step);
    }
    if build && !fresh {
        // The guide's examples, under the names the walk ends with.
        if let Some(problem) = cargo(dir, root, &["test", "--quiet", "--doc", "-p", "twilio-bindings"])? {
            if let Some(last) = walk.steps.last_mut() {
                last.result =
                    if last.result == "ok" { problem } else { format!("{}; {problem}", last.result) };
            }
        }
    }
    let (end, _) =
        crate::generated_model(dir, &target)?.unwrap_or_else(|| (start.clone(), Default::default()));
    let end_items = diff::public_items(&end);
    walk.missing = start_items.difference(&end_items).cloned().collect();
    walk.extra = end_items.difference(&start_items).cloned().collect();
    walk.seconds = started.elapsed().as_secs_f64();
    Ok(walk)
}

#[cfg(test)]
mod tests {
    use super::readme_examples;

    #[test]
    fn readme_examples_become_modules() {
        let readme = "text\n```rust,no_run\nuse a::b;\n# fn hidden() {}\nfn f() {}\n```\n```sh\nls\n```\n```rust,ignore\nnope\n```\n";
        let code = readme_examples(readme);
        assert!(code.contains("mod example_0 {\nuse a::b;\nfn hidden() {}\nfn f() {}\n}"), "{code}");
        assert!(!code.contains("example_1") && !code.contains("ls") && !code.contains("nope"), "{code}");
    }
}
